"""Opening the season store: migrations that run once under a lock and survive a kill, the
files' permissions, settings that cannot work, and a database file deleted under a server."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import inspect

from planner.store import load_season, open_store
from planner.store.database import close_all

ROOT = Path(__file__).resolve().parent.parent
TABLES = {"seasons", "calendar_sources", "plan_versions", "marks", "alembic_version"}


def _head() -> str:
    from alembic.script import ScriptDirectory

    from planner.store.database import MIGRATIONS

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _at_head(url: str) -> None:
    store = open_store(url)
    assert TABLES <= set(inspect(store.engine).get_table_names())
    with store.engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    assert versions == [_head()]


# ----------------------------------------------------------------------------- migrations

KILL_IN_MIGRATION = textwrap.dedent(
    """
    import os, signal, sys
    from alembic.operations import Operations

    made = []
    create_table = Operations.create_table

    def dying_create_table(self, *args, **kwargs):
        made.append(args[0])
        if len(made) == 3:  # two tables of the first revision are made: die like a kill -9
            os.kill(os.getpid(), signal.SIGKILL)
        return create_table(self, *args, **kwargs)

    Operations.create_table = dying_create_table
    from planner.store import open_store
    open_store(sys.argv[1])
    """
)


def test_a_store_killed_in_its_first_migration_opens_afterwards(database_url: str) -> None:
    from season_data import START, WEEKS, first_plan, season_source

    from planner import seasons
    from planner.config import PlannerConfig
    from planner.domain import AthleteProfile

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run(
        [sys.executable, "-c", KILL_IN_MIGRATION, database_url],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    _at_head(database_url)  # the migration starts again from where it was last committed
    store = open_store(database_url)
    token, _ = seasons.create(
        store, season_source(), name="After the kill", profile=AthleteProfile(),
        config=PlannerConfig(), start=START, weeks=WEEKS, plan=first_plan(),
    )  # fmt: skip
    assert load_season(store, token).name == "After the kill"


def _open_once(url: str, barrier, errors) -> None:  # noqa: ANN001 - multiprocessing objects
    try:
        barrier.wait(timeout=60)
        open_store(url)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        errors.put(f"{type(exc).__name__}: {exc}"[:300])
        raise SystemExit(1) from None
    raise SystemExit(0)


ROUNDS = 4
OPENERS = 4


def test_four_processes_opening_a_fresh_store_at_once_all_succeed(
    database_url: str, postgres_server_or_none, tmp_path: Path
) -> None:
    """Each round a fresh, empty database and four processes released at the same moment."""
    context = multiprocessing.get_context("fork")
    failures: list[str] = []
    for round_ in range(ROUNDS):
        url = _fresh(database_url, postgres_server_or_none, tmp_path, round_)
        barrier, errors = context.Barrier(OPENERS), context.Queue()
        processes = [
            context.Process(target=_open_once, args=(url, barrier, errors))
            for _ in range(OPENERS)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=120)
        codes = [process.exitcode for process in processes]
        while not errors.empty():
            failures.append(errors.get())
        failures += [f"round {round_}: exit {code}" for code in codes if code != 0]
        _at_head(url)
        close_all()
    assert failures == [], failures


def _fresh(database_url: str, server: str | None, tmp_path: Path, n: int) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / f'fresh-{n}.sqlite3'}"
    from postgres_server import fresh_database

    assert server is not None
    return fresh_database(server)


@pytest.fixture
def postgres_server_or_none(request: pytest.FixtureRequest, database_url: str) -> str | None:
    if database_url.startswith("sqlite"):
        return None
    return request.getfixturevalue("postgres_server")


def test_a_half_made_schema_from_an_older_version_is_made_again(tmp_path: Path) -> None:
    """Versions before the locked migration could leave tables without a revision when killed;
    such a store holds no season yet, so it is emptied and migrated from the start."""
    import sqlite3

    path = tmp_path / "seasons.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE seasons (id INTEGER PRIMARY KEY)")
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    _at_head(f"sqlite:///{path}")
