"""session-size: a session holds between 2 and 5 exercises, each from a different chain; a
max-strength session has a floor of its own (`min_exercises_max_strength`); outside deload
weeks a max-strength session lasts at least `min_minutes_max_strength` minutes and an
adaptation or maintenance one `min_minutes`, warm-up included. Taper and transition sessions
are short on purpose and have no floor.

Nothing rewards filling a session, so the solver may leave a max-strength session at two
exercises and 11-13 minutes; with the floor at 3 it cannot.
"""

from __future__ import annotations

from ortools.sat.python import cp_model
from pydantic import Field, model_validator

from constraints.base import Penalty, Rule, RuleParams, enforce_if
from planner.constants import WARM_UP_MIN
from planner.wording import plural, series


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

    # A max-strength session of two short exercises "barely justifies its warm-up" (coaching
    # review): a floor in minutes, warm-up included, is cheaper for the solver than a third
    # exercise. Adaptation and maintenance get a lower one: adaptation's first doses are low on
    # purpose, and at 14-15 minutes the marathon season lost its bridge progression (maintenance
    # weeks capped at 70 % of max strength's volume could not hold longer sessions).
    min_minutes_max_strength: int = Field(
        default=25,
        ge=0,
        le=120,
        description="Shortest max-strength session in minutes, warm-up included, outside "
        "deload weeks (0: no floor).",
    )
    min_minutes: int = Field(
        default=12,
        ge=0,
        le=120,
        description="Shortest anatomical-adaptation or maintenance session in minutes, "
        "warm-up included, outside deload weeks (0: no floor).",
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


def shortest(inst, params: Params, day: int) -> int:
    """Fewest minutes (warm-up included) a session on `day` lasts by its goal; 0 in deload
    weeks, taper and transition, where short is the point; never above availability's longest
    session."""
    d = inst.days[day]
    if d.deload or day in inst.transition_week_days:
        return 0
    floor = {
        "anatomical adaptation": params.min_minutes,
        "max strength": params.min_minutes_max_strength,
        "maintenance": params.min_minutes,
    }.get(d.goal, 0)
    availability = inst.config.params("availability")
    if availability.enabled:
        floor = min(floor, getattr(availability, "max_session_minutes", floor))
    return floor


def minutes_text(params: Params) -> str:
    """'25 min in max strength (deload weeks excepted)'; '' with no floor."""
    floors = [
        (params.min_minutes_max_strength, "max strength"),
        (params.min_minutes, "anatomical adaptation and maintenance"),
    ]
    listed = [f"{n} min in {goal}" for n, goal in floors if n]
    return f"{series(listed)} (deload weeks excepted)" if listed else ""


class SessionSize(Rule):
    id = "session-size"
    title = "Session size"
    statement = (
        "A session holds 2 to 5 exercises, each from a different progression chain "
        "(a mobility-only transition session may hold one); a session lasts at least 25 min "
        "in max strength and 12 min in anatomical adaptation and maintenance (deload weeks "
        "excepted), warm-up included."
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
            floor = shortest(inst, params, d) - WARM_UP_MIN
            pinned = inst.history is not None and d in inst.history.pinned_exercises
            choices = [ch for ch in v.choices(d) if not v.is_constant(ch.var)]
            if floor > 0 and choices and not pinned:
                minutes = cp_model.LinearExpr.weighted_sum(
                    [ch.var for ch in choices],
                    [inst.dose(d, ch.exercise).minutes for ch in choices],
                )
                m.add(minutes >= floor).only_enforce_if(lits)
        return []

    def conflict_text(self, params) -> str:
        text = f"{params.min_exercises}-{params.max_exercises} exercises a session"
        if params.fewest("max strength") != params.min_exercises:
            text += f", at least {params.fewest('max strength')} in max strength"
        lasts = minutes_text(params)
        if lasts:
            text += f", at least {lasts}"
        return text + " (session-size)"

    def describe(self, params) -> str:
        low, high = params.min_exercises, params.max_exercises
        count = (
            f"exactly {plural(low, 'exercise')}" if low == high else f"{low} to {high} exercises"
        )
        floor = ""
        if params.fewest("max strength") != low:
            floor = f", a max-strength session at least {params.fewest('max strength')}"
        text = (
            f"A session holds {count}, each from a different progression chain{floor} "
            "(a mobility-only transition session may hold one)"
        )
        lasts = minutes_text(params)
        if lasts:
            text += f"; a session lasts at least {lasts}, warm-up included"
        return text + "."
