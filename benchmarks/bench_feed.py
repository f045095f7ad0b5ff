"""The live feed under polling, and the time to open a saved season.

Saves 100 seasons (one solved plan each, different export options), starts `streamlit run
app.py` on a free port and measures, after one warm-up request per season:
- full feed requests per second (GET /feed/TOKEN.ics, 200 with the calendar), round robin over
  the 100 seasons from a few concurrent clients;
- conditional requests per second (If-None-Match: the 304 a polling phone mostly gets);
each with the server's CPU per request (what the route costs, whatever the machine's load);
then, with AppTest, the time to open a saved season by its link in a new session (first open in
the process, and again) and the store read alone.

    PYTHONPATH=. python benchmarks/bench_feed.py [--seasons 100] [--requests 2000] [--clients 4]
    PLANNER_DATABASE_URL=postgresql://... to measure on PostgreSQL (default: a temp SQLite file)
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

import psutil  # noqa: E402
import requests  # noqa: E402
from browser_app import running_app  # noqa: E402
from season_data import START, WEEKS, first_plan, season_source  # noqa: E402

from planner.config import PlannerConfig  # noqa: E402
from planner.domain import AthleteProfile  # noqa: E402
from planner.export import ExportOptions  # noqa: E402
from planner.store import DATABASE_URL_ENV, load_season, open_store, save_season  # noqa: E402


def make_seasons(n: int) -> list[str]:
    store = open_store()
    plan = first_plan()
    tokens = []
    for i in range(n):
        token, _ = save_season(
            store,
            name=f"Athlete {i}",
            profile=AthleteProfile(),
            config=PlannerConfig(),
            export=ExportOptions(calendar_name=f"Strength plan {i}"),
            start=START,
            weeks=WEEKS,
            source=season_source(),
            plan=plan,
        )
        tokens.append(token)
    return tokens


def _server() -> psutil.Process:
    """The `streamlit run` process this benchmark started."""
    for child in psutil.Process().children(recursive=True):
        if "streamlit" in " ".join(child.cmdline()):
            return child
    raise RuntimeError("no streamlit server among this process's children")


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def rate(
    url: str, tokens: list[str], total: int, clients: int, etags: dict[str, str]
) -> tuple[float, float, float]:
    """Requests per second over `total` requests from `clients` threads, and the server's and
    the clients' CPU milliseconds per request. The clients use http.client, which costs a
    fraction of `requests`' CPU: on two cores the load generator competes with the server."""
    host, port = url.split("://", 1)[1].split(":")
    server = _server()

    def worker(k: int) -> None:
        # A new connection per request, as a phone polling every few minutes makes. (Kept-alive
        # connections to this server wait ~45 ms per request on delayed ACKs, whatever the route:
        # /_stcore/health does the same.)
        for i in range(k, total, clients):
            token = tokens[i % len(tokens)]
            headers = {"Accept-Encoding": "gzip"}  # as phone calendars ask
            if etags:
                headers["If-None-Match"] = etags[token]
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
            connection.request("GET", f"/feed/{token}.ics", headers=headers)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            assert response.status == (304 if etags else 200), response.status
            assert etags or body[:2] == b"\x1f\x8b", "not gzip"

    server_cpu, own_cpu = _cpu(server), time.process_time()
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    wall = time.perf_counter() - started
    server_ms = (_cpu(server) - server_cpu) / total * 1000
    return total / wall, server_ms, (time.process_time() - own_cpu) / total * 1000


def open_times(token: str, rounds: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    seconds = []
    for _ in range(rounds):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params["season"] = token
        started = time.perf_counter()
        at.run()
        seconds.append(time.perf_counter() - started)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seasons", type=int, default=100)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--opens", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get(DATABASE_URL_ENV):
        folder = tempfile.mkdtemp(prefix="bench-feed-")
        os.environ[DATABASE_URL_ENV] = f"sqlite:///{folder}/seasons.sqlite3"
    tokens = make_seasons(args.seasons)
    print(f"{args.seasons} seasons saved ({os.environ[DATABASE_URL_ENV].split(':', 1)[0]})")
    with running_app(Path(tempfile.mkdtemp()) / "server.log") as url:
        etags = {}
        for token in tokens:  # warm: every season's export rendered once
            etags[token] = requests.get(f"{url}/feed/{token}.ics", timeout=30).headers["etag"]
        size = len(requests.get(f"{url}/feed/{tokens[0]}.ics", timeout=30).content)
        full, full_cpu, full_client = rate(url, tokens, args.requests, args.clients, {})
        cached, cached_cpu, cached_client = rate(url, tokens, args.requests, args.clients, etags)
    print(
        f"feed, full ({size / 1024:.0f} KB each, sent gzipped): {full:.0f} requests/s, "
        f"server CPU {full_cpu:.2f} ms a request (clients {full_client:.2f} ms) "
        f"({args.clients} clients, {args.requests} requests over {args.seasons} seasons)"
    )
    print(
        f"feed, If-None-Match -> 304: {cached:.0f} requests/s, server CPU {cached_cpu:.2f} ms "
        f"a request (clients {cached_client:.2f} ms)"
    )
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores; the rates follow it, the CPU hardly)")
    store = open_store()
    reads = []
    for token in tokens[:20]:
        started = time.perf_counter()
        load_season(store, token)
        reads.append(time.perf_counter() - started)
    print(f"store read of a season: median {statistics.median(reads) * 1000:.1f} ms")
    opens = open_times(tokens[0], args.opens)
    print(
        f"open a saved season by link (AppTest run): first {opens[0]:.2f} s "
        f"(includes the solve of its settings), then median {statistics.median(opens[1:]):.2f} s"
    )


if __name__ == "__main__":
    main()
