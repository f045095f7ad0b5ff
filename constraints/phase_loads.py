"""phase-loads: each phase allows only its load classes."""

from __future__ import annotations

from constraints.base import Penalty, Rule, RuleParams, enforce_if


class PhaseLoads(Rule):
    id = "phase-loads"
    title = "Loads by phase"
    statement = (
        "No heavy work in anatomical adaptation or taper weeks; only mobility in transition weeks."
    )
    hard = True
    Params = RuleParams

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        for choice in v.all_choices():
            if not inst.allowed(choice.day, choice.exercise):
                enforce_if(v.model.add(choice.var == 0), enforce)
        return []

    def conflict_text(self, params) -> str:
        return "only the load classes each phase allows (phase-loads)"
