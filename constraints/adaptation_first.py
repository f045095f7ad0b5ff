"""adaptation-first: no heavy exercise before the athlete has adapted to lifting.

Whatever phase the plan starts in, heavy work waits for weeks and sessions of lighter work that
depend on the athlete's strength-training experience (novice 4 weeks and 6 sessions,
intermediate 3 and 4, advanced 1 and 2), and no heavy exercise is done for the first time in a
deload week.
"""

from __future__ import annotations

from pydantic import Field

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if
from planner.domain import Experience
from planner.wording import plural


class Params(RuleParams):
    weeks_novice: int = Field(default=4, ge=0, le=12, description="Weeks before heavy: novice.")
    sessions_novice: int = Field(
        default=6, ge=0, le=24, description="Sessions before heavy: novice."
    )
    weeks_intermediate: int = Field(
        default=3, ge=0, le=12, description="Weeks before heavy: intermediate."
    )
    sessions_intermediate: int = Field(
        default=4, ge=0, le=24, description="Sessions before heavy: intermediate."
    )
    weeks_advanced: int = Field(default=1, ge=0, le=12, description="Weeks before heavy: advanced.")
    sessions_advanced: int = Field(
        default=2, ge=0, le=24, description="Sessions before heavy: advanced."
    )

    def weeks_for(self, experience: Experience) -> int:
        return getattr(self, f"weeks_{Experience(experience).value}")

    def sessions_for(self, experience: Experience) -> int:
        return getattr(self, f"sessions_{Experience(experience).value}")


def heavy_choices(inst) -> list[tuple[int, int]]:
    """(chain, level) of every heavy exercise in the athlete's chains."""
    return [
        (c, k)
        for c, chain in enumerate(inst.chains)
        for k, exercise in enumerate(chain.levels)
        if exercise.heavy
    ]


class AdaptationFirst(Rule):
    id = "adaptation-first"
    title = "Adaptation before heavy work"
    statement = (
        "No heavy exercise before 3 weeks and 4 sessions of lighter work for an intermediate "
        "(novice 4 weeks and 6 sessions, advanced 1 and 2); no heavy exercise done for the "
        "first time in a deload week."
    )
    hard = True
    Params = Params

    def forbidden(self, inst, params) -> Forbidden:
        weeks = params.weeks_for(inst.profile.experience)
        return Forbidden(
            choices={
                (d, c, k)
                for d in inst.free_days(range(min(inst.n_days, 7 * weeks)))
                for c, k in heavy_choices(inst)
            }
        )

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        m = v.model
        for d, c, k in sorted(self.forbidden(inst, params).choices):
            enforce_if(m.add(v.does(d, c, k) == 0), enforce)
        needed = params.sessions_for(inst.profile.experience)
        pairs = heavy_choices(inst)
        heavy = {
            d: [v.does(d, c, k) for c, k in pairs if v.does(d, c, k) is not v.false]
            for d in range(inst.n_days)
        }
        before = 0  # sessions in the weeks before week w (a linear expression, then a variable)
        for w in range(inst.n_weeks):
            days = inst.week_days(w)
            for d in inst.free_days(days):
                if not heavy[d]:
                    continue
                earlier = before + sum(v.session_on(e) for e in range(days.start, d))
                for x in heavy[d]:
                    if isinstance(earlier, int):  # nothing can come before: no heavy at all
                        if earlier < needed:
                            enforce_if(m.add(x == 0), enforce)
                    elif needed:
                        ct = m.add(earlier >= needed)
                        ct.only_enforce_if([x, enforce] if enforce is not None else [x])
            if w + 1 < inst.n_weeks:
                count = m.new_int_var(0, 7 * (w + 1), f"sessions before w{w + 1}")
                m.add(count == before + sum(v.sessions_in(days)))
                before = count
        for c, k in pairs:
            self._not_new_in_deload(inst, v, c, k, enforce)
        return []

    @staticmethod
    def _not_new_in_deload(inst, v, c: int, k: int, enforce) -> None:
        """A heavy exercise done in a deload week was done in some week before it."""
        m = v.model
        done_before = v.false  # the exercise in some week before week w
        for w in range(inst.n_weeks):
            week = [v.does(d, c, k) for d in inst.week_days(w)]
            week = [x for x in week if x is not v.false]
            if inst.week_deload(w):
                for d in inst.free_days(inst.week_days(w)):
                    x = v.does(d, c, k)
                    if x is not v.false:
                        enforce_if(m.add_implication(x, done_before), enforce)
            if week and w + 1 < inst.n_weeks:
                nxt = m.new_bool_var(f"{inst.chains[c].levels[k].id} done before w{w + 1}")
                m.add_bool_or([nxt.Not(), done_before, *week])
                done_before = nxt

    def conflict_text(self, params) -> str:
        return (
            "no heavy work before the adaptation weeks and sessions of the athlete's experience, "
            "nor first in a deload week (adaptation-first)"
        )

    def describe(self, params) -> str:
        return (
            f"No heavy exercise before {plural(params.weeks_intermediate, 'week')} and "
            f"{plural(params.sessions_intermediate, 'session')} of lighter work for an "
            f"intermediate (novice {plural(params.weeks_novice, 'week')} and "
            f"{plural(params.sessions_novice, 'session')}, advanced {params.weeks_advanced} and "
            f"{params.sessions_advanced}); no heavy exercise done for the first time in a deload "
            "week."
        )
