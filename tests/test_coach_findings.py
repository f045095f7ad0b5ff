"""The coach's findings of issue 11 (part B), each reproduced on a realistic season.

A runner's 14-week marathon build and a long general season: phases follow the race dates,
recovery scales with the race, adaptation comes before heavy work, and weekly volume is a
quantity (deload weeks and maintenance lighter than the weeks they follow).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from planner.config import PlannerConfig
from planner.domain import AthleteProfile, Calendar, Event, Kind, LoadClass, Priority, Sport
from planner.instance import build_instance
from planner.plan import Plan
from planner.solve import plan_season
from planner.validate import assert_valid, week_volumes
from tests.helpers import catalog

MONDAY = dt.date(2027, 1, 4)


def runner_calendar(start: dt.date, weeks: int, race_offset: int, title: str, minutes: int):
    """Tue intervals, Thu tempo, Sat easy, Sun long run; the A race on `race_offset`."""
    events = []
    for w in range(weeks):
        base = start + dt.timedelta(days=7 * w)
        for day, kind, name, duration in (
            (1, Kind.hard, "Track intervals", 60),
            (3, Kind.hard, "Tempo run", 50),
            (5, Kind.easy, "Easy run", 40),
            (6, Kind.long, "Long run", 120),
        ):
            date = base + dt.timedelta(days=day)
            if abs((date - start).days - race_offset) > 1:
                events.append(
                    Event(date=date, title=name, sport=Sport.run, kind=kind, duration_min=duration)
                )
    events.append(
        Event(
            date=start + dt.timedelta(days=race_offset),
            title=title,
            sport=Sport.run,
            kind=Kind.race,
            priority=Priority.A,
            duration_min=minutes,
        )
    )
    events.sort(key=lambda e: e.date)
    return Calendar(format="manual", events=events)


def solve_checked(cal: Calendar, weeks: int, profile: AthleteProfile | None = None) -> Plan:
    profile = profile or AthleteProfile(sport=Sport.run)
    config = PlannerConfig()
    plan = plan_season(cal, catalog(), profile, config, start=MONDAY, weeks=weeks)
    inst = build_instance(cal, catalog(), profile, config, MONDAY, weeks)
    assert_valid(plan, inst)
    return plan


# The runner's marathon on a Monday, 13 weeks after the start: the plan starts inside build.
MARATHON_OFFSET = 7 * 12


@cache
def marathon_plan() -> Plan:
    cal = runner_calendar(MONDAY, 14, MARATHON_OFFSET, "City Marathon", 215)
    return solve_checked(cal, 14)


def test_finding_1_no_session_in_the_week_after_a_monday_marathon() -> None:
    plan = marathon_plan()
    race = MONDAY + dt.timedelta(days=MARATHON_OFFSET)
    after = [s.date for s in plan.sessions if race < s.date <= race + dt.timedelta(days=7)]
    assert after == [], f"sessions within 7 days after the marathon: {after}"
    # Recovery starts the day after the race, not at the next 7-day block.
    next_day = race + dt.timedelta(days=1)
    phase = next(p for p in plan.phases if p.start <= next_day <= p.end)
    assert phase.name.value == "transition"


def test_finding_1_first_session_after_the_marathon_is_light() -> None:
    plan = marathon_plan()
    race = MONDAY + dt.timedelta(days=MARATHON_OFFSET)
    later = [s for s in plan.sessions if s.date > race]
    if later:
        first = min(later, key=lambda s: s.date)
        assert {e.load for e in first.exercises} <= {LoadClass.light, LoadClass.mobility}


def test_finding_2_no_heavy_lifting_before_adaptation() -> None:
    plan = marathon_plan()
    sessions = sorted(plan.sessions, key=lambda s: s.date)
    for n, session in enumerate(sessions):
        if any(e.heavy for e in session.exercises):
            assert (session.date - MONDAY).days >= 21, f"heavy on {session.date}"
            assert n >= 4, f"heavy in session {n + 1}"
            assert not session.deload, f"first heavy lifting in a deload week ({session.date})"
            break


def test_finding_2_max_strength_block_is_four_weeks_without_a_deload_or_says_why() -> None:
    plan = marathon_plan()
    ms = [p for p in plan.phases if p.goal == "max strength"]
    days = sum((p.end - p.start).days + 1 for p in ms)
    deloads = {s.date for s in plan.sessions if s.deload and s.goal == "max strength"}
    if days < 28 or deloads:
        assert any("max-strength" in note for note in plan.notes), plan.notes
    assert days >= 28, f"max-strength block of {days} days in a 14-week build"
    assert not deloads


def test_finding_3_deload_weeks_lighter_than_the_week_before() -> None:
    cal = runner_calendar(MONDAY, 20, 7 * 30, "Autumn Marathon", 215)  # A race past the horizon
    profile = AthleteProfile(sport=Sport.run)
    plan = solve_checked(cal, 16, profile)
    inst = build_instance(cal, catalog(), profile, PlannerConfig(), MONDAY, 16)
    volumes = week_volumes(plan, inst)
    # The plan states each week's planned volume and deload flag.
    assert [w.sets for w in plan.weeks] == volumes
    assert [w.deload for w in plan.weeks] == [inst.week_deload(w) for w in range(inst.n_weeks)]
    deload_weeks = [w for w in range(inst.n_weeks) if inst.week_deload(w)]
    assert deload_weeks
    for w in deload_weeks:
        normal = [v for v in range(w) if not inst.week_deload(v) and inst.week_loaded(v)]
        if normal:
            assert volumes[w] * 100 <= 70 * volumes[normal[-1]], (w, volumes)


def test_finding_3_maintenance_weeks_lighter_than_max_strength_weeks() -> None:
    cal = runner_calendar(MONDAY, 24, 7 * 22 + 6, "Spring Marathon", 215)
    profile = AthleteProfile(sport=Sport.run)
    plan = solve_checked(cal, 24, profile)
    inst = build_instance(cal, catalog(), profile, PlannerConfig(), MONDAY, 24)
    volumes = week_volumes(plan, inst)
    normal = [w for w in range(inst.n_weeks) if not inst.week_deload(w)]
    ms = [volumes[w] for w in normal if inst.week_goal(w).value == "max strength"]
    maint = [volumes[w] for w in normal if inst.week_goal(w).value == "maintenance"]
    taper = [volumes[w] for w in normal if inst.week_goal(w).value == "taper"]
    assert ms and maint and taper
    assert sum(maint) / len(maint) <= 0.7 * sum(ms) / len(ms)
    assert sum(taper) / len(taper) <= sum(maint) / len(maint)


def test_finding_4_no_session_in_the_five_days_before_an_a_race() -> None:
    plan = marathon_plan()
    race = MONDAY + dt.timedelta(days=MARATHON_OFFSET)
    close = [s.date for s in plan.sessions if 0 < (race - s.date).days <= 5]
    assert close == []


def test_finding_4_a_session_forced_five_days_before_an_a_race_is_refused() -> None:
    from planner.plan import Status
    from tests.helpers import make_instance, sessions_on, solve_forced

    # No-new-exercises would refuse any first session this close to the race: off here.
    inst = make_instance(
        [(12, "race", "A", "goal race")], rules={"no-new-exercises": {"enabled": False}}, weeks=3
    )
    assert solve_forced(inst, sessions_on(7))[0] == Status.infeasible  # 5 days before
    assert solve_forced(inst, sessions_on(6))[0] != Status.infeasible  # 6 days before
