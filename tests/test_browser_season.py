"""A saved season in a real Chromium, on SQLite and PostgreSQL: save, refresh, reopen by link
on another device, subscribe (fetch the feed over HTTP), re-plan in the page, and fetch again:
the moved event keeps its UID with a higher SEQUENCE."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import requests
from browser_app import SOLVE_TIMEOUT_MS, running_app, settled
from icalendar import Calendar as ICalendar

from planner.store import DATABASE_URL_ENV

playwright_sync = pytest.importorskip("playwright.sync_api")
PANEL = "Saved season, private link and phone feed"


def feed_events(url: str) -> tuple[dict[str, tuple[dt.date, int]], requests.Response]:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    events = {}
    for event in ICalendar.from_ical(response.content).walk("VEVENT"):
        start = event.decoded("DTSTART")
        day = start.date() if isinstance(start, dt.datetime) else start
        events[str(event["UID"])] = (day, int(event.get("SEQUENCE", 0)))
    return events, response


def _eight_weeks(page) -> None:
    weeks = page.get_by_role("spinbutton", name="Weeks", exact=True)
    weeks.fill("8")
    weeks.press("Tab")
    page.get_by_role("button", name="Update plan").first.click()
    page.get_by_text("8 weeks · ", exact=False).first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    settled(page)


def test_save_reopen_subscribe_replan(
    database_url: str, monkeypatch: pytest.MonkeyPatch, browser, tmp_path
) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    with running_app(tmp_path / "server.log") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 2200})
        page.goto(url)
        settled(page)
        _eight_weeks(page)
        page.get_by_text(PANEL).first.click()
        save_button = page.get_by_role("button", name="Save this season").first
        save_button.wait_for(timeout=SOLVE_TIMEOUT_MS)  # the section is open
        page.get_by_label("Season name").first.fill("Browser season <b>")
        save_button.click()
        # The link is set with the history API, not a page load: watch the address itself.
        page.wait_for_function(
            "() => location.search.includes('season=')", timeout=SOLVE_TIMEOUT_MS
        )
        settled(page)
        token = page.url.split("season=", 1)[1].split("&")[0]
        assert len(token) >= 22

        page.reload()  # a refresh keeps the season
        settled(page)
        page.get_by_text("Season: Browser season <b>").wait_for(timeout=SOLVE_TIMEOUT_MS)
        assert page.locator("b", has_text="Browser season").count() == 0  # text, never HTML

        other = browser.new_context().new_page()  # another device, by the link alone
        other.goto(f"{url}/?season={token}")
        settled(other)
        other.get_by_text("8 weeks · ", exact=False).first.wait_for(timeout=SOLVE_TIMEOUT_MS)
        other.get_by_text(PANEL).first.click()
        other.get_by_text("webcal://", exact=False).first.wait_for(timeout=SOLVE_TIMEOUT_MS)
        assert other.locator("[data-testid=stImage] img").count() >= 1  # the QR code

        feed_url = f"{url}/feed/{token}.ics"
        before, first = feed_events(feed_url)
        assert before
        settled(other)
        other.get_by_role("button", name="Block this day").first.click()
        other.get_by_text("Blocked · ", exact=False).wait_for(timeout=SOLVE_TIMEOUT_MS)
        settled(other)
        other.get_by_role("button", name="Re-plan", exact=True).first.click()
        other.get_by_text(re.compile("Re-planned as of")).wait_for(timeout=SOLVE_TIMEOUT_MS)
        settled(other)
        moved = other.get_by_text(re.compile(r"\d session(s)? moved"))
        assert moved.count() >= 1

        cached = requests.get(feed_url, headers={"If-None-Match": first.headers["etag"]})
        assert cached.status_code == 200  # the plan changed: no 304
        after, _ = feed_events(feed_url)
        changed = [uid for uid in before if uid in after and after[uid][0] != before[uid][0]]
        assert changed, "the re-plan moved a session in the feed"
        for uid in changed:
            assert after[uid][1] > before[uid][1]  # same UID, higher SEQUENCE
        assert len(after) == len(before)  # moved, not duplicated
        assert page.locator("[data-testid=stException]").count() == 0
        assert other.locator("[data-testid=stException]").count() == 0
        other.close()
        page.close()
    assert token not in (tmp_path / "server.log").read_text(errors="replace")
