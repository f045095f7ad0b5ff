"""Hardening of planning and export: determinism, time limits, input limits, hostile text.

- Determinism: the same inputs give byte-identical JSON and iCal, through the API and the CLI.
- Time limits: a short limit on the longest horizon returns the best plan found with an honest
  status (bound never above the objective), and a limit too short to find anything says so.
- Limits: horizons outside 1-104 weeks, and catalog/config paths that are not what they claim,
  are refused with exit 2 and a one-line error naming the path.
- Hostile text from the calendar and the catalog stays data in every export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
from functools import cache
from pathlib import Path

import icalendar
import pytest
from click.testing import Result
from typer.testing import CliRunner

from planner.catalog import DEFAULT_CATALOG, load_catalog
from planner.cli import app
from planner.config import PlannerConfig
from planner.constants import MAX_WEEKS
from planner.domain import AthleteProfile, Calendar, Catalog
from planner.export import ExportOptions, export_csv, export_ical, export_json
from planner.export.csv_export import FORMULA_STARTS
from planner.importers import load_demo, read_calendar
from planner.instance import build_instance
from planner.plan import Plan, Status
from planner.solve import plan_season
from planner.synthetic import synthetic_season
from planner.validate import assert_valid
from tests.helpers import SOLVED

runner = CliRunner()
DEMO_START = dt.date(2026, 11, 30)
START = dt.date(2026, 1, 5)  # a Monday
FIXTURES = Path(__file__).parent / "fixtures" / "import"
CRLF, LF = "\r\n", "\n"


@cache
def catalog() -> Catalog:
    return load_catalog()


@cache
def long_season() -> Calendar:
    return synthetic_season(START, MAX_WEEKS, seed=1)


def limited(seconds: float) -> PlannerConfig:
    return PlannerConfig.model_validate({"solver": {"time_limit_s": seconds}})


def solve_checked(cal: Calendar, config: PlannerConfig, weeks: int, cat: Catalog | None = None):
    """Plan, and validate any plan found against the solver-free validator."""
    cat = cat or catalog()
    plan = plan_season(cal, cat, AthleteProfile(), config, start=START, weeks=weeks)
    if plan.status in SOLVED:
        assert_valid(plan, build_instance(cal, cat, AthleteProfile(), config, START, weeks))
    return plan


def assert_honest(plan: Plan) -> None:
    """The status matches the numbers: a solved plan has sessions and bound <= objective."""
    assert plan.status in SOLVED
    assert plan.sessions
    assert plan.objective is not None and plan.bound is not None
    assert plan.bound <= plan.objective + 1e-6
    if plan.status == Status.optimal:
        assert plan.bound == pytest.approx(plan.objective)
    assert plan.conflicts == []


def without_solve_seconds(text: str) -> str:
    return re.sub(r'"solve_seconds": [^,\n]+', '"solve_seconds": null', text)


# ------------------------------------------------------------------------------- determinism


def test_demo_season_planned_twice_exports_identical_bytes() -> None:
    cal = load_demo(DEMO_START)
    outputs = []
    # DTSTAMP is the export time by design (RFC 5545): both exports use one, the plans must agree
    stamp = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    for _ in range(2):
        plan = plan_season(cal, catalog(), start=DEMO_START, weeks=8)
        assert plan.status in SOLVED and plan.sessions
        plan.solve_seconds = None
        training = ExportOptions(include_training=True, reminder_minutes=30)
        outputs.append(
            (
                export_json(plan),
                export_ical(plan, stamp=stamp),
                export_ical(plan, training, stamp=stamp),
                export_csv(plan),
            )
        )
    assert outputs[0] == outputs[1]


def test_cli_plan_twice_gives_identical_files_except_solve_seconds(tmp_path: Path) -> None:
    texts = []
    for name in ("a.json", "b.json"):
        out = tmp_path / name
        args = ["plan", "--start", DEMO_START.isoformat(), "--weeks", "6", "--out", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        texts.append(out.read_text(encoding="utf-8"))
    assert '"solve_seconds": ' in texts[0]
    assert without_solve_seconds(texts[0]) == without_solve_seconds(texts[1])
    assert json.loads(texts[0])["sessions"]


# -------------------------------------------------------------------------------- time limits


def test_one_second_on_the_longest_horizon_returns_the_best_plan_found() -> None:
    plan = solve_checked(long_season(), limited(1.0), MAX_WEEKS)
    assert_honest(plan)


def test_short_time_limit_status_is_honest() -> None:
    plan = solve_checked(synthetic_season(START, 26, seed=1), limited(1.5), 26)
    assert_honest(plan)


def test_tiny_time_limit_on_the_longest_horizon_reports_how_the_plan_was_made() -> None:
    plan = solve_checked(long_season(), limited(0.001), MAX_WEEKS)
    if plan.status in SOLVED:
        # The solver had no time: the plan is the validated greedy start, and it says so.
        assert_honest(plan)
        assert plan.status == Status.feasible and plan.sessions
        [note] = plan.notes
        assert "time limit" in note and "0.001 s" in note
        return
    assert plan.status == Status.unknown
    assert (plan.sessions, plan.objective, plan.bound) == ([], None, None)
    [message] = plan.conflicts
    assert "time limit" in message and "0.001 s" in message


def _synthetic_csv(path: Path, weeks: int) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["date", "title", "sport", "kind", "priority", "duration_min"])
    for e in synthetic_season(START, weeks, seed=1).events:
        priority = e.priority.value if e.priority else ""
        writer.writerow(
            [e.date, e.title, e.sport.value, e.kind.value, priority, e.duration_min or ""]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_cli_prints_and_writes_the_status_of_a_time_limited_plan(tmp_path: Path) -> None:
    season, out = tmp_path / "season.csv", tmp_path / "plan.json"
    _synthetic_csv(season, 26)
    args = ["plan", str(season), "--start", START.isoformat(), "--weeks", "26"]
    result = runner.invoke(app, [*args, "--time-limit", "1.5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = Plan.model_validate_json(out.read_bytes())
    assert_honest(written)
    assert f"{written.status.value}: {len(written.sessions)} sessions" in result.stderr


def _cli_unknown(tmp_path: Path) -> tuple[Result, Plan]:
    out = tmp_path / "plan.json"
    args = ["plan", "--start", DEMO_START.isoformat(), "--weeks", str(MAX_WEEKS)]
    result = runner.invoke(app, [*args, "--time-limit", "0.001", "--out", str(out)])
    written = Plan.model_validate_json(out.read_bytes())
    return result, written


def test_cli_writes_unknown_status_and_exits_1(tmp_path: Path) -> None:
    result, written = _cli_unknown(tmp_path)
    if written.status in SOLVED:  # the greedy start, validated, and said so
        assert result.exit_code == 0
        assert "note: The time limit" in result.stderr
        return
    assert result.exit_code == 1
    assert written.status == Status.unknown and written.sessions == []
    assert "time limit" in written.conflicts[0]
    assert "unknown: 0 sessions" in result.stderr


def test_cli_says_why_it_found_no_plan(tmp_path: Path) -> None:
    result, _ = _cli_unknown(tmp_path)
    assert "time limit" in result.stderr


# ------------------------------------------------------------------------------------ limits


@pytest.mark.parametrize("weeks", [0, MAX_WEEKS + 1, -1])
def test_cli_refuses_horizons_outside_1_to_104_weeks(weeks: int) -> None:
    result = runner.invoke(app, ["plan", "--start", DEMO_START.isoformat(), "--weeks", str(weeks)])
    assert result.exit_code == 2
    assert "--weeks" in result.output


@pytest.mark.parametrize("weeks", [0, MAX_WEEKS + 1, -1])
def test_build_instance_refuses_horizons_outside_1_to_104_weeks(weeks: int) -> None:
    empty = Calendar(format="manual")
    with pytest.raises(ValueError, match=f"between 1 and {MAX_WEEKS}"):
        build_instance(empty, catalog(), AthleteProfile(), PlannerConfig(), START, weeks)


@pytest.mark.parametrize("weeks", [1, MAX_WEEKS])
def test_build_instance_accepts_the_bounds(weeks: int) -> None:
    empty = Calendar(format="manual")
    inst = build_instance(empty, catalog(), AthleteProfile(), PlannerConfig(), START, weeks)
    assert inst.n_days == 7 * weeks


def _bad_path(tmp_path: Path, kind: str) -> Path:
    if kind == "directory":
        path = tmp_path / "folder.toml"
        path.mkdir()
    elif kind == "missing":
        path = tmp_path / "missing.toml"
    elif kind == "binary":
        path = tmp_path / "binary.toml"
        path.write_bytes(bytes(range(256)) * 8)
    elif kind == "nul-bytes":
        path = tmp_path / "nul.toml"
        path.write_bytes(b"\x00\x01\x02[season]\x00")
    elif kind == "csv":
        path = tmp_path / "season.csv"
        path.write_bytes((FIXTURES / "generic.csv").read_bytes())
    else:  # ics
        path = tmp_path / "season.ics"
        path.write_bytes((FIXTURES / "google_xwr.ics").read_bytes())
    return path


@pytest.mark.parametrize("kind", ["directory", "missing", "binary", "nul-bytes", "csv", "ics"])
@pytest.mark.parametrize("option", ["--catalog", "--config"])
def test_cli_refuses_a_bad_catalog_or_config_path(tmp_path: Path, option: str, kind: str) -> None:
    path = _bad_path(tmp_path, kind)
    args = ["plan", "--start", DEMO_START.isoformat(), "--weeks", "1", option, str(path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}: ")


@pytest.mark.parametrize(
    ("option", "content"),
    [
        ("--config", DEFAULT_CATALOG.read_text(encoding="utf-8")),  # a catalog as the rules
        ("--catalog", "[rules.rest-days]\nmin_rest_days = 1\n"),  # rules as the catalog
        ("--catalog", ""),
    ],
)
def test_cli_refuses_valid_toml_of_the_wrong_kind(
    tmp_path: Path, option: str, content: str
) -> None:
    path = tmp_path / "wrong.toml"
    path.write_text(content, encoding="utf-8")
    args = ["plan", "--start", DEMO_START.isoformat(), "--weeks", "1", option, str(path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"error: {path}: ")
    # the catalog lists every problem on its own line, each naming the file
    assert all(str(path) in line for line in lines), result.stderr


# ------------------------------------------------------------------------------- hostile text

HOSTILE_TITLES = [
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://x")',
    "Ride\r\nBEGIN:VEVENT\r\nSUMMARY:x",
    "a;b,c\\d \\n e",
    "+1 ride",
    "-2 run",
    "@home ride",
    "\\",
    "x\"y'z\tw",
]
# Every exercise name starts like a formula, and carries markup and iCal specials after it.
FORMULAS = ['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd"]
EXTRAS = ["<img src=x onerror=alert(1)>", "a;b,c\\d", "\\N", "x\r\nEND:VEVENT"]


def _hostile_catalog(path: Path) -> Path:
    names = zip(itertools.cycle(FORMULAS), itertools.cycle(EXTRAS), itertools.count(1))

    def rename(match: re.Match[str]) -> str:
        formula, extra, n = next(names)
        return match.group(1) + json.dumps(f"{formula} {extra} #{n}")

    text = re.sub(
        r'(\[\[exercise\]\]\nid = "[^"]*"\nname = )"[^"]*"',
        rename,
        DEFAULT_CATALOG.read_text(encoding="utf-8"),
    )
    path.write_text(text, encoding="utf-8")
    return path


def _hostile_calendar() -> Calendar:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["date", "title", "sport", "kind", "duration_min"])
    for offset, title in enumerate(HOSTILE_TITLES):
        writer.writerow([START + dt.timedelta(days=offset), title, "ride", "easy", 60])
    return read_calendar(buffer.getvalue().encode(), "hostile.csv")


@pytest.fixture(scope="module")
def hostile_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    cat = load_catalog(_hostile_catalog(tmp_path_factory.mktemp("catalog") / "hostile.toml"))
    cal = _hostile_calendar()
    # the CSV importer turns CRLF inside a quoted cell into LF; everything else is verbatim
    assert [e.title for e in cal.events] == [t.replace("\r\n", "\n") for t in HOSTILE_TITLES]
    plan = solve_checked(cal, PlannerConfig(), 2, cat)
    assert plan.status in SOLVED and plan.sessions
    assert len(plan.events) == len(HOSTILE_TITLES)
    return plan


def test_hostile_text_csv_cells_are_neutralised(hostile_plan: Plan) -> None:
    rows = list(csv.DictReader(io.StringIO(export_csv(hostile_plan))))
    cells = [c for row in rows for c in row.values()]
    assert all(not cell.startswith(FORMULA_STARTS) for cell in cells)
    # the warm-up also names exercises (ramp-up sets, primers), inside its text
    names = [row["exercise"] for row in rows if " #" in row["exercise"]]
    assert names, "the hostile exercise names should reach the sheet"
    assert all(name.startswith("'") and name[1:].startswith(FORMULA_STARTS) for name in names)
    exercises = {e.name for s in hostile_plan.sessions for e in s.exercises}
    assert {name[1:] for name in names} == exercises  # only the quote is added


@pytest.mark.parametrize("include_training", [False, True])
def test_hostile_text_ical_keeps_one_vevent_per_item(
    hostile_plan: Plan, include_training: bool
) -> None:
    data = export_ical(hostile_plan, ExportOptions(include_training=include_training))
    expected = len(hostile_plan.sessions) + (len(hostile_plan.events) if include_training else 0)
    unfolded = data.replace(b"\r\n ", b"").split(b"\r\n")
    assert unfolded.count(b"BEGIN:VEVENT") == expected
    parsed = icalendar.Calendar.from_ical(data)
    assert len(parsed.walk("VEVENT")) == expected
    descriptions = "\n".join(str(e.get("DESCRIPTION")) for e in parsed.walk("VEVENT"))
    for session in hostile_plan.sessions:
        for exercise in session.exercises:
            # iCal text writes any line break as LF (planner.export.ical.clean_text)
            role = f" ({exercise.role.value})" if exercise.role else ""
            assert f"{exercise.name.replace(CRLF, LF)}{role} - " in descriptions


def test_hostile_titles_come_back_verbatim(hostile_plan: Plan) -> None:
    data = export_ical(hostile_plan, ExportOptions(include_training=True))
    parsed = icalendar.Calendar.from_ical(data)
    summaries = [str(e.get("SUMMARY")) for e in parsed.walk("VEVENT")]
    for event in hostile_plan.events:
        assert summaries.count(event.title) == 1, event.title


# Spreadsheets skip leading blanks and read `|` or `;` before a formula character.
PADDED_FORMULAS = [
    " =1+1",
    '\u00a0=HYPERLINK("http://x")',
    "|=cmd",
    ";=1+1",
    "  +SUM(A1)",
    "\u00a0\u00a0-2",
    " ; @cmd",
    "\u3000=1",
    "\u2003-3",
]


@pytest.mark.parametrize("cell", PADDED_FORMULAS)
def test_csv_cells_with_a_formula_after_blanks_pipes_or_semicolons_are_neutralised(
    hostile_plan: Plan, cell: str
) -> None:
    plan = hostile_plan.model_copy(deep=True)
    session = next(s for s in plan.sessions if s.exercises)
    session.exercises[0].name = cell
    session.exercises[0].tempo = cell
    rows = list(csv.DictReader(io.StringIO(export_csv(plan))))
    row = next(r for r in rows if r["date"] == session.date.isoformat())
    assert row["exercise"] == row["tempo"] == "'" + cell
