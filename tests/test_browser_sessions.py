"""Two people at once: each browser session sees only its own calendar and plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from browser_app import (
    CHROMIUM_ARGS,
    SOLVE_TIMEOUT_MS,
    ChromiumUnavailable,
    calendar_ics,
    ensure_chromium,
    running_app,
)

from planner.config import next_monday

playwright_sync = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(tmp_path_factory.mktemp("streamlit") / "server.log") as app_url:
        yield app_url


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    try:
        executable = ensure_chromium()
    except ChromiumUnavailable as exc:
        pytest.skip(str(exc))
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _settled(page) -> None:
    page.wait_for_selector("[data-testid=stMetricValue]", timeout=SOLVE_TIMEOUT_MS)
    page.wait_for_timeout(300)
    page.wait_for_selector(
        "[data-testid=stStatusWidget]", state="detached", timeout=SOLVE_TIMEOUT_MS
    )


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
    _settled(page)


def test_two_sessions_never_see_each_others_calendar(url, chromium) -> None:
    alice = chromium.new_context().new_page()
    bob = chromium.new_context().new_page()
    for page in (alice, bob):
        page.goto(url)
        _settled(page)
    _upload(alice, "alpha.ics", "Alpha")
    _upload(bob, "bravo.ics", "Bravo")
    # Alice's page runs again after Bob's upload: it must still hold only her calendar.
    alice.get_by_role("button", name="Update plan").first.click()
    _settled(alice)
    alice.get_by_text("Alpha intervals").first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    for page, mine, theirs in ((alice, "Alpha", "Bravo"), (bob, "Bravo", "Alpha")):
        text = page.inner_text("body")
        assert f"{mine} intervals" in text
        assert theirs not in text and theirs not in page.content()
        assert page.locator("[data-testid=stException]").count() == 0
    # A fresh visitor gets the demo season, not anyone's upload.
    carol = chromium.new_context().new_page()
    carol.goto(url)
    _settled(carol)
    html = carol.content() + carol.inner_text("body")
    assert "Alpha" not in html and "Bravo" not in html
    assert carol.get_by_text("Demo season").count() >= 1
