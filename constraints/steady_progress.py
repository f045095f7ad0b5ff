"""steady-progress: move up a chain when the progression rule allows, rather than stall."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, SoftParams


class Params(SoftParams):
    weight: int = Field(default=1, ge=0, le=20, description="Cost of a week spent below a level.")


class SteadyProgress(Rule):
    id = "steady-progress"
    title = "Steady progress"
    statement = "Move up a level when allowed rather than stall: small, steady steps."
    hard = False
    Params = Params

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        penalties = []
        progression = inst.config.params("progression-order")
        min_days = getattr(progression, "min_days", 0) if progression.enabled else 0
        for c, chain in enumerate(inst.chains):
            for k in range(chain.start + 1, len(chain)):
                # Before this many days the level cannot be reached anyway: no cost there.
                earliest = (k - chain.start) * max(min_days, 1)
                for w in range(inst.n_weeks):
                    last = inst.week_days(w)[-1]
                    if last < earliest or last < inst.first_free:
                        continue
                    reached = v.week_level(c, k, w)
                    label = inst.days[last].date.strftime("%d %b")
                    penalties.append(
                        Penalty(
                            self.id,
                            reached.Not(),
                            params.weight,
                            f"{chain.name}: not yet at {chain.levels[k].name} by {label}",
                        )
                    )
        return penalties
