"""Load benchmark: N people using the app at once, each in their own session.

Starts `streamlit run app.py` and drives N sessions concurrently. Two drivers:
- `protocol` (default): N headless clients speaking the app's websocket protocol
  (`tests/protocol_client.py`), each: open (demo plan), upload their own season (a new plan),
  switch on "Show all rules" and tweak a rule (a new plan), pick their next session's day and
  block it, re-plan, set a reminder and download the iCal. Every season and tweak differs, so
  no session is served from another's cache. Measures what the server holds: rendering happens
  in each athlete's browser.
- `browser`: N pages in one headless Chromium (separate contexts, so separate sessions): open,
  upload, change a setting, download. The whole path, but Chromium's rendering of N pages
  shares this machine's 2 cores with the server, so its times are an upper bound.

`--think S` pauses a random 0-2S seconds between steps (people read the plan before the next
click); the default 0 has every session fire its next step the moment the last one is done.
Prints every step's median, 95th percentile and slowest time, sessions per second, the slowest
response, how many new plans came back within the 3 s target, and the server's CPU seconds (read
from /proc: the app's own process, and apart from it its solve workers) per session. With
`--sessions 1` (the protocol driver) the CPU is also printed per step: one session alone on the
server, so each step's CPU is exactly what that step cost. `--rounds R` runs R sessions one
after another (different athletes; default 3 for one session, so each step has a median).
Quote the load average (printed before and after) with every wall-clock figure. `--replicas 1|2`
runs the protocol driver through HAProxy (deploy/haproxy.cfg) to that many app servers on one
PostgreSQL store (docs/deploy.md); the CPU is then summed over the servers.

    python benchmarks/bench_load.py [--driver protocol|browser] [--sessions 10] [--think 0]
        [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT), str(Path(__file__).resolve().parent)]

from browser_app import (  # noqa: E402
    CHROMIUM_ARGS,
    SCRIPT_DONE,
    SOLVE_TIMEOUT_MS,
    app_server,
    calendar_ics,
    ensure_chromium,
)
from playwright.async_api import async_playwright  # noqa: E402
from protocol_client import PROTOCOL_SOLVING, PROTOCOL_STEPS, Client, athlete_session  # noqa: E402

from planner.config import next_monday  # noqa: E402
from planner.ui import state  # noqa: E402

STEPS = ("open", "upload", "re-plan", "export")
SOLVE_TARGET_S = 3.0


async def _settled(page) -> None:
    await page.wait_for_selector("[data-testid=stMetricValue]", timeout=SOLVE_TIMEOUT_MS)
    await page.wait_for_timeout(200)
    await page.wait_for_selector(
        "[data-testid=stStatusWidget]", state="detached", timeout=SOLVE_TIMEOUT_MS
    )
    await page.wait_for_selector(SCRIPT_DONE, timeout=SOLVE_TIMEOUT_MS)


async def _session(browser, url: str, n: int, weeks: int) -> dict[str, float]:
    page = await (await browser.new_context(accept_downloads=True)).new_page()
    title = f"Rider{n:02d}"
    start = next_monday()
    data = calendar_ics(
        title,
        (start + dt.timedelta(days=1 + n % 5)).strftime("%Y%m%d"),
        (start + dt.timedelta(days=48 + 7 * (n % 3))).strftime("%Y%m%d"),
    )
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    await page.goto(url)
    await page.get_by_text("Demo season").first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    await _settled(page)
    times["open"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    await page.locator("input[type=file]").set_input_files(
        files=[{"name": f"{title}.ics", "mimeType": "text/calendar", "buffer": data}]
    )
    await page.get_by_text(f"{title} intervals").first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    await _settled(page)
    times["upload"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    box = page.get_by_role("spinbutton", name="Weeks", exact=True)
    await box.fill(str(weeks))
    await box.press("Tab")
    await page.get_by_role("button", name="Update plan").first.click()
    await page.get_by_text(f"{weeks} weeks · ").first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    await _settled(page)
    times["re-plan"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    await page.get_by_role("tab", name="Export").click()
    async with page.expect_download(timeout=SOLVE_TIMEOUT_MS) as download_info:
        await page.get_by_role("button", name="Download iCal").click()
    download = await download_info.value
    failure = await download.failure()
    if failure is not None:  # say what the server answered for the file
        answer = await page.request.get(download.url)
        raise RuntimeError(
            f"session {n}: download {failure}, the server said {answer.status} for {download.url}"
        )
    path = await download.path()
    assert path is not None and Path(path).read_bytes().startswith(b"BEGIN:VCALENDAR")
    times["export"] = time.perf_counter() - t0
    if await page.locator("[data-testid=stException]").count():
        raise RuntimeError(f"session {n}: the page shows an exception")
    await page.context.close()
    return times


@contextlib.contextmanager
def _server(log: Path | None, replicas: int = 0) -> Iterator[tuple[str, list[int]]]:
    """The app server's URL and process ids; its log goes to `log` when given (kept), else to a
    temporary file. With `replicas`, that many servers behind HAProxy (deploy/haproxy.cfg) on
    one PostgreSQL store (PLANNER_DATABASE_URL, else a throwaway server): the proxy's URL."""
    if not replicas:
        with (
            tempfile.TemporaryDirectory() as tmp,
            app_server(log or Path(tmp) / "server.log") as (url, process),
        ):
            yield url, [process.pid]
        return
    from replicas import running_replicas

    with contextlib.ExitStack() as stack:
        database = os.environ.get("PLANNER_DATABASE_URL")
        if not database:
            from postgres_server import fresh_database, running_postgres

            database = fresh_database(stack.enter_context(running_postgres()))
        logs = log.parent if log else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        env = {"PLANNER_DATABASE_URL": database}
        yield stack.enter_context(running_replicas(replicas, env, logs))


# ----------------------------------------------------------------------------- server CPU

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat's fields after the command name (which may hold spaces)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            kids += [int(k) for k in (task / "children").read_text().split()]
    return kids


def server_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds so far of the server process and, apart, of all its descendants (the solve
    workers, the pool's fork server; a descendant's children that ended count in its cutime)."""
    own = _stat(pid)
    server = (int(own[11]) + int(own[12])) / CLOCK_TICKS  # utime, stime
    workers = 0.0
    todo = _children(pid)
    while todo:
        child = todo.pop()
        try:
            fields = _stat(child)
            todo += _children(child)
        except OSError:  # it ended meanwhile
            continue
        workers += sum(int(f) for f in fields[11:15]) / CLOCK_TICKS  # utime stime cutime cstime
    return server, workers


def servers_cpu(pids: list[int]) -> tuple[float, float]:
    """`server_cpu` summed over several app servers (replicas)."""
    spent = [server_cpu(pid) for pid in pids]
    return sum(s for s, _ in spent), sum(w for _, w in spent)


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


async def _run(sessions: int, weeks: int, log: Path | None) -> None:
    with _server(log) as (url, _pid):
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(ensure_chromium()), args=CHROMIUM_ARGS
            )
            started = time.perf_counter()
            results = await asyncio.gather(
                *(_session(browser, url, n, weeks) for n in range(sessions)),
                return_exceptions=True,
            )
            wall = time.perf_counter() - started
            await browser.close()
    errors = [r for r in results if isinstance(r, BaseException)]
    done = [r for r in results if not isinstance(r, BaseException)]
    report(f"browser driver: {sessions} pages, {weeks}-week re-plan", STEPS, done, errors, wall)


async def _run_protocol(
    sessions: int, weeks: int, think_s: float, rounds: int, log: Path | None, replicas: int = 0
) -> None:
    with _server(log, replicas) as (url, pids):
        for _ in pids:  # servers that have been up: modules imported, the demo plan cached
            warm = Client(url)  # (behind the proxy, each new client reaches the next replica)
            first = await warm.open()
            await warm.close()
        done: list[dict[str, float]] = []
        errors: list[BaseException] = []
        steps_cpu: list[dict[str, tuple[float, ...]]] = []
        meter = (lambda: servers_cpu(pids)) if sessions == 1 else None
        cpu_before = servers_cpu(pids)
        started = time.perf_counter()
        for round_ in range(rounds):
            cpus: list[dict[str, tuple[float, ...]]] = [{} for _ in range(sessions)]
            results = await asyncio.gather(
                *(
                    athlete_session(url, round_ * sessions + n, weeks, think_s, meter, cpus[n])
                    for n in range(sessions)
                ),
                return_exceptions=True,
            )
            errors += [r for r in results if isinstance(r, BaseException)]
            done += [r for r in results if not isinstance(r, BaseException)]
            steps_cpu += cpus
        wall = time.perf_counter() - started
        cpu_after = servers_cpu(pids)
    print(f"first page after the server started (imports, demo plan): {first:.2f} s")
    title = (
        f"protocol driver: {sessions} sessions at once"
        + (f", {rounds} rounds one after another" if rounds > 1 else "")
        + f", {weeks}-week seasons, think time {think_s:g} s on average"
        + (f", {replicas} replica(s) behind HAProxy on PostgreSQL" if replicas else "")
    )
    report(title, PROTOCOL_STEPS, done, errors, wall, PROTOCOL_SOLVING, finish=False)
    count = len(done) + len(errors)
    server, workers = (b - a for a, b in zip(cpu_before, cpu_after, strict=True))
    print(
        f"  server CPU per session: {server / count:.2f} s in the app's process, "
        f"{workers / count:.2f} s in its solve workers; {(server + workers) / wall:.2f} of "
        f"{os.cpu_count()} cores busy on average"
    )
    if meter is not None:
        print("  server CPU per step (median over rounds): app process + solve workers")
        for step in PROTOCOL_STEPS:
            spent = [c[step] for c in steps_cpu if step in c]
            if spent:
                own = statistics.median(s[0] for s in spent)
                pool = statistics.median(s[1] for s in spent)
                print(f"  {step:>8}: {own:5.2f} s + {pool:5.2f} s")
        own = [c[step][0] for c in steps_cpu for step in PROTOCOL_STEPS if step in c]
        both = [sum(c[step]) for c in steps_cpu for step in PROTOCOL_STEPS if step in c]
        print(
            f"  median CPU of a step: {statistics.median(own):.2f} s in the app's process, "
            f"{statistics.median(both):.2f} s with its solve workers"
        )
    if errors:
        raise SystemExit(1)


def percentile_95(values: list[float]) -> float:
    """The 95th percentile (inclusive: within the range of the values, one value is itself)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def report(
    title: str,
    steps: tuple[str, ...],
    done: list[dict[str, float]],
    errors: list[BaseException],
    wall: float,
    solving: tuple[str, ...] = ("upload", "re-plan"),
    finish: bool = True,
) -> None:
    """Print the times; with `finish`, exit 1 when a session failed."""
    print(f"load benchmark, {title}")
    print(f"  completed {len(done)}/{len(done) + len(errors)}, errors {len(errors)}")
    for error in errors:
        print(f"  error: {error!r}"[:300])
    for step in steps:
        values = [r[step] for r in done if step in r]
        if values:
            print(
                f"  {step:>8}: median {statistics.median(values):6.2f} s, "
                f"p95 {percentile_95(values):6.2f} s, slowest {max(values):6.2f} s"
            )
    slowest = max((r[step] for r in done for step in steps if step in r), default=float("nan"))
    replans = [r[s] for r in done for s in solving if s in r]
    within = sum(v < SOLVE_TARGET_S for v in replans)
    print(
        f"  wall {wall:.1f} s, {len(done) / wall:.2f} sessions/s, slowest response {slowest:.2f} s"
    )
    if replans:
        print(
            f"  new plans ({', '.join(solving)}): {len(replans)}, "
            f"median {statistics.median(replans):.2f} s, p95 {percentile_95(replans):.2f} s, "
            f"slowest {max(replans):.2f} s, {within}/{len(replans)} under {SOLVE_TARGET_S:g} s"
        )
    if errors and finish:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--driver", choices=("protocol", "browser"), default="protocol")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument(
        "--weeks", type=int, default=state.DEFAULT_WEEKS, help="plan horizon and season length"
    )
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause between steps, seconds (protocol)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        help="sessions run one after another, N at a time (protocol; default 3 for one session)",
    )
    parser.add_argument("--server-log", type=Path, help="keep the app server's log in this file")
    parser.add_argument(
        "--replicas",
        type=int,
        default=0,
        choices=(0, 1, 2),
        help="protocol driver through HAProxy to this many app servers on one PostgreSQL store",
    )
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    if args.driver == "protocol":
        rounds = args.rounds or (3 if args.sessions == 1 else 1)
        asyncio.run(
            _run_protocol(
                args.sessions, args.weeks, args.think, rounds, args.server_log, args.replicas
            )
        )
    else:
        # the browser's tweak changes the horizon, so it must differ from the default one
        weeks = 16 if args.weeks == state.DEFAULT_WEEKS else args.weeks
        asyncio.run(_run(args.sessions, weeks, args.server_log))
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
