"""progression-order: a chain moves up only after enough sessions and days at its level.

Level k+1 of a chain comes only after at least `min_sessions` sessions at level k, the first of
them at least `min_days` days earlier (or the catalog's own dwell for that level, if longer);
levels never go down within a plan; each chain starts at the athlete's starting level.
"""

from __future__ import annotations

from pydantic import Field

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if
from constraints.steady_progress import earliest_days
from planner.domain import Kind
from planner.wording import plural


class Params(RuleParams):
    min_sessions: int = Field(
        default=3, ge=1, le=12, description="Sessions at a level before the next one."
    )
    min_days: int = Field(
        default=14, ge=0, le=56, description="Days since the first session at a level."
    )
    # Off by default: on, the 52-week benchmark season's proof (the LP phase after the polished
    # starting plan) took 0.41 instead of 0.11 work units, past the 0.3 the solver is held to.
    new_heavy_in_max_strength: bool = Field(
        default=False,
        description="A heavy exercise is done for the first time only in a max-strength week: "
        "maintenance and taper keep the lifts already learned.",
    )
    max_strength_reach: bool = Field(
        default=True,
        description="A heavy exercise the max-strength block is too short to reach (at this "
        "rule's sessions and days a level) waits for the next block's max strength instead of "
        "starting in maintenance or taper (cheap: those choices are removed before solving).",
    )
    new_heavy_fresh_days: int = Field(
        default=1,
        ge=0,
        le=7,
        description="Days after a race (and, with new_heavy_fresh_after_long, a long session) on "
        "which a heavy exercise is not done for the first time: its first session comes on "
        "fresh legs.",
    )
    # Off by default: with key-session-spacing on, the days after every weekly long session
    # left too few days for a first heavy session; proving the 52-week plan took 1.20 instead
    # of 0.52 work units and its best plan cost 12 instead of 9.
    new_heavy_fresh_after_long: bool = Field(
        default=False,
        description="Count the days after a long session as well as those after a race.",
    )
    detrain_days: int = Field(
        default=14,
        ge=7,
        le=84,
        description="Re-plans: after this many days without a chain it resumes one level lower.",
    )


class ProgressionOrder(Rule):
    id = "progression-order"
    title = "Progression order"
    statement = (
        "Move to a chain's next exercise only after 3 sessions at the current one, "
        "the first of them at least 14 days earlier; never step back, except one level after "
        "14 days without the chain. A heavy exercise the max-strength block is too short to "
        "reach waits for the next one, and is not done for the first time the day after a race."
    )
    hard = True
    Params = Params

    def forbidden(self, inst, params) -> Forbidden:
        """A heavy level before the first day its first session could fall on: at or after the
        earliest day the progression reaches it, and on none of the late days (so a level the
        max-strength block is too short for is left out of the maintenance after it)."""
        if inst.history is not None:
            return Forbidden()  # a re-plan's history may have reached any level already
        return Forbidden(
            choices={
                (d, c, k)
                for (c, k), first in first_heavy_days(inst, params).items()
                for d in range(first)
            }
        )

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        late = not_first_days(inst, params)
        for d, c, k in sorted(self.forbidden(inst, params).choices):
            enforce_if(v.model.add(v.does(d, c, k) == 0), enforce)
        for c, chain in enumerate(inst.chains):
            back = step_back(inst, c, params.detrain_days)
            for k in range(chain.start, len(chain)):
                relax = back[1] if back and back[0] == k else None
                self._monotone_levels(inst, v, c, k, enforce, relax)
            for k in range(chain.start, len(chain) - 1):
                dwell = max(params.min_days, chain.levels[k].dwell_days or 0)
                reached = _history_reached(inst, c, k + 1)
                self._enough_sessions(inst, v, c, k, params.min_sessions, enforce, reached)
                self._dwell(inst, v, c, k, dwell, enforce, reached)
            for k in range(chain.start, len(chain)):
                if chain.levels[k].heavy and late:
                    first = _history_reached(inst, c, k) + 1
                    self._new_heavy_not_on(inst, v, c, k, late, enforce, first)
        return []

    @staticmethod
    def _new_heavy_not_on(inst, v, c, k, late: set[int], enforce, first: int) -> None:
        """The first session at heavy level k falls on none of the `late` days: a week with no
        other day keeps the level it had; otherwise a session on a late day needs the level
        reached in an earlier week or an earlier session of its own week."""
        m = v.model
        for w in range(first, inst.n_weeks):
            days = inst.week_days(w)
            now, before = v.week_level(c, k, w), v.week_level(c, k, w - 1)
            if all(d in late for d in inst.free_days(days)):
                enforce_if(m.add(now <= before), enforce)
                continue
            for d in inst.free_days(days):
                x = v.does(d, c, k)
                if d not in late or x is v.false:
                    continue
                earlier = [v.does(e, c, k) for e in range(days.start, d)]
                clause = [x.Not(), before, *(e for e in earlier if e is not v.false)]
                if enforce is not None:
                    clause.append(enforce.Not())
                m.add_bool_or(clause)

    @staticmethod
    def _monotone_levels(inst, v, c, k, enforce, relax_week) -> None:
        """Levels never go down (but at `relax_week`, where the chain resumes a level lower),
        and a week that reaches a level holds a session at it, so the first session at a level
        falls in the first week at that level."""
        m = v.model
        for w in range(inst.n_weeks):
            now, before = v.week_level(c, k, w), v.week_level(c, k, w - 1)
            if w == relax_week:
                enforce_if(m.add(now == 0), enforce)
            else:
                enforce_if(m.add_implication(before, now), enforce)
            sessions = [v.does(d, c, k) for d in inst.week_days(w)]
            enforce_if(m.add(now - before <= sum(sessions)), enforce)

    @staticmethod
    def _enough_sessions(inst, v, c, k, needed, enforce, reached) -> None:
        """The week a chain first reaches k+1 follows `needed` sessions at level k."""
        m = v.model
        count = 0
        for w in range(inst.n_weeks):
            if w > reached:
                switch = v.week_level(c, k + 1, w) - v.week_level(c, k + 1, w - 1)
                if enforce is None:
                    m.add(count >= needed * switch)
                else:
                    m.add(count >= needed).only_enforce_if(
                        [v.week_level(c, k + 1, w), v.week_level(c, k + 1, w - 1).Not(), enforce]
                    )
            done = m.new_int_var(0, 7 * (w + 1), f"{inst.chains[c].levels[k].id} count w{w}")
            m.add(done == count + sum(v.does(d, c, k) for d in inst.week_days(w)))
            count = done

    @staticmethod
    def _dwell(inst, v, c, k, dwell, enforce, reached) -> None:
        """First session at k+1 at least `dwell` days after the first at k, exact to the day.

        Levels start in the week of their first session, so whole weeks settle most cases; when
        level k started only `dwell // 7` (or one more) weeks earlier, a level-k session must have
        come early enough in that start week.
        """
        m = v.model
        whole = dwell // 7
        for w in range(reached + 1, inst.n_weeks):
            up, up_before = v.week_level(c, k + 1, w), v.week_level(c, k + 1, w - 1)
            if whole:
                enforce_if(m.add(up - up_before <= v.week_level(c, k, w - whole)), enforce)
            for a in (w - whole - 1, w - whole):
                if a < 0 or 7 * (w - a) - 6 >= dwell:
                    continue  # any days of these weeks are far enough apart
                started_at_a = [v.week_level(c, k, a).Not(), v.week_level(c, k, a - 1)]
                for d2 in inst.free_days(inst.week_days(w)):
                    early = [v.does(d1, c, k) for d1 in inst.week_days(a) if d2 - d1 >= dwell]
                    clause = [v.does(d2, c, k + 1).Not(), *started_at_a, *early, up_before]
                    if enforce is not None:
                        clause.append(enforce.Not())
                    m.add_bool_or(clause)

    def conflict_text(self, params) -> str:
        return (
            f"{params.min_sessions} sessions and {params.min_days} days at each level before the "
            "next (progression-order)"
        )

    def describe(self, params) -> str:
        text = (
            f"Move to a chain's next exercise only after "
            f"{plural(params.min_sessions, 'session')} at the current one, the first of them "
            f"at least {plural(params.min_days, 'day')} earlier; never step back, except one "
            f"level after {plural(params.detrain_days, 'day')} without the chain."
        )
        span = (
            "the day"
            if params.new_heavy_fresh_days == 1
            else f"the {params.new_heavy_fresh_days} days"
        )
        after = "a race or a long session" if params.new_heavy_fresh_after_long else "a race"
        fresh = f"not done for the first time {span} after {after}"
        if params.new_heavy_in_max_strength:
            text += " A heavy exercise is done for the first time only in max strength"
            text += f", and not {span} after {after}" if params.new_heavy_fresh_days else ""
            return text + "."
        if params.max_strength_reach:
            text += (
                " A heavy exercise the max-strength block is too short to reach waits for the "
                "next one"
            )
            text += f", and is {fresh}" if params.new_heavy_fresh_days else ""
            return text + "."
        if params.new_heavy_fresh_days:
            text += f" A heavy exercise is {fresh}."
        return text


def first_heavy_days(inst, params: Params) -> dict[tuple[int, int], int]:
    """(chain, heavy level) -> the first day its first session could fall on, with
    `max_strength_reach` (or the exact `new_heavy_in_max_strength`): a max-strength day that
    the progression can reach (steady_progress.earliest_days) and that follows no race."""
    if not (params.enabled and (params.max_strength_reach or params.new_heavy_in_max_strength)):
        return {}
    late = not_first_days(inst, params.model_copy(update={"new_heavy_in_max_strength": True}))
    out = {}
    for c, chain in enumerate(inst.chains):
        earliest = earliest_days(inst, chain)
        for k in range(chain.start, len(chain)):
            if chain.levels[k].heavy:
                days = range(earliest[k], inst.n_days)
                out[(c, k)] = next((d for d in days if d not in late), inst.n_days)
    return out


def not_first_days(inst, params: Params) -> set[int]:
    """Days on which no heavy exercise is done for the first time: days outside max strength
    (with `new_heavy_in_max_strength`) and the `new_heavy_fresh_days` days after a race (and a
    long session, with `new_heavy_fresh_after_long`)."""
    late: set[int] = set()
    days = inst.days
    if params.new_heavy_in_max_strength:
        # Goal is a StrEnum compared by value: importing planner.periodisation closes a cycle.
        late.update(d.index for d in days if d.season.goal != "max strength")
    kinds = (Kind.race, Kind.long) if params.new_heavy_fresh_after_long else (Kind.race,)
    tiring = [d.index for d in days if any(e.kind in kinds for e in d.events)]
    tiring += [r.offset for r in inst.races if r.offset < 0]
    for t in tiring:
        late.update(range(max(0, t + 1), min(inst.n_days, t + params.new_heavy_fresh_days + 1)))
    return late


def _history_reached(inst, c: int, level: int) -> int:
    """Last week whose level-`level` start is already history (-1: none): no rule applies there."""
    if inst.history is None:
        return -1
    days = [d for d, picked in inst.history.done.items() if picked.get(c, -1) >= level]
    return max((inst.first_free - 1) // 7, -1) if days else -1


def step_back(inst, c: int, detrain_days: int) -> tuple[int, int] | None:
    """(level, week) where a chain idle for `detrain_days` resumes one level lower, if any."""
    history = inst.history
    if history is None or history.first_free == 0:
        return None
    trained = [(d, picked[c]) for d, picked in history.done.items() if c in picked]
    if not trained:
        return None
    last_day, _ = max(trained)
    top = max(level for _, level in trained)
    if top <= inst.chains[c].start or history.first_free - last_day < detrain_days:
        return None
    week = history.first_free // 7
    if any(c in history.done.get(d, {}) for d in inst.week_days(week)):
        week += 1
    return (top, week) if week < inst.n_weeks else None
