"""The cached solve and re-plan: keyed on the JSON of calendar, profile, config and horizon (or
re-plan request).

Arguments are JSON strings so Streamlit hashes exactly what the solve depends on; the plan comes
back as its JSON contract, so a cache hit is a parse, not a solve.
"""

from __future__ import annotations

import datetime as dt
import logging

import streamlit as st

from planner.catalog import load_catalog
from planner.config import PlannerConfig
from planner.domain import AthleteProfile, Calendar, Catalog
from planner.plan import Plan, Status
from planner.replan import ReplanRequest, replan
from planner.solve import plan_season
from planner.ui import state
from planner.ui.settings import Settings

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def catalog() -> Catalog:
    """The shipped exercise catalog (read once per server: it is not user data)."""
    return load_catalog()


@st.cache_data(show_spinner=False, max_entries=64)
def solve_json(
    calendar_json: str, profile_json: str, config_json: str, start_iso: str, weeks: int
) -> str:
    """Solve one season; every input is a JSON string (or plain value) so it keys the cache."""
    plan = plan_season(
        Calendar.model_validate_json(calendar_json),
        catalog(),
        AthleteProfile.model_validate_json(profile_json),
        PlannerConfig.model_validate_json(config_json),
        start=dt.date.fromisoformat(start_iso),
        weeks=weeks,
    )
    log.info("solved %s weeks from %s: %s", weeks, start_iso, plan.status.value)
    return plan.model_dump_json()


def solve_args(calendar: Calendar, settings: Settings) -> tuple[str, str, str, str, int]:
    """The arguments of `solve_json` (its cache key) for a calendar and settings."""
    return (
        calendar.model_dump_json(),
        settings.profile.model_dump_json(),
        settings.config.model_dump_json(),
        settings.start.isoformat(),
        settings.weeks,
    )


def solve(calendar: Calendar, settings: Settings, *, own: bool = False) -> Plan:
    """The plan for these inputs (from the cache when seen before), under a visible spinner.

    `own`: the calendar is the athlete's upload, not the demo; its last good plan is kept apart
    so a failed upload later shows it rather than the demo's."""
    args = solve_args(calendar, settings)
    with st.spinner("Planning your strength season…", show_time=True):
        plan_json = solve_json(*args)
    plan = Plan.model_validate_json(plan_json)
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
    """Re-plan from a previous plan; the request (previous plan included) is JSON, like `solve`."""
    request = ReplanRequest.model_validate_json(request_json)
    plan = replan(
        Calendar.model_validate_json(calendar_json),
        catalog(),
        AthleteProfile.model_validate_json(profile_json),
        PlannerConfig.model_validate_json(config_json),
        request,
    )
    log.info("re-planned as of %s: %s", request.today, plan.status.value)
    return plan.model_dump_json()


def replan_season(calendar: Calendar, settings: Settings, request: ReplanRequest) -> Plan:
    """The re-plan for these inputs (from the cache when seen before), under a spinner."""
    args = (
        calendar.model_dump_json(),
        settings.profile.model_dump_json(),
        settings.config.model_dump_json(),
        request.model_dump_json(),
    )
    with st.spinner("Re-planning around your changes…", show_time=True):
        plan_json = replan_json(*args)
    plan = Plan.model_validate_json(plan_json)
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
    return Plan.model_validate_json(saved) if saved else None
