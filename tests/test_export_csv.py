"""CSV, JSON and file exports: row shape, formula neutralising, format by extension."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from planner.domain import LoadClass
from planner.export import FORMATS, ExportOptions, export_csv, export_json, write_plan
from planner.export.csv_export import COLUMNS, neutralise
from planner.plan import PhaseName, Plan, PlannedExercise, PlannedSession, Status

HOSTILE_CELLS = ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1)", "\tTab", "\rCR"]


def exercise(name: str, *, reps: int | None = 8, hold_s: int | None = None) -> PlannedExercise:
    return PlannedExercise(
        id="x",
        name=name,
        chain="hinge",
        level=3,
        heavy=True,
        posterior_chain=True,
        load=LoadClass.heavy,
        sets=4,
        reps=reps,
        hold_s=hold_s,
        per_side=hold_s is not None,
        tempo="3 s lowering" if reps else None,
        minutes=7.25,
        cues=["Hips back", "Brace"],
    )


@pytest.fixture
def plan() -> Plan:
    return Plan(
        start=dt.date(2025, 3, 17),
        end=dt.date(2025, 3, 30),
        status=Status.optimal,
        sessions=[
            PlannedSession(
                uid="b",
                date=dt.date(2025, 3, 21),
                phase=PhaseName.build,
                load=LoadClass.heavy,
                deload=True,
                minutes=30,
                exercises=[exercise("Trap-bar deadlift")],
            ),
            PlannedSession(
                uid="a",
                date=dt.date(2025, 3, 18),
                phase=PhaseName.base,
                load=LoadClass.moderate,
                minutes=40,
                exercises=[
                    exercise("Fentes bulgares é"),
                    exercise("Side plank", hold_s=30, reps=None),
                ],
            ),
        ],
    )


def read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_row_per_exercise_sorted_by_date(plan: Plan) -> None:
    text = export_csv(plan)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert text.endswith("\r\n")
    rows = read(text)
    assert len(rows) == sum(len(s.exercises) for s in plan.sessions) == 3
    first, second, third = rows
    assert first == {
        "date": "2025-03-18",
        "weekday": "Tuesday",
        "phase": "base",
        "session_load": "moderate",
        "deload": "no",
        "state": "planned",
        "exercise": "Fentes bulgares é",
        "chain": "hinge",
        "level": "3",
        "sets": "4",
        "reps": "8",
        "hold_s": "",
        "per_side": "no",
        "tempo": "3 s lowering",
        "minutes": "7.2",
        "session_minutes": "40",
    }
    assert (second["reps"], second["hold_s"], second["per_side"], second["tempo"]) == (
        "",
        "30",
        "yes",
        "",
    )
    assert (third["date"], third["weekday"], third["deload"]) == ("2025-03-21", "Friday", "yes")
    assert third["exercise"] == "Trap-bar deadlift"


def test_session_without_exercises_keeps_a_row(plan: Plan) -> None:
    plan.sessions[0].exercises = []
    rows = read(export_csv(plan))
    assert len(rows) == 3
    assert rows[-1]["date"] == "2025-03-21" and rows[-1]["exercise"] == ""


@pytest.mark.parametrize("cell", HOSTILE_CELLS)
def test_formula_cells_are_neutralised(plan: Plan, cell: str) -> None:
    plan.sessions[0].exercises = [exercise(cell)]
    plan.sessions[0].exercises[0].tempo = cell
    plan.sessions[0].exercises[0].chain = cell
    rows = read(export_csv(plan))
    assert len(rows) == 3
    row = rows[-1]
    assert row["exercise"] == row["tempo"] == row["chain"] == "'" + cell
    # Numbers stay numbers.
    assert (row["sets"], row["level"], row["session_minutes"]) == ("4", "3", "30")


def test_neutralise_only_touches_leading_formula_characters() -> None:
    assert [neutralise(c) for c in HOSTILE_CELLS] == ["'" + c for c in HOSTILE_CELLS]
    for safe in ["Trap-bar deadlift", "3 s lowering", "a=b", " 1=1", "|x", "; note", ""]:
        assert neutralise(safe) == safe


def test_cells_with_commas_quotes_and_newlines_round_trip(plan: Plan) -> None:
    name = 'Row, "heavy"\nsecond line; é 💪'
    plan.sessions[0].exercises = [exercise(name)]
    rows = read(export_csv(plan))
    assert len(rows) == 3 and rows[-1]["exercise"] == name


def test_export_json_is_the_plan_contract(plan: Plan) -> None:
    text = export_json(plan)
    assert text == plan.model_dump_json(indent=2)
    assert Plan.model_validate_json(text) == plan


def test_formats_are_listed() -> None:
    assert list(FORMATS) == [".ics", ".csv", ".json"]
    assert FORMATS[".ics"].media_type == "text/calendar"


@pytest.mark.parametrize("suffix", [".ics", ".ICS", ".csv", ".json"])
def test_write_plan_picks_format_from_extension(plan: Plan, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"plan{suffix}"
    write_plan(plan, path, ExportOptions(all_day=True))
    data = path.read_bytes()
    if suffix.lower() == ".ics":
        assert data.startswith(b"BEGIN:VCALENDAR\r\n") and b"DTSTART;VALUE=DATE:" in data
    elif suffix == ".csv":
        assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 accents
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        assert len(rows) == 3 and rows[0]["exercise"] == "Fentes bulgares é"
    else:
        assert Plan.model_validate_json(data) == plan


def test_write_plan_defaults_options(plan: Plan, tmp_path: Path) -> None:
    write_plan(plan, tmp_path / "plan.ics")
    assert b"DTSTART:20250318T180000Z" in (tmp_path / "plan.ics").read_bytes()


@pytest.mark.parametrize("name", ["plan.txt", "plan", "plan.ics.bak"])
def test_unknown_extension_names_the_ones_that_work(plan: Plan, tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match=r"use one of \.ics, \.csv, \.json"):
        write_plan(plan, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_replan_state_is_a_column(plan: Plan) -> None:
    marked = plan.model_copy(deep=True)
    marked.sessions[0] = marked.sessions[0].model_copy(update={"state": "missed"})
    rows = list(csv.DictReader(io.StringIO(export_csv(marked))))
    states = {row["date"]: row["state"] for row in rows}
    assert states.pop(marked.sessions[0].date.isoformat()) == "missed"
    assert set(states.values()) == {"planned"}
