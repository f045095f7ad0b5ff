"""A quick greedy plan used as the solver's starting point (a solution hint).

CP-SAT with one worker finds good plans slowly from scratch on long horizons; starting from a
sensible plan it only has to improve and prove. The greedy walks the weeks in order, picks the
cheapest allowed days, fills each session with the chains trained longest ago, and moves a chain
up as soon as the progression rule allows. It respects the hard rules conservatively; the hint
needs to be good, not optimal, and CP-SAT repairs whatever it gets wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from constraints.base import Forbidden
from constraints.eccentric_work import step_downs
from constraints.hard_day_interference import day_cost
from constraints.key_session_spacing import key_events, spaced
from constraints.progression import not_first_days
from constraints.session_size import shortest
from constraints.sport_emphasis import core_applies
from planner.constants import WARM_UP_MIN
from planner.domain import Priority
from planner.instance import Instance
from planner.sport import emphasis, minor_chains


@dataclass
class ChainState:
    level: int
    count: int = 0  # sessions done at the current level
    first_day: int | None = None  # day of the first session at the current level
    last_day: int = -10_000
    seen: set[int] = field(default_factory=set)  # levels done at least once


@dataclass
class GreedyPlan:
    """Sessions as day -> {chain index: level index}; week levels per chain."""

    sessions: dict[int, dict[int, int]]
    week_levels: list[list[int]]  # [chain][week] -> level index, -1 before the first session


def _param(inst: Instance, rule_id: str, name: str, default: int) -> int:
    params = inst.config.params(rule_id)
    return getattr(params, name, default) if params.enabled else default


def greedy_plan(inst: Instance, forbidden: Forbidden) -> GreedyPlan:
    rest = _param(inst, "rest-days", "min_rest_days", 0)
    cap = _param(inst, "weekly-frequency", "max_per_week", 7)
    max_minutes = _param(inst, "availability", "max_session_minutes", 10_000) - WARM_UP_MIN
    size = inst.config.params("session-size")
    max_ex = _param(inst, "session-size", "max_exercises", len(inst.chains))
    progression = inst.config.params("progression-order")
    progression_on = progression.enabled
    min_sessions = _param(inst, "progression-order", "min_sessions", 0)
    min_days = _param(inst, "progression-order", "min_days", 0)
    late = not_first_days(inst, progression) if progression.enabled else set()
    new_window = _param(inst, "no-new-exercises", "days_before", 0)
    no_new_days = {
        d
        for race in inst.races
        if race.priority == Priority.A and inst.config.params("no-new-exercises").enabled
        for d in range(race.offset - new_window, race.offset)
    }

    def day_rank(d: int) -> tuple[int, bool, int]:
        """Cheapest day first (hard-day-interference); among equals, not the eve of a key
        session, where heavy legs cost more; then the earliest."""
        cost = day_cost({e.kind for e in inst.days[d].events}) * inst.covered(d)
        eve = d + 1 < inst.n_days and inst.days[d + 1].key_session is not None
        return cost, eve, d

    volume = _VolumeBudget(inst)
    adaptation = inst.config.params("adaptation-first")
    heavy_from_day, heavy_after = 0, 0  # adaptation-first: first day and sessions before heavy
    if adaptation.enabled:
        heavy_from_day = 7 * adaptation.weeks_for(inst.profile.experience)
        heavy_after = adaptation.sessions_for(inst.profile.experience)
    states = [ChainState(level=chain.start) for chain in inst.chains]
    week_levels = [[chain.start] * inst.n_weeks for chain in inst.chains]
    sessions: dict[int, dict[int, int]] = {}
    last_session = -10_000

    for w in range(inst.n_weeks):
        days = list(inst.week_days(w))
        # Move chains up this week when the rule allows it on some day of the week; the chain
        # is then trained only from that day on (one level per chain a week).
        moved: dict[int, ChainState] = {}
        from_day: dict[int, int] = {}
        for c, chain in enumerate(inst.chains):
            st = states[c]
            if progression_on and st.level + 1 < len(chain) and st.first_day is not None:
                dwell = max(min_days, chain.levels[st.level].dwell_days or 0)
                earliest = max(days[0], st.first_day + dwell)
                ready = st.count >= min_sessions and earliest <= days[-1]
                # adaptation-first: no heavy exercise new in a deload week.
                heavy = chain.levels[st.level + 1].heavy
                if heavy and adaptation.enabled and inst.week_deload(w):
                    ready = False
                # progression-order: a heavy level starts on none of the late days
                if heavy and all(d in late for d in days):
                    ready = False
                if ready and not any(d in no_new_days for d in days):
                    moved[c] = replace(st, seen=set(st.seen))
                    st.level, st.count, st.first_day = st.level + 1, 0, None
                    from_day[c] = earliest

        target = min(inst.week_target(w), cap)
        candidates = sorted((d for d in days if d not in forbidden.days), key=day_rank)
        # Fill the best days first; a day whose session would be too small (every exercise
        # ruled out there) gives way to the next best instead of leaving the week short.
        chosen: list[int] = []
        budget = volume.budget(w)
        for d in candidates:
            if len(chosen) >= target:
                break
            if d - last_session <= rest or any(abs(d - o) <= rest for o in chosen):
                continue
            blocked = {c for c, first in from_day.items() if d < first}
            # A capped week shares its sets among the sessions it still needs.
            share = None if budget is None else budget // max(1, target - len(chosen))
            heavy_ok = d >= heavy_from_day and sum(1 for s in sessions if s < d) >= heavy_after
            picked = _fill_session(
                inst,
                d,
                states,
                forbidden,
                no_new_days,
                max_minutes,
                max_ex,
                blocked,
                share,
                heavy_ok and not (adaptation.enabled and inst.week_deload(w)) and d not in late,
                heavy_ok,
            )
            # session-size by goal: a transition drill alone, max strength 3 or more.
            fewest = size.fewest(inst.days[d].goal) if size.enabled else 1
            if len(picked) < fewest:
                continue
            if size.enabled and _minutes(inst, d, picked) + WARM_UP_MIN < shortest(inst, size, d):
                continue
            if budget is not None:
                budget -= _sets(inst, d, picked)
            chosen.append(d)
            sessions[d] = picked
            for c, k in picked.items():
                st = states[c]
                st.count += 1
                st.last_day = max(st.last_day, d)
                st.seen.add(k)
                st.first_day = d if st.first_day is None else min(st.first_day, d)
        last_session = max([last_session, *chosen])
        volume.record(w, sum(_sets(inst, d, sessions[d]) for d in chosen))
        # A level starts in a week that trains it; otherwise the move waits.
        for c, before in moved.items():
            if states[c].first_day is None:
                states[c] = before
        for c, st in enumerate(states):
            week_levels[c][w] = st.level if st.first_day is not None or st.seen else -1
    return GreedyPlan(sessions=sessions, week_levels=week_levels)


def _fill_session(
    inst: Instance,
    day: int,
    states: list[ChainState],
    forbidden: Forbidden,
    no_new_days: set[int],
    max_minutes: int,
    max_ex: int,
    blocked: set[int],
    budget: int | None = None,
    new_heavy_ok: bool = True,
    heavy_ok: bool = True,
) -> dict[int, int]:
    """The session on `day`: chains by urgency, each at its current level, within the minutes,
    the sets `budget`, and adaptation-first (heavy work at all, heavy work done for the first
    time)."""
    next_key = inst.days[day + 1].key_session if day + 1 < inst.n_days else None
    spacing = inst.config.params("key-session-spacing")
    keys = key_events(inst, spacing) if spacing.enabled and spacing.weight else {}
    key_soon = any(day + j in keys for j in range(1, spacing.days_before + 1))
    params = inst.config.params("sport-emphasis")
    core = emphasis(inst.profile.sport, params)[0] if params.enabled else set()
    minor = minor_chains(inst)
    window = params.minor_window_days

    balance = inst.config.params("balance")
    fortnight = getattr(balance, "window_days", 14) if balance.enabled else None

    def urgency(c: int) -> tuple[int, int, int, int, int]:
        # The sport's core chains first; then chains not yet trained in the balance rule's
        # window (with more chains than a session holds, e.g. the extras beyond the articles,
        # the ones still climbing would otherwise crowd them out), then chains with a level
        # still to unlock, then the one trained longest ago.
        st = states[c]
        climbing = st.level + 1 < len(inst.chains[c])
        due = fortnight is None or st.last_day // fortnight < day // fortnight
        return (
            0 if inst.chains[c].id in core else 1,
            0 if due else 1,
            0 if climbing else 1,
            st.last_day,
            c,
        )

    def spent(c: int) -> bool:
        """Another sport's chain already trained in this day's window (once is enough)."""
        return inst.chains[c].id in minor and states[c].last_day // window == day // window

    order = sorted(
        (c for c in range(len(inst.chains)) if c not in blocked and not spent(c)), key=urgency
    )
    eccentric = inst.config.params("eccentric-work")
    most_eccentric = eccentric.max_per_session if eccentric.enabled else len(inst.chains)
    swaps = step_downs(inst)
    picked: dict[int, int] = {}
    minutes = 0
    # An eccentric level not trained yet must be done to count as reached, so it goes first; one
    # already learned can stand down to the level below (eccentric-work) and leave it the slot.
    fresh = [
        c
        for c in order
        if inst.chains[c].levels[states[c].level].eccentric
        and states[c].level not in states[c].seen
    ]
    for c in [*fresh, *(c for c in order if c not in fresh)]:
        if len(picked) >= max_ex:
            break
        k = states[c].level
        busy = sum(inst.chains[o].levels[j].eccentric for o, j in picked.items())
        learned = k in states[c].seen
        stand_down = (day, c, k) in forbidden.choices or busy >= most_eccentric
        if (c, k - 1) in swaps and learned and stand_down:
            k -= 1  # eccentric-work: the level below the eccentric one instead
        exercise = inst.chains[c].levels[k]
        if (day, c, k) in forbidden.choices:
            continue
        if exercise.eccentric and busy >= most_eccentric:
            continue
        if day in no_new_days and k not in states[c].seen:
            continue
        if exercise.heavy and not (heavy_ok and (new_heavy_ok or k in states[c].seen)):
            continue
        if next_key is not None and exercise.heavy and exercise.lower_body:
            continue
        if key_soon and spaced(exercise, spacing):
            continue
        cost = inst.dose(day, exercise).minutes
        if minutes + cost > max_minutes:
            continue
        sets = inst.dose(day, exercise).sets
        if budget is not None and sets > budget:
            continue
        picked[c] = k
        minutes += cost
        if budget is not None:
            budget -= sets
    if params.enabled and params.minor_with_core:
        # Another sport's chain only alongside every core chain the phase allows.
        missing_core = any(
            chain.id in core and c not in picked and core_applies(inst, day, chain)
            for c, chain in enumerate(inst.chains)
        )
        if missing_core:
            picked = {c: k for c, k in picked.items() if inst.chains[c].id not in minor}
    return picked


def _minutes(inst: Instance, day: int, picked: dict[int, int]) -> int:
    return sum(inst.dose(day, inst.chains[c].levels[k]).minutes for c, k in picked.items())


def _sets(inst: Instance, day: int, picked: dict[int, int]) -> int:
    return sum(inst.dose(day, inst.chains[c].levels[k]).sets for c, k in picked.items())


class _VolumeBudget:
    """The most sets a week may hold under weekly-volume, given the weeks before it: a deload
    week (100 - deload %) of the last normal week, maintenance weeks the max-strength average's
    share, taper weeks the maintenance (or max-strength) average's share and, with
    `taper_only_down`, no more than the taper week before."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        params = inst.config.params("weekly-volume")
        self.on = params.enabled
        self.maintenance_pct = getattr(params, "maintenance_pct", 100)
        self.taper_pct = getattr(params, "taper_pct", 100)
        self.taper_only_down = getattr(params, "taper_only_down", False)
        self.keep = 100 - inst.config.season.deload_volume_pct
        self.done: dict[str, list[int]] = {}
        self.last_normal: int | None = None

    def budget(self, w: int) -> int | None:
        if not self.on:
            return None
        inst = self.inst
        goal = inst.week_goal(w).value
        if inst.week_deload(w):
            return None if self.last_normal is None else self.keep * self.last_normal // 100
        ms, maint = self.done.get("max strength"), self.done.get("maintenance")
        if goal == "maintenance" and ms:
            return self.maintenance_pct * sum(ms) // (100 * len(ms))
        if goal != "taper":
            return None
        caps = []
        if maint:
            caps.append(self.taper_pct * sum(maint) // (100 * len(maint)))
        elif ms:
            caps.append(self.taper_pct * self.maintenance_pct * sum(ms) // (10_000 * len(ms)))
        if self.taper_only_down and self.done.get("taper"):
            caps.append(self.done["taper"][-1])  # the taper only comes down
        return min(caps, default=None)

    def record(self, w: int, sets: int) -> None:
        inst = self.inst
        goal = inst.week_goal(w).value
        if goal == "transition":
            self.done, self.last_normal = {}, None
            return
        if inst.week_deload(w):
            return
        if inst.week_loaded(w):
            self.last_normal = sets
        self.done.setdefault(goal, []).append(sets)
