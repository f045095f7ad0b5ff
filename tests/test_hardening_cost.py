"""Bounded cost of importing a calendar under the size limit, and of a refused upload in the app.

A 10 MB .ics file can hold 189,000 tiny VEVENTs or one VEVENT with 1.4 million X- lines; parsed
whole, either took 35-80 s and up to 1.3 GB before any limit stopped it. `check_ical_cost` counts
lines, components and line lengths before icalendar sees the text. Work is measured in function
calls (`work_budget` of tests/import_helpers.py), so the tests do not depend on the machine.
"""

from __future__ import annotations

import datetime as dt

import pytest

from planner.errors import CalendarError
from planner.importers import read_calendar
from planner.importers.limits import (
    MAX_FILE_BYTES,
    MAX_ICAL_COMPONENTS,
    MAX_ICAL_LINE_CHARS,
    MAX_ICAL_LINES,
    MAX_ICAL_LIST_VALUES,
    MAX_ICAL_PARAMETERS,
    MAX_ICAL_RECURRENCES,
    MAX_ICAL_TIMEZONES,
    check_ical_cost,
)
from tests.import_helpers import ics, vevent, work_budget

# Refusing a file must not parse it: a few thousand calls at most, whatever its size.
REFUSAL_BUDGET = 20_000


def tiny_events(count: int) -> bytes:
    body = []
    for n in range(count):
        body += vevent(str(n), "DTSTART:20270101")
    return ics(*body)


def one_event_with_x_lines(count: int) -> bytes:
    return ics(*vevent("1", "DTSTART:20270101", *(["X-A:1"] * count)))


def refused(data: bytes, name: str = "big.ics") -> str:
    with work_budget(REFUSAL_BUDGET), pytest.raises(CalendarError) as err:
        read_calendar(data, name)
    text = str(err.value)
    assert name in text
    return text


def test_189000_tiny_events_under_10_mb_are_refused_without_parsing() -> None:
    data = tiny_events(189_000)
    assert len(data) <= MAX_FILE_BYTES
    text = refused(data)
    assert f"{MAX_ICAL_LINES:,}" in text and "lines" in text


def test_one_event_with_1_4_million_x_lines_is_refused_without_parsing() -> None:
    data = one_event_with_x_lines(1_400_000)
    assert len(data) <= MAX_FILE_BYTES
    text = refused(data)
    assert "1,400,00" in text and f"{MAX_ICAL_LINES:,}" in text


def test_too_many_components_within_the_line_limit_are_refused() -> None:
    # one line per component: BEGIN/END pairs of empty VALARMs inside a single event
    body = ["BEGIN:VEVENT", "UID:1", "DTSTART:20270101"]
    body += ["BEGIN:VALARM", "END:VALARM"] * (MAX_ICAL_COMPONENTS // 2 + 10)
    body += ["begin:x-thing", "end:x-thing"] * (MAX_ICAL_COMPONENTS // 2)  # any case counts
    body.append("END:VEVENT")
    text = refused(ics(*body))
    assert "components" in text and f"{MAX_ICAL_COMPONENTS:,}" in text


def test_too_many_tiny_series_are_refused_without_expanding_them() -> None:
    # each series costs its own set-up: 9,990 of them took 5 s of CPU to expand before
    body = []
    for n in range(MAX_ICAL_COMPONENTS - 10):
        rule = "RRULE:FREQ=DAILY;COUNT=4" if n % 2 else "RDATE;VALUE=DATE:20270105"
        body += ["BEGIN:VEVENT", f"UID:{n}", "DTSTART;VALUE=DATE:20270101", rule, "END:VEVENT"]
    text = refused(ics(*body))
    assert "recurrence lines" in text and f"{MAX_ICAL_RECURRENCES:,}" in text


def test_series_up_to_the_recurrence_limit_are_expanded() -> None:
    body = []
    for n in range(MAX_ICAL_RECURRENCES):
        body += ["BEGIN:VEVENT", f"UID:{n}", "DTSTART;VALUE=DATE:20270101"]
        body += ["RRULE:FREQ=WEEKLY;COUNT=2", "SUMMARY:Ride", "END:VEVENT"]
    cal = read_calendar(ics(*body), "series.ics", end=dt.date(2027, 1, 31))
    assert len(cal.events) == 2 * MAX_ICAL_RECURRENCES


def test_too_many_rdate_and_exdate_values_are_refused_before_parsing() -> None:
    # a 10 MB file fits 600,000 dates on a hundred RDATE lines: 7.5 s of CPU to parse before
    day = ",".join(f"2027{m:02d}{d:02d}T070000Z" for m in range(1, 13) for d in range(1, 29))
    body = []
    for n in range(MAX_ICAL_LIST_VALUES // (12 * 28 * 2) + 1):
        body += ["BEGIN:VEVENT", f"UID:{n}", "DTSTART:20270101T070000Z"]
        body += [f"RDATE:{day}", f"exdate;tzid=Europe/London:{day}", "END:VEVENT"]
    text = refused(ics(*body))
    assert "RDATE, EXDATE" in text and f"{MAX_ICAL_LIST_VALUES:,}" in text


def test_too_many_categories_are_refused_before_parsing() -> None:
    # 100 events with 49,000 categories each took 17 s of CPU and 1.7 GB before
    cats = ",".join(["a"] * 20_000)
    body = []
    for n in range(MAX_ICAL_LIST_VALUES // 20_000 + 1):
        body += ["BEGIN:VEVENT", f"UID:{n}", "DTSTART:20270101T070000Z"]
        body += [f"CATEGORIES:{cats}", "END:VEVENT"]
    text = refused(ics(*body))
    assert "CATEGORIES" in text and f"{MAX_ICAL_LIST_VALUES:,}" in text


def test_too_many_parameters_are_refused_before_parsing() -> None:
    # a hundred lines of 15,000 parameters each took 5.6 s of CPU to parse before
    params = ";".join(f"P{n}=a" for n in range(10_000))
    body = []
    for n in range(MAX_ICAL_PARAMETERS // 10_000 + 1):
        body += ["BEGIN:VEVENT", f"UID:{n}", "DTSTART:20270101T070000Z"]
        body += [f'SUMMARY;{params};Q="a:b;c":Ride', "END:VEVENT"]
    text = refused(ics(*body))
    assert "parameters" in text and f"{MAX_ICAL_PARAMETERS:,}" in text


def test_one_overlong_line_is_refused_naming_the_property_and_line() -> None:
    dates = ",".join(f"2027{m:02d}{d:02d}" for m in range(1, 13) for d in range(1, 29))
    rdate = "RDATE;VALUE=DATE:" + ",".join([dates] * 40)
    assert len(rdate) > MAX_ICAL_LINE_CHARS
    folded = [rdate[i : i + 74] for i in range(0, len(rdate), 74)]
    body = ["BEGIN:VEVENT", "UID:1", "DTSTART;VALUE=DATE:20270101", folded[0]]
    body += [" " + part for part in folded[1:]] + ["END:VEVENT"]
    text = refused(ics(*body))
    assert "RDATE" in text and f"{MAX_ICAL_LINE_CHARS:,}" in text and "content line 7" in text


def test_folded_continuations_do_not_count_as_lines() -> None:
    # MAX_ICAL_LINES logical lines, each folded over two physical lines
    text = "\n".join(["X-A:" + "a" * 70 + "\n b"] * (MAX_ICAL_LINES - 2))
    check_ical_cost(f"BEGIN:VCALENDAR\n{text}\nEND:VCALENDAR", "cal.ics")
    with pytest.raises(CalendarError):
        check_ical_cost(f"BEGIN:VCALENDAR\n{text}\nX-B:1\nEND:VCALENDAR", "cal.ics")


def test_a_file_at_the_component_limit_is_still_imported() -> None:
    count = MAX_ICAL_COMPONENTS - 1  # and the VCALENDAR itself
    cal = read_calendar(tiny_events(count), "full.ics", end=dt.date(2027, 1, 31))
    assert len(cal.events) == count


def test_a_refused_upload_is_parsed_once_in_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.ui import calendar_input

    calls: list[str] = []

    def counting(data: bytes, filename: str, timezone: str | None = None) -> object:
        calls.append(filename)
        return read_calendar(data, filename, timezone=timezone)

    monkeypatch.setattr(calendar_input, "read_calendar", counting)
    data = tiny_events(30_000) + f"X-NONCE:{id(calls)}\r\n".encode()  # a fresh cache key
    for _ in range(3):
        with pytest.raises(CalendarError) as err:
            calendar_input.calendar_from_upload(data, "huge.ics")
        assert "huge.ics" in str(err.value) and "limit" in str(err.value)
    assert calls == ["huge.ics"]


@pytest.mark.parametrize("day", [dt.date(9999, 12, 1), dt.date(1, 1, 1), dt.date(2201, 1, 1)])
@pytest.mark.parametrize("side", ["start", "end"])
def test_a_window_outside_1900_to_2200_is_refused_without_logging_a_traceback(
    caplog: pytest.LogCaptureFixture, day: dt.date, side: str
) -> None:
    with pytest.raises(CalendarError) as err:
        read_calendar(tiny_events(3), "cal.ics", **{side: day})
    assert f"window {side} {day}" in str(err.value) and "1900-2200" in str(err.value)
    assert "please report it" not in str(err.value)
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def vtimezone(name: str, start: str = "16010101T030000", rule: str = "") -> list[str]:
    """An Outlook-style zone (it writes 1601 and yearly last-Sunday rules)."""
    standard = rule or "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
    daylight = rule or "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    return [
        "BEGIN:VTIMEZONE",
        f"TZID:{name}",
        "BEGIN:STANDARD",
        f"DTSTART:{start}",
        f"RRULE:{standard}",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        f"DTSTART:{start}",
        f"RRULE:{daylight}",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]


def zoned_events(zones: list[str], count: int = 3) -> list[str]:
    body = []
    for n in range(count):
        zone = zones[n % len(zones)]
        body += ["BEGIN:VEVENT", f"UID:{n}", f"DTSTART;TZID={zone}:20270110T070000"]
        body += ["SUMMARY:Ride", "END:VEVENT"]
    return body


def test_too_many_time_zones_are_refused_before_building_them() -> None:
    # dateutil builds every zone's transitions: 1,000 zones took 25 s of CPU before
    names = [f"Zone {n}" for n in range(MAX_ICAL_TIMEZONES + 1)]
    body = [line for name in names for line in vtimezone(name)] + zoned_events(names, 50)
    text = refused(ics(*body))
    assert "time zones" in text and f"{MAX_ICAL_TIMEZONES}" in text


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",
        "FREQ=DAILY",
        "FREQ=MONTHLY;BYDAY=1SU",
        "FREQ=YEARLY;BYDAY=SU",  # every Sunday of the year
        "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYDAY=-1SU",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;BYHOUR=0,1,2,3,4,5",
    ],
)
def test_a_time_zone_rule_that_is_not_yearly_is_refused(rule: str) -> None:
    # FREQ=HOURLY from 1900 made one event's offset lookup walk a million transitions (6 s)
    body = vtimezone("Odd", "19000101T030000", rule) + zoned_events(["Odd"])
    text = refused(ics(*body))
    assert "content line 4" in text and "yearly" in text
    assert "Odd" not in text and rule not in text  # a refused file is never quoted


def test_a_time_zone_starting_in_year_one_is_accepted() -> None:
    # eM Client writes its zones from year 1: slower lookups, but a real file
    body = vtimezone("W. Europe", "00010101T030000") + zoned_events(["W. Europe"], 20)
    cal = read_calendar(ics(*body), "emclient.ics")
    assert len(cal.events) == 20


def test_a_time_zone_rule_with_an_empty_freq_does_not_stop_the_file() -> None:
    # the fuzzer's "RRULE:FREQ=" made the cost guard fail with an IndexError
    body = vtimezone("Odd", "19000101T030000", "FREQ=") + zoned_events(["Odd"], 5)
    cal = read_calendar(ics(*body), "odd.ics")
    assert len(cal.events) == 5


@pytest.mark.parametrize(
    "rule",
    [
        "",  # Outlook
        "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",  # Apple
        "FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=10;BYDAY=-1SU",  # Zimbra
        "FREQ=YEARLY;BYMINUTE=0;BYHOUR=2;BYDAY=-1SU;BYMONTH=10",  # Lotus Notes
        "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=8,9,10,11,12,13,14;BYDAY=SU",  # RFC 2445 example
    ],
)
def test_real_time_zone_shapes_are_accepted(rule: str) -> None:
    names = [f"Zone {n}" for n in range(MAX_ICAL_TIMEZONES)]
    body = [line for name in names for line in vtimezone(name, rule=rule)]
    cal = read_calendar(ics(*body, *zoned_events(names, 40)), "zones.ics")
    assert len(cal.events) == 40
