"""The calendar board: a plan as FullCalendar cards, and the board's callbacks as plain actions.

An adapter (STYLE.md): `board_events` and `board_options` turn a plan into the JSON that the
`streamlit-calendar` component (FullCalendar) draws; `read_action` turns what the component sends
back (a card clicked, a strength card dropped on another day) into a `Click` or a `Drop`. The app
turns a `Drop` into the same block + pin re-plan request that `planner plan --previous --block
OLD --pin NEW` builds. Nothing here knows about Streamlit, so every piece is tested without it.

Titles are user text; FullCalendar renders them as text nodes (never HTML), so they are passed
as typed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, NamedTuple

from planner.domain import Kind
from planner.plan import PhaseName, Plan, PlanEvent
from planner.ui.charts import (
    KIND_COLOURS,
    LOAD_COLOURS,
    MISSED_COLOUR,
    PHASE_COLOURS,
    week_records,
)
from planner.wording import session_title, without_priority

# Strength cards share the season chart's teal family, darker for heavier work.
STRENGTH_COLOURS = LOAD_COLOURS
DONE_COLOUR = "#15803d"
DARK_CARDS = {STRENGTH_COLOURS["heavy"], STRENGTH_COLOURS["moderate"], DONE_COLOUR}  # white text
KIND_NAMES = {
    Kind.race.value: "race",
    Kind.hard.value: "hard",
    Kind.long.value: "long",
    Kind.easy.value: "easy",
    Kind.rest.value: "rest",
    Kind.other.value: "other",
    Kind.unavailable.value: "away",
}
# Order of cards in a day: the week label on top, races, the strength session, the rest.
ORDER_WEEK, ORDER_RACE, ORDER_STRENGTH, ORDER_ENDURANCE = -1, 0, 1, 2
BOARD_HEIGHT_PX = 720  # the season scrolls inside the board; the page stays short
VIEWS = ("season", "dayGridMonth", "dayGridWeek", "listWeek")
PHONE_VIEWS = ("listWeek", "season", "dayGridMonth")
RERENDER_DELAY_MS = 0  # a number, even 0, makes FullCalendar redraw in a timer (see board_options)


class Click(NamedTuple):
    """A card or an empty day was clicked: open that day."""

    day: dt.date


class Drop(NamedTuple):
    """A strength card was dropped on another day."""

    uid: str
    from_day: dt.date
    to_day: dt.date


# ----------------------------------------------------------------------------- titles


def event_title(event: PlanEvent) -> str:
    """The athlete's own title, with the race badge and the duration when known."""
    title = event.title.strip() or KIND_NAMES.get(event.kind.value, "event").capitalize()
    if event.kind == Kind.race:
        priority = event.priority.value if event.priority else "B"
        # the badge says the priority, the edited one: no marker in the title says it again
        title = f"{priority} race · {without_priority(title)}"
    if event.duration_min and event.duration_min > 0:
        title += f" · {_duration(event.duration_min)}"
    return title


def _duration(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def week_label(number: int, phase: str, deload: bool) -> str:
    """'Week 5 · base · deload': shown across the top of each week row."""
    return f"Week {number} · {phase}" + (" · deload" if deload else "")


def week_totals(sessions: int, strength_minutes: int, endurance_hours: float) -> str:
    """'2 strength, 50 min · 8.5 h endurance': the week's load at a glance."""
    strength = f"{sessions} strength, {strength_minutes} min" if sessions else "no strength"
    hours = f"{endurance_hours:g} h endurance" if endurance_hours else "no endurance"
    return f"{strength} · {hours}"


# ----------------------------------------------------------------------------- plan -> cards


def _phase_on(plan: Plan, day: dt.date) -> str:
    band = next((p for p in plan.phases if p.start <= day <= p.end), None)
    return band.name.value if band else PhaseName.general.value


def _deload_mondays(plan: Plan) -> set[dt.date]:
    """Mondays of deload weeks: from the plan's weeks, and from its sessions for plans made
    before the plan listed its weeks."""
    weeks = {w.start - dt.timedelta(days=w.start.weekday()) for w in plan.weeks if w.deload}
    return weeks | {s.date - dt.timedelta(days=s.date.weekday()) for s in plan.sessions if s.deload}


def week_events(plan: Plan, first_day: int = 0, revision: int = 0) -> list[dict[str, Any]]:
    """Per week: a band in its phase colour; a label 'Week N · phase (· deload) — totals'
    across the top of the row (a label, not a card to drag or open); and the same text as a
    one-day heading for the list view, where a label across the week would repeat every day.

    `first_day` is the board's first weekday (Python's: 0 Monday, 6 Sunday). The plan's weeks
    run Monday to Sunday; where rows start on another day the label covers the days of its
    week that share the Monday's row."""
    monday = plan.start - dt.timedelta(days=plan.start.weekday())
    cards: list[dict[str, Any]] = []
    deload_weeks = _deload_mondays(plan)
    totals = {dt.date.fromisoformat(r["week_start"][:10]): r for r in week_records(plan)}
    in_row = (first_day - 0) % 7 or 7  # days from Monday to the next row's first day
    number = 1
    while monday <= plan.end:
        phase = _phase_on(plan, max(monday, plan.start))
        deload = monday in deload_weeks
        week = totals.get(monday, {})
        title = week_label(number, phase, deload)
        if week:
            title += " — " + week_totals(
                week["strength_sessions"], week["strength_minutes"], week["endurance_hours"]
            )
        span = {"start": monday.isoformat(), "allDay": True, "editable": False}
        cards.append(
            {
                **span,
                "end": (monday + dt.timedelta(days=7)).isoformat(),
                "id": f"band-{monday.isoformat()}",
                "display": "background",
                "color": PHASE_COLOURS.get(phase, "#e7e5e4"),
            }
        )
        label = {
            **span,
            "title": title,
            "color": "transparent",
            "textColor": "#9a3412" if deload else "#374151",
            "order": ORDER_WEEK,
            "extendedProps": {"card": "week"},
        }
        classes = ["deload"] if deload else []
        cards.append(
            {
                **label,
                "id": f"week-{monday.isoformat()}",
                "end": (monday + dt.timedelta(days=in_row)).isoformat(),
                "classNames": ["week-label", *classes],
            }
        )
        cards.append(
            {
                **label,
                "id": f"weeklist-{monday.isoformat()}",
                "classNames": ["week-summary", *classes],
                "extendedProps": {"card": "week-list", "revision": revision},
            }
        )
        monday += dt.timedelta(days=7)
        number += 1
    return cards


def endurance_events(events: Iterable[PlanEvent], revision: int = 0) -> list[dict[str, Any]]:
    """The athlete's fixed calendar: coloured by kind, never draggable."""
    cards = []
    for i, event in enumerate(events):
        kind = event.kind.value
        cards.append(
            {
                "id": f"event-{i}",
                "title": event_title(event),
                "start": event.date.isoformat(),
                "allDay": True,
                "editable": False,
                "color": KIND_COLOURS.get(kind, KIND_COLOURS[Kind.other.value]),
                "textColor": "#1f2937" if kind in ("rest", "other") else "#ffffff",
                "order": ORDER_RACE if event.kind == Kind.race else ORDER_ENDURANCE,
                "classNames": ["endurance", f"kind-{kind}"]
                + (["race", f"priority-{event.priority.value}"] if event.priority else []),
                "extendedProps": {
                    "card": "endurance",
                    "date": event.date.isoformat(),
                    "revision": revision,
                },
            }
        )
    return cards


def strength_events(plan: Plan, today: dt.date, revision: int = 0) -> list[dict[str, Any]]:
    """Strength cards: coloured by load; a coming planned session can be dragged to another day.

    `revision` goes into every card (of every kind) so the board redraws after a drop, an undo
    or a day picked from the list (a refused drop snaps back), and so the same drop or click
    made again after that is seen as new."""
    cards = []
    for session in plan.sessions:
        movable = session.state == "planned" and session.date >= today
        if session.state == "missed":
            colour = MISSED_COLOUR
        elif session.state == "done":
            colour = DONE_COLOUR
        else:
            colour = STRENGTH_COLOURS.get(session.load.value, STRENGTH_COLOURS["moderate"])
        cards.append(
            {
                "id": session.uid,
                "title": session_title(session),
                "start": session.date.isoformat(),
                "allDay": True,
                "editable": movable,
                "startEditable": movable,
                "durationEditable": False,
                "color": colour,
                "textColor": "#ffffff" if colour in DARK_CARDS else "#1f2937",
                "order": ORDER_STRENGTH,
                "classNames": ["strength", f"load-{session.load.value}", f"state-{session.state}"]
                + (["deload"] if session.deload else []),
                "extendedProps": {
                    "card": "strength",
                    "date": session.date.isoformat(),
                    "revision": revision,
                },
            }
        )
    return cards


def mark_events(
    pins: Iterable[dt.date], blocks: Iterable[dt.date], revision: int = 0
) -> list[dict[str, Any]]:
    """The athlete's pinned and blocked days, as small labels: what the next re-plan keeps to."""
    labels = [(day, "pinned", "pinned day") for day in pins]
    labels += [(day, "blocked", "blocked day") for day in blocks]
    return [
        {
            "id": f"{kind}-{day.isoformat()}",
            "title": title,
            "start": day.isoformat(),
            "allDay": True,
            "editable": False,
            "color": "transparent",
            "textColor": "#1f2937",
            "order": ORDER_RACE,
            "classNames": ["mark", f"mark-{kind}"],
            "extendedProps": {"card": "mark", "date": day.isoformat(), "revision": revision},
        }
        for day, kind, title in labels
    ]


def board_events(
    plan: Plan,
    today: dt.date,
    revision: int = 0,
    pins: Iterable[dt.date] = (),
    blocks: Iterable[dt.date] = (),
    first_day: int = 0,
) -> list[dict[str, Any]]:
    """Every card of the board: week bands and labels, the athlete's events, the strength
    sessions and the athlete's marks. `first_day`: the board's first weekday (0 Monday)."""
    cards = week_events(plan, first_day, revision) + endurance_events(plan.events, revision)
    return cards + strength_events(plan, today, revision) + mark_events(pins, blocks, revision)


def board_options(
    plan: Plan,
    now: dt.date,
    *,
    locale: str = "en-GB",
    first_day: int = 0,
    phone: bool = False,
) -> dict[str, Any]:
    """FullCalendar options: week rows; the whole season, a month, a week or a week's list.

    `now` is the real date (issue 13, papercut 9: the board marks today, not the re-plan's
    'today', which is a setting and may lie anywhere in the plan). `locale` (a BCP 47 tag such as
    'en-DE') sets the order of dates in titles and headers; `first_day` (Python's weekday, 0
    Monday) the first column. A phone opens on this week's list, as tall as its days (no
    scrolling box inside the page); a desktop on the season. Nothing here depends on the opened
    day, so opening a day does not redraw the board."""
    first_monday = plan.start - dt.timedelta(days=plan.start.weekday())
    # The season from last week on (from its first week before it starts): this week's cards
    # are on the first screen however far into the season; the Month view reaches back.
    anchor = min(max(first_monday, now - dt.timedelta(days=7)), plan.end)
    row_start = anchor - dt.timedelta(days=(anchor.weekday() - first_day) % 7)
    valid_start = first_monday - dt.timedelta(days=(first_monday.weekday() - first_day) % 7)
    last = plan.end + dt.timedelta(days=1)
    rows = -(-(last - row_start).days // 7)
    return {
        "initialView": "listWeek" if phone else "season",
        "initialDate": max(plan.start, min(now, plan.end)).isoformat(),
        "views": {
            "season": {
                "type": "dayGrid",
                "buttonText": "Season",
                "visibleRange": {
                    "start": row_start.isoformat(),
                    "end": (row_start + dt.timedelta(weeks=rows)).isoformat(),
                },
            },
            "dayGridMonth": {"buttonText": "Month"},
            "dayGridWeek": {"buttonText": "Week"},
            "listWeek": {
                "buttonText": "List",
                "listDayFormat": {"weekday": "long", "day": "numeric", "month": "long"},
                "listDaySideFormat": False,
            },
        },
        "headerToolbar": {
            "left": "prev,next",
            "center": "title",
            "right": ",".join(PHONE_VIEWS if phone else VIEWS),
        },
        "locale": locale,
        "firstDay": (first_day + 1) % 7,  # FullCalendar counts from Sunday
        "timeZone": "UTC",  # dates come back as plain UTC days, whatever the browser's zone
        "now": now.isoformat(),
        "nowIndicator": False,
        "validRange": {"start": valid_start.isoformat(), "end": last.isoformat()},
        "height": "auto" if phone else BOARD_HEIGHT_PX,
        "fixedWeekCount": False,
        "dayMaxEvents": False,
        "editable": False,  # cards opt in: only coming strength sessions move
        "eventLongPressDelay": 300,  # on a touch screen, hold a card this long to drag it
        # Redraw on the next tick, not inside FullCalendar's drop handler: the handler redrew
        # every card (~0.1 s for a season) before it sent the drop to the server.
        "rerenderDelay": RERENDER_DELAY_MS,
        # the first day of a month says its month in short: "14 December" took two lines in a
        # narrow cell and pushed that day's cards under the week's label
        "monthStartFormat": {"month": "short", "day": "numeric"},
        "eventOrder": "order,title",
        "eventDisplay": "block",
        "weekNumbers": False,
        "navLinks": False,
    }


BOARD_CSS = """
.fc { font-size: 0.8rem; }
.fc .fc-daygrid-event { white-space: normal; cursor: pointer; }
.fc .fc-event-title { font-weight: 600; overflow-wrap: normal; word-break: normal; }
.fc .fc-daygrid-event .fc-event-main { overflow: hidden; }
.fc .strength.fc-event-draggable { cursor: grab; border-left: 4px solid #f59e0b !important; }
.fc .state-missed .fc-event-title { text-decoration: line-through; }
.fc .race { box-shadow: inset 0 0 0 2px #7f1d1d; }
.fc .fc-bg-event { opacity: 0.55; }
.fc .mark { border: 1px dashed #6b7280; font-size: 0.7rem; }
.fc .week-label { border: none; cursor: default; pointer-events: none; }
.fc .week-label .fc-event-title { font-size: 0.72rem; font-weight: 600; }
.fc .fc-daygrid .week-summary { display: none; }
.fc .fc-daygrid-event-harness:has(.week-summary) { visibility: hidden; height: 0; }
.fc .fc-list .week-label { display: none; }
.fc .fc-list .week-summary { pointer-events: none; }
.fc .fc-list .week-summary td { background: #f1f5f9; font-weight: 700; color: #334155; }
.fc .fc-list .week-summary .fc-list-event-dot { visibility: hidden; }
.fc .fc-list-event-title { font-weight: 600; }
.fc .fc-list-event-time { display: none; }
.fc .fc-daygrid-day.fc-day-today { background: #fef9c3 !important; }
.fc .fc-list-day.fc-day-today > th, .fc .fc-list-day.fc-day-today .fc-cell-shaded {
  background: #fef9c3; }
.fc .fc-day-today .fc-daygrid-day-number { background: #ca8a04; color: #fff; border-radius: 4px;
  font-weight: 700; }
.fc .fc-daygrid-day-top { height: 1.5rem; white-space: nowrap; overflow: hidden; }
@media (max-width: 560px) {
  .fc { font-size: 12px; }
  .fc .fc-toolbar { flex-wrap: wrap; gap: 4px; }
  .fc .fc-toolbar-title { font-size: 15px; }
  .fc .fc-button { padding: 4px 8px; font-size: 13px; }
  .fc .week-label .fc-event-title, .fc .mark { font-size: 12px; }
  .fc .fc-list-day-cushion, .fc .fc-list-event td { padding: 6px 8px; }
}
"""
OPENED_OUTLINE = "#1d4ed8"


def board_css(opened: dt.date | None = None) -> str:
    """The board's styles, with the opened day's cell and cards outlined (a style change only:
    FullCalendar keeps its cards, so opening a day stays cheap)."""
    if opened is None:
        return BOARD_CSS
    day = opened.isoformat()
    return BOARD_CSS + (
        f".fc td[data-date='{day}'] {{ box-shadow: inset 0 0 0 2px {OPENED_OUTLINE}; }}\n"
        f".fc td[data-date='{day}'] .fc-event:not(.week-label):not(.fc-bg-event) {{ "
        f"outline: 2px solid {OPENED_OUTLINE}; outline-offset: 1px; }}\n"
    )


# ----------------------------------------------------------------------------- callbacks


def _day(value: Any) -> dt.date | None:
    """'2027-02-14' or '2027-02-14T00:00:00.000Z' (the board runs in UTC) as a date."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def action_signature(value: Any) -> str | None:
    """A stable text for one component value: the same value on the next rerun is not new."""
    if not isinstance(value, dict) or not value.get("callback"):
        return None
    return json.dumps(value, sort_keys=True, default=str)


def read_action(value: Any) -> Click | Drop | None:
    """What the board's last callback asks for; None for anything else (views, event sets)."""
    if not isinstance(value, dict):
        return None
    callback = value.get("callback")
    if callback == "eventClick":
        event = (value.get("eventClick") or {}).get("event") or {}
        if (event.get("extendedProps") or {}).get("card") not in ("strength", "endurance", "mark"):
            return None
        day = _day(event.get("start"))
        return Click(day) if day else None
    if callback == "dateClick":
        day = _day((value.get("dateClick") or {}).get("date"))
        return Click(day) if day else None
    if callback == "eventChange":
        change = value.get("eventChange") or {}
        old, new = change.get("oldEvent") or {}, change.get("event") or {}
        props = new.get("extendedProps") or {}
        start, end = _day(old.get("start")), _day(new.get("start"))
        if props.get("card") != "strength" or not start or not end or start == end:
            return None
        return Drop(str(new.get("id", "")), start, end)
    return None
