"""App replicas behind a real reverse proxy, for the replica test and the load benchmark: N
`streamlit run app.py` servers on one store, and Debian's HAProxy (installed with apt-get when
missing, like chromium and postgresql) running the committed `deploy/haproxy.cfg`."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from browser_app import ROOT, app_server, free_port

CONFIG = ROOT / "deploy" / "haproxy.cfg"
SERVERS_IN_CONFIG = 2
STARTUP_S = 60


class ProxyUnavailable(RuntimeError):
    pass


def ensure_haproxy() -> str:
    """The haproxy binary, installing Debian's haproxy with apt-get when missing."""
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        if shutil.which("apt-get") is None or os.geteuid() != 0:
            raise ProxyUnavailable("haproxy is missing and cannot be installed with apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "haproxy"], check=True, env=env)
        found = shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin:/usr/bin")
    if found is None:
        raise ProxyUnavailable("apt-get installed haproxy but the binary is not there")
    return found


@contextlib.contextmanager
def running_proxy(replicas: list[str], log: Path) -> Iterator[str]:
    """HAProxy with deploy/haproxy.cfg on a free port in front of `replicas` (host:port); yields
    its URL once every replica passes the health check."""
    binary = ensure_haproxy()
    if not 1 <= len(replicas) <= SERVERS_IN_CONFIG:
        raise ValueError(f"deploy/haproxy.cfg names {SERVERS_IN_CONFIG} replicas")
    servers = replicas + [replicas[-1]] * (SERVERS_IN_CONFIG - len(replicas))
    port = free_port()
    env = {**os.environ, "PLANNER_PROXY_BIND": f"127.0.0.1:{port}"}
    env.update({f"PLANNER_REPLICA_{n}": address for n, address in enumerate(servers, start=1)})
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "-db", "-f", str(CONFIG)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_replicas(url, process, len(set(servers)))
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for_replicas(url: str, process: subprocess.Popen[bytes], count: int) -> None:
    """Until the proxy answers and its round robin has reached `count` healthy replicas."""
    deadline = time.monotonic() + STARTUP_S
    seen: set[str] = set()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ProxyUnavailable(f"haproxy exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    seen.add(response.headers.get("X-Planner-Replica", ""))
                    if len(seen) >= min(count, SERVERS_IN_CONFIG):
                        return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the proxy at {url} did not reach {count} replicas in {STARTUP_S} s")


@contextlib.contextmanager
def running_replicas(
    count: int, env: dict[str, str], log_dir: Path
) -> Iterator[tuple[str, list[int]]]:
    """`count` app servers with `env` (the store's URL above all; one cookie secret shared by
    all, as docs/deploy.md says) behind the proxy; yields the proxy's URL and the servers'
    process ids."""
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(16), **env}
    log_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(app_server(log_dir / f"replica-{n}.log", env))
            for n in range(1, count + 1)
        ]
        replicas = [url.split("://", 1)[1] for url, _ in servers]
        proxy = stack.enter_context(running_proxy(replicas, log_dir / "haproxy.log"))
        yield proxy, [process.pid for _, process in servers]
