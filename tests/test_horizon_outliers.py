"""Default starts ignore a lone outlier far from the rest of the calendar (issue 20, item 9).

A real Strava export (tests/fixtures/import/real/strava_tt_runs.csv) logs one ride in April
1991, a run in 2008, 2018 and 2019 each, then two years of training from January 2021: the
app's start hint offered "Start the plan on Mon 01 Apr 1991". The rule (planner.horizon): a
group of events at either end of the calendar, six months or more away from the rest, with at
most two events or 5 % of the calendar (whichever allows more) while the rest holds at least
four times as many, is left out of the default start and of the start the app offers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.domain import Calendar, Event, Kind, Sport
from planner.horizon import bulk_span, default_start, first_week
from planner.importers import read_calendar

STRAVA = Path(__file__).parent / "fixtures" / "import" / "real" / "strava_tt_runs.csv"
MONDAY = dt.date(2027, 1, 4)


def strava() -> Calendar:
    return read_calendar(STRAVA.read_bytes(), STRAVA.name, timezone="Europe/Copenhagen")


def calendar(*dates: dt.date) -> Calendar:
    events = [Event(date=d, title="Ride", sport=Sport.ride, kind=Kind.easy) for d in dates]
    return Calendar(format="manual", events=sorted(events, key=lambda e: e.date))


def weekly(first: dt.date, count: int) -> list[dt.date]:
    return [first + dt.timedelta(weeks=n) for n in range(count)]


def test_the_strava_export_starts_where_the_training_does() -> None:
    cal = strava()
    assert cal.events[0].date == dt.date(1991, 4, 3)  # the lone old ride
    assert bulk_span(cal) == (dt.date(2021, 1, 27), dt.date(2023, 8, 14))
    assert first_week(cal) == dt.date(2021, 1, 25)  # the hint's start, not Mon 01 Apr 1991
    assert default_start(cal, today=dt.date(1990, 6, 1)) == dt.date(2021, 1, 25)


def test_the_cli_default_start_skips_the_outliers_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANNER_TODAY", "1990-06-01")
    result = CliRunner().invoke(
        app, ["plan", str(STRAVA), "--weeks", "1", "--timezone", "Europe/Copenhagen"]
    )
    assert result.exit_code == 0, result.output
    assert "Plan 2021-01-25 to 2021-01-31" in result.output  # was 1991-04-01


def test_one_event_a_year_before_the_season_is_an_outlier() -> None:
    season = weekly(MONDAY, 20)
    cal = calendar(MONDAY - dt.timedelta(days=365), *season)
    assert bulk_span(cal) == (season[0], season[-1])
    assert first_week(cal) == MONDAY


def test_a_stray_event_far_ahead_does_not_move_the_default_start() -> None:
    log = weekly(MONDAY - dt.timedelta(weeks=30), 30)  # training up to last week
    cal = calendar(*log, dt.date(2099, 5, 3))  # a typo's year
    assert default_start(cal, today=MONDAY) == dt.date(2027, 1, 11)  # next Monday
    assert default_start(calendar(*log), today=MONDAY) == dt.date(2027, 1, 11)


@pytest.mark.parametrize(
    ("dates", "why"),
    [
        (
            [MONDAY - dt.timedelta(days=365), *weekly(MONDAY, 3)],
            "the rest is not four times bigger",
        ),
        ([MONDAY - dt.timedelta(days=150), *weekly(MONDAY, 20)], "five months is not far"),
        (
            [*weekly(MONDAY - dt.timedelta(days=400), 3), *weekly(MONDAY, 40)],
            "three events of 43 are more than two and more than 5 %",
        ),
        ([*weekly(MONDAY - dt.timedelta(days=400), 20), *weekly(MONDAY, 20)], "two seasons"),
    ],
)
def test_what_is_not_a_lone_outlier(dates: list[dt.date], why: str) -> None:
    cal = calendar(*dates)
    assert bulk_span(cal) == (min(dates), max(dates)), why


def test_a_big_calendar_allows_a_bigger_outlying_group() -> None:
    old = weekly(MONDAY - dt.timedelta(days=700), 4)  # four old events: 4 % of 100
    season = weekly(MONDAY, 96)
    assert bulk_span(calendar(*old, *season)) == (season[0], season[-1])


def test_no_events_no_span() -> None:
    assert bulk_span(calendar()) is None and first_week(calendar()) is None
    assert default_start(calendar(), today=MONDAY) == dt.date(2027, 1, 11)
