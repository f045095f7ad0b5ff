"""The model's formulation with the exercises beyond the articles (issue 11): the same rules,
written so the solver can prove plans optimal quickly. Work is CP-SAT's deterministic time (the
same on every machine and load), with one worker and the config's seed."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model

from planner.catalog import load_catalog
from planner.config import PlannerConfig
from planner.domain import AthleteProfile
from planner.instance import build_instance
from planner.model import StrengthModel, solver_for
from planner.slot_cuts import add_slot_cuts
from planner.solve import run_solver
from planner.synthetic import synthetic_season

START = dt.date(2026, 11, 30)
EXTRAS = {"articles-only": {"enabled": False}}


def _extras_instance(weeks: int):
    config = PlannerConfig.model_validate({"rules": EXTRAS})
    calendar = synthetic_season(START, weeks, seed=weeks)
    return build_instance(calendar, load_catalog(), AthleteProfile(), config, START, weeks)


def test_lp_proves_the_16_week_season_with_the_extras_in_little_work() -> None:
    # With session-size's cap and availability's minutes multiplied by the session literal,
    # the LP relaxation can no longer train every chain with a fraction of a session: the
    # proof took 15.8 work units before, 1.6 after.
    inst = _extras_instance(16)
    built = StrengthModel(inst).build()
    solver = solver_for(inst, single_worker=True)
    solver.parameters.linearization_level = 2
    solver.parameters.max_deterministic_time = 5.0
    solver.parameters.max_time_in_seconds = 120.0  # a loaded machine must not fail the test
    assert solver.solve(built.model) == cp_model.OPTIMAL


def _fast_then_thorough(inst, with_cuts: bool) -> cp_model.CpSolver:
    built = StrengthModel(inst).build()
    limit = 120.0  # a loaded machine must not fail the test: the work is what is measured
    solver, code = run_solver(inst, built.model, limit, built.penalties if with_cuts else None)
    assert code == cp_model.OPTIMAL
    return solver


def test_slot_cuts_let_the_lp_phase_prove_the_16_week_season_quickly() -> None:
    # After the fast phase, the LP phase proves the optimum in 0.46 work units with the
    # counting cuts, 1.30 without: the LP no longer pays a fifth of an extra session for a
    # fortnight's missing exercise slot.
    inst = _extras_instance(16)
    with_cuts = _fast_then_thorough(inst, with_cuts=True)
    assert with_cuts.deterministic_time < 0.9
    without = _fast_then_thorough(inst, with_cuts=False)
    assert with_cuts.objective_value == without.objective_value  # the cuts cut off no plan


def test_slot_cuts_only_where_a_fortnight_has_too_few_slots() -> None:
    # Nine chains, one session a week in maintenance: the maintenance fortnights get a cut, and
    # so does the taper fortnight whose second week, the A race's, holds no session (race-day's
    # a_race_week, on by default). With the articles' six chains every fortnight has slots to
    # spare: no cut, no change.
    inst = _extras_instance(16)
    built = StrengthModel(inst).build()
    assert add_slot_cuts(inst, built.model, built.penalties) == 3
    config = PlannerConfig.model_validate({})
    calendar = synthetic_season(START, 16, seed=16)
    plain = build_instance(calendar, load_catalog(), AthleteProfile(), config, START, 16)
    plain_built = StrengthModel(plain).build()
    assert add_slot_cuts(plain, plain_built.model, plain_built.penalties) == 0


def test_slot_cuts_wait_for_a_whole_plan_to_start_from(monkeypatch) -> None:
    # The cuts name penalty variables the greedy hint leaves unset; with only that hint CP-SAT
    # dropped it. So the LP phase gets them only when the fast phase found a plan.
    import planner.solve as solve_module

    inst = _extras_instance(16)
    monkeypatch.setattr(solve_module, "FAST_PHASE_WORK", 1e-9)  # the fast phase finds nothing
    built = StrengthModel(inst).build()
    before = len(built.model.proto.constraints)
    run_solver(inst, built.model, 5.0, built.penalties)
    assert len(built.model.proto.constraints) == before
    monkeypatch.setattr(solve_module, "FAST_PHASE_WORK", 0.6)
    built = StrengthModel(inst).build()
    before = len(built.model.proto.constraints)
    run_solver(inst, built.model, 60.0, built.penalties)  # room for the fast phase's work
    # three windows (see above), two cuts each
    assert len(built.model.proto.constraints) == before + 6
