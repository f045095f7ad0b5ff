"""Altair charts of a plan: the month grid (weeks x weekdays) and the season overview.

Both are built from plain JSON-safe records (`day_records`, `week_records`) so the numbers can be
tested without drawing anything. Charts stretch to the container, so they work on a laptop and a
phone.

Building an Altair chart and turning it into a spec takes a quarter of a second, yet only the data
changes from one plan to the next. So each chart is built once as a template whose data and
plan-dependent axis values are slots, and every plan fills a copy (`month_grid_spec`,
`season_spec`). `month_grid` and `season_chart` build the same charts directly; a test checks
that both ways give the same spec.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from typing import Any

import altair as alt
import pandas as pd

from planner.domain import Kind
from planner.plan import PhaseName, Plan

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
PHASE_COLOURS = {
    PhaseName.general.value: "#e7e5e4",
    PhaseName.base.value: "#dbeafe",
    PhaseName.build.value: "#dcfce7",
    PhaseName.peak.value: "#fef3c7",
    PhaseName.taper.value: "#fce7f3",
    PhaseName.transition.value: "#ede9fe",
}
KIND_COLOURS = {
    Kind.race.value: "#dc2626",
    Kind.hard.value: "#f97316",
    Kind.long.value: "#9333ea",
    Kind.easy.value: "#65a30d",
    Kind.rest.value: "#94a3b8",
    Kind.other.value: "#cbd5e1",
    Kind.unavailable.value: "#475569",
}
LOAD_COLOURS = {
    "heavy": "#134e4a",
    "moderate": "#0f766e",
    "light": "#2dd4bf",
    "mobility": "#99f6e4",
}
KIND_ORDER = [
    k.value
    for k in (Kind.race, Kind.unavailable, Kind.hard, Kind.long, Kind.easy, Kind.rest, Kind.other)
]
ROW_PX = 40  # height of one week row in the month grid
NO_STRENGTH = "none"
STATE_NOTES = {"planned": "", "done": " — done", "missed": " — missed"}
MISSED_COLOUR = "#94a3b8"
TODAY_COLOUR = "#0f766e"


def _days(plan: Plan) -> list[dt.date]:
    return [plan.start + dt.timedelta(days=i) for i in range((plan.end - plan.start).days + 1)]


def _phase_by_day(plan: Plan) -> dict[dt.date, tuple[str, str]]:
    by_day: dict[dt.date, tuple[str, str]] = {}
    for band in plan.phases:
        day = band.start
        while day <= band.end:
            by_day[day] = (band.name.value, band.goal)
            day += dt.timedelta(days=1)
    return by_day


def week_label(monday: dt.date, deload: bool) -> str:
    return monday.strftime("%d %b").lstrip("0") + (" · deload" if deload else "")


def day_records(
    plan: Plan, selected: dt.date | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """One JSON-safe record per day of the horizon: phase, endurance events, strength session
    (with its state: planned, done or missed)."""
    phases = _phase_by_day(plan)
    sessions = {s.date: s for s in plan.sessions}
    events: dict[dt.date, list] = {}
    for event in plan.events:
        events.setdefault(event.date, []).append(event)
    deload_weeks = {s.date - dt.timedelta(days=s.date.weekday()) for s in plan.sessions if s.deload}
    rows = []
    for day in _days(plan):
        monday = day - dt.timedelta(days=day.weekday())
        phase, goal = phases.get(day, (PhaseName.general.value, ""))
        todays = events.get(day, [])
        main = min(todays, key=lambda e: KIND_ORDER.index(e.kind.value), default=None)
        race = next((e for e in todays if e.kind == Kind.race), None)
        session = sessions.get(day)
        first_of_month = day.day == 1 or day == plan.start
        rows.append(
            {
                "date": day.isoformat(),
                "day_label": day.strftime("%d %b").lstrip("0") if first_of_month else str(day.day),
                "weekday": WEEKDAYS[day.weekday()],
                "week": week_label(monday, monday in deload_weeks),
                "week_start": monday.isoformat(),
                "phase": phase,
                "goal": goal,
                "kind": main.kind.value if main else None,
                "priority": race.priority.value if race and race.priority else None,
                "training": "; ".join(f"{e.title} ({e.kind.value})" for e in todays) or "—",
                "load": session.load.value if session else NO_STRENGTH,
                "state": session.state if session else None,
                "strength": (
                    f"{session.load.value}, {session.minutes} min, "
                    f"{len(session.exercises)} exercises"
                    + (" (deload)" if session.deload else "")
                    + STATE_NOTES[session.state]
                    if session
                    else "—"
                ),
                "selected": day == selected,
                "today": day == today,
                "pretty_date": day.strftime("%a %d %b %Y"),
            }
        )
    return rows


def day_frame(
    plan: Plan, selected: dt.date | None = None, today: dt.date | None = None
) -> pd.DataFrame:
    """`day_records` as a table, for tests and analysis."""
    return pd.DataFrame(day_records(plan, selected, today))


# Slots: strings a chart template holds where a plan's values go (see `_fill`).
DAYS = "__slot:days__"
WEEK_DOMAIN = "__slot:week_domain__"
WEEK_TICKS = "__slot:week_ticks__"
WEEK_LABELS = "__slot:week_labels__"
BANDS = "__slot:bands__"
WEEKS = "__slot:weeks__"
TIME_DOMAIN = "__slot:time_domain__"


def _fill(node: Any, values: dict[str, Any]) -> Any:
    """A copy of a spec with every slot replaced by its value; the template is untouched.

    A slot is a string; where Altair wants a list, the template holds a list of just the slot
    (`[WEEK_TICKS]`), and the whole list is replaced.
    """
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        if len(node) == 1 and isinstance(node[0], str) and node[0] in values:
            return values[node[0]]
        return [_fill(value, values) for value in node]
    if isinstance(node, str) and node in values:
        return values[node]
    return node


def _dataset_name(prefix: str, records: list[dict[str, Any]]) -> str:
    """A name that changes with the content, as Altair's own dataset names do."""
    digest = hashlib.sha1(json.dumps(records, sort_keys=True).encode(), usedforsecurity=False)
    return f"{prefix}-{digest.hexdigest()[:16]}"


def _grid_rows(
    plan: Plan, selected: dt.date | None, today: dt.date | None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Day records with their positions in the grid, and the week labels top to bottom."""
    rows = day_records(plan, selected, today)
    week_order = list(dict.fromkeys(r["week"] for r in sorted(rows, key=lambda r: r["week_start"])))
    row_of = {week: i for i, week in enumerate(week_order)}
    for r in rows:
        col, row = WEEKDAYS.index(r["weekday"]), row_of[r["week"]]
        r.update(
            col=col,
            row=row,
            x0=col + 0.04,
            x1=col + 0.96,
            y0=row + 0.05,
            y1=row + 0.95,
            x_training=col + 0.34,
            x_strength=col + 0.66,
            y_number=row + 0.27,
            y_marker=row + 0.64,
        )
    return rows, week_order


def _grid_chart(data: Any, week_domain: Any, week_ticks: Any, week_labels: Any) -> alt.LayerChart:
    """The month grid's layers; the week axis (domain, ticks, labels) and data are arguments, so
    the same code draws a plan directly or makes the template that `month_grid_spec` fills."""
    x_scale = alt.Scale(domain=[0, 7], nice=False, zero=True)
    y_scale = alt.Scale(domain=week_domain, nice=False, zero=True, reverse=True)
    weekday_axis = alt.Axis(
        orient="top",
        values=[i + 0.5 for i in range(7)],
        labelExpr=f"{WEEKDAYS}[floor(datum.value)]",
        grid=False,
        title=None,
    )
    week_axis = alt.Axis(
        values=week_ticks, labelExpr=week_labels, grid=False, title=None, labelFontSize=11
    )
    tooltip = [
        alt.Tooltip("pretty_date:N", title="Date"),
        alt.Tooltip("phase:N", title="Phase"),
        alt.Tooltip("goal:N", title="Goal"),
        alt.Tooltip("training:N", title="Training"),
        alt.Tooltip("strength:N", title="Strength"),
    ]
    pick = alt.selection_point(name="day_pick", fields=["date"], on="click")
    base = alt.Chart()  # the data goes on the layer once, not into every sub-chart
    cells = (
        base.mark_rect(cornerRadius=5)
        .encode(
            x=alt.X("x0:Q", scale=x_scale, axis=weekday_axis),
            x2="x1:Q",
            y=alt.Y("y0:Q", scale=y_scale, axis=week_axis),
            y2="y1:Q",
            fill=alt.Fill(
                "phase:N",
                scale=alt.Scale(domain=list(PHASE_COLOURS), range=list(PHASE_COLOURS.values())),
                legend=None,
            ),
            stroke=alt.condition("datum.selected", alt.value("#0f766e"), alt.value("#ffffff")),
            strokeWidth=alt.condition("datum.selected", alt.value(3), alt.value(0)),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    at_number = {"x": alt.X("x_number:Q"), "y": alt.Y("y_number:Q")}
    numbers = (
        base.transform_calculate(x_number="datum.col + 0.5")
        .transform_filter("!datum.today")
        .mark_text(fontSize=9, color="#475569")
        .encode(**at_number, text="day_label:N", tooltip=tooltip)
    )
    today_number = (
        base.transform_calculate(x_number="datum.col + 0.5")
        .transform_filter("datum.today")
        .mark_text(fontSize=10, fontWeight="bold", color=TODAY_COLOUR)
        .encode(**at_number, text="day_label:N", tooltip=tooltip)
    )
    at_training = {"x": alt.X("x_training:Q"), "y": alt.Y("y_marker:Q")}
    training_base = base.transform_filter("datum.kind != null")
    training = training_base.mark_point(shape="square", filled=True, size=130, opacity=1).encode(
        **at_training,
        color=alt.Color(
            "kind:N",
            scale=alt.Scale(domain=list(KIND_COLOURS), range=list(KIND_COLOURS.values())),
            legend=None,
        ),
        tooltip=tooltip,
    )
    race_letters = (
        training_base.transform_filter("datum.priority != null")
        .mark_text(fontSize=9, fontWeight="bold", color="white")
        .encode(**at_training, text="priority:N", tooltip=tooltip)
    )
    at_strength = {"x": alt.X("x_strength:Q"), "y": alt.Y("y_marker:Q")}
    strength = (
        base.transform_filter(f"datum.load != '{NO_STRENGTH}' && datum.state != 'missed'")
        .mark_point(shape="circle", filled=True, size=140, opacity=1)
        .encode(
            **at_strength,
            color=alt.Color(
                "load:N",
                scale=alt.Scale(domain=list(LOAD_COLOURS), range=list(LOAD_COLOURS.values())),
                legend=None,
            ),
            tooltip=tooltip,
        )
    )
    # History after a re-plan: a tick on sessions done, a hollow grey ring for those missed.
    done_ticks = (
        base.transform_filter("datum.state == 'done'")
        .mark_text(text="✓", fontSize=10, fontWeight="bold", color="white")
        .encode(**at_strength, tooltip=tooltip)
    )
    missed = (
        base.transform_filter("datum.state == 'missed'")
        .mark_point(shape="circle", filled=False, size=120, strokeWidth=2, opacity=1)
        .encode(**at_strength, color=alt.value(MISSED_COLOUR), tooltip=tooltip)
    )
    return (
        alt.layer(
            cells,
            numbers,
            today_number,
            training,
            race_letters,
            strength,
            done_ticks,
            missed,
            data=data,
        )
        .resolve_scale(color="independent")
        .properties(width="container")
        .configure_view(stroke=None)
        .configure_axis(domain=False, ticks=False, labelColor="#334155", labelPadding=6)
    )


def _week_axis(week_order: list[str]) -> dict[str, Any]:
    n_weeks = len(week_order)
    return {
        WEEK_DOMAIN: [0, n_weeks],
        WEEK_TICKS: [i + 0.5 for i in range(n_weeks)],
        WEEK_LABELS: f"{week_order}[floor(datum.value)]",
    }


def month_grid(
    plan: Plan, selected: dt.date | None = None, today: dt.date | None = None
) -> alt.LayerChart:
    """Weeks as rows, weekdays as columns; phase as the cell colour, training and strength dots.

    Positions are plain numbers (column = weekday index, row = week index) so the day number and
    the two markers sit at fixed places inside each cell at any chart width. The app draws the
    same chart from `month_grid_spec`, which skips Altair for each new plan.
    """
    rows, week_order = _grid_rows(plan, selected, today)
    axis = _week_axis(week_order)
    chart = _grid_chart(pd.DataFrame(rows), axis[WEEK_DOMAIN], axis[WEEK_TICKS], axis[WEEK_LABELS])
    return chart.properties(height=len(week_order) * ROW_PX)


@functools.cache
def _grid_template() -> dict[str, Any]:
    """The month grid's Vega-Lite spec with slots for the data and the week axis; built once."""
    chart = _grid_chart(alt.NamedData(DAYS), [WEEK_DOMAIN], [WEEK_TICKS], WEEK_LABELS)
    return chart.to_dict(validate=False)


def month_grid_spec(
    plan: Plan, selected: dt.date | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """`month_grid(plan, selected, today).to_dict()` in milliseconds: the template, filled."""
    rows, week_order = _grid_rows(plan, selected, today)
    name = _dataset_name("days", rows)
    spec = _fill(_grid_template(), {DAYS: name, **_week_axis(week_order)})
    spec["height"] = len(week_order) * ROW_PX
    spec["datasets"] = {name: rows}
    return spec


LEGEND_PER_ROW = 3


LEGEND_NAMES = {PhaseName.general.value: "general prep"}


HISTORY_COLOURS = {"done ✓": LOAD_COLOURS["moderate"], "missed": "#ffffff"}


def legend_chart(history: bool = False) -> alt.LayerChart:
    """The month grid's key: phase colours, training squares, strength circles; with `history`
    also how sessions done and missed look after a re-plan."""
    groups = [
        ("Phase", "square", PHASE_COLOURS),
        ("Training", "square", KIND_COLOURS),
        ("Strength", "circle", LOAD_COLOURS),
    ]
    if history:
        groups.append(("History", "circle", HISTORY_COLOURS))
    rows = []
    for group, shape, colours in groups:
        for i, (label, colour) in enumerate(colours.items()):
            line = i // LEGEND_PER_ROW
            rows.append(
                {
                    "row": f"{group}{' ' * line}",
                    "title": group if line == 0 else "",
                    "slot": i % LEGEND_PER_ROW,
                    "label": LEGEND_NAMES.get(label, label),
                    "colour": colour,
                    "shape": shape,
                    "ring": 2 if label == "missed" else 0.5,
                }
            )
    order = list(dict.fromkeys(r["row"] for r in rows))
    base = alt.Chart().encode(
        x=alt.X("slot:Q", axis=None, scale=alt.Scale(domain=[0, LEGEND_PER_ROW], nice=False)),
        y=alt.Y("row:N", sort=order, axis=None),
    )
    titles = (
        base.transform_filter("datum.title != ''")
        .mark_text(align="right", dx=-14, fontSize=11, fontWeight="bold", color="#334155")
        .encode(x=alt.value(0), text="title:N")
    )
    swatches = base.mark_point(filled=True, size=120, opacity=1, stroke=MISSED_COLOUR).encode(
        color=alt.Color("colour:N", scale=None),
        shape=alt.Shape("shape:N", scale=None),
        strokeWidth=alt.StrokeWidth("ring:Q", scale=None),
    )
    labels = base.mark_text(align="left", dx=10, fontSize=11, color="#334155").encode(
        text="label:N"
    )
    return (
        alt.layer(titles, swatches, labels, data=pd.DataFrame(rows))
        .properties(height=alt.Step(20), width="container", padding={"left": 70, "top": 4})
        .configure_view(stroke=None)
    )


def _iso_time(day: dt.date, hours: int = 0) -> str:
    """A day (plus hours) as Vega-Lite reads a timestamp: what Altair makes of a pandas one."""
    return (dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=hours)).isoformat()


def week_records(plan: Plan) -> list[dict[str, Any]]:
    """One JSON-safe record per week: endurance hours, strength sessions, minutes, sets, phase."""
    phases = _phase_by_day(plan)
    rows = []
    monday = plan.start - dt.timedelta(days=plan.start.weekday())
    while monday <= plan.end:
        sunday = monday + dt.timedelta(days=6)
        events = [e for e in plan.events if monday <= e.date <= sunday and e.kind != Kind.rest]
        sessions = [s for s in plan.sessions if monday <= s.date <= sunday and s.state != "missed"]
        rows.append(
            {
                "week_start": _iso_time(monday),
                "bar_start": _iso_time(monday + dt.timedelta(days=1)),
                "bar_end": _iso_time(monday + dt.timedelta(days=6)),
                "mid": _iso_time(monday, hours=84),
                "week": monday.strftime("%d %b %Y"),
                "phase": phases.get(max(monday, plan.start), (PhaseName.general.value, ""))[0],
                "endurance_hours": round(sum(e.duration_min or 0 for e in events) / 60, 1),
                "races": ", ".join(e.priority.value for e in events if e.priority) or "—",
                "strength_sessions": len(sessions),
                "strength_minutes": sum(s.minutes for s in sessions),
                "strength_sets": sum(x.sets for s in sessions for x in s.exercises),
                "deload": any(s.deload for s in sessions),
            }
        )
        monday += dt.timedelta(days=7)
    return rows


def week_frame(plan: Plan) -> pd.DataFrame:
    """`week_records` as a table (the season tab's weekly numbers)."""
    return pd.DataFrame(week_records(plan))


def band_records(plan: Plan) -> list[dict[str, Any]]:
    """The phase bands behind the season chart, end exclusive so bands touch."""
    return [
        {
            "start": _iso_time(p.start),
            "end": _iso_time(p.end + dt.timedelta(days=1)),
            "phase": p.name.value,
            "goal": p.goal,
        }
        for p in plan.phases
    ]


def _season_chart(bands: Any, weeks: Any, time_domain: Any) -> alt.LayerChart:
    """The season chart's layers; data and time axis are arguments (see `_grid_chart`)."""
    x_scale = alt.Scale(domain=time_domain)
    shading = (
        alt.Chart(bands)
        .mark_rect(opacity=0.8)
        .encode(
            x=alt.X("start:T", scale=x_scale, title=None, axis=alt.Axis(format="%d %b")),
            x2="end:T",
            fill=alt.Fill(
                "phase:N",
                scale=alt.Scale(domain=list(PHASE_COLOURS), range=list(PHASE_COLOURS.values())),
                legend=alt.Legend(title="Phase", orient="bottom", direction="horizontal"),
            ),
            tooltip=[alt.Tooltip("phase:N", title="Phase"), alt.Tooltip("goal:N", title="Goal")],
        )
    )
    week_tooltip = [
        alt.Tooltip("week:N", title="Week of"),
        alt.Tooltip("endurance_hours:Q", title="Endurance hours"),
        alt.Tooltip("strength_sessions:Q", title="Strength sessions"),
        alt.Tooltip("strength_minutes:Q", title="Strength minutes"),
        alt.Tooltip("strength_sets:Q", title="Strength sets"),
        alt.Tooltip("races:N", title="Races"),
    ]
    hours = (
        alt.Chart()
        .mark_rect(color="#64748b", opacity=0.85, cornerRadiusTopLeft=3, cornerRadiusTopRight=3)
        .encode(
            x=alt.X("bar_start:T", scale=x_scale),
            x2="bar_end:T",
            y=alt.Y(
                "endurance_hours:Q",
                title="Endurance hours",
                axis=alt.Axis(titleColor="#475569", grid=False),
            ),
            tooltip=week_tooltip,
        )
    )
    strength_base = alt.Chart().encode(
        x=alt.X("mid:T", scale=x_scale),
        y=alt.Y(
            "strength_minutes:Q",
            title="Strength minutes",
            axis=alt.Axis(orient="right", titleColor="#0f766e", grid=False),
        ),
        tooltip=week_tooltip,
    )
    strength_line = strength_base.mark_line(color="#0f766e", strokeWidth=2.5, point=True)
    session_labels = strength_base.mark_text(dy=-10, color="#0f766e", fontSize=10).encode(
        text=alt.Text("strength_sessions:Q")
    )
    return (
        alt.layer(
            shading,
            alt.layer(hours, data=weeks),
            alt.layer(strength_line, session_labels, data=weeks),
        )
        .resolve_scale(y="independent")
        .properties(height=300, width="container")
        .configure_view(stroke=None)
        .configure_legend(labelFontSize=11, titleFontSize=11)
    )


def _time_domain(plan: Plan) -> list[str]:
    return [_iso_time(plan.start), _iso_time(plan.end)]


def season_chart(plan: Plan) -> alt.LayerChart:
    """Per week: endurance hours (bars), strength minutes (line, sessions as labels), phases.

    Missed sessions do not count. The app draws the same chart from `season_spec`."""
    return _season_chart(pd.DataFrame(band_records(plan)), week_frame(plan), _time_domain(plan))


@functools.cache
def _season_template() -> dict[str, Any]:
    chart = _season_chart(alt.NamedData(BANDS), alt.NamedData(WEEKS), [TIME_DOMAIN])
    return chart.to_dict(validate=False)


def season_spec(plan: Plan) -> dict[str, Any]:
    """`season_chart(plan).to_dict()` in a few milliseconds: the template, filled."""
    bands, weeks = band_records(plan), week_records(plan)
    names = {BANDS: _dataset_name("bands", bands), WEEKS: _dataset_name("weeks", weeks)}
    spec = _fill(_season_template(), {**names, TIME_DOMAIN: _time_domain(plan)})
    spec["datasets"] = {names[BANDS]: bands, names[WEEKS]: weeks}
    return spec
