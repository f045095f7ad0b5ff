"""Random calendars and random rule settings: the planner either returns a plan the validator
accepts, with the objective it recomputes, or says which rules conflict. Same input, same plan.
Calendars hold every event kind (time away too, also over several days), strength already in the
calendar, and the athlete's main sport varies.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from annotated_types import Ge, Le
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from constraints import REGISTRY
from constraints.availability import WEEKDAYS
from planner.config import PlannerConfig, SeasonSettings
from planner.domain import (
    ENDURANCE_SPORTS,
    AthleteProfile,
    Calendar,
    Event,
    Experience,
    Kind,
    Priority,
    Sport,
)
from planner.instance import Instance, build_instance
from planner.plan import Plan, Status
from planner.solve import plan_season
from planner.validate import assert_valid, recompute_objective
from tests.helpers import catalog, make_calendar

TIME_LIMIT_S = 5.0
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def bounds(model: type[BaseModel], name: str) -> tuple[int, int]:
    field = model.model_fields[name]
    low = next(m.ge for m in field.metadata if isinstance(m, Ge))
    high = next(m.le for m in field.metadata if isinstance(m, Le))
    return low, high


@st.composite
def model_params(draw, model: type[BaseModel], start: dt.date, n_days: int) -> dict[str, Any]:
    """Any values within the model's declared bounds (rules are mostly switched on)."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name == "enabled":
            values[name] = draw(st.sampled_from([True, True, True, False]))
        elif field.annotation in (bool, "bool"):
            values[name] = draw(st.booleans())
        elif field.annotation in (int, "int"):
            values[name] = draw(st.integers(*bounds(model, name)))
        elif name == "weekdays":
            values[name] = draw(st.lists(st.sampled_from(WEEKDAYS), unique=True, max_size=7))
        elif field.annotation in (list[str], "list[str]"):
            # Chain or exercise ids: any part of the default list, plus one the catalog lacks.
            default = field.get_default(call_default_factory=True)
            values[name] = draw(
                st.lists(st.sampled_from([*default, "not-in-catalog"]), unique=True)
            )
        elif name == "blocked_dates":
            days = st.integers(0, n_days - 1).map(lambda d: start + dt.timedelta(days=d))
            values[name] = draw(st.lists(days, unique=True, max_size=4))
        else:
            raise AssertionError(f"no strategy for {model.__name__}.{name}; add one")
    if "min_exercises" in values:
        low, high = sorted((values["min_exercises"], values["max_exercises"]))
        values.update(min_exercises=low, max_exercises=high)
    if "min_exercises_max_strength" in values:
        # The max-strength floor is bounded by the same ceiling as the general floor.
        floor = min(values["min_exercises_max_strength"], values["max_exercises"])
        values.update(min_exercises_max_strength=floor)
    return values


@st.composite
def scenarios(draw) -> dict[str, Any]:
    weeks = draw(st.integers(1, 6))
    n_days = 7 * weeks
    start = draw(st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)))
    kinds = st.sampled_from(list(Kind))
    event = st.tuples(
        st.integers(-14, n_days + 21), kinds, st.sampled_from([None, "A", "B", "C"])
    ).map(lambda t: (t[0], t[1], t[2] if t[1] == Kind.race else None, f"{t[1].value} {t[0]}"))
    races = st.tuples(
        st.integers(-7, n_days + 21), st.just(Kind.race), st.sampled_from([None, "A", "B", "C"])
    ).map(lambda t: (t[0], t[1], t[2], f"race {t[0]}"))
    # Strength already in the calendar (a gym session, Garmin's "Strength").
    gym = st.integers(-7, n_days + 7).map(lambda d: (d, Kind.easy, None, f"gym {d}", "strength"))
    events = draw(st.lists(event, max_size=12)) + draw(st.lists(races, max_size=3))
    events += draw(st.lists(gym, max_size=3))
    # Long races of each kind, so race-scaled recovery and its light first session are drawn.
    long_race = st.tuples(
        st.integers(-10, n_days + 7),
        st.sampled_from(
            [
                ("City Marathon", Sport.run),
                ("Half Marathon", Sport.run),
                ("Trail", Sport.run),
                ("Gran fondo", Sport.ride),
            ]
        ),
        st.sampled_from([None, 45, 100, 200, 330]),
        st.sampled_from(["A", "B", "C"]),
    )
    long_races = draw(st.lists(long_race, max_size=2))
    rules = {
        rule.id: draw(model_params(rule.Params, start, n_days))
        for rule in REGISTRY
        if draw(st.booleans())  # otherwise the rule keeps its defaults
    }
    season = {
        name: draw(st.integers(*bounds(SeasonSettings, name)))
        for name in SeasonSettings.model_fields
        if draw(st.booleans())
    }
    levels = draw(
        st.dictionaries(st.sampled_from(["bridge", "hinge", "adductor"]), st.integers(1, 4))
    )
    calendar = make_calendar(start, events)
    # Time away over several days, as one timed event (a trip from one morning to a later day).
    trips = st.tuples(st.integers(-10, n_days + 7), st.integers(0, 9 * 24)).map(
        lambda t: Event(
            date=start + dt.timedelta(days=t[0]),
            start=dt.datetime.combine(start + dt.timedelta(days=t[0]), dt.time(8)),
            end=dt.datetime.combine(start + dt.timedelta(days=t[0]), dt.time(8))
            + dt.timedelta(hours=t[1] + 1),
            title=f"work trip {t[0]}",
            kind=Kind.unavailable,
        )
    )
    calendar.events.extend(draw(st.lists(trips, max_size=2)))
    calendar.events.sort(key=lambda e: e.date)
    sport = draw(st.sampled_from(ENDURANCE_SPORTS))
    return {
        "weeks": weeks,
        "start": start,
        "calendar": _with_long_races(calendar, start, long_races),
        "profile": AthleteProfile(
            sport=sport,
            start_levels=levels,
            experience=draw(st.sampled_from(list(Experience))),
        ),
        "config": PlannerConfig.model_validate(
            {"season": season, "rules": rules, "solver": {"time_limit_s": TIME_LIMIT_S}}
        ),
    }


def _with_long_races(calendar: Calendar, start: dt.date, races: list[tuple]) -> Calendar:
    extra = [
        Event(
            date=start + dt.timedelta(days=offset),
            title=title,
            sport=sport,
            kind=Kind.race,
            priority=Priority(priority),
            duration_min=minutes,
        )
        for offset, (title, sport), minutes, priority in races
    ]
    events = sorted([*calendar.events, *extra], key=lambda e: e.date)
    return calendar.model_copy(update={"events": events})


def run(scenario: dict[str, Any]) -> Plan:
    return plan_season(
        scenario["calendar"],
        catalog(),
        scenario["profile"],
        scenario["config"],
        start=scenario["start"],
        weeks=scenario["weeks"],
    )


def scenario_instance(scenario: dict[str, Any]) -> Instance:
    """The instance `run(scenario)` planned, for the validator."""
    return build_instance(
        scenario["calendar"],
        catalog(),
        scenario["profile"],
        scenario["config"],
        scenario["start"],
        scenario["weeks"],
    )


@SETTINGS
@given(scenarios())
def test_random_seasons_give_a_valid_plan_or_name_the_conflict(scenario: dict[str, Any]) -> None:
    plan = run(scenario)
    if plan.status in (Status.optimal, Status.feasible):
        inst = scenario_instance(scenario)
        assert_valid(plan, inst)
        recomputed = recompute_objective(plan, inst)
        assert recomputed is not None
        if plan.status == Status.optimal:
            assert recomputed == round(plan.objective)
        else:  # the solver may not have minimised its penalty variables yet
            assert recomputed <= round(plan.objective)
        assert plan.conflicts == []
    else:
        assert plan.status == Status.infeasible, plan.conflicts
        assert plan.sessions == []
        assert plan.conflicts and all(line.strip() for line in plan.conflicts)


def without_timing(plan: Plan) -> str:
    data = plan.model_dump(mode="json", exclude={"solve_seconds"})
    return json.dumps(data, sort_keys=True)


def test_same_input_gives_the_same_plan() -> None:
    start = dt.date(2026, 3, 2)
    calendar = make_calendar(
        start,
        [(1, "hard", None, "intervals"), (5, "long", None, "long ride"), (8, "hard", None, "hills")]
        + [(12, "long", None, "long ride"), (17, "race", Priority.B, "B race")]
        + [(33, "race", Priority.A, "A race")],
    )
    config = PlannerConfig().with_rule("progression-order", min_days=7)
    first = plan_season(calendar, catalog(), config=config, start=start, weeks=5)
    second = plan_season(calendar, catalog(), config=config, start=start, weeks=5)
    assert first.status == Status.optimal
    assert without_timing(first) == without_timing(second)
    inst = build_instance(calendar, catalog(), AthleteProfile(), config, start, 5)
    assert_valid(first, inst)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_random_seasons_are_deterministic(scenario: dict[str, Any]) -> None:
    first = run(scenario)
    assert without_timing(first) == without_timing(run(scenario))
    if first.status in (Status.optimal, Status.feasible):
        inst = scenario_instance(scenario)
        assert_valid(first, inst)
