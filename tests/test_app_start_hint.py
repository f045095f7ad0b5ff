"""The app's start hint after an upload skips a lone outlier (issue 20, item 9).

When none of the calendar's events fall in the plan's weeks the app offers to start where the
calendar does. A real Strava export with one ride logged in April 1991 before two years of
training offered "Start the plan on Mon 01 Apr 1991"; it now offers the training's first week
(the rule: planner.horizon, tests/test_horizon_outliers.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner.ui import state

ROOT = Path(__file__).resolve().parent.parent
STRAVA = ROOT / "tests" / "fixtures" / "import" / "real" / "strava_tt_runs.csv"


def test_the_start_hint_offers_the_trainings_first_week_not_1991(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLANNER_TODAY", "2027-01-04")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    at.file_uploader(key=state.UPLOAD).set_value((STRAVA.name, STRAVA.read_bytes(), "text/csv"))
    at.run()
    assert not at.exception, at.exception
    offers = [b.label for b in at.button if b.label.startswith("Start the plan on")]
    assert offers == ["Start the plan on Mon 25 Jan 2021"]
