"""Where the seasons live: the database URL, the engine, and the migrations run on open.

Default: a SQLite file in the user's data directory (platformdirs), so the app needs no set-up.
`PLANNER_DATABASE_URL` points elsewhere, e.g. `postgresql://user:pass@host/db` for a shared
deployment (plain `postgresql://` and `postgres://` URLs use the psycopg 3 driver).

The data folder is made 0700 and the SQLite file (with its WAL, shared-memory and journal files,
which SQLite creates with the database file's mode) 0600: it holds the athletes' calendars.
Migrations run once, in one transaction, under a lock (a lock file beside a SQLite database, an
advisory lock on PostgreSQL): processes that open a fresh store at once wait for the first, and
a migration killed half-way leaves the last revision it committed, from which the next open
resumes. A setting that cannot work raises `StoreUnavailable` with one line that names it.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from pathlib import Path

import platformdirs
from alembic import command
from alembic.config import Config
from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from planner.store.url_cipher import KeyProblem, UrlCipher, load_cipher

log = logging.getLogger(__name__)

DATABASE_URL_ENV = "PLANNER_DATABASE_URL"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
MIGRATION_LOCK_TIMEOUT_S = 120
PG_MIGRATION_LOCK = 724514  # the advisory lock id every opener of a PostgreSQL store takes
# The tables of the store, children first: what a half-made schema of old may hold.
OUR_TABLES = ("marks", "plan_versions", "calendar_versions", "calendar_sources", "seasons")
URL_EXAMPLE = "e.g. postgresql://user:password@host:5432/seasons or sqlite:////path/seasons.sqlite3"

_open: dict[str, Store] = {}
_lock = threading.Lock()


class StoreUnavailable(RuntimeError):
    """The season store cannot be opened or used: one line naming the setting or file at fault
    and what to do. Never holds a password."""


def data_folder() -> Path:
    """The user's data folder for the planner, made private (0700) when it is ours to make."""
    folder = Path(platformdirs.user_data_dir("strength-planner", appauthor=False))
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        mode = stat.S_IMODE(folder.stat().st_mode)
        if mode & 0o077:
            folder.chmod(mode & 0o700)  # made 0755 by an older version: it holds calendars
    except OSError as exc:
        raise StoreUnavailable(
            f"the data folder {folder} cannot be made or used ({exc.strerror or exc}): make it "
            f"writable, or set {DATABASE_URL_ENV} to a database you can write"
        ) from None
    return folder


def default_url() -> str:
    """`PLANNER_DATABASE_URL`, else a SQLite file in the user's data directory."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    return f"sqlite:///{data_folder() / 'seasons.sqlite3'}"


def _driver_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _setting(explicit: bool) -> str:
    return "the database URL" if explicit else DATABASE_URL_ENV


def parse_url(url: str, *, explicit: bool = False) -> URL:
    """The URL as SQLAlchemy reads it, or StoreUnavailable naming the setting (never the URL:
    it may hold a password)."""
    setting = _setting(explicit)
    try:
        parsed = make_url(_driver_url(url))
        parsed.port  # noqa: B018 - a port that is not a number fails here, not at connect
        parsed.get_dialect().import_dbapi()  # the driver is installed
    except (NoSuchModuleError, ImportError):
        raise StoreUnavailable(
            f"{setting} names a database this planner cannot use; use PostgreSQL or SQLite, "
            f"{URL_EXAMPLE}"
        ) from None
    except (ArgumentError, ValueError, TypeError):
        raise StoreUnavailable(
            f"{setting} is not a database URL (or its host or port cannot be read); "
            f"set it like {URL_EXAMPLE}"
        ) from None
    return parsed


def safe_url(url: str) -> str:
    """The URL with its password hidden, for logs and messages."""
    try:
        return make_url(_driver_url(url)).render_as_string(hide_password=True)
    except (ArgumentError, ValueError, TypeError):
        return "(an unreadable URL)"


def _sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):
        return None  # a URI filename: the caller chose its own options
    return Path(url.database).expanduser().absolute()


def _private_sqlite_file(path: Path) -> None:
    """Make the database file 0600 before SQLite does (0644 by the umask), and tighten the
    files an older version left readable."""
    try:
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True)
        if not path.exists():
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        for companion in ("", "-wal", "-shm", "-journal"):
            part = path.with_name(path.name + companion)
            if part.exists() and stat.S_IMODE(part.stat().st_mode) & 0o077:
                part.chmod(0o600)
    except OSError as exc:
        raise StoreUnavailable(
            f"the season database {path} cannot be made or opened ({exc.strerror or exc}): "
            f"make its folder writable, or set {DATABASE_URL_ENV} to a database you can write"
        ) from None


class Store:
    """An open database: the engine, the session factory the repository uses, and the cipher of
    calendar links. A SQLite store checks on every session that its file is still the one it
    opened: a file deleted or replaced under a running server would otherwise split the seasons
    between the server (the deleted file) and the command line (a new one)."""

    def __init__(self, engine: Engine, cipher: UrlCipher, path: Path | None = None) -> None:
        self.engine = engine
        self.cipher = cipher
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.path = path
        self._identity = _identity(path) if path else None

    def check(self) -> None:
        """StoreUnavailable when the SQLite file was deleted or replaced since it was opened."""
        if self.path is None:
            return
        if _identity(self.path) != self._identity:
            raise StoreUnavailable(
                f"the season database {self.path} was deleted or replaced while this process "
                "had it open, so it no longer sees the seasons other programs see; restart the "
                "app server (and restore the file from a backup if it was deleted by mistake)"
            )

    def session(self) -> Session:
        self.check()
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # The wait first: switching to WAL takes a lock another opener may hold for a moment.
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")  # a replaced link or deleted season is wiped
    # WAL: readers (the feed) never wait for a writer (a re-plan); a commit is one fsync'd append.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_migration_connect(dbapi_connection, _record) -> None:
    # The driver's own transaction handling starts no transaction before CREATE TABLE, so each
    # table would be committed on its own: hand BEGIN to us (see the "begin" listener).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA secure_delete=ON")  # the plain links a migration replaces are wiped
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()  # foreign keys stay off: a batch migration drops and re-makes parent tables


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock for the whole migration


def _unrecorded_tables(connection: Connection) -> list[str]:
    """Tables of ours in a database without a migration record: what a migration killed under
    an older version (which committed table by table) left."""
    names = set(inspect(connection).get_table_names())
    ours = [name for name in OUR_TABLES if name in names]
    if not ours:
        return []
    if "alembic_version" in names:
        recorded = connection.execute(text("SELECT count(*) FROM alembic_version")).scalar()
        if recorded:
            return []
    return ours


def _drop_half_made_schema(connection: Connection) -> None:
    tables = _unrecorded_tables(connection)
    if not tables:
        return
    for name in tables:
        if connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar():
            raise StoreUnavailable(
                f"the season database has a '{name}' table with rows but no record of its "
                "migrations; it was not made by this planner or was changed by hand: restore it "
                f"from a backup, or set {DATABASE_URL_ENV} to another database"
            )
    if "alembic_version" in inspect(connection).get_table_names():
        tables.append("alembic_version")
    metadata = MetaData()
    metadata.reflect(connection, only=tables)
    metadata.drop_all(connection)
    log.warning("season store: dropped the empty tables of a migration killed half-way")


def _upgrade(connection: Connection, cipher: UrlCipher) -> None:
    if connection.dialect.name == "postgresql":
        # Released at commit; two processes opening a fresh database: the second waits, then
        # finds it migrated.
        connection.execute(text(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK})"))
    _drop_half_made_schema(connection)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["url_cipher"] = cipher
    command.upgrade(config, "head")


def migrate(engine: Engine, cipher: UrlCipher, path: Path | None = None) -> None:
    """Bring the schema to the newest revision in one transaction (a no-op when it is there)."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            _upgrade(connection, cipher)
        return
    lock = FileLock(f"{path}.lock", timeout=MIGRATION_LOCK_TIMEOUT_S, mode=0o600) if path else None
    migrating = create_engine(engine.url, poolclass=NullPool)
    event.listen(migrating, "connect", _sqlite_migration_connect)
    event.listen(migrating, "begin", _begin_immediate)
    try:
        if lock is not None:
            lock.acquire()
        with migrating.begin() as connection:
            _upgrade(connection, cipher)
    except Timeout:
        raise StoreUnavailable(
            f"another process has been migrating the season database {path} for "
            f"{MIGRATION_LOCK_TIMEOUT_S} s; stop it, or remove {path}.lock if no process runs"
        ) from None
    finally:
        if lock is not None and lock.is_locked:
            lock.release()
        migrating.dispose()


def _key_file(path: Path | None) -> Path:
    if path is not None:
        return path.with_name(path.name + ".key")
    return data_folder() / "calendar-links.key"


def open_store(url: str | None = None) -> Store:
    """The store at `url` (default: `default_url()`), migrated; one per URL and process.

    Raises StoreUnavailable with one line naming the setting at fault: an unreadable URL, a
    folder that cannot be written, a server that cannot be reached, a key that does not fit."""
    explicit = url is not None
    parsed = parse_url(url or default_url(), explicit=explicit)
    key = parsed.render_as_string(hide_password=False)
    with _lock:
        store = _open.get(key)
        if store is None:
            store = _open[key] = _open_new(parsed, explicit)
        store.check()
        return store


def _open_new(parsed: URL, explicit: bool) -> Store:
    path = _sqlite_file(parsed)
    if path is not None:
        _private_sqlite_file(path)
    try:
        cipher = load_cipher(_key_file(path))
    except KeyProblem as exc:
        raise StoreUnavailable(str(exc)) from None
    except OSError as exc:
        raise StoreUnavailable(
            f"the calendar-link key beside the season database cannot be made or read "
            f"({exc.strerror or exc}): make the folder writable, or set PLANNER_SECRET_KEY"
        ) from None
    engine = create_engine(parsed, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine, cipher, path)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreUnavailable(_unreachable(parsed, exc, explicit)) from None
    log.info("season store open at %s", parsed.render_as_string(hide_password=True))
    return Store(engine, cipher, path)


def _unreachable(parsed: URL, exc: SQLAlchemyError, explicit: bool) -> str:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
    where = parsed.render_as_string(hide_password=True)
    if parsed.password:
        reason = reason.replace(parsed.password, "***")
    if parsed.get_backend_name() == "sqlite":
        return (
            f"the season database {where} cannot be opened ({reason}): make its folder "
            f"writable, or set {DATABASE_URL_ENV} to a database you can write"
        )
    return (
        f"the season database {where} cannot be reached ({reason}): check that the server runs "
        f"and accepts this user, or fix {_setting(explicit)}"
    )


def close_all() -> None:
    """Dispose every open engine (tests that drop their database)."""
    with _lock:
        for store in _open.values():
            store.close()
        _open.clear()
