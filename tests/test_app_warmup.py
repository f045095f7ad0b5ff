"""Papercut 15 (placeholders for seconds after load): a new visitor's first page run finds its
plan already solved. The mechanism is tested, not a time: the server's warm-up solves the demo
plan of a first page run, and that run then solves nothing."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
from pathlib import Path
from unittest import mock

from streamlit.testing.v1 import AppTest

from planner import workers
from planner.ui import solving, state, warmup

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def first_page_solves() -> tuple[int, AppTest]:
    """How many solves a new session's first page run makes, and the page."""
    with mock.patch.object(workers, "run", wraps=workers.run) as solver:
        at = AppTest.from_file(APP, default_timeout=90)
        at.run()
    assert not at.exception, at.exception
    return solver.call_count, at


def test_after_the_warm_up_the_first_page_run_solves_nothing() -> None:
    solving.solve_json.clear()
    with mock.patch.object(workers, "run", wraps=workers.run) as solver:
        warmup.warm_up()
    assert solver.call_count == 1  # the warm-up solved the demo plan itself
    solves, at = first_page_solves()
    assert solves == 0  # the page found that plan: the key is the page's own
    plan = json.loads(at.session_state[state.PLAN])
    assert plan["status"] in ("optimal", "feasible") and plan["sessions"]
    assert "Plan" in [metric.label for metric in at.metric]


def test_without_the_warm_up_the_first_page_run_solves() -> None:
    """The other side of the test above: it would fail without a working warm-up."""
    solving.solve_json.clear()
    solves, _ = first_page_solves()
    assert solves == 1
    solves, _ = first_page_solves()  # a second session: the plan is cached for all sessions
    assert solves == 0


def test_a_failed_warm_up_is_logged_not_raised(caplog) -> None:
    with mock.patch.object(warmup, "solve_json", side_effect=RuntimeError("boom")):
        warmup.warm_up()
    assert "warming up the demo plan failed" in caplog.text


def test_the_server_starts_the_warm_up() -> None:
    """app.py hands `lifespan` to `st.App`: entering it starts the warm-up thread."""
    app_source = Path(APP).read_text(encoding="utf-8")
    assert "lifespan=lifespan" in app_source

    async def enter() -> None:
        async with warmup.lifespan(None):
            pass

    # server_log is patched too: it would leave a handler on the test process's planner logger
    with (
        mock.patch.object(warmup, "warm_up") as warm,
        mock.patch.object(warmup, "server_log"),
        mock.patch.object(warmup.runtime, "exists", return_value=True),
    ):
        # A thread of its own: a browser test earlier in the session can leave an event loop
        # running in this one (Playwright's sync API), and asyncio.run refuses to nest.
        entering = threading.Thread(target=asyncio.run, args=(enter(),))
        entering.start()
        entering.join(timeout=10)
        for thread in threading.enumerate():
            if thread.name == "demo-plan-warm-up":
                thread.join(timeout=10)
    warm.assert_called_once()


def test_the_warm_up_waits_for_streamlits_runtime() -> None:
    """The lifespan starts before the runtime: a cache filled then would not be the runtime's."""
    with (
        mock.patch.object(warmup, "warm_up") as warm,
        mock.patch.object(warmup.runtime, "exists", side_effect=[False, False, True]) as ready,
    ):
        warmup.warm_up_once_serving()
    assert ready.call_count == 3
    warm.assert_called_once()


def test_the_warm_up_freezes_what_the_server_holds() -> None:
    """Issue 21: after the warm-up, the modules and the cached demo plan are out of the garbage
    collector's sight, so a full collection during a page run no longer walks them."""
    gc.unfreeze()
    with mock.patch.object(warmup, "solve_json"):
        warmup.warm_up()
    assert gc.get_freeze_count() > 10_000
