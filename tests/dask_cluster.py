"""A real Dask cluster on this machine for the batch refresh's test and benchmark: `dask
scheduler` and N `dask worker` processes (one thread each), on free loopback ports, with the
planner on their path and the environment they are given (the store's URL above all)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from browser_app import ROOT, free_port

STARTUP_S = 90


class DaskUnavailable(RuntimeError):
    pass


@contextlib.contextmanager
def running_dask(workers: int, env: dict[str, str], log_dir: Path) -> Iterator[str]:
    """Yields the scheduler's address, tcp://127.0.0.1:PORT, once `workers` workers joined."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise DaskUnavailable("Dask's distributed package is not installed") from exc
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    dask = [sys.executable, "-m", "dask"]
    processes: list[subprocess.Popen[bytes]] = []
    log_dir.mkdir(parents=True, exist_ok=True)

    def start(name: str, command: list[str]) -> None:
        with (log_dir / f"{name}.log").open("wb") as out:
            processes.append(
                subprocess.Popen(
                    command, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT
                )
            )

    try:
        start("scheduler", [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                            "--no-dashboard"])  # fmt: skip
        for n in range(workers):
            start(f"worker-{n}", [*dask, "worker", address, "--nthreads", "1", "--nworkers",
                                  "1", "--no-dashboard", "--name", f"w{n}",
                                  "--host", "127.0.0.1"])  # fmt: skip
        with Client(address, timeout=f"{STARTUP_S}s") as client:
            client.wait_for_workers(workers, timeout=STARTUP_S)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
