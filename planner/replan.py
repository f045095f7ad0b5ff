"""Re-planning: keep history, honour pins and blocks, move as little as possible, report a diff.

Sessions before `today` are history and are copied unchanged; those marked missed did not happen
(they stay in the plan marked missed but count for nothing), the others count as done. Future
sessions are planned again with the previous plan as the starting point and the stability rule
charging every session that moves, appears or disappears.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from pydantic import BaseModel, Field

from planner.config import PlannerConfig
from planner.domain import AthleteProfile, Calendar, Catalog
from planner.instance import History, Instance, build_instance
from planner.plan import DiffEntry, Plan, PlanDiff, PlannedSession, Status
from planner.solve import SolveStats, solve_instance

log = logging.getLogger(__name__)


class ReplanRequest(BaseModel):
    """What changed since the previous plan."""

    previous: Plan = Field(description="The plan being revised.")
    today: dt.date = Field(description="Sessions before this day are history.")
    pins: list[dt.date] = Field(default_factory=list, description="Days that must hold a session.")
    pin_exercises: bool = Field(
        default=False, description="Pinned days also keep the exercises they had."
    )
    blocks: list[dt.date] = Field(default_factory=list, description="Days with no session.")
    done: list[dt.date] = Field(default_factory=list, description="Past sessions done.")
    missed: list[dt.date] = Field(default_factory=list, description="Past sessions missed.")


def replan(
    calendar: Calendar,
    catalog: Catalog,
    profile: AthleteProfile | None,
    config: PlannerConfig | None,
    request: ReplanRequest,
) -> Plan:
    plan, _ = replan_with_stats(calendar, catalog, profile, config, request)
    return plan


def replan_with_stats(
    calendar: Calendar,
    catalog: Catalog,
    profile: AthleteProfile | None,
    config: PlannerConfig | None,
    request: ReplanRequest,
) -> tuple[Plan, SolveStats]:
    previous = request.previous
    weeks = ((previous.end - previous.start).days + 1 + 6) // 7
    inst = build_instance(
        calendar,
        catalog,
        profile or AthleteProfile(),
        config or PlannerConfig(),
        previous.start,
        weeks,
    )
    history_sessions = _history_sessions(previous, request)
    inst.history = _history(inst, previous, request, history_sessions)
    plan, stats = solve_instance(inst, history_sessions)
    plan.today = request.today
    if plan.status in (Status.optimal, Status.feasible):
        plan.diff = match_and_diff(previous, plan, request)
    return plan, stats


def _history_sessions(previous: Plan, request: ReplanRequest) -> list[PlannedSession]:
    missed = set(request.missed)
    return [
        s.model_copy(update={"state": "missed" if s.date in missed else "done"})
        for s in previous.sessions
        if s.date < request.today
    ]


def _as_choices(inst: Instance, session: PlannedSession) -> dict[int, int]:
    """A session's exercises as {chain index: level index} in the athlete's chains."""
    picked: dict[int, int] = {}
    for exercise in session.exercises:
        c = inst.chain_index.get(exercise.chain)
        if c is None:
            log.warning("exercise %s: chain %s is not in the catalog", exercise.id, exercise.chain)
            continue
        ids = [e.id for e in inst.chains[c].levels]
        if exercise.id in ids:
            picked[c] = ids.index(exercise.id)
    return picked


def _history(
    inst: Instance, previous: Plan, request: ReplanRequest, history: list[PlannedSession]
) -> History:
    first_free = min(max(0, (request.today - inst.start).days), inst.n_days)

    def index(day: dt.date) -> int | None:
        i = inst.day_index(day)
        return i if i is not None and i >= first_free else None

    done = {
        inst.day_index(s.date): _as_choices(inst, s)
        for s in history
        if s.state == "done" and inst.day_index(s.date) is not None
    }
    future = {index(s.date): _as_choices(inst, s) for s in previous.sessions}
    future.pop(None, None)
    pinned = {i for i in map(index, request.pins) if i is not None}
    return History(
        first_free=first_free,
        done=done,
        previous=future,
        pinned=frozenset(pinned),
        pinned_exercises={d: future[d] for d in pinned if d in future}
        if request.pin_exercises
        else {},
        blocked=frozenset(i for i in map(index, request.blocks) if i is not None),
    )


def _week(day: dt.date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def _content(session: PlannedSession) -> tuple:
    return (
        session.date,
        session.minutes,
        tuple((e.id, e.sets, e.reps, e.hold_s) for e in session.exercises),
    )


def match_and_diff(previous: Plan, plan: Plan, request: ReplanRequest) -> PlanDiff:
    """Give surviving sessions their previous UIDs (pairing by week, in date order), raise
    SEQUENCE where content changed, and list what was kept, moved, added and removed."""
    today = request.today
    old_by_week: dict[tuple[int, int], list[PlannedSession]] = defaultdict(list)
    for s in previous.sessions:
        if s.date >= today:
            old_by_week[_week(s.date)].append(s)
    used_uids = {s.uid for s in previous.sessions}
    new_by_week: dict[tuple[int, int], list[PlannedSession]] = defaultdict(list)
    for s in plan.sessions:
        if s.date >= today:
            new_by_week[_week(s.date)].append(s)

    diff = PlanDiff()
    blocks, pins = set(request.blocks), set(request.pins)
    asked = _asked_moves(old_by_week, new_by_week, blocks, pins)
    for week in sorted(set(old_by_week) | set(new_by_week)):
        old = sorted(old_by_week.get(week, []), key=lambda s: s.date)
        new = sorted(new_by_week.get(week, []), key=lambda s: s.date)
        # A move the athlete asked for first (it may cross weeks), then the same day, then the
        # rest in date order: a session that changed day "moved".
        pairs = [(o, n) for o, n in asked if any(o is s for s in old)]
        new = [n for n in new if all(n is not t for _, t in asked)]
        pairs += [(o, n) for o in old for n in new if o.date == n.date]
        rest_old = [o for o in old if all(o is not p for p, _ in pairs)]
        rest_new = [n for n in new if all(n is not q for _, q in pairs)]
        pairs += list(zip(rest_old, rest_new, strict=False))
        for before, after in pairs:
            after.uid = before.uid
            changed = _content(before) != _content(after)
            after.sequence = before.sequence + 1 if changed else before.sequence
            if before.date == after.date:
                reason = "same day, exercises revised" if changed else "unchanged"
                diff.kept.append(DiffEntry(uid=after.uid, date=after.date, reason=reason))
            else:
                diff.moved.append(
                    DiffEntry(
                        uid=after.uid,
                        date=after.date,
                        previous_date=before.date,
                        reason=_move_reason(before.date, after.date, blocks, pins),
                    )
                )
        for after in rest_new[len(rest_old) :]:
            after.uid = _fresh_uid(after.date, used_uids)
            reason = "pinned day" if after.date in pins else "added to meet the week's target"
            diff.added.append(DiffEntry(uid=after.uid, date=after.date, reason=reason))
        for before in rest_old[len(rest_new) :]:
            reason = (
                f"{before.date:%a %d %b} is blocked"
                if before.date in blocks
                else "no longer fits the rules around the change"
            )
            diff.removed.append(DiffEntry(uid=before.uid, date=before.date, reason=reason))
    return diff


def _asked_moves(
    old_by_week: dict[tuple[int, int], list[PlannedSession]],
    new_by_week: dict[tuple[int, int], list[PlannedSession]],
    blocks: set[dt.date],
    pins: set[dt.date],
) -> list[tuple[PlannedSession, PlannedSession]]:
    """Pair each blocked old session with the nearest pinned new day that had no session: a
    block plus a pin is how a move is asked for (CLI and app), so report it as that move."""
    old_days = {s.date for week in old_by_week.values() for s in week}
    sources = sorted(
        (s for week in old_by_week.values() for s in week if s.date in blocks),
        key=lambda s: s.date,
    )
    targets = [
        s
        for week in new_by_week.values()
        for s in week
        if s.date in pins and s.date not in old_days
    ]
    pairs = []
    for before in sources:
        if not targets:
            break
        after = min(targets, key=lambda s: (abs((s.date - before.date).days), s.date))
        targets.remove(after)
        pairs.append((before, after))
    return pairs


def _move_reason(old: dt.date, new: dt.date, blocks: set[dt.date], pins: set[dt.date]) -> str:
    move = f"{old:%a} -> {new:%a}: "
    if old in blocks and new in pins:
        return move + "moved as you asked"
    if old in blocks:
        return move + f"{old:%a %d %b} is blocked"
    if new in pins:
        return move + f"{new:%a %d %b} is pinned"
    return move + "keeps rest days and race rules around the change"


def _fresh_uid(day: dt.date, used: set[str]) -> str:
    year, week = _week(day)
    n = 1
    while f"strength-{year}W{week:02d}-{n}@strength-planner" in used:
        n += 1
    uid = f"strength-{year}W{week:02d}-{n}@strength-planner"
    used.add(uid)
    return uid
