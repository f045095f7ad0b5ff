"""Time from a changed setting, or a dropped card, to the updated page, for a 16-week plan of
the demo season.

Drives the app headless with AppTest: each round changes a rule parameter to a value not seen
before (a cache miss: a real solve), submits the settings form and times `.run()`. A second
series re-submits settings already seen (cache hits) to show the page's own overhead. A third
series blocks the next session's day and times the Re-plan click.

The last series is what a person sees: `streamlit run app.py` and Debian's Chromium; each round
drags a different strength card one day later with the mouse and times from the mouse release
to the updated calendar (the move's diff on the page, the script done, the card on its new
day), and to the diff alone (what the athlete sees first; the run then still draws the tabs
below the calendar); then Undo (timed too) puts the plan back. Each drop is a new re-plan.

    PYTHONPATH=. python benchmarks/bench_app.py [--rounds 5] [--weeks 16]
        [--no-browser | --browser-only]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from browser_app import (  # noqa: E402
    CHROMIUM_ARGS,
    SCRIPT_DONE,
    card_on,
    drag_card,
    ensure_chromium,
    pick_move,
    running_app,
    settled,
    wait_for_board,
)
from trace_drop import WATCH_PAGE  # noqa: E402

from planner import workers  # noqa: E402
from planner.ui import state  # noqa: E402
from planner.ui.fields import field_key  # noqa: E402

APP = str(ROOT / "app.py")
KNOB = field_key("availability", "max_session_minutes")  # every value is a different solve


CPU: list[float] = []  # process CPU seconds of each timed page run, by series (see `cpu_of`)


def submit(at: AppTest) -> float:
    started, cpu = time.perf_counter(), time.process_time()
    at.button(key="submit").click().run()
    elapsed = time.perf_counter() - started
    CPU.append(time.process_time() - cpu)
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def cpu_of(count: int) -> str:
    """The median CPU time of the last `count` timed runs: unlike wall time, it hardly moves
    with the machine's load (the page run and the solver use one core)."""
    return f"CPU median {statistics.median(CPU[-count:]):.2f} s"


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
        started, cpu = time.perf_counter(), time.process_time()
        at.button(key="replan").click().run()
        seconds.append(time.perf_counter() - started)
        CPU.append(time.process_time() - cpu)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    return seconds


def drop_rounds(
    weeks: int, rounds: int
) -> tuple[list[float], list[float], list[float], list[float], int]:
    """Drag a strength card a day later in a real browser; time drop -> updated calendar,
    drop -> the move's diff shown (the run may still be drawing the tabs below the calendar)
    and Undo -> calendar back; and drop -> run finished as the page saw it (stamped on each
    animation frame, without the lag of Playwright's polling). Returns the four series and
    how many drops were refused."""
    from playwright.sync_api import sync_playwright

    drops: list[float] = []
    shown: list[float] = []
    undos: list[float] = []
    in_page: list[float] = []
    refused = 0
    tried: set[str] = set()
    log = Path(tempfile.mkdtemp()) / "server.log"
    with running_app(log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(ensure_chromium()), args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(url)
        settled(page)
        weeks_box = page.get_by_role("spinbutton", name="Weeks", exact=True)
        weeks_box.fill(str(weeks))
        weeks_box.press("Tab")
        page.get_by_role("button", name="Update plan").first.click()
        page.get_by_text(f"{weeks} weeks · ", exact=False).wait_for(timeout=120_000)
        settled(page)
        wait_for_board(page)
        for _ in range(rounds):
            old, new = pick_move(page, avoid=tried)
            tried.add(old)
            day = f"{dt.date.fromisoformat(old):%a %d %b}"
            moved = page.get_by_text(re.compile(f"^Moved {day}"))
            # this drop's refusal: the last round's may still be on the page until this run ends
            refusal = page.get_by_text(re.compile(f"^Not moved {day}"))
            page.evaluate(WATCH_PAGE, f"Moved {day}")
            drag_card(page, old, new)
            started = time.perf_counter()
            released = time.time()
            moved.or_(refusal).first.wait_for(timeout=120_000)
            seen = time.perf_counter() - started
            page.wait_for_selector(SCRIPT_DONE, timeout=120_000)
            if refusal.count():
                refused += 1
                continue
            card_on(page, new).first.wait_for(timeout=120_000)
            drops.append(time.perf_counter() - started)
            shown.append(seen)
            stamps = page.evaluate("() => window.__dropStamps")
            if stamps["done"]:
                in_page.append(stamps["done"] / 1000 - released)
            page.get_by_role("button", name="Undo").click()
            started = time.perf_counter()
            moved.wait_for(state="detached", timeout=120_000)
            page.wait_for_selector(SCRIPT_DONE, timeout=120_000)
            card_on(page, old).first.wait_for(timeout=120_000)
            undos.append(time.perf_counter() - started)
        browser.close()
    return drops, shown, undos, in_page, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=16)
    parser.add_argument("--no-browser", action="store_true", help="skip the real-browser drops")
    parser.add_argument("--browser-only", action="store_true", help="only the real-browser drops")
    args = parser.parse_args()
    # The machine may be shared: the figures read differently at a load of 1 and of 10.
    print(f"load average before: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if not args.browser_only:
        apptest_series(args.weeks, args.rounds)
    if not args.no_browser:
        browser_series(args.weeks, args.rounds)
    print(f"load average after: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")


def apptest_series(weeks: int, rounds: int) -> None:
    """Setting changes, cache hits and Re-plan clicks, timed with AppTest."""

    solve_path: list[float] = []  # wall time of plan_season: model building + CP-SAT
    # Solves in this process, not in the app's solve workers (planner/workers.py): the series
    # times plan_season and counts the solve in the page's CPU, as it did before the pool.
    os.environ[workers.WORKERS_ENV] = "0"
    with mock.patch.object(workers, "plan_season", timed(workers.plan_season, solve_path)):
        at = AppTest.from_file(APP, default_timeout=300)
        started = time.perf_counter()
        at.run()
        first_load = time.perf_counter() - started
        at.number_input(key=state.WEEKS).set_value(weeks)
        submit(at)
        # the sidebar lists only changed rules until "Show all rules" is on (papercut 13)
        at.toggle(key=state.SHOW_ALL_RULES).set_value(True).run()

        fresh, solver, cached = [], [], []
        values = [46 + i for i in range(rounds)]
        solve_path.clear()
        for minutes in values:
            at.number_input(key=KNOB).set_value(minutes)
            fresh.append(submit(at))
            solver.append(json.loads(at.session_state[state.PLAN])["solve_seconds"] or 0.0)
        fresh_cpu = cpu_of(rounds)
        for minutes in values:
            at.number_input(key=KNOB).set_value(minutes)
            cached.append(submit(at))
        cached_cpu = cpu_of(rounds)
    assert len(solve_path) == rounds, "every fresh round solves once, cache hits never"
    status = json.loads(at.session_state[state.PLAN])["status"]
    replans = replan_rounds(at, rounds)

    print(f"app benchmark: demo season, {weeks}-week plan, {rounds} rounds")
    print(f"  first page load (demo, default weeks, solve included): {first_load:6.2f} s")
    print(
        f"  changed setting -> updated page (new solve): median {statistics.median(fresh):6.2f} s"
        f"  (min {min(fresh):.2f}, max {max(fresh):.2f}; {fresh_cpu})"
    )
    path = statistics.median(solve_path)
    print(f"    of which solve path (plan_season):         median {path:6.2f} s")
    print(
        f"      of which CP-SAT solve time:              median {statistics.median(solver):6.2f} s"
    )
    print(
        f"  changed setting -> updated page (cache hit): median {statistics.median(cached):6.2f} s"
        f"  (min {min(cached):.2f}, max {max(cached):.2f}; {cached_cpu})"
    )
    print(f"  last plan status: {status}")
    print(
        f"  block a day -> re-planned page:              median {statistics.median(replans):6.2f} s"
        f"  (min {min(replans):.2f}, max {max(replans):.2f}; {cpu_of(rounds)})"
    )


def browser_series(weeks: int, rounds: int) -> None:
    drops, shown, undos, in_page, refused = drop_rounds(weeks, rounds)
    print(f"app benchmark, real browser, {weeks}-week plan: drag a strength card one day later")
    if drops:
        print(
            f"    drop -> updated calendar and diff: median {statistics.median(drops):6.2f} s"
            f"  (min {min(drops):.2f}, max {max(drops):.2f}, {len(drops)} drops)"
        )
        print(
            f"      of which diff shown:             median {statistics.median(shown):6.2f} s"
            f"  (min {min(shown):.2f}, max {max(shown):.2f})"
        )
        if in_page:
            print(
                f"      as the page saw it (no polling): median {statistics.median(in_page):6.2f} s"
                f"  (min {min(in_page):.2f}, max {max(in_page):.2f})"
            )
        print(
            f"    undo -> calendar back:             median {statistics.median(undos):6.2f} s"
            f"  (min {min(undos):.2f}, max {max(undos):.2f})"
        )
    if refused:
        print(f"    drops refused by a hard rule: {refused}")


if __name__ == "__main__":
    main()
