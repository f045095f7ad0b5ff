"""The `planner` command line: exit codes, JSON contracts, readable output."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures" / "import"
START = "2026-11-30"


def test_events_demo_json(tmp_path: Path) -> None:
    out = tmp_path / "events.json"
    result = runner.invoke(app, ["events", "--start", START, "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["format"] == "ics"
    assert {"date", "start", "end", "title", "sport", "kind", "priority", "duration_min"} <= set(
        data["events"][0]
    )
    priorities = sorted(e["priority"] for e in data["events"] if e["priority"])
    assert priorities == ["A", "B", "C"]


def test_events_readable_table_for_a_csv() -> None:
    result = runner.invoke(app, ["events", str(FIXTURES / "generic.csv")])
    assert result.exit_code == 0, result.output
    assert "generic-csv" in result.output


def test_events_bad_file_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "junk.csv"
    bad.write_text("foo,bar\n1,2\n")
    result = runner.invoke(app, ["events", str(bad)])
    assert result.exit_code == 2
    assert "error:" in result.output


def test_events_missing_file_exit_2() -> None:
    result = runner.invoke(app, ["events", "/nonexistent/cal.ics"])
    assert result.exit_code == 2


def test_catalog_json(tmp_path: Path) -> None:
    out = tmp_path / "catalog.json"
    result = runner.invoke(app, ["catalog", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    loads = {e["load"] for e in data["exercises"]}
    assert loads <= {"heavy", "moderate", "light", "mobility"}
    assert any(c["id"] for c in data["chains"])


def test_catalog_bad_path_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["catalog", "--catalog", str(tmp_path)])
    assert result.exit_code == 2


def test_rules_lists_every_rule() -> None:
    from constraints import REGISTRY

    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    for rule in REGISTRY:
        assert rule.id in result.output


def test_plan_demo_json_contract(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", "--start", START, "--weeks", "6", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["start"] == START
    assert data["end"] == (dt.date(2026, 11, 30) + dt.timedelta(days=41)).isoformat()
    assert data["status"] in ("optimal", "feasible")
    for key in (
        "objective",
        "settings",
        "events",
        "phases",
        "sessions",
        "explanation",
        "conflicts",
    ):
        assert key in data
    session = data["sessions"][0]
    for key in ("date", "phase", "load", "minutes", "why", "exercises", "warm_up", "notes"):
        assert key in session
    assert session["warm_up"].startswith("5 min: ")
    assert any(note.startswith("Stop on pain") for note in session["notes"])
    exercise = session["exercises"][0]
    for key in (
        "id",
        "name",
        "chain",
        "level",
        "heavy",
        "posterior_chain",
        "sets",
        "reps",
        "hold_s",
        "per_side",
        "role",
        "rir",
        "rpe",
        "rest_s",
        "load_note",
        "cues",
    ):
        assert key in exercise
    for planned in (e for s in data["sessions"] for e in s["exercises"]):
        effort = planned["rir"] or planned["rpe"]  # one of the two, as {"min", "max"} integers
        assert (planned["rir"] is None) != (planned["rpe"] is None)
        assert set(effort) == {"min", "max"} and 0 <= effort["min"] <= effort["max"] <= 10
        assert planned["role"] in ("primer", "main", "accessory", "mobility")
        assert isinstance(planned["rest_s"], int) and planned["load_note"]
    assert set(data["settings"]) >= {"rest-days", "taper", "progression-order", "articles-only"}


def test_plan_with_exercises_beyond_the_articles(tmp_path: Path) -> None:
    config = tmp_path / "rules.toml"
    config.write_text("[rules.articles-only]\nenabled = false\n")
    out = tmp_path / "plan.json"
    args = ["plan", "--start", START, "--weeks", "6", "--config", str(config), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    chains = {e["chain"] for s in data["sessions"] for e in s["exercises"]}
    assert chains & {"squat", "calf", "trunk"}
    assert any(n.startswith("Beyond the articles: ") for s in data["sessions"] for n in s["notes"])
    assert data["settings"]["articles-only"] == {"enabled": False}


def test_plan_imported_calendar_ics_export(tmp_path: Path) -> None:
    out = tmp_path / "plan.ics"
    result = runner.invoke(
        app, ["plan", str(FIXTURES / "google_xwr.ics"), "--weeks", "4", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_plan_table_output() -> None:
    result = runner.invoke(app, ["plan", "--start", START, "--weeks", "3"])
    assert result.exit_code == 0, result.output
    assert "Week 1" in result.output


def infeasible_config(tmp_path: Path) -> Path:
    """Rules no plan can keep: a strict weekly count on Mondays and Tuesdays only."""
    config = tmp_path / "rules.toml"
    config.write_text(
        '[rules.weekly-frequency]\nstrict = true\n[rules.availability]\nweekdays = ["Mon", "Tue"]\n'
    )
    return config


def test_plan_infeasible_exit_1(tmp_path: Path) -> None:
    config = infeasible_config(tmp_path)
    result = runner.invoke(app, ["plan", "--start", START, "--weeks", "2", "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert "rest-days" in result.output or "weekly-frequency" in result.output


@pytest.mark.parametrize(
    "content, message",
    [
        ("[rules.nope]\nx = 1\n", "unknown rule"),
        ("[rules.rest-days]\nmin_rest_days = 99\n", "min_rest_days"),
        ("not toml = = =", "TOML"),
    ],
)
def test_plan_bad_config_exit_2(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "rules.toml"
    config.write_text(content)
    result = runner.invoke(app, ["plan", "--weeks", "2", "--config", str(config)])
    assert result.exit_code == 2
    assert message in result.output


def test_plan_bad_extension_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", "--weeks", "2", "--out", str(tmp_path / "plan.txt")])
    assert result.exit_code == 2


def test_plan_bad_start_exit_2() -> None:
    result = runner.invoke(app, ["plan", "--start", "2026-13-01"])
    assert result.exit_code == 2


def test_config_json_round_trip_keeps_rule_parameters() -> None:
    from planner.config import PlannerConfig

    config = (
        PlannerConfig().with_rule("rest-days", min_rest_days=1).with_rule("taper", days_before_a=7)
    )
    again = PlannerConfig.model_validate_json(config.model_dump_json())
    assert again.params("rest-days").min_rest_days == 1
    assert again.params("taper").days_before_a == 7


def _first_heavy_day(data: dict) -> str | None:
    heavy = [s["date"] for s in data["sessions"] if any(e["heavy"] for e in s["exercises"])]
    return min(heavy) if heavy else None


def test_plan_experience_and_level_flags(tmp_path: Path) -> None:
    """--experience sets the adaptation before heavy work; --level CHAIN=N the starting level."""
    days = {}
    for experience in ("novice", "advanced"):
        out = tmp_path / f"{experience}.json"
        args = ["plan", "--start", START, "--weeks", "10", "--out", str(out)]
        result = runner.invoke(app, [*args, "--experience", experience, "--level", "bridge=2"])
        assert result.exit_code == 0, result.output
        data = json.loads(out.read_text())
        bridge = [e for s in data["sessions"] for e in s["exercises"] if e["chain"] == "bridge"]
        assert bridge and min(e["level"] for e in bridge) == 2
        days[experience] = _first_heavy_day(data)
    start = dt.date.fromisoformat(START)
    assert days["novice"] is not None and days["advanced"] is not None
    assert dt.date.fromisoformat(days["novice"]) >= start + dt.timedelta(days=28)
    assert days["advanced"] < days["novice"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("hinge", "use CHAIN=N"),
        ("nosuch=2", "use CHAIN=N"),
        ("hinge=two", "whole number"),
        ("hinge=9", "levels 1 to"),
    ],
)
def test_plan_bad_level_exit_2(value: str, message: str) -> None:
    result = runner.invoke(app, ["plan", "--start", START, "--weeks", "2", "--level", value])
    assert result.exit_code == 2
    assert message in result.output and value in result.output


def test_plan_bad_experience_exit_2() -> None:
    result = runner.invoke(app, ["plan", "--start", START, "--experience", "expert"])
    assert result.exit_code == 2


REAL = FIXTURES / "real"


def test_events_timezone_dates_utc_times_in_the_athletes_zone(tmp_path: Path) -> None:
    out = tmp_path / "events.json"
    args = ["events", str(REAL / "node_ical_uid_sequence.ics"), "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    utc_dates = [e["date"] for e in json.loads(out.read_text())["events"]]
    result = runner.invoke(app, [*args, "--timezone", "Australia/Sydney"])
    assert result.exit_code == 0, result.output
    sydney = json.loads(out.read_text())["events"]
    # 14:00 UTC on 20 January is the 21st in Sydney
    assert utc_dates == ["2024-01-15", "2024-01-20"]
    assert [e["date"] for e in sydney] == ["2024-01-15", "2024-01-21"]
    assert sydney[1]["start"].endswith("+11:00")


@pytest.mark.parametrize(
    "args",
    [["events", str(REAL / "node_ical_uid_sequence.ics")], ["plan", "--weeks", "1"]],
    ids=["events", "plan-demo"],
)
def test_bad_timezone_exit_2_naming_the_option(args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--timezone", "Mars/Olympus"])
    assert result.exit_code == 2
    assert "--timezone 'Mars/Olympus'" in result.output and "Area/City" in result.output


def test_plan_timezone_dates_the_strava_calendar_and_the_export(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    args = ["plan", str(FIXTURES / "strava_activities.csv"), "--start", "2026-01-05"]
    args += ["--weeks", "2", "--time-limit", "5", "--out", str(out)]
    result = runner.invoke(app, [*args, "--timezone", "Australia/Sydney"])
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text())
    late = [e for e in plan["events"] if e["title"] == "Late track session"]
    assert [e["date"] for e in late] == ["2026-01-11"]  # 23:58 UTC on the 10th
    assert plan["timezone"] == "Australia/Sydney"


# ----------------------------------------------------------------------------- issue 13


def test_infeasible_plan_prints_no_empty_weeks(tmp_path: Path) -> None:
    config = infeasible_config(tmp_path)
    result = runner.invoke(app, ["plan", "--start", START, "--weeks", "4", "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert "infeasible" in result.stdout
    assert "Week " not in result.stdout


def test_start_on_a_wednesday_plans_monday_to_sunday_weeks(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    wednesday = "2026-12-02"
    result = runner.invoke(app, ["plan", "--start", wednesday, "--weeks", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["start"] == "2026-11-30" and data["end"] == "2026-12-13"
    assert "planning from Monday 2026-11-30" in result.stderr


def test_cli_demo_is_as_long_as_the_apps(tmp_path: Path) -> None:
    from planner.config import PlannerConfig, next_monday
    from planner.horizon import default_weeks
    from planner.importers import load_demo
    from planner.ui.state import DEFAULT_WEEKS

    start = next_monday()
    assert default_weeks(load_demo(start), start, PlannerConfig()) == DEFAULT_WEEKS
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    days = (dt.date.fromisoformat(data["end"]) - dt.date.fromisoformat(data["start"])).days + 1
    assert days == DEFAULT_WEEKS * 7


def test_plan_help_fits_80_columns_and_readme_lists_every_option() -> None:
    import typer.main

    result = runner.invoke(app, ["plan", "--help"], terminal_width=80)
    assert result.exit_code == 0
    assert max(len(line) for line in result.output.splitlines()) <= 80
    assert "…" not in result.output
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    command = typer.main.get_command(app).commands["plan"]  # type: ignore[attr-defined]
    for param in command.params:
        for option in param.opts:
            if option.startswith("--") and option != "--help":
                assert option in result.output
                assert option in readme, f"README does not list {option}"


def test_plan_table_names_a_race_once() -> None:
    result = runner.invoke(app, ["plan", "--start", START, "--weeks", "8"])
    assert result.exit_code == 0, result.output
    assert "[Sun: Winter crit series round 3 (C)]" in result.stdout
    assert "(C)] (C)" not in result.stdout and "C race Sun" not in result.stdout
