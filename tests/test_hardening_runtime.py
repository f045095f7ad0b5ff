"""Hardening of a run's cost and of empty answers: the time limit bounds the whole run (model
build included), and a plan with no session says why.

A 500-exercise catalog at 104 weeks took 35-90 s and 2 GB with the default 10 s limit, nearly
all of it building the model. The solve now estimates the build from a 2-week probe and does
not build a model that would eat more than half the limit; the search gets what the build left.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import solve as solve_module
from planner.catalog import DEFAULT_CATALOG, load_catalog
from planner.cli import app
from planner.config import PlannerConfig
from planner.constants import MAX_WEEKS
from planner.domain import AthleteProfile, Catalog
from planner.instance import build_instance
from planner.model import StrengthModel
from planner.plan import Status
from planner.solve import PROBE_WEEKS, plan_season
from planner.synthetic import synthetic_season
from planner.validate import assert_valid
from tests.helpers import SOLVED

runner = CliRunner()
START = dt.date(2026, 1, 5)  # a Monday


def big_catalog_text(copies: int) -> str:
    """The shipped catalog repeated `copies` times, every exercise and chain id (and a warm-up
    primer's chain list) made unique."""
    text = DEFAULT_CATALOG.read_text(encoding="utf-8")
    copies_text = []
    for n in range(copies):
        copy = re.sub(r'^(id|chain) = "([^"]+)"', rf'\1 = "\2-{n}"', text, flags=re.MULTILINE)
        copy = re.sub(r'^primes = \["([^"]+)"\]', rf'primes = ["\1-{n}"]', copy, flags=re.MULTILINE)
        copies_text.append(copy)
    return "\n".join(copies_text)


@cache
def big_catalog(tmp: str) -> Catalog:
    path = Path(tmp) / "big.toml"
    path.write_text(big_catalog_text(20), encoding="utf-8")  # 480 exercises
    return load_catalog(path)


def config(seconds: float) -> PlannerConfig:
    return PlannerConfig.model_validate({"solver": {"time_limit_s": seconds}})


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Weeks of every model built during the test."""
    weeks: list[int] = []
    original = StrengthModel.build

    def counting(self: StrengthModel, *args: object, **kwargs: object):
        weeks.append(self.inst.n_weeks)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(StrengthModel, "build", counting)
    return weeks


def test_a_500_exercise_catalog_at_104_weeks_stays_within_the_time_limit(
    tmp_path_factory: pytest.TempPathFactory, builds: list[int]
) -> None:
    cat = big_catalog(str(tmp_path_factory.mktemp("catalog")))
    assert len(cat.exercises) == 480
    cal = synthetic_season(START, MAX_WEEKS, seed=1)
    # with the exercises beyond the articles, so the model holds 23 of each copy's 24 (the
    # warm-up primer never enters it)
    everything = PlannerConfig.model_validate({"rules": {"articles-only": {"enabled": False}}})
    limit = everything.solver.time_limit_s
    began = time.perf_counter()
    plan = plan_season(cal, cat, AthleteProfile(), everything, start=START, weeks=MAX_WEEKS)
    elapsed = time.perf_counter() - began
    assert elapsed < limit, f"the run took {elapsed:.1f} s with a {limit:g} s limit"
    assert MAX_WEEKS not in builds  # only the probe was built
    assert plan.status == Status.feasible and plan.sessions
    assert_valid(plan, build_instance(cal, cat, AthleteProfile(), everything, START, 104))
    [note] = [n for n in plan.notes if "time limit" in n]
    assert "too short to build the model of 460 exercises over 104 weeks" in note


def slow_builds(monkeypatch: pytest.MonkeyPatch, seconds_per_week: float) -> list[int]:
    """Make every model build take `seconds_per_week` per week longer (a slow machine)."""
    weeks: list[int] = []
    original = StrengthModel.build

    def slow(self: StrengthModel, *args: object, **kwargs: object):
        weeks.append(self.inst.n_weeks)
        time.sleep(seconds_per_week * self.inst.n_weeks)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(StrengthModel, "build", slow)
    return weeks


def test_a_build_longer_than_half_the_limit_is_not_started(monkeypatch: pytest.MonkeyPatch) -> None:
    weeks = slow_builds(monkeypatch, 0.05)  # 26 weeks: 1.3 s, over half of a 2 s limit
    cal = synthetic_season(START, 26, seed=1)
    began = time.perf_counter()
    plan = plan_season(cal, load_catalog(), AthleteProfile(), config(2), start=START, weeks=26)
    elapsed = time.perf_counter() - began
    assert weeks == [PROBE_WEEKS]
    assert plan.status == Status.feasible and plan.sessions
    assert any("too short to build the model" in n for n in plan.notes)
    assert elapsed < 2 + 5  # the greedy plan, not a 1.3 s build plus a 2 s search


def recorded_search_limits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The time limit of every search `plan_season` starts from now on, in order."""
    limits: list[float] = []
    original = solve_module.run_solver

    def recording(inst, model, limit=None, penalties=None):
        limits.append(limit)
        return original(inst, model, limit, penalties)

    monkeypatch.setattr(solve_module, "run_solver", recording)
    return limits


def test_the_search_gets_only_the_time_the_build_left(monkeypatch: pytest.MonkeyPatch) -> None:
    slow_builds(monkeypatch, 0.1)  # 3 weeks: 0.3 s, not probed
    limits = recorded_search_limits(monkeypatch)
    cal = synthetic_season(START, 3, seed=1)
    plan = plan_season(cal, load_catalog(), AthleteProfile(), config(10), start=START, weeks=3)
    assert plan.status in SOLVED
    [limit] = limits
    assert limit is not None and limit <= 10 - 0.3


# ---------------------------------------------------------------------------- nothing planned


def test_no_weekday_available_says_why_nothing_was_planned(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[rules.availability]\nweekdays = []\n")
    result = runner.invoke(
        app, ["plan", "--start", "2026-11-30", "--weeks", "2", "--config", str(rules)]
    )
    assert result.exit_code == 0, result.output
    assert "0 sessions" in result.stdout
    assert "note: No session was planned" in result.stderr
    assert "availability" in result.stderr and "no weekday" in result.stderr


def test_exercises_too_long_for_a_session_say_why_nothing_was_planned(tmp_path: Path) -> None:
    text = DEFAULT_CATALOG.read_text(encoding="utf-8")

    def long_dose(match: re.Match[str]) -> str:
        line = re.sub(r"sets = (\[[0-9, ]+\]|[0-9]+)", "sets = 10", match.group())
        line = re.sub(r"reps = (\[[0-9, ]+\]|[0-9]+)", "reps = 100", line)
        return re.sub(r"hold_s = (\[[0-9, ]+\]|[0-9]+)", "hold_s = 600", line)

    path = tmp_path / "long.toml"
    path.write_text(re.sub(r"^dose = .*$", long_dose, text, flags=re.MULTILINE))
    cal = synthetic_season(START, 2, seed=1)
    cat = load_catalog(path)
    plan = plan_season(cal, cat, AthleteProfile(), PlannerConfig(), start=START, weeks=2)
    assert plan.status in SOLVED and plan.sessions == []
    [note] = [n for n in plan.notes if n.startswith("No session was planned")]
    assert "shortest exercise" in note and "max_session_minutes" in note


def test_a_plan_with_sessions_has_no_such_note() -> None:
    cal = synthetic_season(START, 8, seed=1)
    plan = plan_season(cal, load_catalog(), AthleteProfile(), PlannerConfig(), start=START, weeks=8)
    assert plan.sessions
    assert not any(n.startswith("No session was planned") for n in plan.notes)


def test_the_cli_counts_reading_the_inputs_in_the_time_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from planner import cli

    original = cli.load_catalog

    def slow_catalog(path):
        time.sleep(4)  # a huge catalog on a slow disk: 4 of the 6 seconds are gone
        return original(path)

    monkeypatch.setattr(cli, "load_catalog", slow_catalog)
    out = tmp_path / "plan.json"
    args = ["plan", "--start", "2026-11-30", "--weeks", "26", "--time-limit", "6"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "too short to build the model" in result.stderr


def test_the_search_leaves_time_for_the_work_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.solve import AFTER_SEARCH_SHARE

    limits = recorded_search_limits(monkeypatch)
    cal = synthetic_season(START, 2, seed=1)
    plan_season(cal, load_catalog(), AthleteProfile(), config(10), start=START, weeks=2)
    [limit] = limits
    assert limit <= 10 * (1 - AFTER_SEARCH_SHARE)
