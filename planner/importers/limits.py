"""Limits that keep one uploaded calendar from exhausting memory or time.

Every limit is enforced with a `CalendarError` (the whole file is refused) or a `Skipped` note (one
row or series is left out), and both quote the limit so the athlete knows what to change.

`check_ical_cost` bounds the work of an .ics file before icalendar parses it, by counting what
the parse and the expansion cost (lines, components, series, list values, parameters, time
zones): any file it lets through is read within 5 s of CPU on the team's 2-core machine
(`benchmarks/bench_import.py` prints the worst cases).
"""

from __future__ import annotations

import functools
import re

from planner.errors import CalendarError

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest file read at all (10 MB); checked before any parsing."""

MAX_EVENTS = 20_000
"""Most events one file may produce inside the import window (refused above, not truncated)."""

MAX_OCCURRENCES_PER_SERIES = 10_000
"""Most occurrences one recurring series may expand to in the window; a series above it is
skipped with a note (a runaway RRULE) while the rest of the calendar is kept."""

MAX_CSV_ROWS = 50_000
"""Most data rows a CSV file may have (about 30 years of two activities a day)."""

DEFAULT_WINDOW_DAYS = 730
"""Window length when no end is given: two years from the start (or the earliest event)."""

MAX_WINDOW_DAYS = 20 * 366
"""Longest window that may be asked for: 20 years."""

MIN_YEAR = 1900
"""Events before this year are skipped as implausible (e.g. year 1 placeholders)."""

MAX_YEAR = 2200
"""Events after this year are skipped as implausible (e.g. year 9999 placeholders)."""

MAX_ALL_DAY_SPAN_DAYS = 366
"""An all-day event spanning several days becomes one event per day, up to this many days (a
40-day training camp is 40 events; a year-long "season" banner is the most a file may span)."""

MAX_DURATION_MIN = 48 * 60
"""Longest plausible single session or race (48 h); longer rows are skipped as a unit mistake."""

MAX_ICAL_COMPONENTS = 6_000
"""Most BEGIN: lines (VEVENT, VALARM, VTIMEZONE... of any kind) one .ics file may hold. Counted
before parsing: icalendar builds every component before the event limit could stop it."""

MAX_ICAL_LINES = 48_000
"""Most content lines (after unfolding) one .ics file may hold: about 3,400 events as Google
exports them (14 lines each). Parsing and expanding cost about 40 microseconds a line, so
this keeps any accepted file within a few seconds (benchmarks/bench_import.py measures it)."""

MAX_ICAL_RECURRENCES = 2_000
"""Most RRULE and RDATE lines one .ics file may hold: expanding a series costs about 0.5 ms
before its first occurrence, so 10,000 tiny series took 5 s where 10,000 events take 2 s."""

MAX_ICAL_LIST_VALUES = 50_000
"""Most values all list properties (RDATE, EXDATE, CATEGORIES, RESOURCES, FREEBUSY) together
may hold: a 10 MB file fits 600,000 dates on a hundred RDATE lines (7.5 s of CPU to parse), or
4.9 million categories (17 s and 1.7 GB)."""

MAX_ICAL_PARAMETERS = 250_000
"""Most property parameters (`;TZID=...`, `;CN=...`) one file may carry: 2,000 meetings of 20
attendees with 7 parameters each fit; 1.5 million on a hundred long lines took 5.6 s of CPU."""

MAX_ICAL_TIMEZONES = 20
"""Most VTIMEZONE components one .ics file may hold (a calendar holds one per zone it uses):
dateutil builds each zone's transitions from its DTSTART, about 25 ms a zone."""

MAX_TIMEZONE_CHANGES_PER_YEAR = 4
"""Most offset changes a VTIMEZONE rule may make in a year: real zones change twice a year,
while an hourly rule makes dateutil walk a million transitions for one event."""

MAX_ICAL_LINE_CHARS = 100_000
"""Longest content line (after unfolding) accepted: a description of a few pages, or an RDATE
of several thousand dates; longer is a broken or hostile file."""

_BEGIN_LINE = re.compile(r"^[ \t]*BEGIN[ \t]*:", re.IGNORECASE | re.MULTILINE)
_VTIMEZONE = re.compile(r"^BEGIN:VTIMEZONE[ \t]*$(.*?)(?:^END:VTIMEZONE|\Z)", re.I | re.M | re.S)
_ZONE_RULE = re.compile(r"^RRULE[^:\n]*:(.*)$", re.IGNORECASE | re.MULTILINE)
_LIST_LINE = re.compile(
    r"^(?:RDATE|EXDATE|CATEGORIES|RESOURCES|FREEBUSY)[ \t]*[;:].*$", re.IGNORECASE | re.MULTILINE
)
_RECURRENCE_LINE = re.compile(r"^(?:RRULE|RDATE)[ \t]*[;:]", re.IGNORECASE | re.MULTILINE)


def check_ical_cost(text: str, where: str) -> None:
    """Refuse, before it is parsed, an iCalendar text too big to parse in bounded time and memory.

    `text` has LF line ends. Only C-level counting runs over the whole text; the one split into
    lines happens after the line count is known to be under the limit.
    """
    folds = text.count("\n ") + text.count("\n\t")
    lines = text.count("\n") + 1 - folds
    hint = "export a shorter date range, or only the calendar that holds your training"
    if lines > MAX_ICAL_LINES:
        raise CalendarError(
            f"the file has {lines:,} lines, more than the limit of {MAX_ICAL_LINES:,} "
            "for an iCalendar file",
            where=where,
            hint=hint,
        )
    components = len(_BEGIN_LINE.findall(text))
    if components > MAX_ICAL_COMPONENTS:
        raise CalendarError(
            f"the file has {components:,} components (BEGIN: lines), more than the limit of "
            f"{MAX_ICAL_COMPONENTS:,}",
            where=where,
            hint=hint,
        )
    recurrences = len(_RECURRENCE_LINE.findall(text))
    if recurrences > MAX_ICAL_RECURRENCES:
        raise CalendarError(
            f"the file has {recurrences:,} recurrence lines (RRULE, RDATE), more than the limit "
            f"of {MAX_ICAL_RECURRENCES:,}",
            where=where,
            hint=hint,
        )
    unfolded = text.replace("\n ", "").replace("\n\t", "") if folds else text
    values = sum(line.count(",") + 1 for line in _LIST_LINE.findall(unfolded))
    if values > MAX_ICAL_LIST_VALUES:
        raise CalendarError(
            f"the RDATE, EXDATE, CATEGORIES, RESOURCES and FREEBUSY lines list {values:,} "
            f"values, more than the limit of {MAX_ICAL_LIST_VALUES:,}",
            where=where,
            hint=hint,
        )
    _check_timezones(unfolded, where)
    parameters = 0
    for number, line in enumerate(unfolded.split("\n"), start=1):
        if len(line) > MAX_ICAL_LINE_CHARS:
            name = _property_name(line)
            raise CalendarError(
                f"a {name} line is {len(line):,} characters long, more than the "
                f"limit of {MAX_ICAL_LINE_CHARS:,} (content line {number:,})",
                where=where,
                hint="shorten that entry or remove it, then export again",
            )
        # parameters sit between the name and the first colon (a quoted colon ends the count
        # early: an under-count of a few, never a false refusal)
        parameters += line.split(":", 1)[0].count(";")
    if parameters > MAX_ICAL_PARAMETERS:
        raise CalendarError(
            f"the file's lines carry {parameters:,} parameters (;NAME=value), more than the "
            f"limit of {MAX_ICAL_PARAMETERS:,}",
            where=where,
            hint=hint,
        )


@functools.cache
def _known_properties() -> frozenset[str]:
    from icalendar.prop import TypesFactory

    return frozenset(TypesFactory().types_map)


def _property_name(line: str) -> str:
    """The line's property name when it is one RFC 5545 defines, else "content": a name is
    only shown from the standard's own list, never text of a refused file."""
    name = line.split(":", 1)[0].split(";", 1)[0].strip().upper()
    return name if name in _known_properties() else "content"


def _changes_per_year(rule: str) -> float:
    """Offset changes a year a VTIMEZONE RRULE makes (inf for a rule not repeating yearly)."""
    parts = {}
    for part in rule.upper().split(";"):
        key, _, value = part.partition("=")
        parts[key.strip()] = [v for v in value.split(",") if v.strip()]
    freq = (parts.get("FREQ") or [""])[0].strip()
    if not freq:
        return 0.0  # no FREQ: the rule cannot be expanded at all; the reader reports the zone
    if freq != "YEARLY":
        return float("inf")
    count = 1.0
    for key in ("BYMONTH", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND", "BYYEARDAY", "BYWEEKNO"):
        count *= max(1, len(parts.get(key, [])))
    if "BYDAY" in parts and "BYMONTH" not in parts and "BYWEEKNO" not in parts:
        count *= 52  # a weekday every week of the year
    return count


def _check_timezones(unfolded: str, where: str) -> None:
    """Refuse VTIMEZONEs whose offset lookups would cost seconds: too many zones, or rules that
    do not repeat yearly (or change more than a few times a year). A zone starting in year 1
    (eM Client writes them) is accepted: its lookups walk 2,000 years, which the line limit
    keeps to a second or two."""
    zones = list(_VTIMEZONE.finditer(unfolded))
    if len(zones) > MAX_ICAL_TIMEZONES:
        raise CalendarError(
            f"the file has {len(zones):,} time zones (VTIMEZONE), more than the limit of "
            f"{MAX_ICAL_TIMEZONES}",
            where=where,
            hint="export the calendar again; a calendar needs one per time zone it uses",
        )
    for zone in zones:
        for rule in _ZONE_RULE.findall(zone.group(1)):
            if _changes_per_year(rule) > MAX_TIMEZONE_CHANGES_PER_YEAR:
                # named by its place, not its TZID or rule: a refused file is never quoted
                line = unfolded.count("\n", 0, zone.start()) + 1
                raise CalendarError(
                    f"the time zone (VTIMEZONE) at content line {line:,} changes its offset by "
                    "a rule that does not repeat yearly or changes more than "
                    f"{MAX_TIMEZONE_CHANGES_PER_YEAR} times a year",
                    where=where,
                    hint="export the calendar again, or remove that VTIMEZONE",
                )
