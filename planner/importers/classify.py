"""Classify an imported event: sport, kind and race priority, from the words the athlete used.

Everything here is a documented table: an ordered list of (pattern, result) rows, first match
wins. Patterns are case-insensitive regular expressions with word boundaries, so "TT" matches
"Club 10 TT" but not "attempt", and "run" does not match "brunch". CamelCase type names from
exports ("VirtualRide", "WeightTraining") are split into words before matching.

Order of evidence:

1. sport: the export's type column (Strava "Activity Type", Garmin "Activity Type",
   TrainingPeaks "WorkoutType", intervals.icu "type"), then the title, then the description;
2. kind: the title, then the description (the description is only used when the title says
   nothing, and rest words only count in titles: "3 min rest" in a description means nothing),
   then duration (a ride of 3 h or more, or a run of 90 min or more, is long);
3. priority (races only): a marker in the title, description or categories; a race without one
   is a B race.

A title saying the athlete is away or unable to train (work trip, holiday, family visit, sick,
injured) is kind `unavailable`, sport `other`: no strength session fits that day. Travel is
away too: a flight, a hotel stay or check-in, a rental car or a train journey, in the words
travel tools write ("Flight to Amsterdam (KL 1852)", "Stay at ...", "Check-in: ...",
"Pick-up Rental Car: ..."), and everything a booking tool marks as a trip: a flight number with
its route ("US403 PHX to SFO", "Your flight from FRA to EWR"), a rail route between stations
("Berlin Hbf -> Paris Est"), or TripIt's notes (its item tags "[Flight]", "[Lodging]" ... and
its footer on trip spans such as "South San Francisco, CA, October 2011"). A booking (flight
number route, station route, TripIt transport or lodging tag) is unavailable whatever else the
title says; the other travel words give way to a named session ("Hotel gym", "Ride to the
airport"), as holidays do. An event with
no sport and no training word (the dentist) is kind `other`, sport `other`: it is on the
calendar but is not training. Training with a sport but no intensity word
("Morning Ride") is `easy`, upgraded to `long` by duration.

Sessions that read one way in a plan and another in a log:

- "TT" or "time trial" is a race in a planned calendar ("Club 10 TT"), but in a log of recorded
  activities (Strava, Garmin Connect, intervals.icu exports: `log=True`) it is a test done as
  training ("4k 20min TT"): a hard session. A log marks its real races in a column of its own
  (Strava's "Competition", intervals.icu's "race"), which the CSV reader applies after this.
- Technique and drill sessions are easy even when their set is written as repetitions
  ("Technique swim", "8 x 100 drills"): a repetition count alone is the weakest sign of a hard
  session; intensity words (intervals, threshold, VO2 ...) still make it hard.
- A brick ("Brick run", a run straight off the bike) is a run and a hard (key) session, not the
  "off the bike" of a day without training.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from planner.domain import Kind, Priority, Sport


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# ----------------------------------------------------------------------------------- sport
# Matched against the type column first, then the title, then the description.
SPORT_TABLE: list[tuple[re.Pattern[str], Sport]] = [
    # Strength first: "Strength for cyclists" is a gym session, not a ride.
    (
        _rx(r"\b(strength|weight ?training|weights|gym|lifting|crossfit|kettlebell)\b"),
        Sport.strength,
    ),
    # Swims: pool, open water, Garmin's "Lap Swimming".
    (_rx(r"\b(swim|swimming|pool|open water)\b"), Sport.swim),
    # Running words before riding ones: "5k time trial" is a run, "TT" alone is a ride; a brick
    # is the run straight off the bike.
    (
        _rx(
            r"\b(run|runs|running|jog|jogging|treadmill|trail run|parkrun|marathon|"
            r"half marathon|[0-9]+ ?k (race|run)|5k|10k|fartlek|strides|brick)\b"
        ),
        Sport.run,
    ),
    # Rides: Strava Ride/VirtualRide, Garmin Road/Indoor/Virtual Cycling, TrainingPeaks Bike.
    (
        _rx(
            r"\b(ride|rides|riding|bike|biking|cycling|cycle|virtual ride|road cycling|"
            r"indoor cycling|gravel|mtb|mountain bike|mountain biking|zwift|turbo|trainer|"
            r"spin|velodrome|crit|criterium|gran ?fondo|sportive|cyclo ?sportive|tt|"
            r"time trial|road race|hill ?climb|chaingang|chain gang|cyclocross|cx|ftp|watts|erg)\b"
        ),
        Sport.ride,
    ),
    # Multisport races default to the bike (the longest leg of a triathlon).
    (_rx(r"\b(triathlon|ironman|70\.3|duathlon)\b"), Sport.ride),
]

# ---------------------------------------------------------------------------------- travel
# Bookings: a trip whatever else the title says (checked before the kind table). The codes are
# upper case, so "run to the gym" is no airport route. Each pattern comes with the text it needs
# (" to ", an arrow): a plain substring test spares most titles the pattern.
BOOKING_TITLE: list[tuple[tuple[str, ...], re.Pattern[str]]] = [
    # TripIt and agency flights: "US403 PHX to SFO", "AA 100 JFK to LHR".
    (
        (" to ",),
        re.compile(
            r"\b(?:[A-Z]{2}|[A-Z][0-9]|[0-9][A-Z]) ?[0-9]{1,4}[A-Z]? [A-Z]{3} to [A-Z]{3}\b"
        ),
    ),
    # Airline and booking-site confirmations: "Your flight from FRA to EWR", "Flight AB 8075
    # from HEL to TXL", "Your train from ZMB to FRA".
    ((" to ",), re.compile(r"\b[Ff]rom [A-Z]{3} to [A-Z]{3}\b")),
    # Rail bookings named by their stations: "Berlin Hbf ➞ Paris Est" (bahn.de),
    # "Frankfurt(Main)Hbf -> Paris Nord".
    (("➞", "→", "->"), _rx(r"\b(hbf|hauptbahnhof|bahnhof|gare|stazione|centraal|station)\b")),
]

# TripIt writes each item's type in its notes: transport and lodging are a trip whatever the
# title ("CX888 HKG to YVR" is no cyclocross race).
BOOKING_NOTES = re.compile(
    r"\[(Flight|Lodging|Rail|Car Rental|Cruise|Ground Transportation|Transportation|Parking|"
    r"Directions)\]"
)

# A trip tool's footer: every TripIt item (and its trip spans, titled "City, ST, Month YYYY")
# carries it. Like travel words in a title, it gives way to a session the title names.
TRAVEL_NOTES = _rx(r"(edit details in tripit|tripit - organi[sz]e your travel)")

# ------------------------------------------------------------------------------------ kind
# "TT", "time trial": a race in a planned calendar, a test in a log of recorded activities.
TIME_TRIAL = _rx(r"\b(time[ -]trial|tt|itt)\b")

# Matched against the title, then the description; first match wins.
KIND_TABLE: list[tuple[re.Pattern[str], Kind]] = [
    # Away or unable to train: no strength session fits such a day. English first, then the
    # same words in German, French, Spanish, Italian, Dutch and Portuguese. Titles only (a
    # ride's notes may mention a holiday), and a title that also names a session ("Holiday
    # ride") is that session (see `classify`).
    (
        _rx(
            r"\b(work ?trip|business ?trip|travel|travell?ing|travel day|trip|holidays?|"
            r"vacation|on leave|annual leave|out of office|ooo|conference|away|"
            r"family visit|visiting (family|parents|the in-?laws)|with (the )?family|"
            r"christmas|xmas|sick|sickness|ill|illness|injury|injured|flu|covid|surgery|"
            r"hospital|"
            r"urlaub|dienstreise|gesch(ä|ae)ftsreise|reise|krank|verletzt|verletzung|"
            r"weihnachten|ferien|"
            r"vacances|voyage|d(é|e)placement|malade|bless(é|e)e?|blessure|cong(é|e)|no(ë|e)l|"
            r"vacaciones|viaje|enferm[oa]|lesi(ó|o)n|lesionad[oa]|navidad|"
            r"vacanz[ae]|ferie|viaggio|malat[oa]|infortunio|natale|"
            r"vakantie|zakenreis|ziek|kerst|kerstmis|"
            r"f(é|e)rias|viagem|doente|les(ã|a)o)\b"
        ),
        Kind.unavailable,
    ),
    # Travel as travel tools title it: flights (Google's "Flight to Amsterdam (KL 1852)",
    # Lufthansa's "Flug nach Toulouse"), stays and hotel check-ins (Google's "Stay at ...",
    # TripIt's "Check-in: ..."), rental cars, trains (Google's "Train to Axminster": a place
    # name follows, so "train to failure" is no journey), and TripIt's directions between
    # them. Titles only, like the row above.
    (
        _rx(
            r"\b(flights?|flug|vol (pour|vers)|vuelo|volo|vlucht|voo|layover|airport|"
            r"stay at|h(o|ô)tel|hostel|motel|lodging|accommodation|airbnb|"
            r"check[- ]?in:|check[- ]?out:|"
            r"rental car|car rental|hire car|car hire|"
            r"journey details:|directions (from|to))(?!\w)|"
            r"\btrain (to|from) (?-i:[A-ZÀ-ÖØ-Þ])"
        ),
        Kind.unavailable,
    ),
    # A brick: the run straight off the bike, a key session (before "off the bike" below).
    (_rx(r"\b(brick|run off the bike|off the bike run|transition run)\b"), Kind.hard),
    # Explicitly no training ("Christmas with family (no bike)"): not training at all.
    (
        _rx(
            r"\b(no (bike|biking|cycling|riding|ride|run|running|training|swim|swimming|sport)|"
            r"off the bike|not training)\b"
        ),
        Kind.other,
    ),
    # Race-pace and race-simulation sessions are hard training, not races.
    (_rx(r"\b(race[ -]pace|race simulation|race sim|marathon pace|mp run)\b"), Kind.hard),
    # The short sharpening spin the day before a race is light.
    (_rx(r"\b(openers|pre[ -]race|race prep|post[ -]race)\b"), Kind.easy),
    # Races: generic words, road and track formats, mass-participation rides and runs.
    (
        _rx(
            r"\b(race|racing|crit|criterium|gran ?fondo|sportive|"
            r"cyclo ?sportive|marathon|half marathon|[0-9]+ ?k race|triathlon|ironman|70\.3|"
            r"duathlon|hill ?climb|road race|cyclocross|competition)\b"
        ),
        Kind.race,
    ),
    # Time trials: a race in a plan, a test in a log (see LOG_KIND_TABLE).
    (TIME_TRIAL, Kind.race),
    # Rest: only a title counts (descriptions mention rest between intervals).
    (_rx(r"\b(rest|rest day|day off|off day|no training)\b"), Kind.rest),
    # Hard sessions: intervals and anything above threshold.
    (
        _rx(
            r"\b(intervals?|vo2|vo2 ?max|threshold|tempo|sweet ?spot|track|hill repeats|"
            r"hill reps|fartlek|anaerobic|sprints?|over[ -]?unders?|ftp test|ramp test|"
            r"z[4-7]|zone [4-7])\b"
        ),
        Kind.hard,
    ),
    # Technique and drills are easy, even written as repetitions ("8 x 100 drills").
    (_rx(r"\b(technique|drills?|skills?)\b"), Kind.easy),
    # A set written as repetitions ("5x4", "8 x 100") is hard.
    (_rx(r"\b([0-9]+ ?x ?[0-9]+)\b"), Kind.hard),
    # Long sessions named as such.
    (_rx(r"\b(long ride|long run|long)\b"), Kind.long),
    # Easy sessions: recovery, zone 1-2, endurance pace.
    (
        _rx(
            r"\b(recovery|easy|z[12]|zone [12]|endurance|shake ?out|spin|aerobic|"
            r"coffee ride)\b"
        ),
        Kind.easy,
    ),
]

# The kind table for a log of recorded activities: there a TT is a test, a hard session.
LOG_KIND_TABLE: list[tuple[re.Pattern[str], Kind]] = [
    (p, Kind.hard if p is TIME_TRIAL else k) for p, k in KIND_TABLE
]

# Rows of KIND_TABLE whose words only count in a title (see the rest and unavailable rows).
TITLE_ONLY_KINDS = {Kind.rest, Kind.unavailable}

# The rows read in a description (when the title says nothing).
NOTES_TABLE = [(p, k) for p, k in KIND_TABLE if k not in TITLE_ONLY_KINDS]
LOG_NOTES_TABLE = [(p, k) for p, k in LOG_KIND_TABLE if k not in TITLE_ONLY_KINDS]

# "no bike", "not training": a title that names a sport only to say it is not done.
_NEGATED_SPORT = next(p for p, k in KIND_TABLE if k == Kind.other)

# Type-column values that say the kind outright (TrainingPeaks "Day Off").
TYPE_KIND_TABLE: list[tuple[re.Pattern[str], Kind]] = [
    # TrainingPeaks day off.
    (_rx(r"\b(day off|rest|off)\b"), Kind.rest),
    # intervals.icu / Strava race flags exported as a type or category.
    (_rx(r"\brace\b"), Kind.race),
]

# -------------------------------------------------------------------------------- priority
# Markers in the title or description. The letter must be upper case in "A race", so the
# English article in "not a race" is not a priority.
PRIORITY_TABLE: list[re.Pattern[str]] = [
    # "Gran Fondo (A)"
    re.compile(r"\(\s*([ABC])\s*\)"),
    # "[A] Nationals"
    re.compile(r"\[\s*([ABC])\s*\]"),
    # "A race", "A-race", "A-Race", "A_race"
    re.compile(r"\b([ABC])[ _-]?(?:race|Race|RACE)\b"),
    # "Priority A", "priority: b", "Prio C"
    re.compile(r"\b(?:priority|prio)\s*[:=-]?\s*([ABCabc])\b", re.IGNORECASE),
    # intervals.icu categories "RACE_A", "Race A"
    re.compile(r"\b(?:race|Race|RACE)[ _-]?([ABC])\b"),
]

# A CATEGORIES value (iCal) or priority column (CSV) may be just the letter.
_BARE_LETTER = re.compile(r"^\s*([ABCabc])\s*$")

# Duration thresholds that make an easy session long.
LONG_RIDE_MIN = 180
LONG_RUN_MIN = 90

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SEPARATORS = re.compile(r"[_/]+")


def normalise(text: str | None) -> str:
    """Split CamelCase and separators into words: 'VirtualRide' -> 'Virtual Ride'."""
    if not text:
        return ""
    return _SEPARATORS.sub(" ", _CAMEL.sub(" ", text))


def _first(table: Iterable[tuple[re.Pattern[str], object]], text: str) -> object | None:
    if not text:
        return None
    for pattern, result in table:
        if pattern.search(text):
            return result
    return None


def sport_of(type_text: str = "", title: str = "", description: str = "") -> Sport | None:
    """The sport named by the type column, else the title, else the description; None if none."""
    return _sport_and_origin(normalise(type_text), normalise(title), description)[0]


def _sport_and_origin(type_text: str, title: str, description: str) -> tuple[Sport | None, str]:
    """Like `sport_of`, with the type and title already normalised; also says where from."""
    texts = (("type", type_text), ("title", title), ("description", description))
    for origin, text in texts:
        found = _first(SPORT_TABLE, text)
        if found is not None:
            return found, origin  # type: ignore[return-value]
    return None, ""


def kind_of(
    title: str = "", description: str = "", type_text: str = "", log: bool = False
) -> Kind | None:
    """The kind named by the type column, else the title, else the description; None if none.
    `log`: the text comes from a log of recorded activities (see LOG_KIND_TABLE)."""
    return _kind(normalise(title), description, normalise(type_text), log)


def _kind(title: str, description: str, type_text: str, log: bool) -> Kind | None:
    """`kind_of` with the title and type already normalised."""
    found = _first(TYPE_KIND_TABLE, type_text)
    if found is not None:
        return found  # type: ignore[return-value]
    found = _first(LOG_KIND_TABLE if log else KIND_TABLE, title)
    if found is not None:
        return found  # type: ignore[return-value]
    if description and TRAVEL_NOTES.search(description):
        return Kind.unavailable  # a trip tool's item with a title that names nothing
    return _first(LOG_NOTES_TABLE if log else NOTES_TABLE, description)  # type: ignore[return-value]


def is_booking(title: str = "", description: str = "") -> bool:
    """Whether a travel tool or booking marks the event as a trip (BOOKING_TITLE, BOOKING_NOTES)."""
    for needs, pattern in BOOKING_TITLE:
        if any(text in title for text in needs) and pattern.search(title):
            return True
    return bool(description) and BOOKING_NOTES.search(description) is not None


def priority_of(*texts: str) -> Priority | None:
    """The first race-priority marker found in the texts (title, description, categories)."""
    for text in texts:
        if not text:
            continue
        for pattern in PRIORITY_TABLE:
            match = pattern.search(text)
            if match:
                return Priority(match.group(1).upper())
    return None


def priority_value(value: str) -> Priority | None:
    """A priority given on its own (CSV column, iCal category): 'A', 'b', 'A-Race', 'RACE_C'."""
    match = _BARE_LETTER.match(value)
    if match:
        return Priority(match.group(1).upper())
    return priority_of(value)


def classify(
    title: str = "",
    description: str = "",
    type_text: str = "",
    categories: Iterable[str] = (),
    duration_min: int | None = None,
    log: bool = False,
) -> tuple[Sport, Kind, Priority | None]:
    """Sport, kind and priority of one event; priority is set only on races (B by default).
    `log`: the event comes from a log of recorded activities (a TT there is a test)."""
    if is_booking(title, description):
        return Sport.other, Kind.unavailable, None
    cats = [c for c in categories if c and c.strip()]
    cat_text = " ".join(cats)
    words = normalise(title)
    kinds = normalise(type_text)
    sport, origin = _sport_and_origin(kinds, words, description)
    if sport is None:
        sport, origin = sport_of(cat_text), "type"
    kind = _kind(words, description, kinds, log)
    if kind is None and cats:
        kind = kind_of(cat_text, log=log)
    named_session = sport is not None and origin in ("type", "title")
    if kind == Kind.unavailable and named_session and not _NEGATED_SPORT.search(words):
        # "Holiday ride", "Christmas Day run": a session on a special day, not time away.
        rows = [(p, k) for p, k in (LOG_KIND_TABLE if log else KIND_TABLE) if k != Kind.unavailable]
        in_notes = [(p, k) for p, k in rows if k not in TITLE_ONLY_KINDS]
        kind = _first(rows, words) or _first(in_notes, description) or Kind.easy
    if kind == Kind.unavailable:
        return Sport.other, kind, None
    if kind in (Kind.other, Kind.rest) and origin != "type":
        # A rest day or a day without training has no sport, unless the export's type says so.
        return Sport.other, kind, None
    if kind is None:
        if sport is None or origin == "description":
            # No training word, and a sport only mentioned in passing ("hotel gym only").
            return Sport.other, Kind.other, None
        kind = Kind.easy
    if (
        kind == Kind.easy
        and duration_min is not None
        and (
            (sport == Sport.ride and duration_min >= LONG_RIDE_MIN)
            or (sport == Sport.run and duration_min >= LONG_RUN_MIN)
        )
    ):
        kind = Kind.long
    priority: Priority | None = None
    if kind == Kind.race:
        priority = priority_of(title, description)
        for cat in cats:
            priority = priority or priority_value(cat)
        priority = priority or Priority.B
    return sport or Sport.other, kind, priority
