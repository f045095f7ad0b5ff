"""SIGKILL the app server in the middle of a re-plan, start it again: the season opens with its
last committed plan and marks, and the feed serves that plan (SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
import requests
from browser_app import ROOT, _wait_until_healthy, free_port
from protocol_client import Client, run_apart
from season_data import START, feed_stamp

from planner import seasons
from planner.clock import TODAY_ENV
from planner.config import PlannerConfig
from planner.domain import AthleteProfile
from planner.export import export_ical
from planner.importers import load_demo
from planner.store import DATABASE_URL_ENV, Source, load_season, open_store
from planner.ui import state
from planner.ui.text import md_escape

pytest.importorskip("websockets")
# The season is dated: the server's "today" is its start, so its days are ahead (blockable)
# whatever the real date.
TODAY = START.isoformat()
WEEKS = 22  # the demo season: a re-plan long enough to be caught in the middle


@contextlib.contextmanager
def app_server(log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false"]  # fmt: skip
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), TODAY_ENV: TODAY},
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)


def _demo_season(store) -> str:
    calendar = load_demo(START)
    data = resources.files("planner").joinpath("data/demo_season.ics").read_bytes()
    source = Source(filename="demo_season.ics", data=data, calendar_json=calendar.model_dump_json())
    token, _ = seasons.create(
        store, source, name="Killed mid re-plan", profile=AthleteProfile(),
        config=PlannerConfig(), start=START, weeks=WEEKS,
    )  # fmt: skip
    return token


async def _mark_then_replan_and_kill(url: str, token: str, process) -> str:
    client = Client(url, query=f"season={token}")
    await client.open()
    assert md_escape("Killed mid re-plan") in client.page.texts()
    day = next(o for o in client.page.widget(state.DAY).options if "· strength" in o)
    await client.select(state.DAY, day)
    await client.click("mark_block")  # saved at once
    # Kill as soon as the server has started the re-plan's run: a fixed sleep let a fast
    # re-plan commit before the kill, or killed a loaded server before the run began.
    await client.press("replan", wait_for_start=True)
    assert process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    with contextlib.suppress(Exception):
        await client.close()
    return day


def test_a_server_killed_mid_replan_reopens_the_last_committed_plan(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    store = open_store(database_url)
    token = _demo_season(store)
    first = load_season(store, token)
    log = tmp_path / "server.log"
    with app_server(log) as (url, process):
        started = time.monotonic()
        run_apart(_mark_then_replan_and_kill(url, token, process))
        assert process.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 120

    season = load_season(store, token)
    assert [v.origin for v in season.history] == ["first plan"]  # the re-plan never committed
    assert season.plan() == first.plan()
    assert len(season.marks.blocks) == 1  # the mark made before the re-plan is kept

    with app_server(log) as (url, _):  # the restart
        feed = requests.get(f"{url}/feed/{token}.ics", timeout=60)
        assert feed.status_code == 200
        # the feed's own export time: ours, made later, may fall in the next second
        stamp = feed_stamp(feed.content)
        expected = export_ical(first.plan(), first.export, stamp=stamp, uid_scope=first.uid_scope)
        assert feed.content == expected
        client = Client(url, query=f"season={token}")

        async def reopen() -> str:
            await client.open()
            try:
                return client.page.texts()
            finally:
                await client.close()

        assert md_escape("Killed mid re-plan") in run_apart(reopen())
    assert load_season(store, token).history == season.history
