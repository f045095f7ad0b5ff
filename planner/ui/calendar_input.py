"""Calendar in: an uploaded .ics/.csv or the demo season, and the athlete's review edits.

`calendar_from_upload` is the one door for uploaded bytes, so tests can call it directly. Edits
from the review table are applied with `apply_edits`, which keeps every event valid (a priority
makes an event a race; a race turned into something else loses its priority).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from zoneinfo import available_timezones

import pandas as pd
import streamlit as st

from planner.config import PlannerConfig, SeasonSettings
from planner.domain import Calendar, Event, Kind, Priority, Sport
from planner.errors import CalendarError
from planner.horizon import default_start, default_weeks
from planner.importers import load_demo, read_calendar
from planner.ui import state
from planner.ui.fields import field_key
from planner.ui.text import md_escape
from planner.wording import plural

UPLOAD_TYPES = ["ics", "ical", "csv", "tsv", "txt"]
EDITABLE = ["sport", "kind", "priority"]
FORMAT_NAMES = {
    "ics": "iCalendar (.ics)",
    "trainingpeaks-csv": "TrainingPeaks CSV",
    "intervals-csv": "intervals.icu CSV",
    "garmin-csv": "Garmin Connect CSV",
    "strava-csv": "Strava CSV",
    "generic-csv": "Simple CSV",
}


TIMEZONE_KEY = "upload_timezone"


@st.cache_data(show_spinner=False, max_entries=16)
def _parse_upload(data: bytes, filename: str, timezone: str | None = None) -> dict[str, Any]:
    """{"calendar": JSON} or {"error": [message, where, hint]}: a refusal is cached too, so a
    refused upload is not parsed again on every rerun of the page."""
    try:
        return {"calendar": read_calendar(data, filename, timezone=timezone).model_dump_json()}
    except CalendarError as exc:
        return {"error": [exc.message, exc.where, exc.hint]}


def calendar_from_upload(data: bytes, filename: str, timezone: str | None = None) -> Calendar:
    """Import uploaded bytes (cached on the bytes and zone); UTC times are dated in `timezone`.
    Raises CalendarError with a readable message."""
    parsed = _parse_upload(bytes(data), filename, timezone)
    if "error" in parsed:
        message, where, hint = parsed["error"]
        raise CalendarError(message, where=where, hint=hint)
    return Calendar.model_validate_json(parsed["calendar"])


@st.cache_data(show_spinner=False)
def _zone_names() -> list[str]:
    return sorted(available_timezones())


def default_timezone(calendar: Calendar) -> str:
    """The calendar's own zone, else the browser's, else UTC."""
    names = set(_zone_names())
    for candidate in (calendar.timezone, getattr(st.context, "timezone", None)):
        if candidate in names:
            return str(candidate)
    return "UTC"


def _ask_timezone(calendar: Calendar, identity: str) -> str:
    """The athlete's zone, asked next to the upload; a new file resets it to its default."""
    if st.session_state.get(TIMEZONE_KEY + "_for") != identity:
        st.session_state[TIMEZONE_KEY] = default_timezone(calendar)
        st.session_state[TIMEZONE_KEY + "_for"] = identity
    return str(
        st.selectbox(
            "Your time zone",
            _zone_names(),
            key=TIMEZONE_KEY,
            help="UTC times in the file (Strava, UTC-only feeds) are dated in this zone, and "
            "the plan's calendar export uses it. Default: the calendar's own zone, else your "
            "browser's.",
        )
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _demo_json(start: dt.date) -> str:
    return load_demo(start).model_dump_json()


def demo_calendar(start: dt.date) -> Calendar:
    """The built-in demo season, its first Monday moved to `start`."""
    return Calendar.model_validate_json(_demo_json(start))


def format_label(fmt: str) -> str:
    return FORMAT_NAMES.get(fmt, fmt.replace("-", " "))


def calendar_settings(calendar: Calendar, today: dt.date | None = None) -> dict[str, Any]:
    """Start, weeks and main sport a calendar suggests (the CLI's rules, planner.horizon)."""
    transition = st.session_state.get(field_key("season", "transition_weeks"))
    season = SeasonSettings() if transition is None else SeasonSettings(transition_weeks=transition)
    start = default_start(calendar, today)
    values: dict[str, Any] = {
        state.START: start,
        state.WEEKS: default_weeks(calendar, start, PlannerConfig(season=season)),
    }
    # The CLI's rule too: the sport with the most training time (triathlon when all three count).
    values[state.SPORT] = calendar.dominant_sport().value
    return values


def upload_identity(upload: Any) -> str:
    """Which calendar an upload is (its bytes and name), or "demo" without one."""
    if upload is None:
        return "demo"
    return "upload:" + hashlib.sha256(upload.getvalue() + upload.name.encode()).hexdigest()[:16]


def follow_calendar() -> None:
    """Uploader callback: start, weeks and main sport follow the new calendar, except those the
    athlete set (a value that differs from what the app last filled in is the athlete's).

    A start date belongs to one calendar: a start set for the calendar before (by hand or with
    "Start the plan on ...") is kept for that calendar only, and comes back if it is uploaded
    again; weeks and main sport set by hand stay for every calendar."""
    upload = st.session_state.get(state.UPLOAD)
    if upload is None:
        suggested = {k: v for k, v in state.defaults().items() if k in state.AUTO_KEYS}
    else:
        try:
            calendar = calendar_from_upload(upload.getvalue(), upload.name)
        except CalendarError:
            return  # the error shows in the page; the settings stay as they are
        suggested = calendar_settings(calendar)
    auto = dict(st.session_state.get(state.AUTO) or {})
    starts = dict(st.session_state.get(state.STARTS_SET) or {})
    before = st.session_state.get(state.START_FOR) or "demo"
    if st.session_state.get(state.START) != auto.get(state.START):
        starts[before] = st.session_state.get(state.START)
    identity = upload_identity(upload)
    for key, value in suggested.items():
        if key == state.START:
            st.session_state[key] = starts.get(identity, value)
            auto[key] = value
        elif st.session_state.get(key) == auto.get(key):
            st.session_state[key] = value
            auto[key] = value
    st.session_state[state.AUTO] = auto
    st.session_state[state.STARTS_SET] = starts
    st.session_state[state.START_FOR] = identity


def events_frame(calendar: Calendar) -> pd.DataFrame:
    """The review table: one row per event, the editable columns as plain strings; an unknown
    duration is a blank cell (a nullable integer), not 'None'."""
    rows = [
        {
            "date": e.date,
            "title": e.title,
            "sport": e.sport.value,
            "kind": e.kind.value,
            "priority": e.priority.value if e.priority else None,
            "minutes": e.duration_min,
        }
        for e in calendar.events
    ]
    columns = ["date", "title", "sport", "kind", "priority", "minutes"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["minutes"] = frame["minutes"].astype("Int64")
    return frame


def _clean(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def apply_edits(calendar: Calendar, edited: pd.DataFrame) -> Calendar:
    """The calendar with the review table's sport/kind/priority values applied row by row."""
    events: list[Event] = []
    # Whole columns as lists: row access through .iloc costs more than the rest of the page.
    sports, kinds, priorities = (edited[c].tolist() for c in ("sport", "kind", "priority"))
    for index, event in enumerate(calendar.events):
        if index >= len(edited):
            events.append(event)
            continue
        sport = Sport(_clean(sports[index]) or event.sport.value)
        kind = Kind(_clean(kinds[index]) or event.kind.value)
        priority_text = _clean(priorities[index])
        priority = Priority(priority_text) if priority_text else None
        if kind != event.kind and kind != Kind.race:
            priority = None  # the athlete demoted a race: its priority goes with it
        elif priority is not None:
            kind = Kind.race  # giving a priority promotes the event to a race
        if (sport, kind, priority) == (event.sport, event.kind, event.priority):
            events.append(event)
            continue
        events.append(
            Event.model_validate(
                {**event.model_dump(), "sport": sport, "kind": kind, "priority": priority}
            )
        )
    return calendar.model_copy(update={"events": events})


def calendar_source(start: dt.date) -> tuple[Calendar | None, str]:
    """Draw the 'Calendar in' section; return the calendar (None on error) and its identity."""
    left, right = st.columns([3, 2], gap="large")
    with left:
        upload = st.file_uploader(
            "Upload your training calendar (.ics or a .csv export)",
            type=UPLOAD_TYPES,
            key=state.UPLOAD,
            on_change=follow_calendar,
            help="iCalendar from Google/Apple/Outlook, or CSV from TrainingPeaks, Strava, "
            "Garmin or intervals.icu. Without a file the built-in demo season is used.",
        )
    calendar: Calendar | None
    if upload is None:
        calendar = demo_calendar(start)
        identity = "demo"
        source_text = "Demo season: a road cyclist's winter and spring, moved to your start date."
    else:
        data = upload.getvalue()
        identity = upload_identity(upload)
        source_text = f"Your file: {md_escape(upload.name)}"
        try:
            calendar = calendar_from_upload(data, upload.name)
            with left:
                zone = _ask_timezone(calendar, identity)
            calendar = calendar_from_upload(data, upload.name, zone)
            calendar = calendar.model_copy(update={"timezone": zone})
            identity += ":" + zone
        except CalendarError as exc:
            with right:
                st.error(
                    f"Could not read this calendar. {md_escape(str(exc))}",
                    icon=":material/description:",
                )
            return None, identity
    # keyed: on a phone the details fold away so the plan fills the first screen (phone.py)
    with right, st.container(key="calendar_details"):
        st.caption(source_text)
        st.markdown(f"Format: :blue-badge[{format_label(calendar.format)}]")
        with st.container(horizontal=True, gap="medium"):
            st.metric("Events read", len(calendar.events), width="content")
            st.metric("Races", len(calendar.races()), width="content")
            st.metric("Skipped", len(calendar.skipped), width="content")
        if calendar.skipped:
            st.warning(
                f"{plural(len(calendar.skipped), 'row')} skipped — see why below.",
                icon=":material/warning:",
            )
    if calendar.skipped:
        with st.expander(f"Skipped rows ({len(calendar.skipped)})"):
            skipped = [s.model_dump() for s in calendar.skipped]
            st.dataframe(
                pd.DataFrame(skipped, columns=["where", "reason"]),
                hide_index=True,
                width="stretch",
            )
    return calendar, identity


def edits_scope(identity: str) -> str:
    """The calendar review edits refer to: an upload's file, whatever time zone it is read in."""
    if identity.startswith("upload:"):
        return ":".join(identity.split(":")[:2])
    return identity


def event_keys(calendar: Calendar) -> list[str]:
    """A key per event that a new time zone does not change: where it is in the file, its
    title, and which occurrence of that pair it is (in time order, which no zone changes)."""
    seen: dict[tuple[str, str], int] = {}
    keys = []
    for event in calendar.events:
        pair = (event.source.where, event.title)
        seen[pair] = seen.get(pair, 0) + 1
        keys.append(f"{pair[0]}\x00{pair[1]}\x00{seen[pair]}")
    return keys


def _with_edits(calendar: Calendar, keys: list[str], edits: dict[str, list]) -> Calendar:
    if not edits:
        return calendar
    events = []
    for key, event in zip(keys, calendar.events, strict=True):
        edit = edits.get(key)
        if edit is not None:
            sport, kind, priority = edit
            event = Event.model_validate(
                {**event.model_dump(), "sport": sport, "kind": kind, "priority": priority}
            )
        events.append(event)
    return calendar.model_copy(update={"events": events})


def _review_edits(identity: str) -> dict[str, Any]:
    """The athlete's review edits, by event (see `event_keys`), for the calendar on screen: they
    hold when the time zone changes and whether or not the review tab is open, so the plan
    never depends on which tabs were visited."""
    scope = edits_scope(identity)
    saved = st.session_state.get(state.REVIEW_EDITS)
    if not saved or saved["for"] != scope:
        # A different calendar: edits to the old one's rows mean nothing here.
        saved = {"for": scope, "edits": {}, "generation": 0}
        st.session_state.pop(state.EDITOR, None)
    elif st.session_state.get(state.CALENDAR_ID) != identity:
        # The same file read in another zone: its rows may be in another order, so the table
        # starts afresh (a new widget) from the calendar with the kept edits applied.
        saved = {**saved, "generation": saved["generation"] + 1}
    st.session_state[state.CALENDAR_ID] = identity
    st.session_state[state.REVIEW_EDITS] = saved
    return saved


REVIEW_ROWS = "review_rows"  # event indices of the rows the table shows, in order
REVIEW_FILTER = "review_filter"
# What the filter above the review table shows (None: every event).
REVIEW_FILTERS: dict[str, set[Kind] | None] = {
    "All": None,
    "Races": {Kind.race},
    "Away days": {Kind.unavailable},
    "Key sessions": {Kind.race, Kind.hard, Kind.long},
}


def _editor_key(generation: int) -> str:
    return state.EDITOR if not generation else f"{state.EDITOR}_{generation}"


def _edits_of(keys: list[str], imported: Calendar, result: Calendar) -> dict[str, list]:
    return {
        key: [new.sport.value, new.kind.value, new.priority.value if new.priority else None]
        for key, old, new in zip(keys, imported.events, result.events, strict=True)
        if (old.sport, old.kind, old.priority) != (new.sport, new.kind, new.priority)
    }


def _take_table_edits(saved: dict[str, Any], keys: list[str], imported: Calendar) -> None:
    """The table's latest edits into the kept ones (its rows are the events of REVIEW_ROWS, or
    all of them), then a fresh table over the edited calendar: the edits no longer depend on
    the table being drawn, or on which rows a filter showed."""
    key = _editor_key(saved["generation"])
    changed = dict((st.session_state.get(key) or {}).get("edited_rows") or {})
    if not changed:
        return
    current = _with_edits(imported, keys, saved["edits"])
    frame = events_frame(current)
    rows = st.session_state.get(REVIEW_ROWS)
    for position, change in changed.items():
        at = int(position)
        index = rows[at] if rows is not None and at < len(rows) else at
        for column, value in change.items():
            if column in EDITABLE and 0 <= index < len(frame):
                frame.at[index, column] = value
    saved["edits"] = _edits_of(keys, imported, apply_edits(current, frame))
    st.session_state.pop(key, None)
    saved["generation"] += 1


def review_editor(calendar: Calendar, identity: str, *, draw: bool = True) -> Calendar:
    """The review table: fix an event's sport, kind or priority; returns the edited calendar.

    Drawn only with `draw` (its tab open): the table's grid code is the heaviest the page
    loads, and a first visit does not need it. The edits hold either way, kept by event."""
    saved = _review_edits(identity)
    keys = event_keys(calendar)
    imported = calendar
    _take_table_edits(saved, keys, imported)
    calendar = _with_edits(imported, keys, saved["edits"])
    if not draw:
        return calendar
    st.caption(
        "Fix what the importer guessed: set a race's priority (A = season goal), or mark a ride "
        "as hard, long or easy; mark days away (travel, holiday, illness) as unavailable. "
        "Giving an event a priority makes it a race. Edits re-plan."
    )
    choice = st.segmented_control(
        "Show", list(REVIEW_FILTERS), key=REVIEW_FILTER, default="All", label_visibility="collapsed"
    )
    kinds = REVIEW_FILTERS.get(choice or "All")
    rows = [i for i, e in enumerate(calendar.events) if kinds is None or e.kind in kinds]
    st.session_state[REVIEW_ROWS] = rows
    if not rows:
        st.info(
            f"No {(choice or 'events').lower()} in this calendar.", icon=":material/filter_alt:"
        )
        return calendar
    shown = events_frame(calendar).iloc[rows].reset_index(drop=True)
    st.data_editor(
        shown,
        key=_editor_key(saved["generation"]),
        hide_index=True,
        width="stretch",
        height=min(420, 35 * (len(rows) + 1) + 3),
        disabled=["date", "title", "minutes"],
        column_config={
            "date": st.column_config.DateColumn("Date", format="ddd D MMM YYYY"),
            "title": st.column_config.TextColumn("Title", width="large"),
            "sport": st.column_config.SelectboxColumn(
                "Sport", options=[s.value for s in Sport], required=True
            ),
            "kind": st.column_config.SelectboxColumn(
                "Kind", options=[k.value for k in Kind], required=True
            ),
            "priority": st.column_config.SelectboxColumn(
                "Priority", options=[p.value for p in Priority], help="Races only: A, B or C."
            ),
            "minutes": st.column_config.NumberColumn("Minutes"),
        },
    )
    return calendar


NO_RACE_PICK = "no_race_pick"  # the event the "no race" hint offers to make the A race


def _mark_race(event_key: str, sport: str) -> None:
    """Button callback: the picked event becomes the calendar's A race (a review edit)."""
    saved = st.session_state.get(state.REVIEW_EDITS)
    if saved:
        saved["edits"][event_key] = [sport, Kind.race.value, Priority.A.value]


def race_candidates(calendar: Calendar) -> list[int]:
    """Event indices worth offering as the goal race: the longest sessions first (a gran fondo
    or a marathon is usually the longest day of a season), then the rest by date."""
    training = [
        i
        for i, e in enumerate(calendar.events)
        if e.kind not in (Kind.rest, Kind.other, Kind.unavailable) and e.sport != Sport.strength
    ]
    by_length = sorted(training, key=lambda i: -(calendar.events[i].duration_min or 0))
    return list(dict.fromkeys(by_length[:5] + training))


def no_race_hint(calendar: Calendar, identity: str) -> None:
    """A calendar without races: say what that means, and mark one with a click."""
    if calendar.races() or not calendar.events:
        return
    candidates = race_candidates(calendar)
    with st.container(border=True):
        st.info(
            "Your calendar has no race, so the plan is a general season: no race weeks, no "
            "taper, no recovery after races. If you have a goal event, mark it as your A race "
            "(or set priorities in the Review events tab).",
            icon=":material/flag:",
        )
        if not candidates:
            return
        events = calendar.events
        with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
            pick = st.selectbox(
                "Your goal event",
                candidates,
                key=NO_RACE_PICK,
                format_func=lambda i: f"{events[i].date:%a %d %b %Y} · {events[i].title}",
            )
            chosen = int(pick if pick is not None else candidates[0])
            st.button(
                "Mark as my A race",
                key="mark_a_race",
                icon=":material/flag:",
                on_click=_mark_race,
                args=(event_keys(calendar)[chosen], events[chosen].sport.value),
            )
