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
