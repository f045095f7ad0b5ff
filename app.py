"""Strength planner app: widgets -> config -> cached solve (or re-plan) -> render.

Run with `streamlit run app.py`. The pieces live in `planner.ui`; this file only wires them.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import streamlit as st

from planner.domain import Calendar
from planner.horizon import first_week
from planner.plan import Plan
from planner.ui import replanning, season_panel, state
from planner.ui.calendar_input import calendar_source, no_race_hint, review_editor
from planner.ui.icon import app_icon
from planner.ui.phone import phone_layout
from planner.ui.render import (
    calendar_view,
    conflicts,
    export_view,
    plan_summary,
    season_view,
    why_view,
)
from planner.ui.settings import Settings, monday_of, settings_sidebar
from planner.ui.solving import catalog, has_plan, last_good_plan, solve
from planner.ui.text import md_escape
from planner.ui.unchanged import explain_unchanged

log = logging.getLogger("planner.app")


def _start_on(day: dt.date) -> None:
    st.session_state[state.START] = day


def window_hint(calendar: Calendar, settings: Settings) -> None:
    """When no event falls in the plan's weeks, offer to start where the calendar does (its
    first week, a lone outlier aside: `planner.horizon.first_week`)."""
    end = settings.start + dt.timedelta(weeks=settings.weeks, days=-1)
    first = first_week(calendar)
    if first is None or calendar.between(settings.start, end):
        return
    st.info(
        f"None of your {len(calendar.events)} events fall between {settings.start:%d %b %Y} "
        f"and {end:%d %b %Y}, so the plan ignores your training.",
        icon=":material/event_busy:",
    )
    st.button(f"Start the plan on {first:%a %d %b %Y}", on_click=_start_on, args=(first,))


def stale_text(upload_failed: bool) -> str:
    """What the plan on screen is when the latest request gave none."""
    if upload_failed and st.session_state.get(state.LAST_GOOD_OWN) is None:
        return "Showing the last plan that worked: the demo season's, until your file can be read."
    if upload_failed:
        return "Showing the last plan that worked for your calendar: the file above is unreadable."
    return "Showing the last plan that worked; it does not include your latest change."


def main() -> None:
    st.set_page_config(page_title="Strength planner", page_icon=app_icon(), layout="wide")
    state.init_state()
    phone_layout()
    season = season_panel.open_from_link()  # before the widgets: it may restore their values
    settings, problems = settings_sidebar(catalog())
    st.title(":material/fitness_center: Strength planner")
    st.caption(
        "Strength sessions placed around your fixed ride and run calendar: periodised to your "
        "races, away from your key days, progressing step by step."
    )
    start = settings.start if settings else monday_of(st.session_state[state.START])
    with st.container(border=True):
        source = season_panel.season_calendar(season) if season else calendar_source(start)
        calendar, identity = source
    status_area = st.container()
    # A tab widget: the script knows the open tab, so the Season chart, the Why table and the
    # export files are made only while their tab is open (every drop redrew or rebuilt them).
    tabs = st.tabs(state.TABS, key=state.MAIN_TAB, on_change="rerun")
    if calendar is not None:
        with tabs[3]:
            calendar = review_editor(calendar, identity, draw=bool(tabs[3].open))
    plan: Plan | None = None
    with status_area:
        for problem in problems:
            text = md_escape(problem.rstrip("."))
            st.error(f"{text}. Change it in the sidebar.", icon=":material/tune:")
        if calendar is not None and settings is not None:
            window_hint(calendar, settings)
            no_race_hint(calendar, identity)
            plan = solve(calendar, settings, own=identity != "demo")  # None: said why
            if plan is not None and not has_plan(plan):
                conflicts(plan, settings)
            elif plan is not None:
                explain_unchanged(plan, settings, identity)
        plan = replanning.current(plan, calendar, settings)
        upload_failed = calendar is None
        shown = plan if plan is not None and has_plan(plan) else last_good_plan(upload_failed)
        if shown is None:
            st.info("No plan to show yet: fix the problem above.", icon=":material/info:")
            return
        if shown is not plan:
            st.warning(stale_text(upload_failed), icon=":material/history:")
        plan_summary(shown, settings)
        season_panel.panel(season, shown, calendar, settings)
    with tabs[0]:
        calendar_view(shown)
    with tabs[1]:
        if tabs[1].open:
            season_view(shown)
    with tabs[2]:
        if tabs[2].open:
            why_view(shown, settings)
    with tabs[4]:
        export_view(shown, settings, files=bool(tabs[4].open))


if __name__ == "__main__":  # Streamlit runs this file as the page script
    started = time.perf_counter()
    try:
        main()
    except Exception:  # never a stack trace on the page; the log has the details
        log.exception("the app failed")
        st.error(
            "Something went wrong while planning. Your settings are kept: undo the last change "
            "or reset the rules, and try again.",
            icon=":material/error:",
        )
    finally:  # the server's share of a click or a drop (benchmarks/trace_drop.py reads it)
        log.info("page run %.3f s", time.perf_counter() - started)
else:  # `streamlit run app.py` imports it to build the server: the page plus the live feed
    from planner.feed import feed_routes
    from planner.ui.warmup import lifespan

    # lifespan: the demo plan of a new visitor's first page is solved as the server starts
    app = st.App(__file__, routes=feed_routes(), lifespan=lifespan)
