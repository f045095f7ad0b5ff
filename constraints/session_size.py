"""session-size: a session holds between 2 and 5 exercises, each from a different chain; a
max-strength session has a floor of its own (`min_exercises_max_strength`).

Nothing rewards filling a session, so the solver may leave a max-strength session at two
exercises and 11-13 minutes; with the floor at 3 it cannot.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from constraints.base import Penalty, Rule, RuleParams, enforce_if
from planner.wording import plural


class Params(RuleParams):
    min_exercises: int = Field(default=2, ge=1, le=8, description="Fewest exercises a session.")
    max_exercises: int = Field(default=5, ge=1, le=8, description="Most exercises a session.")
    # 3 is what a coach would ask for, but as a hard floor it made proving a 52-week plan
    # take 0.62 instead of 0.54 work units, past the solver's fast phase (3x the wall time):
    # so the default stays at the general floor of 2.
    min_exercises_max_strength: int = Field(
        default=2,
        ge=1,
        le=8,
        description="Fewest exercises in a max-strength session (instead of min_exercises).",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Params:
        if self.min_exercises > self.max_exercises:
            raise ValueError("min_exercises is above max_exercises")
        if self.min_exercises_max_strength > self.max_exercises:
            raise ValueError("min_exercises_max_strength is above max_exercises")
        return self

    def fewest(self, goal: str) -> int:
        """Fewest exercises a session of this goal holds: one mobility drill makes a transition
        session; a max-strength session has a floor of its own."""
        # Goal is a StrEnum compared by value: importing planner.periodisation here closes an
        # import cycle.
        if goal == "transition":
            return 1
        if goal == "max strength":
            return self.min_exercises_max_strength
        return self.min_exercises


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
            fewest = params.fewest(inst.days[d].goal)
            m.add(sum(chains) >= fewest).only_enforce_if(lits)
            # Times the session literal: the same rule for whole plans (a chain is trained only
            # in a session), but the LP relaxation can no longer spread a fraction of a session
            # over every chain, which left the balance rule's bound at zero with the extras.
            enforce_if(m.add(sum(chains) <= params.max_exercises * s), enforce)
        return []

    def conflict_text(self, params) -> str:
        text = f"{params.min_exercises}-{params.max_exercises} exercises a session"
        if params.fewest("max strength") != params.min_exercises:
            text += f", at least {params.fewest('max strength')} in max strength"
        return text + " (session-size)"

    def describe(self, params) -> str:
        low, high = params.min_exercises, params.max_exercises
        count = (
            f"exactly {plural(low, 'exercise')}" if low == high else f"{low} to {high} exercises"
        )
        floor = ""
        if params.fewest("max strength") != low:
            floor = f", a max-strength session at least {params.fewest('max strength')}"
        return (
            f"A session holds {count}, each from a different progression chain{floor} "
            "(a mobility-only transition session may hold one)."
        )
