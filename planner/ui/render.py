"""Drawing a plan: status, conflicts, calendar with day detail, season, why and export.

Every piece of user text (event titles, reasons quoting them) goes through `md_escape` or into a
table cell, so it shows as typed and never as HTML or markdown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from constraints import REGISTRY, Rule, rule_by_id
from planner import clock
from planner.config import PlannerConfig
from planner.explain import known_conflict
from planner.export import ExportOptions, export_csv, export_ical, export_json
from planner.plan import Plan, PlannedExercise, PlannedSession, Status
from planner.session_content import effort_text
from planner.ui import dates, replanning, state
from planner.ui.calendar_board import DONE_COLOUR, board_css, board_events, board_options
from planner.ui.charts import (
    KIND_COLOURS,
    LOAD_COLOURS,
    MISSED_COLOUR,
    season_spec,
    week_frame,
)
from planner.ui.fields import field_key, label_in_sentence
from planner.ui.icon import sport_icon
from planner.ui.phone import is_phone, scroll_to_opened_day
from planner.ui.settings import Settings, catalog_names
from planner.ui.solving import catalog, json_of
from planner.ui.text import md_escape
from planner.wording import plural, race_title, without_priority

LEGEND_KINDS = (
    ("race", "race"),
    ("hard", "hard"),
    ("long", "long"),
    ("easy", "easy"),
    ("rest", "rest"),
    ("other", "other"),
    ("unavailable", "away"),
)
STATUS_TEXT = {
    Status.optimal: "Optimal",
    Status.feasible: "Good",
    Status.infeasible: "No plan possible",
    Status.unknown: "No plan found in time",
}
RULE_HINTS = {
    "availability": "allow more weekdays, fewer blocked dates or longer sessions",
    "weekly-frequency": "turn 'strict' off or lower the weekly cap",
    "rest-days": "ask for fewer rest days between sessions",
    "race-day": "keep fewer strength-free days before races",
    "post-race-recovery": "shorten the recovery after races",
    "taper": "shorten the taper before races",
    "progression-order": "ask for fewer sessions or days at each level",
    "no-new-exercises": "shorten the no-new-exercises window before the A race",
    "session-size": "allow fewer exercises a session",
    "phase-loads": "switch this rule off only if your coach agrees",
}


# ----------------------------------------------------------------------------- status


def empty_plan_reason(plan: Plan) -> str:
    """Why a solved plan holds no session, from the settings it was made with."""
    availability = plan.settings.get("availability", {})
    if availability.get("enabled", True) and availability.get("weekdays") == []:
        return "no weekday is available for lifting: pick at least one under Availability"
    return (
        "no day in these weeks is free for strength under the rules in force: check "
        "Availability (weekdays, blocked dates) and the race and recovery rules"
    )


def plan_summary(plan: Plan, settings: Settings | None) -> None:
    """Status metrics: how the solve went and how much strength the season holds."""
    if not plan.sessions:
        st.warning(
            f"This plan has no strength sessions: {empty_plan_reason(plan)}.",
            icon=":material/event_busy:",
        )
    weeks = ((plan.end - plan.start).days + 1) // 7
    per_week = len(plan.sessions) / weeks if weeks else 0
    with st.container(horizontal=True, gap="medium"):
        st.metric(
            "Plan",
            STATUS_TEXT[plan.status],
            border=True,
            width="content",  # a fixed width cut the value to 'Opti...'
            help="Optimal: the best plan under these rules. Good: the best found before the "
            "time limit; a longer limit may find a better one.",
        )
        st.metric("Strength sessions", len(plan.sessions), border=True, width="content")
        st.metric("Per week", f"{per_week:.1f}", border=True, width="content")
        st.metric("Solve time", f"{plan.solve_seconds or 0:.1f} s", border=True, width="content")
    missed = sum(1 for s in plan.sessions if s.state == "missed")
    st.caption(
        f"{weeks} weeks · {plan.start:%a %d %b %Y} – {plan.end:%a %d %b %Y}"
        + (f" · objective {plan.objective:g}" if plan.objective is not None else "")
        + (f" · re-planned as of {plan.today:%a %d %b}" if plan.today else "")
        + (f" · {missed} missed" if missed else "")
    )


def changed_rule_settings(config: PlannerConfig, rule_ids: list[str] | None = None) -> list[str]:
    """Rule parameters that differ from their defaults, as 'Rule: field is X (default Y)';
    only those of `rule_ids` when given."""
    lines = []
    names = catalog_names(catalog())
    for rule in REGISTRY:
        if rule_ids is not None and rule.id not in rule_ids:
            continue
        current = config.params(rule.id).model_dump(mode="json")
        default = rule.Params().model_dump(mode="json")
        for name, value in current.items():
            if value != default[name]:
                lines.append(
                    f"{rule.title}: {label_in_sentence(name)} is {_show(value, names)} "
                    f"(default {_show(default[name], names)})"
                )
    return lines


def _show(value: Any, names: dict[str, str]) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(names.get(str(v), str(v)) for v in value) or "none"
    return str(value)


def reset_rules() -> None:
    """Form callback: every rule parameter back to its default."""
    defaults = state.defaults()
    for rule in REGISTRY:
        for name in rule.Params.model_fields:
            key = field_key(rule.id, name)
            st.session_state[key] = defaults[key]


def conflict_lines(plan: Plan) -> list[str]:
    """Why there is no plan, as markdown lines: the conflicting rules by title, each as it reads
    with the settings in force (user text escaped)."""
    if not plan.conflict_rules:
        return [f"- {md_escape(text)}" for text in plan.conflicts]
    lines = []
    known = known_conflict(plan.conflict_rules)
    if known:
        lines.append(md_escape(known))
    lines.append("These rules cannot all hold together:")
    for rule_id in plan.conflict_rules:
        rule = rule_by_id(rule_id)
        if rule is not None:
            params = rule.Params.model_validate(plan.settings.get(rule_id, {}))
            lines.append(f"- **{rule.title}**: {md_escape(rule.describe(params))}")
    return lines


def conflicts(plan: Plan, settings: Settings | None) -> None:
    """Why there is no plan, in plain words, and what to change (in the rules that conflict)."""
    title = (
        "These settings cannot all hold together, so there is no plan."
        if plan.status == Status.infeasible
        else "No plan was found within the time limit."
    )
    st.error("\n".join([f"**{title}**", *conflict_lines(plan)]), icon=":material/block:")
    suggestions: list[str] = []
    if settings is not None:
        involved = plan.conflict_rules
        changed = changed_rule_settings(settings.config, involved)
        if changed:
            suggestions.append("You changed these settings of those rules; undo one of them:")
            suggestions += [f"- {md_escape(line)}" for line in changed]
        for rule_id in involved:
            rule = rule_by_id(rule_id)
            if rule is not None and rule_id in RULE_HINTS:
                suggestions.append(f"- {rule.title}: {RULE_HINTS[rule_id]}.")
        if plan.status == Status.unknown:
            suggestions.append("- Raise the solver time limit or plan fewer weeks.")
    if suggestions:
        st.info(
            "**Suggested change**\n\n" + "\n".join(suggestions[:12]), icon=":material/lightbulb:"
        )
    st.button("Reset all rules to their defaults", on_click=reset_rules, key="reset_rules")


# ----------------------------------------------------------------------------- calendar


STATE_BADGES = {"done": ":green-badge[:material/check: done]", "missed": ":gray-badge[missed]"}
STATE_PREFIX = {"planned": "", "done": "done · ", "missed": "missed · "}


def dose_text(ex: PlannedExercise) -> str:
    """'3 x 8 per side', '2 x 30 s hold', with the tempo when there is one."""
    reps = f"{ex.reps}" if ex.reps is not None else f"{ex.hold_s} s hold"
    text = f"{ex.sets} × {reps}"
    if ex.per_side:
        text += " per side"
    return text


def exercises_frame(session: PlannedSession) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Exercise": ex.name,
                "Role": ex.role.value if ex.role else "—",
                "Dose": dose_text(ex),
                "Tempo": ex.tempo or "—",
                "Effort": effort_text(ex) or "—",
                "Rest": f"{ex.rest_s} s" if ex.rest_s is not None else "—",
                "Load": ex.load.value,
                "Level": ex.level,
            }
            for ex in session.exercises
        ]
    )


def _day_options(plan: Plan) -> list[str]:
    days = (plan.end - plan.start).days + 1
    return [(plan.start + dt.timedelta(days=i)).isoformat() for i in range(days)]


def _day_label(plan: Plan, iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    session = plan.session_on(day)
    if session is None:
        return f"{day:%a %d %b %Y}"
    return f"{day:%a %d %b %Y} · strength ({STATE_PREFIX[session.state]}{session.load.value})"


def _as_iso(value: Any) -> Any:
    """The day a selectbox value stands for. The browser may send back the label it shows (e.g.
    'Tue 01 Dec 2026 · strength (moderate)') when the labels changed with a new plan."""
    if not isinstance(value, str) or len(value) < 15:
        return value
    try:
        return dt.datetime.strptime(value[:15], "%a %d %b %Y").date().isoformat()
    except ValueError:
        return value


def selected_day(plan: Plan) -> dt.date:
    """The day the detail view shows: kept if still in the plan, else the first session."""
    options = _day_options(plan)
    current = _as_iso(st.session_state.get(state.DAY))
    if current in options:
        st.session_state[state.DAY] = current
    else:
        first = plan.sessions[0].date.isoformat() if plan.sessions else options[0]
        st.session_state[state.DAY] = first
    return dt.date.fromisoformat(st.session_state[state.DAY])


LEGEND_HINT = (
    "Drag a strength card with a gold edge to another day to move it; click any card or day to "
    "open it. Today's date has a gold box; the opened day a blue outline."
)


def legend_view() -> None:
    """What the board's colours mean, as swatches (the app's own HTML: no user text)."""
    items = [(KIND_COLOURS[k], name) for k, name in LEGEND_KINDS]
    items += [(LOAD_COLOURS[load], f"strength, {load}") for load in ("light", "moderate", "heavy")]
    items += [(DONE_COLOUR, "done"), (MISSED_COLOUR, "missed")]
    swatches = "".join(
        f'<span style="display:inline-flex;align-items:center;gap:4px;margin:0 12px 4px 0">'
        f'<span style="width:14px;height:14px;border-radius:3px;background:{colour};'
        f'display:inline-block"></span>{name}</span>'
        for colour, name in items
    )
    st.html(f'<div class="board-legend" style="font-size:0.85rem;line-height:1.4">{swatches}</div>')
    st.caption(LEGEND_HINT)


def calendar_view(plan: Plan) -> None:
    """The season as week rows of titled cards beside the opened day and the re-plan panel.

    Not a fragment: the board's callbacks rerun the whole page, whose first step
    (`replanning.current`) turns a click into the opened day and a drop into its re-plan, so a
    drop costs one run, not a fragment run and then a page run.
    """
    # Imported here, inside a page run: importing streamlit_calendar declares its component, and
    # Streamlit registers a component only when declared during a script run. app.py is first
    # imported outside one (to build the `st.App` server); a module-level import there left the
    # component unregistered, its frame a 404 and the board blank.
    from streamlit_calendar import calendar as board

    opened = st.session_state.pop(state.BOARD_OPENED, None)
    marks = replanning.marks()
    # One container, whatever it holds: a message added above the board must not move the
    # board to another place in the page's element tree, or the browser re-creates its frame
    # (FullCalendar loaded and drawn from scratch) instead of updating its cards.
    with st.container():
        replanning.board_messages(plan)
    selected_day(plan)
    today = replanning.today_for(plan)
    board_col, detail_col = st.columns([3, 2], gap="medium")
    tag = dates.athlete_tag()
    first_day = dates.first_weekday(tag)
    phone = is_phone()
    with board_col:
        board(
            events=board_events(
                plan,
                today,
                int(st.session_state.get(state.BOARD_REVISION, 0)),
                pins=marks.pins,
                blocks=marks.blocks,
                first_day=first_day,
            ),
            options=board_options(
                plan, clock.today(), locale=tag, first_day=first_day, phone=phone
            ),
            custom_css=board_css(dt.date.fromisoformat(st.session_state[state.DAY])),
            callbacks=["eventClick", "dateClick", "eventChange"],
            key=state.BOARD,
        )
        if opened == st.session_state[state.DAY]:
            scroll_to_opened_day(f"{dt.date.fromisoformat(opened):%A %d %B}")
        legend_view()
    with detail_col:
        options = _day_options(plan)
        st.selectbox(
            "Day",
            options,
            format_func=lambda iso: _day_label(plan, iso),
            key=state.DAY,
            help="Or click a card or a day in the calendar.",
            on_change=replanning.redraw_board,  # a click on the last clicked card is new again
        )
        day = dt.date.fromisoformat(st.session_state[state.DAY])
        day_detail(plan, day)
        replanning.day_actions(plan, day)
        with st.container(border=True):
            replanning.replan_panel(plan)
    st.subheader("Week view")
    week_table(plan, day)


def day_detail(plan: Plan, day: dt.date) -> None:
    """The session on `day`: exercises with doses and cues, and why it sits there."""
    session = plan.session_on(day)
    events = [e for e in plan.events if e.date == day]
    phase = next((p for p in plan.phases if p.start <= day <= p.end), None)
    heading = f"{day:%A %d %B}"
    if phase:
        heading += f" — {phase.name.value}"
    st.markdown(f"#### {heading}")
    if phase and phase.goal:
        st.caption(f"Phase goal: {phase.goal}")
    for e in events:
        minutes = f" · {e.duration_min} min" if e.duration_min else ""
        if e.priority:  # the (edited) priority once, as on the board's card
            text = f"**{e.priority.value} race** · {md_escape(without_priority(e.title))}"
            st.markdown(
                f"{sport_icon(e.sport.value)} {text}" + (f" *({minutes[3:]})*" if minutes else "")
            )
        else:
            text = f"{md_escape(e.title)} *({e.kind.value}{minutes})*"
            st.markdown(f"{sport_icon(e.sport.value)} {text}")
    if session is None:
        st.info("No strength session on this day.", icon=":material/hotel:")
        return
    badges = [STATE_BADGES[session.state]] if session.state in STATE_BADGES else []
    badges += [
        f":green-badge[{session.load.value} load]",
        f":gray-badge[{session.minutes} min]",
        f":gray-badge[{len(session.exercises)} exercises]",
    ]
    if session.deload:
        badges.append(":orange-badge[deload week]")
    st.markdown(" ".join(badges))
    if session.warm_up:
        st.markdown(f"**Warm-up** {md_escape(session.warm_up)}")
    for ex in session.exercises:
        role = f" ({ex.role.value})" if ex.role else ""
        with st.expander(f"**{ex.name}**{role} — {dose_text(ex)}"):
            details = [f":gray-badge[{ex.load.value}]", f":gray-badge[level {ex.level}]"]
            if ex.tempo:
                details.append(f"Tempo: {md_escape(ex.tempo)}")
            st.markdown(" ".join(details))
            pacing = [effort_text(ex)] if ex.rir or ex.rpe else []
            pacing += [f"rest {ex.rest_s} s between sets"] if ex.rest_s is not None else []
            if pacing:
                st.markdown("Effort: " + md_escape(", ".join(pacing)))
            if ex.load_note:
                st.markdown(f"Load: {md_escape(ex.load_note)}")
            st.markdown("\n".join(f"- {md_escape(cue)}" for cue in ex.cues))
    if session.notes:
        st.markdown("\n".join(f"- {md_escape(note)}" for note in session.notes))
    if session.why:
        st.markdown("**Why this day**")
        st.markdown("\n".join(f"- {md_escape(reason)}" for reason in session.why))


def week_table(plan: Plan, day: dt.date) -> None:
    """The seven days of `day`'s week: training, strength, phase."""
    monday = day - dt.timedelta(days=day.weekday())
    rows = []
    for i in range(7):
        current = monday + dt.timedelta(days=i)
        session = plan.session_on(current)
        titles = [
            race_title(e.title, e.priority.value) if e.priority else e.title
            for e in plan.events
            if e.date == current
        ]
        phase = next((p.name.value for p in plan.phases if p.start <= current <= p.end), "")
        rows.append(
            {
                "Day": f"{current:%a %d %b}",
                "Training": "; ".join(titles) or "—",
                "Strength": (
                    f"{STATE_PREFIX[session.state]}{session.load.value} · {session.minutes} min · "
                    + ", ".join(ex.name for ex in session.exercises)
                    if session
                    else "—"
                ),
                "Phase": phase,
            }
        )
    # A markdown table, every cell escaped: st.table would fetch the page's heaviest element
    # code (Arrow) for seven rows, on every first visit.
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_escape(str(row[h])) for h in header) + " |" for row in rows]
    st.markdown("\n".join(lines))


# ----------------------------------------------------------------------------- season, why


def season_view(plan: Plan) -> None:
    st.vega_lite_chart(spec=season_spec(plan), width="stretch")
    st.caption(
        "Bars: endurance hours per week (rest days excluded). Line: strength minutes per week, "
        "labelled with the number of sessions. Background: strength phase."
    )
    weeks = week_frame(plan)
    table = weeks[
        [
            "week",
            "phase",
            "endurance_hours",
            "strength_sessions",
            "strength_minutes",
            "strength_sets",
            "races",
        ]
    ].rename(
        columns={
            "week": "Week of",
            "phase": "Phase",
            "endurance_hours": "Endurance h",
            "strength_sessions": "Sessions",
            "strength_minutes": "Strength min",
            "strength_sets": "Sets",
            "races": "Races",
        }
    )
    with st.expander("Weekly numbers"):
        st.dataframe(table, hide_index=True, width="stretch")


DATAFRAME_ROW_PX = 35  # st.dataframe's row height: header + rows + 3 px border fit exactly


def weights_text(rule: Rule, params: dict[str, Any]) -> str:
    """A soft rule's weights as the sidebar names them: '4', or 'weight 3, day weight 1'."""
    names = [name for name in rule.Params.model_fields if name.endswith("weight")]
    if rule.hard or not names:
        return "—"
    defaults = rule.Params().model_dump()
    values = {name: params.get(name, defaults[name]) for name in names}
    if len(values) == 1:
        return str(next(iter(values.values())))
    return ", ".join(f"{label_in_sentence(name)} {value}" for name, value in values.items())


def why_view(plan: Plan, settings: Settings | None) -> None:
    """Each soft rule's cost and violations; the hard rules that held."""
    reports = {r.id: r for r in plan.explanation.rules}
    rows = []
    for rule in REGISTRY:
        params = plan.settings.get(rule.id, {})
        report = reports.get(rule.id)
        rows.append(
            {
                "Rule": rule.title,
                "Type": "hard" if rule.hard else "soft",
                "On": bool(params.get("enabled", True)),
                "Weight": weights_text(rule, params),
                "Violations": len(report.violations) if report else 0,
                "Cost": report.cost if report else 0,
            }
        )
    total = sum(row["Cost"] for row in rows)
    st.markdown(
        "Hard rules always hold. A soft rule's violation costs its weight times its size (a week "
        "two sessions short of its target at weight 4 costs 8); the plan has the lowest total "
        f"cost the solver found. **Total cost: {total}**, the sum of the Cost column."
    )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        height=DATAFRAME_ROW_PX * (len(rows) + 1) + 3,
        column_config={
            "On": st.column_config.CheckboxColumn("On"),
            "Cost": st.column_config.ProgressColumn(
                "Cost", min_value=0, max_value=max([1, *(r["Cost"] for r in rows)]), format="%d"
            ),
        },
    )
    for rule in REGISTRY:
        report = reports.get(rule.id)
        if report and report.violations:
            count = plural(len(report.violations), "violation")
            with st.expander(f"{rule.title}: {count}, cost {report.cost}"):
                params = rule.Params.model_validate(plan.settings.get(rule.id, {}))
                st.caption(rule.describe(params))
                costs = [*report.violation_costs, *[None] * len(report.violations)]
                st.markdown(
                    "\n".join(
                        f"- {md_escape(text)}" + (f" — cost {cost}" if cost is not None else "")
                        for text, cost in zip(report.violations, costs, strict=False)
                    )
                )


# ----------------------------------------------------------------------------- export


class ExportFile(NamedTuple):
    label: str
    file_name: str
    mime: str
    data: bytes


def export_files(plan: Plan, options: ExportOptions) -> list[ExportFile]:
    """The three downloads: iCal for the phone, CSV for a spreadsheet, JSON for tools."""
    # DTSTAMP is the export time; to the minute, so a rerun within it reuses the cached files.
    stamp = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    ical, csv, json_bytes = _export_bytes(
        json_of(plan), options.model_dump_json(), stamp.isoformat()
    )
    return [
        ExportFile("iCal", "strength-plan.ics", "text/calendar", ical),
        ExportFile("CSV", "strength-plan.csv", "text/csv", csv),
        ExportFile("JSON", "strength-plan.json", "application/json", json_bytes),
    ]


@st.cache_data(show_spinner=False, max_entries=32)
def _export_bytes(plan_json: str, options_json: str, stamp_iso: str) -> tuple[bytes, bytes, bytes]:
    """The files of one plan and set of options, built once: every rerun draws the buttons."""
    plan = Plan.model_validate_json(plan_json)
    options = ExportOptions.model_validate_json(options_json)
    return (
        export_ical(plan, options, stamp=dt.datetime.fromisoformat(stamp_iso)),
        export_csv(plan).encode("utf-8-sig"),
        export_json(plan).encode(),
    )


def follow_plan_timezone(plan: Plan) -> None:
    """The Export timezone follows the plan's (the calendar's, as in the plan JSON and the CLI)
    when the plan's changes, unless the athlete typed another one."""
    plan_zone = plan.timezone or "UTC"
    filled = st.session_state.get(state.EXPORT_TZ_FROM)
    if filled == plan_zone:
        return
    if st.session_state.get(state.EXPORT_TZ) in (None, filled):
        st.session_state[state.EXPORT_TZ] = plan_zone
    st.session_state[state.EXPORT_TZ_FROM] = plan_zone


def export_view(plan: Plan, settings: Settings | None, *, files: bool = True) -> None:
    """Export options and download buttons.

    The options are drawn on every run (a widget left out of a run loses its value); the files
    only with `files` (the Export tab open): building them, the iCal above all, was a good part
    of every drop's and setting change's run."""
    preferred = settings.preferred_time if settings else state.DEFAULT_PREFERRED_TIME
    left, right = st.columns(2)
    with left:
        all_day = st.toggle("All-day entries", key="export_all_day")
        include_training = st.toggle("Include my endurance sessions", key="export_training")
        reminder = st.number_input(
            "Reminder (minutes before, 0 = none)",
            min_value=0,
            max_value=7 * 24 * 60,
            value=0,
            step=15,
            key="export_reminder",
        )
    with right:
        follow_plan_timezone(plan)
        timezone = st.text_input(
            "Timezone",
            key=state.EXPORT_TZ,
            help="IANA name, e.g. Europe/London. Filled in from your calendar's timezone.",
        )
        name = st.text_input("Calendar name", value="Strength plan", key="export_name")
        st.caption(f"Timed sessions start at {preferred:%H:%M} (set in the sidebar).")
    try:
        options = ExportOptions(
            all_day=all_day,
            time=preferred,
            timezone=timezone.strip() or None,
            include_training=include_training,
            reminder_minutes=int(reminder) or None,
            calendar_name=name.strip() or "Strength plan",
        )
    except ValidationError as exc:
        st.error(
            "; ".join(md_escape(str(e["msg"])) for e in exc.errors()), icon=":material/schedule:"
        )
        return
    if not files:
        return
    cols = st.columns(3)
    for col, file in zip(cols, export_files(plan, options), strict=True):
        col.download_button(
            f"Download {file.label}",
            file.data,
            file_name=file.file_name,
            mime=file.mime,
            key=f"download_{file.label.lower()}",
            width="stretch",
            on_click="ignore",
            icon=":material/download:",
        )
