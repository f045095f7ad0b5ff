"""A throwaway PostgreSQL server for the store tests: Debian's `postgresql` (installed with
apt-get when missing, like chromium for the browser tests), initdb into a temp dir, started on a
free loopback port, stopped and removed afterwards."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from browser_app import free_port


class PostgresUnavailable(RuntimeError):
    pass


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def ensure_postgres() -> Path:
    """The directory holding initdb and pg_ctl, installing Debian's postgresql when missing."""
    if _bin_dir() is None:
        if shutil.which("apt-get") is None or os.geteuid() != 0:
            raise PostgresUnavailable("postgresql is missing and cannot be installed with apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "postgresql"], check=True, env=env)
    found = _bin_dir()
    if found is None:
        raise PostgresUnavailable("apt-get installed postgresql but initdb is not there")
    return found


def _as_server_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def running_postgres() -> Iterator[str]:
    """A fresh server; yields the URL of its `postgres` database (trust auth on loopback)."""
    bin_dir = ensure_postgres()
    data = Path(tempfile.mkdtemp(prefix="planner-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    pg_ctl = str(bin_dir / "pg_ctl")
    subprocess.run(
        _as_server_user([str(bin_dir / "initdb"), "-D", str(data / "db"), "-A", "trust",
                         "-U", "postgres", "-E", "UTF8"]),
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=on"
    subprocess.run(
        _as_server_user([pg_ctl, "-D", str(data / "db"), "-o", options, "-l",
                         str(data / "server.log"), "-w", "-t", "60", "start"]),
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data / "db"), "-m", "immediate", "stop"]),
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(data, ignore_errors=True)


def fresh_database(server_url: str) -> str:
    """A new empty database on the server; its URL."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name
