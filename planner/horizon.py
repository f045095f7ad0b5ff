"""The plan's window, one rule for the CLI and the app.

Plans run in Monday-to-Sunday weeks: a start on another day moves back to its week's Monday (the
week it falls in is planned whole). Without a given start, a calendar's plan starts on the Monday
of its first week from today on; without a given length, it runs through the last A race plus
the transition (16 weeks when no A race lies ahead).
"""

from __future__ import annotations

import datetime as dt

from planner import clock
from planner.config import PlannerConfig, next_monday
from planner.constants import MAX_WEEKS
from planner.domain import Calendar, Priority

WEEKS_WITHOUT_A_RACE = 16
MIN_DEFAULT_WEEKS = 4


def monday_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week: where a plan asked to start on `day` starts."""
    return day - dt.timedelta(days=day.weekday())


def default_start(calendar: Calendar | None, today: dt.date | None = None) -> dt.date:
    """The Monday of the calendar's first week from today on; next Monday when the calendar
    holds nothing from today on (or there is no calendar)."""
    today = today or clock.today()
    ahead = [e.date for e in calendar.events if e.date >= today] if calendar else []
    if not ahead:
        return next_monday(today)
    return max(monday_of(min(ahead)), monday_of(today))


def default_weeks(calendar: Calendar, start: dt.date, config: PlannerConfig) -> int:
    """Through the last A race and its transition; 16 weeks when no A race lies ahead."""
    a_races = [e.date for e in calendar.races() if e.priority == Priority.A and e.date >= start]
    if not a_races:
        return WEEKS_WITHOUT_A_RACE
    days = (max(a_races) - start).days + 1 + 7 * config.season.transition_weeks
    return max(MIN_DEFAULT_WEEKS, min(MAX_WEEKS, -(-days // 7)))
