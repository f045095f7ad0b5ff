"""weekly-frequency: each week holds the number of sessions its phase asks for (at most 3)."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, SoftParams, enforce_if


class Params(SoftParams):
    weight: int = Field(default=4, ge=0, le=20, description="Cost of one session off target.")
    max_per_week: int = Field(default=3, ge=1, le=3, description="Hard cap on sessions a week.")
    strict: bool = Field(default=False, description="Treat the phase's target as a hard minimum.")


class WeeklyFrequency(Rule):
    id = "weekly-frequency"
    title = "Sessions per week"
    statement = (
        "Each week holds its phase's target sessions (2 in base, 1 in build, peak, taper and "
        "transition), never more than 3."
    )
    hard = False
    has_hard_constraints = True  # the weekly cap, and the target when strict
    Params = Params

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        m = v.model
        penalties = []
        for w in range(inst.n_weeks):
            if inst.week_days(w)[-1] < inst.first_free:
                continue  # a week of history
            sessions = v.sessions_in(inst.week_days(w))
            enforce_if(m.add(sum(sessions) <= params.max_per_week), enforce)
            target = min(inst.week_target(w), params.max_per_week)
            label = inst.days[w * 7].date.strftime("%d %b %Y")
            if params.strict:
                enforce_if(m.add(sum(sessions) >= target), enforce)
            over = m.new_int_var(0, 7, f"over w{w}")
            under = m.new_int_var(0, target, f"under w{w}")
            m.add(sum(sessions) - target == over - under)
            penalties.append(
                Penalty(
                    self.id,
                    under,
                    params.weight,
                    f"week of {label}: {{n}} session(s) short of the target {target}",
                )
            )
            penalties.append(
                Penalty(
                    self.id,
                    over,
                    params.weight,
                    f"week of {label}: {{n}} session(s) above the target {target}",
                    key=("over", w),
                )
            )
        return penalties

    def conflict_text(self, params) -> str:
        text = f"at most {params.max_per_week} sessions a week"
        if params.strict:
            text += " and each phase's weekly target as a minimum"
        return text + " (weekly-frequency)"

    def describe(self, params) -> str:
        text = (
            "Each week holds its phase's target sessions (2 in base, 1 in build, peak, taper and "
            f"transition), never more than {params.max_per_week}."
        )
        if params.strict:
            text += " The target is a hard minimum."
        return text
