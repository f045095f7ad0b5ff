"""Where the seasons live: the database URL, the engine, and the migrations run on open.

Default: a SQLite file in the user's data directory (platformdirs), so the app needs no set-up.
`PLANNER_DATABASE_URL` points elsewhere, e.g. `postgresql://user:pass@host/db` for a shared
deployment (plain `postgresql://` and `postgres://` URLs use the psycopg 3 driver).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import platformdirs
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

DATABASE_URL_ENV = "PLANNER_DATABASE_URL"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000

_open: dict[str, Store] = {}
_lock = threading.Lock()


def default_url() -> str:
    """`PLANNER_DATABASE_URL`, else a SQLite file in the user's data directory."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    folder = Path(platformdirs.user_data_dir("strength-planner", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'seasons.sqlite3'}"


def _driver_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def safe_url(url: str) -> str:
    """The URL with its password hidden, for logs and messages."""
    return make_url(_driver_url(url)).render_as_string(hide_password=True)


class Store:
    """An open database: the engine and the session factory the repository uses."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL: readers (the feed) never wait for a writer (a re-plan); a commit is one fsync'd append.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it is there already)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str | None = None) -> Store:
    """The store at `url` (default: `default_url()`), migrated; one per URL and process."""
    url = _driver_url(url or default_url())
    with _lock:
        store = _open.get(url)
        if store is None:
            engine = create_engine(url, pool_pre_ping=True)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            migrate(engine)
            log.info("season store open at %s", safe_url(url))
            store = _open[url] = Store(engine)
        return store


def close_all() -> None:
    """Dispose every open engine (tests that drop their database)."""
    with _lock:
        for store in _open.values():
            store.close()
        _open.clear()
