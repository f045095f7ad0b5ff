"""Solve benchmark: the demo season and generated seasons of 4-104 weeks.

Prints per horizon: model build time, solve time and whole plan time (medians of N runs),
status, objective, bound, gap, and the peak memory of a fresh process. Every plan is checked by
the solver-free validator.
Run: `python benchmarks/bench_solve.py [--runs 5] [--config rules.toml]`; `--config` takes a rules
config like `planner plan --config` (e.g. `[rules.articles-only] enabled = false` to measure the
exercises beyond the articles); the solver's time limit stays the `--time-limit` given here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import resource
import statistics
import time
from queue import Empty

HORIZONS = ["demo", 4, 8, 16, 26, 52, 104]
START = dt.date(2026, 11, 30)


def _one(
    horizon: str | int, runs: int, time_limit: float, config_path: str | None, queue: mp.Queue
) -> None:
    from planner.catalog import load_catalog
    from planner.config import PlannerConfig, load_config
    from planner.domain import AthleteProfile
    from planner.importers import load_demo
    from planner.instance import build_instance
    from planner.solve import plan_with_stats
    from planner.synthetic import synthetic_season
    from planner.validate import assert_valid

    catalog = load_catalog()
    if horizon == "demo":
        calendar, weeks = load_demo(START), 22
    else:
        weeks = int(horizon)
        calendar = synthetic_season(START, weeks, seed=weeks)
    config = load_config(config_path) if config_path else PlannerConfig()
    config = config.model_copy(
        update={"solver": config.solver.model_copy(update={"time_limit_s": time_limit})}
    )
    builds, solves, totals = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        plan, stats = plan_with_stats(
            calendar, catalog, AthleteProfile(), config, start=START, weeks=weeks
        )
        totals.append(time.perf_counter() - t0)
        builds.append(stats.build_seconds)
        solves.append(stats.solve_seconds)
    if plan.sessions:
        inst = build_instance(calendar, catalog, AthleteProfile(), config, START, weeks)
        assert_valid(plan, inst)
    objective, bound = plan.objective, plan.bound
    gap = (objective - bound) / max(1.0, abs(objective)) if objective is not None else None
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(
        (
            horizon,
            weeks,
            statistics.median(builds),
            statistics.median(solves),
            statistics.median(totals),
            stats.status,
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
    parser.add_argument("--config", default=None, help="rules config (TOML), as planner plan")
    args = parser.parse_args()
    print(
        f"{'horizon':>8} {'weeks':>5} {'build s':>8} {'solve s':>8} {'total s':>8} "
        f"{'status':>9} {'objective':>9} {'bound':>7} {'gap':>7} {'peak MB':>8}"
    )
    ctx = mp.get_context("spawn")
    for horizon in args.horizons:
        queue: mp.Queue = ctx.Queue()
        proc = ctx.Process(
            target=_one, args=(horizon, args.runs, args.time_limit, args.config, queue)
        )
        proc.start()
        row = None
        while row is None:  # a child that dies (e.g. cannot import planner) must not hang us
            try:
                row = queue.get(timeout=5)
            except Empty:
                if not proc.is_alive():
                    message = f"the {horizon} run failed (exit code {proc.exitcode})"
                    raise SystemExit(message) from None
        proc.join()
        h, weeks, build, solve, total, status, objective, bound, gap, peak = row
        obj = f"{objective:.0f}" if objective is not None else "-"
        bound_text = f"{bound:.0f}" if bound is not None else "-"
        gap_text = f"{100 * gap:.1f}%" if gap is not None else "-"
        print(
            f"{h:>8} {weeks:>5} {build:>8.3f} {solve:>8.3f} {total:>8.3f} {status:>9} "
            f"{obj:>9} {bound_text:>7} {gap_text:>7} {peak:>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
