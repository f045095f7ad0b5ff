"""Re-planning in the app: marks on days, the re-plan and its diff, and "Back to the previous plan".

The athlete marks days on the selected day's panel: a past session done or missed; a coming day
pinned (it must hold a session), blocked (travel, illness) or a session moved (block its day, pin
the new one). "Re-plan" runs `planner.replan.replan` with the plan on screen as the previous plan.

Each re-plan goes on an undo stack kept per set of inputs (calendar + settings): the stack's first
entry is the fresh plan for those inputs, its last the plan on screen. Changing the settings or the
calendar shows the fresh plan for the new inputs, with the marks kept for the next re-plan; going
back to the old inputs finds their re-planned plan again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from typing import Literal

import streamlit as st
from pydantic import BaseModel, Field

from planner import clock
from planner.domain import Calendar, Kind
from planner.plan import DiffEntry, Plan
from planner.replan import ReplanRequest
from planner.ui import state
from planner.ui.calendar_board import Click, Drop, action_signature, read_action
from planner.ui.drop_check import conflict_lines, refusal_for_drop
from planner.ui.settings import Settings
from planner.ui.solving import has_plan, json_of, plan_from_json, replan_season
from planner.ui.text import md_escape
from planner.workers import WorkerDied

log = logging.getLogger(__name__)

MarkKind = Literal["pins", "blocks", "done", "missed"]
MARK_NAMES: dict[MarkKind, str] = {
    "done": "Done",
    "missed": "Missed",
    "pins": "Pinned",
    "blocks": "Blocked",
}
# A day holds at most one of each pair: done or missed (history), pinned or blocked (future).
OPPOSITE: dict[MarkKind, MarkKind] = {
    "done": "missed",
    "missed": "done",
    "pins": "blocks",
    "blocks": "pins",
}
MAX_UNDO = 10  # re-plans kept per set of inputs
MAX_LINES = 4  # sets of inputs whose re-plans are kept


class Marks(BaseModel):
    """What the athlete said about days since the plan was made; sent with every re-plan."""

    pins: list[dt.date] = Field(default_factory=list)
    blocks: list[dt.date] = Field(default_factory=list)
    done: list[dt.date] = Field(default_factory=list)
    missed: list[dt.date] = Field(default_factory=list)

    def days(self, kind: MarkKind) -> list[dt.date]:
        return getattr(self, kind)

    def of(self, day: dt.date) -> list[MarkKind]:
        return [kind for kind in MARK_NAMES if day in self.days(kind)]

    def count(self) -> int:
        return sum(len(self.days(kind)) for kind in MARK_NAMES)

    def with_mark(self, kind: MarkKind, day: dt.date) -> Marks:
        update = {kind: sorted({*self.days(kind), day})}
        update[OPPOSITE[kind]] = [d for d in self.days(OPPOSITE[kind]) if d != day]
        return self.model_copy(update=update)

    def without(self, kind: MarkKind, day: dt.date) -> Marks:
        return self.model_copy(update={kind: [d for d in self.days(kind) if d != day]})


class Step(BaseModel):
    """One plan on the undo stack and what it was made from."""

    plan: str = Field(description="The plan's JSON.")
    applied: str = Field(default="", description="JSON of the marks and today it applied.")
    note: str = Field(default="", description="What the athlete asked, e.g. a drop's move.")
    marks_before: str | None = Field(
        default=None, description="JSON of the marks before a drop added its own; undo restores."
    )


# ----------------------------------------------------------------------------- marks


def marks() -> Marks:
    saved = st.session_state.get(state.MARKS)
    return Marks.model_validate(saved) if saved else Marks()


# Told about every change of marks made on its own (a saved season writes them at once). A
# drop's or an undo's marks go with its plan: the page's run saves both in one transaction.
MARKS_CHANGED: list[Callable[[Marks], None]] = []


def _save(new: Marks, *, with_plan: bool = False) -> None:
    st.session_state[state.MARKS] = new.model_dump(mode="json")
    st.session_state[state.REPLAN_FAILED] = None  # the explanation was about the old marks
    st.session_state[state.DROP_REFUSED] = None
    if not with_plan:
        for listener in MARKS_CHANGED:
            listener(new)


def mark(kind: MarkKind, day: dt.date) -> None:
    """Button callback: mark `day` (done, missed, pinned or blocked)."""
    _save(marks().with_mark(kind, day))


def unmark(kind: MarkKind, day: dt.date) -> None:
    """Button callback: take a mark off `day`."""
    _save(marks().without(kind, day))


def move(day: dt.date) -> None:
    """Button callback: move `day`'s session to the day picked in "Move to" (block + pin)."""
    target = st.session_state.get(state.MOVE_TO)
    if not isinstance(target, dt.date) or target == day:
        return
    _save(marks().with_mark("blocks", day).with_mark("pins", target))


def today_for(plan: Plan) -> dt.date:
    """The re-plan's today: the real today unless the athlete set one, kept in the plan window."""
    chosen = st.session_state.get(state.TODAY)
    day = chosen if isinstance(chosen, dt.date) else clock.today()
    clamped = min(max(day, plan.start), plan.end)
    if clamped != chosen:
        st.session_state[state.TODAY] = clamped  # before the widget is drawn: allowed
    return clamped


def _applied(today: dt.date) -> str:
    pin_exercises = bool(st.session_state.get(state.PIN_EXERCISES))
    return f"{marks().model_dump_json()}|{today.isoformat()}|{pin_exercises}"


# ----------------------------------------------------------------------------- the undo stack


def inputs_key(calendar: Calendar, settings: Settings) -> str:
    """Identity of the solve's inputs: re-plans only stack on plans of the same inputs."""
    digest = hashlib.sha256(calendar.model_dump_json().encode())
    digest.update(settings.model_dump_json().encode())
    return digest.hexdigest()[:24]


def _lines() -> dict[str, list[Step]]:
    return st.session_state.setdefault(state.LINES, {})


def _steps(key: str | None) -> list[Step]:
    return _lines().get(key, []) if key else []


def can_undo() -> bool:
    return len(_steps(st.session_state.get(state.ACTIVE))) > 1


def back() -> None:
    """Drop the plan on screen and show the one before it (the marks stay as they are)."""
    key = st.session_state.get(state.ACTIVE)
    steps = _steps(key)
    if len(steps) > 1:
        dropped = steps.pop()
        if dropped.marks_before is not None:  # a drag's block + pin go with its undo
            _save(Marks.model_validate_json(dropped.marks_before), with_plan=True)
    if len(steps) <= 1:
        _lines().pop(key, None)
    st.session_state[state.REPLAN_FAILED] = None
    st.session_state[state.DROP_REFUSED] = None
    redraw_board()


def _push(key: str, fresh: Plan, plan: Plan, applied: str, **extra: str | None) -> None:
    lines = _lines()
    steps = lines.pop(key, None) or [Step(plan=json_of(fresh))]
    steps.append(Step(plan=json_of(plan), applied=applied, **extra))
    if len(steps) > MAX_UNDO + 1:
        del steps[1]  # keep the fresh plan at the bottom
    lines[key] = steps  # most recently used last
    while len(lines) > MAX_LINES:
        lines.pop(next(iter(lines)))


# ----------------------------------------------------------------------------- the re-plan


def request_for(previous: Plan, today: dt.date) -> ReplanRequest:
    m = marks()
    return ReplanRequest(
        previous=previous,
        today=today,
        pins=m.pins,
        pin_exercises=bool(st.session_state.get(state.PIN_EXERCISES)),
        blocks=m.blocks,
        done=m.done,
        missed=m.missed,
    )


def _replan(key: str, fresh: Plan, calendar: Calendar, settings: Settings) -> None:
    steps = _steps(key)
    previous = plan_from_json(steps[-1].plan) if steps else fresh
    today = today_for(previous)
    try:
        plan = replan_season(calendar, settings, request_for(previous, today))
    except WorkerDied as error:  # the pool has replaced the worker: the same click works again
        st.error(str(error), icon=":material/error:")
        return
    except Exception:  # never a stack trace on the page; the log has the details
        log.exception("re-plan failed")
        st.error(
            "The re-plan failed, so your plan is unchanged. Remove the last mark and try again.",
            icon=":material/error:",
        )
        return
    if has_plan(plan):
        _push(key, fresh, plan, _applied(today))
        st.session_state[state.REPLAN_FAILED] = None
    else:
        st.session_state[state.REPLAN_FAILED] = {"key": key, "plan": plan.model_dump_json()}


def ask_replan() -> None:
    """Button callback: the page run that follows re-plans (see `current`)."""
    st.session_state[state.REPLAN_ASKED] = True


def redraw_board() -> None:
    """The board shows the plan as the server has it: a refused or undone drop snaps back."""
    st.session_state[state.BOARD_REVISION] = int(st.session_state.get(state.BOARD_REVISION, 0)) + 1


def take_board_action() -> None:
    """Act once on the calendar board's last callback (its value is in the session state under
    the board's key when the run starts): a click opens its day, a drop asks for a re-plan."""
    value = st.session_state.get(state.BOARD)
    signature = action_signature(value)
    if signature is None or signature == st.session_state.get(state.BOARD_SEEN):
        return
    st.session_state[state.BOARD_SEEN] = signature
    st.session_state[state.DROP_REFUSED] = None  # said once; the next action clears it
    action = read_action(value)
    if isinstance(action, Click):
        st.session_state[state.DAY] = action.day.isoformat()
        st.session_state[state.BOARD_OPENED] = action.day.isoformat()
    elif isinstance(action, Drop):
        st.session_state[state.DAY] = action.to_day.isoformat()
        ask_move(action.uid, action.from_day, action.to_day)


def ask_move(uid: str, from_day: dt.date, to_day: dt.date) -> None:
    """A strength card was dropped on another day: the next full run re-plans (see `current`)."""
    st.session_state[state.DROP] = {
        "uid": uid,
        "from": from_day.isoformat(),
        "to": to_day.isoformat(),
    }
    redraw_board()


def move_text(from_day: dt.date, to_day: dt.date) -> str:
    return f"moved {from_day:%a %d %b} -> {to_day:%a %d %b}"


def drop_request(
    previous: Plan,
    today: dt.date,
    before: Marks,
    from_day: dt.date,
    to_day: dt.date,
    pin_exercises: bool = False,
) -> tuple[ReplanRequest, Marks]:
    """The re-plan a drop asks for, and the marks it leaves: the athlete's marks plus the old
    day blocked and the new one pinned, as `planner plan --previous ... --block OLD --pin NEW`
    (with the other marks as their own options) asks."""
    after = before.with_mark("blocks", from_day).with_mark("pins", to_day)
    request = ReplanRequest(
        previous=previous,
        today=today,
        pins=after.pins,
        pin_exercises=pin_exercises,
        blocks=after.blocks,
        done=after.done,
        missed=after.missed,
    )
    return request, after


def _apply_drop(key: str, fresh: Plan, calendar: Calendar, settings: Settings, drop: dict) -> None:
    """Re-plan with the dropped-on day pinned and the old day blocked, or say why not."""
    steps = _steps(key)
    previous = plan_from_json(steps[-1].plan) if steps else fresh
    today = today_for(previous)
    from_day, to_day = dt.date.fromisoformat(drop["from"]), dt.date.fromisoformat(drop["to"])
    asked = move_text(from_day, to_day)
    refusal = refusal_for_drop(previous, calendar, from_day, to_day, today, marks().blocks)
    if refusal:
        st.session_state[state.DROP_REFUSED] = {"key": key, "asked": asked, "lines": [refusal]}
        return
    before = marks()
    pin_exercises = bool(st.session_state.get(state.PIN_EXERCISES))
    request, after = drop_request(previous, today, before, from_day, to_day, pin_exercises)
    failure = "the re-plan failed; see the log"
    try:
        plan = replan_season(calendar, settings, request)
    except WorkerDied as error:
        failure, plan = str(error), None
    except Exception:  # never a stack trace on the page; the log has the details
        log.exception("re-plan after a drop failed")
        plan = None
    if plan is None or not has_plan(plan):
        lines = conflict_lines(plan) if plan is not None else [failure]
        st.session_state[state.DROP_REFUSED] = {"key": key, "asked": asked, "lines": lines}
        return
    _save(after, with_plan=True)
    _push(
        key,
        fresh,
        plan,
        _applied(today),
        note=asked[0].upper() + asked[1:],
        marks_before=before.model_dump_json(),
    )
    st.session_state[state.DROP_REFUSED] = None


def drop_refused_view(refused: dict) -> None:
    lines = [f"**Not {md_escape(refused['asked'])}: your plan is unchanged.**"]
    lines += [f"- {md_escape(text)}" for text in refused["lines"]]
    st.error("\n".join(lines), icon=":material/block:")


def current(plan: Plan | None, calendar: Calendar | None, settings: Settings | None) -> Plan | None:
    """The plan to show: the last re-plan of these inputs, else `plan` (the fresh solve).

    Acts on the calendar board's last click or drop, runs a re-plan the Re-plan button asked
    for, and explains one that had no solution (`board_messages` says what the re-plan on screen
    changed, above the calendar).
    """
    take_board_action()
    asked = st.session_state.pop(state.REPLAN_ASKED, False)
    drop = st.session_state.get(state.DROP)
    st.session_state[state.DROP] = None
    if plan is None or calendar is None or settings is None or not has_plan(plan):
        st.session_state[state.ACTIVE] = None
        if drop:
            st.warning(
                "The session was not moved: the calendar shows the last plan that worked, and "
                "moving needs a plan for the current settings. Fix the settings, then drag again.",
                icon=":material/block:",
            )
        return plan
    key = inputs_key(calendar, settings)
    st.session_state[state.ACTIVE] = key
    if drop:
        _apply_drop(key, plan, calendar, settings, drop)
    elif asked:
        _replan(key, plan, calendar, settings)
    failed = st.session_state.get(state.REPLAN_FAILED)
    if failed and failed["key"] == key:
        failure_view(Plan.model_validate_json(failed["plan"]))
    steps = _steps(key)
    if not steps:
        if _lines() and marks().count():
            st.info(
                "Your settings or calendar changed since the re-plan, so this is a fresh plan "
                "for them. Your marks are kept: press **Re-plan** to apply them.",
                icon=":material/restart_alt:",
            )
        return plan
    shown = steps[-1].plan
    st.session_state[state.PLAN] = shown
    st.session_state[state.LAST_GOOD] = shown
    return plan_from_json(shown)


def board_messages(plan: Plan) -> None:
    """Above the calendar, where the card was dropped: a refused drop and why, or what the
    re-plan on screen changed, with Undo."""
    key = st.session_state.get(state.ACTIVE)
    refused = st.session_state.get(state.DROP_REFUSED)
    if key and refused and refused["key"] == key:
        drop_refused_view(refused)
    steps = _steps(key)
    if steps:
        diff_view(plan, steps[-1].note)


def failure_view(plan: Plan) -> None:
    lines = ["**This re-plan is not possible, so your plan is unchanged.**"]
    lines += [f"- {md_escape(text)}" for text in conflict_lines(plan)]
    st.error("\n".join(lines), icon=":material/block:")


# ----------------------------------------------------------------------------- the diff


def _day(day: dt.date) -> str:
    return f"{day:%a %d %b}"


def _sessions(n: int) -> str:
    return f"{n} session{'s' if n != 1 else ''}"


def _move_line(entry: DiffEntry) -> str:
    before = entry.previous_date or entry.date
    reason = entry.reason
    prefix = f"{before:%a} -> {entry.date:%a}: "
    if reason.startswith(prefix):
        reason = reason[len(prefix) :]  # the dates are spelled out already
    return f"{_day(before)} -> {_day(entry.date)}: {reason}"


def diff_lines(plan: Plan) -> list[str]:
    """What a re-plan changed, in plain words: a headline, then one line per change."""
    diff = plan.diff
    if diff is None:
        return []
    as_of = f" as of {_day(plan.today)}" if plan.today else ""
    revised = sum(1 for e in diff.kept if e.reason != "unchanged")
    kept = f"{_sessions(len(diff.kept))} kept" + (
        f" ({revised} with revised exercises)" if revised else ""
    )
    if not diff.changed:
        return [f"Re-planned{as_of}: nothing had to move; {kept}."]
    lines = [f"Re-planned{as_of}: {kept}."]
    groups = [
        ("moved", diff.moved, _move_line),
        ("added", diff.added, lambda e: f"{_day(e.date)}: {e.reason}"),
        ("removed", diff.removed, lambda e: f"{_day(e.date)}: {e.reason}"),
    ]
    for verb, entries, describe in groups:
        if entries:
            lines.append(f"{_sessions(len(entries))} {verb}: " + "; ".join(map(describe, entries)))
    return lines


def diff_view(plan: Plan, note: str = "") -> None:
    """What the re-plan on screen changed (a drop's move first), with an undo button."""
    lines = diff_lines(plan)
    if not lines:
        return
    missed = sum(1 for s in plan.sessions if s.state == "missed")
    if missed:
        lines.append(f"{_sessions(missed)} missed: they count for nothing in the progression.")
    headline = f"{note}. {lines[0]}" if note else lines[0]
    body = "\n".join(f"- {md_escape(line)}" for line in lines[1:])
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.success(f"**{md_escape(headline)}**\n\n{body}", icon=":material/published_with_changes:")
        st.button(
            "Undo",
            key="undo_replan",
            icon=":material/undo:",
            on_click=back,
            help="Back to the plan before this change"
            + (" (the move's pin and block go too)." if note else "."),
        )


# ----------------------------------------------------------------------------- panels


def day_actions(plan: Plan, day: dt.date) -> None:
    """Buttons for the selected day: done/missed for a past session; pin, block or move ahead."""
    today = today_for(plan)
    session = plan.session_on(day)
    on_day = marks().of(day)
    if on_day:
        st.markdown(" ".join(f":blue-badge[{MARK_NAMES[kind].lower()}]" for kind in on_day))
    if day < today:
        if session is None:
            return
        st.caption("This session is in the past: did it happen?")
        with st.container(horizontal=True, gap="small"):
            for kind, icon in (("done", ":material/check:"), ("missed", ":material/close:")):
                st.button(
                    f"Mark {kind}",
                    key=f"mark_{kind}",
                    icon=icon,
                    on_click=mark,
                    args=(kind, day),
                    disabled=kind in on_day,
                )
        return
    race_day = any(e.date == day and e.kind == Kind.race for e in plan.events)
    if race_day and session is None:
        st.caption("Race day: no strength session goes here.")
        return
    with st.container(horizontal=True, gap="small"):
        if "pins" in on_day:
            st.button(
                "Unpin",
                key="unmark_pin",
                icon=":material/keep_off:",
                on_click=unmark,
                args=("pins", day),
                help="The re-plan may move or drop this day's session again.",
            )
        else:
            st.button(
                "Pin this session" if session else "Want a session here",
                key="mark_pin",
                icon=":material/push_pin:",
                on_click=mark,
                args=("pins", day),
                help="The re-plan keeps a session on this day.",
            )
        if "blocks" in on_day:
            st.button(
                "Unblock",
                key="unmark_block",
                icon=":material/event_available:",
                on_click=unmark,
                args=("blocks", day),
            )
        else:
            st.button(
                "Block this day",
                key="mark_block",
                icon=":material/event_busy:",
                on_click=mark,
                args=("blocks", day),
                help="Travel, illness: the re-plan puts no session on this day.",
            )
    if session is None:
        return
    target = st.session_state.get(state.MOVE_TO)
    if not isinstance(target, dt.date) or not today <= target <= plan.end or target == day:
        st.session_state[state.MOVE_TO] = min(day + dt.timedelta(days=1), plan.end)
    with st.container(horizontal=True, gap="small", vertical_alignment="bottom"):
        st.date_input("Move it to", key=state.MOVE_TO, min_value=today, max_value=plan.end)
        st.button(
            "Move",
            key="move_session",
            icon=":material/move_item:",
            on_click=move,
            args=(day,),
            help="Blocks this day and pins the new one; press Re-plan to apply.",
        )


def replan_panel(plan: Plan) -> None:
    """Today, the marks (each removable), Re-plan and Back to the previous plan."""
    today = today_for(plan)
    st.markdown("#### Re-plan")
    st.date_input(
        "Today",
        key=state.TODAY,
        min_value=plan.start,
        max_value=plan.end,
        help="Sessions before today are history: done unless you mark them missed.",
    )
    current_marks = marks()
    if not current_marks.count():
        st.caption(
            "Pick a day to mark a past session done or missed, pin or block a coming day, or "
            "move a session; then re-plan. Only what has to change moves."
        )
    for kind, name in MARK_NAMES.items():
        for day in current_marks.days(kind):
            ignored = (day >= today) if kind in ("done", "missed") else (day < today)
            note = " *(ignored: " + ("not past yet" if day >= today else "before today") + ")*"
            with st.container(horizontal=True, gap="small", vertical_alignment="center"):
                st.markdown(f"{name} · {_day(day)}" + (note if ignored else ""))
                st.button(
                    "Remove",
                    key=f"unmark_{kind}_{day.isoformat()}",
                    icon=":material/close:",
                    type="tertiary",
                    on_click=unmark,
                    args=(kind, day),
                )
    st.toggle("Pinned sessions keep their exercises", key=state.PIN_EXERCISES)
    active = st.session_state.get(state.ACTIVE)
    steps = _steps(active)
    applied = steps[-1].applied if steps else ""
    if active and current_marks.count() and applied != _applied(today):
        st.caption(":orange[Not applied yet:] press Re-plan.")
    # Callbacks, not `if st.button(...): ...; st.rerun()`: a callback runs before the page
    # script, whose first step (`current`) then re-plans or goes back, so the summary, the
    # calendar and the export show the new plan in the click's own run, not in a second one.
    with st.container(horizontal=True, gap="small"):
        st.button(
            "Re-plan",
            key="replan",
            type="primary",
            icon=":material/published_with_changes:",
            disabled=active is None,
            help="Plan the coming sessions again around your marks; history stays as it is.",
            on_click=ask_replan,
        )
        st.button(
            "Back to the previous plan",
            key="replan_back",
            icon=":material/undo:",
            disabled=not can_undo(),
            on_click=back,
        )
    if active is None:
        st.caption("Re-planning needs valid settings and a plan for them.")
