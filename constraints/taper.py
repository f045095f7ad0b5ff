"""taper: no heavy posterior-chain exercise in the days before a race, by its priority."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if
from planner.domain import Exercise, Priority


class Params(RuleParams):
    days_before_a: int = Field(default=10, ge=0, le=28, description="Days before an A race.")
    days_before_b: int = Field(default=4, ge=0, le=28, description="Days before a B race.")
    days_before_c: int = Field(default=2, ge=0, le=28, description="Days before a C race.")

    def days_before(self, priority: Priority) -> int:
        return {
            Priority.A: self.days_before_a,
            Priority.B: self.days_before_b,
            Priority.C: self.days_before_c,
        }[priority]


def heavy_posterior(exercise: Exercise) -> bool:
    """The deadlift family, Romanian deadlift, and any heavy posterior-chain catalog entry."""
    return exercise.heavy and exercise.posterior_chain


class Taper(Rule):
    id = "taper"
    title = "Taper before races"
    statement = (
        "No heavy posterior-chain work (deadlifts) in the 10 / 4 / 2 days before an A / B / C race."
    )
    hard = True
    Params = Params

    def forbidden(self, inst, params) -> Forbidden:
        choices = set()
        for race in inst.races:
            first = max(inst.first_free, race.offset - params.days_before(race.priority))
            for d in range(first, min(inst.n_days, race.offset + 1)):
                for c, chain in enumerate(inst.chains):
                    for k, exercise in enumerate(chain.levels):
                        if heavy_posterior(exercise):
                            choices.add((d, c, k))
        return Forbidden(choices=choices)

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        for d, c, k in sorted(self.forbidden(inst, params).choices):
            enforce_if(v.model.add(v.does(d, c, k) == 0), enforce)
        return []

    def conflict_text(self, params) -> str:
        return (
            f"no heavy posterior-chain work {params.days_before_a}/{params.days_before_b}/"
            f"{params.days_before_c} days before A/B/C races (taper)"
        )

    def describe(self, params) -> str:
        days = f"{params.days_before_a} / {params.days_before_b} / {params.days_before_c}"
        return (
            f"No heavy posterior-chain work (deadlifts) in the {days} days before an "
            "A / B / C race."
        )
