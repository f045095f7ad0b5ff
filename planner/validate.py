"""A solver-free check of a plan against the instance it was made for.

Every hard rule has its own `check_<rule>` function written from the rule's plain statement, in
plain Python over the plan's session dates and exercises; none of it reads the CP-SAT model. A
plan the solver returns must pass all of them, so a bug in a rule's model shows up here as a
violation in words. `recompute_objective` does the same for the soft rules' costs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from constraints import rule_by_id
from constraints.eccentric_work import step_downs
from constraints.key_session_spacing import spaced
from constraints.post_race import LIGHT_LOADS
from constraints.progression import first_heavy_days, not_first_days
from constraints.session_size import shortest
from constraints.steady_progress import can_start, earliest_days
from planner.constants import WARM_UP_MIN
from planner.domain import Exercise, Kind, LoadClass, Priority, Sport
from planner.instance import ChainPlan, Instance
from planner.periodisation import Goal
from planner.plan import Plan, PlannedExercise, PlannedSession, Status
from planner.session_content import EffortTargets, effort

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SOLVED = (Status.optimal, Status.feasible)


def _fmt(day: dt.date) -> str:
    return day.strftime("%a %d %b")


@dataclass(frozen=True)
class Done:
    """One exercise of the plan, resolved against the instance (None fields when unknown)."""

    session: PlannedSession
    day: int | None  # index in the horizon, None when the date lies outside it
    planned: PlannedExercise
    exercise: Exercise | None  # the catalog entry, None when the id is unknown
    chain: int | None  # index into inst.chains
    level: int | None  # index into that chain's levels (the athlete's effective chain)


def _resolve(plan: Plan, inst: Instance) -> list[Done]:
    done = []
    for session in sorted(plan.sessions, key=lambda s: s.date):
        day = inst.day_index(session.date)
        for planned in session.exercises:
            exercise = inst.catalog.by_id.get(planned.id)
            chain = level = None
            if exercise is not None and exercise.chain in inst.chain_index:
                chain = inst.chain_index[exercise.chain]
                levels = [e.id for e in inst.chains[chain].levels]
                level = levels.index(exercise.id) if exercise.id in levels else None
                if level is None:
                    chain = None
            done.append(Done(session, day, planned, exercise, chain, level))
    return done


def _sessions(plan: Plan) -> list[PlannedSession]:
    return sorted(plan.sessions, key=lambda s: s.date)


def _session_days(plan: Plan, inst: Instance) -> dict[int, PlannedSession]:
    """Sessions by day index, for sessions inside the horizon."""
    days = {}
    for session in plan.sessions:
        index = inst.day_index(session.date)
        if index is not None:
            days[index] = session
    return days


def _in_horizon(inst: Instance, first: int, last: int) -> range:
    return range(max(0, first), min(inst.n_days - 1, last) + 1)


# ---------------------------------------------------------------------------------- structure


def check_structure(plan: Plan, inst: Instance) -> list[str]:
    """What every plan has whatever the rules: known exercises in the athlete's chains at or above
    the starting level, one level per chain a week, dates in the horizon, one session a day, at
    least one exercise a session, the instance's dose for the day, and no more reps in a deload
    week than in the normal week before it."""
    out = []
    seen_dates: set[dt.date] = set()
    for session in _sessions(plan):
        label = _fmt(session.date)
        if session.date in seen_dates:
            out.append(f"structure: two sessions on {label}")
        seen_dates.add(session.date)
        day = inst.day_index(session.date)
        if day is None:
            out.append(
                f"structure: session on {label} lies outside the plan "
                f"({_fmt(inst.start)} to {_fmt(inst.end)})"
            )
        if not session.exercises:
            out.append(f"structure: session on {label} holds no exercise")
        if day is not None and session.phase != inst.days[day].phase:
            out.append(
                f"structure: session on {label} says phase {session.phase.value}, "
                f"the day is in {inst.days[day].phase.value}"
            )
        total = WARM_UP_MIN
        for planned in session.exercises:
            total += int(planned.minutes)
        if session.minutes != total:
            out.append(
                f"structure: session on {label} lasts {session.minutes} min, but warm-up and "
                f"exercises add up to {total} min"
            )

    week_levels: dict[tuple[int, int], set[int]] = defaultdict(set)
    swaps = step_downs(inst)
    for item in _resolve(plan, inst):
        label = f"{item.planned.id} on {_fmt(item.session.date)}"
        if item.exercise is None:
            out.append(f"structure: {label}: no such exercise in the catalog")
            continue
        ex = item.exercise
        if item.planned.chain != ex.chain:
            out.append(
                f"structure: {label} is listed in chain {item.planned.chain}, "
                f"the catalog puts it in {ex.chain}"
            )
        if item.chain is None or item.level is None:
            out.append(f"structure: {label} is not in the athlete's {ex.chain} chain")
            continue
        chain = inst.chains[item.chain]
        if item.level < chain.start:
            out.append(
                f"structure: {label} is below the athlete's starting level "
                f"({chain.levels[chain.start].name}) in {chain.name}"
            )
        facts = {
            "level": (item.planned.level, ex.level),
            "load": (item.planned.load, ex.load),
            "heavy": (item.planned.heavy, ex.heavy),
            "posterior_chain": (item.planned.posterior_chain, ex.posterior_chain),
        }
        for name, (got, want) in facts.items():
            if got != want:
                out.append(f"structure: {label} has {name} {got}, the catalog says {want}")
        if item.day is None:
            continue
        week_levels[(item.chain, item.day // 7)].add(item.level)
        dose = inst.dose(item.day, ex)
        got_dose = (
            item.planned.sets,
            item.planned.reps,
            item.planned.hold_s,
            int(item.planned.minutes),
        )
        want_dose = (dose.sets, dose.reps, dose.hold_s, dose.minutes)
        if got_dose != want_dose or item.planned.minutes != dose.minutes:
            out.append(
                f"structure: {label} is dosed (sets, reps, hold, minutes) {got_dose}, "
                f"the day's dose is {want_dose}"
            )
    for (c, week), levels in sorted(week_levels.items()):
        low = min(levels)
        if len(levels) == 2 and (c, low) in swaps and low + 1 in levels:
            continue  # eccentric-work: a chain at an eccentric level does the level below
        if len(levels) > 1:
            chain = inst.chains[c]
            names = ", ".join(chain.levels[k].name for k in sorted(levels))
            out.append(
                f"structure: {chain.name} is trained at {len(levels)} levels in the week of "
                f"{_fmt(inst.days[week * 7].date)} ({names}); one level a week"
            )
    return out + _deload_reps(plan, inst)


def _deload_reps(plan: Plan, inst: Instance) -> list[str]:
    """A deload cuts sets and effort, never adds reps: an exercise of a deload week does at most
    the reps (or hold) it did in the last normal week before it, when it was done then."""
    out = []
    by_week: dict[int, list[tuple[PlannedSession, PlannedExercise]]] = defaultdict(list)
    for session in _sessions(plan):
        day = inst.day_index(session.date)
        if day is not None:
            by_week[day // 7].extend((session, e) for e in session.exercises)
    for week, items in sorted(by_week.items()):
        if not inst.week_deload(week):
            continue
        normal = [w for w in range(week) if not inst.week_deload(w)]
        if not normal or not inst.week_loaded(normal[-1]):
            continue
        before = {e.id: e for _, e in by_week.get(normal[-1], [])}
        for session, e in items:
            done = before.get(e.id)
            if done is None or not session.deload:
                continue
            more = [
                f"{now} {unit} after {then}"
                for now, then, unit in ((e.reps, done.reps, "reps"), (e.hold_s, done.hold_s, "s"))
                if now is not None and then is not None and now > then
            ]
            if more:
                out.append(
                    f"structure: {e.name} on {_fmt(session.date)}, a deload week, does "
                    f"{more[0]} the week before; a deload never adds reps"
                )
    return out


# ---------------------------------------------------------------------------------- hard rules


def check_rest_days(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """At least `min_rest_days` strength-free days between two consecutive sessions."""
    out = []
    sessions = _sessions(plan)
    for before, after in zip(sessions, sessions[1:], strict=False):
        free = (after.date - before.date).days - 1
        if free < params.min_rest_days and after.date != before.date:
            out.append(
                f"rest-days: sessions on {_fmt(before.date)} and {_fmt(after.date)} are "
                f"{free} days apart; at least {params.min_rest_days} strength-free days required"
            )
    return out


def check_race_day(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """No session on a race day or in the days before it: `days_before_a` / `days_before_b`
    before A / B races, and at least `days_before` before any race."""
    out = []
    days = _session_days(plan, inst)
    for race in inst.races:
        before = params.days_free_before(race.event)
        for d in _in_horizon(inst, race.offset - before, race.offset):
            if d in days:
                out.append(
                    f"race-day: session on {_fmt(inst.days[d].date)}, {race.offset - d} day(s) "
                    f"before {race.priority.value} race '{race.event.title}' on "
                    f"{_fmt(race.event.date)}; none allowed on race day or the {before} day(s) "
                    "before"
                )
    return out


def _by_priority(priority: Priority, a: int, b: int, c: int) -> int:
    return {Priority.A: a, Priority.B: b, Priority.C: c}[priority]


def check_taper(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """No heavy posterior-chain exercise from `days_before_<priority>` days before a race to it."""
    out = []
    resolved = _resolve(plan, inst)
    for race in inst.races:
        before = _by_priority(
            race.priority, params.days_before_a, params.days_before_b, params.days_before_c
        )
        for item in resolved:
            ex = item.exercise
            if ex is None or item.day is None or not (ex.heavy and ex.posterior_chain):
                continue
            if race.offset - before <= item.day <= race.offset:
                out.append(
                    f"taper: heavy posterior-chain {ex.name} on {_fmt(item.session.date)}, "
                    f"{race.offset - item.day} day(s) before {race.priority.value} race "
                    f"'{race.event.title}'; none in the {before} days before"
                )
    return out


def check_post_race_recovery(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """No session in the strength-free days after a race: its priority's `days_after_<p>`, or
    more for a long race (marathon, half marathon, long ride). After a long race's recovery the
    first session within `light_window_days` holds light and mobility work only. No heavy
    posterior-chain work in the `heavy_free_days` days after any race."""
    out = []
    days = _session_days(plan, inst)
    resolved = _resolve(plan, inst)
    for race in inst.races:
        after = params.recovery_days(race.priority, race.event)
        for d in _in_horizon(inst, race.offset + 1, race.offset + after):
            if d in days:
                out.append(
                    f"post-race-recovery: session on {_fmt(inst.days[d].date)}, "
                    f"{d - race.offset} day(s) after {race.priority.value} race "
                    f"'{race.event.title}'; {after} strength-free day(s) required"
                )
        for item in resolved:
            ex = item.exercise
            if ex is None or item.day is None or not (ex.heavy and ex.posterior_chain):
                continue
            if 1 <= item.day - race.offset <= params.heavy_free_days:
                out.append(
                    f"post-race-recovery: heavy {ex.name} on {_fmt(item.session.date)}, "
                    f"{item.day - race.offset} day(s) after {race.priority.value} race "
                    f"'{race.event.title}'; no heavy hinge in the {params.heavy_free_days} "
                    "day(s) after any race"
                )
        if not params.light_first_session or params.long_race_days(race.event) == 0:
            continue
        first = race.offset + after + 1
        window = [
            d for d in sorted(days) if first <= d < first + params.light_window_days and d >= 0
        ]
        if window:
            session = days[window[0]]
            heavier = [e.name for e in session.exercises if e.load not in LIGHT_LOADS]
            if heavier:
                out.append(
                    f"post-race-recovery: the first session after the recovery from "
                    f"'{race.event.title}', on {_fmt(session.date)}, holds "
                    f"{', '.join(heavier)}; only light or mobility work allowed"
                )
    return out


def check_progression_order(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """Level k+1 of a chain first appears only after `min_sessions` sessions at level k and at
    least max(min_days, dwell of level k) days after the first session at level k; never back.
    A heavy exercise's first session is in max strength (`new_heavy_in_max_strength`) and not
    in the `new_heavy_fresh_days` days after a race (or a long session)."""
    out = []
    per_chain: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for item in _resolve(plan, inst):
        if item.chain is not None and item.level is not None and item.day is not None:
            per_chain[item.chain].append((item.day, item.level))
    swaps = step_downs(inst)
    late = not_first_days(inst, params)
    reach = first_heavy_days(inst, params)
    for c, history in sorted(per_chain.items()):
        chain = inst.chains[c]
        history.sort()
        highest = None
        last_day = None
        for day, level in history:
            if (c, level) in swaps and highest == level + 1:
                continue  # eccentric-work: the level below an eccentric one, done instead
            # The one exception: after `detrain_days` without the chain, one level back.
            rested = last_day is not None and day - last_day >= params.detrain_days
            if rested and highest is not None and level == highest - 1:
                highest = level
            if highest is not None and level < highest:
                out.append(
                    f"progression-order: {chain.name} steps back to {chain.levels[level].name} "
                    f"on {_fmt(inst.days[day].date)} after {chain.levels[highest].name}"
                )
            highest = level if highest is None else max(highest, level)
            last_day = day
        first = {}
        for day, level in history:
            first.setdefault(level, day)
        for level, first_day in sorted(first.items()):
            possible = reach.get((c, level), 0)
            if inst.history is None and first_day < possible:
                when = (
                    _fmt(inst.days[possible].date) if possible < inst.n_days else "none in the plan"
                )
                out.append(
                    f"progression-order: {chain.levels[level].name} on "
                    f"{_fmt(inst.days[first_day].date)}, before the first max-strength day it "
                    f"could start on ({when}); a heavy lift the max-strength block is too short "
                    "to reach waits for the next"
                )
            elif chain.levels[level].heavy and first_day in late:
                out.append(_late_heavy_violation(inst, chain.levels[level], first_day, params))
            k = level - 1
            if k < chain.start:
                continue
            out.extend(_level_up_violations(inst, chain, history, k, first_day, params))
    return out


def _late_heavy_violation(inst: Instance, exercise: Exercise, day: int, params: Any) -> str:
    """Why a heavy exercise's first session on `day` comes at the wrong time."""
    d = inst.days[day]
    text = f"progression-order: {exercise.name} is done for the first time on {_fmt(d.date)}"
    if params.new_heavy_in_max_strength and d.goal != Goal.max_strength:
        return text + f", in {d.goal.value}; a new heavy lift starts only in max strength"
    after = "a race or a long session" if params.new_heavy_fresh_after_long else "a race"
    return (
        text + f", within {params.new_heavy_fresh_days} day(s) after {after}; "
        "a new heavy lift starts on fresh legs"
    )


def _level_up_violations(
    inst: Instance,
    chain: ChainPlan,
    history: list[tuple[int, int]],
    k: int,
    first_up: int,
    params: Any,
) -> list[str]:
    """Why the first session at level k+1 on day `first_up` comes too early, if it does."""
    out = []
    up, below = chain.levels[k + 1], chain.levels[k]
    when = _fmt(inst.days[first_up].date)
    done = [day for day, level in history if level == k and day < first_up]
    if len(done) < params.min_sessions:
        out.append(
            f"progression-order: {chain.name} moves up to {up.name} on {when} after "
            f"{len(done)} session(s) of {below.name}; {params.min_sessions} required"
        )
    dwell = max(params.min_days, below.dwell_days or 0)
    if done and first_up - done[0] < dwell:
        out.append(
            f"progression-order: {chain.name} moves up to {up.name} on {when}, "
            f"{first_up - done[0]} days after the first {below.name} "
            f"({_fmt(inst.days[done[0]].date)}); at least {dwell} days required"
        )
    return out


def check_no_new_exercises(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """No exercise is done for the first time in the plan in the `days_before` days before an
    A race (race - days_before .. race - 1)."""
    out = []
    first_seen: dict[str, tuple[int, str]] = {}
    for item in _resolve(plan, inst):
        if item.day is not None and item.planned.id not in first_seen:
            first_seen[item.planned.id] = (item.day, item.planned.name)
    for race in inst.races:
        if race.priority != Priority.A:
            continue
        window = range(race.offset - params.days_before, race.offset)
        for exercise_id, (day, name) in sorted(first_seen.items(), key=lambda kv: kv[1]):
            if day in window:
                out.append(
                    f"no-new-exercises: {name} ({exercise_id}) is done for the first time on "
                    f"{_fmt(inst.days[day].date)}, {race.offset - day} day(s) before A race "
                    f"'{race.event.title}'; nothing new in the {params.days_before} days before"
                )
    return out


def check_availability(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """Sessions only on available weekdays, never on blocked dates, and no longer than
    `max_session_minutes` (warm-up plus the day's dose of each exercise)."""
    out = []
    weekdays = {day.strip()[:3].title() for day in params.weekdays}
    blocked = set(params.blocked_dates)
    for session in _sessions(plan):
        label = _fmt(session.date)
        name = WEEKDAY_NAMES[session.date.weekday()]
        if name not in weekdays:
            allowed = ", ".join(d for d in WEEKDAY_NAMES if d in weekdays) or "no weekday"
            out.append(f"availability: session on {label}; lifting only on {allowed}")
        if session.date in blocked:
            out.append(f"availability: session on {label}, a blocked date")
        day = inst.day_index(session.date)
        if day is None:
            continue
        minutes = WARM_UP_MIN
        for planned in session.exercises:
            exercise = inst.catalog.by_id.get(planned.id)
            minutes += inst.dose(day, exercise).minutes if exercise else int(planned.minutes)
        if minutes > params.max_session_minutes:
            out.append(
                f"availability: session on {label} lasts {minutes} min; "
                f"at most {params.max_session_minutes} min allowed"
            )
    return out


def check_phase_loads(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """Every exercise's load class is one its day's phase allows; with `whole_transition_week`
    every day of a transition week allows mobility work only."""
    out = []
    for item in _resolve(plan, inst):
        if item.exercise is None or item.day is None:
            continue
        transition = item.day in inst.transition_week_days
        if transition and item.exercise.load != LoadClass.mobility:
            out.append(
                f"phase-loads: {item.exercise.load.value} {item.exercise.name} on "
                f"{_fmt(inst.days[item.day].date)}, in a transition week; only mobility work"
            )
        elif not inst.allowed(item.day, item.exercise):
            day = inst.days[item.day]
            out.append(
                f"phase-loads: {item.exercise.load.value} {item.exercise.name} on "
                f"{_fmt(day.date)}, in {day.phase.value} ({day.goal.value}), which does not "
                f"allow {item.exercise.load.value} work"
            )
    return out


def check_session_size(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """Each session holds min..max exercises, each from a different chain, and lasts at least
    the day's floor in minutes (`shortest`: none in deloads, taper and transition)."""
    out = []
    for session in _sessions(plan):
        label = _fmt(session.date)
        n = len(session.exercises)
        day = inst.day_index(session.date)
        fewest = params.min_exercises if day is None else params.fewest(inst.days[day].goal)
        if not fewest <= n <= params.max_exercises:
            out.append(
                f"session-size: session on {label} holds {n} exercise(s); "
                f"{fewest} to {params.max_exercises} allowed"
            )
        floor = 0 if day is None else shortest(inst, params, day)
        pinned = inst.history is not None and day in inst.history.pinned_exercises
        if session.minutes < floor and not pinned:
            out.append(
                f"session-size: session on {label} lasts {session.minutes} min; at least "
                f"{floor} min (warm-up included) outside deload weeks, taper and transition"
            )
        chains: dict[str, int] = defaultdict(int)
        for planned in session.exercises:
            exercise = inst.catalog.by_id.get(planned.id)
            chains[exercise.chain if exercise else planned.chain] += 1
        for chain, count in sorted(chains.items()):
            if count > 1:
                out.append(
                    f"session-size: session on {label} holds {count} exercises of chain {chain}; "
                    "one per chain"
                )
    return out


def week_volumes(plan: Plan, inst: Instance) -> list[int]:
    """Each week's planned volume: the sets of its sessions' exercises, summed."""
    volumes = [0] * inst.n_weeks
    for day, session in _session_days(plan, inst).items():
        volumes[day // 7] += sum(e.sets for e in session.exercises)
    return volumes


def _week_counts(plan: Plan, inst: Instance) -> list[int]:
    counts = [0] * inst.n_weeks
    for day in _session_days(plan, inst):
        counts[day // 7] += 1
    return counts


def check_weekly_frequency(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """The hard parts of weekly-frequency: at most `max_per_week` sessions in each 7-day block
    from the plan start, and with `strict`, at least the phase's target (capped at the max)."""
    out = []
    for week, count in enumerate(_week_counts(plan, inst)):
        label = _fmt(inst.days[week * 7].date)
        if count > params.max_per_week:
            out.append(
                f"weekly-frequency: {count} sessions in the week from {label}; "
                f"at most {params.max_per_week}"
            )
        target = min(inst.week_target(week), params.max_per_week)
        if params.strict and count < target:
            out.append(
                f"weekly-frequency: {count} session(s) in the week from {label}; the phase asks "
                f"for {target} and strict is on"
            )
    return out


def check_effort(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """Every exercise carries the effort target its day's goal asks for (RIR, or RPE for holds
    and mobility)."""
    targets = EffortTargets.from_params(params)
    out = []
    seen: set[str] = set()  # exercises done before the current session (missed ones don't count)
    current: PlannedSession | None = None
    for item in _resolve(plan, inst):
        if item.session is not current:
            if current is not None and current.state != "missed":
                seen.update(e.id for e in current.exercises)
            current = item.session
        if item.exercise is None or item.day is None:
            continue
        day = inst.days[item.day]
        first = item.planned.id not in seen
        want = effort(day.goal.value, item.exercise, day.deload, targets, first_time=first)
        got = (item.planned.rir, item.planned.rpe)
        if got != want:
            out.append(
                f"effort: {item.exercise.name} on {_fmt(day.date)} targets "
                f"{_effort_words(*got)}, {day.goal.value} asks for {_effort_words(*want)}"
            )
    return out


def _effort_words(rir: Any, rpe: Any) -> str:
    if rir is not None:
        return f"RIR {rir.min}-{rir.max}"
    return f"RPE {rpe.min}-{rpe.max}" if rpe is not None else "no target"


def check_articles_only(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """No exercise marked beyond the articles while the rule is on."""
    return [
        f"articles-only: {item.exercise.name} on {_fmt(item.session.date)} is beyond the five "
        "articles, and the rule allows only theirs"
        for item in _resolve(plan, inst)
        if item.exercise is not None and item.exercise.beyond_articles
    ]


def check_unavailable_days(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """No session on a day an unavailable event covers, from its date to its last day."""
    out = []
    for session in _sessions(plan):
        for event in inst.calendar.events:
            if event.kind == Kind.unavailable and event.date <= session.date <= event.last_day:
                out.append(
                    f"unavailable-days: session on {_fmt(session.date)}, a day of "
                    f"'{event.title}' ({_fmt(event.date)} to {_fmt(event.last_day)})"
                )
                break
    return out


def check_calendar_strength(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """No session on the day of a strength event in the calendar; with counts_for_rest_days
    (and rest-days on), at least min_rest_days strength-free days between the two."""
    rest = inst.config.params("rest-days")
    gap = rest.min_rest_days if params.counts_for_rest_days and rest.enabled else 0
    strength_dates = sorted({e.date for e in inst.calendar.events if e.sport == Sport.strength})
    out = []
    for session in _sessions(plan):
        for day in strength_dates:
            apart = abs((session.date - day).days)
            if apart == 0:
                out.append(
                    f"calendar-strength: session on {_fmt(session.date)}, a day with strength "
                    "work in the calendar"
                )
            elif apart - 1 < gap:
                out.append(
                    f"calendar-strength: session on {_fmt(session.date)} and strength work in "
                    f"the calendar on {_fmt(day)} are {apart - 1} days apart; at least {gap} "
                    "strength-free days required"
                )
    return out


def check_adaptation_first(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """No heavy exercise before the experience's adaptation weeks (from the plan start) and
    sessions (any sessions before its day); no heavy exercise first done in a deload week."""
    out = []
    weeks = params.weeks_for(inst.profile.experience)
    needed = params.sessions_for(inst.profile.experience)
    sessions = _session_days(plan, inst)
    seen: set[str] = set()
    for n, d in enumerate(sorted(sessions)):
        heavy = [e for e in sessions[d].exercises if e.heavy]
        if not heavy:
            continue
        names = ", ".join(e.name for e in heavy)
        label = _fmt(inst.days[d].date)
        if d < 7 * weeks:
            out.append(
                f"adaptation-first: heavy {names} on {label}, in the first {weeks} week(s) of "
                f"the plan; adaptation comes first ({inst.profile.experience.value})"
            )
        if n < needed:
            out.append(
                f"adaptation-first: heavy {names} on {label} after {n} session(s); {needed} "
                f"sessions of adaptation required ({inst.profile.experience.value})"
            )
        for e in heavy:
            if e.id not in seen and inst.week_deload(d // 7):
                out.append(
                    f"adaptation-first: {e.name} is done for the first time on {label}, in a "
                    "deload week"
                )
            seen.add(e.id)
    return out


def check_weekly_volume(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """Weekly sets: deload week <= (100 - deload %) of the last normal loaded week; per block
    (split at transition weeks), maintenance weeks average <= `maintenance_pct` % of the
    max-strength weeks, taper weeks <= `taper_pct` % of the maintenance weeks (or of the
    max-strength share when there is no maintenance), and with `taper_only_down` each taper week
    <= the taper week before it. Deload weeks are left out of averages and steps; in re-plans,
    deload, maintenance and taper weeks that begin in history are not held to it."""
    out = []
    volumes = week_volumes(plan, inst)
    keep = 100 - inst.config.season.deload_volume_pct
    last_normal = None
    groups: dict[Goal, list[int]] = {g: [] for g in (Goal.max_strength, Goal.maintenance)}
    groups[Goal.taper] = []

    def label(w: int) -> str:
        return _fmt(inst.days[w * 7].date)

    def average(weeks: list[int]) -> float:
        return sum(volumes[w] for w in weeks) / len(weeks)

    def total(weeks: list[int]) -> int:
        return sum(volumes[w] for w in weeks)

    def decided(w: int) -> bool:  # re-plans: weeks that begin in history are not held to it
        return 7 * w >= inst.first_free

    def close_block() -> None:
        # Averages compared cross-multiplied, in integers, as the model states them.
        ms, maint_all, taper = (
            groups[g] for g in (Goal.max_strength, Goal.maintenance, Goal.taper)
        )
        maint = [w for w in maint_all if decided(w)]
        taper = [w for w in taper if decided(w)]
        pct_m, pct_t = params.maintenance_pct, params.taper_pct
        if ms and maint and 100 * len(ms) * total(maint) > pct_m * len(maint) * total(ms):
            out.append(
                f"weekly-volume: maintenance weeks from {label(maint[0])} average "
                f"{average(maint):.1f} sets, above {pct_m} % of the max-strength weeks' "
                f"{average(ms):.1f}"
            )
        if taper and maint_all:
            if 100 * len(maint_all) * total(taper) > pct_t * len(taper) * total(maint_all):
                out.append(
                    f"weekly-volume: taper weeks from {label(taper[0])} average "
                    f"{average(taper):.1f} sets, above {pct_t} % of the maintenance weeks' "
                    f"{average(maint_all):.1f}"
                )
        elif (
            taper
            and ms
            and 10_000 * len(ms) * total(taper) > pct_t * pct_m * len(taper) * total(ms)
        ):
            out.append(
                f"weekly-volume: taper weeks from {label(taper[0])} average "
                f"{average(taper):.1f} sets, above {pct_t * pct_m / 100:g} % of the "
                f"max-strength weeks' {average(ms):.1f}"
            )
        steps = zip(groups[Goal.taper][:-1], groups[Goal.taper][1:], strict=True)
        for before, later in steps if params.taper_only_down else ():
            if decided(later) and volumes[later] > volumes[before]:
                out.append(
                    f"weekly-volume: taper week from {label(later)} holds {volumes[later]} "
                    f"sets, more than the {volumes[before]} of the taper week from "
                    f"{label(before)}; the taper only comes down"
                )
        for weeks in groups.values():
            weeks.clear()

    for w in range(inst.n_weeks):
        goal = inst.week_goal(w)
        if goal == Goal.transition:
            last_normal = None
            close_block()
            continue
        if inst.week_deload(w):
            if (
                last_normal is not None
                and decided(w)
                and volumes[w] * 100 > keep * volumes[last_normal]
            ):
                out.append(
                    f"weekly-volume: deload week from {label(w)} holds {volumes[w]} sets, more "
                    f"than {keep} % of the {volumes[last_normal]} of the week from "
                    f"{label(last_normal)}"
                )
            continue
        if inst.week_loaded(w):
            last_normal = w
        if goal in groups:
            groups[goal].append(w)
    close_block()
    return out


HARD_CHECKS: dict[str, Callable[[Plan, Instance, Any], list[str]]] = {
    "rest-days": check_rest_days,
    "race-day": check_race_day,
    "taper": check_taper,
    "post-race-recovery": check_post_race_recovery,
    "progression-order": check_progression_order,
    "no-new-exercises": check_no_new_exercises,
    "availability": check_availability,
    "unavailable-days": check_unavailable_days,
    "calendar-strength": check_calendar_strength,
    "phase-loads": check_phase_loads,
    "adaptation-first": check_adaptation_first,
    "weekly-volume": check_weekly_volume,
    "session-size": check_session_size,
    "articles-only": check_articles_only,
    "effort": check_effort,
    "weekly-frequency": check_weekly_frequency,
}


def check_sport_emphasis(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """The hard part of sport-emphasis: with minor_with_core, a session that trains a chain the
    main sport needs least also trains every core chain of that sport whose levels (from the
    athlete's start) the day's phase allows."""
    if not params.minor_with_core:
        return []
    sport = inst.profile.sport
    lists = {
        Sport.ride: (params.ride_core, params.ride_minor),
        Sport.run: (params.run_core, params.run_minor),
        Sport.triathlon: (
            [*params.ride_core, *params.run_core],
            [c for c in params.ride_minor if c in params.run_minor],
        ),
    }
    core, minor = lists.get(sport, ([], []))
    out = []
    for day, session in sorted(_session_days(plan, inst).items()):
        trained = {e.chain for e in session.exercises}
        if not trained & (set(minor) - set(core)):
            continue
        for chain in inst.chains:
            allowed = any(inst.allowed(day, ex) for ex in chain.levels[chain.start :])
            if chain.id in core and allowed and chain.id not in trained:
                out.append(
                    f"sport-emphasis: session on {_fmt(session.date)} trains another sport's "
                    f"chain but not {chain.name}, a core chain"
                )
    return out


HARD_CHECKS["sport-emphasis"] = check_sport_emphasis


def check_pins(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """Pinned days hold a session (with the pinned exercises); blocked days hold none."""
    history = inst.history
    if history is None:
        return []
    days = _session_days(plan, inst)
    out = []
    for d in sorted(history.pinned):
        if d not in days:
            out.append(f"pins: {_fmt(inst.days[d].date)} is pinned but holds no session")
            continue
        wanted = history.pinned_exercises.get(d)
        if wanted is not None:
            have = {e.id for e in days[d].exercises}
            ids = {inst.chains[c].levels[k].id for c, k in wanted.items()}
            if have != ids:
                out.append(f"pins: {_fmt(inst.days[d].date)} does not keep its pinned exercises")
    for d in sorted(history.blocked):
        if d in days:
            out.append(f"pins: {_fmt(inst.days[d].date)} is blocked but holds a session")
    return out


HARD_CHECKS["pins"] = check_pins


def check_eccentric_work(plan: Plan, inst: Instance, params: Any) -> list[str]:
    """At most `max_per_session` eccentric exercises a session, and none from
    `days_free_before_a` days before an A race to the race."""
    out = []
    per_session: dict[dt.date, list[str]] = defaultdict(list)
    for item in _resolve(plan, inst):
        if item.exercise is None or not item.exercise.eccentric:
            continue
        per_session[item.session.date].append(item.exercise.name)
        if item.day is None:
            continue
        for race in inst.races:
            days_out = race.offset - item.day
            if race.priority == Priority.A and 0 <= days_out <= params.days_free_before_a:
                out.append(
                    f"eccentric-work: eccentric {item.exercise.name} on "
                    f"{_fmt(item.session.date)}, {days_out} day(s) before A race "
                    f"'{race.event.title}'; none in the {params.days_free_before_a} days before"
                )
    for date, names in sorted(per_session.items()):
        if len(names) > params.max_per_session:
            out.append(
                f"eccentric-work: session on {_fmt(date)} holds {len(names)} eccentric "
                f"exercises ({', '.join(names)}); at most {params.max_per_session}"
            )
    return out


HARD_CHECKS["eccentric-work"] = check_eccentric_work

_DATE_IN_TEXT = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{2} [A-Z][a-z]{2}\b")


def validate(plan: Plan, inst: Instance) -> list[str]:
    """Every violation of the structure and of every enabled hard rule, in plain words.

    Missed sessions did not happen and are left out. In a re-plan, a violation that involves
    only days of history (before `plan.today`) is not the planner's to answer for: it is left
    out too (the dates in the message tell which days it involves).
    """
    plan = plan.model_copy(update={"sessions": [s for s in plan.sessions if s.state != "missed"]})
    out = check_structure(plan, inst)
    for rule_id, check in HARD_CHECKS.items():
        params = inst.config.params(rule_id)
        if params.enabled:
            out.extend(check(plan, inst, params))
    if inst.first_free > 0:
        history = {_fmt(d.date) for d in inst.days[: inst.first_free]}
        out = [v for v in out if not _only_about(v, history)]
    return out


def _only_about(violation: str, history: set[str]) -> bool:
    dates = _DATE_IN_TEXT.findall(violation)
    return bool(dates) and all(d in history for d in dates)


def assert_valid(plan: Plan, inst: Instance) -> None:
    """Raise AssertionError listing every violation, if any."""
    violations = validate(plan, inst)
    if violations:
        listed = "\n  ".join(violations)
        raise AssertionError(f"plan breaks {len(violations)} rule(s):\n  {listed}")


# ---------------------------------------------------------------------------------- soft rules


def _day_cost(kinds: set[Kind]) -> int:
    """Lifting on a long, rest or race day costs 2; on a day with no easy or hard session 1."""
    if kinds & {Kind.long, Kind.rest, Kind.race}:
        return 2
    if kinds & {Kind.hard, Kind.easy}:
        return 0
    return 1


def _last_event_day(inst: Instance) -> int:
    """Day index of the calendar's last event, computed here from the raw calendar."""
    dates = [e.date for e in inst.calendar.events]
    return (max(dates) - inst.start).days if dates else -1


def cost_weekly_frequency(plan: Plan, inst: Instance, params: Any) -> int:
    """weight per session above or below each week's target (capped at the max)."""
    cost = 0
    for week, count in enumerate(_week_counts(plan, inst)):
        target = min(inst.week_target(week), params.max_per_week)
        cost += params.weight * abs(count - target)
    return cost


def cost_hard_day_interference(plan: Plan, inst: Instance, params: Any) -> int:
    """day_weight x the day's cost for each session, plus weight for each heavy lower-body
    exercise on the day before a race, hard or long session."""
    cost = 0
    for day, session in _session_days(plan, inst).items():
        if day <= _last_event_day(inst):  # past the calendar's end, training is unknown
            cost += params.day_weight * _day_cost({e.kind for e in inst.days[day].events})
        if day + 1 >= inst.n_days:
            continue
        next_kinds = {e.kind for e in inst.days[day + 1].events}
        if not next_kinds & {Kind.race, Kind.hard, Kind.long}:
            continue
        for planned in session.exercises:
            ex = inst.catalog.by_id.get(planned.id)
            if ex is not None and ex.heavy and ex.lower_body:
                cost += params.weight
    return cost


def cost_balance(plan: Plan, inst: Instance, params: Any) -> int:
    """weight for each window of `window_days` days in which a chain the phase allows (at any of
    its levels) on a day the calendar leaves open (Instance.closed_days) is not trained."""
    trained: dict[int, set[str]] = defaultdict(set)
    for item in _resolve(plan, inst):
        if item.day is not None and item.exercise is not None:
            trained[item.day].add(item.exercise.chain)
    cost = 0
    for first in range(0, inst.n_days, params.window_days):
        days = range(first, min(inst.n_days, first + params.window_days))
        open_days = [d for d in days if d not in inst.closed_days]
        for chain in inst.chains:
            if not any(inst.allowed(d, ex) for d in open_days for ex in chain.levels):
                continue
            if not any(chain.id in trained[d] for d in days):
                cost += params.weight
    return cost


def cost_steady_progress(plan: Plan, inst: Instance, params: Any) -> int:
    """weight for each chain, level above the start and week in which the chain is not yet at
    that level, from the earliest week the level could be reached.

    With progression-order on, a chain's level in a week is the highest it has been trained at so
    far (it never drops, and rises only with a session). Without it, levels are free each week:
    the best level is the top one, unless the week trains the chain lower.
    """
    progression = inst.config.params("progression-order")
    week_levels: dict[tuple[int, int], int] = {}
    for item in _resolve(plan, inst):
        if item.chain is None or item.level is None or item.day is None:
            continue
        key = (item.chain, item.day // 7)
        week_levels[key] = max(week_levels.get(key, -1), item.level)
    cost = 0
    for c, chain in enumerate(inst.chains):
        reached = chain.start
        earliest = earliest_days(inst, chain)
        for week in range(inst.n_weeks):
            if progression.enabled:
                reached = max(reached, week_levels.get((c, week), chain.start))
            else:
                reached = week_levels.get((c, week), len(chain) - 1)
            last = inst.week_days(week)[-1]
            for k in range(chain.start + 1, len(chain)):
                if last >= earliest[k] and reached < k and can_start(inst, chain.levels[k], week):
                    cost += params.weight
    return cost


def cost_stability(plan: Plan, inst: Instance, params: Any) -> int:
    """weight per future day whose having a session differs from the previous plan."""
    if inst.history is None:
        return 0
    days = set(_session_days(plan, inst))
    return params.weight * sum(
        (d in days) != (d in inst.history.previous) for d in range(inst.first_free, inst.n_days)
    )


def cost_sport_emphasis(plan: Plan, inst: Instance, params: Any) -> int:
    """weight for each week (7 days from the plan start, decided days only) and core chain of
    the main sport the week does not train while its phase allows one of the chain's levels on
    a day the calendar leaves open (Instance.closed_days);
    and minor_weight per session beyond one that trains a minor chain in each window of
    minor_window_days days from the plan start.
    Triathlon: both sports' core chains are core, chains minor for both are minor; swimming and
    other sports have none."""
    sport = inst.profile.sport
    core = {Sport.ride: set(params.ride_core), Sport.run: set(params.run_core)}.get(sport)
    minor = {Sport.ride: set(params.ride_minor), Sport.run: set(params.run_minor)}.get(sport)
    if sport == Sport.triathlon:
        core = set(params.ride_core) | set(params.run_core)
        minor = set(params.ride_minor) & set(params.run_minor)
    core, minor = core or set(), (minor or set()) - (core or set())
    cost = 0
    sessions = _session_days(plan, inst)
    trained = {d: {e.chain for e in s.exercises} for d, s in sessions.items()}
    for week in range(inst.n_weeks):
        days = [d for d in inst.week_days(week) if d >= inst.first_free]
        for chain in inst.chains:
            if chain.id not in core:
                continue
            allowed = any(
                inst.allowed(d, ex)
                for d in days
                if d not in inst.closed_days
                for ex in chain.levels[chain.start :]
            )
            if allowed and not any(chain.id in trained.get(d, set()) for d in days):
                cost += params.weight
    step = params.minor_window_days
    for first in range(0, inst.n_days, step):
        days = range(first, min(inst.n_days, first + step))
        if days[-1] < inst.first_free:
            continue
        for chain_id in minor:
            count = sum(
                1
                for d in days
                if d in sessions and chain_id in {e.chain for e in sessions[d].exercises}
            )
            cost += params.minor_weight * max(0, count - 1)
    return cost


def cost_key_session_spacing(plan: Plan, inst: Instance, params: Any) -> int:
    """weight for each posterior-chain exercise that is heavy or listed as eccentric, in a
    decided session 1 to days_before days before a long session (also a hard one with
    hard_sessions) in the horizon, or a race (also just after it)."""
    kinds = {Kind.long, Kind.hard} if params.hard_sessions else {Kind.long}
    key_days = {day.index for day in inst.days if any(e.kind in kinds for e in day.events)}
    key_days |= {race.offset for race in inst.races}
    cost = 0
    for day, session in _session_days(plan, inst).items():
        if day < inst.first_free:
            continue
        if not any(day + j in key_days for j in range(1, params.days_before + 1)):
            continue
        for planned in session.exercises:
            ex = inst.catalog.by_id.get(planned.id)
            if ex is not None and spaced(ex, params):
                cost += params.weight
    return cost


SOFT_COSTS: dict[str, Callable[[Plan, Instance, Any], int]] = {
    "weekly-frequency": cost_weekly_frequency,
    "hard-day-interference": cost_hard_day_interference,
    "key-session-spacing": cost_key_session_spacing,
    "balance": cost_balance,
    "sport-emphasis": cost_sport_emphasis,
    "steady-progress": cost_steady_progress,
    "stability": cost_stability,
}


def soft_costs(plan: Plan, inst: Instance) -> dict[str, int]:
    """Each enabled soft rule's cost, recomputed from the plan alone."""
    costs = {}
    for rule_id, cost in SOFT_COSTS.items():
        params = inst.config.params(rule_id)
        rule = rule_by_id(rule_id)
        if params.enabled and rule is not None and rule.applies(inst):
            costs[rule_id] = cost(plan, inst, params)
    return costs


def recompute_objective(plan: Plan, inst: Instance) -> int | None:
    """The objective the plan's sessions cost, or None when the plan holds no solution.

    Matches `plan.objective` for optimal plans; a merely feasible plan may report more, since
    the solver need not have minimised its penalty variables yet.
    """
    if plan.status not in SOLVED:
        return None
    return sum(soft_costs(plan, inst).values())
