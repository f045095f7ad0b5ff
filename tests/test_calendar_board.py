"""The calendar board adapter (plan -> FullCalendar cards, callbacks -> actions) and the drop
flow in the app: a drop re-plans with the new day pinned and the old one blocked, shows the move,
and undoes; a drop that breaks a hard rule is refused with the rule named."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_app import SHORT_WEEKS, _widget, current_plan, loaded, texts
from typer.testing import CliRunner

from planner.catalog import load_catalog
from planner.cli import app as cli_app
from planner.domain import Kind, Priority
from planner.importers import load_demo
from planner.plan import Plan, PlanEvent
from planner.replan import replan
from planner.solve import plan_season
from planner.ui import state
from planner.ui.calendar_board import (
    Click,
    Drop,
    action_signature,
    board_events,
    board_options,
    event_title,
    read_action,
    session_title,
)
from planner.ui.fields import field_key
from planner.ui.replanning import Marks, drop_request
from planner.ui.text import md_escape

START = dt.date(2026, 11, 30)


@cache
def plan() -> Plan:
    return plan_season(load_demo(START), load_catalog(), start=START, weeks=SHORT_WEEKS)


@cache
def season_plan() -> Plan:
    """16 weeks: long enough for deload weeks."""
    return plan_season(load_demo(START), load_catalog(), start=START, weeks=16)


def cards(kind: str, today: dt.date | None = None) -> list[dict]:
    events = board_events(plan(), today or plan().start)
    return [c for c in events if c.get("extendedProps", {}).get("card") == kind]


# ----------------------------------------------------------------------------- plan -> cards


def test_every_session_and_event_is_a_titled_card_on_its_day() -> None:
    strength = cards("strength")
    assert [(c["id"], c["start"]) for c in strength] == [
        (s.uid, s.date.isoformat()) for s in plan().sessions
    ]
    first = plan().sessions[0]
    n = len(first.exercises)
    assert strength[0]["title"] == f"Strength - {n} exercises, {first.minutes} min"
    endurance = cards("endurance")
    assert len(endurance) == len(plan().events)
    assert {c["start"] for c in endurance} == {e.date.isoformat() for e in plan().events}
    # the athlete's own title leads each endurance card
    assert all(c["title"].split(" · ")[-1] for c in endurance)


def test_cards_are_coloured_by_kind_and_load() -> None:
    colour_of_kind: dict[str, set[str]] = {}
    for card, event in zip(cards("endurance"), plan().events, strict=True):
        colour_of_kind.setdefault(event.kind.value, set()).add(card["color"])
    assert all(len(colours) == 1 for colours in colour_of_kind.values())
    assert len({next(iter(c)) for c in colour_of_kind.values()}) == len(colour_of_kind)
    by_load = {
        (s.load.value, c["color"]) for s, c in zip(plan().sessions, cards("strength"), strict=True)
    }
    assert len({load for load, _ in by_load}) == len(by_load)


def test_race_cards_carry_their_priority() -> None:
    race = PlanEvent(
        date=START, title="Spring classic", sport="ride", kind=Kind.race, priority=Priority.A,
        duration_min=300,
    )  # fmt: skip
    assert event_title(race) == "A race · Spring classic · 5 h"
    easy = PlanEvent(date=START, title="Spin", sport="ride", kind=Kind.easy, duration_min=45)
    assert event_title(easy) == "Spin · 45 min"
    # every kind has a card title, even without a title of its own
    for kind in Kind:
        assert event_title(PlanEvent(date=START, title="", sport="other", kind=kind))
    titles = [c["title"] for c in cards("endurance") if "race" in c["classNames"]]
    assert titles and all(t[0] in "ABC" and t[1:].startswith(" race · ") for t in titles)
    # the badge says the priority once: a "(C)" the athlete wrote in the title is not repeated
    assert not any(f"({t[0]})" in t for t in titles)


def test_only_coming_strength_sessions_can_be_dragged() -> None:
    today = plan().sessions[2].date
    strength = cards("strength", today)
    assert [c["editable"] for c in strength] == [s.date >= today for s in plan().sessions]
    assert not any(c["editable"] for c in cards("endurance"))
    done = plan().sessions[0].model_copy(update={"state": "done"})
    assert session_title(done).startswith("Done · Strength - ")


def test_week_rows_name_phase_and_deload() -> None:
    season = season_plan()
    labels = [
        c for c in board_events(season, START) if c.get("extendedProps", {}).get("card") == "week"
    ]
    assert [c["start"] for c in labels] == [
        (START + dt.timedelta(weeks=i)).isoformat() for i in range(16)
    ]
    assert labels[0]["title"].startswith("Week 1 · ")
    deload_mondays = {w.start.isoformat() for w in season.weeks if w.deload}
    assert deload_mondays  # the season has deload weeks
    # issue 20: the week's totals follow the label after a dash
    assert {c["start"] for c in labels if c["title"].split(" — ")[0].endswith("· deload")} == (
        deload_mondays
    )
    # a plan made before plans listed their weeks: its deload sessions say it
    older = season.model_copy(update={"weeks": []})
    from_sessions = {
        (s.date - dt.timedelta(days=s.date.weekday())).isoformat()
        for s in older.sessions
        if s.deload
    }
    older_deload = {
        c["start"]
        for c in board_events(older, START)
        if c.get("extendedProps", {}).get("card") == "week"
        and c["title"].split(" — ")[0].endswith("· deload")
    }
    assert from_sessions and older_deload == from_sessions


def test_options_monday_first_views_and_the_real_today() -> None:
    """Papercut 9: the board marks the real date, not the re-plan's 'today' setting."""
    real = dt.date(2026, 12, 9)
    options = board_options(plan(), real)
    assert options["firstDay"] == 1  # Monday, the default (en-GB) locale's first weekday
    assert options["now"] == "2026-12-09"
    assert options["initialView"] == "season"
    views = ["season", "dayGridMonth", "dayGridWeek", "listWeek"]
    assert options["headerToolbar"]["right"].split(",") == views
    season = options["views"]["season"]["visibleRange"]
    # the whole season in one view: every week row from the first Monday to the last Sunday
    assert season == {
        "start": START.isoformat(),
        "end": (plan().end + dt.timedelta(days=1)).isoformat(),
    }
    assert options["editable"] is False
    assert options["initialDate"] == real.isoformat()  # month and week views open on today
    assert board_options(plan(), START - dt.timedelta(days=30))["initialDate"] == START.isoformat()


def test_board_sends_a_drop_before_it_redraws() -> None:
    """Issue 13's drop speed: without `rerenderDelay` FullCalendar redraws every card inside
    its drop handler, before the handler sends the drop to the server (0.13 s median from the
    mouse release to the websocket message for a 16-week season; 0.06 s with it, see
    benchmarks/trace_drop.py). Any number, 0 included, moves the redraw to a timer; None or
    no key keeps it synchronous."""
    delay = board_options(season_plan(), START)["rerenderDelay"]
    assert isinstance(delay, int) and not isinstance(delay, bool)
    assert 0 <= delay <= 20  # a longer delay would show the dropped card late


def test_pinned_and_blocked_days_are_labelled() -> None:
    pin, block = plan().start + dt.timedelta(days=3), plan().start + dt.timedelta(days=5)
    events = board_events(plan(), START, pins=[pin], blocks=[block])
    labels = [c for c in events if c.get("extendedProps", {}).get("card") == "mark"]
    marks = {(c["start"], c["title"]) for c in labels}
    assert marks == {(pin.isoformat(), "pinned day"), (block.isoformat(), "blocked day")}
    click = {"callback": "eventClick", "eventClick": {"event": {"start": pin.isoformat(),
             "extendedProps": {"card": "mark"}}}}  # fmt: skip
    assert read_action(click) == Click(pin)


# ----------------------------------------------------------------------------- callbacks


def test_every_card_carries_the_revision() -> None:
    """After a day is picked from the list the revision changes, so clicking the card clicked
    before is a new action, not the board's old value."""
    cards_ = board_events(plan(), START, revision=7, pins=[START])
    props = [c["extendedProps"] for c in cards_ if c.get("extendedProps", {}).get("card")]
    clickable = [p for p in props if p["card"] != "week"]
    assert clickable and all(p["revision"] == 7 for p in clickable)


def test_a_card_click_opens_its_day() -> None:
    value = {
        "callback": "eventClick",
        "eventClick": {"event": {"start": "2027-02-14", "extendedProps": {"card": "endurance"}}},
    }
    assert read_action(value) == Click(dt.date(2027, 2, 14))
    day = {"callback": "dateClick", "dateClick": {"date": "2027-02-15T00:00:00.000Z"}}
    assert read_action(day) == Click(dt.date(2027, 2, 15))
    label = {"callback": "eventClick", "eventClick": {"event": {"extendedProps": {"card": "week"}}}}
    assert read_action(label) is None


def test_a_strength_drop_is_a_move() -> None:
    value = {
        "callback": "eventChange",
        "eventChange": {
            "oldEvent": {"id": "s1", "start": "2027-02-14"},
            "event": {"id": "s1", "start": "2027-02-15", "extendedProps": {"card": "strength"}},
        },
    }
    assert read_action(value) == Drop("s1", dt.date(2027, 2, 14), dt.date(2027, 2, 15))
    endurance = {
        "callback": "eventChange",
        "eventChange": {
            "oldEvent": {"start": "2027-02-14"},
            "event": {"start": "2027-02-15", "extendedProps": {"card": "endurance"}},
        },
    }
    assert read_action(endurance) is None
    assert read_action({"callback": "eventsSet"}) is None
    assert read_action(None) is None
    assert action_signature({}) is None
    assert action_signature(value) == action_signature(dict(reversed(value.items())))


# ----------------------------------------------------------------------------- the drop in the app


def test_a_drop_asks_what_the_cli_asks(tmp_path: Path) -> None:
    """The adapter builds the CLI's request: the same previous plan, --block OLD --pin NEW and
    the athlete's other marks give the same re-plan through both doors."""
    previous = plan()
    today = previous.sessions[1].date
    old = previous.sessions[3].date
    new = old + dt.timedelta(days=1)
    missed = previous.sessions[0].date
    request, marks = drop_request(previous, today, Marks(missed=[missed]), old, new)
    assert (marks.blocks, marks.pins, marks.missed) == ([old], [new], [missed])
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    old_path.write_text(previous.model_dump_json())
    result = CliRunner().invoke(
        cli_app,
        [
            "plan", "--previous", str(old_path), "--today", today.isoformat(),
            "--block", old.isoformat(), "--pin", new.isoformat(),
            "--missed", missed.isoformat(), "--out", str(new_path),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    by_cli = Plan.model_validate_json(new_path.read_bytes())
    by_app = replan(load_demo(START), load_catalog(), None, None, request)
    assert [(s.uid, s.date, s.state) for s in by_app.sessions] == [
        (s.uid, s.date, s.state) for s in by_cli.sessions
    ]
    assert by_app.diff == by_cli.diff


def drop(at: AppTest, from_day: dt.date, to_day: dt.date) -> AppTest:
    """What the board's callback does on a drop (`replanning.ask_move`), then the full run."""
    at.session_state[state.DROP] = {
        "uid": "",
        "from": from_day.isoformat(),
        "to": to_day.isoformat(),
    }
    at.run()
    assert not at.exception, at.exception
    return at


def free_target(before: Plan) -> tuple[dt.date, dt.date]:
    """A session and a day after it that the rules leave open (no session, no race near)."""
    races = [e.date for e in before.events if e.kind == Kind.race]
    days = {s.date for s in before.sessions}
    for session in before.sessions[1:]:
        target = session.date + dt.timedelta(days=1)
        if target not in days and all(not -1 <= (r - target).days <= 2 for r in races):
            return session.date, target
    raise AssertionError("no free day after a session")


def test_drop_replans_shows_the_move_and_undoes() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    before = current_plan(at)
    old, new = free_target(before)
    drop(at, old, new)
    after = current_plan(at)
    assert after.session_on(old) is None and after.session_on(new) is not None
    assert any(e.previous_date == old and e.date == new for e in after.diff.moved)
    page = " ".join(s.value for s in at.success)
    assert md_escape(f"Moved {old:%a %d %b} -> {new:%a %d %b}.") in page
    assert Marks.model_validate(at.session_state[state.MARKS]).pins == [new]
    # undo: the plan before the drop, and the drop's pin and block go with it
    at.button(key="undo_replan").click().run()
    assert not at.exception
    assert current_plan(at).sessions == before.sessions
    assert Marks.model_validate(at.session_state[state.MARKS]).count() == 0
    assert not at.success


def test_drop_on_a_race_day_is_refused_with_the_rule_named() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    before = current_plan(at)
    race = next(e.date for e in before.events if e.kind == Kind.race)
    session = next(s for s in before.sessions if s.date < race)
    drop(at, session.date, race)
    errors = " ".join(e.value for e in at.error)
    assert md_escape(f"Not moved {session.date:%a %d %b} -> {race:%a %d %b}") in errors
    assert "race" in errors.lower()
    assert current_plan(at).sessions == before.sessions
    marks = at.session_state[state.MARKS]
    assert not marks or Marks.model_validate(marks).count() == 0  # nothing left half-done
    # said once: the next action on a day clears the refusal
    at.selectbox(key=state.DAY).set_value(session.date.isoformat()).run()
    at.button(key="mark_block").click().run()
    assert not any("Not moved" in e.value for e in at.error)


@pytest.mark.parametrize("where", ["past", "taken"])
def test_drop_on_a_past_or_taken_day_is_refused_without_a_solve(where: str) -> None:
    at = loaded(weeks=SHORT_WEEKS)
    before = current_plan(at)
    at.date_input(key=state.TODAY).set_value(before.sessions[2].date).run()
    session = before.sessions[3]
    target = before.sessions[1].date if where == "past" else before.sessions[4].date
    drop(at, session.date, target)
    errors = " ".join(e.value for e in at.error)
    expected = "is in the past" if where == "past" else "already has a strength session"
    assert expected in errors
    assert current_plan(at).sessions == before.sessions
    assert "Moved" not in texts(at)


# ----------------------------------------------------------------------------- the day detail


def test_a_pinned_session_offers_unpin_not_pin() -> None:
    """Papercut 12: no 'Pin this session' on a session already pinned."""
    at = loaded(weeks=SHORT_WEEKS)
    session = current_plan(at).sessions[2]
    at.selectbox(key=state.DAY).set_value(session.date.isoformat()).run()
    at.button(key="mark_pin").click().run()
    assert not at.exception
    keys = {b.key for b in at.button}
    assert "unmark_pin" in keys and "mark_pin" not in keys
    at.button(key="unmark_pin").click().run()
    assert "mark_pin" in {b.key for b in at.button}


def test_a_drop_without_a_plan_for_the_settings_says_so() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    before = current_plan(at)
    # strict weekly frequency on two weekdays: no plan; the last good plan stays on screen
    _widget(at, field_key("weekly-frequency", "strict")).set_value(True)
    _widget(at, field_key("availability", "weekdays")).set_value(["Mon", "Tue"])
    at.button(key="submit").click().run()
    assert any("last plan that worked" in w.value for w in at.warning)
    session = before.sessions[2]
    drop(at, session.date, session.date + dt.timedelta(days=1))
    assert any("was not moved" in w.value for w in at.warning)


def test_building_the_server_declares_no_component_outside_a_script_run() -> None:
    """`streamlit run app.py` imports app.py to build the `st.App` server, outside any script
    run. A v1 custom component declared then is never registered with the runtime (Streamlit
    registers only when a script run context exists) and its frame answers 404: the board never
    drew after an upload. The component must first be imported by the page run itself."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    probe = (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('app_server_build', 'app.py')\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "assert hasattr(module, 'app'), 'app.py built no st.App'\n"
        "print(sorted(m for m in sys.modules if m.startswith('streamlit_calendar')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
