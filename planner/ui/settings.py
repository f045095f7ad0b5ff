"""The sidebar settings form, generated from the rule registry, and the settings it yields.

One `st.form`: several changes cost one solve. Every rule gets an expander with its statement,
an on/off toggle and one widget per parameter (bounds from the rule's pydantic model).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from constraints import REGISTRY
from constraints.base import Rule
from planner.config import PlannerConfig, SeasonSettings
from planner.constants import MAX_WEEKS
from planner.domain import ENDURANCE_SPORTS, AthleteProfile, Catalog, Experience, Sport
from planner.ui import state
from planner.ui.fields import field_key, field_widget, widget_to_value

SPORTS = list(ENDURANCE_SPORTS)
SPORT_LABELS = {
    Sport.ride: "Cycling",
    Sport.run: "Running",
    Sport.swim: "Swimming",
    Sport.triathlon: "Triathlon",
}
EXPERIENCE_LABELS = {
    Experience.novice: "Novice (new to lifting)",
    Experience.intermediate: "Intermediate",
    Experience.advanced: "Advanced",
}
FORM = "settings_form"


class Settings(BaseModel):
    """What the sidebar decides: the solve's inputs besides the calendar."""

    model_config = ConfigDict(frozen=True)

    start: dt.date = Field(description="First day of the plan (a Monday).")
    weeks: int = Field(ge=1, le=MAX_WEEKS)
    profile: AthleteProfile
    config: PlannerConfig
    preferred_time: dt.time = Field(description="Time of day sessions go in the calendar export.")


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def collect(values: dict[str, Any]) -> tuple[Settings | None, list[str]]:
    """Build settings from widget values keyed as in session state; problems as sentences."""
    problems: list[str] = []
    season: dict[str, Any] = {}
    for name, info in SeasonSettings.model_fields.items():
        season[name] = widget_to_value(info, values[field_key("season", name)])
    rules: dict[str, dict[str, Any]] = {}
    for rule in REGISTRY:
        params: dict[str, Any] = {}
        for name, info in rule.Params.model_fields.items():
            try:
                params[name] = widget_to_value(info, values[field_key(rule.id, name)])
            except ValueError as exc:
                problems.append(f"{rule.title}: {exc}")
        rules[rule.id] = params
    if problems:
        return None, problems
    try:
        config = PlannerConfig.model_validate(
            {
                "season": season,
                "solver": {"time_limit_s": float(values[state.TIME_LIMIT])},
                "rules": rules,
            }
        )
        settings = Settings(
            start=monday_of(values[state.START]),
            weeks=int(values[state.WEEKS]),
            profile=AthleteProfile(
                sport=Sport(values[state.SPORT]),
                equipment=list(values[state.EQUIPMENT]),
                experience=Experience(values.get(state.EXPERIENCE, Experience.intermediate)),
                start_levels=state.start_levels(values),
            ),
            config=config,
            preferred_time=values[state.PREFERRED_TIME],
        )
    except ValidationError as exc:
        for err in exc.errors():
            where = " > ".join(str(part) for part in err["loc"])
            problems.append(f"{where}: {err['msg']}")
        return None, problems
    return settings, []


def _rule_expander(rule: Rule) -> None:
    kind = "hard rule" if rule.hard else "soft rule"
    on = st.session_state[field_key(rule.id, "enabled")]
    mark = "" if on else " (off)"
    with st.expander(f"{rule.title}{mark}", expanded=False):
        st.caption(f"{rule.statement} — *{kind}*")
        for name, info in rule.Params.model_fields.items():
            label = "Use this rule" if name == "enabled" else None
            field_widget(rule.id, name, info, label=label)


def settings_sidebar(catalog: Catalog) -> tuple[Settings | None, list[str]]:
    """Draw the settings form in the sidebar; return the settings in force and any problems."""
    with st.sidebar:
        st.header("Settings")
        with st.form(FORM, border=False):
            st.date_input(
                "Start (a Monday)",
                key=state.START,
                help="First day of the plan; other days are moved back to their week's Monday.",
            )
            st.number_input(
                "Weeks",
                min_value=1,
                max_value=MAX_WEEKS,
                step=1,
                key=state.WEEKS,
                help="Length of the plan. The demo runs 22 weeks: base to the A race, then rest.",
            )
            st.selectbox(
                "Main sport",
                [s.value for s in SPORTS],
                format_func=lambda v: SPORT_LABELS[Sport(v)],
                key=state.SPORT,
                help="It decides which chains the plan leans on (the sport-emphasis rule).",
            )
            st.selectbox(
                "Strength-training experience",
                [e.value for e in Experience],
                format_func=lambda v: EXPERIENCE_LABELS[Experience(v)],
                key=state.EXPERIENCE,
                help="How long adaptation lasts before heavy lifting: novice 4 weeks and 6 "
                "sessions, intermediate 3 and 4, advanced 1 and 2.",
            )
            with st.expander("Starting level per exercise chain", expanded=False):
                for chain in catalog.chains:
                    key = state.level_key(chain.id)
                    if key not in st.session_state:
                        st.session_state[key] = 1
                    st.number_input(
                        chain.name,
                        min_value=1,
                        max_value=len(chain.levels),
                        step=1,
                        key=key,
                        help="1 = the chain's first exercise; start higher if you already "
                        "master the earlier ones.",
                    )
            st.multiselect(
                "Equipment at hand",
                catalog.equipment_items(),
                key=state.EQUIPMENT,
                placeholder="Everything (a full gym)",
                help="Leave empty when you have everything; bodyweight exercises always fit.",
            )
            st.time_input(
                "Preferred session time",
                key=state.PREFERRED_TIME,
                help="When sessions go in your calendar export.",
            )
            st.number_input(
                "Solver time limit (s)",
                min_value=1.0,
                max_value=600.0,
                step=1.0,
                key=state.TIME_LIMIT,
                help="The best plan found within this time is shown.",
            )
            st.form_submit_button("Update plan", type="primary", width="stretch", key="submit_top")
            st.subheader("Season shape")
            with st.expander("Phases and deloads"):
                for name, info in SeasonSettings.model_fields.items():
                    field_widget("season", name, info)
            st.subheader("Coaching rules")
            st.caption("Hard rules always hold; soft rules cost their weight per violation.")
            for rule in REGISTRY:
                _rule_expander(rule)
            st.form_submit_button("Update plan", type="primary", width="stretch", key="submit")
    settings, problems = collect(dict(st.session_state))
    return settings, problems
