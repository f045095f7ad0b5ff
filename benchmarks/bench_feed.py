"""The live feed under polling, and the time to open a saved season.

Saves 100 seasons (one solved plan each, different export options), starts `streamlit run
app.py` on a free port and measures, after one warm-up request per season:
- full feed requests per second (GET /feed/TOKEN.ics, 200 with the calendar), round robin over
  the 100 seasons from a few concurrent clients;
- conditional requests per second (If-None-Match: the 304 a polling phone mostly gets);
then, with AppTest, the time to open a saved season by its link in a new session (first open in
the process, and again) and the store read alone.

    PYTHONPATH=. python benchmarks/bench_feed.py [--seasons 100] [--requests 2000] [--clients 4]
    PLANNER_DATABASE_URL=postgresql://... to measure on PostgreSQL (default: a temp SQLite file)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

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


def rate(url: str, tokens: list[str], total: int, clients: int, etags: dict[str, str]) -> float:
    """Requests per second over `total` requests from `clients` threads."""

    def worker(k: int) -> None:
        # A new connection per request, as a phone polling every few minutes makes. (Kept-alive
        # connections to this server wait ~45 ms per request on delayed ACKs, whatever the route:
        # /_stcore/health does the same.)
        for i in range(k, total, clients):
            token = tokens[i % len(tokens)]
            headers = {"If-None-Match": etags[token]} if etags else {}
            response = requests.get(f"{url}/feed/{token}.ics", headers=headers, timeout=30)
            assert response.status_code == (304 if etags else 200), response.status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    return total / (time.perf_counter() - started)


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
        full = rate(url, tokens, args.requests, args.clients, {})
        cached = rate(url, tokens, args.requests, args.clients, etags)
    print(
        f"feed, full ({size / 1024:.0f} KB each): {full:.0f} requests/s "
        f"({args.clients} clients, {args.requests} requests over {args.seasons} seasons)"
    )
    print(f"feed, If-None-Match -> 304: {cached:.0f} requests/s")
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
