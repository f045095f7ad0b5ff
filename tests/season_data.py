"""A small saved-season fixture: an 8-week calendar as .ics bytes and its solved plan."""

from __future__ import annotations

import datetime as dt
from functools import cache

from browser_app import calendar_ics
from icalendar import Calendar as ICalendar

from planner.config import PlannerConfig
from planner.domain import AthleteProfile
from planner.importers import read_calendar
from planner.plan import Plan
from planner.solve import plan_season
from planner.store import Source

START = dt.date(2026, 11, 30)  # a Monday
WEEKS = 8


@cache
def season_ics(title: str = "Tempo") -> bytes:
    return calendar_ics(title, "20261201", "20270215")


def season_source(title: str = "Tempo") -> Source:
    return Source(filename="season.ics", data=season_ics(title))


@cache
def first_plan_json() -> str:
    from helpers import catalog

    plan = plan_season(
        read_calendar(season_ics(), "season.ics"),
        catalog(),
        AthleteProfile(),
        PlannerConfig(),
        start=START,
        weeks=WEEKS,
    )
    return plan.model_dump_json()


def first_plan() -> Plan:
    return Plan.model_validate_json(first_plan_json())


def feed_stamp(data: bytes) -> dt.datetime:
    """The export time (DTSTAMP) a feed was rendered at. An export made after the request for
    comparison must reuse it: its own "now" may lie past a second boundary."""
    event = next(iter(ICalendar.from_ical(data).walk("VEVENT")))
    return event.decoded("DTSTAMP")
