"""`planner season refresh --all`: every season linked by URL, fetched and re-planned if changed.

One task per season (`refresh_task`, a plain module function: JSON-able arguments in, a dict
out) that opens the store itself, fetches the season's link and, when the calendar changed,
re-plans with the smallest change and saves under the optimistic version check
(`seasons.refresh_if_changed`). A season edited in the app meanwhile makes the save fail with
`StaleSeason`; the task reads it again and re-plans from the newer version, so the edit is kept.

The tasks run on an engine chosen at the edge: a local process pool (default, one process per
core) or a Dask distributed cluster (`--scheduler tcp://HOST:8786`; `pip install
strength-planner[cluster]`). Workers open the store from their own `PLANNER_DATABASE_URL`, so the
database password never travels with a task; the task carries the URL with the password hidden
and a worker whose store differs refuses to run it.

A run is resumable: its id and every season's outcome are stored (`planner.store.refresh_runs`),
and a season's `refreshed` record is written with its new plan in one transaction. Started again
after a kill, the run skips the seasons it refreshed or found unchanged and retries those that
failed. Nothing in the core imports this module.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Protocol

from pydantic import BaseModel

from planner.store import SeasonNotFound, StaleSeason, open_store
from planner.store import refresh_runs as runs
from planner.store.database import default_url, safe_url

log = logging.getLogger(__name__)

STALE_RETRIES = 3  # a season edited this many times during its re-plan is left for the next run


class SeasonResult(BaseModel):
    """What the refresh did to one season (the task's answer, as a dict on the wire)."""

    season_id: int
    name: str = ""
    outcome: str  # refreshed, unchanged, held, failed, or "done before" (a resumed run skipped it)
    reason: str = ""
    plan_number: int | None = None
    diff: str = ""  # "3 kept, 1 moved, ..." for a refreshed season
    # CPU seconds of the worker process during the task (fetch, import, solve, store): a pool
    # process runs one task at a time, and so does a Dask worker started with --nthreads 1
    cpu_s: float = 0.0
    worker: str = ""  # host:pid that ran it
    attempts: int = 0


class RunReport(BaseModel):
    run_id: str
    today: dt.date
    engine: str
    resumed: bool
    results: list[SeasonResult]
    wall_s: float

    def count(self, outcome: str) -> int:
        return sum(r.outcome == outcome for r in self.results)


# ----------------------------------------------------------------------------- the task


def _diff_text(season: Any) -> str:
    diff = season.plan().diff
    if diff is None:
        return ""
    return (
        f"{len(diff.kept)} kept, {len(diff.moved)} moved, {len(diff.added)} added, "
        f"{len(diff.removed)} removed"
    )


def refresh_task(store_id: str, run_id: str, season_id: int, today_iso: str) -> dict:
    """Refresh one season in this process (a pool or Dask worker); returns a SeasonResult dict.

    Runs on the store of this process's `PLANNER_DATABASE_URL`, which must be `store_id`.
    """
    cpu = time.process_time()
    result = SeasonResult(
        season_id=season_id, outcome="failed", worker=f"{socket.gethostname()}:{os.getpid()}"
    )
    here = safe_url(default_url())
    if here != store_id:
        result.reason = f"this worker's store is {here}, the run's is {store_id}"
    else:
        _refresh_one(result, run_id, dt.date.fromisoformat(today_iso))
    result.cpu_s = time.process_time() - cpu
    return result.model_dump()


def _refresh_one(result: SeasonResult, run_id: str, today: dt.date) -> None:
    from planner import seasons
    from planner.errors import InputError

    store = open_store()
    season_id = result.season_id
    try:
        for attempt in range(1, STALE_RETRIES + 1):
            result.attempts = attempt
            done = runs.outcome(store, run_id, season_id)
            if done is not None and done.outcome in runs.FINAL:
                result.outcome, result.plan_number = "done before", done.plan_number
                result.reason = f"{done.outcome} earlier in this run"
                return
            try:
                season, changed = seasons.refresh_if_changed(
                    store, season_id, today=today, run_id=run_id
                )
            except StaleSeason:
                continue  # edited meanwhile (the app): read it again, re-plan from the edit
            result.name = season.name
            if changed:  # its `refreshed` record was saved with the plan
                result.outcome, result.plan_number = "refreshed", season.current().number
                result.diff = _diff_text(season)
                return
            result.outcome = "unchanged"
            break
        else:
            result.reason = f"the season was edited {STALE_RETRIES} times during its re-plan"
    except SeasonNotFound:
        result.reason = "the season was deleted"
        return  # nothing to record against a deleted season
    except seasons.CalendarHeld as exc:  # kept aside for the athlete: not a failure to retry
        result.outcome, result.reason = "held", exc.note
    except seasons.PlanFailed as exc:
        result.reason = str(exc)
    except InputError as exc:  # fetch or import: the message names no secret (see remote.py)
        result.reason = str(exc)
    except Exception as exc:  # one season's crash must not stop the others
        log.exception("refresh of season %s failed", season_id)
        result.reason = f"unexpected error: {type(exc).__name__}"
    runs.record(store, run_id, runs.OutcomeRecord(season_id=season_id, **_rec(result)))


def _rec(result: SeasonResult) -> dict:
    return {"outcome": result.outcome, "reason": result.reason, "plan_number": result.plan_number}


# ----------------------------------------------------------------------------- engines


MAX_BATCH = 20  # seasons a task takes at most (one Dask round trip per task, not per season)


def refresh_batch(store_id: str, run_id: str, season_ids: list[int], today_iso: str) -> list[dict]:
    """`refresh_task` for several seasons in a row: the unit a pool process or a Dask worker
    gets. Dask pays a scheduler round trip per task (~0.2 s of wall time per task on a loaded
    2-core machine against 0.03 s of CPU for an unchanged season), so tasks carry a few."""
    return [refresh_task(store_id, run_id, season_id, today_iso) for season_id in season_ids]


def batches(season_ids: list[int], slots: int) -> list[list[int]]:
    """`season_ids` cut into tasks: about four per worker slot or more, at most MAX_BATCH each,
    so every worker has work and progress still moves often."""
    size = max(1, min(MAX_BATCH, len(season_ids) // (4 * max(1, slots))))
    return [season_ids[i : i + size] for i in range(0, len(season_ids), size)]


class Engine(Protocol):
    name: str

    def run(
        self, store_id: str, run_id: str, season_ids: list[int], today_iso: str
    ) -> Iterator[dict]:
        """refresh_task for every season, yielding each answer as it comes."""
        ...


class LocalPool:
    """A pool of local processes (default: one per core)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.name = f"local pool of {self.workers}"

    def run(
        self, store_id: str, run_id: str, season_ids: list[int], today_iso: str
    ) -> Iterator[dict]:
        import multiprocessing

        # Not fork: it would copy this process's open database connections into the children.
        # A fork server that has imported the planner once starts each child quickly.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["planner.refresh", "planner.seasons", "planner.solve"])
        with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
            futures = [
                pool.submit(refresh_batch, store_id, run_id, batch, today_iso)
                for batch in batches(season_ids, self.workers)
            ]
            try:
                for future in as_completed(futures):
                    yield from future.result()
            finally:
                for future in futures:
                    future.cancel()


class DaskCluster:
    """A Dask distributed scheduler, e.g. tcp://10.0.0.5:8786, and whatever workers it has."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.name = f"dask {address}"

    def run(
        self, store_id: str, run_id: str, season_ids: list[int], today_iso: str
    ) -> Iterator[dict]:
        from distributed import Client, as_completed

        try:
            client = Client(self.address, timeout="30s")
        except (OSError, ValueError) as exc:  # unreachable, or not a scheduler address
            from planner.errors import InputError

            raise InputError(
                f"cannot reach the Dask scheduler at {self.address}: {exc}",
                where="--scheduler",
                hint="check the address (tcp://HOST:8786) and that `dask scheduler` runs there",
            ) from None
        with client:
            slots = sum(client.nthreads().values())
            # pure=False: each call is its own task even when two look alike
            futures = [
                client.submit(refresh_batch, store_id, run_id, batch, today_iso, pure=False)
                for batch in batches(season_ids, slots)
            ]
            try:
                for future in as_completed(futures):
                    yield from future.result()
            finally:
                client.cancel(futures)


def engine_for(scheduler: str | None, workers: int | None = None) -> Engine:
    """The engine the CLI option names: Dask at `scheduler`, else a local pool."""
    if scheduler:
        try:
            import distributed  # noqa: F401
        except ImportError:
            from planner.errors import InputError

            raise InputError(
                "--scheduler needs Dask's `distributed` package",
                hint='install it with: pip install "strength-planner[cluster]"',
            ) from None
        return DaskCluster(scheduler)
    return LocalPool(workers)


# ----------------------------------------------------------------------------- the run


def refresh_all(
    engine: Engine,
    *,
    today: dt.date,
    run_id: str | None = None,
    on_result: Callable[[SeasonResult, int], None] | None = None,
) -> RunReport:
    """Refresh every season linked by URL on `engine`; resume `run_id` (default: the newest
    run that never finished, else a new run). `on_result(result, total)` follows progress."""
    store = open_store()
    run = runs.get_run(store, run_id) if run_id else runs.unfinished_run(store)
    resumed = run is not None
    if run is None:
        run = runs.start_run(store, today, engine.name, run_id)
    started = time.perf_counter()
    names = dict(runs.linked_seasons(store))
    earlier = runs.outcomes(store, run.id)
    results: list[SeasonResult] = []
    todo = []
    for season_id, name in names.items():
        done = earlier.get(season_id)
        if done is not None and done.outcome in runs.FINAL:
            results.append(
                SeasonResult(
                    season_id=season_id,
                    name=name,
                    outcome="done before",
                    reason=f"{done.outcome} earlier in this run",
                    plan_number=done.plan_number,
                )
            )
        else:
            todo.append(season_id)
    total = len(names)
    for result in results:
        if on_result:
            on_result(result, total)
    store_id, today_iso = safe_url(default_url()), run.today.isoformat()
    answers = engine.run(store_id, run.id, todo, today_iso) if todo else []
    for answer in answers:
        result = SeasonResult.model_validate(answer)
        result.name = result.name or names.get(result.season_id, "")
        results.append(result)
        if on_result:
            on_result(result, total)
    runs.finish_run(store, run.id)
    results.sort(key=lambda r: r.season_id)
    return RunReport(
        run_id=run.id,
        today=run.today,
        engine=engine.name,
        resumed=resumed,
        results=results,
        wall_s=time.perf_counter() - started,
    )
