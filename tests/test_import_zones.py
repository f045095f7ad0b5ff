"""Which times count as UTC, and the IANA name of a zone (planner.importers.ical_zones)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from planner.importers.ical_zones import iana_zone, is_utc, zone_name

GMT_STANDARD_TIME = """BEGIN:VCALENDAR
BEGIN:VTIMEZONE
TZID:GMT Standard Time
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T010000
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:x
DTSTART;TZID=GMT Standard Time:20260115T233000
END:VEVENT
END:VCALENDAR
"""


def _custom_gmt_time() -> dt.datetime:
    cal = icalendar.Calendar.from_ical(GMT_STANDARD_TIME)
    return cal.walk("VEVENT")[0]["DTSTART"].dt


@pytest.mark.parametrize(
    "tzinfo", [dt.UTC, dt.timezone(dt.timedelta(0)), ZoneInfo("UTC"), ZoneInfo("Etc/UTC")]
)
def test_utc_in_every_spelling_is_utc(tzinfo: dt.tzinfo) -> None:
    assert is_utc(dt.datetime(2026, 1, 15, 23, 30, tzinfo=tzinfo))


def test_a_zone_at_zero_offset_is_not_utc() -> None:
    assert not is_utc(dt.datetime(2026, 1, 15, 23, 30, tzinfo=ZoneInfo("Europe/London")))
    custom = _custom_gmt_time()
    assert custom.utcoffset() == dt.timedelta(0)  # winter in London
    assert not is_utc(custom)
    assert zone_name(custom) == "Europe/London"  # the Windows name, mapped


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Europe/London ", "Europe/London"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("AUS Eastern Standard Time", "Australia/Sydney"),
        ('"America/New_York"', "America/New_York"),
    ],
)
def test_iana_zone_maps_blanks_quotes_and_windows_names(name: str, key: str) -> None:
    zone = iana_zone(name)
    assert zone is not None and zone.key == key


@pytest.mark.parametrize("name", ["", "   ", "Mars/Olympus", None])
def test_iana_zone_of_nothing_or_nonsense_is_none(name: str | None) -> None:
    assert iana_zone(name) is None
