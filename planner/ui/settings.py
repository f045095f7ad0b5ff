"""The sidebar settings form, generated from the rule registry, and the settings it yields.

One `st.form`: several changes cost one solve. Every rule gets an expander with its statement,
an on/off toggle and one widget per parameter (bounds from the rule's pydantic model).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from pathlib import Path
from typing import Any

import streamlit as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from constraints import REGISTRY, rules_by_group
from constraints.base import Rule
from planner.config import PlannerConfig, SeasonSettings
from planner.constants import MAX_WEEKS
from planner.domain import ENDURANCE_SPORTS, AthleteProfile, Catalog, Experience, Sport
from planner.horizon import monday_of  # one week rule for the app and the CLI
from planner.ui import state
from planner.ui.dates import locale_picker
from planner.ui.fields import field_key, field_widget, label_for, label_in_sentence, widget_to_value
from planner.wording import plural

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


def readable_error(section: str, error: Any, names: list[str]) -> str:
    """A pydantic error as 'Section > Field: what is wrong', in the sidebar's words (no internal
    field names, no 'Value error,')."""
    fields = [str(part) for part in error["loc"] if str(part) in names]
    where = section + "".join(f" > {label_for(name)}" for name in fields[-1:])
    context = error.get("ctx") or {}
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "less_than_equal":
        message = f"must be at most {context['le']}"
    elif error["type"] == "greater_than_equal":
        message = f"must be at least {context['ge']}"
    for name in sorted(names, key=len, reverse=True):
        message = re.sub(rf"\b{re.escape(name)}\b", label_in_sentence(name), message)
    return f"{where}: {message}"


def _rule_problems(rules: dict[str, dict[str, Any]]) -> list[str]:
    """Each rule's parameters checked on their own, so an error names the rule it is in."""
    problems = []
    for rule in REGISTRY:
        try:
            rule.Params.model_validate(rules[rule.id])
        except ValidationError as exc:
            names = list(rule.Params.model_fields)
            problems += [readable_error(rule.title, err, names) for err in exc.errors()]
    return problems


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
    problems += _rule_problems(rules) if not problems else []
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
        names = [*SeasonSettings.model_fields, "time_limit_s", "weeks", "start"]
        for err in exc.errors():
            section = "Season shape" if err["loc"][:1] == ("season",) else "Settings"
            problems.append(readable_error(section, err, names))
        return None, problems
    return settings, []


def rule_description(rule: Rule, values: dict[str, Any]) -> str:
    """The rule's sentence with the parameters in `values` (widget values keyed as in session
    state); the plain statement while the values do not validate (the error says why)."""
    try:
        params = rule.Params.model_validate(
            {
                name: widget_to_value(info, values[field_key(rule.id, name)])
                for name, info in rule.Params.model_fields.items()
            }
        )
    except (KeyError, ValueError):
        return rule.statement
    return rule.describe(params)


def catalog_names(catalog: Catalog) -> dict[str, str]:
    """Exercise and chain ids (unique across both) -> the names the athlete reads."""
    names = {chain.id: chain.name for chain in catalog.chains}
    return names | {exercise.id: exercise.name for exercise in catalog.exercises}


def _rule_expander(rule: Rule, names: dict[str, str]) -> None:
    kind = "hard rule" if rule.hard else "soft rule"
    on = st.session_state[field_key(rule.id, "enabled")]
    mark = "" if on else " (off)"
    with st.expander(f"{rule.title}{mark}", expanded=False):
        st.caption(f"{rule_description(rule, st.session_state)} — *{kind}*")
        for name, info in rule.Params.model_fields.items():
            label = "Use this rule" if name == "enabled" else None
            field_widget(rule.id, name, info, label=label, names=names)


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
                help="Length of the plan: by default through the last A race and its transition "
                "week (16 weeks without an A race).",
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
            coaching_rules(bool(st.session_state.get(state.SHOW_ALL_RULES)), catalog_names(catalog))
            st.form_submit_button("Update plan", type="primary", width="stretch", key="submit")
        locale_picker()
        st.toggle(
            "Show all rules",
            key=state.SHOW_ALL_RULES,
            help="Every coaching rule, by group. Off: only the rules you changed.",
        )
        stale_watch(form_token(st.session_state))
    settings, problems = collect(dict(st.session_state))
    return settings, problems


def changed_rules(values: Any) -> set[str]:
    """Ids of the rules whose widgets hold something other than the rule's defaults."""
    defaults = state.defaults()
    return {
        rule.id
        for rule in REGISTRY
        if any(
            values.get(field_key(rule.id, name), defaults[field_key(rule.id, name)])
            != defaults[field_key(rule.id, name)]
            for name in rule.Params.model_fields
        )
    }


def coaching_rules(show_all: bool, names: dict[str, str]) -> None:
    """The rules by group: all of them, or only those changed from their defaults (a sidebar of
    every rule open is thousands of pixels tall)."""
    st.subheader("Coaching rules")
    changed = changed_rules(st.session_state)
    if show_all:
        st.caption("Hard rules always hold; soft rules cost their weight per violation.")
    elif changed:
        st.caption(
            f"The {plural(len(changed), 'rule')} you changed; every other rule is at its coaching "
            "default. Switch on **Show all rules** below to change another."
        )
    else:
        st.caption(
            "Every rule is at its coaching default. Switch on **Show all rules** below to see "
            "or change one."
        )
    for group, rules in rules_by_group().items():
        shown = [rule for rule in rules if show_all or rule.id in changed]
        if shown:
            st.markdown(f"**{group}**")
            for rule in shown:
                _rule_expander(rule, names)


def form_token(values: Any) -> str:
    """A digest of the form's submitted state: the stale watch starts afresh when it changes."""
    keys = [*state.FORM_KEYS, state.SHOW_ALL_RULES]
    keys += [field_key("season", name) for name in SeasonSettings.model_fields]
    keys += [field_key(rule.id, name) for rule in REGISTRY for name in rule.Params.model_fields]
    return hashlib.sha256(repr([values.get(key) for key in keys]).encode()).hexdigest()[:16]


@functools.cache
def _stale_watch_script() -> str:
    return (Path(__file__).parent / "assets" / "stale_watch.js").read_text(encoding="utf-8")


def stale_watch(token: str) -> None:
    """A banner on the page while the form holds changes not yet submitted (see the script).
    The script is the app's own file; no user text goes into it."""
    script = _stale_watch_script().replace("__TOKEN__", token)
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
