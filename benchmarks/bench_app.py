"""Time from a changed setting to the updated page, for a 16-week plan of the demo season.

Drives the app headless with AppTest: each round changes a rule parameter to a value not seen
before (a cache miss: a real solve), submits the settings form and times `.run()`. A second
series re-submits settings already seen (cache hits) to show the page's own overhead. A last
series blocks the next session's day and times the Re-plan click.

    PYTHONPATH=. python benchmarks/bench_app.py [--rounds 5] [--weeks 16]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from streamlit.testing.v1 import AppTest

from planner.ui import solving, state
from planner.ui.fields import field_key

APP = str(Path(__file__).resolve().parent.parent / "app.py")
KNOB = field_key("availability", "max_session_minutes")  # every value is a different solve


def submit(at: AppTest) -> float:
    started = time.perf_counter()
    at.button(key="submit").click().run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def timed(func: Callable[..., Any], seconds: list[float]) -> Callable[..., Any]:
    """`func`, appending its wall time to `seconds` on every call."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - started)

    return wrapper


def replan_rounds(at: AppTest, rounds: int) -> list[float]:
    """Block the next session's day and time the Re-plan click (each a new re-plan)."""
    seconds = []
    for _ in range(rounds):
        plan = json.loads(at.session_state[state.PLAN])
        today = plan["today"] or plan["start"]
        day = next(s["date"] for s in plan["sessions"] if s["date"] >= today)
        at.selectbox(key=state.DAY).set_value(day).run()
        at.button(key="mark_block").click().run()
        started = time.perf_counter()
        at.button(key="replan").click().run()
        seconds.append(time.perf_counter() - started)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=16)
    args = parser.parse_args()

    solve_path: list[float] = []  # wall time of plan_season: model building + CP-SAT
    with mock.patch.object(solving, "plan_season", timed(solving.plan_season, solve_path)):
        at = AppTest.from_file(APP, default_timeout=300)
        started = time.perf_counter()
        at.run()
        first_load = time.perf_counter() - started
        at.number_input(key=state.WEEKS).set_value(args.weeks)
        submit(at)

        fresh, solver, cached = [], [], []
        values = [46 + i for i in range(args.rounds)]
        solve_path.clear()
        for minutes in values:
            at.number_input(key=KNOB).set_value(minutes)
            fresh.append(submit(at))
            solver.append(json.loads(at.session_state[state.PLAN])["solve_seconds"] or 0.0)
        for minutes in values:
            at.number_input(key=KNOB).set_value(minutes)
            cached.append(submit(at))
    assert len(solve_path) == args.rounds, "every fresh round solves once, cache hits never"
    status = json.loads(at.session_state[state.PLAN])["status"]
    replans = replan_rounds(at, args.rounds)

    print(f"app benchmark: demo season, {args.weeks}-week plan, {args.rounds} rounds")
    print(f"  first page load (demo, 22 weeks, solve included): {first_load:6.2f} s")
    print(
        f"  changed setting -> updated page (new solve): median {statistics.median(fresh):6.2f} s"
        f"  (min {min(fresh):.2f}, max {max(fresh):.2f})"
    )
    path = statistics.median(solve_path)
    print(f"    of which solve path (plan_season):         median {path:6.2f} s")
    print(
        f"      of which CP-SAT solve time:              median {statistics.median(solver):6.2f} s"
    )
    print(
        f"  changed setting -> updated page (cache hit): median {statistics.median(cached):6.2f} s"
        f"  (min {min(cached):.2f}, max {max(cached):.2f})"
    )
    print(f"  last plan status: {status}")
    print(
        f"  block a day -> re-planned page:              median {statistics.median(replans):6.2f} s"
        f"  (min {min(replans):.2f}, max {max(replans):.2f})"
    )


if __name__ == "__main__":
    main()
