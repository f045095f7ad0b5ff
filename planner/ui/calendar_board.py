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
from planner.ui.charts import KIND_COLOURS, LOAD_COLOURS, MISSED_COLOUR, PHASE_COLOURS
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
VIEWS = ("season", "dayGridMonth", "dayGridWeek")
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


# ----------------------------------------------------------------------------- plan -> cards


def _phase_on(plan: Plan, day: dt.date) -> str:
    band = next((p for p in plan.phases if p.start <= day <= p.end), None)
    return band.name.value if band else PhaseName.general.value


def _deload_mondays(plan: Plan) -> set[dt.date]:
    """Mondays of deload weeks: from the plan's weeks, and from its sessions for plans made
    before the plan listed its weeks."""
    weeks = {w.start - dt.timedelta(days=w.start.weekday()) for w in plan.weeks if w.deload}
    return weeks | {s.date - dt.timedelta(days=s.date.weekday()) for s in plan.sessions if s.deload}


def week_events(plan: Plan) -> list[dict[str, Any]]:
    """Per week: a band in its phase colour and a label card 'Week N · phase (· deload)' across
    the top of the row (a label, not a card to drag or open)."""
    monday = plan.start - dt.timedelta(days=plan.start.weekday())
    cards: list[dict[str, Any]] = []
    deload_weeks = _deload_mondays(plan)
    number = 1
    while monday <= plan.end:
        phase = _phase_on(plan, max(monday, plan.start))
        deload = monday in deload_weeks
        span = {
            "start": monday.isoformat(),
            "end": (monday + dt.timedelta(days=7)).isoformat(),
            "allDay": True,
            "editable": False,
        }
        cards.append(
            {
                **span,
                "id": f"band-{monday.isoformat()}",
                "display": "background",
                "color": PHASE_COLOURS.get(phase, "#e7e5e4"),
            }
        )
        cards.append(
            {
                **span,
                "id": f"week-{monday.isoformat()}",
                "title": week_label(number, phase, deload),
                "color": "transparent",
                "textColor": "#9a3412" if deload else "#374151",
                "order": ORDER_WEEK,
                "classNames": ["week-label"] + (["deload"] if deload else []),
                "extendedProps": {"card": "week"},
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
) -> list[dict[str, Any]]:
    """Every card of the board: week bands, the athlete's events, the strength sessions and the
    athlete's marks."""
    cards = week_events(plan) + endurance_events(plan.events, revision)
    return cards + strength_events(plan, today, revision) + mark_events(pins, blocks, revision)


def board_options(plan: Plan, now: dt.date) -> dict[str, Any]:
    """FullCalendar options: Monday-first week rows; the whole season, a month or a week.

    `now` is the real date (issue 13, papercut 9: the board marks today, not the re-plan's
    'today', which is a setting and may lie anywhere in the plan). Nothing here depends on the
    opened day, so opening a day does not redraw the board."""
    weeks = ((plan.end - plan.start).days + plan.start.weekday()) // 7 + 1
    first_monday = plan.start - dt.timedelta(days=plan.start.weekday())
    return {
        "initialView": "season",
        "initialDate": max(plan.start, min(now, plan.end)).isoformat(),
        "views": {
            "season": {
                "type": "dayGrid",
                "buttonText": "Season",
                "visibleRange": {
                    "start": first_monday.isoformat(),
                    "end": (first_monday + dt.timedelta(weeks=weeks)).isoformat(),
                },
            },
            "dayGridMonth": {"buttonText": "Month"},
            "dayGridWeek": {"buttonText": "Week"},
        },
        "headerToolbar": {"left": "prev,next", "center": "title", "right": ",".join(VIEWS)},
        "firstDay": 1,
        "timeZone": "UTC",  # dates come back as plain UTC days, whatever the browser's zone
        "now": now.isoformat(),
        "nowIndicator": False,
        "validRange": {
            "start": first_monday.isoformat(),
            "end": (plan.end + dt.timedelta(days=1)).isoformat(),
        },
        "height": BOARD_HEIGHT_PX,
        "fixedWeekCount": False,
        "dayMaxEvents": False,
        "editable": False,  # cards opt in: only coming strength sessions move
        "eventLongPressDelay": 300,  # on a touch screen, hold a card this long to drag it
        # Redraw on the next tick, not inside FullCalendar's drop handler: the handler redrew
        # every card (~0.1 s for a season) before it sent the drop to the server.
        "rerenderDelay": RERENDER_DELAY_MS,
        "eventOrder": "order,title",
        "eventDisplay": "block",
        "weekNumbers": False,
        "navLinks": False,
    }


BOARD_CSS = """
.fc { font-size: 0.8rem; }
.fc .fc-daygrid-event { white-space: normal; cursor: pointer; }
.fc .fc-event-title { font-weight: 600; overflow-wrap: anywhere; }
.fc .strength.fc-event-draggable { cursor: grab; border-left: 4px solid #f59e0b !important; }
.fc .state-missed .fc-event-title { text-decoration: line-through; }
.fc .race { box-shadow: inset 0 0 0 2px #7f1d1d; }
.fc .fc-bg-event { opacity: 0.55; }
.fc .mark { border: 1px dashed #6b7280; font-size: 0.7rem; }
.fc .week-label { border: none; cursor: default; pointer-events: none; }
.fc .week-label .fc-event-title { font-size: 0.72rem; font-weight: 600; }
.fc .fc-daygrid-day.fc-day-today { background: #fef9c3 !important; }
.fc .fc-day-today .fc-daygrid-day-number { background: #ca8a04; color: #fff; border-radius: 4px;
  font-weight: 700; }
.fc .fc-daygrid-day-top { min-height: 1.4rem; }
@media (max-width: 560px) {
  .fc { font-size: 0.62rem; }
  .fc .fc-toolbar { flex-wrap: wrap; gap: 4px; }
  .fc .fc-toolbar-title { font-size: 0.95rem; }
  .fc .fc-button { padding: 2px 6px; font-size: 0.7rem; }
  .fc .week-label .fc-event-title { font-size: 0.58rem; }
}
"""


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
