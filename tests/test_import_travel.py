"""Travel in real travel feeds is time away (issue 20, item 1).

TripIt's calendar feed, the travel events Gmail adds to Google Calendar, and the .ics files
airlines, railways and booking sites attach to their confirmations: flights, hotel stays and
check-ins, rental cars, train journeys and TripIt's multi-day trip spans are `unavailable`, every
day they cover, so no strength session lands mid-trip. Also the real Strava log whose "4k 20min
TT" test runs read as races. Sources and licences: tests/fixtures/SOURCES.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from planner.domain import AthleteProfile, Calendar, Event, Kind, Priority, Sport
from planner.importers import read_calendar
from planner.instance import build_instance
from tests.helpers import catalog, make_config, solve

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TRAVEL = FIXTURES / "travel"
REAL = FIXTURES / "real"


def load(path: Path, **options: object) -> Calendar:
    return read_calendar(path.read_bytes(), path.name, **options)  # type: ignore[arg-type]


def days(first: str, last: str) -> set[dt.date]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return {start + dt.timedelta(days=n) for n in range((end - start).days + 1)}


def away(cal: Calendar) -> set[dt.date]:
    """Every day an unavailable event covers (all-day spans come one event per day)."""
    covered: set[dt.date] = set()
    for event in cal.events:
        if event.kind == Kind.unavailable:
            covered |= days(event.date.isoformat(), event.last_day.isoformat())
    return covered


def by_title(cal: Calendar, title: str) -> list[Event]:
    return [e for e in cal.events if e.title == title]


# ------------------------------------------------------------------------------ TripIt


TRIPS = [  # TripIt's trip spans in the feed: first and last day away
    ("South San Francisco, CA, October 2011;", "2011-10-11", "2011-10-13"),
    ("Santa Barbara, CA, October 2011", "2011-10-23", "2011-10-27"),
    ("Redwood City, CA, November 2011", "2011-11-08", "2011-11-10"),
    ("Milpitas, CA, November 2011", "2011-11-29", "2011-12-01"),
    ("San Jose, CA, December 2011", "2011-12-13", "2011-12-15"),
    ("San Francisco, CA, January 2012", "2012-01-03", "2012-01-05"),
]


def test_tripit_flights_lodging_cars_and_trips_are_all_time_away() -> None:
    cal = load(TRAVEL / "tripit_feed.ics", timezone="America/Phoenix")
    assert len(cal.events) == 61 and not cal.skipped
    assert {(e.sport, e.kind) for e in cal.events} == {(Sport.other, Kind.unavailable)}
    titles = {e.title for e in cal.events}
    assert {
        "US403 PHX to SFO",
        "CO6256 SFO to PHX",
        "Check-in: Sofitel San Francisco Bay",
    } <= titles
    assert "Pick-up Rental Car: Hertz" in titles


def test_tripit_trip_spans_cover_every_day_of_the_trip() -> None:
    cal = load(TRAVEL / "tripit_feed.ics", timezone="America/Phoenix")
    for title, first, last in TRIPS:
        assert {e.date for e in by_title(cal, title)} == days(first, last), title
    assert away(cal) == set().union(*(days(first, last) for _, first, last in TRIPS))


def test_no_strength_session_lands_mid_trip() -> None:
    cal = load(TRAVEL / "tripit_feed.ics", timezone="America/Phoenix")
    start = dt.date(2011, 10, 10)  # the Monday before the first trip
    inst = build_instance(cal, catalog(), AthleteProfile(), make_config(), start, 4)
    trip_days = days("2011-10-11", "2011-10-13") | days("2011-10-23", "2011-10-27")
    assert {inst.days[d].date for d in inst.away_days} == trip_days  # the unavailable-days rule
    plan = solve(inst)
    assert plan.sessions
    assert not [s.date for s in plan.sessions if s.date in trip_days]


# ----------------------------------------------------------- Google's travel events (Gmail)


def test_google_flight_stay_and_train_from_gmail_are_away_and_a_dinner_is_not() -> None:
    cal = load(TRAVEL / "google_gmail_travel.ics")
    kinds = {e.title: (e.sport, e.kind) for e in cal.events}
    away_kind = (Sport.other, Kind.unavailable)
    assert kinds["Flight to Amsterdam (KL 1852)"] == away_kind
    assert kinds["Stay at Canal House Amsterdam"] == away_kind
    assert kinds["Train to Düsseldorf"] == away_kind
    assert kinds["Reservation at De Kas"] == (Sport.other, Kind.other)  # Gmail makes these too
    assert kinds["Turbo VO2max intervals 5x4 min"] == (Sport.ride, Kind.hard)
    # the all-day stay: every night of it, check-in day to the day before check-out
    stay = by_title(cal, "Stay at Canal House Amsterdam")
    assert {e.date for e in stay} == days("2027-03-12", "2027-03-14")
    assert away(cal) == days("2027-03-12", "2027-03-15")


# ------------------------------------------- airline, railway and booking-site confirmations


def test_airline_confirmations_are_away() -> None:
    [flug] = load(TRAVEL / "lufthansa_flight_de.ics").events
    assert (flug.title, flug.kind) == ("Flug nach TOULOUSE FR", Kind.unavailable)
    [train] = load(TRAVEL / "swiss_train.ics").events
    assert (train.title, train.kind) == ("Your train from ZMB to FRA", Kind.unavailable)


def test_a_night_flight_covers_the_day_it_lands_too() -> None:
    [flight] = load(TRAVEL / "swiss_night_flight.ics", timezone="Europe/Zurich").events
    assert (flight.title, flight.kind) == ("Your flight from FRA to EWR", Kind.unavailable)
    assert (flight.date, flight.last_day) == (dt.date(2026, 12, 1), dt.date(2026, 12, 2))


def test_railway_and_booking_site_confirmations_are_away() -> None:
    [journey] = load(TRAVEL / "bahn_journey.ics").events
    assert (journey.title, journey.kind) == ("Frankfurt(Main)Hbf -> Paris Nord", Kind.unavailable)
    hotel = load(TRAVEL / "kitinerary_hotel.ics")
    assert {(e.date, e.kind) for e in hotel.events} == {
        (dt.date(2017, 9, 19), Kind.unavailable),
        (dt.date(2017, 9, 20), Kind.unavailable),
    }


# ---------------------------------------------------------------- Strava: TT is a test


def test_strava_tt_training_runs_are_hard_sessions_not_races() -> None:
    cal = load(REAL / "strava_tt_runs.csv", timezone="Europe/Copenhagen")
    assert len(cal.events) == 112 and not cal.skipped
    tests = [e for e in cal.events if e.title.endswith("TT") or " TT " in e.title]
    assert [e.title for e in tests] == [
        "4k 20min TT",
        "4k 18min TT",
        "4k 19min TT",
        "4k 18:30 TT and < 5min / km speed trial",
    ]
    assert {(e.sport, e.kind, e.priority) for e in tests} == {(Sport.run, Kind.hard, None)}
    # a race is still a race
    [race] = by_title(cal, "Nordic Race Copenhagen Urban 2021")
    assert (race.sport, race.kind) == (Sport.run, Kind.race)


def test_strava_competition_tag_marks_the_real_race() -> None:
    tagged, untagged = load(REAL / "strava_competition_tag.csv").events
    assert tagged.title == untagged.title == "5k TT"
    assert (tagged.kind, tagged.priority) == (Kind.race, Priority.B)
    assert (untagged.kind, untagged.priority) == (Kind.hard, None)
