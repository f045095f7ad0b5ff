"""Solve a season: build the instance and model, run CP-SAT, turn the answer into a Plan."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from constraints.base import Penalty
from planner.config import PlannerConfig
from planner.constants import WARM_UP_MIN
from planner.domain import AthleteProfile, Calendar, Catalog, Exercise, LoadClass
from planner.explain import conflict_explanation, rule_reports, session_reasons
from planner.instance import Instance, build_instance
from planner.model import BuiltModel, StrengthModel, solver_for
from planner.plan import (
    Explanation,
    PhaseName,
    Plan,
    PlanEvent,
    PlannedExercise,
    PlannedSession,
    PlanPhase,
    PlanWeek,
    RuleReport,
    Status,
)
from planner.polish import polish_hint, polished, set_hint
from planner.session_content import (
    EffortTargets,
    effort,
    load_note,
    order_exercises,
    session_notes,
    warm_up,
)
from planner.slot_cuts import add_slot_cuts

log = logging.getLogger(__name__)

LOAD_ORDER = [LoadClass.heavy, LoadClass.moderate, LoadClass.light, LoadClass.mobility]


@dataclass(frozen=True)
class SolveStats:
    build_seconds: float
    solve_seconds: float
    status: str
    objective: float | None
    bound: float | None


def plan_season(
    calendar: Calendar,
    catalog: Catalog,
    profile: AthleteProfile | None = None,
    config: PlannerConfig | None = None,
    *,
    start: dt.date,
    weeks: int,
    started: float | None = None,
) -> Plan:
    """Place strength sessions around the calendar for `weeks` weeks from `start`.

    The time limit counts from `started` (a `time.perf_counter()` value; default: now), so a
    caller can include its own reading of the inputs in it.
    """
    plan, _ = plan_with_stats(
        calendar, catalog, profile, config, start=start, weeks=weeks, started=started
    )
    return plan


def plan_with_stats(
    calendar: Calendar,
    catalog: Catalog,
    profile: AthleteProfile | None = None,
    config: PlannerConfig | None = None,
    *,
    start: dt.date,
    weeks: int,
    started: float | None = None,
) -> tuple[Plan, SolveStats]:
    started = time.perf_counter() if started is None else started
    profile = profile or AthleteProfile()
    config = config or PlannerConfig()
    inst = build_instance(calendar, catalog, profile, config, start, weeks)
    return solve_instance(inst, started=started)


# Share of the time limit the model build may take; the search gets what the build leaves.
BUILD_SHARE = 0.5
# Weeks of the probe model timed to estimate the full build (the model grows with the weeks).
PROBE_WEEKS = 2
# Share of the time limit kept for the work after the search: reading the sessions off the
# solution, the reasons and rule costs (about 0.2 s at 104 weeks).
AFTER_SEARCH_SHARE = 0.05


def estimated_build_seconds(inst: Instance) -> float:
    """Seconds the full model would take to build, extrapolated from building the first
    PROBE_WEEKS weeks on this machine now (so it follows the machine's speed and load). Short
    horizons are not probed: their build is as quick as the probe."""
    if inst.n_weeks <= 2 * PROBE_WEEKS:
        return 0.0
    probe = build_instance(
        inst.calendar, inst.catalog, inst.profile, inst.config, inst.start, PROBE_WEEKS
    )
    started = time.perf_counter()
    StrengthModel(probe).build()
    return (time.perf_counter() - started) * inst.n_weeks / PROBE_WEEKS


def solve_instance(
    inst: Instance,
    history_sessions: list[PlannedSession] | None = None,
    *,
    started: float | None = None,
) -> tuple[Plan, SolveStats]:
    """Solve a preprocessed instance. Re-plans pass the history sessions to copy unchanged.

    The time limit bounds the whole run from `started` (default: now): a model whose build
    would take more than BUILD_SHARE of it is not built at all (the greedy plan is returned,
    said in a note), and the search gets only the time the build left.
    """
    config = inst.config
    limit = config.solver.time_limit_s
    started = time.perf_counter() if started is None else started
    too_big = estimated_build_seconds(inst) > BUILD_SHARE * limit - (time.perf_counter() - started)
    built = None if too_big else StrengthModel(inst).build()
    searched = time.perf_counter()
    if built is None:
        solver, code = None, cp_model.UNKNOWN
    else:
        # at most half the search's time, so the search can still return the polished plan
        polish_hint(inst, built, 0.5 * (limit * (1 - AFTER_SEARCH_SHARE) - (searched - started)))
        search_limit = limit * (1 - AFTER_SEARCH_SHARE) - (time.perf_counter() - started)
        solver, code = run_solver(inst, built.model, search_limit, built.penalties)
    elapsed = time.perf_counter() - searched
    status = {
        cp_model.OPTIMAL: Status.optimal,
        cp_model.FEASIBLE: Status.feasible,
        cp_model.INFEASIBLE: Status.infeasible,
    }.get(code, Status.unknown)
    plan = _base_plan(inst, status)
    plan.solve_seconds = round(elapsed, 3)
    if inst.calendar_last_day < inst.n_days - 7:  # a week or more the calendar does not reach
        plan.notes.append(_uncovered_note(inst))
    if status in (Status.optimal, Status.feasible):
        assert built is not None and solver is not None
        plan.objective = solver.objective_value
        plan.bound = solver.best_objective_bound
        plan.sessions = extract_sessions(inst, built, solver, history_sessions or [])
        plan.explanation = Explanation(rules=rule_reports(inst, built, solver))
        if not any(s.state == "planned" for s in plan.sessions):
            plan.notes.append(nothing_planned_note(inst))
    elif status == Status.infeasible:
        plan.conflicts, plan.conflict_rules = conflict_explanation(inst)
    else:
        fallback = greedy_fallback(inst)
        exercises = sum(len(c) for c in inst.chains)
        # why the search did not return a plan: the model was too big to build, or time ran out
        cause = (
            f"The time limit of {limit:g} s is too short to build the model of {exercises} "
            f"exercises over {inst.n_weeks} weeks"
            if too_big
            else f"The time limit of {limit:g} s ended the search before the solver returned a plan"
        )
        if fallback is None:
            shorter = (
                "shorten the horizon or use a smaller catalog" if too_big else "shorten the horizon"
            )
            plan.conflicts = [
                f"No plan was found: {cause[0].lower()}{cause[1:]}. "
                f"Raise the time limit or {shorter}."
            ]
        else:
            from planner.validate import soft_costs

            costs = soft_costs(plan.model_copy(update={"sessions": fallback}), inst)
            plan.status = Status.feasible
            plan.sessions = fallback
            plan.objective = float(sum(costs.values()))
            plan.bound = 0.0  # penalties are never negative: the only bound known without a search
            plan.explanation = Explanation(
                rules=[RuleReport(id=rule_id, cost=cost) for rule_id, cost in costs.items()]
            )
            plan.notes.append(
                f"{cause}: this is the planner's quick starting plan. It keeps every hard rule "
                "but may cost more; raise the time limit for a better one."
            )
    if plan.sessions:
        plan.weeks = week_summaries(inst, plan.sessions)
    build_seconds = built.build_seconds if built is not None else 0.0
    stats = SolveStats(build_seconds, elapsed, plan.status.value, plan.objective, plan.bound)
    return plan, stats


def nothing_planned_note(inst: Instance) -> str:
    """Why a plan that satisfies every rule holds no session, in the athlete's terms."""
    lead = "No session was planned: "
    free = inst.free_days()
    if not inst.chains:
        return lead + (
            "no exercise of the catalog can be done with the equipment given; add equipment "
            "or use a catalog with bodyweight exercises."
        )
    model = StrengthModel(inst)
    open_days = set(free)
    for rule in model.active_rules():
        if not rule.hard:
            continue
        params = inst.config.params(rule.id)
        closed = rule.forbidden(inst, params).days
        if free and all(d in closed for d in free):
            return lead + (
                f"the rule {rule.conflict_text(params)} leaves no day in the plan; "
                f"change [rules.{rule.id}] in the config."
            )
        open_days -= closed
    if not open_days:
        return lead + "the hard rules together leave no day; see `planner rules`."
    availability = inst.config.params("availability")
    if availability.enabled:
        room = availability.max_session_minutes - WARM_UP_MIN
        shortest = min(
            (inst.dose(d, e).minutes, e.name)
            for d in sorted(open_days)[:: max(1, len(open_days) // 50)]
            for chain in inst.chains
            for e in chain.levels[chain.start :]
        )
        if shortest[0] > room:
            return lead + (
                f"the shortest exercise ({shortest[1]}, {shortest[0]} min) does not fit a "
                f"session of at most {availability.max_session_minutes} min with its "
                f"{WARM_UP_MIN}-min warm-up; check the catalog's doses (sets, reps, hold_s, "
                "seconds_per_rep) or raise [rules.availability] max_session_minutes."
            )
    return lead + (
        "on every open day a session would break a rule, or cost more than leaving it out; "
        "see the rule costs in the explanation and `planner rules`."
    )


def _uncovered_note(inst: Instance) -> str:
    last = inst.calendar_last_day
    if last < 0:
        return (
            "Your calendar has no events from the plan's start on, so the sessions are placed "
            "without knowing your endurance training. Add your sessions and plan again."
        )
    first_unknown = inst.start + dt.timedelta(days=last + 1)
    return (
        f"Your calendar ends on {first_unknown - dt.timedelta(days=1):%a %d %b %Y}: from "
        f"{first_unknown:%d %b} the sessions are placed without knowing your endurance training. "
        "Add your later sessions and re-plan to fit them around it."
    )


# Work units (CP-SAT's deterministic time) for the fast first phase of plans too short to be
# polished: regular calendars are proven optimal within it (benchmarks/bench_solve.py, all
# key-session rules on: 16 weeks 0.013, the demo 0.06).
FAST_PHASE_WORK = 0.6


def run_solver(
    inst: Instance,
    model: cp_model.CpModel,
    limit: float | None = None,
    penalties: list[Penalty] | None = None,
) -> tuple[cp_model.CpSolver, int]:
    """Solve in two phases within the time limit.

    The fast phase searches without the LP relaxation: on regular calendars it finds and proves
    the optimum quickest. When it has not proven optimality after a fixed amount of work (a
    sparse calendar leaves many days equally good, and only the LP bound can prove it), the
    second phase starts from its best plan with the full LP relaxation. The first phase stops
    on deterministic work, not wall time, so plans stay reproducible. Plans long enough to be
    polished (planner.polish) start with the second phase.
    """
    limit = inst.config.solver.time_limit_s if limit is None else limit
    started = time.perf_counter()
    if limit <= 0:  # the build used the whole time limit
        return solver_for(inst), cp_model.UNKNOWN
    fast, code = None, cp_model.UNKNOWN
    # A polished starting plan (planner.polish) is at or next to the optimum: what is left is
    # the proof, which the LP relaxation gives quickest (52 weeks: 0.09 work units instead of
    # 0.23; 104 weeks: 0.3, where the search without LP had no proof after 3).
    if not polished(inst):
        fast = solver_for(inst)
        fast.parameters.max_time_in_seconds = limit
        fast.parameters.max_deterministic_time = FAST_PHASE_WORK
        code = fast.solve(model)
        if code in (cp_model.OPTIMAL, cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
            return fast, code
    remaining = limit - (time.perf_counter() - started)
    if fast is not None and remaining <= 0.05:
        return fast, code
    if fast is not None and code == cp_model.FEASIBLE:
        solution = fast.response_proto.solution
        set_hint(model, list(range(len(solution))), list(solution))
    whole_hint = len(model.proto.solution_hint.vars) == len(model.proto.variables)
    if penalties is not None and whole_hint:
        # Counting cuts only the LP uses (planner/slot_cuts.py), once the hint is a whole
        # plan (the fast phase's best or the polished plan). Not with the greedy hint, which
        # leaves the penalties they name unset: CP-SAT then dropped it (52 weeks with the
        # extras: 231 instead of 69). Not in the fast phase either: a search without LP does
        # not use them.
        add_slot_cuts(inst, model, penalties)
    thorough = solver_for(inst)
    thorough.parameters.linearization_level = 2
    thorough.parameters.max_time_in_seconds = max(remaining, 0.01)
    second = thorough.solve(model)
    if fast is None:
        return thorough, second
    solved = second in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE)
    if solved and (code != cp_model.FEASIBLE or thorough.objective_value <= fast.objective_value):
        return thorough, second
    return fast, code


def _base_plan(inst: Instance, status: Status) -> Plan:
    return Plan(
        start=inst.start,
        end=inst.end,
        status=status,
        settings=inst.config.settings_json(),
        events=[
            PlanEvent(
                date=e.date,
                title=e.title,
                sport=e.sport,
                kind=e.kind,
                priority=e.priority,
                duration_min=e.duration_min,
            )
            for day in inst.days
            for e in day.events
        ],
        phases=phase_bands(inst),
        notes=list(inst.notes),  # what the season's shape had to give up, and why
        timezone=inst.profile.timezone or inst.calendar.timezone,
    )


def week_summaries(inst: Instance, sessions: list[PlannedSession]) -> list[PlanWeek]:
    """Each plan week's goal, deload flag and planned volume (missed sessions count nothing)."""
    sets = [0] * inst.n_weeks
    for session in sessions:
        day = inst.day_index(session.date)
        if day is not None and session.state != "missed":
            sets[day // 7] += sum(e.sets for e in session.exercises)
    return [
        PlanWeek(
            start=inst.days[7 * w].date,
            goal=inst.week_goal(w).value,
            deload=inst.week_deload(w),
            sets=sets[w],
        )
        for w in range(inst.n_weeks)
    ]


def phase_bands(inst: Instance) -> list[PlanPhase]:
    """Contiguous runs of the same phase and goal."""
    bands: list[PlanPhase] = []
    for day in inst.days:
        last = bands[-1] if bands else None
        if last and last.name == day.phase and last.goal == day.goal.value:
            last.end = day.date
        else:
            bands.append(PlanPhase(name=day.phase, start=day.date, end=day.date, goal=day.goal))
    return bands


def planned_exercise(inst: Instance, day: int, ex: Exercise) -> PlannedExercise:
    """An exercise as the plan shows it on `day`, with that day's dose."""
    dose = inst.dose(day, ex)
    goal = inst.days[day].goal
    targets = EffortTargets.from_params(inst.config.params("effort"))
    rir, rpe = effort(goal.value, ex, inst.days[day].deload, targets)
    return PlannedExercise(
        id=ex.id,
        name=ex.name,
        chain=ex.chain,
        level=ex.level,
        heavy=ex.heavy,
        posterior_chain=ex.posterior_chain,
        load=ex.load,
        sets=dose.sets,
        reps=dose.reps,
        hold_s=dose.hold_s,
        per_side=ex.per_side,
        tempo=ex.dose.tempo,
        minutes=dose.minutes,
        cues=list(ex.cues),
        role=ex.role,
        rir=rir,
        rpe=rpe,
        rest_s=ex.dose.rest_s,
    )


def extract_sessions(
    inst: Instance,
    built: BuiltModel,
    solver: cp_model.CpSolver,
    history_sessions: list[PlannedSession] | None = None,
) -> list[PlannedSession]:
    """Sessions of the solved plan; days before `inst.first_free` are copied from history."""
    v = built.vars
    picked: dict[int, dict[int, int]] = {}
    for day in inst.days[inst.first_free :]:
        if solver.boolean_value(v.session_on(day.index)):
            picked[day.index] = {
                inst.chain_index[ch.chain.id]: ch.level
                for ch in v.choices(day.index)
                if solver.boolean_value(ch.var)
            }
    return sessions_from_choices(inst, picked, history_sessions)


def sessions_from_choices(
    inst: Instance,
    picked: dict[int, dict[int, int]],
    history_sessions: list[PlannedSession] | None = None,
) -> list[PlannedSession]:
    """Planned sessions from day -> {chain index: level index}, after any history sessions."""
    sessions: list[PlannedSession] = [s.model_copy() for s in history_sessions or []]
    per_week: dict[tuple[int, int], int] = {}
    for s in sessions:
        iso = s.date.isocalendar()
        per_week[(iso.year, iso.week)] = per_week.get((iso.year, iso.week), 0) + 1
    for d in sorted(picked):
        day = inst.days[d]
        exercises = [
            planned_exercise(inst, d, inst.chains[c].levels[k])
            for c, k in sorted(picked[d].items())
        ]
        iso = day.date.isocalendar()
        key = (iso.year, iso.week)
        per_week[key] = per_week.get(key, 0) + 1
        load = min((e.load for e in exercises), key=LOAD_ORDER.index, default=LoadClass.mobility)
        sessions.append(
            PlannedSession(
                uid=f"strength-{iso.year}W{iso.week:02d}-{per_week[key]}@strength-planner",
                date=day.date,
                phase=PhaseName(day.phase),
                goal=day.goal.value,
                load=load,
                deload=day.deload,
                minutes=WARM_UP_MIN + sum(int(e.minutes) for e in exercises),
                why=[],
                exercises=exercises,
            )
        )
    dress_sessions(inst, sessions, first_new=len(history_sessions or []))
    for session in sessions:
        if session.state == "planned":
            session.why = session_reasons(inst, sessions, session)
    return sessions


def dress_sessions(inst: Instance, sessions: list[PlannedSession], first_new: int) -> None:
    """Order each new session's exercises and add load notes, warm-up and notes (after solving:
    none of it changes the decision). Earlier sessions, history included, tell the load note
    what the athlete did last time."""
    last: dict[str, PlannedExercise] = {}
    targets = EffortTargets.from_params(inst.config.params("effort"))
    ordered = sorted(enumerate(sessions), key=lambda pair: pair[1].date)
    for position, session in ordered:
        if position >= first_new:
            catalog_exercises = [inst.catalog.by_id[e.id] for e in session.exercises]
            for planned, exercise in zip(session.exercises, catalog_exercises, strict=True):
                # a first time is as far from failure as adaptation (see `effort`)
                planned.rir, planned.rpe = effort(
                    session.goal, exercise, session.deload, targets, planned.id not in last
                )
                planned.load_note = load_note(
                    exercise, planned, last.get(planned.id), session.goal, session.deload
                )
            session.exercises = order_exercises(session.exercises)
            # Transition weeks are mobility only: no primer sets in their warm-up either.
            primers = [] if session.goal == "transition" else _warm_up_primers(inst, session)
            session.warm_up = warm_up(session, primers, inst.profile.sport)
            session.notes = session_notes(session, catalog_exercises)
        if session.state != "missed":
            last.update({e.id: e for e in session.exercises})


def _warm_up_primers(inst: Instance, session: PlannedSession) -> list[Exercise]:
    """Warm-up primers the catalog pairs with a chain the session trains (`primes`; article 000:
    the side plank goes before the adductor drills), when the athlete's equipment allows."""
    trained = {e.chain for e in session.exercises}
    have = set(inst.profile.equipment)
    return [
        e
        for e in inst.catalog.exercises
        if e.warm_up_primer
        and trained.intersection(e.primes)
        and (not have or e.available_with(have))
    ]


def greedy_fallback(inst: Instance) -> list[PlannedSession] | None:
    """The quick greedy plan, when the solver found nothing in time, if it passes every hard
    rule in the solver-free validator (checked, not assumed)."""
    from planner.greedy import greedy_plan
    from planner.validate import validate

    if inst.history is not None:
        return None
    start = greedy_plan(inst, StrengthModel(inst).forbidden())
    sessions = sessions_from_choices(inst, start.sessions)
    probe = _base_plan(inst, Status.feasible)
    probe.sessions = sessions
    return sessions if sessions and not validate(probe, inst) else None
