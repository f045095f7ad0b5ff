"""Solves and re-plans in worker processes, off the interpreter that serves the app's pages.

One Python interpreter runs every session's page runs; a solve there (model building in Python,
then CP-SAT) made every other session's click wait for it. Here solves run in a pool of
processes, and the page's thread only waits (without the GIL) for the answer.

- The entry points, `solve_json` and `replan_json`, are plain functions that take and return
  JSON strings: the same text keys the app's cache, crosses the process boundary and would go to
  a Dask task. A worker keeps nothing between tasks but the shipped catalog, read once, so no
  session's state reaches another's solve and a plan is the same as an in-process solve's.
- Identical requests in flight at once share one solve (`SolvePool.submit`).
- A worker that dies (killed, out of memory) fails only its own task, with `WorkerDied`, and is
  replaced; its neighbours' solves go on (pebble's pool, unlike the standard library's, which
  breaks every task of the pool). A task past its deadline is stopped the same way: a solve's
  own time limit bounds its whole run, so the deadline (`deadline_for`) is that limit with room
  to spare, and only catches a worker that hangs.
- Start-up: workers are forked from a fork server, a clean single-threaded process that has
  imported this module (and with it the solver, OR-Tools, pydantic) once. Forking the app's own
  process is unsafe (Streamlit's threads may hold a lock at that moment, which the child would
  wait on forever); a spawned worker would import everything again (about a second each, and
  again for every replacement). Workers start with the pool (`warm`), before the first click.

`PLANNER_SOLVE_WORKERS` sets the pool size: unset, one worker per core available to this
process; 0 solves in the calling process (no pool).
"""

from __future__ import annotations

import atexit
import concurrent.futures
import concurrent.futures.process
import datetime as dt
import functools
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable

import pebble

from planner.catalog import load_catalog
from planner.config import MAX_TIME_LIMIT_S, PlannerConfig
from planner.domain import AthleteProfile, Calendar, Catalog
from planner.replan import ReplanRequest, replan
from planner.solve import plan_season

log = logging.getLogger(__name__)

WORKERS_ENV = "PLANNER_SOLVE_WORKERS"
TASKS_PER_WORKER = 500
"""A worker is replaced after this many tasks: its resident memory grows by some 3 MB every 20
solves after the first (from about 80 to 130 MB), and a fresh fork costs a few hundredths."""
TASK_TIMEOUT_S = 2.0 * MAX_TIME_LIMIT_S + 60.0
"""A task without a deadline of its own is stopped after this (the longest solve allowed, twice,
and a minute), its worker replaced."""

DIED_TEXT = (
    "The planner's worker process stopped before your plan was ready (the server may be short "
    "of memory). Nothing was lost: try again."
)
TIMED_OUT_TEXT = (
    "The planner did not answer within {seconds:.0f} s, so it was stopped. Nothing was lost: try "
    "again, or plan fewer weeks."
)

JsonTask = Callable[..., str]


class WorkerDied(RuntimeError):
    """A worker ended before its answer (killed, out of memory, timed out); the pool has
    replaced it. The message is for the athlete."""


# ----------------------------------------------------------------------------- entry points


@functools.cache
def _catalog() -> Catalog:
    """The shipped exercise catalog, read once per process."""
    return load_catalog()


def solve_json(
    calendar_json: str, profile_json: str, config_json: str, start_iso: str, weeks: int
) -> str:
    """Solve one season; every input and the plan are JSON (or plain values)."""
    plan = plan_season(
        Calendar.model_validate_json(calendar_json),
        _catalog(),
        AthleteProfile.model_validate_json(profile_json),
        PlannerConfig.model_validate_json(config_json),
        start=dt.date.fromisoformat(start_iso),
        weeks=weeks,
    )
    return plan.model_dump_json()


def replan_json(calendar_json: str, profile_json: str, config_json: str, request_json: str) -> str:
    """Re-plan from a previous plan; the request (previous plan included) is JSON too."""
    plan = replan(
        Calendar.model_validate_json(calendar_json),
        _catalog(),
        AthleteProfile.model_validate_json(profile_json),
        PlannerConfig.model_validate_json(config_json),
        ReplanRequest.model_validate_json(request_json),
    )
    return plan.model_dump_json()


def deadline_for(config_json: str) -> float:
    """Seconds a solve with this config may run in a worker before it is taken for hung: twice
    its time limit (which bounds the whole run, model build included) and a minute, for a
    machine under load."""
    return 2.0 * PlannerConfig.model_validate_json(config_json).solver.time_limit_s + 60.0


def _ready() -> int:
    """A task that only proves a worker is up (and has the catalog read)."""
    _catalog()
    return os.getpid()


# ----------------------------------------------------------------------------- the pool


def default_workers() -> int:
    """`PLANNER_SOLVE_WORKERS`, else one worker per core this process may run on."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    if text:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(
                f"{WORKERS_ENV}={text!r} is not a whole number: give the number of solve "
                "worker processes (0 solves in the app's own process)"
            ) from None
        if value < 0:
            raise ValueError(f"{WORKERS_ENV}={value} is negative: give 0 or more workers")
        return value
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _context() -> multiprocessing.context.BaseContext:
    """A fork server that has imported this module (through `planner.worker_process`, which
    also keeps the app's page script out of the workers) where there is one (Linux, macOS),
    else spawn (Windows: each worker then imports everything itself, and one started after a
    page has run re-runs the page script's imports as its main module)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["planner.worker_process"])
    return context


class SolvePool:
    """A pool of solve workers; identical requests in flight share one task."""

    def __init__(
        self,
        workers: int,
        timeout_s: float = TASK_TIMEOUT_S,
        tasks_per_worker: int = TASKS_PER_WORKER,
    ) -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.workers = workers
        self.timeout_s = timeout_s
        self.tasks_per_worker = tasks_per_worker
        self._lock = threading.Lock()
        self._in_flight: dict[tuple, concurrent.futures.Future[str]] = {}
        self._pool = self._new_pool()

    def _new_pool(self) -> pebble.ProcessPool:
        return pebble.ProcessPool(
            max_workers=self.workers, max_tasks=self.tasks_per_worker, context=_context()
        )

    def warm(self) -> list[int]:
        """Start the pool now (pebble starts all its workers with it) and wait for an answer
        from it per worker: the first solves do not pay for the start. Returns the process ids
        that answered."""
        with self._lock:
            futures = [self._schedule(_ready, ()) for _ in range(self.workers)]
        return [future.result() for future in futures]

    def _schedule(
        self, function: Callable, args: tuple, deadline_s: float | None = None
    ) -> concurrent.futures.Future:
        """Hand a task to the pool (the caller holds the lock); a pool that broke as a whole
        (pebble stops it when its workers cannot start) is replaced by a new one."""
        timeout = deadline_s or self.timeout_s
        try:
            return self._pool.schedule(function, args, timeout=timeout)
        except RuntimeError:
            log.warning("the solve pool had stopped; starting a new one")
            broken, self._pool = self._pool, self._new_pool()
            broken.stop()
            return self._pool.schedule(function, args, timeout=timeout)

    def submit(
        self, function: JsonTask, *args: str | int, deadline_s: float | None = None
    ) -> concurrent.futures.Future[str]:
        """`function(*args)` in a worker, stopped after `deadline_s` (default: the pool's
        timeout); the same call already in flight is not run twice."""
        key = (function.__module__, function.__qualname__, *args)
        with self._lock:
            future = self._in_flight.get(key)
            if future is None:
                future = self._schedule(function, args, deadline_s)
                self._in_flight[key] = future
        future.add_done_callback(functools.partial(self._forget, key))
        return future

    def _forget(self, key: tuple, future: concurrent.futures.Future[str]) -> None:
        with self._lock:
            if self._in_flight.get(key) is future:
                del self._in_flight[key]

    def run(self, function: JsonTask, *args: str | int, deadline_s: float | None = None) -> str:
        """`function(*args)` in a worker, waiting for its answer; WorkerDied if it died or ran
        past `deadline_s`."""
        try:
            return self._answer(self.submit(function, *args, deadline_s=deadline_s))
        except concurrent.futures.process.BrokenProcessPool as error:
            # The pool broke around this task, not in it: pebble stops a whole pool when a
            # worker ends while none is running a task (killed while idle). The task never ran,
            # so it goes once more, to the new pool that this submit starts.
            log.warning("the solve pool broke (%s); asking a new one", error)
        try:
            return self._answer(self.submit(function, *args, deadline_s=deadline_s))
        except concurrent.futures.process.BrokenProcessPool as error:
            raise WorkerDied(DIED_TEXT) from error

    def _answer(self, future: concurrent.futures.Future[str]) -> str:
        try:
            return future.result()
        except pebble.ProcessExpired as error:
            log.error("a solve worker died (exit code %s); it was replaced", error.exitcode)
            raise WorkerDied(DIED_TEXT) from error
        except concurrent.futures.TimeoutError as error:
            seconds = error.args[1] if len(error.args) > 1 else self.timeout_s  # pebble's
            log.error("a solve ran past %.0f s; its worker was stopped", seconds)
            raise WorkerDied(TIMED_OUT_TEXT.format(seconds=seconds)) from error

    def close(self) -> None:
        """Stop the workers (tasks still running end with them)."""
        self._pool.stop()
        self._pool.join()


_shared: SolvePool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> SolvePool | None:
    """This process's pool, started on first use with `default_workers()` workers; None when
    that is 0 (solve in this process)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            workers = default_workers()
            if workers == 0:
                return None
            _shared = SolvePool(workers)
            atexit.register(close_shared_pool)
            log.info("solve pool: %d worker processes", workers)
        return _shared


def close_shared_pool() -> None:
    global _shared
    with _shared_lock:
        pool, _shared = _shared, None
    if pool is not None:
        pool.close()


def run(function: JsonTask, *args: str | int, deadline_s: float | None = None) -> str:
    """`function(*args)` in the shared pool (stopped after `deadline_s`), or right here when
    the pool has no workers."""
    pool = shared_pool()
    return function(*args) if pool is None else pool.run(function, *args, deadline_s=deadline_s)
