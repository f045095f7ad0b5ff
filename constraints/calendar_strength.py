"""calendar-strength: strength work already in the calendar (a gym session, Garmin's "Strength"
activity) is strength load: no planned session that day, and the rest days between sessions
count from it."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if
from planner.domain import Sport


class Params(RuleParams):
    counts_for_rest_days: bool = Field(
        default=True,
        description="Keep the rest-days gap between a calendar strength session and a planned one.",
    )


def calendar_strength_days(inst) -> list[int]:
    """Day offsets from the plan start of the calendar's strength events (may lie outside it)."""
    return sorted(
        {(e.date - inst.start).days for e in inst.calendar.events if e.sport == Sport.strength}
    )


def blocked_days(inst, params: Params) -> dict[int, int]:
    """Free day index -> offset of the calendar strength day that rules it out."""
    gap = 0
    rest = inst.config.params("rest-days")
    if params.counts_for_rest_days and rest.enabled:
        gap = rest.min_rest_days
    blocked: dict[int, int] = {}
    for offset in calendar_strength_days(inst):
        for day in range(max(inst.first_free, offset - gap), min(inst.n_days, offset + gap + 1)):
            blocked.setdefault(day, offset)
    return blocked


class CalendarStrength(Rule):
    id = "calendar-strength"
    title = "Strength already in your calendar"
    statement = (
        "Strength work already in your calendar counts: no planned session that day, and the "
        "rest days between sessions count from it."
    )
    hard = True
    Params = Params

    def forbidden(self, inst, params) -> Forbidden:
        return Forbidden(days=set(blocked_days(inst, params)))

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        for day in sorted(blocked_days(inst, params)):
            enforce_if(v.model.add(v.session_on(day) == 0), enforce)
        return []

    def conflict_text(self, params) -> str:
        text = "no session on a day with strength work in your calendar"
        if params.counts_for_rest_days:
            text += " or within the rest days around it"
        return text + " (calendar-strength)"
