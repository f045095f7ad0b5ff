"""phase-loads: each phase allows only its load classes."""

from __future__ import annotations

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if


class PhaseLoads(Rule):
    id = "phase-loads"
    title = "Loads by phase"
    statement = (
        "No heavy work in anatomical adaptation or taper weeks; only mobility in transition weeks."
    )
    hard = True
    Params = RuleParams

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
