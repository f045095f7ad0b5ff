"""Issue 21, lean page runs: what a page run no longer does (benchmarks/bench_load.py
--sessions 1 prints each step's server CPU)."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from streamlit.runtime.state.session_state import SessionState
from streamlit.testing.v1 import AppTest

from planner.plan import Plan
from planner.ui import state

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
WEEKS = 6


def test_server_skips_streamlits_per_run_chores() -> None:
    """A full garbage collection and a walk of every imported module for the file watcher
    after each page run were ~0.25 s of the server's CPU per click between them."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    assert config["server"]["fileWatcherType"] == "none"


def plan_json_work(at: AppTest, run: Callable[[AppTest], object]) -> tuple[int, int]:
    """How many plans the page run `run` parsed from JSON and wrote as JSON."""
    with (
        mock.patch.object(Plan, "model_validate_json", wraps=Plan.model_validate_json) as parse,
        mock.patch.object(Plan, "model_dump_json", autospec=True, side_effect=DUMP) as dump,
    ):
        run(at)
    assert not at.exception, at.exception
    return parse.call_count, dump.call_count


DUMP = Plan.model_dump_json


def open_export(at: AppTest) -> None:
    at.session_state[state.MAIN_TAB] = state.TABS[-1]
    at.run()
    assert not at.exception, at.exception


def test_page_runs_with_the_same_plan_neither_parse_nor_write_it() -> None:
    """The plan on screen is parsed once per session, not on every click, and the Export tab
    keys its files on the JSON the plan came as instead of writing it again."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.number_input(key=state.WEEKS).set_value(WEEKS)
    at.button(key="submit").click().run()
    plan = Plan.model_validate_json(at.session_state[state.PLAN])
    day = plan.sessions[1].date.isoformat()
    assert plan_json_work(at, lambda a: a.selectbox(key=state.DAY).set_value(day).run()) == (0, 0)
    open_export(at)  # the files are made (once per plan and minute: their stamp)
    for _ in range(2):  # a run in the same minute finds them; a new minute makes them anew
        minute = dt.datetime.now(dt.UTC).minute
        work = plan_json_work(at, lambda a: a.run())
        if dt.datetime.now(dt.UTC).minute == minute:
            break
    assert work == (0, 0)


def test_a_rule_slider_does_not_copy_the_session_state() -> None:
    """Streamlit copies the whole session state (every rule's value) for each keyed slider drawn
    without a value, to guess a single value from a range: with every rule shown that was a
    third of a page run's CPU. The sliders get their value, so only the other boxes copy it."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.toggle(key=state.SHOW_ALL_RULES).set_value(True).run()
    sliders = len(at.sidebar.slider)
    real = SessionState.filtered_state
    copies: list[int] = []

    def counted(self: SessionState) -> dict:
        copies.append(1)
        return real.fget(self)

    with mock.patch.object(SessionState, "filtered_state", property(counted)):
        at.run()
    assert not at.exception, at.exception
    assert sliders > 40
    assert len(copies) < sliders  # 90 copies a run before, one per slider among them
