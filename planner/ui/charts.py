"""Altair chart of a plan's season (the calendar itself is `calendar_board`), and the colours
both share.

The chart is built from plain JSON-safe records (`week_records`) so the numbers can be tested
without drawing anything. It stretches to the container, so it works on a laptop and a phone.

Building an Altair chart and turning it into a spec takes a quarter of a second, yet only the data
changes from one plan to the next. So the chart is built once as a template whose data and
plan-dependent axis values are slots, and every plan fills a copy (`season_spec`);
`season_chart` builds the same chart directly, and a test checks that both ways give the same
spec.
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
MISSED_COLOUR = "#94a3b8"


def _phase_by_day(plan: Plan) -> dict[dt.date, tuple[str, str]]:
    by_day: dict[dt.date, tuple[str, str]] = {}
    for band in plan.phases:
        day = band.start
        while day <= band.end:
            by_day[day] = (band.name.value, band.goal)
            day += dt.timedelta(days=1)
    return by_day


# Slots: strings a chart template holds where a plan's values go (see `_fill`).
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
