"""The built-in demo season."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from planner import clock
from planner.domain import Kind, Priority
from planner.importers import DEMO_FIRST_MONDAY, calendar_to_json, load_demo


def test_demo_has_one_race_of_each_priority() -> None:
    cal = load_demo(DEMO_FIRST_MONDAY)
    assert cal.skipped == []
    assert (cal.format, cal.timezone) == ("ics", "Europe/London")
    races = Counter(e.priority for e in cal.races())
    assert races == {Priority.A: 1, Priority.B: 1, Priority.C: 1}
    a_race = [e for e in cal.races() if e.priority == Priority.A][0]
    assert a_race.date.weekday() == 6
    assert (a_race.date - DEMO_FIRST_MONDAY).days // 7 + 1 == 19  # week 19
    c_race = [e for e in cal.races() if e.priority == Priority.C][0]
    b_race = [e for e in cal.races() if e.priority == Priority.B][0]
    assert (c_race.date - DEMO_FIRST_MONDAY).days // 7 + 1 == 6
    assert (b_race.date - DEMO_FIRST_MONDAY).days // 7 + 1 == 11


def test_demo_covers_22_weeks_with_a_realistic_week() -> None:
    cal = load_demo(DEMO_FIRST_MONDAY)
    assert min(e.date for e in cal.events) == DEMO_FIRST_MONDAY
    assert max(e.date for e in cal.events) < DEMO_FIRST_MONDAY + dt.timedelta(weeks=22)
    kinds = Counter(e.kind for e in cal.events)
    assert kinds[Kind.hard] >= 30 and kinds[Kind.long] >= 18 and kinds[Kind.rest] >= 20
    assert kinds[Kind.other] >= 1  # the work trip and the dentist
    long_rides = [e for e in cal.events if e.title == "Long ride"]
    assert all(e.date.weekday() == 5 and 180 <= e.duration_min <= 240 for e in long_rides)
    # the Christmas holiday week removes the Tuesday and Thursday sessions (EXDATE)
    xmas = [e for e in cal.events if dt.date(2026, 12, 21) <= e.date <= dt.date(2026, 12, 27)]
    assert not [e for e in xmas if e.kind == Kind.hard]


def test_demo_shifted_to_a_monday_preserves_weekdays() -> None:
    base = load_demo(DEMO_FIRST_MONDAY)
    monday = dt.date(2031, 3, 3)
    shifted = load_demo(monday)
    assert len(shifted.events) == len(base.events)
    assert min(e.date for e in shifted.events) == monday
    for old, new in zip(base.events, shifted.events, strict=True):
        assert old.date.weekday() == new.date.weekday()
        assert (new.date - old.date).days % 7 == 0
        if old.start is not None:
            assert (new.start.hour, new.start.minute) == (old.start.hour, old.start.minute)


def test_demo_default_starts_on_a_coming_monday() -> None:
    cal = load_demo()
    first = min(e.date for e in cal.events)
    assert first.weekday() == 0
    assert 0 <= (first - clock.today()).days < 7  # the planner's today (PLANNER_TODAY in tests)


def test_demo_non_monday_start_moves_to_next_monday() -> None:
    cal = load_demo(dt.date(2031, 3, 5))  # a Wednesday
    assert min(e.date for e in cal.events) == dt.date(2031, 3, 10)


def test_demo_json() -> None:
    data = calendar_to_json(load_demo(DEMO_FIRST_MONDAY))
    assert data["format"] == "ics"
    assert {e["priority"] for e in data["events"]} == {None, "A", "B", "C"}
