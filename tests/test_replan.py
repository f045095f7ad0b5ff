"""Re-planning: history kept, pins and blocks honoured, few moves, missed sessions, diff, UIDs."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner

from planner.catalog import load_catalog
from planner.cli import app
from planner.config import PlannerConfig
from planner.domain import AthleteProfile, Calendar
from planner.export import ExportOptions, export_ical
from planner.importers import load_demo
from planner.instance import build_instance
from planner.plan import Plan, Status
from planner.replan import ReplanRequest, _history, _history_sessions, replan
from planner.solve import plan_season
from planner.validate import assert_valid

START = dt.date(2026, 11, 30)
WEEKS = 10


@cache
def demo() -> Calendar:
    return load_demo(START)


@cache
def first_plan() -> Plan:
    plan = plan_season(demo(), load_catalog(), start=START, weeks=WEEKS)
    assert plan.status == Status.optimal
    return plan


def run(request: ReplanRequest, config: PlannerConfig | None = None) -> Plan:
    plan = replan(demo(), load_catalog(), None, config, request)
    if plan.status in (Status.optimal, Status.feasible):
        inst = build_instance(
            demo(), load_catalog(), AthleteProfile(), config or PlannerConfig(), START, WEEKS
        )
        history = _history_sessions(request.previous, request)
        inst.history = _history(inst, request.previous, request, history)
        assert_valid(plan, inst)
    return plan


def future(plan: Plan, today: dt.date) -> list:
    return [s for s in plan.sessions if s.date >= today]


TODAY = START + dt.timedelta(days=21)


def test_nothing_changed_keeps_every_session() -> None:
    old = first_plan()
    new = run(ReplanRequest(previous=old, today=TODAY))
    assert [(s.date, s.uid) for s in new.sessions] == [(s.date, s.uid) for s in old.sessions]
    assert new.diff is not None
    assert new.diff.changed == 0
    assert len(new.diff.kept) == len(future(old, TODAY))


def test_history_before_today_is_copied_unchanged() -> None:
    old = first_plan()
    blocked = future(old, TODAY)[0].date
    new = run(ReplanRequest(previous=old, today=TODAY, blocks=[blocked]))
    before = [s for s in old.sessions if s.date < TODAY]
    after = [s for s in new.sessions if s.date < TODAY]
    assert [s.model_dump(exclude={"state"}) for s in after] == [
        s.model_dump(exclude={"state"}) for s in before
    ]
    assert {s.state for s in after} == {"done"}


def test_a_block_removes_that_session_and_moves_little() -> None:
    old = first_plan()
    blocked = future(old, TODAY)[0].date
    new = run(ReplanRequest(previous=old, today=TODAY, blocks=[blocked]))
    assert new.session_on(blocked) is None
    assert new.diff is not None
    assert new.diff.changed <= 3, new.diff
    entries = new.diff.moved + new.diff.removed
    assert any(e.previous_date == blocked or e.date == blocked for e in entries)
    assert any("blocked" in e.reason for e in entries)


def test_pin_puts_a_session_on_that_day() -> None:
    old = first_plan()
    history = [s.date for s in old.sessions if s.date < TODAY]
    planned = {s.date for s in old.sessions}
    races = [e.date for e in old.events if e.kind == "race"]
    away = {e.date for e in old.events if e.kind == "unavailable"}
    # A free future day that the rest days after history, the race rules and the days away
    # (Christmas with family) leave open.
    day = next(
        d
        for d in (TODAY + dt.timedelta(days=i) for i in range(14))
        if d not in planned
        and d not in away
        and all(abs((d - h).days) >= 3 for h in history)
        and all(not -1 <= (r - d).days <= 2 for r in races)
    )
    new = run(ReplanRequest(previous=old, today=TODAY, pins=[day]))
    assert new.session_on(day) is not None
    assert new.diff is not None
    assert any(e.date == day for e in new.diff.moved + new.diff.added + new.diff.kept)


def test_pin_on_a_race_day_is_infeasible_and_explained() -> None:
    old = first_plan()
    race = next(e.date for e in old.events if e.priority is not None and e.date >= TODAY)
    new = replan(
        demo(), load_catalog(), None, None, ReplanRequest(previous=old, today=TODAY, pins=[race])
    )
    assert new.status == Status.infeasible
    text = " ".join(new.conflicts)
    assert "pins" in text and "race-day" in text


def test_pinned_exercises_are_kept() -> None:
    old = first_plan()
    # Two weeks later than TODAY: blocking the first session before Christmas with family (days
    # away) leaves no day for the sessions the pinned one's progression needs.
    today = TODAY + dt.timedelta(days=14)
    target = future(old, today)[1]
    # A chain of the pinned session may not have been trained for 14 days when the blocked
    # session was its last before it (which optimal first plan the solver returns decides):
    # then progression-order resumes it a level lower and the pin conflicts. The detraining
    # window is widened so that the test stays about pins, whichever plan that is.
    relaxed = PlannerConfig.model_validate({"rules": {"progression-order": {"detrain_days": 28}}})
    new = run(
        ReplanRequest(
            previous=old,
            today=today,
            pins=[target.date],
            pin_exercises=True,
            blocks=[future(old, today)[0].date],
        ),
        relaxed,
    )
    kept = new.session_on(target.date)
    assert kept is not None
    assert [e.id for e in kept.exercises] == [e.id for e in target.exercises]


def _first_date_of(plan: Plan, exercise_id: str) -> dt.date | None:
    return next(
        (
            s.date
            for s in plan.sessions
            if s.state != "missed" and any(e.id == exercise_id for e in s.exercises)
        ),
        None,
    )


def test_missed_sessions_delay_progression() -> None:
    old = first_plan()
    # The chain that moves up first, and the sessions at its first level before the move.
    moves = [(s.date, e) for s in old.sessions for e in s.exercises if e.level > 1]
    up_date, up = min(moves, key=lambda m: m[0])
    lower = [
        s
        for s in old.sessions
        if s.date < up_date and any(e.chain == up.chain for e in s.exercises)
    ]
    today = up_date  # re-plan on the day of the first move
    missed = [s.date for s in lower[-2:]]
    new = run(ReplanRequest(previous=old, today=today, missed=missed))
    assert new.status in (Status.optimal, Status.feasible)
    first_up = _first_date_of(new, up.id)
    assert first_up is None or first_up > up_date
    assert [s.state for s in new.sessions if s.date in missed] == ["missed"] * len(missed)


def test_chain_steps_back_after_a_long_break() -> None:
    old = first_plan()
    # Find a chain that reached level 2, then mark every later session missed for 3 weeks.
    reached = next((s.date, e) for s in old.sessions for e in s.exercises if e.level == 2)
    day, exercise = reached
    today = day + dt.timedelta(days=22)
    missed = [s.date for s in old.sessions if day < s.date < today]
    new = run(ReplanRequest(previous=old, today=today, missed=missed))
    nxt = next(
        (s, e)
        for s in new.sessions
        if s.date >= today
        for e in s.exercises
        if e.chain == exercise.chain
    )
    session, resumed = nxt
    assert resumed.level == exercise.level - 1
    assert any("one level back" in why for why in session.why)


def test_stability_weight_zero_allows_more_moves() -> None:
    old = first_plan()
    blocked = future(old, TODAY)[0].date
    loose = PlannerConfig().with_rule("stability", weight=0)
    strict = run(ReplanRequest(previous=old, today=TODAY, blocks=[blocked]))
    free = run(ReplanRequest(previous=old, today=TODAY, blocks=[blocked]), loose)
    assert strict.diff is not None and free.diff is not None
    assert strict.diff.changed <= free.diff.changed or free.objective <= strict.objective


def test_replan_is_deterministic() -> None:
    old = first_plan()
    blocked = future(old, TODAY)[0].date
    request = ReplanRequest(previous=old, today=TODAY, blocks=[blocked])
    a = replan(demo(), load_catalog(), None, None, request).model_dump(exclude={"solve_seconds"})
    b = replan(demo(), load_catalog(), None, None, request).model_dump(exclude={"solve_seconds"})
    assert a == b


def _uids(ics: bytes) -> dict[str, tuple[dt.date, int]]:
    cal = icalendar.Calendar.from_ical(ics)
    out = {}
    for event in cal.walk("VEVENT"):
        start = event.decoded("DTSTART")
        day = start.date() if isinstance(start, dt.datetime) else start
        out[str(event["UID"])] = (day, int(event.get("SEQUENCE", 0)))
    return out


def test_uids_survive_a_replan_in_the_exported_ical() -> None:
    old = first_plan()
    moved_from = future(old, TODAY)[0]
    new = run(ReplanRequest(previous=old, today=TODAY, blocks=[moved_from.date]))
    options = ExportOptions(timezone="Europe/London")
    before, after = _uids(export_ical(old, options)), _uids(export_ical(new, options))
    assert new.diff is not None
    survivors = [e.uid for e in new.diff.kept + new.diff.moved]
    assert survivors
    for uid in survivors:
        assert uid in before and uid in after
    for entry in new.diff.moved:
        assert after[entry.uid][0] == entry.date
        assert after[entry.uid][1] > before[entry.uid][1]
    for entry in new.diff.removed:
        assert entry.uid not in after
    assert len(after) == len(new.sessions)


def test_cli_replan_writes_the_diff(tmp_path: Path) -> None:
    runner = CliRunner()
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    result = runner.invoke(
        app, ["plan", "--start", START.isoformat(), "--weeks", "6", "--out", str(old_path)]
    )
    assert result.exit_code == 0, result.output
    old = Plan.model_validate_json(old_path.read_bytes())
    today = START + dt.timedelta(days=14)
    block = next(s.date for s in old.sessions if s.date >= today)
    result = runner.invoke(
        app,
        [
            "plan",
            "--previous",
            str(old_path),
            "--today",
            today.isoformat(),
            "--block",
            block.isoformat(),
            "--out",
            str(new_path),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(new_path.read_text())
    assert set(data["diff"]) >= {"kept", "moved", "added", "removed"}
    assert all(s["date"] != block.isoformat() for s in data["sessions"])


def test_cli_replan_options_need_previous() -> None:
    result = CliRunner().invoke(app, ["plan", "--block", "2026-12-01"])
    assert result.exit_code == 2


@pytest.mark.parametrize("content", ["{}", "not json"])
def test_cli_replan_bad_previous_exit_2(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "old.json"
    bad.write_text(content)
    result = CliRunner().invoke(app, ["plan", "--previous", str(bad), "--today", "2026-12-10"])
    assert result.exit_code == 2
    assert "old.json" in result.output


def test_a_move_across_a_week_boundary_is_reported_as_asked() -> None:
    """Issue 13, papercut 11: moving Sun -> Mon (block the Sunday, pin the Monday) must read as
    that move, not as another session of the new week moving to the Monday."""
    old = first_plan()
    sunday = next(s.date for s in future(old, TODAY) if s.date.weekday() == 6)
    monday = sunday + dt.timedelta(days=1)
    new = run(ReplanRequest(previous=old, today=TODAY, pins=[monday], blocks=[sunday]))
    assert new.diff is not None
    moved = [(e.previous_date, e.date) for e in new.diff.moved]
    assert (sunday, monday) in moved, new.diff
    assert all(e.date != sunday for e in new.diff.removed), new.diff
    # the moved session keeps its identity: the phone calendar moves that event
    assert new.session_on(monday).uid == old.session_on(sunday).uid
    # every other change names a date that really changed
    for e in new.diff.moved:
        assert old.session_on(e.previous_date) is not None and new.session_on(e.date) is not None
