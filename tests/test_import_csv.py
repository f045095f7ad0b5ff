"""CSV exports: TrainingPeaks, Strava, Garmin Connect, intervals.icu and the generic format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.domain import Kind, Priority, Sport
from planner.errors import CalendarError
from planner.importers import calendar_to_json, load_calendar, read_calendar
from planner.importers.limits import MAX_CSV_ROWS

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _by_title(cal):  # noqa: ANN001, ANN202
    return {e.title: e for e in cal.events}


def test_trainingpeaks_export() -> None:
    cal = load_calendar(FIXTURES / "trainingpeaks_workouts.csv")
    assert cal.format == "trainingpeaks-csv"
    events = _by_title(cal)
    sweet = events['4Star Bike "Sweet Spot" Sub-Threshold 5x5min 90% 60min (PWR)']
    assert (sweet.date, sweet.sport, sweet.kind, sweet.duration_min) == (
        dt.date(2026, 1, 5),
        Sport.ride,
        Kind.hard,
        60,
    )
    assert "near-complete recovery" in sweet.description  # embedded newline kept
    assert events["AE1. Easy Ride 1h Power"].duration_min == 59  # TimeTotalInHours wins
    assert events["Running"].duration_min == 44
    assert events["AA, 3-4 sets"].sport == Sport.strength
    assert events["Day Off"].kind == Kind.rest
    assert events["Long endurance ride"].kind == Kind.long
    tt = events["Club 10 mile TT (C)"]
    assert (tt.kind, tt.priority) == (Kind.race, Priority.C)
    reasons = {s.where: s.reason for s in cal.skipped}
    assert "cannot read the date" in reasons["row 9"]
    assert "negative" in reasons["row 10"]
    assert all(e.source.where.startswith("row ") for e in cal.events)


def test_strava_export() -> None:
    cal = load_calendar(FIXTURES / "strava_activities.csv")
    assert cal.format == "strava-csv"
    events = _by_title(cal)
    long_ride = events["Sunday long ride"]
    assert long_ride.start == dt.datetime(2026, 1, 4, 9, 2, 11, tzinfo=dt.UTC)
    assert (long_ride.sport, long_ride.kind, long_ride.duration_min) == (Sport.ride, Kind.long, 252)
    assert events["Zwift - VO2 intervals"].duration_min == 62  # "3,720" seconds
    assert events["Zwift - VO2 intervals"].sport == Sport.ride
    assert events["Gym"].sport == Sport.strength
    assert events["Late track session"].kind == Kind.hard
    assert [s.where for s in cal.skipped] == ["row 7"]  # the embedded newline is one row


def test_strava_utc_times_move_to_the_athletes_timezone() -> None:
    cal = load_calendar(FIXTURES / "strava_activities.csv", timezone="Australia/Sydney")
    late = _by_title(cal)["Late track session"]
    assert late.date == dt.date(2026, 1, 11)  # 23:58 UTC is the next morning in Sydney
    assert late.start.utcoffset() == dt.timedelta(hours=11)


def test_garmin_export() -> None:
    cal = load_calendar(FIXTURES / "garmin_activities.csv")
    assert cal.format == "garmin-csv"
    events = _by_title(cal)
    road = events["Cotswolds Road Cycling"]
    assert (road.sport, road.kind, road.duration_min) == (Sport.ride, Kind.long, 204)
    assert road.start == dt.datetime(2026, 1, 10, 9, 1, 22)
    assert events["Sweet spot 3x15"].kind == Kind.hard
    assert events["Easy run"].duration_min == 46  # 00:45:30.5
    assert events["Pool Swim"].sport == Sport.swim
    assert events["Strength"].sport == Sport.strength
    assert [s.where for s in cal.skipped] == ["row 7"]


def test_intervals_export() -> None:
    cal = load_calendar(FIXTURES / "intervals_activities.csv")
    assert cal.format == "intervals-csv"
    events = _by_title(cal)
    assert events["Hilly endurance"].kind == Kind.long
    assert events["Threshold 3x12"].kind == Kind.hard
    race = events["Spring Classic"]
    assert (race.kind, race.priority) == (Kind.race, Priority.A)  # race column + "Priority: A"
    assert events["Recovery jog"].sport == Sport.run
    assert [s.where for s in cal.skipped] == ["row 6"]


def test_generic_format() -> None:
    cal = load_calendar(FIXTURES / "generic.csv")
    assert cal.format == "generic-csv"
    events = _by_title(cal)
    fondo = events["Cotswolds Gran Fondo"]
    assert (fondo.kind, fondo.priority, fondo.duration_min) == (Kind.race, Priority.A, 300)
    assert events["Long ride"].duration_min == 210  # 3:30
    assert events["Recovery spin"].duration_min == 60  # 1h
    assert events["Club hill climb"].priority == Priority.C  # priority alone makes a race
    assert events["Work trip"].kind == Kind.unavailable
    reasons = {s.where: s.reason for s in cal.skipped}
    assert set(reasons) == {"row 9", "row 10", "row 11", "row 12", "row 13"}
    assert "sport 'skiing'" in reasons["row 10"]
    assert "only for races" in reasons["row 13"]


def test_semicolon_latin1_decimal_comma() -> None:
    text = "date;title;duration_min\n2026-05-01;Café ride;90,5\n02.05.2026;Lauf easy run;45\n"
    cal = read_calendar(text.encode("latin-1"), "x.csv")
    assert [e.title for e in cal.events] == ["Café ride", "Lauf easy run"]
    assert cal.events[0].duration_min == 90  # 90,5 minutes rounds to 90 (banker's)
    assert cal.events[1].date == dt.date(2026, 5, 2)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encodings(encoding: str) -> None:
    text = "date,title\r\n2026-05-01,Crème brûlée ride\r\n"
    cal = read_calendar(text.encode(encoding), "x.csv")
    assert cal.events[0].title == "Crème brûlée ride"


def test_tab_delimited_and_thousands() -> None:
    text = 'date\ttitle\tduration_min\n2026-05-01\tLong ride\t"1,200"\n2026-05-02\tx ride\t3,200\n'
    cal = read_calendar(text.encode(), "x.csv")
    assert cal.events[0].duration_min == 1200
    assert cal.skipped[0].where == "row 3"  # 3,200 min is over 48 h
    assert "over 48 h" in cal.skipped[0].reason


def test_day_first_inferred_from_the_file() -> None:
    text = "date,title\n03/04/2026,Ride\n25/04/2026,Ride\n"
    cal = read_calendar(text.encode(), "x.csv")
    assert [e.date for e in cal.events] == [dt.date(2026, 4, 3), dt.date(2026, 4, 25)]


def test_window_filters_csv_rows() -> None:
    cal = load_calendar(
        FIXTURES / "generic.csv", start=dt.date(2027, 4, 1), end=dt.date(2027, 4, 6)
    )
    assert [e.date.isoformat() for e in cal.events] == [
        "2027-04-03",
        "2027-04-04",
        "2027-04-05",
        "2027-04-06",
    ]


def test_unknown_header_lists_formats() -> None:
    with pytest.raises(CalendarError) as info:
        read_calendar(b"foo,bar\n1,2\n", "mystery.csv")
    text = str(info.value)
    assert "mystery.csv" in text
    for needle in ("TrainingPeaks", "Strava", "Garmin", "intervals.icu", "date,title"):
        assert needle in text


def test_too_many_rows_is_refused_quoting_the_limit() -> None:
    rows = "".join(f"2026-01-01,Ride {i}\n" for i in range(MAX_CSV_ROWS + 1))
    with pytest.raises(CalendarError, match=f"{MAX_CSV_ROWS:,}"):
        read_calendar(("date,title\n" + rows).encode(), "big.csv")


def test_many_rows_import_quickly() -> None:
    import time

    rows = "".join(f"2026-01-{1 + i % 28:02d},Easy ride {i},ride,,,60\n" for i in range(15_000))
    began = time.perf_counter()
    cal = read_calendar(("date,title,sport,kind,priority,duration_min\n" + rows).encode())
    assert len(cal.events) == 15_000
    assert time.perf_counter() - began < 10


def test_json_shape() -> None:
    cal = load_calendar(FIXTURES / "strava_activities.csv")
    data = calendar_to_json(cal)
    assert data["format"] == "strava-csv"
    first = data["events"][0]
    assert set(first) == {
        "date",
        "start",
        "end",
        "title",
        "sport",
        "kind",
        "priority",
        "duration_min",
    }
    assert first["start"] == "2026-01-04T09:02:11+00:00"
    assert first["date"] == "2026-01-04"
    assert data["skipped"] == [{"where": "row 7", "reason": cal.skipped[0].reason}]


GARMIN_LOCALISED = sorted((FIXTURES / "garmin").glob("activities_*.csv"))


@pytest.mark.parametrize("path", GARMIN_LOCALISED, ids=lambda p: p.stem)
def test_garmin_export_in_another_language(path: Path) -> None:
    cal = load_calendar(path)
    assert cal.format == "garmin-csv"
    assert [e.date for e in cal.events] == [dt.date(2026, 3, 1), dt.date(2026, 3, 3)]
    assert [e.duration_min for e in cal.events] == [204, 52]
    assert cal.events[0].start == dt.datetime(2026, 3, 1, 9, 5, 12)
    assert [e.sport for e in cal.events] == [Sport.ride, Sport.run]  # localised type names
    assert cal.skipped == []
