"""The calendar board in a real Chromium (issue 13): upload -> titled cards; drag a strength card
-> re-planned with the diff shown -> undo; a drop on a race day refused with the rule named;
click a card -> the day opens; and the same page on a 390x844 phone.

Screenshots go to `test-output/` (the README's come from the same pages).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from browser_app import (
    BOARD,
    SOLVE_TIMEOUT_MS,
    board,
    calendar_ics,
    card_on,
    drag_card,
    pick_move,
    settled,
    wait_for_board,
)

from planner.config import next_monday

playwright_sync = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
TITLE = "Threshold"


def save(page, tmp_path: Path, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    path = tmp_path / name
    page.screenshot(path=str(path))
    shutil.copy(path, OUTPUT / name)


def upload(page, start: dt.date) -> dt.date:
    """Upload a calendar of weekly threshold sessions and an A race; returns the race day."""
    race = start + dt.timedelta(weeks=5, days=6)  # a Sunday, well inside the plan
    data = calendar_ics(
        TITLE, (start + dt.timedelta(days=1)).strftime("%Y%m%d"), race.strftime("%Y%m%d")
    )
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "season.ics", "mimeType": "text/calendar", "buffer": data}]
    )
    page.get_by_text("Your file: season.ics").wait_for(timeout=SOLVE_TIMEOUT_MS)
    settled(page)
    wait_for_board(page)
    return race


def test_upload_drag_undo_refuse_and_open_a_day(app_url, browser, tmp_path) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(app_url)
    settled(page)
    race = upload(page, next_monday())
    frame = board(page)

    # titled cards: the athlete's sessions, the race with its priority once, strength sessions
    frame.get_by_text(f"{TITLE} intervals", exact=False).first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    race_card = card_on(page, race.isoformat(), "race")
    assert race_card.inner_text().startswith(f"A race · {TITLE} gran fondo")
    assert "(A)" not in race_card.inner_text()
    strength = frame.locator(".strength")
    assert strength.count() >= 5
    assert re.fullmatch(r"Strength - \d+ exercises, \d+ min", strength.first.inner_text().strip())
    assert frame.locator(".week-label").first.inner_text().startswith("Week 1 · ")
    # only strength cards can be dragged: the endurance calendar is fixed
    assert frame.locator(".endurance.fc-event-draggable").count() == 0
    assert frame.locator(".strength.fc-event-draggable").count() >= 1
    # papercut 9: the day marked today is today (the plan starts next Monday: none is marked)
    marked = frame.locator(".fc-day-today").evaluate_all("els => els.map(e => e.dataset.date)")
    assert set(marked) <= {dt.date.today().isoformat()}
    save(page, tmp_path, "calendar-desktop.png")
    # month and week views, then back to the whole season
    for button, view in (("Month", "dayGridMonth"), ("Week", "dayGridWeek"), ("Season", "season")):
        frame.get_by_role("button", name=button, exact=True).click()
        frame.locator(f".fc-{view}-view").wait_for(timeout=SOLVE_TIMEOUT_MS)
    assert frame.locator(".week-label").count() >= 6

    # drag a strength card to the next day: re-planned, the move shown, then undone
    old, new = pick_move(page)
    old_day, new_day = dt.date.fromisoformat(old), dt.date.fromisoformat(new)
    mark_board_frame(page)
    drag_card(page, old, new)
    headline = page.get_by_text(re.compile(f"^Moved {old_day:%a %d %b} (->|→) {new_day:%a %d %b}"))
    headline.wait_for(timeout=SOLVE_TIMEOUT_MS)
    settled(page)
    assert page.get_by_text("moved as you asked", exact=False).count() >= 1
    card_on(page, new).first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    assert card_on(page, old).count() == 0
    assert page.locator("[data-testid=stException]").count() == 0
    # the diff appeared above the board, and the board updated its cards in place: the same
    # frame, not a new one loading and drawing FullCalendar from scratch
    assert board_frame_kept(page)
    save(page, tmp_path, "calendar-after-drop-desktop.png")
    page.get_by_role("button", name="Undo").click()
    headline.wait_for(state="detached", timeout=SOLVE_TIMEOUT_MS)
    settled(page)
    card_on(page, old).first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    assert card_on(page, new).count() == 0
    assert board_frame_kept(page)

    # a drop on the race day breaks a hard rule: refused, the rule named, the card back
    session = max(d for d in (dt.date.fromisoformat(s) for s in _strength(page)) if d < race)
    drag_card(page, session.isoformat(), race.isoformat())
    refusal = page.get_by_text(re.compile(f"^Not moved {session:%a %d %b} (->|→) {race:%a %d %b}"))
    refusal.wait_for(timeout=SOLVE_TIMEOUT_MS)
    settled(page)
    alert = page.locator("[data-testid=stAlertContainer]", has_text="Not moved").first
    rules = alert.inner_text().split("\n", 1)[1].lower()  # below the headline: the rules
    assert "race" in rules, rules
    card_on(page, session.isoformat()).first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    assert card_on(page, race.isoformat()).count() == 0

    # click a card: its day opens beside the board, with its session and actions
    target = dt.date.fromisoformat(_strength(page)[1])
    card_on(page, target.isoformat()).first.click()
    heading = page.get_by_role("heading", name=re.compile(f"^{target:%A %d %B}"))
    heading.wait_for(timeout=SOLVE_TIMEOUT_MS)
    settled(page)
    assert page.get_by_text("Why this day").is_visible()
    assert page.get_by_role("button", name="Block this day").count() == 1
    page.close()


def mark_board_frame(page) -> None:
    """Leave a mark in the board's frame: only the same frame still has it later."""
    page.locator(BOARD).element_handle().content_frame().evaluate("() => { window.kept = 1; }")


def board_frame_kept(page) -> bool:
    frame = page.locator(BOARD).element_handle().content_frame()
    return frame.evaluate("() => window.kept === 1")


def _strength(page) -> list[str]:
    return sorted(
        board(page)
        .locator(".strength.fc-event-draggable")
        .evaluate_all("els => els.map(e => e.closest('td[data-date]').dataset.date)")
    )


def test_phone_390x844(app_url, browser, tmp_path) -> None:
    """Papercut 15: on a phone the plan and the calendar's first week show on the first screen,
    the tabs fit, a tapped card brings its day into view, and no placeholder is left once the
    page has settled."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(app_url)
    settled(page)
    wait_for_board(page)
    page.wait_for_timeout(500)
    save(page, tmp_path, "calendar-phone.png")
    metric = page.get_by_text("Strength sessions", exact=True).first.bounding_box()
    assert metric is not None and metric["y"] + metric["height"] < 844
    calendar = page.locator(BOARD).bounding_box()  # the calendar starts on the first screen
    assert calendar is not None and calendar["y"] < 844 - 100, calendar
    tabs = page.locator("[data-testid=stTabs] [role=tablist]").first
    assert tabs.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    # placeholders of elements still loading their code go once the page has settled
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stSkeleton]')", timeout=SOLVE_TIMEOUT_MS
    )
    # tap a strength card: the page scrolls to the opened day
    first = _strength(page)[0]
    day = dt.date.fromisoformat(first)
    card_on(page, first).first.click()
    heading = page.get_by_role("heading", name=re.compile(f"^{day:%A %d %B}"))
    heading.wait_for(timeout=SOLVE_TIMEOUT_MS)
    settled(page)
    page.wait_for_timeout(800)
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 844, box
    save(page, tmp_path, "calendar-phone-day.png")
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()
