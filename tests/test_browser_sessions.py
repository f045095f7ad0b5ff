"""Two people at once: each browser session sees only its own calendar and plan."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_app import SOLVE_TIMEOUT_MS, calendar_ics, settled

from planner.config import next_monday

playwright_sync = pytest.importorskip("playwright.sync_api")


def _upload(page, name: str, title: str) -> None:
    start = next_monday()
    data = calendar_ics(
        title,
        (start + dt.timedelta(days=1)).strftime("%Y%m%d"),
        (start + dt.timedelta(days=48)).strftime("%Y%m%d"),
    )
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/calendar", "buffer": data}]
    )
    page.get_by_text(f"Your file: {name}").wait_for(timeout=SOLVE_TIMEOUT_MS)
    page.get_by_text(f"{title} intervals").first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    settled(page)


def test_two_sessions_never_see_each_others_calendar(app_url, browser) -> None:
    alice = browser.new_context().new_page()
    bob = browser.new_context().new_page()
    for page in (alice, bob):
        page.goto(app_url)
        settled(page)
    _upload(alice, "alpha.ics", "Alpha")
    _upload(bob, "bravo.ics", "Bravo")
    # Alice's page runs again after Bob's upload: it must still hold only her calendar.
    alice.get_by_role("button", name="Update plan").first.click()
    settled(alice)
    alice.get_by_text("Alpha intervals").first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    for page, mine, theirs in ((alice, "Alpha", "Bravo"), (bob, "Bravo", "Alpha")):
        text = page.inner_text("body")
        assert f"{mine} intervals" in text
        assert theirs not in text and theirs not in page.content()
        assert page.locator("[data-testid=stException]").count() == 0
    # A fresh visitor gets the demo season, not anyone's upload.
    carol = browser.new_context().new_page()
    carol.goto(app_url)
    settled(carol)
    html = carol.content() + carol.inner_text("body")
    assert "Alpha" not in html and "Bravo" not in html
    assert carol.get_by_text("Demo season").count() >= 1
