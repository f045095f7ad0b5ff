"""The app in a real headless Chromium: what a person sees, not just what the script computes.

Starts `streamlit run app.py` on a free port, uploads a calendar with a hostile title, changes
a setting and checks the page; screenshots go to pytest's tmp_path and to `test-output/`.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from browser_app import BOARD, SOLVE_TIMEOUT_MS, board, settled, wait_for_board

from planner.config import next_monday

playwright_sync = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
HOSTILE = "<img src=x onerror=alert(1)>"


def wait_for_plan(page) -> None:
    """Until the script has finished its run and the plan and its week view are on the page."""
    settled(page)
    # the week view (a markdown table: no Arrow grid code on a first visit)
    page.wait_for_selector("[data-testid=stMarkdownContainer] table", timeout=SOLVE_TIMEOUT_MS)
    page.wait_for_timeout(500)


def hostile_calendar(start: dt.date) -> bytes:
    """Three weeks of a daily event with an HTML title, and an A race 21 weeks in: after the
    upload the plan runs 22 weeks (through the race and its transition week)."""
    first = (start + dt.timedelta(days=1)).strftime("%Y%m%d")
    race = (start + dt.timedelta(days=146)).strftime("%Y%m%d")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:evil@test\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:{first}\r\nRRULE:FREQ=DAILY;COUNT=21\r\n"
        f"SUMMARY:{HOSTILE}\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:race@test\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:{race}\r\nSUMMARY:Spring road race (A)\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    ).encode()


def save(page, tmp_path: Path, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    shutil.copy(path, OUTPUT / name)
    return path


def board_weeks(page) -> int:
    """Week rows of the calendar board's season view."""
    wait_for_board(page)
    return board(page).locator(".week-label").count()


def test_upload_hostile_title_change_setting_and_screenshot(app_url, browser, tmp_path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 2000})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(app_url)
    wait_for_plan(page)
    assert page.get_by_text("Demo season").is_visible()
    save(page, tmp_path, "demo-desktop.png")

    # upload a calendar whose event title is HTML
    start = next_monday()
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "evil.ics", "mimeType": "text/calendar", "buffer": hostile_calendar(start)}]
    )
    page.get_by_text("Your file: evil.ics").wait_for(timeout=SOLVE_TIMEOUT_MS)
    wait_for_plan(page)
    shown = page.get_by_text(HOSTILE, exact=False)
    shown.first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    assert shown.count() >= 1
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("[data-testid=stException]").count() == 0
    tall = board_weeks(page)
    # the hostile title is a card title in the board too, shown as text
    assert board(page).get_by_text(HOSTILE, exact=False).count() >= 1
    assert board(page).locator("img[src='x']").count() == 0

    # change a setting: plan 8 weeks instead of 22, one click on "Update plan"
    weeks = page.get_by_role("spinbutton", name="Weeks", exact=True)
    weeks.fill("8")
    weeks.press("Tab")
    page.get_by_role("button", name="Update plan").first.click()
    end = start + dt.timedelta(weeks=8, days=-1)
    page.get_by_text(f"8 weeks · {start:%a %d %b %Y} – {end:%a %d %b %Y}").wait_for(
        timeout=SOLVE_TIMEOUT_MS
    )
    wait_for_plan(page)
    short = board_weeks(page)
    assert (tall, short) == (22, 8)  # 14 fewer week rows on the board
    assert page.get_by_text(HOSTILE, exact=False).count() >= 1
    assert page.locator("[data-testid=stException]").count() == 0
    assert dialogs == []
    shot = save(page, tmp_path, "upload-8-weeks-desktop.png")
    assert shot.stat().st_size > 10_000

    # the same page on a phone
    page.set_viewport_size({"width": 390, "height": 2400})
    page.wait_for_timeout(1500)
    save(page, tmp_path, "upload-8-weeks-phone.png")
    assert dialogs == []
    page.close()


def test_block_a_day_replan_and_go_back(app_url, browser, tmp_path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    page.goto(app_url)
    wait_for_plan(page)
    # the day panel shows the first session (today defaults to the plan's first day)
    assert page.get_by_text("No strength session on this day.").count() == 0
    page.get_by_role("button", name="Block this day").click()
    page.get_by_text("Blocked · ", exact=False).wait_for(timeout=SOLVE_TIMEOUT_MS)
    page.get_by_text("Not applied yet", exact=False).wait_for(timeout=SOLVE_TIMEOUT_MS)
    wait_for_board(page)
    grid_before = page.locator(BOARD).screenshot()

    page.get_by_role("button", name="Re-plan", exact=True).click()
    headline = page.get_by_text(re.compile("Re-planned as of"))  # case matters: not the caption
    headline.wait_for(timeout=SOLVE_TIMEOUT_MS)
    wait_for_plan(page)
    assert page.get_by_text("is blocked", exact=False).count() >= 1
    # the blocked day lost its session, in the day panel and in the calendar
    assert page.get_by_text("No strength session on this day.").is_visible()
    assert page.get_by_text(re.compile("re-planned as of")).count() == 1  # the summary caption
    grid_after = page.locator(BOARD).screenshot()
    assert grid_after != grid_before
    assert page.locator("[data-testid=stException]").count() == 0
    save(page, tmp_path, "replan-blocked-day-desktop.png")

    page.get_by_role("button", name="Back to the previous plan").click()
    headline.wait_for(state="detached", timeout=SOLVE_TIMEOUT_MS)
    wait_for_plan(page)
    save(page, tmp_path, "replan-back-desktop.png")
    assert page.get_by_text("No strength session on this day.").count() == 0
    assert page.get_by_text("Blocked · ", exact=False).count() >= 1  # the mark stays
    save(page, tmp_path, "replan-back-desktop.png")
    page.close()


def test_the_page_asks_nothing_of_other_hosts(app_url, browser) -> None:
    """Fonts, icons and the favicon come from the app itself: opening it tells no third party
    that this athlete is planning (and nothing fails on a closed network)."""
    page = browser.new_page(viewport={"width": 1400, "height": 2000})
    own = app_url.split("://", 1)[1]
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: (
            None
            if r.url.split("://", 1)[-1].startswith((own, "data:"))
            else elsewhere.append(r.url)
        ),
    )
    page.goto(app_url)
    wait_for_plan(page)
    wait_for_board(page)  # the calendar component's script and styles come from the app too
    board(page).get_by_role("button", name="Month", exact=True).click()
    board(page).locator(".fc-dayGridMonth-view").wait_for(timeout=SOLVE_TIMEOUT_MS)
    page.wait_for_timeout(500)
    assert page.locator("link[rel~=icon]").count() >= 1
    assert elsewhere == []
    page.close()
