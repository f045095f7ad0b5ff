"""phase-loads: each phase allows only its load classes.

The transition after an A race starts the day after it and lasts its weeks, so its last plan
week can end in the next block's first days; with `whole_transition_week` those days stay as
easy as the transition (mobility only, `Instance.allowed`), so the week the plan calls
"transition" is easy throughout rather than opening the next season mid-week.
"""

from __future__ import annotations

from pydantic import Field

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if


class Params(RuleParams):
    whole_transition_week: bool = Field(
        default=True,
        description="Every day of a plan week that is mostly transition allows only mobility "
        "work, also the days after the transition ends.",
    )


class PhaseLoads(Rule):
    id = "phase-loads"
    title = "Loads by phase"
    statement = (
        "No heavy work in anatomical adaptation or taper weeks; only mobility in transition "
        "weeks, every day of them."
    )
    hard = True
    Params = Params

    def forbidden(self, inst, params) -> Forbidden:
        return Forbidden(
            choices={
                (d, c, k)
                for d in inst.free_days()
                for c, chain in enumerate(inst.chains)
                for k, exercise in enumerate(chain.levels)
                if not inst.allowed(d, exercise)
            }
        )

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        for d, c, k in sorted(self.forbidden(inst, params).choices):
            enforce_if(v.model.add(v.does(d, c, k) == 0), enforce)
        return []

    def conflict_text(self, params) -> str:
        return "only the load classes each phase allows (phase-loads)"

    def describe(self, params) -> str:
        if params.whole_transition_week:
            return self.statement
        return (
            "No heavy work in anatomical adaptation or taper weeks; only mobility in the "
            "transition's days."
        )
