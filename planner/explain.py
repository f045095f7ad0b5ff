"""Explanations: why each session sits where it does, what each soft rule cost, and which hard
rules conflict when no plan exists."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from constraints import REGISTRY, rule_by_id
from constraints.eccentric_work import eccentric_free_days, step_downs
from constraints.sport_emphasis import emphasis_reason
from planner.catalog import dose_summary
from planner.domain import Event, Exercise, Kind
from planner.plan import PlannedSession, RuleReport
from planner.wording import fix_plurals, plural, race_label, shows_priority, without_priority

if TYPE_CHECKING:
    from planner.instance import ChainPlan, Instance
    from planner.model import BuiltModel

MAX_VIOLATIONS_LISTED = 50


def _fmt(day: dt.date) -> str:
    return day.strftime("%a %d %b")


def max_strength_note(inst: Instance, session: PlannedSession) -> str:
    """What "max strength" means in this plan: the heavy lifts at their source's doses. The
    articles' hinge is 4 x 8-10, lighter than the 3-6 heavy reps of Friel's max-strength phase,
    so the label must not promise more than the dose (coaching review)."""
    heavy = [inst.catalog.exercise(e.id) for e in session.exercises if e.heavy]
    if not heavy:
        heavy = [x for chain in inst.chains for x in chain.levels if x.heavy][:1]
    if not heavy:
        return "max strength here: the heaviest work your catalog holds"
    doses = ", ".join(f"{x.name} {dose_summary(x)}, {_source(x)}" for x in heavy)
    text = f"max strength here means heavy loads at the source's doses ({doses}), close to failure"
    if all(x.beyond_articles for x in heavy):
        return text + " (Ronnestad's cycling studies: 4-10 RM)"
    return (
        text + "; the articles' 8-10 reps are lighter than the 3-6 heavy reps of Friel's "
        "max-strength phase (Ronnestad's cycling studies used 4-10 RM)"
    )


def _source(exercise: Exercise) -> str:
    """'article 003' for a seed article, the study otherwise."""
    name = exercise.source
    if name[:3].isdigit() and name.endswith(".txt"):
        return f"article {name[:3]}"
    return name


def _eccentric_swap(
    inst: Instance, day: int, chain: ChainPlan, exercise_id: str, prior: list
) -> str | None:
    """Why a chain at an eccentric level does the level below it today (eccentric-work), if it
    does: late in the taper, or beside another eccentric exercise."""
    c = inst.chain_index[chain.id]
    k = next((i for i, e in enumerate(chain.levels) if e.id == exercise_id), None)
    if k is None or (c, k) not in step_downs(inst) or not prior:
        return None
    above = chain.levels[k + 1]
    if max(p.level for p in prior) < (above.level or 0):
        return None
    params = inst.config.params("eccentric-work")
    if day in eccentric_free_days(inst, params):
        why = f"no eccentric work in the {params.days_free_before_a} days before an A race"
    else:
        why = "one eccentric exercise a session"
    return f"{chain.levels[k].name} instead of {above.name}: {why}"


def _titled(event: Event) -> str:
    """ "'Tempo ride' (hard)", "'Spring road race' (B race)", "'Crit (C)' (race)": a race's
    priority said once, in its title when the title shows it."""
    priority = event.priority.value if event.kind == Kind.race and event.priority else None
    if priority:  # a marker of another priority (a C race edited to B) is dropped
        title = without_priority(event.title, "".join(p for p in "ABC" if p != priority))
        if not shows_priority(title, priority):
            return f"'{title}' ({priority} race)"
        return f"'{title}' ({event.kind.value})"
    return f"'{event.title}' ({event.kind.value})"


def session_reasons(
    inst: Instance, sessions: list[PlannedSession], session: PlannedSession
) -> list[str]:
    """Plain reasons for one session's day, phase and exercises."""
    index = inst.day_index(session.date)
    assert index is not None
    day = inst.days[index]
    reasons: list[str] = []

    phase = f"{day.phase.value} phase, goal {day.goal.value}"
    if day.deload:
        phase += " (deload week: about "
        phase += f"{inst.config.season.deload_volume_pct}% fewer sets)"
    reasons.append(phase)
    if day.goal == "max strength":
        reasons.append(max_strength_note(inst, session))

    hard = [e for e in day.events if e.kind in (Kind.hard, Kind.race)]
    easy = [e for e in day.events if e.kind == Kind.easy]
    long = [e for e in day.events if e.kind == Kind.long]
    if hard:
        reasons.append(f"same day as {_titled(hard[0])}: lift after it")
    elif easy:
        reasons.append(f"easy day ('{easy[0].title}')")
    elif long:
        reasons.append(f"same day as the long session '{long[0].title}'")
    elif inst.covered(index):
        reasons.append("no endurance session this day")
    else:
        reasons.append("after your calendar's last event: your training this day is unknown")

    for offset in range(1, 8):
        nxt = index + offset
        if nxt >= inst.n_days:
            break
        key = inst.days[nxt].key_session
        if key is not None:
            reasons.append(
                f"next key session: {_fmt(inst.days[nxt].date)} {_titled(key)} "
                f"is {plural(offset, 'day')} away"
            )
            break

    earlier = [s for s in sessions if s.date < session.date and s.state != "missed"]
    if earlier:
        gap = (session.date - earlier[-1].date).days - 1
        reasons.append(
            f"{plural(gap, 'strength-free day')} since the last session ({_fmt(earlier[-1].date)})"
        )

    upcoming = [r for r in inst.races if r.offset >= index]
    if upcoming:
        race = min(upcoming, key=lambda r: r.offset)
        days_out = race.offset - index
        reasons.append(
            f"next race: {race_label(race.event.title, race.priority.value)} "
            f"in {plural(days_out, 'day')}"
        )

    emphasis = inst.config.params("sport-emphasis")
    if emphasis.enabled:
        reason = emphasis_reason(inst, emphasis)
        if reason:
            reasons.append(reason)

    for ex in session.exercises:
        chain = inst.chains[inst.chain_index[ex.chain]]
        prior = [e2 for s in earlier for e2 in s.exercises if e2.chain == ex.chain]
        swap = _eccentric_swap(inst, index, chain, ex.id, prior)
        if not prior:
            reasons.append(f"{ex.name}: first session of the {chain.name} chain")
        elif swap:
            reasons.append(swap)
        elif prior[-1].id != ex.id and prior[-1].level > ex.level:
            last = max(s.date for s in earlier if any(e2.chain == ex.chain for e2 in s.exercises))
            idle = (session.date - last).days
            reasons.append(f"{ex.name}: one level back after {idle} days without this chain")
        elif prior[-1].id != ex.id and any(e2.id == ex.id for e2 in prior):
            reasons.append(f"{ex.name}: back to it after {prior[-1].name}")
        elif prior[-1].id != ex.id:
            done = sum(1 for e2 in prior if e2.id == prior[-1].id)
            reasons.append(
                f"{ex.name}: moved up after {plural(done, 'session')} of {prior[-1].name}"
            )
    return reasons


def rule_reports(inst: Instance, built: BuiltModel, solver: cp_model.CpSolver) -> list[RuleReport]:
    """Each active soft rule's cost and its violations, in words."""
    reports: dict[str, RuleReport] = {}
    for rule in REGISTRY:
        params = inst.config.params(rule.id)
        if not rule.hard and params.enabled and rule.applies(inst):
            reports[rule.id] = RuleReport(id=rule.id)
    for p in built.penalties:
        value = solver.value(p.var)
        if not value or not p.coefficient:
            continue
        report = reports.setdefault(p.rule_id, RuleReport(id=p.rule_id))
        report.cost += p.coefficient * value
        if len(report.violations) < MAX_VIOLATIONS_LISTED:
            report.violations.append(fix_plurals(p.text.replace("{n}", str(value))))
            report.violation_costs.append(p.coefficient * value)
        elif len(report.violations) == MAX_VIOLATIONS_LISTED:
            report.violations.append("... more not listed")
    return list(reports.values())


# Pairs of rules whose conflict has a well-known plain reading.
_KNOWN_CONFLICTS: dict[frozenset[str], str] = {
    frozenset({"rest-days", "weekly-frequency"}): (
        "the weekly session target cannot fit the rest days required between sessions"
    ),
    frozenset({"availability", "session-size"}): (
        "the shortest allowed session does not fit the maximum session length"
    ),
    frozenset({"availability", "weekly-frequency"}): (
        "the weekly session target does not fit the days available for lifting"
    ),
}


def explain_conflicts(inst: Instance) -> list[str]:
    """Name the hard rules that cannot all hold, in words (see `conflict_explanation`)."""
    return conflict_explanation(inst)[0]


def conflict_explanation(inst: Instance) -> tuple[list[str], list[str]]:
    """The conflict in words, and the ids of the rules in it (data: the app names them by title
    and suggests changes to those rules only). Uses enforcement literals as assumptions.

    CP-SAT's core is sufficient but not always minimal, so each rule in it is then dropped in
    turn: if the rest is still infeasible, that rule was not needed to explain the conflict.
    """
    core = _conflicting_rules(inst)
    if core is None:
        return ["The solver could not prove which rules conflict within the time limit."], []
    if not core:
        return ["The request is infeasible even with every rule switched off (check pins)."], []
    for rule_id in list(core):
        if len(core) > 1 and _infeasible_with(inst, [r for r in core if r != rule_id]):
            core.remove(rule_id)
    return _conflict_lines(inst, core), core


def known_conflict(rule_ids: list[str]) -> str | None:
    """The plain reading of a well-known conflict between these rules, if there is one."""
    known = _KNOWN_CONFLICTS.get(frozenset(rule_ids))
    return known[0].upper() + known[1:] + "." if known else None


def _conflicting_rules(inst: Instance) -> list[str] | None:
    from planner.model import StrengthModel, solver_for

    built = StrengthModel(inst).build(with_literals=True)
    literals = built.rule_literals
    built.model.add_assumptions(list(literals.values()))
    solver = solver_for(inst, single_worker=True)
    if solver.solve(built.model) != cp_model.INFEASIBLE:
        return None
    core_indices = set(solver.sufficient_assumptions_for_infeasibility())
    return [rule_id for rule_id, lit in literals.items() if lit.index in core_indices]


def _infeasible_with(inst: Instance, rule_ids: list[str]) -> bool:
    """Whether the request stays infeasible with only these rules enforced."""
    from planner.model import StrengthModel, solver_for

    built = StrengthModel(inst).build(with_literals=True)
    keep = [lit for rule_id, lit in built.rule_literals.items() if rule_id in rule_ids]
    built.model.add_assumptions(keep)
    built.model.minimize(0)  # feasibility is all that matters here
    solver = solver_for(inst, single_worker=True)
    return solver.solve(built.model) == cp_model.INFEASIBLE


def _conflict_lines(inst: Instance, culprits: list[str]) -> list[str]:
    lines = []
    known = known_conflict(culprits)
    if known:
        lines.append(known)
    texts = []
    for rule_id in culprits:
        rule = rule_by_id(rule_id)
        assert rule is not None
        texts.append(rule.conflict_text(inst.config.params(rule_id)))
    lines.append("These rules cannot all hold together: " + "; ".join(texts) + ".")
    lines.append("Relax or switch off one of them: " + ", ".join(culprits) + ".")
    return lines
