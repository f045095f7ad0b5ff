"""The athlete's own dates: the board's date order and first weekday follow their locale.

The browser says its locale (`st.context.locale`, e.g. 'de-DE'); the athlete panel can change
it. The app's words are English, so the board uses English as written in the athlete's region
('en-DE': "Mon 4 Jan", "4 – 10 Jan 2027", weeks from Monday; 'en-US': "Mon 1/4", weeks from
Sunday), read from CLDR through Babel. FullCalendar formats with the browser's own `Intl`, given
that tag.
"""

from __future__ import annotations

import datetime as dt
import functools

import streamlit as st
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_skeleton

LOCALE_KEY = "date_locale"  # the athlete panel's choice; "" follows the browser
FALLBACK = "en-GB"  # when the browser says nothing: day-month order, weeks from Monday
# Regions offered in the athlete panel (any browser locale works without being listed).
REGIONS = {
    "US": "United States",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "CA": "Canada",
    "AU": "Australia",
    "NZ": "New Zealand",
    "DE": "Germany",
    "AT": "Austria",
    "CH": "Switzerland",
    "FR": "France",
    "BE": "Belgium",
    "NL": "Netherlands",
    "IT": "Italy",
    "ES": "Spain",
    "PT": "Portugal",
    "DK": "Denmark",
    "SE": "Sweden",
    "NO": "Norway",
    "FI": "Finland",
    "ZA": "South Africa",
    "IN": "India",
}


@functools.lru_cache(maxsize=256)
def english_for(tag: str | None) -> str:
    """The English of the tag's region as a BCP 47 tag: 'de-DE' -> 'en-DE', 'fr' -> 'en-FR',
    'en-US' -> 'en-US'; 'en-GB' when the tag is missing or unknown."""
    if not tag:
        return FALLBACK
    try:
        parsed = Locale.parse(tag.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return FALLBACK
    region = parsed.territory
    if region is None:  # 'fr': the region the language is most likely written in
        likely = get_global("likely_subtags").get(parsed.language, "")
        region = likely.split("_")[-1] if likely.count("_") else None
    if region is None:
        return FALLBACK
    try:
        Locale.parse(f"en_{region}")
    except UnknownLocaleError:  # no English of that region in CLDR
        return FALLBACK
    return f"en-{region}"


@functools.lru_cache(maxsize=256)
def first_weekday(tag: str) -> int:
    """The first column of the board for a tag (Python's weekday: 0 Monday, 6 Sunday)."""
    try:
        return int(Locale.parse(tag.replace("-", "_")).first_week_day)
    except (ValueError, UnknownLocaleError):
        return 0


def sample(tag: str, day: dt.date = dt.date(2027, 1, 4)) -> str:
    """'Mon, 4 Jan' for 'en-DE': how a day reads in that locale."""
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse("en_001")
    return format_skeleton("MMMEd", day, locale=locale)


def browser_tag() -> str | None:
    locale = getattr(st.context, "locale", None)
    return str(locale) if locale else None


def athlete_tag() -> str:
    """The tag in force: the athlete panel's choice, else the browser's, as English."""
    region = st.session_state.get(LOCALE_KEY) or ""
    return english_for(f"en-{region}" if region else browser_tag())


def _label(region: str) -> str:
    tag = english_for(f"en-{region}") if region else athlete_tag()
    weekday = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    start = weekday[first_weekday(tag)]
    if not region:
        return f"As my browser ({sample(tag)}, weeks from {start})"
    return f"{REGIONS[region]} ({sample(tag)}, weeks from {start})"


def locale_picker() -> None:
    """The athlete panel's 'Dates' choice: the browser's locale, or a region picked here."""
    if LOCALE_KEY not in st.session_state:
        st.session_state[LOCALE_KEY] = ""
    st.selectbox(
        "Dates",
        ["", *REGIONS],
        format_func=_label,
        key=LOCALE_KEY,
        help="How the calendar writes dates and which day its weeks start on. The plan's own "
        "weeks run Monday to Sunday whatever you pick.",
    )
