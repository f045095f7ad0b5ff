"""Re-planning: keep history, honour pins and blocks, move as little as possible, report a diff.

Sessions before `today` are history and are copied unchanged; those marked missed did not happen
(they stay in the plan marked missed but count for nothing), the others count as done. Future
sessions are planned again with the previous plan as the starting point and the stability rule
charging every session that moves, appears or disappears.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from planner.catalog import DOSE_MAX
from planner.config import PlannerConfig
from planner.constants import MAX_WEEKS
from planner.domain import AthleteProfile, Calendar, Catalog
from planner.errors import InputError
from planner.importers.limits import MAX_YEAR, MIN_YEAR
from planner.instance import History, Instance, build_instance
from planner.plan import DiffEntry, Plan, PlanDiff, PlannedSession, Status
from planner.solve import SolveStats, solve_instance

log = logging.getLogger(__name__)


MAX_PREVIOUS_BYTES = 10 * 1024 * 1024
"""Largest previous plan read (10 MB, like a calendar): a 104-week plan is a few hundred KB."""

MAX_SEQUENCE = 2**31 - 1
"""Highest SEQUENCE a session may carry: iCalendar readers keep it in a 32-bit integer."""

MAX_SESSION_MINUTES = 24 * 60
"""Longest session (or exercise) a previous plan may hold: longer is a tampered file."""


def load_previous(path: Path) -> Plan:
    """Read and check a previous plan's JSON (`--previous`); InputError says what and where.

    The read is capped (a FIFO or /dev/zero has no size to check first), and the plan must be
    one this planner could have written: its dates, horizon and session figures within the
    limits, every session inside the plan's own dates.
    """
    where = str(path)
    if path.is_dir():
        raise InputError(
            "this is a folder, not a plan", where=where, hint="give the plan's .json file"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PREVIOUS_BYTES + 1)
    except OSError as exc:
        raise InputError(
            f"cannot read the previous plan ({exc.strerror or exc})",
            where=where,
            hint="check the path of the plan's .json file",
        ) from None
    if len(data) > MAX_PREVIOUS_BYTES:
        raise InputError(
            f"the previous plan is larger than the {MAX_PREVIOUS_BYTES // (1024 * 1024)} MB limit",
            where=where,
            hint="give the .json file `planner plan --out plan.json` wrote",
        )
    try:
        plan = Plan.model_validate_json(data)
    except RecursionError:
        raise InputError("not a plan JSON (nested too deeply)", where=where) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        field = field.lstrip(".") or "(file)"
        raise InputError(
            f"not a plan JSON ({field}: {first['msg']})",
            where=where,
            hint="give the .json file `planner plan --out plan.json` wrote",
        ) from None
    check_previous(plan, where)
    return plan


def check_previous(plan: Plan, where: str) -> None:
    """Refuse a previous plan no planner run could have written (a tampered or damaged file)."""
    hint = "give an unedited .json file written by `planner plan --out`"

    def bad(field: str, message: str) -> InputError:
        return InputError(f"field '{field}': {message}", where=where, hint=hint)

    for field in ("start", "end"):
        day = getattr(plan, field)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise bad(field, f"{day} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    if plan.end < plan.start:
        raise bad("end", f"{plan.end} is before the start {plan.start}")
    weeks = ((plan.end - plan.start).days + 1 + 6) // 7
    if weeks > MAX_WEEKS:
        raise bad("end", f"the plan spans {weeks} weeks, more than the limit of {MAX_WEEKS}")
    for n, session in enumerate(plan.sessions):
        at = f"sessions[{n}]"
        if not plan.start <= session.date <= plan.end:
            raise bad(
                f"{at}.date",
                f"{session.date} is outside the plan's dates {plan.start} to {plan.end}",
            )
        if not 0 <= session.sequence <= MAX_SEQUENCE:
            raise bad(f"{at}.sequence", f"must be 0 to {MAX_SEQUENCE}, got {session.sequence}")
        if not 0 <= session.minutes <= MAX_SESSION_MINUTES:
            raise bad(f"{at}.minutes", f"must be 0 to {MAX_SESSION_MINUTES}, got {session.minutes}")
        for k, exercise in enumerate(session.exercises):
            figures = {
                "sets": (exercise.sets, DOSE_MAX["sets"]),
                "reps": (exercise.reps, DOSE_MAX["reps"]),
                "hold_s": (exercise.hold_s, DOSE_MAX["hold_s"]),
                "minutes": (exercise.minutes, MAX_SESSION_MINUTES),
            }
            for name, (value, most) in figures.items():
                if value is not None and not 0 <= value <= most:
                    raise bad(f"{at}.exercises[{k}].{name}", f"must be 0 to {most}, got {value}")


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
    started: float | None = None,
) -> Plan:
    """Re-plan; the time limit counts from `started` (`time.perf_counter()`, default now)."""
    plan, _ = replan_with_stats(calendar, catalog, profile, config, request, started)
    return plan


def replan_with_stats(
    calendar: Calendar,
    catalog: Catalog,
    profile: AthleteProfile | None,
    config: PlannerConfig | None,
    request: ReplanRequest,
    started: float | None = None,
) -> tuple[Plan, SolveStats]:
    # the time limit bounds the whole re-plan
    started = time.perf_counter() if started is None else started
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
    plan, stats = solve_instance(inst, history_sessions, started=started)
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
