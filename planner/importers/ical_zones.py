"""Time zones of an iCalendar file, named the way the planner needs them.

- A time's zone is what its TZID resolves to: icalendar builds it from the file's VTIMEZONE
  definition (Outlook's "GMT Standard Time" is London, +0000 in winter and +0100 in summer),
  or from the IANA or Windows name when the file has no definition. A zone that happens to be
  at UTC+0 on that day is never taken for UTC: only UTC itself is converted to the athlete's
  zone.
- A zone's IANA name: its key, or the IANA zone Windows' name stands for (the CLDR table
  icalendar ships), so a calendar written in "W. Europe Standard Time" is Europe/Berlin.
- X-WR-TIMEZONE (Google's calendar-wide zone) is trimmed and mapped the same way; an empty or
  unknown one is ignored with a note instead of making the whole file unreadable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

_UTC_NAMES = {"UTC", "ETC/UTC", "Z", "GMT", "ETC/GMT", "ZULU", "UNIVERSAL", "ETC/UNIVERSAL"}
_WINDOWS = {name.upper(): iana for name, iana in WINDOWS_TO_OLSON.items()}


def iana_zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone for an IANA or Windows zone name (surrounding blanks ignored), else None."""
    if not name or not name.strip():
        return None
    name = name.strip().strip('"')
    mapped = _WINDOWS.get(name.upper())
    for candidate in (name, mapped):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ValueError, KeyError, OSError):
            continue
    return None


def _raw_name(tzinfo: dt.tzinfo) -> str | None:
    """The name a tzinfo was created under: a ZoneInfo key, a pytz zone, a VTIMEZONE's TZID."""
    for attribute in ("key", "zone", "_tzid"):
        value = getattr(tzinfo, attribute, None)
        if isinstance(value, str) and value:
            return value
    return None


def is_utc(moment: Any) -> bool:
    """Whether a datetime is in UTC itself (not merely in a zone at +0000 that day)."""
    tzinfo = getattr(moment, "tzinfo", None)
    if tzinfo is None:
        return False
    if isinstance(tzinfo, dt.timezone):  # a fixed offset: UTC when it is zero
        return tzinfo.utcoffset(None) == dt.timedelta(0)
    name = _raw_name(tzinfo)
    if name is not None:
        return name.strip().upper() in _UTC_NAMES
    # dateutil's tzutc and other anonymous zones: UTC when fixed at +0000 all year
    january = dt.datetime(2000, 1, 1, tzinfo=tzinfo).utcoffset()
    july = dt.datetime(2000, 7, 1, tzinfo=tzinfo).utcoffset()
    return january == july == dt.timedelta(0) and type(tzinfo).__name__ in ("tzutc", "UTC")


def zone_name(moment: Any) -> str | None:
    """The IANA name of a datetime's zone (None for UTC, floating times and unknown zones)."""
    tzinfo = getattr(moment, "tzinfo", None)
    if tzinfo is None or is_utc(moment):
        return None
    zone = iana_zone(_raw_name(tzinfo))
    return zone.key if zone is not None else None
