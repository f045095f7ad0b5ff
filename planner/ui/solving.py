"""The cached solve and re-plan: keyed on the JSON of calendar, profile, config and horizon (or
re-plan request).

Arguments are JSON strings so Streamlit hashes exactly what the solve depends on; the plan comes
back as its JSON contract, so a cache hit is a parse, not a solve. A cache miss goes to a solve
worker process (`planner.workers`): the page's thread waits under its spinner while the server's
interpreter goes on serving the other sessions. Streamlit's cache lets one of several sessions
asking for the same plan at once compute it while the others wait for its answer, and the pool
shares identical requests in flight too.
"""

from __future__ import annotations

import logging
import re
import time

import streamlit as st

from planner import workers
from planner.catalog import load_catalog
from planner.domain import Calendar, Catalog
from planner.plan import Plan, Status
from planner.replan import ReplanRequest
from planner.ui import state
from planner.ui.settings import Settings
from planner.workers import WorkerDied

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def catalog() -> Catalog:
    """The shipped exercise catalog (read once per server: it is not user data)."""
    return load_catalog()


_STATUS = re.compile(r'"status":"(\w+)"')


def status_of(plan_json: str) -> str:
    """The plan's status for the log, read from the head of its JSON (not a whole parse)."""
    found = _STATUS.search(plan_json, 0, 200)
    return found.group(1) if found else "?"


@st.cache_data(show_spinner=False, max_entries=64)
def solve_json(
    calendar_json: str, profile_json: str, config_json: str, start_iso: str, weeks: int
) -> str:
    """Solve one season in a worker; every input is a JSON string (or plain value) so it keys
    the cache. Raises WorkerDied when the worker died (nothing is cached then)."""
    asked = time.perf_counter()
    plan_json = workers.run(
        workers.solve_json,
        calendar_json,
        profile_json,
        config_json,
        start_iso,
        weeks,
        deadline_s=workers.deadline_for(config_json),
    )
    log.info(
        "solved %s weeks from %s: %s (%.2f s, waiting for a worker included)",
        weeks,
        start_iso,
        status_of(plan_json),
        time.perf_counter() - asked,
    )
    return plan_json


def solve_args(calendar: Calendar, settings: Settings) -> tuple[str, str, str, str, int]:
    """The arguments of `solve_json` (its cache key) for a calendar and settings."""
    return (
        calendar.model_dump_json(),
        settings.profile.model_dump_json(),
        settings.config.model_dump_json(),
        settings.start.isoformat(),
        settings.weeks,
    )


def solve(calendar: Calendar, settings: Settings, *, own: bool = False) -> Plan | None:
    """The plan for these inputs (from the cache when seen before), under a visible spinner;
    None, said on the page, when the solve's worker died (the pool has replaced it).

    `own`: the calendar is the athlete's upload, not the demo; its last good plan is kept apart
    so a failed upload later shows it rather than the demo's."""
    args = solve_args(calendar, settings)
    try:
        with st.spinner("Planning your strength season…", show_time=True):
            plan_json = solve_json(*args)
    except WorkerDied as error:
        st.error(str(error), icon=":material/error:")
        return None
    plan = plan_from_json(plan_json)
    if plan.status == Status.unknown:
        solve_json.clear(*args)  # no plan in time (a busy machine): the next run tries again
    st.session_state[state.PLAN] = plan_json
    if has_plan(plan):
        st.session_state[state.LAST_GOOD] = plan_json
        if own:
            st.session_state[state.LAST_GOOD_OWN] = plan_json
    return plan


@st.cache_data(show_spinner=False, max_entries=32)
def replan_json(calendar_json: str, profile_json: str, config_json: str, request_json: str) -> str:
    """Re-plan from a previous plan in a worker; the request (previous plan included) is JSON,
    like `solve`. Raises WorkerDied when the worker died."""
    asked = time.perf_counter()
    plan_json = workers.run(
        workers.replan_json,
        calendar_json,
        profile_json,
        config_json,
        request_json,
        deadline_s=workers.deadline_for(config_json),
    )
    log.info(
        "re-planned: %s (%.2f s, waiting for a worker included)",
        status_of(plan_json),
        time.perf_counter() - asked,
    )
    return plan_json


def replan_season(calendar: Calendar, settings: Settings, request: ReplanRequest) -> Plan:
    """The re-plan for these inputs (from the cache when seen before), under a spinner; raises
    WorkerDied (its message is for the athlete) when the worker died."""
    args = (
        calendar.model_dump_json(),
        settings.profile.model_dump_json(),
        settings.config.model_dump_json(),
        request.model_dump_json(),
    )
    with st.spinner("Re-planning around your changes…", show_time=True):
        plan_json = replan_json(*args)
    plan = plan_from_json(plan_json)
    if plan.status == Status.unknown:
        # The time limit ended the search before any plan (a busy server): that says nothing
        # about these inputs, so the next press re-plans instead of repeating the failure.
        replan_json.clear(*args)
    return plan


def has_plan(plan: Plan) -> bool:
    return plan.status in (Status.optimal, Status.feasible)


def last_good_plan(own_first: bool = False) -> Plan | None:
    """The last plan that had a solution in this session, to keep showing when a change fails;
    with `own_first` (the upload failed) the last one of an uploaded calendar, if any."""
    saved = (own_first and st.session_state.get(state.LAST_GOOD_OWN)) or st.session_state.get(
        state.LAST_GOOD
    )
    return plan_from_json(saved) if saved else None


# ----------------------------------------------------------------------------- parsed plans

MAX_PARSED = 4  # plans per session kept parsed: the one on screen, the last good, an undo or two


def plan_from_json(plan_json: str) -> Plan:
    """The plan of this JSON, parsed once per session: every click shows the same plan again,
    and parsing it on each page run was a share of every run (plans are a session's own: a
    parsed plan is never handed to another session)."""
    parsed: dict[int, tuple[str, Plan]] = st.session_state.setdefault(state.PARSED_PLANS, {})
    key = hash(plan_json)
    known = parsed.pop(key, None)
    if known is None or known[0] != plan_json:
        known = (plan_json, Plan.model_validate_json(plan_json))
    parsed[key] = known  # the most recently used last
    while len(parsed) > MAX_PARSED:
        parsed.pop(next(iter(parsed)))
    return known[1]


def json_of(plan: Plan) -> str:
    """The JSON a plan from `plan_from_json` came as, without writing it again (any other plan
    is written)."""
    for plan_json, known in st.session_state.get(state.PARSED_PLANS, {}).values():
        if known is plan:
            return plan_json
    return plan.model_dump_json()
