"""The nightly refresh of every season: `planner season refresh --all` on 1,000 seasons.

Saves N seasons (default 1,000) in PostgreSQL, each linked to its own calendar URL on a local
HTTP server, then three rounds, each with a fresh 10 % of the calendars changed (a B race added):
1. the local process pool (2 processes): seasons per minute, CPU seconds per season;
2. a Dask cluster on this machine (`dask scheduler`, 2 `dask worker --nthreads 1`): the same;
3. the CLI on the local pool, killed (SIGKILL, the whole process group) once half the seasons
   have an outcome, then started again: it resumes the run, and no season gets a second
   'calendar refresh' plan.
Seasons share a few calendars' first plans (solved once) so that set-up costs no 1,000 solves;
every re-plan of a changed season is a real solve in a worker.

    PYTHONPATH=. python benchmarks/bench_refresh.py [--seasons 1000] [--changed 0.1]
    PLANNER_DATABASE_URL=postgresql://... to use a running server (default: a throwaway one)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

import psutil  # noqa: E402
from browser_app import calendar_ics  # noqa: E402
from local_http import serving  # noqa: E402

from planner.config import PlannerConfig  # noqa: E402
from planner.domain import AthleteProfile  # noqa: E402
from planner.export import ExportOptions  # noqa: E402
from planner.importers import read_calendar  # noqa: E402
from planner.importers.remote import ALLOW_PRIVATE_ENV  # noqa: E402
from planner.refresh import DaskCluster, LocalPool, RunReport, refresh_all  # noqa: E402
from planner.solve import plan_season  # noqa: E402
from planner.store import DATABASE_URL_ENV, Source, open_store, save_season  # noqa: E402
from planner.store import refresh_runs as runs  # noqa: E402
from planner.store.models import PlanVersionRow  # noqa: E402

START = dt.date(2026, 11, 30)  # a Monday
WEEKS = 8
TODAY = START + dt.timedelta(days=7)
TEMPLATES = 5


def template_ics(k: int) -> bytes:
    first = START + dt.timedelta(days=1 + k)
    race = START + dt.timedelta(days=70 + 7 * (k % 3))
    return calendar_ics(f"Rider{k}", f"{first:%Y%m%d}", f"{race:%Y%m%d}")


def changed_ics(base: bytes, round_no: int, n: int) -> bytes:
    day = START + dt.timedelta(days=15 + (n + 3 * round_no) % 20)
    event = (
        f"BEGIN:VEVENT\r\nUID:crit-{round_no}@bench\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}\r\nSUMMARY:Crit {round_no} (B)\r\nEND:VEVENT\r\n"
    )
    return base.replace(b"END:VCALENDAR", event.encode() + b"END:VCALENDAR")


def make_seasons(n: int, root: str, files: dict[str, bytes]) -> list[int]:
    store = open_store()
    catalog_plans = []
    from planner.catalog import load_catalog

    catalog = load_catalog()
    for k in range(TEMPLATES):
        calendar = read_calendar(template_ics(k), "calendar.ics")
        plan = plan_season(
            calendar, catalog, AthleteProfile(), PlannerConfig(), start=START, weeks=WEEKS
        )
        catalog_plans.append(plan)
    ids = []
    for i in range(n):
        k = i % TEMPLATES
        path = f"/cal/{i}/{os.urandom(6).hex()}.ics"
        files[path] = template_ics(k)
        _, season = save_season(
            store,
            name=f"Athlete {i}",
            profile=AthleteProfile(),
            config=PlannerConfig(),
            export=ExportOptions(),
            start=START,
            weeks=WEEKS,
            source=Source(filename="calendar.ics", data=files[path], url=root + path),
            plan=catalog_plans[k],
        )
        ids.append(season.id)
    return ids


def change(files: dict[str, bytes], share: float, round_no: int, rng: random.Random) -> set[str]:
    """Change a fresh `share` of the calendars; their paths. Every calendar gets new DTSTAMPs,
    as real feeds write on every request, so an unchanged one differs in its bytes only."""
    stamp = f"DTSTAMP:202612{round_no:02d}T051500Z".encode()
    for path, data in files.items():
        files[path] = re.sub(rb"DTSTAMP:\d{8}T\d{6}Z", stamp, data)
    paths = sorted(files)
    chosen = set(rng.sample(paths, round(len(paths) * share)))
    for n, path in enumerate(sorted(chosen)):
        files[path] = changed_ics(files[path], round_no, n)
    return chosen


def refresh_versions() -> dict[int, int]:
    """Season id -> its number of 'calendar refresh' plan versions."""
    from sqlalchemy import func, select

    store = open_store()
    with store.session() as session:
        rows = session.execute(
            select(PlanVersionRow.season_id, func.count())
            .where(PlanVersionRow.origin == "calendar refresh")
            .group_by(PlanVersionRow.season_id)
        ).all()
    return dict(rows)


def show(title: str, report: RunReport, changed: int) -> None:
    results = report.results
    cpu_changed = [r.cpu_s for r in results if r.outcome == "refreshed"]
    cpu_same = [r.cpu_s for r in results if r.outcome == "unchanged"]
    failed = [r for r in results if r.outcome == "failed"]
    total_cpu = sum(r.cpu_s for r in results)
    print(f"{title}: {report.engine}")
    print(
        f"  {len(results)} seasons in {report.wall_s:.1f} s: "
        f"{len(results) / report.wall_s * 60:.0f} seasons/min "
        f"({report.count('refreshed')} refreshed of {changed} changed, "
        f"{report.count('unchanged')} unchanged, {len(failed)} failed)"
    )
    print(
        f"  CPU per season {total_cpu / len(results):.3f} s (tasks' processes); refreshed: "
        f"median {statistics.median(cpu_changed or [0]):.2f} s, unchanged: median "
        f"{statistics.median(cpu_same or [0]):.3f} s; load {os.getloadavg()[0]:.1f}"
    )
    print(f"  workers: {len({r.worker for r in results})}")
    for r in failed[:5]:
        print(f"  failed {r.season_id}: {r.reason}")


def dask_cpu() -> float:
    """CPU seconds used so far by the Dask processes this benchmark started: `dask scheduler`,
    `dask worker` (a nanny) and the worker process each nanny spawns."""
    total = 0.0
    for child in psutil.Process().children(recursive=False):
        try:
            if "dask" not in " ".join(child.cmdline()):
                continue
            for process in [child, *child.children(recursive=True)]:
                times = process.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            pass
    return total


@contextlib.contextmanager
def postgres() -> object:
    if os.environ.get(DATABASE_URL_ENV):
        yield os.environ[DATABASE_URL_ENV]
        return
    from postgres_server import fresh_database, running_postgres

    with running_postgres() as server:
        os.environ[DATABASE_URL_ENV] = fresh_database(server)
        yield os.environ[DATABASE_URL_ENV]


def killed_and_resumed(n: int, log_dir: Path) -> None:
    store = open_store()
    before = refresh_versions()
    command = [sys.executable, "-m", "planner", "season", "refresh", "--all", "--workers", "2",
               "--today", TODAY.isoformat()]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with (log_dir / "killed.log").open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    run = None
    started = time.perf_counter()
    while process.poll() is None:
        run = run or runs.unfinished_run(store)
        if run is not None and len(runs.outcomes(store, run.id)) >= n // 2:
            os.killpg(process.pid, signal.SIGKILL)  # the CLI, its pool and the fork server
            break
        time.sleep(0.2)
    process.wait()
    assert run is not None, "the run never started"
    half = runs.outcomes(store, run.id)
    print(
        f"killed run {run.id} after {time.perf_counter() - started:.1f} s with {len(half)} "
        f"outcomes ({sum(o.outcome == 'refreshed' for o in half.values())} refreshed)"
    )
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    print(f"resumed in {time.perf_counter() - started:.1f} s, exit {done.returncode}")
    final = runs.outcomes(store, run.id)
    after = refresh_versions()
    twice = [sid for sid, count in after.items() if count - before.get(sid, 0) > 1]
    print(
        f"  run {run.id}: {len(final)} outcomes, "
        f"{sum(o.outcome == 'refreshed' for o in final.values())} refreshed; "
        f"seasons re-planned twice: {len(twice)}"
    )
    if twice:
        raise SystemExit(f"seasons re-planned twice: {twice[:10]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seasons", type=int, default=1000)
    parser.add_argument("--changed", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ[ALLOW_PRIVATE_ENV] = "1"
    rng = random.Random(7)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-refresh-"))
    files: dict[str, bytes] = {}
    with postgres(), serving(files) as root:
        started = time.perf_counter()
        make_seasons(args.seasons, root, files)
        print(f"{args.seasons} seasons saved in {time.perf_counter() - started:.1f} s")
        changed = change(files, args.changed, 1, rng)
        report = refresh_all(LocalPool(args.workers), today=TODAY)
        show("round 1, local pool", report, len(changed))

        from dask_cluster import running_dask

        env = {DATABASE_URL_ENV: os.environ[DATABASE_URL_ENV], ALLOW_PRIVATE_ENV: "1"}
        with running_dask(args.workers, env, log_dir) as address:
            changed = change(files, args.changed, 2, rng)
            cluster_cpu, own_cpu = dask_cpu(), time.process_time()
            report = refresh_all(DaskCluster(address), today=TODAY)
            show(f"round 2, Dask ({args.workers} workers)", report, len(changed))
            cluster_cpu = dask_cpu() - cluster_cpu
            own_cpu = time.process_time() - own_cpu
            print(
                f"  all Dask processes (scheduler, nannies, workers): {cluster_cpu:.1f} CPU s, "
                f"{cluster_cpu / len(report.results):.3f} s a season; this client (and the "
                f"calendars' HTTP server): {own_cpu:.1f} s"
            )

        change(files, args.changed, 3, rng)
        killed_and_resumed(args.seasons, log_dir)


if __name__ == "__main__":
    main()
