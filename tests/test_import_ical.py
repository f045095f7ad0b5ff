"""iCalendar import: recurrences, time zones, all-day events and broken components."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from planner.domain import Kind, Priority, Sport
from planner.errors import CalendarError
from planner.importers import load_calendar, read_calendar
from planner.importers.limits import MAX_EVENTS
from tests.import_helpers import ics, vevent

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def test_google_calendar_with_x_wr_timezone() -> None:
    cal = load_calendar(FIXTURES / "google_xwr.ics", end=dt.date(2026, 3, 31))
    assert (cal.format, cal.timezone, cal.name) == ("ics", "America/New_York", "Training")
    tuesdays = [e for e in cal.events if e.title.startswith("Tuesday night intervals")]
    first = tuesdays[0]
    # 23:30 UTC is 18:30 in New York, the same local Tuesday
    assert first.start == dt.datetime(2026, 1, 6, 18, 30, tzinfo=ZoneInfo("America/New_York"))
    assert first.date == dt.date(2026, 1, 6)
    assert (first.sport, first.kind, first.duration_min) == (Sport.ride, Kind.hard, 90)
    dates = [e.date for e in tuesdays]
    assert dt.date(2026, 1, 20) not in dates  # EXDATE
    moved = [e for e in tuesdays if e.title.endswith("(moved later)")]
    assert [e.start.hour for e in moved] == [19]  # RECURRENCE-ID override replaces the 13th
    assert dates.count(dt.date(2026, 1, 13)) == 1
    assert "it’s dark, and cold." in first.description  # folded, non-ASCII, escaped comma
    # DST: still 18:30 local after the March change
    march = [e for e in tuesdays if e.date == dt.date(2026, 3, 10)][0]
    assert (march.start.hour, march.start.utcoffset()) == (18, dt.timedelta(hours=-4))


def test_all_day_floating_and_cancelled() -> None:
    cal = load_calendar(FIXTURES / "google_xwr.ics", end=dt.date(2026, 3, 31))
    race = [e for e in cal.events if "Cyclocross" in e.title][0]
    assert (race.start, race.end, race.kind, race.priority) == (None, None, Kind.race, Priority.A)
    floating = [e for e in cal.events if e.title.startswith("Long ride")][0]
    assert floating.start.tzinfo == ZoneInfo("America/New_York")  # calendar tz attached
    assert floating.start.hour == 13
    assert any("CANCELLED" in s.reason for s in cal.skipped)
    assert not [e for e in cal.events if e.title == "Cancelled spin"]


def test_edge_cases_are_reported_not_raised() -> None:
    cal = load_calendar(
        FIXTURES / "edge_cases.ics", start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30)
    )
    reasons = {s.where: s.reason for s in cal.skipped}
    assert "no DTSTART" in reasons["UID no-start"]
    assert "DTEND" in reasons["UID end-before-start"]
    assert "year 1" in reasons["UID year-one"]
    assert "year 9999" in reasons["UID year-9999"]
    assert "duplicate" in reasons["UID dup"]
    assert "RRULE" in reasons["UID runaway"] and "10,000" in reasons["UID runaway"]
    assert "RRULE" in reasons["UID bad-rule"]
    events = cal.events
    assert cal.timezone == "Europe/Berlin"
    fixed = [e for e in events if e.source.where == "UID end-before-start"]
    assert len(fixed) == 1 and fixed[0].end is None
    assert len([e for e in events if e.source.where == "UID dup"]) == 1
    # unbounded weekly rule bounded by the window: Thursdays of March and April 2026
    assert len([e for e in events if e.source.where == "UID forever"]) == 9
    assert len([e for e in events if e.source.where == "UID rdate"]) == 3
    folded = [e for e in events if e.title.startswith("Langer Lauf")][0]
    assert folded.title.endswith("longer than seventy-five octets")
    assert folded.source.where.startswith("line ")
    assert (folded.sport, folded.kind) == (Sport.run, Kind.long)
    assert "Zürich" in [e for e in events if e.source.where == "UID forever"][0].title


def test_default_window_is_two_years_from_the_first_event() -> None:
    data = ics(
        *vevent("w", "DTSTART;VALUE=DATE:20260105", "RRULE:FREQ=WEEKLY", "SUMMARY:Easy ride"),
        *vevent("late", "DTSTART;VALUE=DATE:20300105", "SUMMARY:Far away ride"),
    )
    cal = read_calendar(data, "x.ics")
    assert cal.events[0].date == dt.date(2026, 1, 5)
    assert cal.events[-1].date <= dt.date(2028, 1, 5)
    assert 100 <= len(cal.events) <= 105
    assert any("outside the default window" in s.reason for s in cal.skipped)
    assert any(s.reason.startswith("1 event after 2028-01-05 is outside") for s in cal.skipped)


def test_window_drops_events_outside() -> None:
    data = ics(*vevent("w", "DTSTART;VALUE=DATE:20260105", "RRULE:FREQ=DAILY", "SUMMARY:Easy ride"))
    cal = read_calendar(data, "x.ics", start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 7))
    assert [e.date.day for e in cal.events] == [1, 2, 3, 4, 5, 6, 7]


def test_lf_line_endings_and_utc_without_calendar_timezone() -> None:
    data = ics(
        *vevent("u", "DTSTART:20260105T070000Z", "DTEND:20260105T080000Z", "SUMMARY:Tempo run")
    ).replace(b"\r\n", b"\n")
    cal = read_calendar(data)
    event = cal.events[0]
    assert event.start == dt.datetime(2026, 1, 5, 7, tzinfo=dt.UTC)
    assert (event.kind, event.duration_min, cal.timezone) == (Kind.hard, 60, None)


def test_floating_time_with_athlete_timezone() -> None:
    data = ics(*vevent("f", "DTSTART:20260105T070000", "SUMMARY:Easy run"))
    naive = read_calendar(data).events[0]
    assert naive.start == dt.datetime(2026, 1, 5, 7)  # no timezone known anywhere: stays naive
    aware = read_calendar(data, timezone="Europe/Paris").events[0]
    assert aware.start.tzinfo == ZoneInfo("Europe/Paris")


def test_multi_day_all_day_event_covers_each_day() -> None:
    data = ics(
        *vevent(
            "c",
            "DTSTART;VALUE=DATE:20260301",
            "DTEND;VALUE=DATE:20260304",
            "SUMMARY:Training camp rides",
        )
    )
    cal = read_calendar(data)
    assert [e.date.day for e in cal.events] == [1, 2, 3]


def test_same_uid_distinct_one_off_events_are_both_kept() -> None:
    data = ics(
        *vevent("same", "DTSTART;VALUE=DATE:20260301", "SUMMARY:Ride A"),
        *vevent("same", "DTSTART;VALUE=DATE:20260302", "SUMMARY:Ride B"),
    )
    assert [e.title for e in read_calendar(data).events] == ["Ride A", "Ride B"]


def test_same_uid_versions_keep_highest_sequence() -> None:
    data = ics(
        *vevent("v", "SEQUENCE:2", "DTSTART;VALUE=DATE:20260301", "SUMMARY:New"),
        *vevent("v", "SEQUENCE:1", "DTSTART;VALUE=DATE:20260301", "SUMMARY:Old"),
    )
    assert [e.title for e in read_calendar(data).events] == ["New"]


def test_category_priority() -> None:
    data = ics(*vevent("r", "DTSTART;VALUE=DATE:20260301", "SUMMARY:Big day", "CATEGORIES:Race,A"))
    event = read_calendar(data).events[0]
    assert (event.kind, event.priority) == (Kind.race, Priority.A)


def test_too_many_events_in_window_is_refused() -> None:
    daily = ("DTSTART:20260101T060000Z", "RRULE:FREQ=DAILY")
    series = [line for n in range(40) for line in vevent(f"s{n}", *daily, f"SUMMARY:Ride {n}")]
    with pytest.raises(CalendarError, match=f"{MAX_EVENTS:,}"):
        read_calendar(ics(*series), "big.ics")


def test_named_ics_but_not_ical() -> None:
    with pytest.raises(CalendarError, match="BEGIN:VCALENDAR"):
        read_calendar(b"BEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\n", "cal.ics")


def test_truncated_calendar() -> None:
    data = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2026"
    with pytest.raises(CalendarError):
        read_calendar(data, "cut.ics")
