"""Redraw the README's screenshots from the current app, with one command:

    python docs/screenshots/make_screenshots.py

Starts `streamlit run app.py` on a free port and drives Debian's Chromium (the test helpers of
`tests/browser_app.py`) through the demo season:

- calendar-desktop.png (1440x900): the Calendar tab with a strength session opened beside it;
- calendar-after-drop-desktop.png: the same after dragging a strength card one day later;
- phone-first-screen.png (390x844, a touch phone): the page as it opens on a phone;
- phone-calendar.png: the phone scrolled to the calendar (this week's list).

Both browsers say they are British (en-GB): day-month dates, weeks from Monday.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from browser_app import (  # noqa: E402
    BOARD,
    CHROMIUM_ARGS,
    SOLVE_TIMEOUT_MS,
    card_on,
    drag_card,
    ensure_chromium,
    pick_move,
    running_app,
    settled,
    strength_dates,
    wait_for_board,
)

TABS = "[data-testid=stTabs]"
TOP = "el => el.scrollIntoView({block: 'start'})"


PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)


def open_page(browser, url: str, width: int, height: int):
    phone = width < 600
    touch = {"is_mobile": True, "has_touch": True, "user_agent": PHONE_UA} if phone else {}
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="en-GB", **touch
    )
    page = context.new_page()
    page.goto(url)
    settled(page)
    if phone:  # a phone opens on this week's list
        page.frame_locator(BOARD).locator(".fc-list").wait_for(timeout=SOLVE_TIMEOUT_MS)
    else:
        wait_for_board(page)
    # no placeholder of an element still loading its code in the picture
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stSkeleton]')", timeout=SOLVE_TIMEOUT_MS
    )
    return page


def desktop(browser, url: str, out: Path) -> None:
    page = open_page(browser, url, 1440, 900)
    first = strength_dates(page)[0]
    card_on(page, first).first.click()  # the opened day beside the board
    page.get_by_role("heading", name=re.compile(r"^\w+day \d\d ")).wait_for()
    settled(page)
    page.locator(TABS).first.evaluate(TOP)
    page.wait_for_timeout(500)
    page.screenshot(path=str(out / "calendar-desktop.png"))
    old, new = pick_move(page, avoid={first})
    drag_card(page, old, new)
    page.get_by_text(re.compile("^Moved ")).wait_for(timeout=SOLVE_TIMEOUT_MS)
    settled(page)
    card_on(page, new).first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    page.locator(TABS).first.evaluate(TOP)
    page.wait_for_timeout(500)
    page.screenshot(path=str(out / "calendar-after-drop-desktop.png"))
    page.context.close()


def phone(browser, url: str, out: Path) -> None:
    page = open_page(browser, url, 390, 844)
    page.wait_for_timeout(500)
    page.screenshot(path=str(out / "phone-first-screen.png"))
    page.locator(TABS).first.evaluate(TOP)  # the tabs keep a margin below Streamlit's header
    page.wait_for_timeout(500)
    page.screenshot(path=str(out / "phone-calendar.png"))
    page.context.close()


def main(out: Path = HERE) -> None:
    from playwright.sync_api import sync_playwright

    log = Path(tempfile.mkdtemp()) / "server.log"
    with running_app(log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(ensure_chromium()), args=CHROMIUM_ARGS
        )
        desktop(browser, url, out)
        phone(browser, url, out)
        browser.close()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main()
