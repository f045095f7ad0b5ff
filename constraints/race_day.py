"""race-day: no strength session on a race day or in the days just before it."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if
from planner.wording import plural


class Params(RuleParams):
    days_before: int = Field(
        default=1, ge=0, le=7, description="Strength-free days before any race (besides race day)."
    )


class RaceDay(Rule):
    id = "race-day"
    title = "Race day"
    statement = "No strength session on a race day or the day before a race."
    hard = True
    Params = Params

    def forbidden(self, inst, params) -> Forbidden:
        days = {
            d
            for race in inst.races
            for d in range(race.offset - params.days_before, race.offset + 1)
            if inst.first_free <= d < inst.n_days
        }
        return Forbidden(days=days)

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        for d in sorted(self.forbidden(inst, params).days):
            enforce_if(v.model.add(v.session_on(d) == 0), enforce)
        return []

    def conflict_text(self, params) -> str:
        before = plural(params.days_before, "day")
        return f"no strength on race days or the {before} before them (race-day)"

    def describe(self, params) -> str:
        if params.days_before == 0:
            return "No strength session on a race day."
        before = "the day" if params.days_before == 1 else f"the {params.days_before} days"
        return f"No strength session on a race day or {before} before a race."
