"""steady-progress: move up a chain when the progression rule allows, rather than stall."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, SoftParams
from planner.sport import minor_chains


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
        for c, chain in enumerate(inst.chains):
            earliest = earliest_days(inst, chain)
            for k in range(chain.start + 1, len(chain)):
                for w in range(inst.n_weeks):
                    last = inst.week_days(w)[-1]
                    if last < earliest[k] or last < inst.first_free:
                        continue
                    if not can_start(inst, chain.levels[k], w):
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


def earliest_days(inst, chain) -> list[int]:
    """The first day each level of the chain could be reached: its phase must allow it, and with
    progression-order on, each step waits the dwell after the level before, and a heavy level
    starts on a max-strength day that follows no race. Before that day being below the level
    costs nothing: it could not be helped."""
    progression = inst.config.params("progression-order")
    # A chain the sport needs least comes once a window (sport-emphasis), so it can move up
    # only after min_sessions windows, not at the pace of a core chain.
    pace = 0
    if chain.id in minor_chains(inst):
        pace = inst.config.params("sport-emphasis").minor_window_days * progression.min_sessions

    # progression-order: a heavy level starts in max strength (max_strength_reach, or the exact
    # new_heavy_in_max_strength) and not on the days after a race.
    late: set[int] = set()
    reach = getattr(progression, "max_strength_reach", False) or getattr(
        progression, "new_heavy_in_max_strength", False
    )
    if progression.enabled and reach and any(e.heavy for e in chain.levels):
        from constraints.progression import not_first_days  # progression imports this module

        late = not_first_days(
            inst, progression.model_copy(update={"new_heavy_in_max_strength": True})
        )

    def first_allowed(level: int, after: int) -> int:
        exercise = chain.levels[level]
        skip = late if exercise.heavy else ()
        return next(
            (d for d in range(after, inst.n_days) if inst.allowed(d, exercise) and d not in skip),
            inst.n_days,
        )

    earliest = [0] * len(chain)
    day = first_allowed(chain.start, 0)
    earliest[chain.start] = day
    for k in range(chain.start + 1, len(chain)):
        if progression.enabled:
            dwell = max(progression.min_days, chain.levels[k - 1].dwell_days or 0, 1, pace)
            day = first_allowed(k, day + dwell)
        else:
            day = first_allowed(k, 0)
        earliest[k] = day
    return earliest


def can_start(inst, exercise, week: int) -> bool:
    """Whether the week may hold the exercise's first session. With progression-order's
    `new_heavy_in_max_strength` a heavy exercise starts only in max strength: a later week spent
    below it could not be helped, so it costs nothing (and the model needs no term for it)."""
    progression = inst.config.params("progression-order")
    if not (exercise.heavy and progression.enabled and progression.new_heavy_in_max_strength):
        return True
    # Goal is a StrEnum compared by value: importing planner.periodisation closes a cycle.
    return any(inst.days[d].goal == "max strength" for d in inst.week_days(week))
