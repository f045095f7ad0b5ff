"""no-new-exercises: no exercise appears for the first time in the days before an A race."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, RuleParams, enforce_if
from planner.domain import Priority


class Params(RuleParams):
    days_before: int = Field(default=14, ge=0, le=42, description="Days before an A race.")


class NoNewExercises(Rule):
    id = "no-new-exercises"
    title = "Nothing new before an A race"
    statement = "No exercise is done for the first time in the 14 days before an A race."
    hard = True
    Params = Params

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        m = v.model
        for race in inst.races:
            if race.priority != Priority.A:
                continue
            first = race.offset - params.days_before
            window = range(max(inst.first_free, first), min(inst.n_days, race.offset))
            if not window:
                continue
            for c, chain in enumerate(inst.chains):
                for k in range(len(chain)):
                    earlier = [v.does(d, c, k) for d in range(0, max(0, first))]
                    done_before = m.new_bool_var(f"{chain.levels[k].id} done before d{first}")
                    m.add(sum(earlier) >= 1).only_enforce_if(done_before)
                    if not earlier:
                        m.add(done_before == 0)
                    for d in window:
                        enforce_if(m.add_implication(v.does(d, c, k), done_before), enforce)
        return []

    def conflict_text(self, params) -> str:
        return f"no new exercises in the {params.days_before} days before an A race"

    def describe(self, params) -> str:
        if params.days_before == 0:
            return "New exercises may start right up to an A race."
        span = "the day" if params.days_before == 1 else f"the {params.days_before} days"
        return f"No exercise is done for the first time in {span} before an A race."
