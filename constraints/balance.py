"""balance: every chain the phase allows is trained at least once a fortnight.

Only days the calendar leaves open count (Instance.closed_days): a fortnight whose open days
cannot hold a chain, such as an A race's closed week and the recovery after it, asks nothing.
"""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, SoftParams


class Params(SoftParams):
    weight: int = Field(default=2, ge=0, le=20, description="Cost of a chain missed a fortnight.")
    window_days: int = Field(
        default=14,
        ge=7,
        le=28,
        description="Each chain is trained at least once in this many days.",
    )


class Balance(Rule):
    id = "balance"
    title = "Balance across chains"
    statement = "Train every chain the phase allows at least once a fortnight."
    hard = False
    Params = Params

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        m = v.model
        penalties = []
        for first in range(0, inst.n_days, params.window_days):
            days = range(first, min(inst.n_days, first + params.window_days))
            if days[-1] < inst.first_free:
                continue  # history
            label = inst.days[first].date.strftime("%d %b")
            # Days the calendar closes (a race's week, time away) cannot hold the chain.
            open_days = [d for d in days if d not in inst.closed_days]
            for c, chain in enumerate(inst.chains):
                # Only chains with some level the phase allows on an open day count.
                if not any(inst.allowed(d, ex) for d in open_days for ex in chain.levels):
                    continue
                missed = m.new_bool_var(f"missed {chain.id} from d{first}")
                m.add(sum(v.trains(d, c) for d in days) + missed >= 1)
                penalties.append(
                    Penalty(
                        self.id,
                        missed,
                        params.weight,
                        f"{chain.name}: not trained in the {len(days)} days from {label}",
                        key=("missed", c, first),
                    )
                )
        return penalties

    def describe(self, params) -> str:
        every = {7: "once a week", 14: "once a fortnight"}.get(
            params.window_days, f"once every {params.window_days} days"
        )
        return f"Train every chain the phase allows at least {every}."
