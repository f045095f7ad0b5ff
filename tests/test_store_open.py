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
    assert set(inspect(store.engine).get_table_names()) >= TABLES
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
            context.Process(target=_open_once, args=(url, barrier, errors)) for _ in range(OPENERS)
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


# ----------------------------------------------------------------------------- at rest

SECRET = "token=s3cr3t-query-9f2d"


def _linked_source(url: str):
    from season_data import season_source

    return season_source().model_copy(update={"url": url})


def _save_linked(store, url: str) -> str:
    from season_data import START, WEEKS, first_plan

    from planner.config import PlannerConfig
    from planner.domain import AthleteProfile
    from planner.export import ExportOptions
    from planner.store import save_season

    token, _ = save_season(
        store, name="Linked", profile=AthleteProfile(), config=PlannerConfig(),
        export=ExportOptions(), start=START, weeks=WEEKS, source=_linked_source(url),
        plan=first_plan(),
    )  # fmt: skip
    return token


def _raw(path: Path) -> bytes:
    return b"".join(
        part.read_bytes() for part in (path, path.with_name(path.name + "-wal")) if part.exists()
    )


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    import platformdirs

    from planner.store.database import DATABASE_URL_ENV
    from planner.store.url_cipher import SECRET_KEY_ENV

    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.delenv(SECRET_KEY_ENV, raising=False)
    folder = tmp_path / "data"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(folder))
    yield folder
    close_all()


def test_the_default_store_is_private_and_keeps_no_link_readable(data_dir: Path) -> None:
    url = f"https://athlete:pw-77@calendar.example.org/private/feed.ics?{SECRET}"
    store = open_store()
    token = _save_linked(store, url)
    database = data_dir / "seasons.sqlite3"
    assert oct(data_dir.stat().st_mode & 0o777) == oct(0o700)
    made = [database, *(database.with_name(database.name + s) for s in ("-wal", "-shm", ".key"))]
    for path in made:
        assert path.exists(), path
        assert oct(path.stat().st_mode & 0o777) == oct(0o600), path
    raw = _raw(database)
    for secret in (SECRET, "pw-77", "/private/feed.ics"):
        assert secret.encode() not in raw
    assert load_season(store, token).source.url == url  # the store's key opens it again


def test_an_older_store_is_made_private_and_its_links_sealed(data_dir: Path) -> None:
    """A folder and file an older version made 0755/0644, with a link stored in plain text."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    from planner.store import tokens
    from planner.store.database import MIGRATIONS

    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    database = data_dir / "seasons.sqlite3"
    engine = create_engine(f"sqlite:///{database}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    url = f"https://calendar.example.org/ical/feed.ics?{SECRET}"
    token = tokens.new_token()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        _insert_old_season(connection, tokens.token_hash(token), url)
    with engine.connect() as connection:
        connection.execute(sql("PRAGMA journal_mode=WAL"))
        connection.commit()
    engine.dispose()
    database.chmod(0o644)
    assert SECRET.encode() in _raw(database)

    store = open_store()
    assert oct(data_dir.stat().st_mode & 0o777) == oct(0o700)
    assert oct(database.stat().st_mode & 0o777) == oct(0o600)
    assert SECRET.encode() not in _raw(database)  # sealed, and the old pages wiped
    assert load_season(store, token).source.url == url


def _insert_old_season(connection, digest: str, url: str) -> None:  # noqa: ANN001
    import datetime as dt

    from season_data import START, WEEKS, first_plan_json, season_ics
    from sqlalchemy import text as sql

    from planner.config import PlannerConfig
    from planner.domain import AthleteProfile
    from planner.export import ExportOptions

    now = dt.datetime.now(dt.UTC)
    connection.execute(
        sql(
            "INSERT INTO seasons (id, token_hash, uid_scope, name, sport, profile_json, "
            "config_json, export_json, start, weeks, created_at, updated_at, version) VALUES "
            "(1, :digest, 'abcdef0123456789', 'Old', 'ride', :profile, :config, :export, "
            ":start, :weeks, :now, :now, 1)"
        ),
        dict(digest=digest, profile=AthleteProfile().model_dump_json(),
             config=PlannerConfig().model_dump_json(), export=ExportOptions().model_dump_json(),
             start=START, weeks=WEEKS, now=now),
    )  # fmt: skip
    connection.execute(
        sql(
            "INSERT INTO calendar_sources (season_id, filename, url, data) "
            "VALUES (1, 'calendar.ics', :url, :data)"
        ),
        dict(url=url, data=season_ics()),
    )
    connection.execute(
        sql(
            "INSERT INTO plan_versions (season_id, number, origin, plan_json, request_json, "
            "created_at) VALUES (1, 1, 'first plan', :plan, '', :now)"
        ),
        dict(plan=first_plan_json(), now=now),
    )


def test_links_are_sealed_on_postgresql_too(database_url: str) -> None:
    from sqlalchemy import text as sql

    store = open_store(database_url)
    url = f"https://calendar.example.org/ical/feed.ics?{SECRET}"
    token = _save_linked(store, url)
    with store.engine.connect() as connection:
        stored = connection.execute(sql("SELECT url_sealed FROM calendar_sources")).scalar()
    assert stored.startswith("fernet:") and SECRET not in stored
    assert load_season(store, token).source.url == url


def test_a_shared_key_in_the_environment_opens_links_on_every_replica(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.fernet import Fernet

    from planner.store.url_cipher import SECRET_KEY_ENV

    monkeypatch.setenv(SECRET_KEY_ENV, Fernet.generate_key().decode())
    database = tmp_path / "shared.sqlite3"
    url = f"https://calendar.example.org/feed.ics?{SECRET}"
    token = _save_linked(open_store(f"sqlite:///{database}"), url)
    assert not database.with_name(database.name + ".key").exists()
    close_all()
    assert load_season(open_store(f"sqlite:///{database}"), token).source.url == url
    close_all()
    monkeypatch.setenv(SECRET_KEY_ENV, Fernet.generate_key().decode())  # a different key
    season = load_season(open_store(f"sqlite:///{database}"), token)
    assert season.source.url is None and season.source.url_unreadable
    close_all()


# ----------------------------------------------------------------------------- bad settings

BAD_URLS = ["notaurl", "postgresql://[::1", "host:notaport", "postgresql://u:pw-5@db:x/s",
            "oracle://scott:tiger@db/s"]  # fmt: skip


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_database_url_that_cannot_work_is_one_line_exit_2(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from planner.cli import app
    from planner.store.database import DATABASE_URL_ENV

    monkeypatch.setenv(DATABASE_URL_ENV, url)
    result = CliRunner().invoke(app, ["season", "list"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert DATABASE_URL_ENV in lines[0] and "Traceback" not in result.output
    assert "pw-5" not in result.output and "tiger" not in result.output


def test_an_unreachable_server_is_one_line_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from typer.testing import CliRunner

    from planner.cli import app
    from planner.store.database import DATABASE_URL_ENV

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(DATABASE_URL_ENV, f"postgresql://planner:pw-6@127.0.0.1:{port}/seasons")
    result = CliRunner().invoke(app, ["season", "list"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "cannot be reached" in lines[0] and DATABASE_URL_ENV in lines[0]
    assert "pw-6" not in result.output


def _open_read_only(folder: str, errors) -> None:  # noqa: ANN001
    if os.geteuid() == 0:  # root writes anywhere: act as nobody, whom the folder refuses
        os.setgid(65534)
        os.setuid(65534)
    try:
        open_store()
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        errors.put(f"{type(exc).__name__}: {exc}")
        raise SystemExit(1) from None
    errors.put("opened")


def test_a_read_only_data_folder_is_one_line(data_dir: Path) -> None:
    import tempfile

    from planner.store.database import StoreUnavailable, parse_url

    # As nobody the child cannot import from root's Python: what it needs is imported here.
    parse_url("sqlite:////tmp/warm.sqlite3")
    base = Path(tempfile.mkdtemp(prefix="planner-ro-"))
    try:
        base.chmod(0o755)
        folder = base / "data"
        folder.mkdir(mode=0o500)
        if os.geteuid() == 0:
            os.chown(folder, 65534, 65534)
        import platformdirs

        platformdirs.user_data_dir = lambda *a, **k: str(folder)  # the fork inherits it
        context = multiprocessing.get_context("fork")
        errors = context.Queue()
        child = context.Process(target=_open_read_only, args=(str(folder), errors))
        child.start()
        child.join(timeout=60)
        message = errors.get(timeout=5)
    finally:
        (base / "data").chmod(0o700)
        import shutil

        shutil.rmtree(base, ignore_errors=True)
    assert message.startswith(StoreUnavailable.__name__), message
    assert str(folder) in message and "writable" in message and "\n" not in message


def test_a_bad_secret_key_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.store.database import StoreUnavailable
    from planner.store.url_cipher import SECRET_KEY_ENV

    monkeypatch.setenv(SECRET_KEY_ENV, "not-a-key")
    with pytest.raises(StoreUnavailable, match=SECRET_KEY_ENV):
        open_store(f"sqlite:///{tmp_path / 'k.sqlite3'}")


# ----------------------------------------------------------------------------- split brain


def test_a_database_file_deleted_under_a_running_server_is_said(tmp_path: Path) -> None:
    from planner.store.database import StoreUnavailable

    database = tmp_path / "seasons.sqlite3"
    store = open_store(f"sqlite:///{database}")
    token = _save_linked(store, "https://calendar.example.org/feed.ics")
    for part in tmp_path.glob("seasons.sqlite3*"):
        if not part.name.endswith(".key"):
            part.unlink()
    # Another program (the command line) makes a new, empty store at the same path.
    with pytest.raises(StoreUnavailable, match="deleted or replaced"):
        load_season(store, token)
    with pytest.raises(StoreUnavailable, match="restart"):
        open_store(f"sqlite:///{database}")
