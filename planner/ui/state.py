"""Session state: every key the app keeps, initialised once per browser session.

Widget keys live here too so tests can set widgets by key (`at.number_input(key=WEEKS)`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from constraints import REGISTRY
from planner.config import SeasonSettings, next_monday
from planner.ui.fields import default_widget_value, field_key

# Widgets of the settings form (sidebar).
START = "start_date"
WEEKS = "weeks"
SPORT = "sport"
EQUIPMENT = "equipment"
EXPERIENCE = "experience"
LEVEL_PREFIX = "start_level_"  # + chain id: the athlete's starting level in that chain
PREFERRED_TIME = "preferred_time"
TIME_LIMIT = "time_limit_s"
# Other widgets.
UPLOAD = "calendar_upload"
EDITOR = "events_editor"
DAY = "day"
WEEK = "week"
MAIN_TAB = "main_tab"  # the open tab of the page, one of TABS
TABS = (
    ":material/calendar_month: Calendar",
    ":material/show_chart: Season",
    ":material/help: Why",
    ":material/edit_calendar: Review events",
    ":material/download: Export",
)
BOARD = "calendar_board"  # the FullCalendar board (streamlit-calendar)
TODAY = "replan_today"  # the re-plan's today: sessions before it are history
MOVE_TO = "replan_move_to"  # where "Move" takes the selected day's session
PIN_EXERCISES = "replan_pin_exercises"  # pinned sessions keep their exercises
# Plain state (not widgets).
PLAN = "plan"  # JSON of the plan of the latest solve, whatever its status
LAST_GOOD = "last_good_plan"  # JSON of the last plan that had sessions (optimal or feasible)
CALENDAR_ID = "calendar_id"  # identity of the calendar the editor's edits refer to
REVIEW_EDITS = "review_edits"  # the athlete's review edits by event, for one calendar file
BOARD_SEEN = "board_seen"  # the board's last callback already acted on
BOARD_OPENED = "board_opened"  # the day a click on the board just opened (phone: scroll to it)
BOARD_REVISION = "board_revision"  # raised per handled board action: the board redraws
DROP = "board_drop"  # a strength card dropped on another day; the next full run re-plans
DROP_REFUSED = "board_drop_refused"  # why the last drop was refused, to say so
MARKS = "replan_marks"  # the athlete's marks on days (pins, blocks, done, missed)
LINES = "replan_lines"  # key of the solve's inputs -> undo stack of re-planned plans
ACTIVE = "replan_active"  # key of this run's inputs; None when re-planning is not possible
REPLAN_ASKED = "replan_asked"  # the Re-plan button was pressed; this run re-plans
REPLAN_FAILED = "replan_failed"  # the last re-plan that had no solution, to explain it
AUTO = "auto_settings"  # start/weeks/sport as the app last filled them in from a calendar
START_FOR = "start_for"  # the calendar (upload identity) the start date is for
STARTS_SET = "starts_set"  # calendar identity -> the start the athlete set for it
LAST_GOOD_OWN = "last_good_own_plan"  # JSON of the last plan of an uploaded calendar that worked
EXPORT_TZ = "export_timezone"  # the Export tab's timezone field
EXPORT_TZ_FROM = "export_timezone_from"  # the plan timezone that field was filled from
SHOW_ALL_RULES = "show_all_rules"  # the sidebar lists every rule, not only the changed ones
PARSED_PLANS = "parsed_plans"  # plans of this session parsed from their JSON (solving.py)

AUTO_KEYS = (START, WEEKS, SPORT)
FORM_KEYS = (START, WEEKS, SPORT, EQUIPMENT, PREFERRED_TIME, TIME_LIMIT)
DEFAULT_WEEKS = 20  # the demo season through its A race and transition, as the CLI plans it
DEFAULT_TIME_LIMIT_S = 10.0
DEFAULT_PREFERRED_TIME = dt.time(18, 0)


def defaults(today: dt.date | None = None) -> dict[str, Any]:
    """Initial value of every stateful key, generated widgets included."""
    values: dict[str, Any] = {
        START: next_monday(today),
        WEEKS: DEFAULT_WEEKS,
        SPORT: "ride",
        EQUIPMENT: [],
        EXPERIENCE: "intermediate",
        PREFERRED_TIME: DEFAULT_PREFERRED_TIME,
        TIME_LIMIT: DEFAULT_TIME_LIMIT_S,
        PLAN: None,
        LAST_GOOD: None,
        CALENDAR_ID: None,
        BOARD_SEEN: None,
        BOARD_OPENED: None,
        BOARD_REVISION: 0,
        DROP: None,
        DROP_REFUSED: None,
        MARKS: None,
        LINES: {},
        ACTIVE: None,
        REPLAN_ASKED: False,
        REPLAN_FAILED: None,
        PIN_EXERCISES: False,
        LAST_GOOD_OWN: None,
        EXPORT_TZ_FROM: None,
        SHOW_ALL_RULES: False,
    }
    # Until the athlete sets them, start, weeks and sport follow the calendar (see
    # calendar_input.follow_calendar); these are the values the app filled in.
    values[AUTO] = {key: values[key] for key in AUTO_KEYS}
    season = SeasonSettings()
    for name, info in SeasonSettings.model_fields.items():
        values[field_key("season", name)] = default_widget_value(info, getattr(season, name))
    for rule in REGISTRY:
        params = rule.Params()
        for name, info in rule.Params.model_fields.items():
            values[field_key(rule.id, name)] = default_widget_value(info, getattr(params, name))
    return values


def level_key(chain_id: str) -> str:
    return LEVEL_PREFIX + chain_id


def start_levels(values: dict[str, Any]) -> dict[str, int]:
    """Chain id -> starting level, from the athlete panel's level widgets, in chain-id order
    (session state's order varies, and the solve's inputs key must not)."""
    return {
        key[len(LEVEL_PREFIX) :]: int(value)
        for key, value in sorted(values.items())
        if key.startswith(LEVEL_PREFIX)
    }


def init_state() -> None:
    """Fill in missing keys; runs every rerun but only ever sets a key once."""
    for key, value in defaults().items():
        if key not in st.session_state:
            st.session_state[key] = value
