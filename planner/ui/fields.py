"""Widgets generated from pydantic fields: a rule's `Params` or `SeasonSettings` become a form.

bool -> toggle; int with bounds -> slider (number input for wide ranges); float -> number input;
list[str] -> multiselect over the default's items (weekdays); list[date] -> a text field of ISO
dates. Labels come from field names, help texts from field descriptions, bounds from ge/le.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Mapping
from typing import Any

import annotated_types
import streamlit as st
from pydantic.fields import FieldInfo

SLIDER_MAX_SPAN = 60  # wider integer ranges get a number input: a slider would be too coarse


def field_key(group: str, name: str) -> str:
    """Session-state key of a generated widget, e.g. 'availability.weekdays'."""
    return f"{group}.{name}"


def label_for(name: str) -> str:
    """'max_session_minutes' -> 'Max session minutes'; 'days_after_a' -> 'Days after an A race'."""
    text = name.replace("_", " ").strip()
    text = re.sub(r"\bs\b$", "(s)", text)
    # A trailing a/b/c is a race priority: written as races are everywhere else.
    text = re.sub(r" a$", " an A race", text)
    text = re.sub(r" ([bc])$", lambda m: f" a {m.group(1).upper()} race", text)
    return text[:1].upper() + text[1:]


def label_in_sentence(name: str) -> str:
    """The label inside a sentence: 'days after an A race', 'min exercises'."""
    label = label_for(name)
    return label[:1].lower() + label[1:]


def kind_of(info: FieldInfo) -> str:
    """The widget family of a field: bool, int, float, str-list, date-list or text."""
    annotation = info.annotation
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation) or (str,)
        if item is dt.date:
            return "date-list"
        return "str-list"
    return "text"


def bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    """(lowest, highest) allowed value from ge/gt/le/lt metadata."""
    low: float | None = None
    high: float | None = None
    for meta in info.metadata:
        if isinstance(meta, annotated_types.Ge):
            low = meta.ge  # type: ignore[assignment]
        elif isinstance(meta, annotated_types.Gt):
            low = meta.gt  # type: ignore[assignment]
        elif isinstance(meta, annotated_types.Le):
            high = meta.le  # type: ignore[assignment]
        elif isinstance(meta, annotated_types.Lt):
            high = meta.lt  # type: ignore[assignment]
    return low, high


def default_widget_value(info: FieldInfo, value: Any) -> Any:
    """A field's value as its widget holds it (date lists as comma-separated text)."""
    if kind_of(info) == "date-list":
        return ", ".join(day.isoformat() for day in value)
    if kind_of(info) == "str-list":
        return list(value)
    return value


def parse_dates(text: str) -> list[dt.date]:
    """'2026-12-24, 2026-12-25' -> dates; a ValueError names the entry that is not a date."""
    days = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        try:
            days.append(dt.date.fromisoformat(part))
        except ValueError:
            raise ValueError(f"'{part}' is not a date; write dates as YYYY-MM-DD") from None
    return sorted(set(days))


def widget_to_value(info: FieldInfo, raw: Any) -> Any:
    """Turn a widget's value into the field's value (may raise ValueError)."""
    if kind_of(info) == "date-list":
        return parse_dates(raw or "")
    if kind_of(info) == "int":
        return int(raw)
    return raw


def field_widget(
    group: str,
    name: str,
    info: FieldInfo,
    *,
    label: str | None = None,
    names: Mapping[str, str] | None = None,
) -> Any:
    """Draw the widget of one field (state already initialised under its key); return its value.

    `names`: display names of list items (exercise and chain ids -> their catalog names), so a
    setting reads 'Glute bridge walkout', never 'glute-bridge-walkout'."""
    key = field_key(group, name)
    label = label or label_for(name)
    help_text = info.description
    kind = kind_of(info)
    low, high = bounds(info)
    if kind == "bool":
        return st.toggle(label, key=key, help=help_text)
    if kind == "int":
        if low is not None and high is not None and high - low <= SLIDER_MAX_SPAN:
            # The value in state, passed on (the state still decides): a keyed slider drawn
            # without one made Streamlit copy the whole session state to tell a single value
            # from a range, a third of a page run's CPU with every rule shown.
            current = st.session_state.get(key)
            value = int(low) if not isinstance(current, int) else min(max(current, low), high)
            return st.slider(label, int(low), int(high), value=int(value), key=key, help=help_text)
        return st.number_input(
            label,
            min_value=None if low is None else int(low),
            max_value=None if high is None else int(high),
            step=1,
            key=key,
            help=help_text,
        )
    if kind == "float":
        return st.number_input(
            label,
            min_value=None if low is None else float(low),
            max_value=None if high is None else float(high),
            key=key,
            help=help_text,
        )
    if kind == "str-list":
        default = info.get_default(call_default_factory=True) or []
        options = list(dict.fromkeys([*default, *st.session_state.get(key, [])]))
        shown = names or {}
        return st.multiselect(
            label, options, key=key, help=help_text, format_func=lambda v: shown.get(v, v)
        )
    if kind == "date-list":
        return st.text_input(label, key=key, help=f"{help_text} Comma-separated YYYY-MM-DD.")
    return st.text_input(label, key=key, help=help_text)
