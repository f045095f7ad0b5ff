"""Issue 21: solves and re-plans in worker processes (planner/workers.py).

The pool's plans are the in-process solve's, identical requests in flight share one task, a
worker keeps nothing of one request for the next, and a worker that dies fails only its own task
with a plain message while the pool replaces it.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner import workers
from planner.config import PlannerConfig
from planner.domain import AthleteProfile
from planner.importers import load_demo
from planner.plan import Plan, Status
from planner.replan import ReplanRequest

START = dt.date(2026, 11, 30)
WEEKS = 8


def solve_args(weeks: int = WEEKS, profile: AthleteProfile | None = None) -> tuple:
    return (
        load_demo(START).model_dump_json(),
        (profile or AthleteProfile()).model_dump_json(),
        PlannerConfig().model_dump_json(),
        START.isoformat(),
        weeks,
    )


def same_plan(a: str, b: str) -> bool:
    """Equal but for the wall-clock seconds the solve took."""
    first, second = json.loads(a), json.loads(b)
    first.pop("solve_seconds"), second.pop("solve_seconds")
    return first == second


@pytest.fixture(scope="module")
def pool() -> Iterator[workers.SolvePool]:
    pool = workers.SolvePool(2)
    pool.warm()
    yield pool
    pool.close()


# Run in a worker, found there by module name (this file's folder is on the workers' path).


def _die(*_args: object) -> str:
    os.kill(os.getpid(), signal.SIGKILL)
    return ""


def _slow_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _main_name() -> str:
    return str(getattr(sys.modules.get("__mp_main__"), "__file__", ""))


# ----------------------------------------------------------------------------- plans


def test_a_pool_solve_is_the_in_process_solve(pool: workers.SolvePool) -> None:
    args = solve_args()
    in_pool = pool.run(workers.solve_json, *args)
    assert Plan.model_validate_json(in_pool).status == Status.optimal
    assert same_plan(in_pool, workers.solve_json(*args))


def test_a_pool_replan_is_the_in_process_replan(pool: workers.SolvePool) -> None:
    calendar, profile, config, _, _ = solve_args()
    previous = Plan.model_validate_json(workers.solve_json(*solve_args()))
    first = previous.sessions[2].date
    request = ReplanRequest(previous=previous, today=START + dt.timedelta(days=7), blocks=[first])
    args = (calendar, profile, config, request.model_dump_json())
    in_pool = pool.run(workers.replan_json, *args)
    replanned = Plan.model_validate_json(in_pool)
    assert replanned.status == Status.optimal and replanned.session_on(first) is None
    assert same_plan(in_pool, workers.replan_json(*args))


def test_a_worker_keeps_nothing_of_one_request_for_the_next() -> None:
    """One worker solves A, then B, then A again: the second A is the first, and B is what it
    is when solved alone (in this process)."""
    alone = workers.SolvePool(1)
    try:
        a, b = solve_args(), solve_args(weeks=6, profile=AthleteProfile(experience="novice"))
        first = alone.run(workers.solve_json, *a)
        second = alone.run(workers.solve_json, *b)
        again = alone.run(workers.solve_json, *a)
        assert len(set(alone.warm())) == 1  # all on one worker process
    finally:
        alone.close()
    assert same_plan(first, again)
    assert same_plan(second, workers.solve_json(*b))


def test_identical_requests_in_flight_share_one_task(pool: workers.SolvePool) -> None:
    args = solve_args(weeks=7)
    first = pool.submit(workers.solve_json, *args)
    second = pool.submit(workers.solve_json, *args)
    other = pool.submit(workers.solve_json, *solve_args(weeks=6))
    assert first is second and other is not first
    assert first.result() == second.result()
    other.result()


def test_requests_from_many_threads_share_one_solve(pool: workers.SolvePool) -> None:
    """Ten sessions asking for the same plan at once get one answer from one task."""
    args = solve_args(weeks=5)
    futures = []
    barrier = threading.Barrier(10)

    def ask() -> None:
        barrier.wait()
        futures.append(pool.submit(workers.solve_json, *args))

    threads = [threading.Thread(target=ask) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(f) for f in futures}) == 1
    Plan.model_validate_json(futures[0].result())


# ----------------------------------------------------------------------------- failures


def test_a_dead_worker_fails_only_its_own_task_and_is_replaced(pool: workers.SolvePool) -> None:
    neighbour = pool.submit(_slow_pid, 1.0)  # busy on the other worker meanwhile
    time.sleep(0.2)
    with pytest.raises(workers.WorkerDied) as died:
        pool.run(_die)
    assert str(died.value) == workers.DIED_TEXT
    assert "Traceback" not in str(died.value)
    dead = died.value.__cause__.pid
    assert neighbour.result() != dead  # the neighbour's task was not lost
    plan = pool.run(workers.solve_json, *solve_args(weeks=4))  # the pool works again
    assert Plan.model_validate_json(plan).status == Status.optimal
    # with its two workers, a new process in the dead one's place
    both = [pool.submit(_slow_pid, 0.5 + i / 100) for i in range(2)]
    pids = {future.result() for future in both}
    assert len(pids) == 2 and dead not in pids


def test_a_worker_past_the_deadline_is_stopped() -> None:
    pool = workers.SolvePool(1, timeout_s=1.0)
    try:
        with pytest.raises(workers.WorkerDied, match="did not answer within 1 s"):
            pool.run(_slow_pid, 30.0)
        with pytest.raises(workers.WorkerDied, match="did not answer within 2 s"):
            pool.run(_slow_pid, 30.0, deadline_s=2.0)  # a task's own deadline
        assert pool.run(_slow_pid, 0.0) > 0  # replaced
    finally:
        pool.close()


def test_a_solves_deadline_follows_its_time_limit() -> None:
    """A solve may take its whole time limit (up to 600 s) without being taken for hung."""
    config = PlannerConfig.model_validate({"solver": {"time_limit_s": 600}})
    assert workers.deadline_for(config.model_dump_json()) > 600
    assert workers.deadline_for(PlannerConfig().model_dump_json()) == 2 * 10 + 60
    assert workers.TASK_TIMEOUT_S > 600


def test_workers_do_not_run_the_apps_page_script(tmp_path: Path, monkeypatch) -> None:
    """Once a page has run, Streamlit's `__main__` is app.py; a worker started then must not
    run it (multiprocessing re-creates the parent's main module in each new process)."""
    marker = tmp_path / "ran"
    script = tmp_path / "page_script.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    pool = workers.SolvePool(1)
    try:
        assert pool.run(_main_name) != str(script)
    finally:
        pool.close()
    assert not marker.exists()


# ----------------------------------------------------------------------------- the setting


def test_pool_size_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(workers.WORKERS_ENV, "3")
    assert workers.default_workers() == 3
    monkeypatch.setenv(workers.WORKERS_ENV, "0")
    assert workers.default_workers() == 0
    monkeypatch.delenv(workers.WORKERS_ENV)
    assert workers.default_workers() == len(os.sched_getaffinity(0))
    for bad in ("two", "-1"):
        monkeypatch.setenv(workers.WORKERS_ENV, bad)
        with pytest.raises(ValueError, match=workers.WORKERS_ENV):
            workers.default_workers()


def test_no_workers_solves_in_process(monkeypatch) -> None:
    monkeypatch.setenv(workers.WORKERS_ENV, "0")
    monkeypatch.setattr(workers, "_shared", None)
    assert workers.shared_pool() is None
    assert workers.run(_slow_pid, 0.0) == os.getpid()  # ran here, not in a worker


def _frozen() -> int:
    return gc.get_freeze_count()


def test_workers_start_with_the_solver_imported_and_frozen(pool: workers.SolvePool) -> None:
    """Forked from a fork server that imported the solver and froze it out of the collector's
    sight: a worker's full collections skip those objects and leave their pages shared."""
    assert pool.run(_frozen) > 10_000


def test_a_worker_killed_while_idle_costs_no_request() -> None:
    """pebble stops a whole pool when a worker ends while no task runs; the request that meets
    that pool runs on a new one."""
    alone = workers.SolvePool(1)
    try:
        os.kill(alone.warm()[0], signal.SIGKILL)
        assert alone.run(_slow_pid, 0.0) > 0  # at once, before the pool noticed
        time.sleep(0.3)  # and after it did
        plan = alone.run(workers.solve_json, *solve_args(weeks=4))
        assert Plan.model_validate_json(plan).status == Status.optimal
    finally:
        alone.close()


def test_a_worker_is_replaced_after_its_share_of_tasks() -> None:
    """Its memory grows with the solves it ran; a new fork starts afresh."""
    pool = workers.SolvePool(1, tasks_per_worker=2)
    try:
        pids = [pool.run(_slow_pid, 0.0) for _ in range(3)]
    finally:
        pool.close()
    assert pids[0] == pids[1] != pids[2]
