"""Small calendars, instances and solves for the rule, validator and property tests.

Every plan a helper returns has passed `assert_valid`, so any test that solves also checks the
solver's answer against the solver-free validator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

import planner.solve as solve_module
from planner.catalog import load_catalog
from planner.config import PlannerConfig, SeasonSettings
from planner.constants import WARM_UP_MIN
from planner.domain import AthleteProfile, Calendar, Catalog, Event, Kind, Priority, Sport
from planner.explain import rule_reports
from planner.instance import Instance, build_instance
from planner.model import StrengthModel, solver_for
from planner.plan import Explanation, Plan, PlannedExercise, PlannedSession, Status
from planner.solve import _base_plan, dress_sessions, extract_sessions
from planner.validate import assert_valid, recompute_objective
from planner.variables import PlanVars

START = dt.date(2026, 1, 5)  # a Monday
SOLVED = (Status.optimal, Status.feasible)
INFEASIBLE = Status.infeasible
OFF = {"enabled": False}  # a rule's settings that switch it off
STATUS = {
    cp_model.OPTIMAL: Status.optimal,
    cp_model.FEASIBLE: Status.feasible,
    cp_model.INFEASIBLE: Status.infeasible,
}


def solved(status: Status) -> bool:
    return status in SOLVED


# (offset in days, kind, priority, title), optionally followed by the sport (default ride).
EventSpec = (
    tuple[int, Kind | str, Priority | str | None, str]
    | tuple[int, Kind | str, Priority | str | None, str, Sport | str]
)


@cache
def catalog() -> Catalog:
    return load_catalog()


def make_calendar(start: dt.date = START, events: Iterable[EventSpec] = ()) -> Calendar:
    """A calendar from (offset in days from `start`, kind, priority, title[, sport]) tuples."""
    made = []
    for offset, kind, priority, title, *sport in events:
        kind = Kind(kind)
        made.append(
            Event(
                date=start + dt.timedelta(days=offset),
                title=title,
                sport=Sport(sport[0]) if sport else Sport.ride,
                kind=kind,
                priority=Priority(priority) if priority else None,
            )
        )
    made.sort(key=lambda e: e.date)
    return Calendar(format="manual", events=made)


def make_config(
    rules: dict[str, dict[str, Any]] | None = None,
    *,
    time_limit_s: float = 10.0,
    **season: int,
) -> PlannerConfig:
    """A config with some rule parameters and season settings changed."""
    return PlannerConfig.model_validate(
        {
            "season": SeasonSettings(**season).model_dump(),
            "solver": {"time_limit_s": time_limit_s},
            "rules": rules or {},
        }
    )


def make_instance(
    events: Iterable[EventSpec] = (),
    rules: dict[str, dict[str, Any]] | None = None,
    *,
    weeks: int = 2,
    start: dt.date = START,
    profile: AthleteProfile | None = None,
    **season: int,
) -> Instance:
    return build_instance(
        make_calendar(start, events),
        catalog(),
        profile or AthleteProfile(),
        make_config(rules, **season),
        start,
        weeks,
    )


def solve_forced(
    inst: Instance,
    force: Callable[[PlanVars], object] | None = None,
    *,
    check_objective: bool = True,
) -> tuple[Status, Plan | None]:
    """Build the model, let `force` add constraints on its variables, solve.

    Returns the status and, when solved, the plan (sessions and soft-rule reports), which has
    passed the validator and whose objective matches the recomputed one when optimal (unless
    `check_objective` is off, for tests that show an objective bug).
    """
    built = StrengthModel(inst).build()
    if force is not None:
        force(built.vars)
    solver = solver_for(inst)
    status = STATUS.get(solver.solve(built.model), Status.unknown)
    if status not in SOLVED:
        return status, None
    plan = _base_plan(inst, status)
    plan.objective = solver.objective_value
    plan.bound = solver.best_objective_bound
    plan.sessions = extract_sessions(inst, built, solver)
    plan.explanation = Explanation(rules=rule_reports(inst, built, solver))
    assert_valid(plan, inst)
    if check_objective and status == Status.optimal:
        assert recompute_objective(plan, inst) == round(plan.objective)
    return status, plan


def solve(inst: Instance) -> Plan:
    """Solve without forcing anything; the plan must exist."""
    status, plan = solve_forced(inst)
    assert plan is not None, f"expected a plan, got {status}"
    return plan


def cost(plan: Plan, rule_id: str) -> int:
    """A soft rule's cost in the plan's explanation (0 when it reports none)."""
    return next((r.cost for r in plan.explanation.rules if r.id == rule_id), 0)


# ------------------------------------------------------------------- forcing choices in a model


def locate(inst: Instance, exercise_id: str) -> tuple[int, int]:
    """(chain index, level index) of an exercise in the athlete's chains."""
    for c, chain in enumerate(inst.chains):
        for k, exercise in enumerate(chain.levels):
            if exercise.id == exercise_id:
                return c, k
    raise KeyError(exercise_id)


def sessions_on(*days: int) -> Callable[[PlanVars], None]:
    """Force sessions on the given days."""

    def force(v: PlanVars) -> None:
        for day in days:
            v.model.add(v.session_on(day) == 1)

    return force


def doing(inst: Instance, *pairs: tuple[int, str]) -> Callable[[PlanVars], None]:
    """Force each (day, exercise id)."""

    def force(v: PlanVars) -> None:
        for day, exercise_id in pairs:
            c, k = locate(inst, exercise_id)
            v.model.add(v.does(day, c, k) == 1)

    return force


def pinned(inst: Instance, sessions: dict[int, Iterable[str]]) -> Callable[[PlanVars], None]:
    """Force exactly these sessions (day -> exercise ids) and nothing else."""
    wanted = {(day, *locate(inst, eid)) for day, ids in sessions.items() for eid in ids}

    def force(v: PlanVars) -> None:
        for d in range(inst.n_days):
            v.model.add(v.session_on(d) == int(d in sessions))
            for c, chain in enumerate(inst.chains):
                for k in range(len(chain)):
                    v.model.add(v.does(d, c, k) == int((d, c, k) in wanted))

    return force


def both(*forces: Callable[[PlanVars], object]) -> Callable[[PlanVars], None]:
    def force(v: PlanVars) -> None:
        for f in forces:
            f(v)

    return force


# ------------------------------------------------------------------- hand-made plan pieces


def planned_exercise(inst: Instance, day: int, exercise_id: str) -> PlannedExercise:
    """An exercise as the planner would write it on `day`, with the day's dose."""
    return solve_module.planned_exercise(inst, day, inst.catalog.exercise(exercise_id))


def planned_session(inst: Instance, day: int, exercise_ids: Iterable[str]) -> PlannedSession:
    """A session on `day` holding the exercises, with consistent minutes."""
    exercises = [planned_exercise(inst, day, eid) for eid in exercise_ids]
    d = inst.days[day]
    return PlannedSession(
        uid=f"hand-made-{day}",
        date=d.date,
        phase=d.phase,
        goal=d.goal.value,
        load=exercises[0].load if exercises else "mobility",
        deload=d.deload,
        minutes=WARM_UP_MIN + sum(int(e.minutes) for e in exercises),
        exercises=exercises,
    )


def hand_plan(inst: Instance, sessions: dict[int, Iterable[str]]) -> Plan:
    """A plan with the given sessions (day -> exercise ids), not checked by anything."""
    plan = _base_plan(inst, Status.feasible)
    plan.sessions = [planned_session(inst, d, ids) for d, ids in sorted(sessions.items())]
    dress_sessions(inst, plan.sessions, first_new=0)  # effort and notes as the planner gives them
    return plan


def taper_week_sets(plan: Plan, inst: Instance) -> list[int]:
    """Planned sets of each normal taper week, in date order."""
    by_week = [0] * inst.n_weeks
    for s in plan.sessions:
        by_week[(s.date - inst.start).days // 7] += sum(e.sets for e in s.exercises)
    return [
        by_week[w]
        for w in range(inst.n_weeks)
        if inst.week_goal(w) == "taper" and not inst.week_deload(w)
    ]


def runner_marathon_instance(rules: dict | None = None) -> Instance:
    """docs/seasons/runner-marathon-14w.csv from Mon 4 Jan 2027, as `planner plan ... --sport
    run` plans it: a two-week taper before the Sunday marathon (coaching review)."""
    from planner.horizon import default_weeks
    from planner.importers import load_calendar

    path = Path(__file__).resolve().parents[1] / "docs" / "seasons" / "runner-marathon-14w.csv"
    cal = load_calendar(path)
    start = dt.date(2027, 1, 4)
    config = make_config(rules or {})
    weeks = default_weeks(cal, start, config)
    return build_instance(cal, catalog(), AthleteProfile(sport=Sport.run), config, start, weeks)
