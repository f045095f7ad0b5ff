"""hard-day-interference: keep heavy legs away from the day before key endurance sessions.

Lifting is best on an easy day or after a hard session on the same day ("keep hard days hard");
it is worst on long-ride days, rest days and the day before a hard, long or race day. Days after
the calendar's last event cost nothing: the athlete's training there is unknown, not absent.
"""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, SoftParams
from planner.domain import Kind


class Params(SoftParams):
    weight: int = Field(default=3, ge=0, le=20, description="Cost of heavy legs before a key day.")
    day_weight: int = Field(
        default=1, ge=0, le=20, description="Cost of lifting on a day that is not easy or hard."
    )


def day_cost(kinds: set[Kind]) -> int:
    """0 on easy or hard days (lift after the session), 1 on empty days, 2 on long/rest days."""
    if Kind.long in kinds or Kind.rest in kinds or Kind.race in kinds:
        return 2
    if Kind.hard in kinds or Kind.easy in kinds:
        return 0
    return 1


class HardDayInterference(Rule):
    id = "hard-day-interference"
    title = "Hard-day interference"
    statement = (
        "Avoid heavy lower-body work the day before a hard or long session; prefer lifting on "
        "easy days or after a hard session. Days after your calendar's last event are not "
        "judged: your training there is unknown."
    )
    hard = False
    Params = Params

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        penalties = []
        for day in inst.days[inst.first_free :]:
            cost = day_cost({e.kind for e in day.events}) if inst.covered(day.index) else 0
            if cost and params.day_weight:
                what = "long or rest day" if cost == 2 else "day with no easy or hard session"
                penalties.append(
                    Penalty(
                        self.id,
                        v.session_on(day.index),
                        cost * params.day_weight,
                        f"{day.label}: lifting on a {what}",
                    )
                )
            if day.index + 1 >= inst.n_days:
                continue
            key = inst.days[day.index + 1].key_session
            if key is None:
                continue
            for choice in v.choices(day.index):
                ex = choice.exercise
                if ex.heavy and ex.lower_body:
                    penalties.append(
                        Penalty(
                            self.id,
                            choice.var,
                            params.weight,
                            f"{day.label}: heavy {ex.name} the day before {key.kind.value} "
                            f"session '{key.title}'",
                        )
                    )
        return penalties
