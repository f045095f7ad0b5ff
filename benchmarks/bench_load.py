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
Prints every step's median and slowest time, sessions per second, the slowest response, and
how many new plans came back within the 3 s target.

    python benchmarks/bench_load.py [--driver protocol|browser] [--sessions 10] [--think 0]
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
    calendar_ics,
    ensure_chromium,
    running_app,
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
def _server(log: Path | None, replicas: int = 0) -> Iterator[str]:
    """The app server; its log goes to `log` when given (kept), else to a temporary file. With
    `replicas`, that many servers behind HAProxy (deploy/haproxy.cfg) on one PostgreSQL store
    (PLANNER_DATABASE_URL, else a throwaway server); yields the proxy's URL."""
    if not replicas:
        with (
            tempfile.TemporaryDirectory() as tmp,
            running_app(log or Path(tmp) / "server.log") as url,
        ):
            yield url
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


def _server_cpu(name: str = "streamlit") -> float:
    """CPU seconds used so far by the processes this benchmark started whose command line
    names `name` (the app servers; "haproxy" for the proxy)."""
    import psutil

    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            if name in " ".join(child.cmdline()):
                times = child.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            pass
    return total


async def _run(sessions: int, weeks: int, log: Path | None) -> None:
    with _server(log) as url:
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
    sessions: int, weeks: int, think_s: float, log: Path | None, replicas: int = 0
) -> None:
    with _server(log, replicas) as url:
        for _ in range(max(1, replicas)):  # every replica up: modules imported, demo plan cached
            warm = Client(url)
            first = await warm.open()
            await warm.close()
        cpu, proxy_cpu, own_cpu = _server_cpu(), _server_cpu("haproxy"), time.process_time()
        started = time.perf_counter()
        results = await asyncio.gather(
            *(athlete_session(url, n, weeks, think_s) for n in range(sessions)),
            return_exceptions=True,
        )
        wall = time.perf_counter() - started
        cpu = _server_cpu() - cpu
        proxy_cpu = _server_cpu("haproxy") - proxy_cpu
        own_cpu = time.process_time() - own_cpu
    errors = [r for r in results if isinstance(r, BaseException)]
    done = [r for r in results if not isinstance(r, BaseException)]
    print(f"first page after the server started (imports, demo plan): {first:.2f} s")
    where = f", {replicas} replica(s) behind HAProxy" if replicas else ""
    title = (
        f"protocol driver: {sessions} sessions at once, {weeks}-week seasons, "
        f"think time {think_s:g} s on average{where}"
    )
    print(
        f"server CPU (all app processes): {cpu:.1f} s, {cpu / max(1, sessions):.2f} s a session, "
        f"{cpu / wall:.2f} cores busy on average of {os.cpu_count()}; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"other CPU on this machine: the {sessions} protocol clients {own_cpu:.1f} s"
        + (f", HAProxy {proxy_cpu:.1f} s" if replicas else "")
    )
    report(title, PROTOCOL_STEPS, done, errors, wall, PROTOCOL_SOLVING)


def report(
    title: str,
    steps: tuple[str, ...],
    done: list[dict[str, float]],
    errors: list[BaseException],
    wall: float,
    solving: tuple[str, ...] = ("upload", "re-plan"),
) -> None:
    print(f"load benchmark, {title}")
    print(f"  completed {len(done)}/{len(done) + len(errors)}, errors {len(errors)}")
    for error in errors:
        print(f"  error: {error!r}"[:300])
    for step in steps:
        values = [r[step] for r in done if step in r]
        if values:
            print(
                f"  {step:>8}: median {statistics.median(values):6.2f} s, "
                f"slowest {max(values):6.2f} s"
            )
    slowest = max((r[step] for r in done for step in steps if step in r), default=float("nan"))
    replans = [r[s] for r in done for s in solving if s in r]
    slowest_plan = max(replans, default=float("nan"))
    within = sum(v < SOLVE_TARGET_S for v in replans)
    print(
        f"  wall {wall:.1f} s, {len(done) / wall:.2f} sessions/s, slowest response {slowest:.2f} s"
    )
    print(
        f"  new plans ({', '.join(solving)}): {len(replans)}, slowest {slowest_plan:.2f} s, "
        f"{within}/{len(replans)} under {SOLVE_TARGET_S:g} s"
    )
    if errors:
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
    parser.add_argument("--server-log", type=Path, help="keep the app server's log in this file")
    parser.add_argument(
        "--replicas",
        type=int,
        default=0,
        choices=(0, 1, 2),
        help="protocol driver through HAProxy to this many app servers on one PostgreSQL store",
    )
    args = parser.parse_args()
    if args.driver == "protocol":
        asyncio.run(
            _run_protocol(args.sessions, args.weeks, args.think, args.server_log, args.replicas)
        )
    else:
        # the browser's tweak changes the horizon, so it must differ from the default one
        weeks = 16 if args.weeks == state.DEFAULT_WEEKS else args.weeks
        asyncio.run(_run(args.sessions, weeks, args.server_log))


if __name__ == "__main__":
    main()
