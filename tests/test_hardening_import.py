"""Hardening of calendar import: hostile, broken and odd files end in a Calendar or a CalendarError.

Extends tests/test_import_robustness.py (random bytes, empty/binary files, size and window limits,
random CSV cells and random iCal lines), tests/test_import_ical.py (the edge_cases.ics fixture:
no DTSTART, DTEND before DTSTART, year 1/9999 DTSTART, exact duplicate UID, a MINUTELY runaway in
a two-month window) and tests/test_import_csv.py (small CSVs in four encodings, thousands in a
tab file, year 1/9999 ISO dates). Nothing here repeats those cases; each test covers what they
leave out: real fixtures cut, re-encoded and mutated; other line ends; other places a date can be
out of range; runaway rules in the default and the longest window; CSV quoting and column counts;
European numbers; clock durations in every export.

Rule of every test: `read_calendar` returns a Calendar whose skipped entries name their location
("row N", "line N", "UID x", ...), or raises CalendarError naming the file, and never lets
another exception out (its safety net turns a parser bug into a CalendarError saying "please
report it", which counts as a failure here).

Work is bounded without a clock: `work_budget` counts Python and C function calls made while
importing and stops the import (with a BaseException the safety net cannot swallow) once a
budget is spent. A hang therefore fails quickly and deterministically on any machine.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain import Calendar
from planner.errors import CalendarError
from planner.importers import calendar_to_json, read_calendar
from planner.importers.limits import (
    DEFAULT_WINDOW_DAYS,
    MAX_EVENTS,
    MAX_OCCURRENCES_PER_SERIES,
    MAX_YEAR,
    MIN_YEAR,
)
from tests.import_helpers import ics, vevent
from tests.import_helpers import work_budget as shared_work_budget

FIXTURES = Path(__file__).parent / "fixtures" / "import"
ICS_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.ics"))
CSV_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.csv"))
LOCATION = re.compile(r"^(row \d+|line \d+|UID .+|VEVENT \d+|calendar)$")

# Expanding a daily series over the default two-year window (731 occurrences) costs about 95,000
# calls; a file that needs five times that for a handful of events is doing runaway work.
WORK_BUDGET = 500_000


# ------------------------------------------------------------------------------------- helpers


def work_budget(calls: int = WORK_BUDGET) -> AbstractContextManager[None]:
    """The shared work budget, by default this file's."""
    return shared_work_budget(calls)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def outcome(data: bytes, name: str, **window: dt.date) -> Calendar | CalendarError:
    """Import; check the contract; return the Calendar or the CalendarError."""
    try:
        cal = read_calendar(data, name, **window)
    except CalendarError as exc:
        text = str(exc)
        assert "please report it" not in text, f"internal error behind the safety net: {text}"
        assert name in text, f"the error does not name the file: {text}"
        return exc
    assert_well_formed(cal)
    return cal


def assert_well_formed(cal: Calendar) -> None:
    for skipped in cal.skipped:
        assert LOCATION.match(skipped.where), f"skipped without a location: {skipped}"
        assert skipped.reason.strip()
    assert len(cal.events) <= MAX_EVENTS
    for event in cal.events:
        assert MIN_YEAR <= event.date.year <= MAX_YEAR
        assert event.end is None or event.start is None or event.end >= event.start
        assert event.duration_min is None or event.duration_min >= 0


def calendar(data: bytes, name: str, **window: dt.date) -> Calendar:
    result = outcome(data, name, **window)
    assert isinstance(result, Calendar), f"refused: {result}"
    return result


KEEPER = vevent("keeper", "DTSTART;VALUE=DATE:20260310", "SUMMARY:Easy ride")
"""An ordinary event put next to a broken one: it must survive the broken one."""


def titles(cal: Calendar) -> list[str]:
    return [e.title for e in cal.events]


def rows(header: str, *lines: str) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


# --------------------------------------------------------------------------- truncated files


def _cuts(name: str) -> list[int]:
    size = len(fixture(name))
    step = 7 if name.endswith(".ics") else 5
    return sorted({*range(1, size, step), size - 1, size - 2, size - 3})


@pytest.mark.parametrize("name", ICS_FIXTURES + CSV_FIXTURES)
def test_fixture_cut_at_many_offsets(name: str) -> None:
    data = fixture(name)
    full = calendar(data, name)
    refused = 0
    for cut in _cuts(name):
        result = outcome(data[:cut], name)
        if isinstance(result, CalendarError):
            refused += 1
        else:
            # a cut file invents no events (the cut cell may turn one bad row good: a sport
            # 'skiing' cut to 'sk' is no longer refused)
            assert len(result.events) <= len(full.events) + 1, cut
    if name.endswith(".csv"):
        # a cut CSV keeps the rows before the cut: only cuts inside the header are refused
        header_bytes = data.index(b"\n") + 1
        assert refused <= len([c for c in _cuts(name) if c < header_bytes]) + 2


# -------------------------------------------------------------------------------- encodings


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le+bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be+bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


# Non-ASCII that Latin-1 can carry, so each encoding has something to get right.
_CSV_TEXT = (
    (FIXTURES / "generic.csv")
    .read_text(encoding="utf-8")
    .replace("Long ride", "Long ride to Zürich café stop")
)
_ICS_TEXT = "".join(
    c if ord(c) < 256 else "-" for c in (FIXTURES / "google_xwr.ics").read_text(encoding="utf-8")
)


@pytest.mark.parametrize(
    "encoding", ["utf-16-le+bom", "utf-16-be+bom", "latin-1", "utf-8-sig", "utf-16-le"]
)
@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param("generic.csv", _CSV_TEXT, id="csv"),
        pytest.param("cal.ics", _ICS_TEXT, id="ics"),
    ],
)
def test_fixture_in_other_encodings_reads_the_same(name: str, text: str, encoding: str) -> None:
    window = {"end": dt.date(2027, 12, 31)}
    expected = calendar_to_json(calendar(text.encode("utf-8"), name, **window))
    assert any(not t["title"].isascii() for t in expected["events"])
    got = calendar_to_json(calendar(_encode(text, encoding), name, **window))
    assert got == expected


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (codecs.BOM_UTF16_LE + b"d\x00a\x00\x00\xd8", "utf-16"),  # odd length, lone surrogate
        (codecs.BOM_UTF8 + b"\xff\xfe\xfd", "utf-8"),
        (codecs.BOM_UTF16_BE + b"\x00d\x00a\x00t", "header"),  # valid text, not a calendar
    ],
)
def test_bom_then_garbage_is_refused_naming_the_file(data: bytes, needle: str) -> None:
    result = outcome(data, "odd.csv")
    assert isinstance(result, CalendarError) and needle in str(result)


# ------------------------------------------------------------------------------ line endings

_SEPARATORS = {"crlf": ["\r\n"], "lf": ["\n"], "crlf+lf": ["\r\n", "\n"]}
_WITH_CR = {"cr": ["\r"], "crlf+lf+cr": ["\r\n", "\n", "\r"], "lf+cr": ["\n", "\r"]}


def _rejoin(text: str, separators: list[str]) -> bytes:
    lines = text.splitlines()
    return "".join(line + separators[i % len(separators)] for i, line in enumerate(lines)).encode()


@pytest.mark.parametrize("ends", sorted({**_SEPARATORS, **_WITH_CR}))
def test_csv_with_mixed_line_ends(ends: str) -> None:
    text = (FIXTURES / "generic.csv").read_text()
    expected = calendar_to_json(calendar(text.encode(), "x.csv"))
    separators = {**_SEPARATORS, **_WITH_CR}[ends]
    assert calendar_to_json(calendar(_rejoin(text, separators), "x.csv")) == expected


@pytest.mark.parametrize("ends", sorted(_SEPARATORS))
def test_ics_with_crlf_and_lf_mixed(ends: str) -> None:
    text = (FIXTURES / "edge_cases.ics").read_text()
    window = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 4, 30)}
    expected = calendar_to_json(calendar(text.encode(), "x.ics", **window))
    got = calendar_to_json(calendar(_rejoin(text, _SEPARATORS[ends]), "x.ics", **window))
    assert got == expected


@pytest.mark.parametrize("ends", sorted(_WITH_CR))
def test_ics_with_bare_cr_line_ends(ends: str) -> None:
    text = (FIXTURES / "google_xwr.ics").read_text()
    window = {"end": dt.date(2026, 3, 31)}
    expected = calendar_to_json(calendar(text.encode(), "x.ics", **window))
    got = calendar_to_json(calendar(_rejoin(text, _WITH_CR[ends]), "x.ics", **window))
    assert got == expected


# --------------------------------------------------------------------------- VEVENT problems


@pytest.mark.parametrize("end", ["\r\n", "\n"])
def test_vevent_without_dtstart_or_uid_is_located_by_its_line(end: str) -> None:
    data = ics(*KEEPER, *vevent(None, "SUMMARY:No start", "DURATION:PT1H"), end=end)
    cal = calendar(data, "x.ics")
    assert titles(cal) == ["Easy ride"]
    # 3 header lines and the 5 of the keeper: the broken BEGIN:VEVENT is line 9
    assert [(s.where, "DTSTART" in s.reason) for s in cal.skipped] == [("line 9", True)]


def test_vevent_with_empty_dtstart() -> None:
    cal = calendar(ics(*KEEPER, *vevent("empty", "DTSTART:", "SUMMARY:x")), "x.ics")
    assert titles(cal) == ["Easy ride"]
    assert [s.where for s in cal.skipped] == ["UID empty"]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("DTSTART;VALUE=DATE:20260310", "DTEND;VALUE=DATE:20260301"),  # dates
        ("DTSTART:20260310T100000Z", "DTEND:20260310T090000"),  # UTC start, floating end
        ("DTSTART:20260310T100000Z", "DTEND;VALUE=DATE:20260301"),  # date-time vs date
        ("DTSTART;TZID=Europe/Berlin:20260310T100000", "DTEND:20260310T085959Z"),  # zones
    ],
)
def test_dtend_before_dtstart_keeps_the_event_without_an_end(start: str, end: str) -> None:
    cal = calendar(ics(*vevent("back", start, end, "SUMMARY:Backwards ride")), "x.ics")
    [event] = cal.events
    assert (event.date, event.end) == (dt.date(2026, 3, 10), None)
    assert [s.where for s in cal.skipped] == ["UID back"]
    assert "DTEND" in cal.skipped[0].reason


def test_dtend_before_dtstart_on_a_series_reported_once() -> None:
    lines = ["DTSTART:20260310T100000Z", "DTEND:20260310T090000Z", "RRULE:FREQ=WEEKLY;COUNT=3"]
    cal = calendar(ics(*vevent("back", *lines, "SUMMARY:Ride")), "x.ics")
    assert [e.date.day for e in cal.events] == [10, 17, 24]
    assert all(e.end is None and e.start.hour == 10 for e in cal.events)
    assert [s.where for s in cal.skipped] == ["UID back"]


def test_negative_duration_is_treated_like_dtend_before_dtstart() -> None:
    lines = ["DTSTART:20260310T100000Z", "DURATION:-PT1H", "SUMMARY:Ride"]
    cal = calendar(ics(*vevent("neg", *lines)), "x.ics")
    [event] = cal.events
    assert event.start == dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC)
    assert event.end is None and event.duration_min is None
    assert [s.where for s in cal.skipped] == ["UID neg"]


@pytest.mark.parametrize(
    "lines",
    [
        ["DTSTART:20260310T100000Z", "DURATION:P99999999W"],
        ["DTSTART;VALUE=DATE:20260310", "DURATION:P3000000D"],
    ],
)
def test_absurd_duration_skips_only_that_event(lines: list[str]) -> None:
    cal = calendar(ics(*KEEPER, *vevent("long", *lines, "SUMMARY:Forever")), "x.ics")
    assert titles(cal) == ["Easy ride"]
    assert [s.where for s in cal.skipped] == ["UID long"]


# ----------------------------------------------------------------------- RRULE without an end


def test_rrule_without_end_and_no_window_is_bounded_to_two_years() -> None:
    cal = calendar(ics(*vevent("d", "DTSTART:20260105T070000Z", "RRULE:FREQ=DAILY")), "x.ics")
    first, last = cal.events[0].date, cal.events[-1].date
    assert first == dt.date(2026, 1, 5)
    assert last == first + dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    assert len(cal.events) == DEFAULT_WINDOW_DAYS + 1
    assert cal.skipped == []


def test_rrule_without_end_and_only_an_end_date() -> None:
    end = dt.date(2030, 6, 30)
    data = ics(*vevent("w", "DTSTART;VALUE=DATE:20260105", "RRULE:FREQ=WEEKLY"))
    cal = calendar(data, "x.ics", end=end)
    assert cal.events[-1].date <= end
    assert cal.events[0].date >= end - dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    assert 100 <= len(cal.events) <= 106


def test_rrule_without_end_in_the_longest_window() -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2045, 12, 31)
    data = ics(*vevent("w", "DTSTART;VALUE=DATE:20260105", "RRULE:FREQ=WEEKLY;BYDAY=MO,TH"))
    cal = calendar(data, "x.ics", start=start, end=end)
    assert start <= cal.events[0].date and cal.events[-1].date <= end
    assert len(cal.events) == len({e.date for e in cal.events}) > 2000


# ---------------------------------------------------------------------------- runaway RRULEs

# Rules the occurrence estimate refuses before expanding anything (a few thousand calls).
_RUNAWAY = [
    "FREQ=SECONDLY",
    "FREQ=MINUTELY",
    "FREQ=HOURLY",
    "FREQ=SECONDLY;COUNT=100000000",
    "FREQ=MINUTELY;UNTIL=22001231T000000Z",
    "FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=0,15,30,45",
]
# The estimate misses this one (BYMONTH x BYDAY x BYHOUR: 8,760 a year); expansion stops at the
# per-series cap, which costs about 150 calls per occurrence.
_CAPPED = (
    "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR="
    + ",".join(map(str, range(24)))
)
_CAP_BUDGET = 250 * MAX_OCCURRENCES_PER_SERIES


@pytest.mark.timeout(60)
@pytest.mark.parametrize("window", ["default", "20 years"])
@pytest.mark.parametrize(
    ("rule", "budget"),
    [pytest.param(r, WORK_BUDGET, id=r[:40]) for r in _RUNAWAY]
    + [pytest.param(_CAPPED, _CAP_BUDGET, id="yearly-every-hour")],
)
def test_runaway_rule_is_skipped_and_the_rest_kept(rule: str, budget: int, window: str) -> None:
    data = ics(*KEEPER, *vevent("runaway", "DTSTART:20260301T000000Z", f"RRULE:{rule}"))
    bounds = {"start": dt.date(2026, 1, 1), "end": dt.date(2045, 12, 31)}
    with work_budget(budget):
        cal = calendar(data, "x.ics", **(bounds if window != "default" else {}))
    assert titles(cal) == ["Easy ride"]
    [note] = cal.skipped
    assert note.where == "UID runaway"
    assert f"{MAX_OCCURRENCES_PER_SERIES:,}" in note.reason and "RRULE" in note.reason


_SLOW_RULES = [
    # INTERVAL=0 never advances: dateutil loops forever
    pytest.param("FREQ=DAILY;INTERVAL=0", id="interval-0"),
    pytest.param("FREQ=WEEKLY;INTERVAL=0;BYDAY=MO", id="weekly-interval-0"),
    # a rule that never matches (30 February) is searched day by day up to year 9999
    pytest.param("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", id="never-matches"),
    # COUNT caps the estimate at 5, so the series is expanded, and searched, in full
    pytest.param("FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30;COUNT=5", id="never-matches-count"),
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("rule", _SLOW_RULES)
def test_degenerate_rule_is_skipped_with_bounded_work(rule: str) -> None:
    data = ics(*KEEPER, *vevent("odd", "DTSTART:20260105T070000Z", f"RRULE:{rule}", "SUMMARY:x"))
    with work_budget():
        cal = calendar(data, "x.ics")
    assert "Easy ride" in titles(cal)
    assert len([e for e in cal.events if e.title == "x"]) <= 1
    assert all(s.where == "UID odd" for s in cal.skipped)


# ------------------------------------------------------------------------- year 1 and 9999


@pytest.mark.parametrize(
    "lines",
    [
        ["DTSTART:20260105T070000Z", "DTEND:99991231T235959Z"],
        ["DTSTART:20260105T070000Z", "RDATE:00010101T070000Z,99991231T070000Z"],
        ["DTSTART:20260105T070000Z", "RRULE:FREQ=WEEKLY;COUNT=2", "EXDATE:99991231T070000Z"],
        ["DTSTART:20260105T070000Z", "RRULE:FREQ=WEEKLY;UNTIL=99991231T000000Z"],
        ["DTSTART:20260105T070000Z", "RRULE:FREQ=WEEKLY;UNTIL=00010101T000000Z"],
        ["DTSTART;VALUE=DATE:00010101", "RRULE:FREQ=YEARLY"],
        ["DTSTART;VALUE=DATE:99991231", "RRULE:FREQ=DAILY"],
        ["DTSTART:18991231T235959Z"],
        ["DTSTART:22010101T000000Z"],
    ],
)
def test_year_one_and_9999_anywhere_in_a_vevent(lines: list[str]) -> None:
    cal = calendar(ics(*KEEPER, *vevent("far", *lines, "SUMMARY:Far ride")), "x.ics")
    assert "Easy ride" in titles(cal)
    assert all(s.where == "UID far" for s in cal.skipped)


def test_recurrence_id_in_year_one_does_not_break_the_series() -> None:
    cal = calendar(
        ics(
            *vevent("s", "DTSTART:20260105T070000Z", "RRULE:FREQ=WEEKLY;COUNT=3", "SUMMARY:Ride"),
            *vevent("s", "RECURRENCE-ID:00010101T070000Z", "DTSTART:20260106T070000Z", "SUMMARY:M"),
        ),
        "x.ics",
    )
    assert titles(cal).count("Ride") == 3


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01 10:00",
        "9999-12-31T23:59:59",
        "1/1/0001",
        "31.12.9999",
        "Jan 1, 0001",
        "1899-12-31",
    ],
)
def test_out_of_range_years_in_other_csv_date_spellings(value: str) -> None:
    cal = calendar(rows("date,title", f'"{value}",Far ride', "2026-01-01,Ride"), "x.csv")
    assert titles(cal) == ["Ride"]
    [note] = cal.skipped
    assert note.where == "row 2"


# ---------------------------------------------------------------------------- duplicate UIDs


def test_triplicated_event_is_kept_once_and_reported_twice() -> None:
    one = vevent("tri", "DTSTART:20260105T070000Z", "SUMMARY:Easy ride")
    cal = calendar(ics(*one, *one, *one), "x.ics")
    assert titles(cal) == ["Easy ride"]
    assert [s.where for s in cal.skipped] == ["UID tri", "UID tri"]


def test_empty_uids_are_distinct_events_located_by_line() -> None:
    one = vevent("", "DTSTART:20260105T070000Z", "SUMMARY:Easy ride")
    cal = calendar(ics(*one, *one), "x.ics")
    assert [e.source.where for e in cal.events] == ["line 4", "line 9"]


def test_same_uid_on_three_different_days_keeps_all() -> None:
    days = [
        vevent("same", f"DTSTART;VALUE=DATE:2026030{d}", f"SUMMARY:Ride {d}") for d in (1, 2, 3)
    ]
    cal = calendar(ics(*days[0], *days[1], *days[2]), "x.ics")
    assert titles(cal) == ["Ride 1", "Ride 2", "Ride 3"]


def test_same_uid_as_a_series_and_a_one_off_keeps_one_version() -> None:
    cal = calendar(
        ics(
            *vevent("o", "DTSTART:20260105T070000Z", "RRULE:FREQ=WEEKLY;COUNT=3", "SUMMARY:Ride"),
            *vevent("o", "DTSTART:20260301T070000Z", "SUMMARY:Other run"),
        ),
        "x.ics",
    )
    # RFC 5545 versions of one UID: one of them wins; nothing crashes, nothing is doubled
    assert set(titles(cal)) in ({"Ride"}, {"Other run"})


@pytest.mark.parametrize("one_off_first", [False, True], ids=["series-first", "one-off-first"])
def test_one_off_sharing_a_series_uid_is_reported_and_the_series_kept(one_off_first: bool) -> None:
    series = vevent("o", "DTSTART:20260105T070000Z", "RRULE:FREQ=WEEKLY;COUNT=3", "SUMMARY:Ride")
    one_off = vevent("o", "DTSTART:20260301T070000Z", "SUMMARY:Other run")
    cal = calendar(ics(*(one_off + series if one_off_first else series + one_off)), "x.ics")
    assert titles(cal) == ["Ride", "Ride", "Ride"]
    [note] = cal.skipped
    assert note.where == "UID o"
    assert "'Other run' on 2026-03-01" in note.reason and "own UID" in note.reason


@pytest.mark.parametrize(
    ("later", "kept", "ignored"),
    [([], "Ride A", "Ride B"), (["SEQUENCE:1"], "Ride B", "Ride A")],
    ids=["first-kept", "higher-sequence-kept"],
)
def test_same_uid_and_start_with_different_content_reports_the_ignored_one(
    later: list[str], kept: str, ignored: str
) -> None:
    cal = calendar(
        ics(
            *vevent("v", "DTSTART:20260105T070000Z", "SUMMARY:Ride A"),
            *vevent("v", "DTSTART:20260105T070000Z", "SUMMARY:Ride B", *later),
            *vevent("v", "DTSTART:20260107T070000Z", "SUMMARY:Ride C"),  # another day: kept
        ),
        "x.ics",
    )
    assert titles(cal) == [kept, "Ride C"]
    [note] = cal.skipped
    assert note.where == "UID v"
    assert f"'{ignored}'" in note.reason and "same UID and start" in note.reason


@pytest.mark.parametrize(
    ("start", "until"),
    [
        ("DTSTART;VALUE=DATE:20260105", "20251201"),
        ("DTSTART:20260105T070000Z", "20260105T065959Z"),  # same day, a second too early
        ("DTSTART;TZID=Europe/Berlin:20260105T070000", "20260105T055959Z"),  # 06:00 UTC start
    ],
)
def test_rule_ending_before_its_start_is_reported(start: str, until: str) -> None:
    rule = f"RRULE:FREQ=WEEKLY;UNTIL={until}"
    cal = calendar(ics(*KEEPER, *vevent("u", start, rule, "SUMMARY:Gone")), "x.ics")
    assert titles(cal) == ["Easy ride"]
    [note] = cal.skipped
    assert note.where == "UID u"
    assert "UNTIL" in note.reason and "before the event starts" in note.reason


def test_rule_with_count_zero_keeps_dtstart_and_is_reported() -> None:
    once = vevent("c", "DTSTART:20260105T070000Z", "RRULE:FREQ=WEEKLY;COUNT=0", "SUMMARY:Once")
    cal = calendar(ics(*KEEPER, *once), "x.ics")
    assert titles(cal) == ["Once", "Easy ride"]
    [note] = cal.skipped
    assert note.where == "UID c" and "COUNT=0" in note.reason


# ----------------------------------------------------------------------------------- CSV text


def test_quotes_and_embedded_newlines_keep_spreadsheet_row_numbers() -> None:
    text = (
        "date,title,duration_min,description\r\n"
        '2026-05-01,"Ride ""fast"", then\r\ncoffee",60,"two\nlines"\r\n'
        '2026-05-02,"Run, easy",45,"a ""quoted"" word"\r\n'
        'not-a-date,"broken\nrow",1,\r\n'
        '2026-05-04,"",,"no title"\r\n'
    )
    cal = calendar(text.encode(), "x.csv")
    assert titles(cal) == ['Ride "fast", then\ncoffee', "Run, easy"]
    assert cal.events[1].description == 'a "quoted" word'
    assert [s.where for s in cal.skipped] == ["row 4", "row 5"]


def test_quote_in_the_middle_of_an_unquoted_cell() -> None:
    cal = calendar(rows("date,title", '2026-05-01,6" ride', '2026-05-02,Run "x" y'), "x.csv")
    assert titles(cal) == ['6" ride', 'Run "x" y']


def test_extra_and_missing_cells() -> None:
    cal = calendar(
        rows(
            "date,title,duration_min",
            "2026-05-01,Ride,60,EXTRA,MORE,",
            "2026-05-02,Run",
            "2026-05-03",
            ",Ride,60",
            "",
            "2026-05-06,,",
        ),
        "x.csv",
    )
    assert titles(cal) == ["Ride", "Run"]
    assert cal.events[0].duration_min == 60 and cal.events[1].duration_min is None
    assert [s.where for s in cal.skipped] == ["row 4", "row 5", "row 7"]


@pytest.mark.parametrize(
    "header", ["date,duration_min", "title,duration_min", "Activity Date,Activity Name"]
)
def test_missing_required_column_is_refused_naming_the_file(header: str) -> None:
    result = outcome(rows(header, "2026-05-01,60"), "short.csv")
    assert isinstance(result, CalendarError)
    assert "date,title" in str(result)


def test_header_only_and_duplicated_columns() -> None:
    assert calendar(b"date,title\n", "x.csv").events == []
    cal = calendar(rows("date,title,date,title", "2026-05-01,Ride,bad,Other"), "x.csv")
    assert titles(cal) == ["Ride"]  # the first of a duplicated column wins


# -------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("delimiter", "cell", "minutes"),
    [
        (",", '"1,234"', 1234),
        (",", '"1,234.4"', 1234),
        ("\t", "1,234", 1234),
        (";", "1.234,4", 1234),
        (";", "2.500,0", 2500),
        (";", "90,5", 90),
        ("|", "1,000", 1000),
    ],
)
def test_thousands_separators_in_minutes(delimiter: str, cell: str, minutes: int) -> None:
    header = delimiter.join(["date", "title", "duration_min"])
    line = delimiter.join(["2026-05-01", "Long ride", cell])
    [event] = calendar(rows(header, line), "x.csv").events
    assert event.duration_min == minutes


@pytest.mark.parametrize(("cell", "minutes"), [('"3,720"', 62), ('"3,720.0"', 62)])
def test_thousands_in_strava_seconds(cell: str, minutes: int) -> None:
    header = "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time"
    [event] = calendar(
        rows(header, f'1,"Jan 4, 2026, 9:02:11 AM",Ride,Ride,{cell}'), "x.csv"
    ).events
    assert event.duration_min == minutes


def test_semicolon_file_with_decimal_comma_seconds() -> None:
    header = "id;start_date_local;name;type;elapsed_time"
    cal = calendar(rows(header, "i1;2026-03-01T09:00:00;Ride;Ride;3720,0"), "x.csv")
    assert cal.events[0].duration_min == 62


def test_semicolon_file_dot_thousands_without_decimals() -> None:
    header = "id;start_date_local;name;type;elapsed_time"
    cal = calendar(
        rows(
            header,
            "i1;2026-03-01T09:00:00;Ride;Ride;13.100,0",
            "i2;2026-03-02T09:00:00;Ride;Ride;3.720",
        ),
        "x.csv",
    )
    assert [e.duration_min for e in cal.events] == [218, 62]


# ------------------------------------------------------------------------------ durations


@pytest.mark.parametrize(
    ("header", "line"),
    [
        ("date,title,duration_min", "2026-05-01,Ride,1:02:03"),
        ("date,title,duration_min", "2026-05-01,Ride,01:02:03.4"),
        ("Title,WorkoutType,WorkoutDay,TimeTotalInHours", "Ride,Bike,2026-05-01,1:02:03"),
        ("Activity Type,Date,Title,Time", "Cycling,2026-05-01 09:00:00,Ride,1:02:03"),
        ("start_date_local,name,type,elapsed_time", "2026-05-01T09:00:00,Ride,Ride,1:02:03"),
        (
            "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time",
            '1,"May 1, 2026, 9:00:00 AM",Ride,Ride,1:02:03',
        ),
    ],
)
def test_clock_durations_in_every_format(header: str, line: str) -> None:
    [event] = calendar(rows(header, line), "x.csv").events
    assert event.duration_min == 62


@pytest.mark.parametrize(
    ("cell", "problem"),
    [("-1:02:03", "negative"), ("48:00:01", "over 48 h"), ("1:02:03:04", "duration")],
)
def test_bad_clock_durations_are_skipped_with_their_row(cell: str, problem: str) -> None:
    cal = calendar(
        rows("date,title,duration_min", "2026-05-01,Ok,1:00", f"2026-05-02,Bad,{cell}"), "x.csv"
    )
    assert titles(cal) == ["Ok"]
    [note] = cal.skipped
    assert note.where == "row 3" and problem in note.reason


# ------------------------------------------------------------------- fuzzing the real fixtures

_FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# the real-world shapes of issue 12 (tests/fixtures/import/real): mutated like the others
REAL_ICS = sorted(f"real/{p.name}" for p in (FIXTURES / "real").glob("*.ics"))
_FIXTURE_BYTES = {name: fixture(name) for name in ICS_FIXTURES + CSV_FIXTURES + REAL_ICS}


@st.composite
def mutated(draw: st.DrawFn, names: list[str]) -> tuple[str, bytes]:
    """A real fixture with 1-6 byte flips, insertions, deletions or duplicated slices."""
    name = draw(st.sampled_from(names))
    data = bytearray(_FIXTURE_BYTES[name])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "interesting"]))
        if op == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 200))]
        else:
            token = draw(
                st.sampled_from(
                    [
                        b"\r",
                        b"\n",
                        b"\x00",
                        b'"',
                        b",",
                        b";",
                        b":",
                        b"\xff",
                        b"\xef\xbb\xbf",
                        b"0",
                        b"9",
                        b"-",
                        b"END:VEVENT\r\n",
                        b"BEGIN:VEVENT\r\n",
                        b"T",
                        b"Z",
                    ]
                )
            )
            data[at:at] = token
    return name, bytes(data)


@pytest.mark.timeout(300)
@_FUZZ
@given(mutated(ICS_FIXTURES))
def test_fuzz_mutated_ics_fixtures(case: tuple[str, bytes]) -> None:
    name, data = case
    outcome(data, name)


@pytest.mark.timeout(300)
@_FUZZ
@given(mutated(REAL_ICS))
def test_fuzz_mutated_real_world_shapes(case: tuple[str, bytes]) -> None:
    name, data = case
    with work_budget(WORK_BUDGET * 4):  # the largest of these files holds 34 events
        outcome(data, name)


@pytest.mark.timeout(300)
@_FUZZ
@given(mutated(CSV_FIXTURES))
def test_fuzz_mutated_csv_fixtures(case: tuple[str, bytes]) -> None:
    name, data = case
    outcome(data, name)


def test_csv_fixtures_survive_a_round_trip_through_the_csv_module() -> None:
    # Rewriting with Python's csv module (quoting everything) must not change what is read.
    for name in CSV_FIXTURES:
        text = fixture(name).decode("utf-8")
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerows(csv.reader(io.StringIO(text, newline="")))
        again = buffer.getvalue().encode()
        assert calendar_to_json(calendar(again, name)) == calendar_to_json(
            calendar(fixture(name), name)
        ), name


# ------------------------------------------------------------- degenerate rules: the details


@pytest.mark.parametrize("interval", ["0", "-2"])
def test_interval_below_one_names_the_reason(interval: str) -> None:
    rule = f"RRULE:FREQ=DAILY;INTERVAL={interval}"
    data = ics(*KEEPER, *vevent("zero", "DTSTART:20260105T070000Z", rule, "SUMMARY:x"))
    cal = calendar(data, "x.ics")
    assert titles(cal) == ["Easy ride"]
    [note] = cal.skipped
    assert note.where == "UID zero" and "INTERVAL must be 1 or more" in note.reason


def test_leap_day_rule_is_expanded_when_the_window_has_a_leap_year() -> None:
    rule = "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"
    data = ics(*vevent("leap", "DTSTART;VALUE=DATE:20240229", rule, "SUMMARY:Leap ride"))
    with work_budget():
        cal = calendar(data, "x.ics", start=dt.date(2026, 1, 1), end=dt.date(2029, 12, 31))
    assert [e.date for e in cal.events] == [dt.date(2028, 2, 29)]
    assert cal.skipped == []


def test_rule_matching_nothing_in_the_window_is_reported() -> None:
    rule = "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"
    data = ics(*KEEPER, *vevent("leap", "DTSTART;VALUE=DATE:20250301", rule, "SUMMARY:Leap"))
    with work_budget():
        cal = calendar(data, "x.ics", start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    assert titles(cal) == ["Easy ride"]
    assert [s.where for s in cal.skipped] == ["UID leap"]


def test_negative_duration_on_a_date_event_keeps_the_day() -> None:
    lines = ["DTSTART;VALUE=DATE:20260310", "DURATION:-P1D", "SUMMARY:Back"]
    cal = calendar(ics(*vevent("neg", *lines)), "x.ics")
    assert [e.date for e in cal.events] == [dt.date(2026, 3, 10)]
    assert [s.where for s in cal.skipped] == ["UID neg"]


def test_ics_with_bare_cr_locates_a_vevent_by_its_line() -> None:
    data = ics(*KEEPER, *vevent(None, "SUMMARY:No start"), end="\r")
    cal = calendar(data, "x.ics")
    assert titles(cal) == ["Easy ride"]
    assert [s.where for s in cal.skipped] == ["line 9"]


@pytest.mark.parametrize(("cell", "minutes"), [("3.5", 0), ("10.800", 180), ("62", 1)])
def test_semicolon_file_dots(cell: str, minutes: int) -> None:
    header = "id;start_date_local;name;type;elapsed_time"
    cal = calendar(rows(header, f"i1;2026-03-01T09:00:00;Ride;Ride;{cell}"), "x.csv")
    assert cal.events[0].duration_min == minutes
