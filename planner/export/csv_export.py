"""CSV export: one row per exercise, for spreadsheets. `state` keeps a re-plan's history: a
session is planned, done or missed."""

from __future__ import annotations

import csv
import io
import re

from planner.plan import Plan, PlannedExercise, PlannedSession

COLUMNS = (
    "date",
    "weekday",
    "phase",
    "session_load",
    "deload",
    "state",
    "exercise",
    "chain",
    "level",
    "sets",
    "reps",
    "hold_s",
    "per_side",
    "tempo",
    "minutes",
    "session_minutes",
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets also skip leading blanks (space, NBSP, other Unicode spaces) and read `|` or `;`
# before a formula character (DDE payloads such as ` =cmd|...` or `;=1+1`): neutralise those too.
_PADDED_FORMULA = re.compile(r"^[\s\u00a0\u2000-\u200b\u3000|;]+[=+\-@]")


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character, or one after leading
    blanks, `|` or `;`, gets a `'` in front."""
    if text.startswith(FORMULA_STARTS) or _PADDED_FORMULA.match(text):
        return "'" + text
    return text


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{round(value, 1):g}"


def _row(session: PlannedSession, exercise: PlannedExercise | None) -> dict[str, str]:
    text = {
        "date": session.date.isoformat(),
        "weekday": WEEKDAYS[session.date.weekday()],
        "phase": session.phase.value,
        "session_load": session.load.value,
        "deload": _yes_no(session.deload),
        "state": session.state,
        "exercise": exercise.name if exercise else "",
        "chain": exercise.chain if exercise else "",
        "per_side": _yes_no(exercise.per_side) if exercise else "",
        "tempo": (exercise.tempo or "") if exercise else "",
    }
    numbers = {
        "level": exercise.level if exercise else None,
        "sets": exercise.sets if exercise else None,
        "reps": exercise.reps if exercise else None,
        "hold_s": exercise.hold_s if exercise else None,
        "minutes": exercise.minutes if exercise else None,
        "session_minutes": session.minutes,
    }
    row = {key: neutralise(value) for key, value in text.items()}
    row.update({key: _number(value) for key, value in numbers.items()})
    return row


def export_csv(plan: Plan) -> str:
    """The plan as CSV text (header + one row per exercise; CRLF line ends as RFC 4180).

    A session without exercises still gets one row, with the exercise columns empty, so
    no training day disappears from the sheet.
    """
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for session in sorted(plan.sessions, key=lambda s: s.date):
        for exercise in session.exercises or [None]:
            writer.writerow(_row(session, exercise))
    return buffer.getvalue()
