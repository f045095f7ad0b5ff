"""Time from a changed setting to the updated page, for a 16-week plan of the demo season.

Drives the app headless with AppTest: each round changes a rule parameter to a value not seen
before (a cache miss: a real solve), submits the settings form and times `.run()`. A second
series re-submits settings already seen (cache hits) to show the page's own overhead.

    PYTHONPATH=. python benchmarks/bench_app.py [--rounds 5] [--weeks 16]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from planner.ui import state
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=16)
    args = parser.parse_args()

    at = AppTest.from_file(APP, default_timeout=300)
    started = time.perf_counter()
    at.run()
    first_load = time.perf_counter() - started
    at.number_input(key=state.WEEKS).set_value(args.weeks)
    submit(at)

    fresh, solver, cached = [], [], []
    values = [46 + i for i in range(args.rounds)]
    for minutes in values:
        at.number_input(key=KNOB).set_value(minutes)
        fresh.append(submit(at))
        solver.append(json.loads(at.session_state[state.PLAN])["solve_seconds"] or 0.0)
    for minutes in values:
        at.number_input(key=KNOB).set_value(minutes)
        cached.append(submit(at))

    status = json.loads(at.session_state[state.PLAN])["status"]
    print(f"app benchmark: demo season, {args.weeks}-week plan, {args.rounds} rounds")
    print(f"  first page load (demo, 22 weeks, solve included): {first_load:6.2f} s")
    print(
        f"  changed setting -> updated page (new solve): median {statistics.median(fresh):6.2f} s"
        f"  (min {min(fresh):.2f}, max {max(fresh):.2f})"
    )
    print(
        f"    of which CP-SAT solve time:                median {statistics.median(solver):6.2f} s"
    )
    print(
        f"  changed setting -> updated page (cache hit): median {statistics.median(cached):6.2f} s"
        f"  (min {min(cached):.2f}, max {max(cached):.2f})"
    )
    print(f"  last plan status: {status}")


if __name__ == "__main__":
    main()
