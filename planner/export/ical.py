"""iCalendar export (RFC 5545): one VEVENT per strength session, built with `icalendar`.

The file is a pure function of the plan, the options and the export time (DTSTAMP, which RFC
5545 defines as when the object was created): UIDs come from the sessions (and, for endurance
events, from their date and title), so a calendar app that re-imports it updates events instead
of duplicating them. A saved season's exports and feed pass the season's `uid_scope`, which goes
into every UID: two seasons with identical plans then never share a UID (a phone subscribed to
both would merge or drop their events), while each season's UIDs stay stable across re-plans.
Re-plan state shows: a done or missed session says so in its title,
description and categories, and a missed one no longer blocks the time or reminds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter

from icalendar import Alarm, Calendar, Event, vText

from planner.export.options import ExportOptions, zone
from planner.plan import Plan, PlanEvent, PlannedExercise, PlannedSession
from planner.session_content import effort_text
from planner.wording import session_title, without_priority

PRODID = "-//strength-planner//Strength plan export//EN"
EVENT_UID_DOMAIN = "events.strength-planner"

# VTIMEZONE rules are generated for the plan window plus this margin, so events the athlete
# drags a little outside it still resolve.
ZONE_MARGIN_BEFORE = dt.timedelta(days=31)
ZONE_MARGIN_AFTER = dt.timedelta(days=366)

# Line breaks in any spelling, and the control characters RFC 5545 TEXT forbids (HTAB and LF
# stay: LF is written as the \n escape). Python's str.splitlines() and some parsers break
# lines on \v, \f, \x1c-\x1e, \x85, U+2028 and U+2029 too, so they become plain newlines.
_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """User text as it will appear in the calendar: line breaks as LF, no control characters."""
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", text))


class ExactText(vText):
    """A TEXT value escaped exactly per RFC 5545 3.3.11.

    icalendar's own escaper reads a literal backslash-N as its shorthand for a line break, so
    a title like "C:\\Notes" would come back as two lines. Athlete and catalog text is data,
    never markup: every backslash is escaped. Folding stays with icalendar.
    """

    def to_ical(self) -> bytes:
        escaped = (
            str(self)
            .replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\n", "\\n")
        )
        return escaped.encode(self.encoding)


def _text(value: str) -> ExactText:
    return ExactText(clean_text(value))


# ----------------------------------------------------------------------------- wording


def dose_text(exercise: PlannedExercise) -> str:
    """The planned dose, e.g. "4 x 8 per side" or "3 x 15 s hold"."""
    if exercise.reps is not None:
        text = f"{exercise.sets} x {exercise.reps}"
    elif exercise.hold_s is not None:
        text = f"{exercise.sets} x {exercise.hold_s} s hold"
    else:
        text = f"{exercise.sets} sets"
    return text + " per side" if exercise.per_side else text


# How a re-plan's history reads in the calendar: the description's first line.
STATE_NOTE = {
    "done": "Done: you did this session.",
    "missed": "Missed: this session was not done and counts for nothing in the progression.",
}


def session_summary(session: PlannedSession) -> str:
    """The board card's title with the exercises by name: "Strength - 3 exercises, 32 min:
    Romanian deadlift, Single-leg bridge, Copenhagen plank" ("Missed · ..." when missed)."""
    return session_title(session, names=True)


def session_description(session: PlannedSession) -> str:
    """The warm-up, every exercise in session order with dose, tempo, effort, rest, load and cues,
    the session's notes (stop on pain), then why the session sits on this day."""
    head = f"Phase: {session.phase.value}" + (" (deload week)" if session.deload else "")
    lines = [STATE_NOTE[session.state], head] if session.state in STATE_NOTE else [head]
    if session.goal.strip():
        lines.append(f"Goal: {session.goal}")
    lines.append(f"About {session.minutes} min, load {session.load.value}.")
    if session.warm_up:
        lines.append(f"Warm-up: {session.warm_up}")
    for number, exercise in enumerate(session.exercises, start=1):
        role = f" ({exercise.role.value})" if exercise.role else ""
        lines += ["", f"{number}. {exercise.name}{role} - {dose_text(exercise)}"]
        details = [f"tempo {exercise.tempo}"] if exercise.tempo else []
        details.append(f"load {exercise.load.value}")
        details.append(f"{exercise.chain} level {exercise.level}")
        lines.append("   " + ", ".join(details))
        pacing = [effort_text(exercise)] if effort_text(exercise) else []
        pacing += [f"rest {exercise.rest_s} s between sets"] if exercise.rest_s is not None else []
        if pacing:
            lines.append("   Effort: " + ", ".join(pacing))
        if exercise.load_note:
            lines.append(f"   Load: {exercise.load_note}")
        lines += [f"   - {cue}" for cue in exercise.cues]
    if session.notes:
        lines += ["", "Notes:"]
        lines += [f"- {note}" for note in session.notes]
    if session.why:
        lines += ["", "Why this day:"]
        lines += [f"- {reason}" for reason in session.why]
    return "\n".join(lines)


def scoped_uid(uid: str, scope: str | None) -> str:
    """`uid` made unique to one saved season: "strength-2027W03-1-SCOPE@strength-planner"; the
    UID unchanged without a scope (a plain export)."""
    if not scope:
        return uid
    local, at, domain = uid.rpartition("@")
    return f"{local}-{scope}{at}{domain}" if at else f"{uid}-{scope}"


def event_uid(event: PlanEvent, occurrence: int) -> str:
    """A UID from the event's date, title and its occurrence among same-day same-title events.

    Counting occurrences per (date, title), not the position in the whole list, keeps UIDs of
    untouched events stable when another event is added or removed.
    """
    key = f"{event.date.isoformat()}\n{event.title}\n{occurrence}".encode()
    return f"{hashlib.sha256(key).hexdigest()[:32]}@{EVENT_UID_DOMAIN}"


# ----------------------------------------------------------------------------- components


def _session_event(
    session: PlannedSession,
    options: ExportOptions,
    tz_name: str,
    stamp: dt.datetime,
    uid_scope: str | None = None,
) -> Event:
    event = Event()
    summary = session_summary(session)
    event.add("uid", _text(scoped_uid(session.uid, uid_scope)))
    event.add("sequence", session.sequence)
    event.add("dtstamp", stamp)
    if options.all_day:
        event.add("dtstart", session.date)
        event.add("dtend", session.date + dt.timedelta(days=1))
        # An all-day entry should not mark the whole day busy.
        event.add("transp", "TRANSPARENT")
    else:
        start = dt.datetime.combine(session.date, options.time, tzinfo=zone(tz_name))
        # Wall-clock arithmetic: 18:00 + 45 min is 18:45 local whatever the UTC offset.
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=max(1, session.minutes)))
        # A session that did not happen blocks no time.
        event.add("transp", "TRANSPARENT" if session.state == "missed" else "OPAQUE")
    event.add("summary", _text(summary))
    event.add("description", _text(session_description(session)))
    categories = ["Strength", session.phase.value, session.load.value]
    if session.deload:
        categories.append("deload")
    if session.state != "planned":
        categories.append(session.state)
    event.add("categories", [_text(c) for c in categories])
    if options.reminder_minutes is not None and session.state == "planned":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _text(summary))
        alarm.add("trigger", -dt.timedelta(minutes=options.reminder_minutes))
        event.add_component(alarm)
    return event


def _training_event(plan_event: PlanEvent, uid: str, stamp: dt.datetime) -> Event:
    event = Event()
    title = (
        clean_text(plan_event.title).strip()
        or f"{plan_event.sport.value} ({plan_event.kind.value})"
    )
    if plan_event.priority is not None:  # a marker of another priority (a C race edited to B)
        others = "".join(p for p in "ABC" if p != plan_event.priority.value)
        title = without_priority(title, others)
    details = [plan_event.sport.value, plan_event.kind.value]
    if plan_event.priority is not None:
        details.append(f"priority {plan_event.priority.value}")
    if plan_event.duration_min is not None:
        details.append(f"{plan_event.duration_min} min")
    event.add("uid", uid)
    event.add("sequence", 0)
    event.add("dtstamp", stamp)
    event.add("dtstart", plan_event.date)
    event.add("dtend", plan_event.date + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("summary", _text(title))
    event.add("description", _text(", ".join(details)))
    event.add("categories", [_text("Training"), _text(plan_event.sport.value)])
    return event


def export_time() -> dt.datetime:
    """Now in UTC, to the second: the DTSTAMP of an export made now."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def export_ical(
    plan: Plan,
    options: ExportOptions | None = None,
    *,
    stamp: dt.datetime | None = None,
    uid_scope: str | None = None,
) -> bytes:
    """The plan as an iCalendar file (UTF-8, CRLF, lines folded at 75 octets).

    `stamp` is the DTSTAMP of every event: the export time (default now, in UTC). `uid_scope`
    (a saved season's) goes into every UID, see `scoped_uid`. The same plan, options, stamp and
    scope give the same bytes.
    """
    options = options or ExportOptions()
    tz_name = options.timezone_for(plan)
    stamp = (stamp or export_time()).astimezone(dt.UTC)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # NAME (RFC 7986) and the older X-WR-CALNAME most apps read. icalendar 7 writes both raw
    # (its calendar_name setter does not escape), so the value goes in as escaped TEXT.
    calendar.add("name", _text(options.calendar_name))
    calendar.add("x-wr-calname", _text(options.calendar_name))

    dated: list[tuple[dt.date, int, int, Event]] = []
    for index, session in enumerate(plan.sessions):
        event = _session_event(session, options, tz_name, stamp, uid_scope)
        dated.append((session.date, 0, index, event))
    if options.include_training:
        seen: Counter[tuple[dt.date, str]] = Counter()
        for index, plan_event in enumerate(plan.events):
            occurrence = seen[plan_event.date, plan_event.title]
            seen[plan_event.date, plan_event.title] += 1
            uid = scoped_uid(event_uid(plan_event, occurrence), uid_scope)
            dated.append((plan_event.date, 1, index, _training_event(plan_event, uid, stamp)))
    # By date; on a shared day the session comes before training; ties keep plan order.
    for _date, _kind, _index, event in sorted(dated, key=lambda item: item[:3]):
        calendar.add_component(event)

    days = [plan.start, plan.end] + [item[0] for item in dated]
    calendar.add_missing_timezones(
        first_date=min(days) - ZONE_MARGIN_BEFORE, last_date=max(days) + ZONE_MARGIN_AFTER
    )
    return calendar.to_ical()
