"""Import accuracy on real-world calendar shapes (issue 12, "Import accuracy" 1-11).

Every fixture in tests/fixtures/import/real/ is a real file from a calendar library's test suite
or one derived from such a file by the smallest change that gives it the shape under test
(tests/fixtures/SOURCES.md says which and how). Each test failed before the fix it covers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from planner.domain import Calendar
from planner.importers import read_calendar

REAL = Path(__file__).parent / "fixtures" / "import" / "real"
LONDON = ZoneInfo("Europe/London")


def load(name: str, **options: object) -> Calendar:
    return read_calendar((REAL / name).read_bytes(), name, **options)  # type: ignore[arg-type]


def titles(cal: Calendar) -> list[str]:
    return [e.title for e in cal.events]


# ------------------------------------------------ 1. one bad part that is not an event


def test_alarm_with_a_sign_inside_its_duration_keeps_the_event() -> None:
    cal = load("thunderbird_alarm_bad_trigger.ics")
    assert titles(cal) == ["event"]
    [note] = cal.skipped
    assert note.where == "UID a6b8cf4d-b7fa-4939-a039-003db08bf7a7"
    assert "VALARM" in note.reason and "PT-2H" in note.reason and "without it" in note.reason


def test_todo_in_year_minus_one_and_reversed_freebusy_are_reported_not_fatal() -> None:
    cal = load("todo_year_minus_one_and_reversed_freebusy.ics")
    assert titles(cal) == ["Test Event 1", "Test Event 2"]
    assert [s.where for s in cal.skipped] == ["line 33", "line 43"]
    todo, freebusy = (s.reason for s in cal.skipped)
    assert "VTODO" in todo and "todo-1@example.com" in todo and "-0010101" in todo
    assert "VFREEBUSY" in freebusy and "fb-1@example.com" in freebusy


def test_exchange_timezone_with_an_empty_tzid_is_skipped_and_the_events_kept() -> None:
    cal = load("exchange_empty_tzid.ics", end=dt.date(2020, 9, 30))
    assert "Refuse black bin" in titles(cal) and "Blue Recycle bin" in titles(cal)
    [note] = cal.skipped
    assert note.where == "line 6" and "VTIMEZONE" in note.reason and "TZID" in note.reason


def test_wordpress_timezone_with_two_tzids_keeps_the_first() -> None:
    cal = load("wordpress_two_tzids.ics")
    assert titles(cal) == ["Possible Snow Makeup Day"]
    [note] = cal.skipped
    assert note.where == "line 12" and "TZID more than once" in note.reason


def test_cut_off_file_keeps_its_complete_events_and_says_it_was_cut() -> None:
    whole = load("germany_holidays_cut.ics")
    assert len(whole.events) == 17 and whole.events[0].title == "New Year's Day"
    [note] = whole.skipped
    assert note.where == "line 246" and "cut off" in note.reason


# ------------------------------------------------------ 2. a custom zone at UTC+0


def test_gmt_standard_time_is_london_not_utc() -> None:
    cal = load("office365_gmt_standard_time.ics", timezone="Europe/Berlin")
    [run] = cal.events
    # 23:30 in London on 15 January, whatever the athlete's zone; not 00:30 Berlin time
    assert run.date == dt.date(2026, 1, 15)
    assert run.start == dt.datetime(2026, 1, 15, 23, 30, tzinfo=LONDON)
    assert run.duration_min == 60
    assert cal.timezone == "Europe/London"  # the Windows name, mapped


def test_gmt_standard_time_without_tzname_is_not_floating_under_x_wr_timezone() -> None:
    [run] = load("office365_gmt_standard_time_xwr.ics").events
    assert run.start.astimezone(dt.UTC) == dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC)


# ------------------------------------------------ 3. all-day events written with a TZID


def test_all_day_with_tzid_is_one_all_day_event_per_day() -> None:
    cal = load("sabredav_school_holidays.ics")
    days = [e.date for e in cal.events]
    assert days[0] == dt.date(2018, 7, 2) and days[-1] == dt.date(2018, 8, 10)
    assert len(days) == 40 == len(set(days))
    assert all(e.start is None and e.duration_min is None for e in cal.events)
    assert cal.skipped == []


def test_date_start_with_utc_date_time_end_stays_all_day() -> None:
    cal = load("sabredav_date_start_utc_end.ics")
    assert len(cal.events) == 40
    assert {e.title for e in cal.events} == {"Training camp - long rides"}
    assert all(e.start is None for e in cal.events)


# ------------------------------------------------------------------- 4. SEQUENCE


def test_highest_sequence_wins_even_when_the_start_moved() -> None:
    cal = load("node_ical_uid_sequence.ics")
    assert titles(cal) == ["Team Meeting (SEQUENCE 2)", "Updated version (SEQUENCE 3) - should win"]
    assert sorted(s.where for s in cal.skipped) == [
        "UID duplicate-sequence-test@node-ical.test",
        "UID newer-wins-test@node-ical.test",
    ]
    assert all("higher SEQUENCE" in s.reason for s in cal.skipped)


def test_latest_dtstamp_wins_on_the_same_sequence() -> None:
    data = (REAL / "node_ical_uid_sequence.ics").read_bytes()
    data = data.replace(b"SEQUENCE:3", b"SEQUENCE:1")  # same SEQUENCE: the later DTSTAMP wins
    cal = read_calendar(data, "x.ics")
    assert "Updated version (SEQUENCE 3) - should win" in titles(cal)
    assert "First version (SEQUENCE 1)" not in titles(cal)


def test_changed_occurrence_versions_keep_the_highest_sequence() -> None:
    data = (REAL / "node_ical_rrule_sequence.ics").read_bytes()
    override = (
        b"BEGIN:VEVENT\r\nUID:rrule-sequence-test@node-ical.test\r\n"
        b"RECURRENCE-ID:20240103T100000Z\r\nSEQUENCE:%d\r\nDTSTART:%s\r\n"
        b"SUMMARY:%s\r\nEND:VEVENT\r\n"
    )
    data = data.replace(
        b"END:VCALENDAR",
        override % (3, b"20240103T160000Z", b"Moved v3")
        + override % (2, b"20240103T170000Z", b"Moved v2")
        + b"END:VCALENDAR",
    )
    cal = read_calendar(data, "x.ics")
    assert "Moved v3" in titles(cal) and "Moved v2" not in titles(cal)


# ------------------------------------------------------ 5. series starting before 1900


def test_birthday_from_1604_and_holiday_from_1753_recur_in_the_window() -> None:
    cal = load("nextcloud_birthday_1604.ics", start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31))
    assert [(e.date, e.title) for e in cal.events] == [
        (dt.date(2027, 2, 22), "SUMMARY"),
        (dt.date(2027, 12, 27), "Boxing Day"),  # the 26th is a Sunday: the first weekday
    ]
    assert cal.skipped == []


def test_old_series_does_not_pull_the_default_window_back() -> None:
    data = (
        (REAL / "nextcloud_birthday_1604.ics")
        .read_bytes()
        .replace(
            b"END:VCALENDAR",
            b"BEGIN:VEVENT\r\nUID:ride\r\nDTSTART;VALUE=DATE:20270301\r\nSUMMARY:Ride\r\n"
            b"END:VEVENT\r\nEND:VCALENDAR",
        )
    )
    cal = read_calendar(data, "x.ics")
    assert cal.events[0].date == dt.date(2027, 3, 1)
    assert all(e.date.year >= 2027 for e in cal.events)


# ------------------------------------------------------------ 6. two RRULEs (Cyrus)


def test_two_rrules_expand_as_their_union() -> None:
    cal = load("cyrus_two_rrules.ics")
    days = [e.date for e in cal.events]
    # 20 Thursdays from 12 January 2023, and the 2nd Monday of two months
    assert len([d for d in days if d.weekday() == 3]) == 20
    assert [d for d in days if d.weekday() == 0] == [dt.date(2023, 2, 13), dt.date(2023, 3, 13)]
    assert cal.skipped == []


# ------------------------------------------------------ 7. UTF-8 split by a fold


def test_fold_inside_a_utf8_character_reads_as_utf8() -> None:
    cal = load("owncloud_fold_inside_utf8.ics", end=dt.date(2013, 12, 31))
    assert titles(cal) == ["Fête Nationale - Férié"] * 2
    assert [e.date for e in cal.events] == [dt.date(2012, 7, 14), dt.date(2013, 7, 14)]
    assert all(e.start is None for e in cal.events)  # TZID;VALUE=DATE: all-day


# ----------------------------------------------------- 8. UID with a trailing space


def test_uid_with_a_trailing_space_is_imported_once_and_not_reported() -> None:
    cal = load("google_uid_trailing_space.ics")
    assert len(cal.events) == 2
    assert cal.skipped == []


# ----------------------------------------------------- 9. UTC times, athlete's zone


def test_utc_feed_is_dated_in_the_athletes_zone() -> None:
    cal = load("node_ical_uid_sequence.ics", timezone="Australia/Sydney")
    updated = [e for e in cal.events if e.title.startswith("Updated")][0]
    # 14:00 UTC on 20 January is 01:00 on the 21st in Sydney
    assert updated.date == dt.date(2024, 1, 21)
    assert updated.start.utcoffset() == dt.timedelta(hours=11)


# ----------------------------------------------------------- 11. X-WR-TIMEZONE


@pytest.mark.parametrize(
    ("name", "second_day", "noted"),
    [
        ("google_xwr_empty.ics", dt.date(2021, 12, 23), True),
        ("google_xwr_unknown.ics", dt.date(2021, 12, 23), True),
        ("google_xwr_trailing_space.ics", dt.date(2021, 12, 22), False),
        ("google_xwr_windows.ics", dt.date(2021, 12, 22), False),
    ],
)
def test_odd_x_wr_timezone_is_mapped_or_ignored_with_a_note(
    name: str, second_day: dt.date, noted: bool
) -> None:
    cal = load(name)
    # 02:00 UTC on 23 December is 21:00 on the 22nd in New York
    assert [e.date for e in cal.events] == [dt.date(2021, 12, 22), second_day]
    if noted:
        [note] = cal.skipped
        assert note.where == "calendar" and "X-WR-TIMEZONE" in note.reason
    else:
        assert cal.skipped == []
        assert cal.timezone == "America/New_York"


# ---------------------------------------------- found by the fuzz tests of these shapes


def _with_x_wr(*event: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "X-WR-TIMEZONE:W. Europe Standard Time"]
    lines += ["BEGIN:VEVENT", *event, "END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines).encode()


def test_x_wr_timezone_on_the_last_second_of_9999_is_reported_not_a_crash() -> None:
    cal = read_calendar(_with_x_wr("UID:far", "DTSTART:99991231T235959Z"), "x.ics")
    assert cal.events == [] and [s.where for s in cal.skipped] == ["UID far"]


def test_x_wr_timezone_keeps_line_numbers_and_parse_errors() -> None:
    cal = read_calendar(
        _with_x_wr("DTSTART;VALUE=DATE:16040222", "RRULE:FREQ=WEEKLY;BYDAY=XX"), "x.ics"
    )
    [note] = cal.skipped
    assert note.where == "line 4" and "RRULE cannot be read" in note.reason


def test_athletes_zone_wins_over_x_wr_timezone_for_utc_times() -> None:
    # Google's X-WR-TIMEZONE is New York; the athlete lives in Sydney
    cal = load("google_xwr_windows.ics", timezone="Australia/Sydney")
    # 17:00 UTC on 22 December is 04:00 on the 23rd in Sydney (AEDT, +11)
    first = cal.events[0]
    assert first.date == dt.date(2021, 12, 23)
    assert first.start.utcoffset() == dt.timedelta(hours=11)
    assert cal.timezone == "America/New_York"  # the calendar's own zone is still reported


def test_uid_with_colons_names_the_event_whose_alarm_was_dropped() -> None:
    data = (REAL / "thunderbird_alarm_bad_trigger.ics").read_bytes()
    data = data.replace(b"UID:a6b8cf4d-b7fa-4939-a039-003db08bf7a7", b"UID:urn:uuid:a6b8cf4d")
    [note] = read_calendar(data, "x.ics").skipped
    assert note.where == "UID urn:uuid:a6b8cf4d"


def test_fold_inside_a_utf8_character_after_a_byte_order_mark() -> None:
    data = b"\xef\xbb\xbf" + (REAL / "owncloud_fold_inside_utf8.ics").read_bytes()
    cal = read_calendar(data, "x.ics", end=dt.date(2012, 12, 31))
    assert titles(cal) == ["Fête Nationale - Férié"]


def test_gmt_standard_time_with_tzname_lines_under_x_wr_timezone_stays_in_london() -> None:
    data = (REAL / "office365_gmt_standard_time_xwr.ics").read_bytes()
    data = data.replace(b"TZOFFSETTO:+0000\r\n", b"TZOFFSETTO:+0000\r\nTZNAME:GMT\r\n")
    data = data.replace(b"TZOFFSETTO:+0100\r\n", b"TZOFFSETTO:+0100\r\nTZNAME:BST\r\n")
    [run] = read_calendar(data, "x.ics").events
    # X-WR-TIMEZONE is Berlin, but the run is at 23:30 London time: still the 15th
    assert run.date == dt.date(2026, 1, 15)
    assert run.start.astimezone(dt.UTC) == dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC)


def test_event_missing_its_end_drops_the_event_inside_it_with_a_note() -> None:
    data = (REAL / "node_ical_uid_sequence.ics").read_bytes()
    data = data.replace(b"DTSTAMP:20240115T080000Z\nEND:VEVENT\n", b"DTSTAMP:20240115T080000Z\n", 1)
    cal = read_calendar(data, "x.ics")
    assert "Team Meeting (SEQUENCE 2)" in titles(cal)
    assert any(
        s.where == "UID duplicate-sequence-test@node-ical.test" and "contains a VEVENT" in s.reason
        for s in cal.skipped
    )


def test_rfc_9073_location_inside_an_event_is_not_reported() -> None:
    data = (REAL / "node_ical_uid_sequence.ics").read_bytes()
    location = b"BEGIN:VLOCATION\nUID:loc-1\nNAME:Track\nEND:VLOCATION\nEND:VEVENT\n"
    data = data.replace(b"END:VEVENT\n", location, 1)
    assert not any("VLOCATION" in s.reason for s in read_calendar(data, "x.ics").skipped)
