"""The classification table: sport, kind and race priority from the athlete's words."""

from __future__ import annotations

import pytest

from planner.domain import Kind, Priority, Sport
from planner.importers.classify import classify, priority_of, priority_value, sport_of


@pytest.mark.parametrize(
    ("type_text", "expected"),
    [
        ("Bike", Sport.ride),
        ("Ride", Sport.ride),
        ("Cycling", Sport.ride),
        ("VirtualRide", Sport.ride),
        ("Virtual Ride", Sport.ride),
        ("Road Cycling", Sport.ride),
        ("Indoor Cycling", Sport.ride),
        ("Mountain Biking", Sport.ride),
        ("Run", Sport.run),
        ("Trail Run", Sport.run),
        ("Treadmill Running", Sport.run),
        ("Running", Sport.run),
        ("Swim", Sport.swim),
        ("Lap Swimming", Sport.swim),
        ("Open Water Swimming", Sport.swim),
        ("Strength", Sport.strength),
        ("Weight Training", Sport.strength),
        ("WeightTraining", Sport.strength),
        ("Strength Training", Sport.strength),
        ("Walk", None),
        ("Other", None),
        ("", None),
    ],
)
def test_sport_from_type_column(type_text: str, expected: Sport | None) -> None:
    assert sport_of(type_text) == expected


@pytest.mark.parametrize(
    ("title", "sport", "kind"),
    [
        ("VO2max intervals 5x4 min on the bike", Sport.ride, Kind.hard),
        ("Threshold ride 2x20", Sport.ride, Kind.hard),
        ("Tempo run", Sport.run, Kind.hard),
        ("Sweet spot ride", Sport.ride, Kind.hard),
        ("Sweetspot 3x15 ride", Sport.ride, Kind.hard),
        ("Track session run", Sport.run, Kind.hard),
        ("Hill repeats run", Sport.run, Kind.hard),
        ("Fartlek", Sport.run, Kind.hard),
        ("Long ride", Sport.ride, Kind.long),
        ("Long run", Sport.run, Kind.long),
        ("Recovery spin", Sport.ride, Kind.easy),
        ("Easy run", Sport.run, Kind.easy),
        ("Z2 ride", Sport.ride, Kind.easy),
        ("Rest day", Sport.other, Kind.rest),
        ("Day off", Sport.other, Kind.rest),
        ("Club crit", Sport.ride, Kind.race),
        ("Criterium", Sport.ride, Kind.race),
        ("Club 10 mile TT", Sport.ride, Kind.race),
        ("Time trial", Sport.ride, Kind.race),
        ("Cotswolds Gran Fondo", Sport.ride, Kind.race),
        ("Dragon sportive", Sport.ride, Kind.race),
        ("London Marathon", Sport.run, Kind.race),
        ("Half marathon", Sport.run, Kind.race),
        ("Parkrun 5k race", Sport.run, Kind.race),
        ("Local 10k race", Sport.run, Kind.race),
        ("Sprint triathlon", Sport.ride, Kind.race),
        ("Ironman Wales", Sport.ride, Kind.race),
        ("Work trip to Frankfurt", Sport.other, Kind.unavailable),  # issue 11: away
        ("Dentist", Sport.other, Kind.other),
        ("Christmas with family (no bike)", Sport.other, Kind.unavailable),
        # negatives: word boundaries and race-pace training
        ("Attempt a new route ride", Sport.ride, Kind.easy),
        ("Brunch with friends", Sport.other, Kind.other),
        ("Marathon pace run 3x5k", Sport.run, Kind.hard),
        ("Race pace intervals run", Sport.run, Kind.hard),
        ("Pre-race openers ride", Sport.ride, Kind.easy),
        ("Interstate drive", Sport.other, Kind.other),
        ("Lasttrip planning", Sport.other, Kind.other),
    ],
)
def test_kind_and_sport_from_title(title: str, sport: Sport, kind: Kind) -> None:
    got_sport, got_kind, priority = classify(title)
    assert (got_sport, got_kind) == (sport, kind)
    assert (priority is not None) == (kind == Kind.race)


def test_description_only_counts_when_title_is_silent() -> None:
    assert classify("Session", "5x5 min at threshold on the bike")[:2] == (Sport.ride, Kind.hard)
    assert classify("Easy ride", "no intervals today, rest between")[1] == Kind.easy
    # rest words only count in a title
    assert classify("Ride", "3 min rest between efforts")[1] == Kind.easy
    # a sport mentioned in passing is not training (and a work trip is time away)
    assert classify("Work trip", "Hotel gym only.")[:2] == (Sport.other, Kind.unavailable)
    assert classify("Dentist", "Cycle there.")[:2] == (Sport.other, Kind.other)


@pytest.mark.parametrize(
    ("sport", "minutes", "kind"),
    [
        (Sport.ride, 179, Kind.easy),
        (Sport.ride, 180, Kind.long),
        (Sport.run, 89, Kind.easy),
        (Sport.run, 90, Kind.long),
        (Sport.swim, 240, Kind.easy),
    ],
)
def test_duration_makes_easy_sessions_long(sport: Sport, minutes: int, kind: Kind) -> None:
    assert classify("Session", type_text=sport.value, duration_min=minutes)[1] == kind


def test_duration_does_not_downgrade_hard_sessions() -> None:
    assert classify("Ride with 3x20 threshold", duration_min=240)[1] == Kind.hard


@pytest.mark.parametrize(
    ("title", "description", "priority"),
    [
        ("Gran Fondo (A)", "", Priority.A),
        ("[A] Nationals road race", "", Priority.A),
        ("Nationals A race", "", Priority.A),
        ("Nationals A-race", "", Priority.A),
        ("Spring road race", "Priority: C", Priority.C),
        ("Spring road race", "priority b", Priority.B),
        ("Club crit (C)", "", Priority.C),
        ("Club crit [B]", "", Priority.B),
        ("Club crit", "", Priority.B),  # no marker: B
        ("Not a race, just a crit", "", Priority.B),  # "a race" is an article, not priority A
    ],
)
def test_race_priority_markers(title: str, description: str, priority: Priority) -> None:
    sport, kind, got = classify(title, description)
    assert kind == Kind.race
    assert got == priority


def test_priority_from_categories() -> None:
    assert classify("Gran Fondo", categories=["A-Race"])[2] == Priority.A
    assert classify("Gran Fondo", categories=["C"])[2] == Priority.C
    assert classify("Big day out", categories=["Race", "A"])[1:] == (Kind.race, Priority.A)


def test_priority_only_on_races() -> None:
    assert classify("Session (A) intervals ride")[2] is None
    assert classify("Long ride", "priority A")[2] is None


@pytest.mark.parametrize(
    ("value", "priority"),
    [
        ("A", Priority.A),
        ("b", Priority.B),
        (" C ", Priority.C),
        ("A-Race", Priority.A),
        ("RACE_B", Priority.B),
        ("D", None),
        ("", None),
    ],
)
def test_priority_value(value: str, priority: Priority | None) -> None:
    assert priority_value(value) == priority


def test_priority_of_ignores_plain_words() -> None:
    assert priority_of("A day out") is None
    assert priority_of("attempt TT") is None


@pytest.mark.parametrize(
    "title",
    [
        "Work trip",
        "Business trip to Lyon",
        "Travel day",
        "Travelling to Boston",
        "Holiday",
        "Summer holidays",
        "Vacation in Spain",
        "Family visit",
        "Visiting the in-laws",
        "Christmas with family",
        "Sick",
        "Ill - flu",
        "Knee injury",
        "Injured",
        "Urlaub",
        "Dienstreise nach Hamburg",
        "Krank",
        "Weihnachten bei den Eltern",
        "Vacances",
        "Malade",
        "Vacaciones",
        "Viaje de trabajo",
        "Ferie",
        "Vakantie",
        "Ziek",
        "Férias",
    ],
)
def test_away_and_unable_to_train_is_unavailable(title: str) -> None:
    assert classify(title)[:2] == (Sport.other, Kind.unavailable)


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("Holiday ride", "", (Sport.ride, Kind.easy)),  # a session on a special day
        ("Christmas Day long run", "", (Sport.run, Kind.long)),
        ("Morning Ride", "Rode to the holiday cottage", (Sport.ride, Kind.easy)),  # notes
        ("Hill repeats run", "", (Sport.run, Kind.hard)),  # "ill" is a word of its own
        ("Breakaway practice ride", "", (Sport.ride, Kind.easy)),
    ],
)
def test_training_on_a_special_day_is_training(
    title: str, description: str, expected: tuple[Sport, Kind]
) -> None:
    assert classify(title, description)[:2] == expected


# ------------------------------------------------------------- issue 20: travel, TT, swims


@pytest.mark.parametrize(
    "title",
    [
        "Flight to Amsterdam (KL 1852)",  # Google, from a Gmail booking
        "Stay at Hotel AKA Boston Common",
        "Train to Axminster",
        "Flug nach TOULOUSE FR",  # Lufthansa's confirmation
        "Your flight from FRA to EWR",  # SWISS's confirmation
        "Hotel reservation: Glo Hotel Sello",  # KDE Itinerary, from booking.com
        "Check-in: Embassy Suites San Francisco Airport",  # TripIt
        "Check-out: Crestview Hotel:",
        "Pick-up Rental Car: Dollar Rent A Car",
        "Directions from SFO to Sofitel San Francisco Bay",
        "Journey Details: Glasgow Central (GLC) to London Kings Cross (KGX)",  # National Rail
        "Vol pour Nice (AF 7700)",
        "Hôtel Le Bristol",
    ],
)
def test_travel_titles_are_time_away(title: str) -> None:
    assert classify(title)[:2] == (Sport.other, Kind.unavailable)


@pytest.mark.parametrize(
    "title",
    [
        "US403 PHX to SFO",  # TripIt flights: number and route
        "CX888 HKG to YVR",  # Cathay's code is no cyclocross race
        "TT 541 SYD to MEL",  # nor a time trial
        "Berlin Hbf ➞ Paris Est",  # bahn.de
        "Frankfurt(Main)Hbf -> Paris Nord",
    ],
)
def test_a_booking_is_time_away_whatever_the_title_says(title: str) -> None:
    assert classify(title)[:2] == (Sport.other, Kind.unavailable)


def test_tripit_notes_make_an_item_time_away_unless_its_title_names_a_session() -> None:
    footer = "View and/or edit details in TripIt : http://www.tripit.com/trip/show/id/23710889"
    trip = "John Doe is in South San Francisco, CA from Oct 11 to Oct 13, 2011\n" + footer
    assert classify("South San Francisco, CA, October 2011;", trip)[:2] == (
        Sport.other,
        Kind.unavailable,
    )
    assert classify("Miniatur Wunderland", "[Activity] Miniatur Wunderland\n" + footer)[1] == (
        Kind.unavailable
    )
    # a transport item is away whatever its title; a run logged in TripIt is a run
    assert classify("CX888 HKG to YVR", "[Flight] 10/11/2011 Cathay Pacific")[1] == Kind.unavailable
    assert classify("Morning run by the bay", footer)[:2] == (Sport.run, Kind.easy)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Hotel gym session", (Sport.strength, Kind.easy)),  # a session at the hotel
        ("Run to the airport", (Sport.run, Kind.easy)),
        ("Hotel ride: 3x10 threshold", (Sport.ride, Kind.hard)),
        ("Gym: train to failure", (Sport.strength, Kind.easy)),  # no place: no journey
    ],
)
def test_a_named_session_while_travelling_is_that_session(
    title: str, expected: tuple[Sport, Kind]
) -> None:
    assert classify(title)[:2] == expected


@pytest.mark.parametrize(
    "title", ["4k 20min TT", "Mile time trial", "2 mile TT for old times sake", "5k TT"]
)
def test_a_tt_in_a_log_is_a_hard_test_and_in_a_plan_a_race(title: str) -> None:
    assert classify(title, type_text="Run", log=True) == (Sport.run, Kind.hard, None)
    assert classify(title, type_text="Run")[1:] == (Kind.race, Priority.B)


def test_a_log_still_knows_its_races() -> None:
    assert classify("Nordic Race Copenhagen Urban 2021", type_text="Run", log=True)[1] == Kind.race
    assert classify("Club 10 TT (A)", type_text="Ride")[1:] == (Kind.race, Priority.A)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Technique swim", "Warm up 200, 8 x 100 drills, 200 easy"),
        ("Technique swim 8x100", ""),
        ("Pool swim", "8 x 100 technique: catch-up, fists, 6-kick"),
        ("Swim drills", "4x50 single arm"),
    ],
)
def test_technique_and_drill_swims_are_easy(title: str, description: str) -> None:
    assert classify(title, description)[:2] == (Sport.swim, Kind.easy)


def test_a_swim_set_without_technique_words_stays_hard() -> None:
    assert classify("Swim", "10 x 100 on 1:40")[:2] == (Sport.swim, Kind.hard)
    assert classify("Threshold swim drills", "")[:2] == (Sport.swim, Kind.hard)


@pytest.mark.parametrize(
    "title",
    ["Brick run", "Brick run straight off the bike", "BRICK: 20 min run off the bike", "Brick"],
)
def test_a_brick_is_a_run_and_a_key_session(title: str) -> None:
    assert classify(title)[:2] == (Sport.run, Kind.hard)


def test_off_the_bike_without_a_run_is_still_no_training() -> None:
    assert classify("Christmas with family (off the bike)")[1] != Kind.hard
    assert classify("Week off the bike")[:2] == (Sport.other, Kind.other)
