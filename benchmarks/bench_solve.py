"""Solve benchmark: the demo season and generated seasons of 4-104 weeks.

Prints per horizon: model build time, solve time (median of N runs), status, objective, bound,
gap and the peak memory of a fresh process. Run: `python benchmarks/bench_solve.py [--runs 5]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import resource
import statistics
import time

HORIZONS = ["demo", 4, 8, 16, 26, 52, 104]
START = dt.date(2026, 11, 30)


def _one(horizon: str | int, runs: int, time_limit: float, queue: mp.Queue) -> None:
    from ortools.sat.python import cp_model

    from planner.catalog import load_catalog
    from planner.config import PlannerConfig
    from planner.domain import AthleteProfile
    from planner.importers import load_demo
    from planner.instance import build_instance
    from planner.model import StrengthModel, solver_for
    from planner.solve import _base_plan, extract_sessions
    from planner.synthetic import synthetic_season
    from planner.validate import assert_valid

    catalog = load_catalog()
    if horizon == "demo":
        calendar, weeks = load_demo(START), 22
    else:
        weeks = int(horizon)
        calendar = synthetic_season(START, weeks, seed=weeks)
    config = PlannerConfig.model_validate({"solver": {"time_limit_s": time_limit}})
    builds, solves = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        inst = build_instance(calendar, catalog, AthleteProfile(), config, START, weeks)
        built = StrengthModel(inst).build()
        t1 = time.perf_counter()
        solver = solver_for(inst)
        code = solver.solve(built.model)
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        solves.append(t2 - t1)
    status = solver.status_name(code)
    objective = solver.objective_value if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    bound = solver.best_objective_bound
    if objective is not None:
        plan = _base_plan(inst, status.lower())
        plan.sessions = extract_sessions(inst, built, solver)
        assert_valid(plan, inst)
    gap = (objective - bound) / max(1.0, abs(objective)) if objective is not None else None
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(
        (
            horizon,
            weeks,
            statistics.median(builds),
            statistics.median(solves),
            status,
            objective,
            bound,
            gap,
            peak_mb,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--horizons", nargs="*", default=[str(h) for h in HORIZONS])
    args = parser.parse_args()
    print(
        f"{'horizon':>8} {'weeks':>5} {'build s':>8} {'solve s':>8} {'status':>9} "
        f"{'objective':>9} {'bound':>7} {'gap':>7} {'peak MB':>8}"
    )
    ctx = mp.get_context("spawn")
    for horizon in args.horizons:
        queue: mp.Queue = ctx.Queue()
        proc = ctx.Process(target=_one, args=(horizon, args.runs, args.time_limit, queue))
        proc.start()
        row = queue.get()
        proc.join()
        h, weeks, build, solve, status, objective, bound, gap, peak = row
        obj = f"{objective:.0f}" if objective is not None else "-"
        gap_text = f"{100 * gap:.1f}%" if gap is not None else "-"
        print(
            f"{h:>8} {weeks:>5} {build:>8.3f} {solve:>8.3f} {status:>9} {obj:>9} "
            f"{bound:>7.0f} {gap_text:>7} {peak:>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
