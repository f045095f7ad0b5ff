"""`planner season refresh --all`: seasons linked by URL (served by a local HTTP server) are
fetched, re-planned only when their calendar changed and reported one by one; a run killed
halfway resumes without re-planning a season twice; an edit made in the app during a season's
re-plan is kept; and the same run goes through a real Dask cluster on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from browser_app import ROOT
from local_http import serving
from season_data import START, WEEKS, first_plan, season_ics

from planner import refresh, seasons
from planner.config import PlannerConfig
from planner.domain import AthleteProfile
from planner.importers.remote import ALLOW_PRIVATE_ENV
from planner.store import (
    DATABASE_URL_ENV,
    Marks,
    Source,
    feed_plan,
    load_season,
    open_store,
    set_marks,
)
from planner.store import refresh_runs as runs

TODAY = START + dt.timedelta(days=7)
RACE = (
    b"BEGIN:VEVENT\r\nUID:crit@test\r\nDTSTAMP:20260101T000000Z\r\n"
    b"DTSTART;VALUE=DATE:20261219\r\nSUMMARY:Winter crit (B)\r\nEND:VEVENT\r\n"
)
SECRET = "/private/s3cr3t"


def with_race() -> bytes:
    return season_ics().replace(b"END:VCALENDAR", RACE + b"END:VCALENDAR")


def restamped() -> bytes:
    """The same events under new DTSTAMPs, as feeds write on every request: no change."""
    return season_ics().replace(b"DTSTAMP:20260101T000000Z", b"DTSTAMP:20261207T051500Z")


@pytest.fixture
def files() -> Iterator[tuple[str, dict[str, bytes]]]:
    served: dict[str, bytes] = {}
    with serving(served) as root:
        yield root, served


def linked(store, root: str, files: dict[str, bytes], name: str, data: bytes | None = None) -> int:
    """A season planned from `root/NAME.ics` (its first plan given, to spare a solve), whose
    calendar then becomes `data`; its id (`TOKENS` maps it to its token)."""
    path = f"{SECRET}/{name}.ics"
    files[path] = season_ics()
    source = Source(filename="calendar.ics", data=season_ics(), url=root + path)
    token, season = seasons.create(
        store,
        source,
        name=name,
        profile=AthleteProfile(),
        config=PlannerConfig(),
        start=START,
        weeks=WEEKS,
        plan=first_plan(),
    )
    if data is not None:
        files[path] = data
    TOKENS[season.id] = token
    return season.id


TOKENS: dict[int, str] = {}


def origins(store, season_id: int) -> list[str]:
    return [p.origin for p in load_season(store, season_id).history]


class Serial:
    """The engine's contract, in this process: tasks one by one, `stop_after` answers at most
    (then the run ends as a killed one would: no finish recorded)."""

    name = "serial (test)"

    def __init__(self, stop_after: int | None = None) -> None:
        self.stop_after = stop_after

    def run(self, store_id: str, run_id: str, ids: list[int], today: str) -> Iterator[dict]:
        for n, season_id in enumerate(ids):
            if self.stop_after is not None and n == self.stop_after:
                raise KeyboardInterrupt
            yield refresh.refresh_task(store_id, run_id, season_id, today)


@pytest.fixture
def sqlite_store(tmp_path, monkeypatch: pytest.MonkeyPatch):
    from planner.store.database import close_all

    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'seasons.sqlite3'}")
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    yield open_store()
    close_all()


def test_refresh_all_on_the_local_pool_replans_changed_seasons_and_reports_each(
    sqlite_store, files, tmp_path
) -> None:
    root, served = files
    store = sqlite_store
    same = linked(store, root, served, "same", restamped())
    changed = linked(store, root, served, "changed", with_race())
    gone = linked(store, root, served, "gone")
    del served[f"{SECRET}/gone.ics"]  # the athlete reset the private link: 404
    seasons.create(  # an uploaded season has no link to refresh: not part of the run
        store,
        Source(filename="upload.ics", data=season_ics()),
        name="uploaded",
        profile=AthleteProfile(),
        config=PlannerConfig(),
        start=START,
        weeks=WEEKS,
        plan=first_plan(),
    )
    report_file = tmp_path / "report.json"
    command = [sys.executable, "-m", "planner", "season", "refresh", "--all", "--workers", "2",
               "--today", TODAY.isoformat(), "--json", str(report_file)]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, env=os.environ, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1, done.stderr  # one season failed
    report = json.loads(report_file.read_text())
    outcome = {r["season_id"]: r for r in report["results"]}
    assert sorted(outcome) == [same, changed, gone]
    assert outcome[same]["outcome"] == "unchanged"
    assert outcome[changed]["outcome"] == "refreshed" and outcome[changed]["plan_number"] == 2
    assert outcome[gone]["outcome"] == "failed" and "404" in outcome[gone]["reason"]
    assert SECRET not in done.stderr + report_file.read_text()  # the link's secret path
    assert "refreshed" in done.stderr and "summary" in done.stderr  # the table, on stderr
    assert origins(store, same) == ["first plan"]
    assert origins(store, changed) == ["first plan", "calendar refresh"]
    season = load_season(store, changed)
    assert any(e.title.startswith("Winter crit") for e in season.plan().events)
    assert b"Winter crit" in season.source.data
    assert feed_plan(store, TOKENS[changed]).plan_number == 2  # the feed serves the new plan


def test_a_killed_run_resumes_and_replans_no_season_twice(sqlite_store, files) -> None:
    root, served = files
    store = sqlite_store
    ids = [linked(store, root, served, f"athlete{n}", with_race()) for n in range(3)]
    with pytest.raises(KeyboardInterrupt):  # killed after the first season
        refresh.refresh_all(Serial(stop_after=1), today=TODAY)
    killed = runs.unfinished_run(store)
    assert killed is not None
    assert [r.outcome for r in runs.outcomes(store, killed.id).values()] == ["refreshed"]
    resumed = refresh.refresh_all(Serial(), today=TODAY + dt.timedelta(days=3))
    assert resumed.resumed and resumed.run_id == killed.id and resumed.today == TODAY
    assert [r.outcome for r in resumed.results] == ["done before", "refreshed", "refreshed"]
    # A task that runs again anyway (a Dask worker lost after its commit) re-plans nothing.
    elsewhere = "postgresql+psycopg://planner:***@db.example/seasons"
    again = refresh.refresh_task(elsewhere, killed.id, ids[0], TODAY.isoformat())
    assert again["outcome"] == "failed" and "store" in again["reason"]  # refused, not run
    again = refresh.refresh_task(
        refresh.safe_url(refresh.default_url()), killed.id, ids[0], TODAY.isoformat()
    )
    assert again["outcome"] == "done before"
    for season_id in ids:
        assert origins(store, season_id) == ["first plan", "calendar refresh"]
    assert runs.unfinished_run(store) is None
    # The next run is a new one: nothing changed since, so nothing is re-planned.
    later = refresh.refresh_all(Serial(), today=TODAY)
    assert later.run_id != killed.id and [r.outcome for r in later.results] == ["unchanged"] * 3


def test_an_edit_in_the_app_during_a_refresh_is_kept(
    sqlite_store, files, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, served = files
    store = sqlite_store
    season_id = linked(store, root, served, "edited", with_race())
    blocked = first_plan().sessions[-1].date
    real_replan = seasons.replan
    calls = []

    def replan_while_the_athlete_blocks_a_day(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # the athlete blocks a day in the app while the refresh plans
            set_marks(store, season_id, Marks(blocks=[blocked]), expected_version=None)
        return real_replan(*args, **kwargs)

    monkeypatch.setattr(seasons, "replan", replan_while_the_athlete_blocks_a_day)
    report = refresh.refresh_all(Serial(), today=TODAY)
    (result,) = report.results
    assert result.outcome == "refreshed" and result.attempts == 2 and len(calls) == 2
    season = load_season(store, season_id)
    assert season.marks.blocks == [blocked]  # the app's edit survived the refresh
    assert blocked not in {s.date for s in season.plan().sessions}
    assert origins(store, season_id) == ["first plan", "calendar refresh"]


# ----------------------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def cluster(postgres_server: str, tmp_path_factory: pytest.TempPathFactory):
    """Two `dask worker` processes and their scheduler, on one fresh PostgreSQL database."""
    from dask_cluster import DaskUnavailable, running_dask
    from postgres_server import fresh_database

    database = fresh_database(postgres_server)
    env = {DATABASE_URL_ENV: database, ALLOW_PRIVATE_ENV: "1"}
    try:
        with running_dask(2, env, tmp_path_factory.mktemp("dask")) as address:
            yield address, database
    except DaskUnavailable as exc:
        pytest.skip(str(exc))


def test_refresh_all_on_a_dask_cluster_with_postgresql(
    cluster, files, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from planner.store.database import close_all

    address, database = cluster
    monkeypatch.setenv(DATABASE_URL_ENV, database)
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    root, served = files
    store = open_store()
    changed = [linked(store, root, served, f"changed{n}", with_race()) for n in range(2)]
    same = [linked(store, root, served, f"same{n}") for n in range(4)]
    report_file = tmp_path / "report.json"
    command = [sys.executable, "-m", "planner", "season", "refresh", "--all",
               "--scheduler", address, "--today", TODAY.isoformat(),
               "--json", str(report_file)]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, env=os.environ, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(report_file.read_text())
    outcome = {r["season_id"]: r["outcome"] for r in report["results"]}
    assert outcome == {**dict.fromkeys(changed, "refreshed"), **dict.fromkeys(same, "unchanged")}
    assert report["engine"] == f"dask {address}"
    assert len({r["worker"] for r in report["results"]}) == 2  # both workers took tasks
    for season_id in changed:
        assert origins(store, season_id) == ["first plan", "calendar refresh"]
    for season_id in same:
        assert origins(store, season_id) == ["first plan"]
    close_all()


def test_seasons_go_to_workers_in_batches_that_keep_every_worker_busy() -> None:
    ids = list(range(1000))
    big = refresh.batches(ids, slots=2)
    assert [len(b) for b in big] == [refresh.MAX_BATCH] * 50 and sum(big, []) == ids
    assert refresh.batches(list(range(6)), slots=2) == [[n] for n in range(6)]
    assert [len(b) for b in refresh.batches(list(range(40)), slots=2)] == [5] * 8
