"""Bad input never escapes as anything but CalendarError, and limits are enforced."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain import Calendar
from planner.errors import CalendarError
from planner.importers import load_calendar, read_calendar
from planner.importers.limits import MAX_FILE_BYTES


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"   \n\r\n  ", "empty"),
        (b"PK\x03\x04rest-of-zip", "ZIP"),
        (b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT", "FIT"),
        (b"%PDF-1.7 ...", "PDF"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_not_a_calendar(data: bytes, needle: str) -> None:
    with pytest.raises(CalendarError, match=needle):
        read_calendar(data, "upload.bin")


def test_oversize_bytes_refused_before_parsing() -> None:
    with pytest.raises(CalendarError, match="10 MB"):
        read_calendar(b"date,title\n" + b"x" * (MAX_FILE_BYTES + 1), "huge.csv")


def test_fifty_megabyte_file_refused_by_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: cheap to create
    with pytest.raises(CalendarError, match="huge.csv.*10 MB"):
        load_calendar(path)


def test_missing_path_and_directory(tmp_path: Path) -> None:
    with pytest.raises(CalendarError, match="nope.ics"):
        load_calendar(tmp_path / "nope.ics")
    with pytest.raises(CalendarError, match="directory"):
        load_calendar(tmp_path)


def test_bad_window_and_timezone() -> None:
    data = b"date,title\n2026-01-01,Ride\n"
    with pytest.raises(CalendarError, match="before it starts"):
        read_calendar(data, start=dt.date(2026, 2, 1), end=dt.date(2026, 1, 1))
    with pytest.raises(CalendarError, match="timezone"):
        read_calendar(data, timezone="Mars/Olympus")


def test_unclosed_quote_keeps_going_or_errors_cleanly() -> None:
    data = b'date,title\n2026-01-01,"Ride\n2026-01-02,Run\n'
    try:
        cal = read_calendar(data, "q.csv")
    except CalendarError:
        return
    assert len(cal.events) + len(cal.skipped) >= 1


def test_year_one_and_9999_in_csv() -> None:
    cal = read_calendar(b"date,title\n0001-01-01,Ride\n9999-12-31,Run\n2026-01-01,Ride\n")
    assert [s.where for s in cal.skipped] == ["row 2", "row 3"]
    assert len(cal.events) == 1


def _import_expecting_only_handled_errors(data: bytes, name: str) -> Calendar | None:
    """Import; a CalendarError is fine unless it is the safety net for an unexpected bug."""
    try:
        return read_calendar(data, name)
    except CalendarError as exc:
        assert "please report it" not in str(exc), f"unexpected internal error: {exc}"
        return None


_settings = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@_settings
@given(st.binary(max_size=2000))
def test_random_bytes_only_raise_calendar_error(data: bytes) -> None:
    _import_expecting_only_handled_errors(data, "random.bin")


_cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "2026-01-05",
            "1/2/2026",
            "Jan 5, 2026, 7:00:00 AM",
            "-5",
            "1:02:03",
            "1,234",
            "ride",
            "race",
            "A",
            "(A)",
            "--",
            '"',
            "\n",
            "99999999999",
        ]
    ),
)
_headers = st.sampled_from(
    [
        ["date", "title", "sport", "kind", "priority", "duration_min", "description"],
        [
            "Title",
            "WorkoutType",
            "WorkoutDescription",
            "PlannedDuration",
            "WorkoutDay",
            "TimeTotalInHours",
        ],
        ["Activity ID", "Activity Date", "Activity Name", "Activity Type", "Elapsed Time"],
        ["Activity Type", "Date", "Favorite", "Title", "Time"],
        ["id", "start_date_local", "name", "type", "elapsed_time", "race"],
    ]
)


@_settings
@given(
    _headers, st.lists(st.lists(_cell, max_size=8), max_size=8), st.sampled_from([",", ";", "\t"])
)
def test_random_csv_only_raises_calendar_error(
    header: list[str], rows: list[list[str]], delimiter: str
) -> None:
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    cal = _import_expecting_only_handled_errors("\n".join(lines).encode(), "random.csv")
    if cal is None:
        return
    for event in cal.events:
        assert event.priority is None or event.kind.value == "race"


_ics_line = st.sampled_from(
    [
        "DTSTART:20260105T070000Z",
        "DTSTART;VALUE=DATE:20260105",
        "DTSTART:garbage",
        "DTEND:20260101T000000Z",
        "RRULE:FREQ=DAILY",
        "RRULE:FREQ=SECONDLY",
        "RRULE:FREQ=WEEKLY;BYDAY=XX",
        "EXDATE:20260106T070000Z",
        "RDATE:20260201T070000Z",
        "DURATION:PT1H",
        "DURATION:-PT1H",
        "SUMMARY:Race (A)",
        "UID:same",
        "RECURRENCE-ID:20260107T070000Z",
        "DTSTART:00010101T000000Z",
        "DTSTART:99991231T235959Z",
        "CATEGORIES:A-Race",
        "STATUS:CANCELLED",
        "X-WR-TIMEZONE:Nowhere/X",
        # shapes of issue 12: real calendars that once sank the whole file or misdated it
        "DTSTART;TZID=Asia/Tokyo;VALUE=DATE:20260111",
        "DTEND:20260310T000000Z",
        "DTSTART;TZID=GMT Standard Time:20260115T233000",
        "DTSTART;VALUE=DATE:16040222",
        "DTSTART;VALUE=DATE:17531226",
        "RRULE:FREQ=YEARLY",
        "RRULE:FREQ=MONTHLY;BYDAY=2MO;COUNT=2",
        "SEQUENCE:3",
        "DTSTAMP:20260101T000000Z",
        "UID:same ",
        "BEGIN:VALARM",
        "TRIGGER;RELATED=START:PT-2H",
        "END:VALARM",
        "BEGIN:VEVENT",
    ]
)
# Whole components placed between the events: broken ones must cost only themselves.
_ics_component = st.sampled_from(
    [
        ["BEGIN:VTODO", "UID:t", "DUE;VALUE=DATE:-0010101", "END:VTODO"],
        ["BEGIN:VFREEBUSY", "FREEBUSY:20260115T180000Z/20260115T160000Z", "END:VFREEBUSY"],
        [
            "BEGIN:VTIMEZONE",
            "TZID:",
            "BEGIN:STANDARD",
            "DTSTART:16010101T000000",
            "TZOFFSETFROM:+0000",
            "TZOFFSETTO:+0000",
            "END:STANDARD",
            "END:VTIMEZONE",
        ],
        [
            "BEGIN:VTIMEZONE",
            "TZID:GMT Standard Time",
            "TZID:Europe/London",
            "BEGIN:STANDARD",
            "DTSTART:16010101T020000",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0000",
            "END:STANDARD",
            "END:VTIMEZONE",
        ],
        ["X-WR-TIMEZONE:W. Europe Standard Time"],
        ["X-WR-TIMEZONE:"],
        ["BEGIN:VEVENT", "UID:cut", "DTSTART:20260105T070000Z"],
    ]
)


@_settings
@given(
    st.lists(st.lists(_ics_line, max_size=6), max_size=5),
    st.lists(_ics_component, max_size=3),
    st.booleans(),
)
def test_random_ical_only_raises_calendar_error(
    events: list[list[str]], others: list[list[str]], cut: bool
) -> None:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//EN"]
    for lines in others:
        body += lines
    for lines in events:
        body += ["BEGIN:VEVENT", *lines, "END:VEVENT"]
    if not cut:
        body.append("END:VCALENDAR")
    cal = _import_expecting_only_handled_errors("\r\n".join(body).encode(), "random.ics")
    if cal is None:
        return
    for event in cal.events:
        assert 1900 <= event.date.year <= 2200
        if event.start is None:  # all-day: no clock time, no duration
            assert event.end is None and event.duration_min is None
