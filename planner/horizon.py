"""The plan's window, one rule for the CLI and the app.

Plans run in Monday-to-Sunday weeks: a start on another day moves back to its week's Monday (the
week it falls in is planned whole). Without a given start, a calendar's plan starts on the Monday
of its first week from today on; without a given length, it runs through the last A race plus
the transition (16 weeks when no A race lies ahead).

Both starts look at the calendar's bulk only, without lone outliers: a group of events at the
start or the end of the calendar that a gap of at least `OUTLIER_GAP_DAYS` (six months) keeps
apart from the rest, holding at most `OUTLIER_MAX_EVENTS` events or `OUTLIER_MAX_SHARE` of the
calendar (whichever allows more), while the rest holds at least `BULK_RATIO` times as many. A
Strava export with one ride logged in April 1991 before two years of training starts where the
training does; so does the start the app offers when no event falls in the plan's weeks.
"""

from __future__ import annotations

import datetime as dt

from planner import clock
from planner.config import PlannerConfig, next_monday
from planner.constants import MAX_WEEKS
from planner.domain import Calendar, Priority

WEEKS_WITHOUT_A_RACE = 16
MIN_DEFAULT_WEEKS = 4

OUTLIER_GAP_DAYS = 183  # about six months with nothing in between
OUTLIER_MAX_EVENTS = 2
OUTLIER_MAX_SHARE = 0.05
BULK_RATIO = 4


def monday_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week: where a plan asked to start on `day` starts."""
    return day - dt.timedelta(days=day.weekday())


def bulk_span(calendar: Calendar | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the calendar's events, lone outliers at either end left out
    (see the module's docstring); None for a calendar without events."""
    dates = sorted(e.date for e in calendar.events) if calendar else []
    count = len(dates)
    if not count:
        return None
    most = max(OUTLIER_MAX_EVENTS, int(count * OUTLIER_MAX_SHARE))

    def outlying(size: int, gap: dt.timedelta) -> bool:
        return gap.days >= OUTLIER_GAP_DAYS and count - size >= BULK_RATIO * size

    first, last = 0, count - 1
    for size in range(1, min(most, count - 1) + 1):  # the first `size` events, then the last
        if outlying(size, dates[size] - dates[size - 1]):
            first = size
        if outlying(size, dates[count - size] - dates[count - size - 1]):
            last = count - size - 1
    return dates[first], dates[last]


def first_week(calendar: Calendar | None) -> dt.date | None:
    """The Monday of the calendar's first week, lone outliers aside: where the app offers to
    start a plan that none of the calendar's events fall in."""
    span = bulk_span(calendar)
    return monday_of(span[0]) if span else None


def default_start(calendar: Calendar | None, today: dt.date | None = None) -> dt.date:
    """The Monday of the calendar's first week from today on, lone outliers aside; next Monday
    when the calendar holds nothing from today on (or there is no calendar)."""
    today = today or clock.today()
    span = bulk_span(calendar)
    ahead = (
        [e.date for e in calendar.events if today <= e.date and span[0] <= e.date <= span[1]]
        if calendar and span
        else []
    )
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
