"""`planner season ...` on SQLite and PostgreSQL: the whole life of a season from the shell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from local_http import serving
from season_data import season_ics
from typer.testing import CliRunner

from planner.cli import app
from planner.importers.remote import ALLOW_PRIVATE_ENV
from planner.store import DATABASE_URL_ENV

runner = CliRunner()
START, WEEKS = "2026-11-30", "8"


@pytest.fixture
def calendar(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    monkeypatch.setenv("PLANNER_BASE_URL", "https://plans.example.org")
    path = tmp_path / "season.ics"
    path.write_bytes(season_ics())
    return path


def _invoke(*args: str):
    return runner.invoke(app, ["season", *args])


def _new(source: str, name: str = "Winter") -> dict[str, str]:
    result = _invoke("new", source, "--name", name, "--start", START, "--weeks", WEEKS)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_season_from_new_to_delete(calendar: Path, tmp_path: Path) -> None:
    info = _new(str(calendar))
    token = info["token"]
    assert info["link"] == f"https://plans.example.org/?season={token}"
    assert info["feed"] == f"https://plans.example.org/feed/{token}.ics"

    listed = _invoke("list")
    assert listed.exit_code == 0 and "Winter" in listed.stdout
    assert token not in listed.stdout  # only hashes are stored

    replanned = _invoke(
        "replan", token, "--today", "2026-12-14", "--done", "2026-12-01", "--block", "2026-12-15"
    )
    assert replanned.exit_code == 0, replanned.output
    shown = _invoke("show", token)
    assert "1 first plan, 2 re-plan" in shown.stdout
    assert "done: 2026-12-01" in shown.stdout and "blocks: 2026-12-15" in shown.stdout
    out = tmp_path / "plan.json"
    assert _invoke("show", token, "--out", str(out)).exit_code == 0
    plan = json.loads(out.read_text())
    assert plan["diff"] is not None
    assert all(s["date"] != "2026-12-15" for s in plan["sessions"])

    rotated = _invoke("rotate", token)
    assert rotated.exit_code == 0
    fresh = json.loads(rotated.stdout)["token"]
    old = _invoke("show", token)
    assert old.exit_code == 2 and "no season has this link" in old.output
    assert _invoke("show", fresh).exit_code == 0

    assert _invoke("delete", fresh).exit_code == 0
    assert _invoke("show", fresh).exit_code == 2
    assert "Winter" not in _invoke("list").stdout


def test_a_failed_replan_exits_1_and_saves_nothing(calendar: Path) -> None:
    token = _new(str(calendar))["token"]
    before = _invoke("show", token).stdout
    result = _invoke("replan", token, "--today", "2026-12-14", "--pin", "2026-12-16",
                     "--pin", "2026-12-17")  # fmt: skip
    assert result.exit_code == 1
    assert "nothing was saved" in result.output
    assert _invoke("show", token).stdout == before


def test_bad_input_is_named(calendar: Path, tmp_path: Path) -> None:
    missing = _invoke("new", str(tmp_path / "nope.ics"))
    assert missing.exit_code == 2 and "nope.ics" in missing.output
    assert _invoke("show", "not-a-token").exit_code == 2
    token = _new(str(calendar))["token"]
    bad_day = _invoke("replan", token, "--done", "yesterday")
    assert bad_day.exit_code == 2 and "--done 'yesterday'" in bad_day.output
    uploaded = _invoke("refresh", token)
    assert uploaded.exit_code == 2 and "uploaded, not linked" in uploaded.output


def test_a_season_by_url_refreshes(calendar: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    files = {"/cal.ics": season_ics()}
    with serving(files) as root:
        token = _new(root + "/cal.ics", "Linked")["token"]
        assert "calendar: URL, fetched" in _invoke("show", token).stdout
        refreshed = _invoke("refresh", token, "--today", "2026-12-07")
    assert refreshed.exit_code == 0, refreshed.output
    assert "calendar refresh" in _invoke("show", token).stdout


def test_new_takes_sport_and_a_rules_config(calendar: Path, tmp_path: Path) -> None:
    from planner.store import load_season, open_store

    rules = tmp_path / "rules.toml"
    rules.write_text("[rules.rest-days]\nmin_rest_days = 3\n")
    result = _invoke("new", str(calendar), "--start", START, "--weeks", WEEKS,
                     "--sport", "run", "--config", str(rules))  # fmt: skip
    assert result.exit_code == 0, result.output
    season = load_season(open_store(), json.loads(result.stdout)["token"])
    assert season.sport == "run" and season.name == "season.ics"
    assert season.config.params("rest-days").min_rest_days == 3
    days = sorted(s.date for s in season.plan().sessions)
    assert all((b - a).days > 3 for a, b in zip(days, days[1:], strict=False))


def test_a_season_exports_the_uids_of_its_feed_and_no_other_season_s(
    calendar: Path, database_url: str, tmp_path: Path
) -> None:
    from icalendar import Calendar as ICalendar

    from planner.seasons import feed_ics
    from planner.store import feed_plan, open_store

    def uids(data: bytes) -> set[str]:
        return {str(event["UID"]) for event in ICalendar.from_ical(data).walk("VEVENT")}

    exported = []
    for name in ("First", "Second"):  # the same calendar and settings: identical plans
        token = _new(str(calendar), name)["token"]
        out = tmp_path / f"{name}.ics"
        assert _invoke("show", token, "--out", str(out)).exit_code == 0
        exported.append(uids(out.read_bytes()))
        assert exported[-1] == uids(feed_ics(feed_plan(open_store(database_url), token))[0])
    assert exported[0] and not exported[0] & exported[1]


def test_a_held_refresh_exits_1_and_is_shown_and_undone(
    calendar: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_seasons import _daily_ics

    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    files = {"/cal.ics": _daily_ics(40)}
    with serving(files) as root:
        token = _new(root + "/cal.ics", "Linked")["token"]
        files["/cal.ics"] = _daily_ics(3)
        held = _invoke("refresh", token, "--today", START)
        assert held.exit_code == 1, held.output
        assert "not applied" in held.output and "--accept-smaller" in held.output
        assert "1 first plan" in (shown := _invoke("show", token).stdout)
        assert "calendar version 1: held, 4 events" in shown
        accepted = _invoke("refresh", token, "--today", START, "--accept-smaller")
        assert accepted.exit_code == 0, accepted.output
    assert "2 calendar refresh" in _invoke("show", token).stdout
    undone = _invoke("undo", token)
    assert undone.exit_code == 0, undone.output
    shown = _invoke("show", token).stdout
    assert "plans: 1 first plan\n" in shown and "calendar version 3: undone" in shown
