"""Two app replicas behind HAProxy (the committed deploy/haproxy.cfg) on one PostgreSQL store:
the load benchmark's protocol driver works through the proxy (sticky sessions keep each
athlete's websocket, upload and download on one replica), the feed answers alike from either
replica (same bytes, same ETag, a 304 from the other), and a season saved through one opens on
the other."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import requests
from protocol_client import PROTOCOL_STEPS, Client, athlete_session, run_apart
from season_data import START, WEEKS, first_plan, season_source

from planner import seasons
from planner.config import PlannerConfig
from planner.domain import AthleteProfile
from planner.store import DATABASE_URL_ENV, open_store

SESSIONS = 4
PLAN_WEEKS = 8  # short plans: this checks the path through the proxy, the benchmark times it
STICKY = "planner_replica"  # the proxy's cookie (deploy/haproxy.cfg)


@pytest.fixture(scope="module")
def deployment(postgres_server: str, tmp_path_factory: pytest.TempPathFactory):
    """(proxy URL, database URL, replica log files): two replicas and HAProxy."""
    from postgres_server import fresh_database
    from replicas import ProxyUnavailable, running_replicas

    database = fresh_database(postgres_server)
    logs = tmp_path_factory.mktemp("replicas")
    try:
        with running_replicas(2, {DATABASE_URL_ENV: database}, logs) as (proxy, _):
            yield proxy, database, [logs / "replica-1.log", logs / "replica-2.log"]
    except ProxyUnavailable as exc:
        pytest.skip(str(exc))


def page_runs(log: Path) -> int:
    return log.read_text(errors="replace").count("page run ")


def test_the_protocol_driver_runs_through_the_proxy_on_both_replicas(deployment) -> None:
    proxy, _, logs = deployment
    before = [page_runs(log) for log in logs]

    async def visits() -> list[dict[str, float]]:
        return await asyncio.gather(
            *(athlete_session(proxy, n, PLAN_WEEKS, think_s=0) for n in range(SESSIONS))
        )

    # Each session raises on an error page, a refused upload, a missing download or another
    # athlete's data: without sticky sessions, uploads reach a replica that has no such session.
    results = run_apart(visits())
    assert [sorted(r) for r in results] == [sorted(PROTOCOL_STEPS)] * SESSIONS
    served = [page_runs(log) - b for log, b in zip(logs, before, strict=True)]
    assert all(n > 0 for n in served), served  # the round robin spread the athletes


def test_the_feed_is_the_same_from_either_replica(deployment, monkeypatch) -> None:
    proxy, database, _ = deployment
    monkeypatch.setenv(DATABASE_URL_ENV, database)
    token, _ = seasons.create(
        open_store(),
        season_source(),
        name="Through the proxy",
        profile=AthleteProfile(),
        config=PlannerConfig(),
        start=START,
        weeks=WEEKS,
        plan=first_plan(),
    )
    feed = f"{proxy}/feed/{token}.ics"
    answers = []
    for _ in range(2):  # no cookie: round robin; the replicas render a second apart, as phones
        answers.append(requests.get(feed, timeout=30))  # reach them at different times
        time.sleep(1.1)
    assert {a.status_code for a in answers} == {200}
    by_replica = {a.headers["X-Planner-Replica"]: a for a in answers}
    assert sorted(by_replica) == ["app1", "app2"]
    first, second = by_replica["app1"], by_replica["app2"]
    assert first.content == second.content and first.content.startswith(b"BEGIN:VCALENDAR")
    assert first.headers["ETag"] == second.headers["ETag"]
    # A phone that polls with the ETag one replica gave gets a 304 from either.
    again = [
        requests.get(feed, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
        for _ in range(2)
    ]
    assert [a.status_code for a in again] == [304, 304]
    assert {a.headers["X-Planner-Replica"] for a in again} == {"app1", "app2"}
    assert requests.get(f"{proxy}/feed/{'x' * 32}.ics", timeout=30).status_code == 404

    async def open_twice() -> list[Client]:
        clients = [Client(proxy, query=f"season={token}") for _ in range(2)]
        for client in clients:
            await client.open()
            await client.close()
        return clients

    # The saved season opens by its link on both replicas: one store behind them.
    clients = run_apart(open_twice())
    assert {c.cookies[STICKY] for c in clients} == {"app1", "app2"}
    for client in clients:
        assert "Through the proxy" in client.page.texts()
