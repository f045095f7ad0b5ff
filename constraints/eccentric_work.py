"""eccentric-work: slow-lowering hamstring and glute work (the catalog's `eccentric` exercises:
the Romanian deadlift, the bridge walkout) at most once a session, and none at the end of the
taper.

Eccentric work leaves the most soreness, one to two days later. Two such exercises in one session
(a Romanian deadlift next to bridge walkouts) double it for no extra strength, so a heavy hinge
pairs with a bridge that is not eccentric. In the last two weeks before an A race the legs should
arrive fresh: no eccentric work at all. For both, a chain already at an eccentric level may do
the level below it (walkouts -> single-leg bridges) without losing its place in the progression.
"""

from __future__ import annotations

from pydantic import Field

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if
from planner.domain import Priority
from planner.wording import plural


class Params(RuleParams):
    max_per_session: int = Field(
        default=1, ge=1, le=5, description="Most eccentric exercises in one session."
    )
    days_free_before_a: int = Field(
        default=14,
        ge=0,
        le=28,
        description="Days before an A race with no eccentric work (the last weeks of the taper).",
    )
    step_down: bool = Field(
        default=True,
        description="A chain at an eccentric level may do the level below it instead (bridge "
        "walkouts -> single-leg bridges), beside a Romanian deadlift or before an A race; "
        "its level stays learned.",
    )


def eccentric_choices(inst) -> list[tuple[int, int]]:
    """(chain, level) of every eccentric exercise in the athlete's chains."""
    return [
        (c, k)
        for c, chain in enumerate(inst.chains)
        for k, exercise in enumerate(chain.levels)
        if exercise.eccentric
    ]


def eccentric_free_days(inst, params: Params) -> set[int]:
    """Days (in the horizon) of the eccentric-free stretch before each A race."""
    days: set[int] = set()
    for race in inst.races:
        if race.priority != Priority.A or params.days_free_before_a == 0:
            continue
        first = max(0, race.offset - params.days_free_before_a)
        days.update(range(first, min(inst.n_days, race.offset + 1)))
    return days


def step_downs(inst) -> set[tuple[int, int]]:
    """(chain, level) pairs where a chain at the eccentric level just above `level` may do
    `level` instead, on any day (`step_down`): that is how it makes room for another eccentric
    exercise, or keeps training in the eccentric-free days before an A race. The chain keeps its
    week level: a swap, not a step back."""
    params = inst.config.params("eccentric-work")
    if not params.enabled or not getattr(params, "step_down", False):
        return set()
    if not inst.config.params("progression-order").enabled:
        return set()  # without it any level goes any week: nothing to keep learned
    return {
        (c, k)
        for c, chain in enumerate(inst.chains)
        for k in range(chain.start, len(chain) - 1)
        if chain.levels[k + 1].eccentric and not chain.levels[k].eccentric
    }


class EccentricWork(Rule):
    id = "eccentric-work"
    title = "Eccentric work"
    statement = (
        "At most 1 eccentric hamstring exercise (Romanian deadlift, bridge walkout) a session, "
        "and none in the 14 days before an A race; a chain at an eccentric level may do the "
        "level below it instead (bridge walkouts -> single-leg bridges)."
    )
    hard = True
    Params = Params

    def forbidden(self, inst, params) -> Forbidden:
        pairs = eccentric_choices(inst)
        return Forbidden(
            choices={
                (d, c, k)
                for d in eccentric_free_days(inst, params)
                if d >= inst.first_free
                for c, k in pairs
            }
        )

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        m = v.model
        for d, c, k in sorted(self.forbidden(inst, params).choices):
            enforce_if(m.add(v.does(d, c, k) == 0), enforce)
        pairs = eccentric_choices(inst)
        for d in inst.free_days():
            picked = [v.does(d, c, k) for c, k in pairs]
            picked = [x for x in picked if x is not v.false]
            if len(picked) > params.max_per_session:
                enforce_if(m.add(sum(picked) <= params.max_per_session), enforce)
        return []

    def conflict_text(self, params) -> str:
        return (
            f"at most {params.max_per_session} eccentric exercise(s) a session, none in the "
            f"{params.days_free_before_a} days before an A race (eccentric-work)"
        )

    def describe(self, params) -> str:
        text = (
            f"At most {plural(params.max_per_session, 'eccentric hamstring exercise')} "
            "(Romanian deadlift, bridge walkout) a session"
        )
        if params.days_free_before_a:
            text += f", and none in the {params.days_free_before_a} days before an A race"
        if params.step_down:
            text += (
                "; a chain at an eccentric level may do the level below it instead (bridge "
                "walkouts -> single-leg bridges)"
            )
        return text + "."
