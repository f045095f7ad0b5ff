"""The app's favicon, drawn here: a Material icon as `page_icon` makes every visitor's browser
fetch it from Google's font CDN (a third-party request, and a failed one offline)."""

from __future__ import annotations

import functools

from PIL import Image, ImageDraw

GREEN = (46, 125, 50, 255)


@functools.cache
def app_icon() -> Image.Image:
    """A 64 px dumbbell on a transparent background."""
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 29, 48, 35), fill=GREEN)  # the bar
    for left in (6, 46):  # the plates
        draw.rounded_rectangle((left, 16, left + 12, 48), radius=3, fill=GREEN)
    for left in (1, 58):  # the collars
        draw.rounded_rectangle((left, 24, left + 5, 40), radius=2, fill=GREEN)
    return image


# Material icons (Streamlit's :material/...: shortcodes, served with the app) per event sport.
SPORT_ICONS = {
    "ride": ":material/directions_bike:",
    "run": ":material/directions_run:",
    "swim": ":material/pool:",
    "strength": ":material/fitness_center:",
}
OTHER_SPORT_ICON = ":material/exercise:"


def sport_icon(sport: str) -> str:
    """The icon of an event's own sport (a run shows a runner whatever the main sport)."""
    return SPORT_ICONS.get(sport, OTHER_SPORT_ICON)
