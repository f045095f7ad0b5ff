"""session-size: a session holds between 2 and 5 exercises, each from a different chain."""

from __future__ import annotations

from pydantic import Field, model_validator

from constraints.base import Penalty, Rule, RuleParams, enforce_if
from planner.wording import plural


class Params(RuleParams):
    min_exercises: int = Field(default=2, ge=1, le=8, description="Fewest exercises a session.")
    max_exercises: int = Field(default=5, ge=1, le=8, description="Most exercises a session.")

    @model_validator(mode="after")
    def _ordered(self) -> Params:
        if self.min_exercises > self.max_exercises:
            raise ValueError("min_exercises is above max_exercises")
        return self


class SessionSize(Rule):
    id = "session-size"
    title = "Session size"
    statement = (
        "A session holds 2 to 5 exercises, each from a different progression chain "
        "(a mobility-only transition session may hold one)."
    )
    hard = True
    Params = Params

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        m = v.model
        for d in inst.free_days():
            s = v.session_on(d)
            chains = v.chain_on[d]
            lits = [s, enforce] if enforce is not None else [s]
            # Transition weeks allow mobility work only: one drill makes a session there.
            fewest = 1 if inst.days[d].goal == "transition" else params.min_exercises
            m.add(sum(chains) >= fewest).only_enforce_if(lits)
            enforce_if(m.add(sum(chains) <= params.max_exercises), enforce)
        return []

    def conflict_text(self, params) -> str:
        return f"{params.min_exercises}-{params.max_exercises} exercises a session (session-size)"

    def describe(self, params) -> str:
        low, high = params.min_exercises, params.max_exercises
        count = (
            f"exactly {plural(low, 'exercise')}" if low == high else f"{low} to {high} exercises"
        )
        return (
            f"A session holds {count}, each from a different progression chain "
            "(a mobility-only transition session may hold one)."
        )
