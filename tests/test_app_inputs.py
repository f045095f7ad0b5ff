"""App state that must not depend on the path taken (AppTest): a start date belongs to the
calendar it was set for, and the review table's edits hold whichever tab is open."""

from __future__ import annotations

import datetime as dt

import pytest
from test_app import FIXTURES, berlin_ics, current_plan, loaded, upload

from planner.domain import Kind, Priority
from planner.ui import state
from planner.ui.calendar_input import TIMEZONE_KEY

BERLIN_FIRST = dt.date(2027, 1, 5)  # a Tuesday, after the plan's default start
BERLIN_RACE = BERLIN_FIRST + dt.timedelta(days=68)  # a Sunday, ten weeks in


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANNER_TODAY", "2026-11-25")


def test_a_new_calendar_gets_its_own_start_after_start_the_plan_on() -> None:
    at = loaded()
    strava = FIXTURES / "strava_activities.csv"  # rides of early 2026, before the plan starts
    upload(at, strava.name, strava.read_bytes())
    move = next(b for b in at.button if b.label.startswith("Start the plan on"))
    move.click().run()
    early = current_plan(at).start
    assert early < dt.date(2026, 6, 1)
    upload(at, "berlin.ics", berlin_ics(BERLIN_FIRST, BERLIN_RACE))
    assert current_plan(at).start == BERLIN_FIRST - dt.timedelta(days=1)  # its own default
    upload(at, strava.name, strava.read_bytes())  # the start set for this calendar comes back
    assert current_plan(at).start == early


def test_a_start_set_by_hand_stays_with_its_calendar() -> None:
    at = loaded()
    upload(at, "berlin.ics", berlin_ics(BERLIN_FIRST, BERLIN_RACE))
    own = BERLIN_FIRST + dt.timedelta(days=6)  # a week later, by hand
    at.date_input(key=state.START).set_value(own)
    at.button(key="submit").click().run()
    assert current_plan(at).start == own
    other = BERLIN_FIRST + dt.timedelta(weeks=2)
    upload(at, "berlin-2.ics", berlin_ics(other, other + dt.timedelta(days=68)))
    assert current_plan(at).start == other - dt.timedelta(days=1)


def _race(at) -> Priority | None:
    return next(e.priority for e in current_plan(at).events if e.kind == Kind.race)


def test_review_edits_hold_when_the_time_zone_changes() -> None:
    """The plan after a new time zone keeps the race priority set in the review table, without
    anyone opening the review tab again."""
    at = upload(loaded(), "berlin.ics", berlin_ics(BERLIN_FIRST, BERLIN_RACE))
    assert _race(at) == Priority.A
    # the table is drawn while its tab is open (issue 20); the edits hold whatever tab is open
    at.session_state[state.MAIN_TAB] = state.TABS[3]
    at.run()
    frame = at.data_editor[0].value
    row = int(frame.index[frame["priority"] == "A"][0])
    at.session_state[state.EDITOR] = {
        "edited_rows": {row: {"priority": "B"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert _race(at) == Priority.B
    at.session_state[state.MAIN_TAB] = state.TABS[0]  # back to the calendar: the table goes
    at.run()
    assert not at.data_editor and _race(at) == Priority.B
    at.selectbox(key=TIMEZONE_KEY).set_value("America/New_York").run()
    assert not at.exception, at.exception
    assert current_plan(at).timezone == "America/New_York"
    assert _race(at) == Priority.B
    at.selectbox(key=TIMEZONE_KEY).set_value("Europe/Berlin").run()
    assert _race(at) == Priority.B


def test_a_re_plan_that_ran_out_of_time_is_not_kept_for_the_next_press(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under load a re-plan may end at its time limit with no plan: the block is not applied
    then. Pressing Re-plan again, with the machine free, must solve again and apply it, not
    hand back the failure from the cache."""
    from test_app import click, pick_day

    from planner import workers
    from planner.plan import Status

    # re-plans in this process (no solve workers), so the patched re-plan below is the one run
    monkeypatch.setenv(workers.WORKERS_ENV, "0")
    monkeypatch.setattr(workers, "_shared", None)
    at = loaded(weeks=6)
    plan = current_plan(at)
    blocked = plan.sessions[1].date
    pick_day(at, blocked)
    click(at, "mark_block")
    real = workers.replan
    busy = {"left": 1}

    def overloaded(*args, **kwargs):
        plan = real(*args, **kwargs)
        if busy["left"]:
            busy["left"] -= 1
            return plan.model_copy(update={"status": Status.unknown, "sessions": []})
        return plan

    monkeypatch.setattr(workers, "replan", overloaded)
    click(at, "replan")
    assert current_plan(at).session_on(blocked) is not None  # no plan: the old one stays
    assert "not possible" in " ".join(e.value for e in at.error)
    click(at, "replan")
    assert current_plan(at).session_on(blocked) is None
