"""Shared fixtures: one running app and one headless Chromium for all real-browser tests
(Playwright allows one sync driver per process)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_app import CHROMIUM_ARGS, ChromiumUnavailable, ensure_chromium, running_app


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
