"""effort: every exercise carries an effort target by phase goal, in reps in reserve (RIR)."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, RuleParams


class Params(RuleParams):
    # Defaults from COACHING.md ("Effort and load"): adaptation RIR 3-4, max strength 1-2,
    # maintenance 2-3, taper 3+ (written 3-5). Each target is a window from the value up.
    adaptation_rir: int = Field(
        default=3, ge=0, le=6, description="Reps in reserve in anatomical adaptation (to +1)."
    )
    max_strength_rir: int = Field(
        default=1, ge=0, le=6, description="Reps in reserve in max strength (to +1)."
    )
    maintenance_rir: int = Field(
        default=2, ge=0, le=6, description="Reps in reserve in maintenance (to +1)."
    )
    taper_rir: int = Field(
        default=3, ge=0, le=5, description="Reps in reserve in the taper (to +2)."
    )
    deload_extra_rir: int = Field(
        default=1, ge=0, le=2, description="Extra reps in reserve in a deload week."
    )


class EffortTargets(Rule):
    """Content, not a choice: the targets are written on each exercise after solving
    (planner.session_content), so the model never sees them; the validator checks them."""

    id = "effort"
    title = "Effort by phase"
    statement = (
        "Sets end 3-4 reps short of failure in adaptation, 1-2 in max strength, 2-3 in "
        "maintenance and 3-5 in the taper, one more in a deload week; holds as RPE (10 - RIR), "
        "mobility at RPE 3-4."
    )
    hard = True
    has_hard_constraints = False  # nothing to enforce in the model
    Params = Params

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        return []

    def describe(self, params) -> str:
        def window(low: int, more: int) -> str:
            return f"{low}-{low + more}"

        deload = ("the same", "one more", "two more")[params.deload_extra_rir]
        return (
            f"Sets end {window(params.adaptation_rir, 1)} reps short of failure in adaptation, "
            f"{window(params.max_strength_rir, 1)} in max strength, "
            f"{window(params.maintenance_rir, 1)} in maintenance and "
            f"{window(params.taper_rir, 2)} in the taper, {deload} in a deload week; holds as "
            "RPE (10 - RIR), mobility at RPE 3-4."
        )
