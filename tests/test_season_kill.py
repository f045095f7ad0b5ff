"""A process killed with SIGKILL in the middle of a re-plan leaves the season as it was last
committed: the store reopens (as after a server restart) with whole plans and matching marks."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from season_data import START, WEEKS, first_plan, season_source

from planner import seasons
from planner.config import PlannerConfig
from planner.domain import AthleteProfile
from planner.store import DATABASE_URL_ENV, load_season, open_store
from planner.store.database import close_all

ROOT = Path(__file__).resolve().parent.parent
KILL_AFTER_S = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, None, 1.5)  # None: let it finish


def test_a_killed_replan_leaves_the_last_committed_plan(database_url: str) -> None:
    store = open_store(database_url)
    token, season = seasons.create(
        store, season_source(), name="Kill", profile=AthleteProfile(), config=PlannerConfig(),
        start=START, weeks=WEEKS, plan=first_plan(),
    )  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), DATABASE_URL_ENV: database_url}
    killed_running, committed = 0, 0
    for n, delay in enumerate(KILL_AFTER_S):
        day = (START + dt.timedelta(days=n)).isoformat()
        command = [sys.executable, "-c", "from planner.cli import app; app()", "season",
                   "replan", token, "--today", "2026-12-14", "--done", day]  # fmt: skip
        process = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
        if delay is None:
            assert process.wait(timeout=120) == 0
            committed = len(load_season(open_store(database_url), token).history)
            continue
        time.sleep(delay)
        if process.poll() is None:
            killed_running += 1
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        close_all()  # the restart: a new engine on the same database
        season = load_season(open_store(database_url), token)
        # Whole versions only, and the marks are those of the newest one.
        assert [p.number for p in season.history] == list(range(1, len(season.history) + 1))
        newest = season.current()
        for version in season.history:
            assert version.plan().status.value in ("optimal", "feasible")
        if newest.origin == "re-plan":
            assert sorted(season.marks.done) == [
                dt.date.fromisoformat(d) for d in sorted(_done_days(newest.request_json))
            ]
        else:
            assert season.marks.done == []
    assert killed_running >= 2, "every re-plan finished before the kill: raise KILL_AFTER_S"
    # The re-plan that finished is still there after the kill that followed it.
    assert committed >= 2 and len(season.history) >= committed


def _done_days(request_json: str) -> list[str]:
    import json

    return json.loads(request_json)["done"]
