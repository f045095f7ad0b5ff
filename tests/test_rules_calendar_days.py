"""The calendar's own days, tested three ways like every rule (tests/test_rules.py):
unavailable-days (time away blocks its days) and calendar-strength (strength already in the
calendar is strength load). Every plan these tests obtain has passed the validator."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain import Calendar, Event, Kind, Sport
from planner.importers import load_calendar
from planner.instance import build_instance
from planner.plan import Status
from planner.solve import plan_season
from planner.validate import check_calendar_strength, check_unavailable_days
from tests.helpers import (
    INFEASIBLE,
    OFF,
    START,
    catalog,
    hand_plan,
    make_config,
    make_instance,
    sessions_on,
    solve,
    solve_forced,
    solved,
)

# Away on day 2 (an all-day event per day, as the iCal importer writes them).
AWAY_DAY_2 = [(2, "unavailable", None, "Work trip")]


# ---------------------------------------------------------------------------- unavailable-days


def test_unavailable_days_trivially_feasible() -> None:
    plan = solve(make_instance(AWAY_DAY_2))
    assert plan.sessions and all(s.date != START + dt.timedelta(days=2) for s in plan.sessions)


def test_unavailable_days_infeasible_on_a_day_away() -> None:
    assert solve_forced(make_instance(AWAY_DAY_2), sessions_on(2))[0] == INFEASIBLE


def test_unavailable_days_feasible_the_day_before_and_after() -> None:
    assert solved(solve_forced(make_instance(AWAY_DAY_2), sessions_on(1))[0])
    assert solved(solve_forced(make_instance(AWAY_DAY_2), sessions_on(3))[0])


def test_unavailable_days_switched_off() -> None:
    inst = make_instance(AWAY_DAY_2, rules={"unavailable-days": OFF})
    assert solved(solve_forced(inst, sessions_on(2))[0])


def away(first: dt.datetime, last: dt.datetime, title: str = "Business trip") -> Event:
    return Event(date=first.date(), start=first, end=last, title=title, kind=Kind.unavailable)


@pytest.mark.parametrize(
    ("end", "blocked"),
    [
        (dt.datetime(2026, 1, 7, 18, 0), {0, 1, 2}),  # Mon 09:00 to Wed 18:00
        (dt.datetime(2026, 1, 7, 0, 0), {0, 1}),  # to Wed 00:00: Wednesday is free
        (dt.datetime(2026, 1, 5, 17, 0), {0}),
    ],
)
def test_a_timed_event_over_several_days_blocks_every_day_it_covers(
    end: dt.datetime, blocked: set[int]
) -> None:
    calendar = Calendar(format="manual", events=[away(dt.datetime(2026, 1, 5, 9, 0), end)])
    inst = build_instance(calendar, catalog(), make_instance().profile, make_config(), START, 2)
    for day in range(5):
        status = solve_forced(inst, sessions_on(day))[0]
        assert (status == INFEASIBLE) == (day in blocked), day


def test_an_event_that_started_before_the_plan_blocks_its_remaining_days() -> None:
    event = away(dt.datetime(2026, 1, 1, 8, 0), dt.datetime(2026, 1, 6, 20, 0), "Holiday")
    inst = build_instance(
        Calendar(format="manual", events=[event]),
        catalog(),
        make_instance().profile,
        make_config(),
        START,
        2,
    )
    assert solve_forced(inst, sessions_on(1))[0] == INFEASIBLE
    assert solved(solve_forced(inst, sessions_on(2))[0])


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:away@test
DTSTAMP:20251201T000000Z
SUMMARY:Christmas with family
DTSTART;VALUE=DATE:20260106
DTEND;VALUE=DATE:20260109
END:VEVENT
BEGIN:VEVENT
UID:ride@test
DTSTAMP:20251201T000000Z
SUMMARY:Easy ride
DTSTART:20260105T170000Z
DTEND:20260105T180000Z
RRULE:FREQ=DAILY;COUNT=14
END:VEVENT
END:VCALENDAR
"""


def test_an_all_day_ical_event_over_several_days_blocks_each_day(tmp_path) -> None:
    path = tmp_path / "season.ics"
    path.write_text(ICS)
    calendar = load_calendar(path)
    away_days = {e.date for e in calendar.events if e.kind == Kind.unavailable}
    assert away_days == {dt.date(2026, 1, 6), dt.date(2026, 1, 7), dt.date(2026, 1, 8)}
    plan = plan_season(calendar, catalog(), start=START, weeks=2)
    assert plan.status == Status.optimal
    assert not {s.date for s in plan.sessions} & away_days
    # The same trip as one event with an exclusive end (how an importer may also write it).
    one = Calendar(
        format="manual",
        events=[
            *[e for e in calendar.events if e.kind != Kind.unavailable],
            Event(
                date=dt.date(2026, 1, 6),
                end=dt.datetime(2026, 1, 9),
                title="Christmas with family",
                kind=Kind.unavailable,
            ),
        ],
    )
    assert plan_season(one, catalog(), start=START, weeks=2).sessions == plan.sessions


def test_validator_names_the_day_away() -> None:
    inst = make_instance(AWAY_DAY_2)
    violations = check_unavailable_days(hand_plan(inst, {2: ["glute-bridge"]}), inst, None)
    assert violations == [
        "unavailable-days: session on Wed 07 Jan, a day of 'Work trip' (Wed 07 Jan to Wed 07 Jan)"
    ]
    assert check_unavailable_days(hand_plan(inst, {3: ["glute-bridge"]}), inst, None) == []


# ---------------------------------------------------------------------------- calendar-strength

# Garmin's "Strength" activity on day 3 (sport strength, kind easy as the importer reads it).
GYM_DAY_3 = [(3, "easy", None, "Strength", "strength")]


def test_calendar_strength_trivially_feasible() -> None:
    plan = solve(make_instance(GYM_DAY_3))
    assert plan.sessions
    assert all(abs((s.date - START).days - 3) > 2 for s in plan.sessions)


@pytest.mark.parametrize("day", [1, 2, 3, 4, 5])
def test_calendar_strength_infeasible_on_the_day_and_within_the_rest_days(day: int) -> None:
    assert solve_forced(make_instance(GYM_DAY_3), sessions_on(day))[0] == INFEASIBLE


@pytest.mark.parametrize("day", [0, 6])
def test_calendar_strength_feasible_with_two_free_days_between(day: int) -> None:
    assert solved(solve_forced(make_instance(GYM_DAY_3), sessions_on(day))[0])


@pytest.mark.parametrize(
    ("rules", "day", "feasible"),
    [
        ({"calendar-strength": {"counts_for_rest_days": False}}, 4, True),
        ({"calendar-strength": {"counts_for_rest_days": False}}, 3, False),
        ({"rest-days": {"min_rest_days": 1}}, 5, True),
        ({"rest-days": {"min_rest_days": 1}}, 4, False),
        ({"rest-days": OFF}, 4, True),
        ({"calendar-strength": OFF}, 3, True),
    ],
)
def test_calendar_strength_parameters(rules: dict, day: int, feasible: bool) -> None:
    inst = make_instance(GYM_DAY_3, rules=rules)
    assert solved(solve_forced(inst, sessions_on(day))[0]) == feasible


def test_calendar_strength_just_before_the_plan_counts_for_the_rest_days() -> None:
    inst = make_instance([(-1, "easy", None, "Gym", "strength")])
    assert solve_forced(inst, sessions_on(1))[0] == INFEASIBLE
    assert solved(solve_forced(inst, sessions_on(2))[0])


def test_validator_names_the_calendar_strength_day() -> None:
    inst = make_instance(GYM_DAY_3)
    params = inst.config.params("calendar-strength")
    assert check_calendar_strength(hand_plan(inst, {3: ["glute-bridge"]}), inst, params) == [
        "calendar-strength: session on Thu 08 Jan, a day with strength work in the calendar"
    ]
    assert check_calendar_strength(hand_plan(inst, {5: ["glute-bridge"]}), inst, params) == [
        "calendar-strength: session on Sat 10 Jan and strength work in the calendar on "
        "Thu 08 Jan are 1 days apart; at least 2 strength-free days required"
    ]
    assert check_calendar_strength(hand_plan(inst, {6: ["glute-bridge"]}), inst, params) == []


def test_garmin_strength_activity_is_strength_load(tmp_path) -> None:
    """Issue 13 papercut 17: a Garmin 'Strength' activity is read as strength and the planner
    does not stack a session on it or in the rest days around it."""
    path = tmp_path / "Activities.csv"
    rows = ["Activity Type,Date,Title,Time"]
    for day in range(14):
        date = START + dt.timedelta(days=day)
        kind = "Strength" if day in (2, 9) else "Cycling"
        title = "Strength" if kind == "Strength" else "Easy Ride"
        rows.append(f"{kind},{date.isoformat()} 18:00:00,{title},01:00:00")
    path.write_text("\n".join(rows) + "\n")
    calendar = load_calendar(path)
    gym = [e for e in calendar.events if e.sport == Sport.strength]
    assert [e.date.day for e in gym] == [7, 14] and all(e.kind == Kind.easy for e in gym)
    plan = plan_season(calendar, catalog(), start=START, weeks=2)
    assert plan.status == Status.optimal and plan.sessions
    for session in plan.sessions:
        assert all(abs((session.date - g.date).days) > 2 for g in gym), session.date


def test_the_review_table_can_mark_a_day_unavailable() -> None:
    """The app's review table offers the new kind; a session day marked unavailable re-plans
    without a session there."""
    from planner.ui import state
    from planner.ui.calendar_input import events_frame
    from tests.test_app import current_plan, loaded

    at = loaded()
    before = current_plan(at)
    frame = events_frame(load_demo_calendar(before.start))
    session_days = {s.date for s in before.sessions}
    row = next(i for i, day in enumerate(frame["date"]) if _as_date(day) in session_days)
    day = _as_date(frame["date"][row])
    at.session_state[state.EDITOR] = {
        "edited_rows": {row: {"kind": "unavailable"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, at.exception
    after = current_plan(at)
    assert any(e.date == day and e.kind == Kind.unavailable for e in after.events)
    assert day not in {s.date for s in after.sessions}
    assert after.sessions


def load_demo_calendar(start: dt.date) -> Calendar:
    from planner.importers import load_demo

    return load_demo(start)


def _as_date(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # pandas gives Timestamps


def test_a_week_with_days_away_asks_for_fewer_sessions() -> None:
    """Four days away leave three: the phase's two sessions a week become one, so a strict
    weekly minimum still holds and a short week is not charged as a missed session."""
    away = [(d, "unavailable", None, "Holiday") for d in range(3, 7)]
    inst = make_instance(
        away, rules={"weekly-frequency": {"strict": True}, "rest-days": {"min_rest_days": 3}}
    )
    assert inst.week_target(0) == 1 and inst.week_target(1) == 2
    status, plan = solve_forced(inst)
    assert solved(status) and plan is not None
    assert len([s for s in plan.sessions if (s.date - START).days < 7]) == 1
    off = make_instance(
        away,
        rules={
            "weekly-frequency": {"strict": True},
            "rest-days": {"min_rest_days": 3},
            "unavailable-days": OFF,
        },
    )
    assert off.week_target(0) == 2
