"""Papercut 15: the first screen without waiting. A fresh server solves the demo plan a new
visitor's first page run asks for, in the background, before anyone asks.

Every session's first run shows the demo season with the default settings; `solve_json` caches
plans for all sessions, so once this has run no visitor's first page waits for a solve. The solve
workers (`planner.workers`) start first, so no first click waits for a worker either. The
inputs are built by the same functions the page uses (`state.defaults`, `collect`,
`demo_calendar`, `solve_args`), so they are the page's cache key.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

from streamlit import runtime

from planner import workers
from planner.domain import Calendar
from planner.ui import state
from planner.ui.calendar_input import demo_calendar
from planner.ui.settings import Settings, collect
from planner.ui.solving import catalog, solve_args, solve_json

log = logging.getLogger(__name__)
RUNTIME_WAIT_S = 60.0  # past this the warm-up goes ahead anyway: a cache is still a cache


def first_run_inputs(today: dt.date | None = None) -> tuple[Calendar, Settings]:
    """The calendar and settings of a new session's first page run (the demo, the defaults)."""
    values = state.defaults(today)
    # the sidebar fills in each chain's starting level before the settings are read
    values.update({state.level_key(chain.id): 1 for chain in catalog().chains})
    settings, problems = collect(values)
    if settings is None:  # the defaults are valid; say so loudly if that ever changes
        raise ValueError(f"the default settings do not validate: {problems}")
    return demo_calendar(settings.start), settings


def warm_up(today: dt.date | None = None) -> None:
    """Start the solve workers, then solve (and cache) the first page's plan; never raises: the
    page would do both anyway."""
    try:
        pool = workers.shared_pool()
        if pool is not None:
            log.info("solve workers ready: processes %s", pool.warm())
    except Exception:  # the first solve starts them, or says why it cannot
        log.exception("starting the solve workers failed")
    try:
        calendar, settings = first_run_inputs(today)
        solve_json(*solve_args(calendar, settings))
        log.info("demo plan ready for new sessions (start %s)", settings.start)
    except Exception:  # a failed warm-up costs the first visitor a solve, nothing more
        log.exception("warming up the demo plan failed")
    # Everything the server holds by now (modules, the catalog, the cached demo plan) lives as
    # long as it does: out of the collector's sight, a full collection no longer walks it.
    gc.freeze()


def server_log() -> None:
    """The planner's INFO lines (each solve, the warm-up) on the server's stderr, beside
    Streamlit's own: without a handler Python shows only warnings and errors."""
    planner_log = logging.getLogger("planner")
    if not planner_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        planner_log.addHandler(handler)
        planner_log.setLevel(logging.INFO)


def warm_up_once_serving(wait_s: float = RUNTIME_WAIT_S) -> None:
    """`warm_up` once Streamlit's runtime exists: the lifespan may start before it, and a
    cache created earlier would not live in the runtime's cache storage."""
    deadline = time.monotonic() + wait_s
    while not runtime.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    warm_up()


def start_warm_up() -> threading.Thread:
    """The warm-up on a daemon thread: the server answers at once, the cache fills meanwhile."""
    thread = threading.Thread(target=warm_up_once_serving, name="demo-plan-warm-up", daemon=True)
    thread.start()
    return thread


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """`st.App`'s startup and shutdown hook (app.py): start the warm-up when the server starts,
    stop the solve workers when it stops."""
    server_log()
    start_warm_up()
    try:
        yield
    finally:
        workers.close_shared_pool()
