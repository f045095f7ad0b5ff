"""Concurrent sessions on the real server (the load benchmark's path, without its timing): every
step completes without an error and each athlete only ever sees their own calendar and plan."""

from __future__ import annotations

import asyncio

from protocol_client import PROTOCOL_STEPS, athlete_session, run_apart

SESSIONS = 3
WEEKS = 8  # short plans: the test checks behaviour under concurrency, the benchmark times it


def test_concurrent_sessions_complete_and_stay_apart(app_url: str) -> None:
    async def visits() -> list[dict[str, float]]:
        return await asyncio.gather(
            *(athlete_session(app_url, n, WEEKS, think_s=0) for n in range(SESSIONS))
        )

    # A session that saw an error or another athlete's data raises.
    results = run_apart(visits())
    assert [sorted(r) for r in results] == [sorted(PROTOCOL_STEPS)] * SESSIONS
    assert all(seconds > 0 for r in results for seconds in r.values())
