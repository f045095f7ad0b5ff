"""race-day: no strength session on a race day or in the days before it, by its priority."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if
from planner.domain import Priority
from planner.wording import series


class Params(RuleParams):
    days_before: int = Field(
        default=1, ge=0, le=7, description="Strength-free days before any race (besides race day)."
    )
    days_before_a: int = Field(
        default=5, ge=0, le=14, description="Strength-free days before an A race (its week)."
    )
    days_before_b: int = Field(
        default=2, ge=0, le=14, description="Strength-free days before a B race."
    )

    def window(self, priority: Priority) -> int:
        """Strength-free days before a race of this priority (at least `days_before`)."""
        extra = {Priority.A: self.days_before_a, Priority.B: self.days_before_b}
        return max(self.days_before, extra.get(priority, 0))


class RaceDay(Rule):
    id = "race-day"
    title = "Race day and race week"
    statement = (
        "No strength session on a race day, in the 5 days before an A race, the 2 days before "
        "a B race or the day before any race."
    )
    hard = True
    Params = Params

    def forbidden(self, inst, params) -> Forbidden:
        days = {
            d
            for race in inst.races
            for d in range(race.offset - params.window(race.priority), race.offset + 1)
            if inst.first_free <= d < inst.n_days
        }
        return Forbidden(days=days)

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        for d in sorted(self.forbidden(inst, params).days):
            enforce_if(v.model.add(v.session_on(d) == 0), enforce)
        return []

    def conflict_text(self, params) -> str:
        return (
            f"no strength on race days, the {params.days_before_a}/{params.days_before_b}/"
            f"{params.days_before} days before A/B/C races (race-day)"
        )

    def describe(self, params) -> str:
        def span(days: int) -> str:
            return "the day" if days == 1 else f"the {days} days"

        windows = []
        if params.days_before_a:
            windows.append(f"{span(params.days_before_a)} before an A race")
        if params.days_before_b:
            windows.append(f"{span(params.days_before_b)} before a B race")
        if params.days_before:
            windows.append(f"{span(params.days_before)} before any race")
        text = "No strength session on a race day"
        if windows:
            text += f", in {series(windows, 'or')}"
        return text + "."
