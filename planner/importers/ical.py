"""iCalendar (.ics) import: icalendar parses, recurring-ical-events expands, we classify.

Decisions, so the planner can rely on them:

- Recurrences (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded over the window
  only; an RRULE without an end is therefore bounded by the window.
- Parsing: see `ical_parse` (one broken component costs only itself; a cut-off file keeps
  its complete events) and `ical_zones` (zones by their VTIMEZONE and Windows names).
- Time zones: a TZID time keeps its zone (even one at +0000 that day); a UTC time ("Z") is
  converted to the athlete's timezone if given, else to the calendar's (X-WR-TIMEZONE, or the
  most common TZID); a floating time (no zone) gets that same timezone attached, and stays
  naive only when no timezone is known at all. `Event.date` is the local date of the start in
  that zone. An empty or unknown X-WR-TIMEZONE is ignored with a note.
- All-day events have `start`/`end` None; one spanning several days becomes one event per day
  (up to `MAX_ALL_DAY_SPAN_DAYS`). A VALUE=DATE written with a TZID, or a DATE start with a
  DATE-TIME end, is all-day too. A timed event belongs to the day it starts.
- A series (RRULE/RDATE) may start before MIN_YEAR (birthdays in 1604, holidays from 1753);
  several RRULEs in one event expand as their union.
- `Calendar.timezone` is X-WR-TIMEZONE when present and valid, else the most common TZID of the
  events (UTC and floating times declare nothing).
- Problems with one VEVENT are reported in `skipped` with `where="UID x"` (or `"line N"` when
  it has no UID) and the rest of the calendar is imported: no DTSTART, unreadable dates or rules,
  years outside MIN_YEAR-MAX_YEAR, a DURATION ending after MAX_YEAR, an RRULE with INTERVAL
  below 1, a runaway RRULE, STATUS:CANCELLED occurrences, exact duplicates, any other VEVENT
  that cannot be expanded on its own. A DTEND before DTSTART, or a negative DURATION, is
  repaired (the end is dropped) and reported. An RRULE matching no date in the window (30
  February) is dropped and reported, keeping DTSTART: dateutil would search it to the year 9999.
- An RRULE with COUNT=0 is dropped and reported, keeping DTSTART (RFC 5545 always counts it).
- An RRULE whose UNTIL is before DTSTART is reported; it yields nothing, not even DTSTART.
- Line ends: CRLF, LF, bare CR or any mix are read alike.
- Two VEVENTs with the same UID and RECURRENCE-ID: identical ones are reported as duplicates;
  versions of the same event (same start, recurring, or each with its own SEQUENCE/DTSTAMP,
  even if it moved) keep the highest SEQUENCE, then the latest DTSTAMP, as RFC 5545 says;
  different one-off events that merely share a UID and stamp (a buggy exporter) are all kept.
- Of versions with the same SEQUENCE and DTSTAMP a series wins over a one-off, else the first
  in the file; every version not kept (a one-off sharing a series' UID, say) is reported.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone

from planner import clock
from planner.domain import Calendar, Event, Kind, Skipped, Source
from planner.errors import CalendarError
from planner.importers import classify, ical_parse
from planner.importers.ical_zones import iana_zone, is_utc, zone_name
from planner.importers.limits import (
    DEFAULT_WINDOW_DAYS,
    MAX_ALL_DAY_SPAN_DAYS,
    MAX_EVENTS,
    MAX_OCCURRENCES_PER_SERIES,
    MAX_YEAR,
    MIN_YEAR,
    check_ical_cost,
)
from planner.wording import plural

log = logging.getLogger(__name__)

FORMAT = "ics"
_CHECKED_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
# Seconds per RRULE frequency unit, for the runaway-rule estimate.
_FREQ_SECONDS = {
    "SECONDLY": 1,
    "MINUTELY": 60,
    "HOURLY": 3600,
    "DAILY": 86400,
    "WEEKLY": 7 * 86400,
    "MONTHLY": 28 * 86400,
    "YEARLY": 365 * 86400,
}
_SYNTHETIC_UID = "@planner-import"
_LAST_DAY = dt.date(MAX_YEAR, 12, 31)
# Properties RFC 5545 allows once per VEVENT; a repeated one keeps its first value.
_SINGLE_VALUED = (
    "UID",
    "DTSTART",
    "DTEND",
    "DURATION",
    "RECURRENCE-ID",
    "SUMMARY",
    "DESCRIPTION",
    "STATUS",
    "SEQUENCE",
)


def _text(component: icalendar.Component, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def _categories(component: icalendar.Component) -> list[str]:
    raw = component.get("CATEGORIES")
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    result: list[str] = []
    for item in items:
        cats = getattr(item, "cats", None)
        if cats is not None:
            result.extend(str(c) for c in cats)
        else:
            result.extend(part.strip() for part in str(item).split(","))
    return [c for c in result if c]


def _estimate(rule: Any, start: dt.datetime, span: tuple[dt.datetime, dt.datetime]) -> float:
    """Upper-bound estimate of how many occurrences an RRULE yields inside the span."""
    freq = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
    interval = max(1, int((rule.get("INTERVAL") or [1])[0]))
    first = max(start, span[0])
    last = span[1]
    until = (rule.get("UNTIL") or [None])[0]
    if until is not None:
        until_dt = (
            until if isinstance(until, dt.datetime) else dt.datetime.combine(until, dt.time.max)
        )
        last = min(last, until_dt.replace(tzinfo=None))
    seconds = max(0.0, (last - first).total_seconds())
    periods = seconds / (_FREQ_SECONDS.get(freq, 86400) * interval) + 1
    multiplier = 1
    for by in ("BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS"):
        multiplier *= max(1, len(rule.get(by) or []))
    if freq in ("WEEKLY", "MONTHLY", "YEARLY"):
        multiplier *= max(1, len(rule.get("BYDAY") or []))
    if freq in ("MONTHLY", "YEARLY"):
        multiplier *= max(1, len(rule.get("BYMONTHDAY") or []))
    if freq == "YEARLY":
        multiplier *= max(
            1,
            len(rule.get("BYMONTH") or []),
            len(rule.get("BYYEARDAY") or []),
            len(rule.get("BYWEEKNO") or []) * 7,
        )
    estimate = periods * multiplier
    count = (rule.get("COUNT") or [None])[0]
    if count is not None:
        estimate = min(estimate, int(count))
    return estimate


class _Importer:
    def __init__(self, text: str, where: str, tz: ZoneInfo | None) -> None:
        self.text = text
        self.where = where
        self.user_tz = tz
        self.skipped: list[Skipped] = []
        self._texts: dict[int, tuple[str, str, tuple[str, ...], bool, Source]] = {}
        self._classified: dict[tuple[str, str, tuple[str, ...], int | None], Any] = {}

    def skip(self, where: str, reason: str) -> None:
        self.skipped.append(Skipped(where=where, reason=reason))

    # ------------------------------------------------------------------------------ run
    def run(self, start: dt.date | None, end: dt.date | None) -> Calendar:
        parsed = ical_parse.parse(self.text)
        if parsed is None:
            raise CalendarError(
                "the file has no BEGIN:VCALENDAR, so it holds no calendar",
                where=self.where,
                hint="the file must start with BEGIN:VCALENDAR; export the calendar again",
            )
        cal = parsed.calendar
        if parsed.cut_off and not any(c.name == "VEVENT" for c in cal.subcomponents):
            raise CalendarError(
                "the file is cut off before the end of its first event, so it holds no event",
                where=self.where,
                hint="export the calendar again and upload the whole file",
            )
        self.skipped.extend(parsed.skipped)
        name = _text(cal, "X-WR-CALNAME") or None
        declared = self._declared_zone(cal)
        if declared:
            # Google's convention: UTC and floating times are in X-WR-TIMEZONE, or in the
            # athlete's zone when given (one zone for dating and export). Applied by us, not by
            # x-wr-timezone (which recurring-ical-events would call again): it takes a
            # VTIMEZONE without TZNAME lines for floating and one named "UTC" for UTC
            cal = _XWrTimezone(self.user_tz or ZoneInfo(declared)).walk(cal)
            del cal["X-WR-TIMEZONE"]
        events = [c for c in cal.subcomponents if c.name == "VEVENT"]
        self.where_of: dict[int, str] = {}
        for i, component in enumerate(events):
            uid = _text(component, "UID")
            line = parsed.vevent_lines.get(id(component))
            self.where_of[id(component)] = (
                f"UID {uid}" if uid else (f"line {line}" if line else f"VEVENT {i + 1}")
            )
        valid = self._validate(events)
        valid = self._deduplicate(valid)
        cal_zone = iana_zone(declared)
        common = Counter(n for c in valid if (n := zone_name(c.get("DTSTART").dt))).most_common(1)
        timezone = cal_zone.key if cal_zone else (common[0][0] if common else None)
        self.zone = self.user_tz or iana_zone(timezone)
        window = self._window(valid, start, end)
        keep = {id(c) for c in valid}
        cal.subcomponents = [c for c in cal.subcomponents if c.name != "VEVENT" or id(c) in keep]
        result = self._expand(cal, valid, window)
        first, last = max(window[0], dt.date(MIN_YEAR, 1, 1)), min(window[1], _LAST_DAY)
        result = [e for e in result if first <= e.date <= last]
        if len(result) > MAX_EVENTS:
            raise CalendarError(
                f"the calendar has {len(result):,} events between {window[0]} and "
                f"{window[1]}, more than the limit of {MAX_EVENTS:,}",
                where=self.where,
                hint="import a shorter date range (start/end)",
            )
        if start is None and end is None:
            later = sum(
                1
                for c in valid
                if "RRULE" not in c and "RDATE" not in c and _day(c, "DTSTART") > window[1]
            )
            if later:
                self.skip(
                    "calendar",
                    f"{plural(later, 'event')} after {window[1]} "
                    f"{'is' if later == 1 else 'are'} outside the default window of "
                    f"{DEFAULT_WINDOW_DAYS} days from the first event; give an end date to "
                    "include them",
                )
        return Calendar(
            format=FORMAT, events=result, skipped=self.skipped, timezone=timezone, name=name
        )

    def _declared_zone(self, cal: icalendar.Calendar) -> str:
        """X-WR-TIMEZONE as an IANA name, written back so that x-wr-timezone and
        recurring-ical-events can use it; an empty or unknown one is removed with a note."""
        if "X-WR-TIMEZONE" not in cal:
            return ""
        raw = _text(cal, "X-WR-TIMEZONE")
        zone = iana_zone(raw)
        if zone is None:
            del cal["X-WR-TIMEZONE"]
            shown = f"'{raw[:60]}'" if raw else "empty"
            self.skip(
                "calendar",
                f"X-WR-TIMEZONE is {shown}, not a time zone this planner knows; it was ignored "
                "and each time was read in the zone written with it (UTC or floating times: "
                "the time zone you give, if any)",
            )
            return ""
        if str(cal.get("X-WR-TIMEZONE")) != zone.key:
            cal["X-WR-TIMEZONE"] = icalendar.vText(zone.key)
        return zone.key

    # ------------------------------------------------------------------------- checks
    def _validate(self, events: list[icalendar.Component]) -> list[icalendar.Component]:
        valid = []
        for component in events:
            where = self.where_of[id(component)]
            for prop in _SINGLE_VALUED:
                value = component.get(prop)
                if isinstance(value, list):
                    component[prop] = value[0]
                    self.skip(where, f"{prop} appears {len(value)} times; the first was used")
            errors = [e for e in getattr(component, "errors", []) if e[0] in _CHECKED_PROPERTIES]
            if errors:
                prop, message = errors[0]
                self.skip(where, f"{prop} cannot be read ({message}); fix or remove it")
                continue
            if "DTSTART" not in component:
                self.skip(where, "the event has no DTSTART (start date); add one")
                continue
            _strip_uid(component)
            try:
                _dates_as_written(component)
                start = component.get("DTSTART").dt
                end_prop = component.get("DTEND")
                end = end_prop.dt if end_prop is not None else None
            except Exception as exc:
                self.skip(where, f"the dates cannot be read ({exc}); fix DTSTART/DTEND")
                continue
            if not self._start_ok(component, start, where):
                continue
            if end is not None and isinstance(end, dt.date) and _before(end, start):
                del component["DTEND"]
                self.skip(
                    where,
                    f"DTEND {end} is before DTSTART {start}: imported without an "
                    "end time; fix DTEND",
                )
            if (
                end is not None
                and not (isinstance(end, dt.date) and MIN_YEAR <= end.year <= MAX_YEAR)
                and "DTEND" in component
            ):
                del component["DTEND"]
            if "DURATION" in component and not self._duration_ok(component, start, where):
                continue
            if "RRULE" in component:
                bad = [r for r in _rules(component) if (_interval(r) or 0) < 1]
                if bad:
                    text = bad[0].to_ical().decode()
                    self.skip(
                        where,
                        f"RRULE {text} is invalid: INTERVAL must be 1 or more; the series was "
                        "left out",
                    )
                    continue
                self._check_rule_end(component, start, where)
            valid.append(component)
        return valid

    def _start_ok(self, component: icalendar.Component, start: Any, where: str) -> bool:
        """DTSTART within MIN_YEAR-MAX_YEAR; a series may start earlier (yearly holidays from
        1753, birthdays without a year written as 1604) when reaching today is cheap."""
        if not isinstance(start, dt.date) or start.year > MAX_YEAR:
            year = getattr(start, "year", "?")
        elif start.year >= MIN_YEAR:
            return True
        elif _recurring(component) and start.year >= _MIN_SERIES_YEAR:
            periods = sum(
                _periods_until(rule, start, dt.date(MIN_YEAR, 1, 1)) for rule in _rules(component)
            )
            if periods <= _MAX_PERIODS_BEFORE_MIN_YEAR:
                return True
            year = start.year
        else:
            year = start.year
        self.skip(
            where, f"DTSTART is in the year {year}, outside {MIN_YEAR}-{MAX_YEAR}; fix the date"
        )
        return False

    def _check_rule_end(self, component: icalendar.Component, start: dt.date, where: str) -> None:
        """Report an RRULE that repeats nothing: COUNT=0 (dropped, keeping DTSTART, which RFC
        5545 always counts) or an UNTIL before DTSTART (the rule yields no date at all)."""
        rules = _rules(component)
        kept = []
        rdates = " and RDATE dates" if "RDATE" in component else ""
        for rule in rules:
            text = rule.to_ical().decode()
            if (rule.get("COUNT") or [None])[0] == 0:
                self.skip(
                    where,
                    f"RRULE {text} has COUNT=0, so it repeats nothing: only its DTSTART{rdates} "
                    "were kept; fix COUNT",
                )
                continue
            kept.append(rule)
            until = (rule.get("UNTIL") or [None])[0]
            if isinstance(until, dt.date) and _before(until, start):
                rest = "only its RDATE dates were imported" if rdates else "the event was left out"
                if len(rules) > 1:
                    rest = "only the event's other RRULEs were imported"
                self.skip(
                    where,
                    f"RRULE {text} ends on {_when(until)} (UNTIL), before the event starts on "
                    f"{_when(start)} (DTSTART), so the rule has no occurrences and {rest}: "
                    "check the UNTIL date",
                )
        _set_rules(component, kept)

    def _duration_ok(self, component: icalendar.Component, start: dt.date, where: str) -> bool:
        """Check DURATION: a negative one is dropped (reported), one ending after MAX_YEAR
        leaves the event out. False when the event must be left out."""
        prop = component.get("DURATION")
        duration = getattr(prop, "dt", None)
        if not isinstance(duration, dt.timedelta):
            return True
        text = prop.to_ical().decode() if hasattr(prop, "to_ical") else str(duration)
        if duration < dt.timedelta(0):
            del component["DURATION"]
            self.skip(
                where,
                f"DURATION {text} is negative (the end is before DTSTART {start}): imported "
                "without an end time; fix DURATION",
            )
            return True
        try:
            finish = start + duration
        except (OverflowError, TypeError, ValueError):
            finish = None
        if finish is None or finish.year > MAX_YEAR:
            self.skip(
                where,
                f"DURATION {text} ends after the year {MAX_YEAR}; the event was left out: "
                "fix DURATION",
            )
            return False
        return True

    def _deduplicate(self, events: list[icalendar.Component]) -> list[icalendar.Component]:
        groups: dict[tuple[str, str], list[icalendar.Component]] = {}
        for index, component in enumerate(events):
            uid = _text(component, "UID")
            if not uid:
                uid = f"line-{index}{_SYNTHETIC_UID}"
                component["UID"] = uid
            rid = component.get("RECURRENCE-ID")
            key = (uid, _ical_text(rid) if rid is not None else "")
            groups.setdefault(key, []).append(component)
        drop: set[int] = set()
        for (uid, _rid), group in groups.items():
            if len(group) == 1:
                continue
            seen: list[bytes] = []
            distinct: list[icalendar.Component] = []
            for component in group:
                raw = component.to_ical()
                if raw in seen:
                    drop.add(id(component))
                    self.skip(
                        self.where_of[id(component)],
                        "exact duplicate of an earlier event with the same UID; ignored",
                    )
                    continue
                seen.append(raw)
                distinct.append(component)
            # versions of one event: all of a group with a series, else those with one start
            versions: dict[bytes, list[icalendar.Component]] = {}
            recurring = any(_recurring(c) for c in distinct)
            # each with its own SEQUENCE/DTSTAMP: edits of one event, even when it moved (RFC
            # 5545); two sharing one (the same stamp on different days) are an exporter reusing
            # a UID for different events, which are kept apart by their start
            stamps = Counter((_sequence(c), _dtstamp(c)) for c in distinct)
            versioned = all(n == 1 for n in stamps.values())
            for component in distinct:
                key = b"" if recurring or versioned else component.get("DTSTART").to_ical()
                versions.setdefault(key, []).append(component)
            kept = [self._keep_one_version(same) for same in versions.values()]
            kept_ids = {id(c) for c in kept}
            drop.update(id(c) for c in distinct if id(c) not in kept_ids)
            for n, component in enumerate(kept[1:], start=2):
                component["UID"] = f"{uid}#{n}"  # distinct one-off events sharing a UID
        return [c for c in events if id(c) not in drop]

    def _keep_one_version(self, versions: list[icalendar.Component]) -> icalendar.Component:
        """The version to import (RFC 5545: the highest SEQUENCE, then the latest DTSTAMP; on a
        tie a series, which holds more, then the first); the others are reported. Chosen here,
        not by recurring-ical-events, so that we know which ones are dropped."""
        kept = max(versions, key=lambda c: (_sequence(c), _dtstamp(c), _recurring(c)))
        for component in versions:
            if component is not kept:
                self.skip(self.where_of[id(component)], _version_note(component, kept))
        return kept

    def _window(
        self, events: list[icalendar.Component], start: dt.date | None, end: dt.date | None
    ) -> tuple[dt.date, dt.date]:
        span = dt.timedelta(days=DEFAULT_WINDOW_DAYS)
        if start is None and end is not None:
            start = end - span
        if start is None:
            # a series from before MIN_YEAR (a birthday in 1604) does not pull the window back
            days = [d for c in events if (d := _day(c, "DTSTART")).year >= MIN_YEAR]
            start = min(days) if days else clock.today()
        if end is None:
            end = start + span
        return start, end

    # ------------------------------------------------------------------------ expand
    def _expand(
        self,
        cal: icalendar.Calendar,
        events: list[icalendar.Component],
        window: tuple[dt.date, dt.date],
    ) -> list[Event]:
        span = (
            dt.datetime.combine(window[0] - dt.timedelta(days=1), dt.time()),
            dt.datetime.combine(window[1] + dt.timedelta(days=2), dt.time()),
        )
        by_uid: dict[str, icalendar.Component] = {}
        for component in events:
            uid = _text(component, "UID")
            if "RECURRENCE-ID" not in component or uid not in by_uid:
                by_uid[uid] = component
        runaway: set[str] = set()
        for uid, component in by_uid.items():
            rules = _rules(component)
            if not rules:
                continue
            start = component.get("DTSTART").dt
            start_dt = (
                start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
            ).replace(tzinfo=None)
            estimate = sum(_estimate(rule, start_dt, span) for rule in rules)
            if estimate > MAX_OCCURRENCES_PER_SERIES:
                runaway.add(uid)
                self._skip_runaway(component, f"about {int(estimate):,}")
                continue
            # dateutil searches a rule that matches no date up to the year 9999: check the
            # window (or, for a series starting after it, eight years) day by day first
            first = max(start_dt.date(), span[0].date())
            last = span[1].date() if first <= span[1].date() else first + dt.timedelta(days=2922)
            matching = []
            for rule in rules:
                if _matches_some_day(rule, first, last):
                    matching.append(rule)
                    continue
                text = rule.to_ical().decode()
                rest = (
                    "the event's other RRULEs were kept"
                    if len(rules) > 1
                    else ("only its DTSTART was kept")
                )
                self.skip(
                    self.where_of[id(component)],
                    f"RRULE {text} matches no date between {first} and {last}: the series has "
                    f"no occurrence there and {rest}; check BYMONTH, BYMONTHDAY, BYYEARDAY and "
                    "BYDAY",
                )
            _set_rules(component, matching)
        if runaway:
            cal.subcomponents = [
                c for c in cal.subcomponents if c.name != "VEVENT" or _text(c, "UID") not in runaway
            ]
        try:
            query = recurring_ical_events.of(cal, skip_bad_series=True)
        except Exception:
            query = None
        if query is None:
            # one bad VEVENT must not sink the file: find the UIDs that fail on their own
            bad = self._failing_uids(cal, by_uid)
            cal.subcomponents = [
                c for c in cal.subcomponents if c.name != "VEVENT" or _text(c, "UID") not in bad
            ]
            runaway |= bad
        try:
            query = query or recurring_ical_events.of(cal, skip_bad_series=True)
        except Exception as exc:
            raise CalendarError(  # the exception's text may quote the file: its type only
                f"the recurrences cannot be expanded ({type(exc).__name__})",
                where=self.where,
                hint="check the RRULE, RDATE and EXDATE lines, or export the calendar again",
            ) from exc
        expanded_uids: set[str] = set()
        result: list[Event] = []
        for series in query.series:
            uid = str(getattr(series, "uid", ""))
            expanded_uids.add(uid)
            occurrences = []
            try:
                for occurrence in series.between(*span):
                    occurrences.append(occurrence)
                    if len(occurrences) > MAX_OCCURRENCES_PER_SERIES:
                        break
            except Exception as exc:
                self.skip(
                    self._where_uid(uid, by_uid),
                    f"the recurrence cannot be expanded ({str(exc)[:120]}); "
                    "fix the RRULE/RDATE/EXDATE",
                )
                continue
            if len(occurrences) > MAX_OCCURRENCES_PER_SERIES:
                component = by_uid.get(uid)
                if component is not None:
                    self._skip_runaway(component, f"more than {MAX_OCCURRENCES_PER_SERIES:,}")
                continue
            for occurrence in occurrences:
                result.extend(self._events(occurrence, by_uid))
                if len(result) > MAX_EVENTS * 2:
                    raise CalendarError(
                        f"the calendar has more than {MAX_EVENTS:,} events in the window "
                        f"{window[0]} to {window[1]}",
                        where=self.where,
                        hint="import a shorter date range (start/end)",
                    )
        for uid in by_uid:
            if uid not in expanded_uids and uid not in runaway:
                self.skip(
                    self._where_uid(uid, by_uid),
                    "the event's dates or recurrence rule are invalid; fix or remove it",
                )
        return result

    def _failing_uids(
        self, cal: icalendar.Calendar, by_uid: dict[str, icalendar.Component]
    ) -> set[str]:
        """UIDs whose VEVENTs, alone in a calendar, cannot be expanded (each is reported)."""
        groups: dict[str, list[icalendar.Component]] = {}
        others = []
        for c in cal.subcomponents:
            if c.name == "VEVENT":
                groups.setdefault(_text(c, "UID"), []).append(c)
            else:
                others.append(c)
        bad: set[str] = set()
        for uid, components in groups.items():
            alone = icalendar.Calendar()
            alone.subcomponents = [*others, *components]
            try:
                recurring_ical_events.of(alone, skip_bad_series=True)
            except Exception as exc:
                bad.add(uid)
                self.skip(
                    self._where_uid(uid, by_uid),
                    f"the event cannot be expanded ({str(exc)[:120]}); the event was left out: "
                    "fix its dates, DURATION or recurrence",
                )
        return bad

    def _where_uid(self, uid: str, by_uid: dict[str, icalendar.Component]) -> str:
        component = by_uid.get(uid)
        return self.where_of.get(id(component), f"UID {uid}")

    def _skip_runaway(self, component: icalendar.Component, how_many: str) -> None:
        text = " and ".join(r.to_ical().decode() for r in _rules(component)) or "?"
        self.skip(
            self.where_of[id(component)],
            f"RRULE {text} repeats {how_many} times in the window, over the limit of "
            f"{MAX_OCCURRENCES_PER_SERIES:,} per series; the series was left out: check FREQ "
            "and INTERVAL",
        )

    def _events(self, occurrence: Any, by_uid: dict[str, icalendar.Component]) -> list[Event]:
        component = _source_component(occurrence)
        key = id(component)
        texts = self._texts.get(key)
        if texts is None:
            uid = _text(component, "UID")
            master = by_uid.get(uid)
            where = self.where_of.get(id(master), f"UID {uid}")
            texts = (
                _text(component, "SUMMARY"),
                _text(component, "DESCRIPTION"),
                tuple(_categories(component)),
                _text(component, "STATUS").upper() == "CANCELLED",
                Source(format=FORMAT, where=where),
            )
            self._texts[key] = texts
        title, description, categories, cancelled, source = texts
        where = source.where
        start, end = occurrence.start, occurrence.end
        if cancelled:
            day = start if not isinstance(start, dt.datetime) else start.date()
            self.skip(where, f"the occurrence on {day} is cancelled (STATUS:CANCELLED)")
            return []
        if not isinstance(start, dt.datetime):
            days = 1
            if isinstance(end, dt.date) and not isinstance(end, dt.datetime):
                days = max(1, (end - start).days)
            if days > MAX_ALL_DAY_SPAN_DAYS:
                self.skip(
                    where,
                    f"the all-day event spans {days} days; only the first "
                    f"{MAX_ALL_DAY_SPAN_DAYS} were imported",
                )
                days = MAX_ALL_DAY_SPAN_DAYS
            sport, kind, priority = self._classify(title, description, categories, None)
            return [
                Event(
                    date=start + dt.timedelta(days=n),
                    title=title,
                    description=description,
                    sport=sport,
                    kind=kind,
                    priority=priority,
                    source=source,
                )
                for n in range(days)
            ]
        start = self._localise(start)
        end = self._localise(end) if isinstance(end, dt.datetime) else None
        duration = None
        if end is not None and end > start:
            duration = round((end - start).total_seconds() / 60)
        else:
            end = None
        sport, kind, priority = self._classify(title, description, categories, duration)
        return [
            Event(
                date=start.date(),
                start=start,
                end=end,
                title=title,
                description=description,
                sport=sport,
                kind=kind,
                priority=priority if kind == Kind.race else None,
                duration_min=duration,
                source=source,
            )
        ]

    def _classify(
        self, title: str, description: str, categories: tuple[str, ...], duration: int | None
    ) -> tuple[Any, Kind, Any]:
        key = (title, description, categories, duration)
        found = self._classified.get(key)
        if found is None:
            found = classify.classify(title, description, "", categories, duration)
            self._classified[key] = found
        return found

    def _localise(self, moment: dt.datetime) -> dt.datetime:
        """A floating time gets the zone; a UTC time is converted to it; a time in a zone of
        its own (even one at +0000 that day, like London in winter) keeps it."""
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.zone) if self.zone else moment
        if self.zone is not None and is_utc(moment):
            return moment.astimezone(self.zone)
        return moment


class _XWrTimezone(x_wr_timezone.UTCChangingWalker):
    """Moves UTC times into X-WR-TIMEZONE and gives it to floating times; a time in any other
    zone, even one at +0000 or without a TZNAME, keeps its zone."""

    def is_UTC(self, dt: Any) -> bool:  # noqa: N802 (the library's name)
        return is_utc(dt)

    def is_Floating(self, dt: Any) -> bool:  # noqa: N802
        return getattr(dt, "tzinfo", None) is None

    def copy_component(
        self, component: icalendar.Component, attributes: dict, subcomponents: list
    ) -> icalendar.Component:
        """Changed in place: a copy would lose the parse errors and the line of each VEVENT."""
        for key, value in attributes.items():
            component[key] = value
        component.subcomponents = list(subcomponents)
        return component

    def walk_value_datetime(self, dt: Any) -> Any:
        try:
            return super().walk_value_datetime(dt)
        except (OverflowError, ValueError):  # 9999-12-31 23:59 UTC is the year 10000 in Berlin
            return dt  # an out-of-range date: skipped later with its reason


def _source_component(occurrence: Any) -> icalendar.Component:
    """The VEVENT an occurrence comes from (its own properties, before start/end are moved)."""
    adapter = getattr(occurrence, "_adapter", None)
    component = getattr(adapter, "_component", None)
    if isinstance(component, icalendar.Component):
        return component
    return occurrence.as_component(False)


# A series may start before MIN_YEAR (yearly holidays since 1753, Apple's year-less birthdays
# in 1604) but not before the Gregorian calendar, and only when dateutil, which walks every
# period from DTSTART, reaches MIN_YEAR in a bounded number of steps.
_MIN_SERIES_YEAR = 1583
_MAX_PERIODS_BEFORE_MIN_YEAR = 5_000


def _rules(component: icalendar.Component) -> list[Any]:
    """The event's RRULEs (RFC 5545 allows several; their union is the series)."""
    rules = component.get("RRULE")
    if rules is None:
        return []
    return list(rules) if isinstance(rules, list) else [rules]


def _set_rules(component: icalendar.Component, rules: list[Any]) -> None:
    if len(rules) == len(_rules(component)):
        return  # unchanged (rules are only ever removed)
    if "RRULE" in component:
        del component["RRULE"]
    for rule in rules:
        component.add("RRULE", rule)


def _periods_until(rule: Any, start: dt.date, until: dt.date) -> float:
    """How many FREQ periods lie between start and until (what dateutil walks through)."""
    freq = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
    interval = max(1, _interval(rule) or 1)
    first = start if not isinstance(start, dt.datetime) else start.date()
    seconds = max(0, (until - first).days) * 86400
    return seconds / (_FREQ_SECONDS.get(freq, 1) * interval)


def _strip_uid(component: icalendar.Component) -> None:
    """A UID with blanks around it ("abc ") is the UID "abc" everywhere, as we report it."""
    uid = component.get("UID")
    if uid is not None and not isinstance(uid, list) and str(uid) != str(uid).strip():
        component["UID"] = icalendar.vText(str(uid).strip())


def _dates_as_written(component: icalendar.Component) -> None:
    """All-day stays all-day: a VALUE=DATE written with a TZID (Nextcloud, holiday feeds) is
    the date as written, and a DATE start with a DATE-TIME end (which RFC 5545 forbids) ends on
    the end's date: icalendar would make both midnight date-times, one long timed event."""
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        prop = component.get(name)
        if _declared_date(prop) and isinstance(prop.dt, dt.datetime):
            component[name] = icalendar.vDDDTypes(prop.dt.date())
    for name in ("EXDATE", "RDATE"):
        props = component.get(name)
        if props is None:
            continue
        props = props if isinstance(props, list) else [props]
        if not any(_declared_date(prop) for prop in props):
            continue
        fixed = []
        for prop in props:
            dts = [getattr(d, "dt", None) for d in getattr(prop, "dts", [])]
            if _declared_date(prop) and all(isinstance(d, dt.datetime) for d in dts):
                prop = icalendar.prop.vDDDLists([d.date() for d in dts])
            fixed.append(prop)
        del component[name]
        for prop in fixed:
            component.add(name, prop)
    start = component.get("DTSTART")
    end = component.get("DTEND")
    if (
        start is not None
        and end is not None
        and not isinstance(start.dt, dt.datetime)
        and isinstance(end.dt, dt.datetime)
    ):
        day = end.dt.date()
        if end.dt.time() != dt.time() and day >= start.dt:
            day += dt.timedelta(days=1)  # an end during a day includes that day
        component["DTEND"] = icalendar.vDDDTypes(day)


def _declared_date(prop: Any) -> bool:
    params = getattr(prop, "params", None) or {}
    return str(params.get("VALUE", "")).upper() == "DATE"


def _interval(rule: Any) -> int | None:
    """The RRULE's INTERVAL (1 if absent), None if unreadable."""
    try:
        return int((rule.get("INTERVAL") or [1])[0])
    except (TypeError, ValueError):
        return None


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _matches_some_day(rule: Any, first: dt.date, last: dt.date) -> bool:
    """Whether some day in [first, last] passes the rule's BYMONTH, BYMONTHDAY, BYYEARDAY and
    BYDAY (weekday only) filters. An over-estimate: a False means the rule has no occurrence
    there. Bounded work: one step per day (one per month while BYMONTH rules a month out)."""
    try:
        months = {int(m) for m in rule.get("BYMONTH") or []}
        monthdays = {int(d) for d in rule.get("BYMONTHDAY") or []}
        yeardays = {int(d) for d in rule.get("BYYEARDAY") or []}
        weekdays = {str(d).strip()[-2:].upper() for d in rule.get("BYDAY") or []}
    except (TypeError, ValueError):
        return True  # a filter this check cannot read: leave it to the expansion
    if not (months or monthdays or yeardays or weekdays):
        return True
    wanted_weekdays = {_WEEKDAYS.index(w) for w in weekdays if w in _WEEKDAYS}
    if weekdays and not wanted_weekdays:
        return True
    day = first
    while day <= last:
        if months and day.month not in months:
            # jump to the first day of the next month
            day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            continue
        if monthdays:
            next_month = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            length = (next_month - day.replace(day=1)).days
            if day.day not in monthdays and day.day - length - 1 not in monthdays:
                day += dt.timedelta(days=1)
                continue
        if yeardays:
            number = day.toordinal() - dt.date(day.year, 1, 1).toordinal() + 1
            length = 366 if calendar.isleap(day.year) else 365
            if number not in yeardays and number - length - 1 not in yeardays:
                day += dt.timedelta(days=1)
                continue
        if wanted_weekdays and day.weekday() not in wanted_weekdays:
            day += dt.timedelta(days=1)
            continue
        return True
    return False


def _recurring(component: icalendar.Component) -> bool:
    return "RRULE" in component or "RDATE" in component


def _sequence(component: icalendar.Component) -> int:
    """SEQUENCE, -1 when absent or unreadable (as recurring-ical-events counts it)."""
    try:
        return int(component.get("SEQUENCE", -1))
    except (TypeError, ValueError):
        return -1


def _ical_text(prop: Any) -> str:
    """A property as written (icalendar gives bytes, or str for a broken property)."""
    raw = prop.to_ical()
    return raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)


def _dtstamp(component: icalendar.Component) -> str:
    """DTSTAMP as UTC text that sorts in time order ('' when absent or unreadable)."""
    try:
        value = getattr(component.get("DTSTAMP"), "dt", None)
    except Exception:  # icalendar raises on reading a broken property's value
        return ""
    if not isinstance(value, dt.datetime):
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y%m%dT%H%M%S")


def _when(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    return value.isoformat()


def _describe(component: icalendar.Component) -> str:
    """'the repeating series 'Ride' from 2026-01-05 07:00 UTC', for a skipped reason."""
    if _recurring(component):
        what, at = "the repeating series", "from"
    elif "RECURRENCE-ID" in component:
        what, at = "the changed occurrence", "on"
    else:
        what, at = "the one-off event", "on"
    summary = _text(component, "SUMMARY")[:80]
    title = f"'{summary}' " if summary else ""
    return f"{what} {title}{at} {_when(component.get('DTSTART').dt)}"


def _version_note(dropped: icalendar.Component, kept: icalendar.Component) -> str:
    """Why `dropped` lost to `kept`, another version of the same UID (and RECURRENCE-ID)."""
    if _sequence(kept) > _sequence(dropped):
        why = "it has a higher SEQUENCE"
    elif _dtstamp(kept) > _dtstamp(dropped):
        why = "same SEQUENCE, later DTSTAMP"
    elif _recurring(kept) and not _recurring(dropped):
        why = "same SEQUENCE: the series wins"
    else:
        why = "same SEQUENCE: the first in the file wins"
    same_start = kept.get("DTSTART").to_ical() == dropped.get("DTSTART").to_ical()
    same = "UID and start" if same_start and not _recurring(kept) else "UID"
    return (
        f"{_describe(dropped)} has the same {same} as {_describe(kept)} but different content, "
        f"so RFC 5545 reads them as versions of one event; the other was kept ({why}) and this "
        "one was ignored: give it its own UID if both are real events"
    )


def _day(component: icalendar.Component, name: str) -> dt.date:
    value = component.get(name).dt
    return value.date() if isinstance(value, dt.datetime) else value


def _before(end: dt.date, start: dt.date) -> bool:
    if isinstance(end, dt.datetime) != isinstance(start, dt.datetime):
        end_day = end.date() if isinstance(end, dt.datetime) else end
        start_day = start.date() if isinstance(start, dt.datetime) else start
        return end_day < start_day
    if isinstance(end, dt.datetime) and (end.tzinfo is None) != (start.tzinfo is None):
        return end.replace(tzinfo=None) < start.replace(tzinfo=None)
    return end < start


def read_ics(
    text: str,
    *,
    where: str,
    tz: ZoneInfo | None,
    start: dt.date | None,
    end: dt.date | None,
) -> Calendar:
    """Import an iCalendar text over [start, end] (see the module docstring for the rules)."""
    # line ends: CRLF, LF, bare CR or a mix of them all become LF (as in the CSV reader)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_ical_cost(text, where)
    return _Importer(text, where, tz).run(start, end)
