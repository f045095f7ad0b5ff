"""Calendar import: the athlete's ride/run calendar as a `Calendar`, from .ics or CSV exports.

Public API:

- `read_calendar(data, filename=None, *, start=None, end=None, timezone=None)`: import bytes.
  The format is detected from the content (BEGIN:VCALENDAR, or a CSV header signature); the
  file name's extension only breaks ties and sharpens errors.
- `load_calendar(path, *, start=None, end=None, timezone=None)`: the same from a file.
- `load_demo(start=None)`: the built-in 22-week road-cycling demo season.
- `calendar_to_json(cal)`: the JSON shape the app and CLI show.

Window: recurrences are expanded over [start, end] (inclusive dates) and events outside it are
dropped. Without a window, an iCal file is expanded from its earliest DTSTART over
`DEFAULT_WINDOW_DAYS` (two years; events after that are reported in `skipped`), and a CSV keeps
every row. With only `start`, the window is two years from it; with only `end`, two years up to
it.

`timezone` (IANA name, e.g. the athlete profile's) is optional: it is attached to floating iCal
times and to local CSV times, and UTC times are converted to it. Without it the calendar's own
X-WR-TIMEZONE / most common TZID is used for iCal, and CSV local times stay naive.

Whatever the input, the only exception raised is `CalendarError` (file-level problems); row and
component problems go to `Calendar.skipped` with a location and a reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from planner import clock
from planner.domain import Calendar, Event
from planner.errors import CalendarError
from planner.importers import csv_formats, detect, ical
from planner.importers.limits import (
    DEFAULT_WINDOW_DAYS,
    MAX_EVENTS,
    MAX_FILE_BYTES,
    MAX_WINDOW_DAYS,
    MAX_YEAR,
    MIN_YEAR,
)

__all__ = ["calendar_to_json", "load_calendar", "load_demo", "read_calendar"]

log = logging.getLogger(__name__)

DEMO_FIRST_MONDAY = dt.date(2026, 11, 30)
DEMO_WEEKS = 22
_CSV_EXTENSIONS = {"csv", "tsv", "txt"}
_ICS_EXTENSIONS = {"ics", "ical", "ifb", "icalendar"}


def _resolve_zone(name: str | None) -> ZoneInfo | None:
    if name is None or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ValueError, KeyError, OSError):
        raise CalendarError(
            f"unknown timezone {name!r}",
            hint="use an IANA name such as Europe/London or America/New_York",
        ) from None


def _check_window(start: dt.date | None, end: dt.date | None) -> None:
    for label, value in (("start", start), ("end", end)):
        if value is not None and not isinstance(value, dt.date):
            raise CalendarError(f"the window {label} must be a date, not {type(value).__name__}")
        # a window near year 9999 would overflow when the default two years are added
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise CalendarError(
                f"the window {label} {value} is outside the years {MIN_YEAR}-{MAX_YEAR}",
                hint="give a date in that range",
            )
    if start is not None and end is not None:
        if end < start:
            raise CalendarError(
                f"the window ends ({end}) before it starts ({start})", hint="swap start and end"
            )
        if (end - start).days > MAX_WINDOW_DAYS:
            raise CalendarError(
                f"the window {start} to {end} is longer than {MAX_WINDOW_DAYS} days",
                hint="import at most 20 years at a time",
            )


def _as_date(value: dt.date | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _sorted(events: list[Event]) -> list[Event]:
    def key(event: Event) -> tuple[dt.date, bool, dt.time, str]:
        clock = event.start.time() if event.start is not None else dt.time()
        return (event.date, event.start is not None, clock, event.title)

    return sorted(events, key=key)


def read_calendar(
    data: bytes,
    filename: str | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    timezone: str | None = None,
) -> Calendar:
    """Import a calendar file's bytes; see the module docstring for formats and the window."""
    where = filename or "calendar"
    if not isinstance(data, bytes | bytearray | memoryview):
        raise CalendarError(f"expected the file's bytes, got {type(data).__name__}", where=where)
    data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        raise CalendarError(
            f"the file is {len(data) / 1024 / 1024:.1f} MB, over the "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB limit",
            where=where,
            hint="export a shorter date range",
        )
    start, end = _as_date(start), _as_date(end)
    _check_window(start, end)
    tz = _resolve_zone(timezone)
    try:
        return _read(data, filename, where, start, end, tz)
    except CalendarError:
        raise
    except Exception as exc:  # a parser bug must reach the athlete as an actionable message
        log.exception("unexpected error importing %s", where)
        raise CalendarError(  # the exception's text may quote the file: its type only
            f"the file could not be read ({type(exc).__name__})",
            where=where,
            hint="check that it is a complete .ics or CSV export; if it is, please report it",
        ) from exc


def _read(
    data: bytes,
    filename: str | None,
    where: str,
    start: dt.date | None,
    end: dt.date | None,
    tz: ZoneInfo | None,
) -> Calendar:
    text, encoding = detect.decode(data, where)
    log.debug("%s decoded as %s", where, encoding)
    ext = detect.extension(filename)
    if detect.looks_like_ical(text):
        cal = ical.read_ics(text, where=where, tz=tz, start=start, end=end)
        cal.events = _sorted(cal.events)
        return cal
    delimiter = "\t" if ext == "tsv" else detect.sniff_delimiter(text)
    headers = csv_formats.read_header(text, delimiter)
    fmt = csv_formats.find_format(headers)
    if fmt is None:
        if detect.looks_like_html(text):
            raise CalendarError(
                "this is a web page (HTML), not a calendar",
                where=where,
                hint="a private link that was reset or needs signing in leads to a page like "
                "this: copy the calendar's iCal link again, or export the calendar as .ics",
            )
        if ext in _ICS_EXTENSIONS or text.lstrip().upper().startswith("BEGIN:"):
            raise CalendarError(
                "the file is named like an iCalendar file but does not start with BEGIN:VCALENDAR",
                where=where,
                hint="export the calendar again as .ics",
            )
        # the header is not quoted: a refused file's content never reaches a message
        columns = sum(1 for h in headers if h)
        raise CalendarError(
            f"unknown file format: the first line ({columns} "
            f"{'column' if columns == 1 else 'columns'}) is not a header this planner knows",
            where=where,
            hint="upload an iCalendar .ics file, or one of these CSV exports: "
            f"{csv_formats.supported_formats_text()}; or write a generic CSV with the columns "
            f"{csv_formats.GENERIC_COLUMNS}",
        )
    if end is not None and start is None:
        start = end - dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    if start is not None and end is None:
        end = start + dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    events, skipped = csv_formats.read_csv(
        text, fmt, delimiter, where=where, tz=tz, start=start, end=end
    )
    if len(events) > MAX_EVENTS:
        raise CalendarError(
            f"the file has {len(events):,} events, more than the limit of {MAX_EVENTS:,}",
            where=where,
            hint="import a shorter date range (start/end)",
        )
    if ext in _ICS_EXTENSIONS:
        log.info("%s is named .%s but holds a %s", where, ext, fmt.name)
    return Calendar(
        format=fmt.name,
        events=_sorted(events),
        skipped=skipped,
        timezone=tz.key if tz else None,
    )


def load_calendar(
    path: str | Path,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    timezone: str | None = None,
) -> Calendar:
    """Import a calendar file from disk (refuses a missing path, a directory, an oversize file)."""
    file = Path(path)
    where = str(file)
    if not file.exists():
        raise CalendarError(
            "the file does not exist", where=where, hint="check the path and the file name"
        )
    if file.is_dir():
        raise CalendarError(
            "this is a directory, not a calendar file",
            where=where,
            hint="give the path of the .ics or .csv file inside it",
        )
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CalendarError(
                f"the file is {size / 1024 / 1024:.1f} MB, over the "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB limit",
                where=where,
                hint="export a shorter date range",
            )
        with file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CalendarError(
            f"the file cannot be read ({exc.strerror or exc})",
            where=where,
            hint="check that the file exists and is readable",
        ) from exc
    return read_calendar(data, file.name, start=start, end=end, timezone=timezone)


def _next_monday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def load_demo(start: dt.date | None = None) -> Calendar:
    """The built-in demo season (22 weeks of a road cyclist), moved by whole weeks.

    Its first Monday becomes `start` (default: the next Monday on or after today); a `start`
    that is not a Monday is moved to the next Monday, so weekdays are always preserved.
    """
    first = _next_monday(_as_date(start) or clock.today())
    data = resources.files("planner").joinpath("data/demo_season.ics").read_bytes()
    last = DEMO_FIRST_MONDAY + dt.timedelta(weeks=DEMO_WEEKS, days=-1)
    cal = read_calendar(data, "demo_season.ics", start=DEMO_FIRST_MONDAY, end=last)
    shift = dt.timedelta(days=(first - DEMO_FIRST_MONDAY).days)
    cal.events = [
        event.model_copy(
            update={
                "date": event.date + shift,
                "start": None if event.start is None else event.start + shift,
                "end": None if event.end is None else event.end + shift,
            }
        )
        for event in cal.events
    ]
    return cal


def calendar_to_json(cal: Calendar) -> dict[str, Any]:
    """The calendar as plain JSON data: format, events (ISO dates/datetimes) and skipped rows."""
    return {
        "format": cal.format,
        "events": [
            {
                "date": e.date.isoformat(),
                "start": e.start.isoformat() if e.start is not None else None,
                "end": e.end.isoformat() if e.end is not None else None,
                "title": e.title,
                "sport": e.sport.value,
                "kind": e.kind.value,
                "priority": e.priority.value if e.priority is not None else None,
                "duration_min": e.duration_min,
            }
            for e in cal.events
        ],
        "skipped": [{"where": s.where, "reason": s.reason} for s in cal.skipped],
    }
