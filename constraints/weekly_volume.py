"""weekly-volume: a week's planned volume (sets of all its exercises, summed) follows the phase.

A deload week holds at most (100 - deload %) of the last normal week's sets; within a season
block, maintenance weeks average at most 70 % of the max-strength weeks and taper weeks at most
70 % of the maintenance weeks (of the max-strength weeks' share when there is no maintenance).
The doses stay inside the articles' ranges: the volume comes down through fewer exercises and
sessions, the deload also through fewer sets. In a re-plan the lighter weeks are held to it only
when the solver decides them whole.
"""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, RuleParams, enforce_if

# Goal values (planner.periodisation.Goal is a StrEnum; importing it here would be circular).
TRANSITION, MAX_STRENGTH, MAINTENANCE, TAPER = "transition", "max strength", "maintenance", "taper"


class Params(RuleParams):
    maintenance_pct: int = Field(
        default=70,
        ge=10,
        le=100,
        description="Average maintenance week, percent of the average max-strength week.",
    )
    taper_pct: int = Field(
        default=70,
        ge=10,
        le=100,
        description="Average taper week, percent of the average maintenance week.",
    )


def blocks(inst) -> list[list[int]]:
    """Weeks grouped into season blocks, split at transition weeks."""
    out: list[list[int]] = [[]]
    for w in range(inst.n_weeks):
        if inst.week_goal(w) == TRANSITION:
            out.append([])
        else:
            out[-1].append(w)
    return [b for b in out if b]


def decided(inst, w: int) -> bool:
    """Whether the solver decides the whole week (in a re-plan, weeks that begin in history
    are not held to this rule: their sets are partly or wholly fixed already)."""
    return inst.week_days(w).start >= inst.first_free


def deload_pairs(inst) -> list[tuple[int, int]]:
    """(deload week, the last normal loaded week before it) pairs, for deload weeks the solver
    decides."""
    pairs = []
    last_normal = None
    for w in range(inst.n_weeks):
        if inst.week_goal(w) == TRANSITION:
            last_normal = None
        elif inst.week_deload(w):
            if last_normal is not None and decided(inst, w):
                pairs.append((w, last_normal))
        elif inst.week_loaded(w):
            last_normal = w
    return pairs


def block_groups(inst, block: list[int]) -> dict[str, list[int]]:
    """The block's normal (non-deload) weeks of max strength, maintenance and taper."""
    groups: dict[str, list[int]] = {MAX_STRENGTH: [], MAINTENANCE: [], TAPER: []}
    for w in block:
        goal = inst.week_goal(w)
        if goal in groups and not inst.week_deload(w):
            groups[goal].append(w)
    return groups


class WeeklyVolume(Rule):
    id = "weekly-volume"
    title = "Weekly volume by phase"
    statement = (
        "A deload week holds at most 70 % of the sets of the last normal week; maintenance "
        "weeks average at most 70 % of the max-strength weeks' sets, taper weeks at most 70 % "
        "of the maintenance weeks'."
    )
    hard = True
    Params = Params

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        m = v.model
        volumes: dict[int, object] = {}

        def volume(w: int):
            if w not in volumes:
                terms, top = [], 0
                for d in inst.week_days(w):
                    for choice in v.choices(d):
                        if choice.var is not v.false:
                            sets = inst.dose(d, choice.exercise).sets
                            terms.append(sets * choice.var)
                    top += sum(
                        max(inst.dose(d, e).sets for e in chain.levels) for chain in inst.chains
                    )
                var = m.new_int_var(0, top, f"sets in w{w}")
                m.add(var == sum(terms))
                volumes[w] = var
            return volumes[w]

        keep = 100 - inst.config.season.deload_volume_pct
        for w, normal in deload_pairs(inst):
            enforce_if(m.add(100 * volume(w) <= keep * volume(normal)), enforce)
        for block in blocks(inst):
            groups = block_groups(inst, block)
            ms, maint, taper = (groups[g] for g in (MAX_STRENGTH, MAINTENANCE, TAPER))
            # The lighter side averages the weeks the solver decides; the reference all weeks.
            maint_ref = maint
            maint = [w for w in maint if decided(inst, w)]
            taper = [w for w in taper if decided(inst, w)]
            if ms and maint:
                lhs = 100 * len(ms) * sum(volume(w) for w in maint)
                rhs = params.maintenance_pct * len(maint) * sum(volume(w) for w in ms)
                enforce_if(m.add(lhs <= rhs), enforce)
            if taper and maint_ref:
                lhs = 100 * len(maint_ref) * sum(volume(w) for w in taper)
                rhs = params.taper_pct * len(taper) * sum(volume(w) for w in maint_ref)
                enforce_if(m.add(lhs <= rhs), enforce)
            elif taper and ms:
                lhs = 10_000 * len(ms) * sum(volume(w) for w in taper)
                share = params.taper_pct * params.maintenance_pct
                enforce_if(m.add(lhs <= share * len(taper) * sum(volume(w) for w in ms)), enforce)
        return []

    def conflict_text(self, params) -> str:
        return (
            f"deload weeks lighter than the week before, maintenance at most "
            f"{params.maintenance_pct} % of max strength, taper at most {params.taper_pct} % of "
            "maintenance (weekly-volume)"
        )

    def describe(self, params) -> str:
        return (
            "A deload week holds at most 70 % of the sets of the last normal week; maintenance "
            f"weeks average at most {params.maintenance_pct} % of the max-strength weeks' sets, "
            f"taper weeks at most {params.taper_pct} % of the maintenance weeks'."
        )
