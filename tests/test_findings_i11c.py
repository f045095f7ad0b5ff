"""Issue 11 findings 5 and 7, reproduced on the demo season: the sport shapes the plan, and no
session lands on a day the athlete is away."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import cache

from planner.domain import AthleteProfile, Kind, Sport
from planner.importers import load_demo
from planner.importers.classify import classify
from planner.instance import build_instance
from planner.plan import Plan
from planner.solve import plan_season
from planner.validate import assert_valid
from tests.helpers import catalog, make_config

START = dt.date(2026, 11, 30)
WEEKS = 22
CHRISTMAS = [dt.date(2026, 12, 24) + dt.timedelta(days=n) for n in range(4)]  # 24-27 Dec
WORK_TRIP = [dt.date(2027, 3, 2) + dt.timedelta(days=n) for n in range(3)]  # 2-4 Mar


@cache
def demo_plan(sport: Sport) -> Plan:
    calendar = load_demo(START)
    profile = AthleteProfile(sport=sport)
    config = make_config()
    plan = plan_season(calendar, catalog(), profile, config, start=START, weeks=WEEKS)
    assert_valid(plan, build_instance(calendar, catalog(), profile, config, START, WEEKS))
    return plan


# ------------------------------------------------------------------ finding 7: travel ignored


def test_work_trip_and_christmas_with_family_are_unavailable() -> None:
    assert classify("Work trip to Frankfurt")[1] == Kind.unavailable
    assert classify("Christmas with family (no bike)")[1] == Kind.unavailable


def test_no_session_on_the_days_of_a_work_trip_or_christmas_with_family() -> None:
    plan = demo_plan(Sport.ride)
    on_away_days = [s.date for s in plan.sessions if s.date in CHRISTMAS + WORK_TRIP]
    assert on_away_days == []


# ------------------------------------------------------------------ finding 5: sport ignored


def chain_minutes(plan: Plan, sessions: int) -> Counter[str]:
    minutes: Counter[str] = Counter()
    for session in plan.sessions[:sessions]:
        for exercise in session.exercises:
            minutes[exercise.chain] += int(exercise.minutes)
    return minutes


def test_runner_and_cyclist_plans_of_one_calendar_differ() -> None:
    ride, run = demo_plan(Sport.ride), demo_plan(Sport.run)
    exercises = [[e.id for e in s.exercises] for s in ride.sessions]
    assert exercises != [[e.id for e in s.exercises] for s in run.sessions]


def test_hip_flexion_is_not_the_biggest_block_of_a_cyclists_early_sessions() -> None:
    minutes = chain_minutes(demo_plan(Sport.ride), sessions=8)
    biggest = max(minutes, key=lambda chain: (minutes[chain], chain))
    assert biggest != "hip-flexor", minutes
    # The runner's article (002) is the runner's core chain: every week with a session has it.
    weeks: dict[int, set[str]] = {}
    for session in demo_plan(Sport.run).sessions:
        week = (session.date - START).days // 7
        if week < 4:
            weeks.setdefault(week, set()).update(e.chain for e in session.exercises)
    assert len(weeks) == 4
    assert all("hip-flexor" in chains for chains in weeks.values()), weeks


def test_the_why_says_which_sport_shaped_the_session() -> None:
    ride, run = demo_plan(Sport.ride), demo_plan(Sport.run)
    assert any("cycling" in line for line in ride.sessions[0].why), ride.sessions[0].why
    assert any("running" in line for line in run.sessions[0].why), run.sessions[0].why
