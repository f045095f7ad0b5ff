"""Papercut 15 on a real server: a new visitor's first page finds its plan solved.

Not a timing test (machines are noisy): the server's log counts the solves. A fresh
`streamlit run app.py` solves the demo plan as it starts (st.App's lifespan); a phone then opens
the page, and the log still holds that one solve: the first page run solved nothing.
"""

from __future__ import annotations

import time

import pytest
from browser_app import running_app, settled, wait_for_board

playwright_sync = pytest.importorskip("playwright.sync_api")

READY = "demo plan ready for new sessions"
SOLVED = "planner.ui.solving: solved "  # one line per solve (a cache miss)


def wait_for_line(log, text: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while text not in log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not in the server log:\n{log.read_text()[-2000:]}")
        time.sleep(0.5)


def test_the_first_visit_to_a_fresh_server_solves_nothing(browser, tmp_path) -> None:
    log = tmp_path / "server.log"
    with running_app(log) as url:
        wait_for_line(log, READY)
        assert log.read_text().count(SOLVED) == 1  # the warm-up's solve
        # issue 20: building the server defines the page's caches before Streamlit's runtime
        # exists; that is not worth six warnings at every start
        assert "No runtime found" not in log.read_text()
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(url)
        settled(page)
        wait_for_board(page)
        assert page.get_by_text("Strength sessions", exact=True).count() >= 1
        assert page.locator("[data-testid=stException]").count() == 0
        page.close()
        assert log.read_text().count(SOLVED) == 1  # the visit's first run found that plan
