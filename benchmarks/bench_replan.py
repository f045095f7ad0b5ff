"""Re-plan benchmark: a 16-week plan, one session moved by a day, warm-started from the plan.

Prints the median over N runs of the model build, the solve and the whole re-plan, the status,
and how many sessions changed. Run: `python benchmarks/bench_replan.py [--runs 5]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from planner.catalog import load_catalog
from planner.importers import load_demo
from planner.replan import ReplanRequest, replan_with_stats
from planner.solve import plan_with_stats

START = dt.date(2026, 11, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=16)
    args = parser.parse_args()
    calendar, catalog = load_demo(START), load_catalog()
    first, stats = plan_with_stats(calendar, catalog, start=START, weeks=args.weeks)
    print(
        f"first plan: {stats.status}, build {stats.build_seconds:.3f} s, "
        f"solve {stats.solve_seconds:.3f} s, {len(first.sessions)} sessions"
    )
    today = START + dt.timedelta(days=28)
    # Move the first future session one day later: block its day, pin the next one.
    session = next(s for s in first.sessions if s.date >= today)
    moved_to = session.date + dt.timedelta(days=1)
    request = ReplanRequest(previous=first, today=today, blocks=[session.date], pins=[moved_to])
    builds, solves, totals = [], [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        plan, st = replan_with_stats(calendar, catalog, None, None, request)
        totals.append(time.perf_counter() - t0)
        builds.append(st.build_seconds)
        solves.append(st.solve_seconds)
    diff = plan.diff
    changed = diff.changed if diff else None
    print(
        f"re-plan ({args.weeks} weeks, {session.date} -> {moved_to}): {plan.status.value}, "
        f"median build {statistics.median(builds):.3f} s, "
        f"solve {statistics.median(solves):.3f} s, total {statistics.median(totals):.3f} s"
    )
    if diff:
        print(
            f"changed sessions: {changed} ({len(diff.moved)} moved, {len(diff.added)} added, "
            f"{len(diff.removed)} removed, {len(diff.kept)} kept)"
        )
        for entry in diff.moved:
            print(f"  moved {entry.previous_date} -> {entry.date}: {entry.reason}")


if __name__ == "__main__":
    main()
