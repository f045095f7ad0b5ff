"""Issue 21: the page's solves and re-plans run in the solve workers (planner/workers.py); a
worker that dies costs the athlete one plain message, and the next click plans again."""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path
from unittest import mock

from streamlit.testing.v1 import AppTest

from planner import workers
from planner.plan import Plan
from planner.ui import solving, state

APP = str(Path(__file__).resolve().parent.parent / "app.py")
WEEKS = 6


def _die(*_args: object) -> str:
    """A task whose worker process dies (run in a worker, found there by module name)."""
    os.kill(os.getpid(), signal.SIGKILL)
    return ""


def page(weeks: int = WEEKS) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.number_input(key=state.WEEKS).set_value(weeks)
    at.button(key="submit").click().run()
    assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_the_page_plans_in_a_worker_process() -> None:
    solving.solve_json.clear()
    with mock.patch.object(workers, "run", wraps=workers.run) as run:
        at = page(weeks=5)
    # the first run's demo plan and the 5-week plan
    assert [c.args[0] for c in run.call_args_list] == [workers.solve_json] * 2
    assert workers.shared_pool() is not None  # the default: a pool sized to the cores
    assert Plan.model_validate_json(at.session_state[state.PLAN]).sessions


def test_a_worker_that_dies_gives_a_plain_message_and_the_next_click_plans() -> None:
    at = page()
    shown = at.session_state[state.PLAN]
    at.number_input(key=state.WEEKS).set_value(WEEKS + 1)
    with mock.patch.object(workers, "solve_json", _die):
        at.button(key="submit").click().run()
    assert not at.exception, at.exception
    assert workers.DIED_TEXT in errors(at)
    assert not [e for e in errors(at) if "Something went wrong" in e]
    assert "Showing the last plan that worked" in " ".join(w.value for w in at.warning)
    assert at.session_state[state.LAST_GOOD] == shown
    at.button(key="submit").click().run()  # the same request again: a new worker solves it
    assert not at.exception and not errors(at)
    plan = Plan.model_validate_json(at.session_state[state.PLAN])
    assert (plan.end - plan.start).days + 1 == 7 * (WEEKS + 1)


def test_a_replan_whose_worker_dies_keeps_the_plan_and_says_so() -> None:
    at = page()
    before = Plan.model_validate_json(at.session_state[state.PLAN])
    day = next(s.date for s in before.sessions if s.date >= before.start + dt.timedelta(days=7))
    at.selectbox(key=state.DAY).set_value(day.isoformat()).run()
    at.button(key="mark_block").click().run()
    with mock.patch.object(workers, "replan_json", _die):
        at.button(key="replan").click().run()
    assert not at.exception, at.exception
    assert workers.DIED_TEXT in errors(at)
    assert Plan.model_validate_json(at.session_state[state.PLAN]) == before
    at.button(key="replan").click().run()
    assert not at.exception and not errors(at)
    assert Plan.model_validate_json(at.session_state[state.PLAN]).session_on(day) is None
