"""stability: a re-plan moves as few future sessions as it can."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, SoftParams


class Params(SoftParams):
    weight: int = Field(
        default=3, ge=0, le=20, description="Cost of each future session that appears or goes."
    )


class Stability(Rule):
    id = "stability"
    title = "Stability when re-planning"
    statement = (
        "When re-planning, keep future sessions on their days: every session that moves, "
        "appears or disappears costs."
    )
    hard = False
    Params = Params

    def applies(self, inst) -> bool:
        return inst.history is not None

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        history = inst.history
        if history is None:
            return []
        penalties = []
        for d in inst.free_days():
            label = inst.days[d].label
            if d in history.previous:
                var, text = v.session_on(d).Not(), f"{label}: session moved off this day"
            else:
                var, text = v.session_on(d), f"{label}: new session on this day"
            penalties.append(Penalty(self.id, var, params.weight, text))
        return penalties
