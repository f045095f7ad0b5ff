"""Shared fixtures: one running app and one headless Chromium for all real-browser tests
(Playwright allows one sync driver per process), and the suite's fixed "today"."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from browser_app import CHROMIUM_ARGS, ChromiumUnavailable, ensure_chromium, running_app

from planner.clock import TODAY_ENV

# The suite's "today", for this process and every server it starts: no test may depend on the
# real date (the seasons in tests/ and docs/seasons/ are dated 2026-2027). A test that needs
# another day sets TODAY_ENV itself; CI also runs the date-sensitive tests with the system clock
# a year ahead (.ci/clock_ahead) to show nothing reads the real date behind this seam.
SUITE_TODAY = "2026-11-30"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault(TODAY_ENV, SUITE_TODAY)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    playwright_sync = pytest.importorskip("playwright.sync_api")
    try:
        executable = ensure_chromium()
    except ChromiumUnavailable as exc:
        pytest.skip(str(exc))
    with playwright_sync.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One PostgreSQL server for the session (each test gets its own database on it)."""
    from postgres_server import PostgresUnavailable, running_postgres

    try:
        with running_postgres() as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A fresh, empty season database: a SQLite file, or a database on the test's PostgreSQL."""
    from planner.store.database import close_all

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'seasons.sqlite3'}"
    else:
        from postgres_server import fresh_database

        yield fresh_database(request.getfixturevalue("postgres_server"))
    close_all()
