"""No false alarms in a real Chromium: the "Settings changed" banner neither on a fresh page
nor on opening a saved season's link (nothing was changed in either)."""

from __future__ import annotations

import pytest
from browser_app import running_app, settled
from season_data import START, WEEKS, first_plan, season_source

from planner import seasons
from planner.config import PlannerConfig
from planner.domain import AthleteProfile
from planner.store import DATABASE_URL_ENV, open_store
from planner.store.database import close_all

playwright_sync = pytest.importorskip("playwright.sync_api")
BANNER = "#plan-stale-banner"
WATCH_S = 6  # the watch checks twice a second and takes a baseline after 1.5 s


def _never_stale(page) -> None:
    for _ in range(WATCH_S * 4):
        page.wait_for_timeout(250)
        assert page.locator(BANNER).count() == 0, page.locator(BANNER).inner_text()


def test_no_settings_banner_on_a_fresh_page_or_a_season_link(
    browser, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'seasons.sqlite3'}"
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    monkeypatch.setenv("PLANNER_TODAY", "2026-11-25")
    token, _ = seasons.create(
        open_store(url), season_source(), name="Banner", profile=AthleteProfile(),
        config=PlannerConfig().with_rule("rest-days", min_rest_days=3), start=START,
        weeks=WEEKS, plan=first_plan(),
    )  # fmt: skip
    close_all()
    with running_app(tmp_path / "server.log") as app:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(app)
        settled(page)
        _never_stale(page)
        page.goto(f"{app}/?season={token}")
        settled(page)
        page.get_by_text("Season: Banner").wait_for(timeout=30_000)
        _never_stale(page)
        page.close()
