"""Fuzz tests of the round-2 hardening shapes: the import cost guard against a naive oracle,
command-line options, printed text, CSV cells and tampered previous plans.

Each property says what must hold for any input: an answer or one clear refusal, never a
traceback; the guard counts exactly what a plain line-by-line reading counts.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from planner import cli
from planner.cli import app, printable
from planner.errors import CalendarError, InputError
from planner.export.csv_export import FORMULA_STARTS, neutralise
from planner.importers.limits import (
    MAX_ICAL_COMPONENTS,
    MAX_ICAL_LINE_CHARS,
    MAX_ICAL_LINES,
    MAX_ICAL_RECURRENCES,
    check_ical_cost,
)
from planner.replan import check_previous

FUZZ = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
runner = CliRunner()


# --------------------------------------------------------------------------- import cost guard


def oracle(text: str) -> str | None:
    """What a plain reading says is over a limit ('lines', 'components', 'line') or None."""
    logical: list[str] = []
    for physical in text.split("\n"):
        if physical[:1] in (" ", "\t") and logical:
            logical[-1] += physical[1:]
        else:
            logical.append(physical)
    if len(logical) > MAX_ICAL_LINES:
        return "lines"
    begins = sum(1 for line in text.split("\n") if re.match(r"[ \t]*begin[ \t]*:", line, re.I))
    if begins > MAX_ICAL_COMPONENTS:
        return "components"
    rules = sum(1 for line in text.split("\n") if re.match(r"(rrule|rdate)[ \t]*[;:]", line, re.I))
    if rules > MAX_ICAL_RECURRENCES:
        return "recurrences"
    if any(len(line) > MAX_ICAL_LINE_CHARS for line in logical):
        return "line"
    return None


@st.composite
def shaped_ics(draw: st.DrawFn) -> str:
    """Big blocks of repeated shapes near the limits: lines, folds, BEGINs, long lines."""
    blocks = ["BEGIN:VCALENDAR"]
    for _ in range(draw(st.integers(1, 4))):
        shape = draw(st.sampled_from(["x", "fold", "begin", "long", "blank", "tab-fold", "rule"]))
        count = draw(
            st.sampled_from(
                [1, 10, MAX_ICAL_RECURRENCES // 2 + 1, MAX_ICAL_COMPONENTS // 2, MAX_ICAL_LINES]
            )
        )
        if shape == "x":
            blocks += ["X-A:1"] * count
        elif shape == "fold":
            blocks += ["DESCRIPTION:a", " b"] * min(count, MAX_ICAL_LINES // 2)
        elif shape == "tab-fold":
            blocks += ["SUMMARY:a", "\tb", "\tc"] * min(count, MAX_ICAL_LINES // 3)
        elif shape == "rule":
            rule = draw(
                st.sampled_from(["RRULE:FREQ=DAILY", "rdate;value=date:20270101", "RDATE :1"])
            )
            blocks += [rule] * min(count, MAX_ICAL_COMPONENTS)
        elif shape == "begin":
            blocks += [draw(st.sampled_from(["BEGIN:VALARM", "begin:x", " BEGIN :Y"]))] * count
        elif shape == "long":
            size = draw(st.sampled_from([MAX_ICAL_LINE_CHARS - 20, MAX_ICAL_LINE_CHARS + 1]))
            parts = draw(st.integers(1, 3))
            line = "RDATE:" + "1" * size
            step = len(line) // parts + 1
            blocks += [line[:step]] + [
                " " + line[i : i + step] for i in range(step, len(line), step)
            ]
        else:
            blocks += [""] * min(count, 1000)
    blocks.append("END:VCALENDAR")
    return "\n".join(blocks)


@settings(FUZZ, max_examples=40)  # each example is a text of up to a few hundred thousand lines
@given(shaped_ics())
def test_cost_guard_agrees_with_a_plain_reading(text: str) -> None:
    expected = oracle(text)
    try:
        check_ical_cost(text, "fuzz.ics")
    except CalendarError as exc:
        assert expected is not None, f"refused a file within the limits: {exc}"
        assert "fuzz.ics" in str(exc)
        word = {
            "lines": "lines",
            "components": "components",
            "recurrences": "recurrence lines",
            "line": "characters",
        }[expected]
        assert word in str(exc)
        return
    assert expected is None, f"accepted a file over the {expected} limit"


# --------------------------------------------------------------------------- command line


class Solved(Exception):
    """The options were accepted and the solve was reached (patched out: options only)."""


def assert_answered(result) -> None:
    """Either the solve was reached, or one `error:` line with exit 2; never a traceback."""
    if isinstance(result.exception, Solved):
        return
    assert result.exit_code == 2, (result.exception, result.output)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "errors.pydantic.dev" not in result.output


_WORDS = st.sampled_from(
    [
        "9999-12-06",
        "0001-01-01",
        "2026-11-30",
        "2200-12-31",
        "1900-01-01",
        "nan",
        "-5",
        "0",
        "1e9",
        "inf",
        "18:00+05:00",
        "18:00",
        "25:00",
        "Mars/Olympus",
        "Europe/London",
        "UTC",
        "",
        " ",
        "\x1b[2J",
        "../..",
        "2026-02-30",
        "1e-9",
        "600",
        "600.0001",
    ]
)
_TEXT = st.one_of(_WORDS, st.text(max_size=20))


@FUZZ
@given(start=_TEXT, limit=_TEXT, at=_TEXT, zone=_TEXT)
def test_plan_options_are_answered_or_refused_in_one_line(
    tmp_path_factory: pytest.TempPathFactory, start, limit, at, zone
) -> None:
    def reached(*args: object, **kwargs: object) -> None:
        raise Solved

    out = tmp_path_factory.mktemp("out") / "plan.ics"
    args = ["plan", "--weeks", "2", "--start", start, "--time-limit", limit, "--out", str(out)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "_solve", reached)  # options only: the solve is not run
        result = runner.invoke(app, [*args, "--time", at, "--timezone", zone])
    if (
        result.exit_code == 2
        and "--time-limit" in result.stderr
        and "Invalid value" in result.stderr
    ):
        return  # typer refused a non-number itself, with its usage message and exit 2
    assert_answered(result)
    if isinstance(result.exception, Solved):
        number = float(limit)
        assert 0 < number <= 600 and not math.isnan(number)


@FUZZ
@given(start=_TEXT, end=_TEXT)
def test_events_dates_are_answered_or_refused_in_one_line(start: str, end: str) -> None:
    result = runner.invoke(app, ["events", "--start", start, "--end", end])
    if result.exit_code == 0:
        return
    assert result.exit_code == 2, (result.exception, result.output)
    assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == 1


# ------------------------------------------------------------------------- printed and CSV text


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_printable_leaves_no_control_character(text: str) -> None:
    cleaned = printable(text)
    assert not [ch for ch in cleaned if ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F]
    assert "\u2028" not in cleaned and "\u2029" not in cleaned


_LEADERS = st.text(alphabet=" \t\u00a0\u2003\u3000|;", max_size=5)


@FUZZ
@given(lead=_LEADERS, start=st.sampled_from("=+-@"), rest=st.text(max_size=30))
def test_a_formula_after_any_blank_pipe_or_semicolon_prefix_is_neutralised(
    lead: str, start: str, rest: str
) -> None:
    cell = neutralise(lead + start + rest)
    assert cell == "'" + lead + start + rest


@FUZZ
@given(st.text(max_size=40))
def test_neutralise_adds_at_most_one_quote_and_keeps_the_text(text: str) -> None:
    cell = neutralise(text)
    assert cell in (text, "'" + text)
    assert not cell.startswith(FORMULA_STARTS)


# ------------------------------------------------------------------------------ --previous


@cache
def _previous() -> dict:
    import datetime as dt

    from planner.catalog import load_catalog
    from planner.importers import load_demo
    from planner.solve import plan_season

    start = dt.date(2026, 11, 30)
    plan = plan_season(load_demo(start), load_catalog(), start=start, weeks=3)
    return json.loads(plan.model_dump_json())


_NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 1440, 1441, 2**31 - 1, 2**31, 1e12, 1e30, -1]),
)
_FIELDS = [
    ("sessions", 0, "minutes"),
    ("sessions", 0, "sequence"),
    ("sessions", 0, "exercises", 0, "sets"),
    ("sessions", 0, "exercises", 0, "reps"),
    ("sessions", 0, "exercises", 0, "hold_s"),
    ("sessions", 0, "exercises", 0, "minutes"),
]
_DATES = st.sampled_from(
    [
        "0001-01-01",
        "1899-12-31",
        "2026-11-01",
        "2026-11-30",
        "2026-12-20",
        "2029-12-31",
        "9999-12-31",
        "2026-02-30",
        "x",
    ]
)


@FUZZ
@given(
    field=st.sampled_from(_FIELDS),
    value=_NUMBERS,
    date_field=st.sampled_from([("start",), ("end",), ("sessions", 0, "date")]),
    day=_DATES,
)
def test_a_tampered_previous_plan_is_loaded_checked_or_refused(
    tmp_path_factory: pytest.TempPathFactory, field, value, date_field, day
) -> None:
    from planner.replan import load_previous

    data = json.loads(json.dumps(_previous()))
    for path, new in ((field, value), (date_field, day)):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = new
    path = tmp_path_factory.mktemp("prev") / "old.json"
    path.write_text(json.dumps(data))  # nan/inf become NaN/Infinity, as a careless tool writes
    try:
        plan = load_previous(path)
    except InputError as exc:
        assert str(path) in str(exc)
        return
    check_previous(plan, "again")  # what was accepted is within every bound
    assert plan.start <= plan.end
