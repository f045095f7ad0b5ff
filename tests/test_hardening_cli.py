"""Hardening of the command line: every bad option or file ends in one `error:` line and exit 2,
naming the option or field and what is allowed, and nothing is solved before the inputs are
known to be usable. Text from the calendar reaches the terminal without control characters.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from planner import cli
from planner.catalog import DEFAULT_CATALOG
from planner.cli import app, printable
from planner.replan import MAX_PREVIOUS_BYTES

runner = CliRunner()
START = "2026-11-30"


def one_error(result: Result, *needles: str) -> str:
    """The run refused its input: exit 2, one line on stderr naming what and what is allowed."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.output and "errors.pydantic.dev" not in result.output
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def no_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the planner starts solving: the input must be refused before that."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the solve ran before the bad input was refused")

    monkeypatch.setattr(cli, "_solve", refuse)
    monkeypatch.setattr("planner.replan.replan", refuse)


# ------------------------------------------------------------------------- config and catalog


def test_a_seed_beyond_32_bits_is_refused_naming_the_field(tmp_path: Path, no_solve) -> None:
    config = tmp_path / "rules.toml"
    config.write_text("[solver]\nseed = 9999999999\n")
    result = runner.invoke(app, ["plan", "--weeks", "2", "--config", str(config)])
    one_error(result, str(config), "solver.seed", "2147483647", "9999999999")


@pytest.mark.parametrize("value", ["nan", "inf", "-5.0", "0"])
def test_a_config_time_limit_outside_its_bounds_is_refused(
    tmp_path: Path, no_solve, value: str
) -> None:
    config = tmp_path / "rules.toml"
    config.write_text(f"[solver]\ntime_limit_s = {value}\n")
    result = runner.invoke(app, ["plan", "--weeks", "2", "--config", str(config)])
    one_error(result, "solver.time_limit_s")


NESTED = [
    "x = " + "[" * 600 + "]" * 600 + "\n",  # 1.2 KB, deeper than tomllib can recurse
    "x = " + "{a = " * 400 + "1" + "}" * 400 + "\n",  # 2 KB of inline tables
    "[[exercise]]\ncues = " + "[" * 600 + "]" * 600 + "\n",
]


@pytest.mark.parametrize("text", NESTED)
@pytest.mark.parametrize("option", ["--config", "--catalog"])
def test_deeply_nested_arrays_are_refused_not_a_recursion_error(
    tmp_path: Path, no_solve, option: str, text: str
) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(text)
    result = runner.invoke(app, ["plan", "--weeks", "2", option, str(path)])
    one_error(result, str(path), "nested too deeply")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "dose = { sets = 1, hold_s = [15, 20]",
            "dose = { sets = [1, 9223372036854775807], hold_s = [15, 20]",
            "dose.sets",
        ),
        ("reps = [10, 12]", "reps = 9000000000", "dose.reps"),
        ("hold_s = [15, 20]", "hold_s = [15, 86400]", "dose.hold_s"),
    ],
)
def test_a_catalog_dose_beyond_its_bound_is_refused(
    tmp_path: Path, no_solve, old: str, new: str, field: str
) -> None:
    text = DEFAULT_CATALOG.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "catalog.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = runner.invoke(app, ["plan", "--weeks", "2", "--catalog", str(path)])
    assert result.exit_code == 2, result.output
    assert f"field '{field}': must be at most" in result.stderr


# ---------------------------------------------------------------------------- dates and limits


@pytest.mark.parametrize("command", ["plan", "events"])
@pytest.mark.parametrize("day", ["9999-12-06", "9999-12-01", "0001-01-01", "1899-12-31"])
def test_dates_outside_1900_to_2200_are_refused(no_solve, command: str, day: str) -> None:
    result = runner.invoke(app, [command, "--start", day])
    one_error(result, "--start", day, "1900-2200")


@pytest.mark.parametrize("value", ["nan", "-5", "0", "1e9", "inf"])
def test_time_limit_is_validated_like_the_config(no_solve, value: str) -> None:
    result = runner.invoke(app, ["plan", "--weeks", "2", "--time-limit", value])
    one_error(result, "--time-limit", "above 0", "600")


def test_a_time_limit_within_bounds_is_used() -> None:
    result = runner.invoke(app, ["plan", "--start", START, "--weeks", "1", "--time-limit", "5"])
    assert result.exit_code == 0, result.output


def test_a_bad_timezone_names_the_option_and_what_is_allowed(tmp_path: Path, no_solve) -> None:
    out = tmp_path / "plan.ics"
    result = runner.invoke(
        app, ["plan", "--weeks", "2", "--out", str(out), "--timezone", "Mars/Olympus"]
    )
    one_error(result, "--timezone", "Mars/Olympus", "Area/City")


def test_a_time_with_an_offset_names_the_option_and_what_is_allowed(
    tmp_path: Path, no_solve
) -> None:
    out = tmp_path / "plan.ics"
    result = runner.invoke(
        app, ["plan", "--weeks", "2", "--out", str(out), "--time", "18:00+05:00"]
    )
    one_error(result, "--time", "HH:MM", "--timezone")


# ------------------------------------------------------------------------------------- --out


@pytest.mark.parametrize("command", ["plan", "events", "catalog"])
def test_out_into_a_missing_folder_is_refused_before_the_work(
    tmp_path: Path, no_solve, command: str
) -> None:
    out = tmp_path / "nowhere" / "plan.json"
    result = runner.invoke(app, [command, "--out", str(out)])
    one_error(result, str(out), "does not exist")


@pytest.mark.parametrize("command", ["plan", "events", "catalog"])
def test_out_onto_a_folder_is_refused_before_the_work(
    tmp_path: Path, no_solve, command: str
) -> None:
    out = tmp_path / "plan.json"
    out.mkdir()
    result = runner.invoke(app, [command, "--out", str(out)])
    one_error(result, str(out), "folder")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["plan", "events", "catalog"])
def test_out_onto_a_full_device_is_refused_before_the_work(
    tmp_path: Path, no_solve, command: str
) -> None:
    out = tmp_path / "plan.json"
    out.symlink_to("/dev/full")
    result = runner.invoke(app, [command, "--out", str(out)])
    one_error(result, str(out), "No space left")


def test_out_on_a_nearly_full_disk_is_refused(
    tmp_path: Path, no_solve, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli.shutil, "disk_usage", lambda path: os.statvfs_result and _Usage())
    result = runner.invoke(app, ["plan", "--out", str(tmp_path / "plan.json")])
    one_error(result, "No space left")
    assert not (tmp_path / "plan.json").exists()


class _Usage:
    total, used, free = 10**9, 10**9, 1024


def test_out_probe_keeps_an_existing_file_until_the_plan_is_written(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    out.write_text("old")
    cli.check_out(out)
    assert out.read_text() == "old"
    fresh = tmp_path / "new.json"
    cli.check_out(fresh)
    assert not fresh.exists()


# -------------------------------------------------------------------------------- --previous


@cache
def _previous_json() -> str:
    """A real 3-week plan's JSON (solved directly: the CLI's solve is patched out here)."""
    import datetime as dt

    from planner.catalog import load_catalog
    from planner.export import export_json
    from planner.importers import load_demo
    from planner.solve import plan_season

    start = dt.date.fromisoformat(START)
    plan = plan_season(load_demo(start), load_catalog(), start=start, weeks=3)
    assert plan.sessions
    return export_json(plan)


def tampered(tmp_path: Path, change) -> Path:
    data = json.loads(_previous_json())
    change(data)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    return path


def _set(*keys: object, value: object):
    def change(data: dict) -> None:
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        (_set("end", value="2026-11-01"), ["field 'end'", "before the start"]),
        (_set("end", value="2029-12-31"), ["field 'end'", "104"]),
        (_set("start", value="0001-01-01"), ["field 'start'", "1900-2200"]),
        (_set("sessions", 0, "minutes", value=1e12), ["sessions[0].minutes", "1440"]),
        (_set("sessions", 0, "sequence", value=1e30), ["sessions[0].sequence"]),
        (_set("sessions", 0, "sequence", value=2**40), ["sessions[0].sequence", "2147483647"]),
        (_set("sessions", 0, "date", value="2026-11-01"), ["sessions[0].date", "outside"]),
        (_set("sessions", 0, "exercises", 0, "sets", value=10**9), ["exercises[0].sets"]),
    ],
)
def test_a_tampered_previous_plan_is_refused_naming_the_field(
    tmp_path: Path, no_solve, change, needles: list[str]
) -> None:
    path = tampered(tmp_path, change)
    result = runner.invoke(
        app,
        [
            "plan",
            "--previous",
            str(path),
            "--today",
            "2026-12-07",
            "--out",
            str(tmp_path / "n.json"),
        ],
    )
    one_error(result, str(path), *needles)


def test_previous_reads_are_capped(tmp_path: Path, no_solve) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_PREVIOUS_BYTES + 1)  # sparse: no disk used
    result = runner.invoke(app, ["plan", "--previous", str(path)])
    one_error(result, str(path), "10 MB")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_previous_from_dev_zero_is_refused_without_reading_it_all(no_solve) -> None:
    result = runner.invoke(app, ["plan", "--previous", "/dev/zero"])
    one_error(result, "/dev/zero", "10 MB")


def test_previous_that_is_deeply_nested_json_is_refused(tmp_path: Path, no_solve) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    result = runner.invoke(app, ["plan", "--previous", str(path)])
    one_error(result, str(path), "not a plan JSON")


# -------------------------------------------------------------------------- terminal escapes

HOSTILE = "Ride \x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[31mred\x07 bell\x9b1m end\u2028x"


def test_printable_strips_escape_sequences_and_controls() -> None:
    text = printable(HOSTILE + "\ttab\nline")
    assert text == "Ride red bell1m endx tab line"
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in text)


def hostile_calendar(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.csv"
    title = HOSTILE.replace("\u2028", "")
    path.write_text(
        f'date,title,sport,kind,priority\n2027-01-10,"{title} (A)",ride,race,A\n'
        f'2026-12-02,"{title}",ride,hard,\n2026-12-03,"\x1b[2Jbad date",ride,hard,\n'
        '2026-99-01,"\x1b]0;title\x07",ride,hard,\n' + "2026-12-20,Easy ride,ride,easy,\n" * 300,
        # ordinary rows, so the few control characters do not make the file look binary
        encoding="utf-8",
    )
    return path


def assert_no_controls(text: str) -> None:
    bad = [ch for ch in text if (ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F]
    assert not bad, repr(text)


def test_events_prints_no_control_characters(tmp_path: Path) -> None:
    result = runner.invoke(app, ["events", str(hostile_calendar(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Ride" in result.stdout and "skipped" in result.stdout
    assert_no_controls(result.stdout)
    assert_no_controls(result.stderr)


def test_plan_week_table_prints_no_control_characters(tmp_path: Path) -> None:
    args = ["plan", str(hostile_calendar(tmp_path)), "--start", START, "--weeks", "7"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    # the race's hostile title reaches the week table, its controls gone; sessions print too
    assert "Ride" in result.stdout and "red bell" in result.stdout and "(A)]" in result.stdout
    assert re.search(r", [1-9][0-9]* sessions", result.stdout)
    assert_no_controls(result.stdout)
    assert_no_controls(result.stderr)


@pytest.mark.timeout(20)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_out_onto_a_pipe_without_a_reader_is_refused_not_a_hang(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    os.mkfifo(out)
    with pytest.raises(cli.InputError) as err:
        cli.check_out(out)
    assert str(out) in str(err.value)


def test_printable_strips_bidirectional_overrides() -> None:
    assert printable("Ride \u202egnp.exe\u202c \u2066x\u2069") == "Ride gnp.exe x"


def test_printable_keeps_newlines_only_when_asked() -> None:
    assert printable("a\nb\x1b[2J\rc", newlines=True) == "a\nb c"
    assert printable("a\nb") == "a b"


def test_a_catalog_error_keeps_one_problem_per_line_without_escapes(tmp_path: Path) -> None:
    text = DEFAULT_CATALOG.read_text(encoding="utf-8")
    path = tmp_path / "two\x1b[2J.toml"  # a file name that would clear the screen
    path.write_text(text.replace("reps = [10, 12]", "reps = 9e9"), encoding="utf-8")
    result = runner.invoke(app, ["plan", "--weeks", "2", "--catalog", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    shown = printable(str(path))
    assert len(lines) >= 3 and all(shown in line for line in lines), result.stderr
    assert "\x1b" not in result.stderr


def test_season_show_prints_no_escape_sequences_from_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a season named "\e]0;...\a\e[2J" set the window title and cleared the screen
    from season_data import season_ics

    from planner.store import DATABASE_URL_ENV

    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'seasons.sqlite3'}")
    path = tmp_path / "cal\x1b[2Jendar\x1b]0;title\x07.ics"  # a file name can carry them too
    path.write_bytes(season_ics())
    tokens = []
    for name in (["--name", "Winter\x1b]0;pwned\x07\x1b[2J\x9b31m"], []):
        args = ["season", "new", str(path), *name, "--start", START, "--weeks", "2"]
        created = runner.invoke(app, args)
        assert created.exit_code == 0, created.output
        tokens.append(json.loads(created.stdout)["token"])
    named, unnamed = (runner.invoke(app, ["season", "show", token]) for token in tokens)
    assert "Winter" in named.stdout and "calendar: calendar.ics" in unnamed.stdout
    listed = runner.invoke(app, ["season", "list"])
    missing = runner.invoke(app, ["season", "new", str(tmp_path / "gone\x1b[2J.ics")])
    assert missing.exit_code == 2 and "gone" in missing.stderr
    for result in (named, unnamed, listed, missing):
        assert_no_controls(result.stdout)
        assert_no_controls(result.stderr)
