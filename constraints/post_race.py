"""post-race-recovery: no strength in the days after a race, by its priority."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if
from planner.domain import Priority
from planner.wording import series


class Params(RuleParams):
    days_after_a: int = Field(default=2, ge=0, le=14, description="Rest days after an A race.")
    days_after_b: int = Field(default=1, ge=0, le=14, description="Rest days after a B race.")
    days_after_c: int = Field(default=0, ge=0, le=14, description="Rest days after a C race.")

    def days_after(self, priority: Priority) -> int:
        return {
            Priority.A: self.days_after_a,
            Priority.B: self.days_after_b,
            Priority.C: self.days_after_c,
        }[priority]


class PostRaceRecovery(Rule):
    id = "post-race-recovery"
    title = "Recovery after races"
    statement = "No strength in the 2 days after an A race or the day after a B race."
    hard = True
    Params = Params

    def forbidden(self, inst, params) -> Forbidden:
        days = {
            d
            for race in inst.races
            for d in range(race.offset + 1, race.offset + params.days_after(race.priority) + 1)
            if inst.first_free <= d < inst.n_days
        }
        return Forbidden(days=days)

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        for d in sorted(self.forbidden(inst, params).days):
            enforce_if(v.model.add(v.session_on(d) == 0), enforce)
        return []

    def conflict_text(self, params) -> str:
        return (
            f"no strength for {params.days_after_a}/{params.days_after_b}/{params.days_after_c} "
            "days after A/B/C races (post-race-recovery)"
        )

    def describe(self, params) -> str:
        parts = []
        for priority in Priority:
            days = params.days_after(priority)
            if days:
                span = "the day" if days == 1 else f"the {days} days"
                parts.append(
                    f"{span} after {'an' if priority.value == 'A' else 'a'} {priority.value} race"
                )
        if not parts:
            return "Strength may follow a race the next day."
        return f"No strength in {series(parts, 'or')}."
