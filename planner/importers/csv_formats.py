"""CSV calendar exports: TrainingPeaks, Strava, Garmin Connect, intervals.icu and a generic format.

Each export is recognised by a header signature (columns that must all be present, compared
case-insensitively after trimming):

- trainingpeaks-csv: Title, WorkoutType, WorkoutDay. Date WorkoutDay; duration
  TimeTotalInHours (done), else PlannedDuration (planned), both in hours.
- strava-csv: Activity ID, Activity Date, Activity Name, Activity Type. Date "Activity Date"
  (UTC, e.g. "Jan 1, 2024, 10:00:00 AM"); duration "Elapsed Time" in seconds (the first of
  Strava's two "Elapsed Time" columns), else "Moving Time"; a true or non-zero "Competition"
  column (the race tag of recent exports) marks a race.
- intervals-csv: start_date_local, name, type. Local ISO date-time; duration elapsed_time,
  else moving_time, in seconds; a true "race" column marks a race.

Strava, Garmin Connect and intervals.icu exports are logs of recorded activities: a "TT" or
"time trial" there is a test done in training, a hard session, unless the row's race column
marks it (`classify`, LOG_KIND_TABLE).
- garmin-csv: Activity Type, Date, Title and one of Favorite/Time/Calories/Distance. Local
  "2025-02-06 17:06:03"; duration Time (h:mm:ss), else Elapsed/Activity/Moving Time. The
  same columns in the languages Garmin Connect exports in (`GARMIN_LOCALISED`: German
  "Aktivitätstyp,Datum,Favorit,Titel", Norwegian/Danish "Aktivitetstype,Dato", ...).
- generic-csv: date, title (see below).

The generic format is for people writing their calendar by hand or in a spreadsheet:

    date,title,sport,kind,priority,duration_min,description
    2027-04-11,Cotswolds Gran Fondo,ride,race,A,300,Goal event of the season
    2027-04-06,VO2 intervals 5x4 min,,,,75,

- ``date`` (required): ISO ``2027-04-11`` preferred; ``11/04/2027``, ``11.04.2027`` and
  ``Apr 11, 2027`` are read too. A time may follow the date (``2027-04-11 08:00``).
- ``title`` (required): free text; sport and kind are guessed from it when not given.
- ``sport``: ride, run, swim, strength or other (Strava/Garmin type names work too).
- ``kind``: race, hard, long, easy, rest or other.
- ``priority``: A, B or C, races only (a priority with no kind makes the row a race).
- ``duration_min``: minutes (``90``), or ``1:30`` / ``1:30:00`` (hours:minutes[:seconds]),
  or ``1h30``.
- ``description``: free text, also searched for intensity words and race markers.

Any encoding (UTF-8 with or without BOM, UTF-16, Windows-1252/Latin-1), delimiter ``,`` ``;``
tab or ``|``, quoted cells with embedded newlines, and thousands separators are accepted. A row
that cannot be used (bad date, negative duration, ...) is reported in ``skipped`` as
``row N`` - the row number a spreadsheet shows, the header being row 1 - and the rest of the
file is imported.

Numbers: ``1,234`` and ``1.234,5`` are read with thousands separators; a single comma followed by
other than three digits (``0,75``) is a decimal comma, and in ``;``-delimited files (European
spreadsheets) a comma is always decimal and a dot before groups of three digits (``3.720``) is a
thousands separator. Numeric dates: a file where some first field exceeds 12
is read day-first, one where some second field exceeds 12 month-first; otherwise month-first (the
US default of Garmin and Strava exports), except ``31.12.2026`` dot dates, always day-first.

Times: Strava's "Activity Date" is UTC and is converted to the athlete's timezone when one is
given; the other exports give local wall-clock times, which get the athlete's timezone attached
when given and stay naive (no offset) otherwise.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from planner.domain import Event, Kind, Priority, Skipped, Source, Sport
from planner.errors import CalendarError
from planner.importers import classify
from planner.importers.limits import MAX_CSV_ROWS, MAX_DURATION_MIN, MAX_YEAR, MIN_YEAR


class RowError(ValueError):
    """One row cannot be used; the message says what to fix."""


# ------------------------------------------------------------------------------- formats


@dataclass(frozen=True)
class CsvFormat:
    """How to read one export: its header signature and which columns mean what."""

    name: str
    label: str
    signature: tuple[str, ...]
    date: tuple[str, ...]
    title: tuple[str, ...]
    type: tuple[str, ...] = ()
    description: tuple[str, ...] = ()
    # (column, unit) in order of preference; unit is "h", "min" or "s".
    durations: tuple[tuple[str, str], ...] = ()
    any_of: tuple[str, ...] = ()  # at least one of these must be present too
    utc: bool = False  # timestamps are UTC rather than local wall-clock time
    race_flags: tuple[str, ...] = ()  # boolean columns that mark a race
    explicit: bool = False  # sport/kind/priority columns are read (generic format)
    log: bool = False  # recorded activities, not a plan: a "TT" is a test (classify)

    def matches(self, headers: set[str]) -> bool:
        if not all(col.lower() in headers for col in self.signature):
            return False
        return not self.any_of or any(col.lower() in headers for col in self.any_of)


TRAININGPEAKS = CsvFormat(
    name="trainingpeaks-csv",
    label="TrainingPeaks workouts export",
    signature=("Title", "WorkoutType", "WorkoutDay"),
    date=("WorkoutDay",),
    title=("Title",),
    type=("WorkoutType",),
    description=("WorkoutDescription",),
    durations=(("TimeTotalInHours", "h"), ("PlannedDuration", "h")),
)
STRAVA = CsvFormat(
    name="strava-csv",
    label="Strava bulk export activities.csv",
    signature=("Activity ID", "Activity Date", "Activity Name", "Activity Type"),
    date=("Activity Date",),
    title=("Activity Name",),
    type=("Activity Type",),
    description=("Activity Description",),
    durations=(("Elapsed Time", "s"), ("Moving Time", "s")),
    utc=True,
    race_flags=("Competition",),
    log=True,
)
GARMIN = CsvFormat(
    name="garmin-csv",
    label="Garmin Connect Activities.csv",
    signature=("Activity Type", "Date", "Title"),
    any_of=("Favorite", "Time", "Calories", "Distance"),
    date=("Date",),
    title=("Title",),
    type=("Activity Type",),
    durations=(
        ("Time", "hms"),
        ("Elapsed Time", "hms"),
        ("Activity Time", "hms"),
        ("Moving Time", "hms"),
    ),
    log=True,
)
INTERVALS = CsvFormat(
    name="intervals-csv",
    label="intervals.icu activities CSV",
    signature=("start_date_local", "name", "type"),
    date=("start_date_local",),
    title=("name",),
    type=("type",),
    description=("description",),
    durations=(("elapsed_time", "s"), ("moving_time", "s")),
    race_flags=("race",),
    log=True,
)
GENERIC = CsvFormat(
    name="generic-csv",
    label="generic CSV (date,title[,sport,kind,priority,duration_min,description])",
    signature=("date", "title"),
    date=("date",),
    title=("title",),
    description=("description",),
    durations=(("duration_min", "min"),),
    explicit=True,
)

# Garmin Connect writes Activities.csv in the account's language. Headers seen in real exports
# (German, Norwegian, Swedish, Danish, Dutch, French, Spanish, Italian), lower case, with the
# English column each stands for; a Garmin file is read through this table.
GARMIN_LOCALISED: dict[str, str] = {
    # activity type
    "aktivitätstyp": "activity type",
    "aktivitetstype": "activity type",
    "aktivitetstyp": "activity type",
    "activiteittype": "activity type",
    "type d'activité": "activity type",
    "tipo de actividad": "activity type",
    "tipo di attività": "activity type",
    # date
    "datum": "date",
    "dato": "date",
    "fecha": "date",
    "data": "date",
    # title
    "titel": "title",
    "tittel": "title",
    "titre": "title",
    "título": "title",
    "titolo": "title",
    # favourite
    "favorit": "favorite",
    "favoritt": "favorite",
    "favoriet": "favorite",
    "favori": "favorite",
    "preferita": "favorite",
    # distance
    "distanz": "distance",
    "distanse": "distance",
    "distans": "distance",
    "afstand": "distance",
    "distancia": "distance",
    "distanza": "distance",
    # calories
    "kalorien": "calories",
    "kalorier": "calories",
    "calorieën": "calories",
    "calorías": "calories",
    "calorie": "calories",
    # time (h:mm:ss)
    "zeit": "time",
    "tid": "time",
    "tijd": "time",
    "durée": "time",
    "tiempo": "time",
    "tempo": "time",
    "verstrichene zeit": "elapsed time",
    "zeit in bewegung": "moving time",
    "temps de déplacement": "moving time",
}


# Activity types of a localised export, by word stem, as the English type the classifier knows
# (German Radfahren/Laufen/Laufband/Schwimmen/Krafttraining, Norwegian Løping/Styrketrening/
# Bassengsvømming, Spanish Carrera/Ciclismo, French Course à pied/Cyclisme, ...).
_GARMIN_TYPES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"kraft|styrke|styrka|fuerza|musculation|forza|kracht", re.I),
        "Strength Training",
    ),
    (re.compile(r"schwimm|svøm|sim(ning)?\b|natación|natation|nuoto|zwem", re.I), "Swimming"),
    (
        re.compile(r"lauf|løp|löp|løb|carrera|correr|course|corsa|hardlo|trail", re.I),
        "Running",
    ),
    (
        re.compile(r"rad|sykl|sykkel|cykl|cykel|ciclismo|cyclisme|vélo|fiets|wielren|bici", re.I),
        "Cycling",
    ),
]


def garmin_type(text: str) -> str:
    """The English Garmin activity type for a localised one ('Radfahren' -> 'Cycling')."""
    for pattern, english in _GARMIN_TYPES:
        if pattern.search(text):
            return f"{text} ({english})"
    return text


def garmin_header(cell: str) -> str:
    """The English Garmin column for a (normalised) localised header cell."""
    return GARMIN_LOCALISED.get(cell, cell)


# Most specific first: Strava's header also contains a Garmin-like "Activity Type".
FORMATS: list[CsvFormat] = [TRAININGPEAKS, STRAVA, INTERVALS, GARMIN, GENERIC]
GENERIC_COLUMNS = "date,title[,sport,kind,priority,duration_min,description]"


def supported_formats_text() -> str:
    """One line per supported CSV export with its signature columns (for error messages)."""
    return "; ".join(f"{f.label} ({', '.join(f.signature)})" for f in FORMATS)


# -------------------------------------------------------------------------------- parsing

_NUMERIC_DATE = re.compile(
    r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_TEXT_DATE = re.compile(
    r"^(?:(?P<mon1>[A-Za-z]{3,9})\.?\s+(?P<day1>\d{1,2}),?\s+(?P<year1>\d{4})"
    r"|(?P<day2>\d{1,2})\s+(?P<mon2>[A-Za-z]{3,9})\.?,?\s+(?P<year2>\d{4}))"
    r",?(?:\s+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?)?$"
)
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}
_DATE_HINT = "write dates as YYYY-MM-DD (e.g. 2027-04-11), optionally followed by a time"


def _hour(hour: int, ampm: str | None) -> int:
    if not ampm:
        return hour
    if not 1 <= hour <= 12:
        raise ValueError("hour out of range for AM/PM")
    return hour % 12 + (12 if ampm.lower() == "pm" else 0)


def _tz_of(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    if text == "Z":
        return dt.UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_when(value: str, day_first: bool = False) -> tuple[dt.date, dt.datetime | None]:
    """A date, or a date with time, from an export cell; raises RowError when unreadable."""
    text = value.strip()
    if not text:
        raise RowError(f"the date is empty ({_DATE_HINT})")
    try:
        return _parse_when(text, day_first)
    except (ValueError, OverflowError) as exc:
        raise RowError(f"cannot read the date {text[:40]!r} ({_DATE_HINT})") from exc


def _parse_when(text: str, day_first: bool) -> tuple[dt.date, dt.datetime | None]:
    if len(text) >= 10 and text[4] == "-" and text[:4].isdigit():
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return day, None
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
        return moment.date(), moment
    match = _NUMERIC_DATE.match(text)
    if match:
        a, sep, b, c, hh, mm, ss, ampm, tz = match.groups()
        if len(a) == 4:
            year, month, day_ = int(a), int(b), int(c)
        else:
            year = int(c) + (2000 if len(c) == 2 else 0)
            if len(c) not in (2, 4):
                raise ValueError("year must have 2 or 4 digits")
            first_is_day = day_first or sep == "."
            day_, month = (int(a), int(b)) if first_is_day else (int(b), int(a))
        day = dt.date(year, month, day_)
        if hh is None:
            return day, None
        moment = dt.datetime(
            year, month, day_, _hour(int(hh), ampm), int(mm), int(ss or 0), tzinfo=_tz_of(tz)
        )
        return day, moment
    match = _TEXT_DATE.match(text)
    if match:
        g = match.groupdict()
        mon = (g["mon1"] or g["mon2"]).lower()
        if mon not in _MONTHS:
            raise ValueError(f"unknown month {mon}")
        year = int(g["year1"] or g["year2"])
        day = dt.date(year, _MONTHS[mon], int(g["day1"] or g["day2"]))
        if g["h"] is None:
            return day, None
        moment = dt.datetime(
            day.year,
            day.month,
            day.day,
            _hour(int(g["h"]), g["ampm"]),
            int(g["m"]),
            int(g["s"] or 0),
        )
        return day, moment
    raise ValueError("unrecognised date")


def parse_number(value: str, decimal_comma: bool = False) -> float | None:
    """A number with optional thousands separators; None for blank or '--'."""
    text = value.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.replace("'", "")  # Swiss thousands separator
    if text in ("", "-", "--", "—", "n/a", "N/A", "null", "None", "nan", "NaN"):
        return None
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):  # 1.234,5
            text = text.replace(".", "").replace(",", ".")
        else:  # 1,234.5
            text = text.replace(",", "")
    elif "." in text:
        # with a decimal comma, a dot is a thousands separator, as in 13.100,0
        if decimal_comma and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
    elif "," in text:
        if not decimal_comma and re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
            text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise RowError(f"{value.strip()[:30]!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise RowError(f"{value.strip()[:30]!r} is not a number")
    return number


_CLOCK = re.compile(r"^(-?)(\d+):(\d{1,2})(?::(\d{1,2}(?:[.,]\d+)?))?$")
_UNITS = re.compile(
    r"^(?:(?P<h>\d+(?:[.,]\d+)?)\s*(?:h|hr|hrs|hours?))?\s*"
    r"(?:(?P<m>\d+(?:[.,]\d+)?)\s*(?:m|min|mins|minutes?)?)?\s*"
    r"(?:(?P<s>\d+)\s*(?:s|sec|secs|seconds?))?$",
    re.IGNORECASE,
)
_SCALE = {"h": 60.0, "min": 1.0, "s": 1 / 60, "hms": 1.0}


def parse_duration(value: str, unit: str, decimal_comma: bool = False) -> float | None:
    """Minutes from a duration cell: a number in `unit`, or h:mm[:ss], or '1h30'. None if blank."""
    text = value.strip()
    clock = _CLOCK.match(text)
    if clock:
        sign, h, m, s = clock.groups()
        minutes = int(h) * 60 + int(m) + float((s or "0").replace(",", ".")) / 60
        if unit == "s" and s is None:  # "45:30" in a seconds column is mm:ss
            minutes = int(h) + int(m) / 60
        minutes = -minutes if sign else minutes
    else:
        number = None
        try:
            number = parse_number(text, decimal_comma)
        except RowError:
            units = _UNITS.match(text)
            if not units or not any(units.groupdict().values()) or text.isdigit():
                raise RowError(
                    f"cannot read the duration {text[:30]!r} (give minutes, or h:mm:ss)"
                ) from None
            g = {k: float(v.replace(",", ".")) if v else 0.0 for k, v in units.groupdict().items()}
            return _check_duration(g["h"] * 60 + g["m"] + g["s"] / 60, text)
        if number is None:
            return None
        minutes = number * _SCALE[unit]
    return _check_duration(minutes, text)


def _check_duration(minutes: float, text: str) -> float:
    if minutes < 0:
        raise RowError(f"the duration {text[:30]!r} is negative (fix it or leave it empty)")
    if minutes > MAX_DURATION_MIN:
        raise RowError(
            f"the duration {text[:30]!r} is over {MAX_DURATION_MIN // 60} h "
            "(check the unit of the column, or split the event into days)"
        )
    return minutes


def _truthy(value: str) -> bool:
    """A set flag: true/yes/x, or a number above 0 (Strava writes its tags as "1.0")."""
    text = value.strip().lower()
    if text in ("true", "yes", "y", "x"):
        return True
    try:
        return float(text) > 0
    except ValueError:
        return False


# --------------------------------------------------------------------------------- reader


@dataclass
class _Columns:
    """Column indexes of one file (first occurrence wins for duplicated headers)."""

    index: dict[str, int] = field(default_factory=dict)

    def get(self, row: list[str], names: tuple[str, ...]) -> str:
        for name in names:
            i = self.index.get(name.lower())
            if i is not None and i < len(row) and row[i].strip():
                return row[i]
        return ""

    def pick(self, row: list[str], names: tuple[tuple[str, str], ...]) -> tuple[str, str]:
        for name, unit in names:
            i = self.index.get(name.lower())
            if i is not None and i < len(row) and row[i].strip():
                return row[i], unit
        return "", ""


def _normalise_header(cell: str) -> str:
    return cell.strip().strip('"').strip().lstrip("\ufeff").lower()


def read_header(text: str, delimiter: str) -> list[str]:
    """The header cells of a CSV text."""
    head = _unify_newlines(text[:65536])
    try:
        for row in csv.reader(io.StringIO(head), delimiter=delimiter):
            if any(cell.strip() for cell in row):
                return [_normalise_header(c) for c in row]
    except csv.Error:
        return []
    return []


def _unify_newlines(text: str) -> str:
    """CRLF and old-Mac CR line ends as LF (the csv module rejects a bare CR)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def find_format(headers: list[str]) -> CsvFormat | None:
    """The first export whose signature the header carries."""
    present = set(headers)
    for fmt in FORMATS:
        if fmt.matches(present):
            return fmt
    if GARMIN.matches({garmin_header(h) for h in headers}):
        return GARMIN  # Activities.csv of an account in another language
    return None


def _infer_day_first(rows: list[list[str]], col: int | None) -> bool:
    if col is None:
        return False
    for row in rows:
        if col >= len(row):
            continue
        match = _NUMERIC_DATE.match(row[col].strip())
        if not match or len(match.group(1)) == 4:
            continue
        a, b = int(match.group(1)), int(match.group(3))
        if a > 12 >= b:
            return True
        if b > 12 >= a:
            return False
    return False


def read_csv(
    text: str,
    fmt: CsvFormat,
    delimiter: str,
    *,
    where: str,
    tz: ZoneInfo | None,
    start: dt.date | None,
    end: dt.date | None,
) -> tuple[list[Event], list[Skipped]]:
    """Events and skipped rows of a CSV export in the given format, kept to [start, end]."""
    csv.field_size_limit(min(sys.maxsize, 16 * 1024 * 1024))
    reader = csv.reader(io.StringIO(_unify_newlines(text), newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        header: list[str] | None = None
        for row in reader:
            if header is None:
                if not any(cell.strip() for cell in row):
                    continue
                header = row
                continue
            rows.append(row)
            if len(rows) > MAX_CSV_ROWS:
                raise CalendarError(
                    f"the file has more than {MAX_CSV_ROWS:,} rows",
                    where=where,
                    hint=f"the limit is {MAX_CSV_ROWS:,} rows: export a shorter date range",
                )
    except csv.Error as exc:
        raise CalendarError(
            f"the CSV is malformed near line {reader.line_num} ({exc})",
            where=where,
            hint="check for an unclosed quote, or export the file again",
        ) from exc
    if header is None:
        raise CalendarError("the file has no header row", where=where)
    cols = _Columns({})
    for i, cell in enumerate(header):
        name = _normalise_header(cell)
        cols.index.setdefault(garmin_header(name) if fmt is GARMIN else name, i)
    day_first = _infer_day_first(rows, cols.index.get(fmt.date[0].lower()))
    decimal_comma = delimiter == ";"
    source_format = fmt.name
    events: list[Event] = []
    skipped: list[Skipped] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line carries nothing to import
        try:
            event = _row_event(
                row,
                cols,
                fmt,
                day_first,
                decimal_comma,
                tz,
                Source(format=source_format, where=f"row {number}"),
            )
        except RowError as exc:
            skipped.append(Skipped(where=f"row {number}", reason=str(exc)))
            continue
        if (start is not None and event.date < start) or (end is not None and event.date > end):
            continue
        events.append(event)
    return events, skipped


def _explicit(row: list[str], cols: _Columns) -> tuple[Sport | None, Kind | None, Priority | None]:
    sport_text = cols.get(row, ("sport",)).strip()
    kind_text = cols.get(row, ("kind",)).strip()
    priority_text = cols.get(row, ("priority",)).strip()
    sport: Sport | None = None
    if sport_text:
        try:
            sport = Sport(sport_text.lower())
        except ValueError:
            sport = classify.sport_of(sport_text)
            if sport is None:
                raise RowError(
                    f"sport {sport_text[:30]!r} is not one of "
                    f"{', '.join(s.value for s in Sport)} (or leave it empty)"
                ) from None
    kind: Kind | None = None
    if kind_text:
        try:
            kind = Kind(kind_text.lower())
        except ValueError:
            raise RowError(
                f"kind {kind_text[:30]!r} is not one of {', '.join(k.value for k in Kind)} "
                "(or leave it empty)"
            ) from None
    priority: Priority | None = None
    if priority_text:
        priority = classify.priority_value(priority_text)
        if priority is None:
            raise RowError(f"priority {priority_text[:30]!r} is not A, B or C")
        if kind is None:
            kind = Kind.race
        elif kind != Kind.race:
            raise RowError(
                f"priority {priority.value} is only for races, but kind is {kind.value} "
                "(set kind to race or clear the priority)"
            )
    return sport, kind, priority


def _row_event(
    row: list[str],
    cols: _Columns,
    fmt: CsvFormat,
    day_first: bool,
    decimal_comma: bool,
    tz: ZoneInfo | None,
    source: Source,
) -> Event:
    day, moment = parse_when(cols.get(row, fmt.date), day_first)
    if moment is not None:
        if moment.tzinfo is None and fmt.utc:
            moment = moment.replace(tzinfo=dt.UTC)
        if moment.tzinfo is not None and tz is not None:
            moment = moment.astimezone(tz)
        elif moment.tzinfo is None and tz is not None:
            moment = moment.replace(tzinfo=tz)
        day = moment.date()
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise RowError(f"the year {day.year} is outside {MIN_YEAR}-{MAX_YEAR} (fix the date)")
    title = cols.get(row, fmt.title).strip()
    type_text = cols.get(row, fmt.type).strip()
    if fmt is GARMIN and type_text and classify.sport_of(type_text) is None:
        type_text = garmin_type(type_text)  # an export in another language
    description = cols.get(row, fmt.description).strip()
    raw_duration, unit = cols.pick(row, fmt.durations)
    minutes = parse_duration(raw_duration, unit, decimal_comma) if raw_duration else None
    duration = None if minutes is None else round(minutes)
    sport, kind, priority = classify.classify(
        title, description, type_text, (), duration, log=fmt.log
    )
    if fmt.race_flags and any(_truthy(cols.get(row, (c,))) for c in fmt.race_flags):
        kind = Kind.race
        priority = classify.priority_of(title, description) or Priority.B
    if fmt.explicit:
        given_sport, given_kind, given_priority = _explicit(row, cols)
        if not title and given_sport is None and given_kind is None:
            raise RowError("the title is empty (give a title, or a sport or kind)")
        sport = given_sport or sport
        if given_kind is not None:
            kind = given_kind
            if kind == Kind.race:
                priority = (
                    given_priority or classify.priority_of(title, description) or (Priority.B)
                )
            else:
                priority = None
            if (
                kind not in (Kind.other, Kind.rest, Kind.unavailable)
                and sport == Sport.other
                and given_sport is None
            ):
                sport = classify.sport_of(type_text, title, description) or Sport.other
    if not title:
        title = type_text
    end = moment + dt.timedelta(minutes=duration) if moment is not None and duration else None
    return Event(
        date=day,
        start=moment,
        end=end,
        title=title,
        description=description,
        sport=sport,
        kind=kind,
        priority=priority if kind == Kind.race else None,
        duration_min=duration,
        source=source,
    )
