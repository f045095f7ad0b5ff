"""availability: lift only on the athlete's days, within their session length."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model
from pydantic import Field, field_validator

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if
from planner.constants import WARM_UP_MIN
from planner.wording import plural, series

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class Params(RuleParams):
    weekdays: list[str] = Field(
        default_factory=lambda: list(WEEKDAYS), description="Weekdays the athlete can lift."
    )
    blocked_dates: list[dt.date] = Field(
        default_factory=list, description="Dates with no lifting (travel, illness)."
    )
    max_session_minutes: int = Field(
        default=45, ge=10, le=180, description="Longest session, warm-up included."
    )

    @field_validator("weekdays")
    @classmethod
    def _known_weekdays(cls, value: list[str]) -> list[str]:
        names = [day.strip()[:3].title() for day in value]
        unknown = [day for day in names if day not in WEEKDAYS]
        if unknown:
            listed = ", ".join(f"'{day}'" for day in unknown)
            raise ValueError(f"unknown weekday {listed}; use {', '.join(WEEKDAYS)}")
        return [day for day in WEEKDAYS if day in names]


class Availability(Rule):
    id = "availability"
    title = "Availability"
    statement = "Lift only on available weekdays and dates, in sessions of at most 45 minutes."
    hard = True
    Params = Params

    def forbidden(self, inst, params) -> Forbidden:
        allowed = {WEEKDAYS.index(day) for day in params.weekdays}
        blocked = set(params.blocked_dates)
        return Forbidden(
            days={
                day.index
                for day in inst.days[inst.first_free :]
                if day.date.weekday() not in allowed or day.date in blocked
            }
        )

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        m = v.model
        off = self.forbidden(inst, params).days
        for day in inst.days[inst.first_free :]:
            if day.index in off:
                enforce_if(m.add(v.session_on(day.index) == 0), enforce)
                continue
            choices = [ch for ch in v.choices(day.index) if not v.is_constant(ch.var)]
            if not choices:
                continue
            minutes = cp_model.LinearExpr.weighted_sum(
                [ch.var for ch in choices],
                [inst.dose(day.index, ch.exercise).minutes for ch in choices],
            )
            limit = params.max_session_minutes - WARM_UP_MIN
            # Times the session literal, like session-size: a tighter LP relaxation.
            enforce_if(m.add(minutes <= limit * v.session_on(day.index)), enforce)
        return []

    def conflict_text(self, params) -> str:
        days = ", ".join(params.weekdays) or "no weekday"
        text = f"lifting only on {days}, at most {params.max_session_minutes} min a session"
        if params.blocked_dates:
            text += f", {plural(len(params.blocked_dates), 'blocked date')}"
        return text + " (availability)"

    def describe(self, params) -> str:
        if not params.weekdays:
            return "No weekday is available for lifting, so no session can be planned."
        days = "available weekdays" if len(params.weekdays) == 7 else series(params.weekdays)
        blocked = ""
        if params.blocked_dates:
            blocked = f" except {plural(len(params.blocked_dates), 'blocked date')}"
        where = (
            "available weekdays and dates"
            if not blocked and len(params.weekdays) == 7
            else f"{days}{blocked}"
        )
        return f"Lift only on {where}, in sessions of at most {params.max_session_minutes} minutes."
