"""Domain model: the athlete's calendar, the exercise catalog and the athlete profile.

Everything here is plain data (pydantic v2). Importers produce a `Calendar`, the catalog loader a
`Catalog`; the planner reads both and never parses files itself.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Sport(StrEnum):
    """What kind of activity an event is."""

    ride = "ride"
    run = "run"
    swim = "swim"
    triathlon = "triathlon"  # an athlete's main sport; events are ride, run or swim
    strength = "strength"
    other = "other"


# The sports an athlete can name as their main sport: strength is what the planner plans, and
# "other" says nothing about which chains matter.
ENDURANCE_SPORTS = (Sport.ride, Sport.run, Sport.swim, Sport.triathlon)


class Kind(StrEnum):
    """How an event weighs on the athlete, as far as strength placement is concerned."""

    race = "race"
    hard = "hard"
    long = "long"
    easy = "easy"
    rest = "rest"
    other = "other"  # not training at all (the dentist, a birthday): counts as no training
    # Away or unable to train (work trip, travel, holiday, illness): no strength session fits.
    unavailable = "unavailable"


class Priority(StrEnum):
    """Race priority: A = season goal, B = important, C = training race."""

    A = "A"
    B = "B"
    C = "C"


class LoadClass(StrEnum):
    """How demanding an exercise is; phases allow some load classes and not others."""

    heavy = "heavy"
    moderate = "moderate"
    light = "light"
    mobility = "mobility"


class Role(StrEnum):
    """An exercise's place in a session: primers first, then the main lifts (heaviest first),
    accessories, and mobility last."""

    primer = "primer"
    main = "main"
    accessory = "accessory"
    mobility = "mobility"


class Progression(StrEnum):
    """How an exercise gets harder within its level, before its reps may come down."""

    weight = "weight"  # a heavier kettlebell, dumbbell, bar or machine stack
    band = "band"  # a thicker mini band: light -> medium -> heavy
    bodyweight = "bodyweight"  # nothing to add: reps and holds climb, the next level is harder


WEIGHT_EQUIPMENT = frozenset(
    {"kettlebell", "dumbbell", "barbell", "ankle weight", "cable machine", "leg press"}
)


class Source(BaseModel):
    """Where an event came from, so errors and explanations can point at it."""

    model_config = ConfigDict(frozen=True)

    format: str = Field(description="Detected input format, e.g. 'ics', 'trainingpeaks-csv'.")
    where: str = Field(
        default="", description="Location inside the file: 'line 12', 'row 7' or 'UID abc@x'."
    )


class Event(BaseModel):
    """One entry of the athlete's fixed endurance calendar."""

    model_config = ConfigDict(frozen=True)

    date: dt.date = Field(description="Local calendar day the event happens on.")
    start: dt.datetime | None = Field(
        default=None, description="Start time, timezone-aware when known; None for all-day events."
    )
    end: dt.datetime | None = Field(default=None, description="End time, or None if unknown.")
    title: str = Field(default="", description="Title as the athlete wrote it (never trusted).")
    description: str = Field(default="", description="Free-text notes from the source.")
    sport: Sport = Field(default=Sport.other, description="ride, run, swim, strength or other.")
    kind: Kind = Field(
        default=Kind.other, description="race, hard, long, easy, rest, other or unavailable."
    )
    priority: Priority | None = Field(
        default=None, description="Race priority A/B/C; only races have one."
    )
    duration_min: int | None = Field(
        default=None, ge=0, description="Planned or recorded duration in minutes, if known."
    )
    source: Source = Field(
        default_factory=lambda: Source(format="manual"), description="Origin of the event."
    )

    @model_validator(mode="after")
    def _priority_only_for_races(self) -> Event:
        if self.priority is not None and self.kind != Kind.race:
            raise ValueError("only races have a priority")
        return self

    @property
    def is_race(self) -> bool:
        return self.kind == Kind.race

    @property
    def last_day(self) -> dt.date:
        """The last calendar day the event covers: a multi-day event (a week's holiday) covers
        every day from its date to its end. An end at midnight is exclusive (iCal's DTEND), so
        Mon 09:00 to Wed 00:00 covers Mon and Tue."""
        end = self.end
        if end is None and self.start is not None and self.duration_min:
            end = self.start + dt.timedelta(minutes=self.duration_min)
        if end is None:
            return self.date
        last = end.date()
        if end.time() == dt.time(0) and last > self.date:
            last -= dt.timedelta(days=1)
        return max(self.date, last)


class Skipped(BaseModel):
    """An input row or component the importer could not use, and why."""

    where: str = Field(description="File location: 'row 12', 'line 40', 'VEVENT UID x'.")
    reason: str = Field(description="What was wrong and what to do about it.")


class Calendar(BaseModel):
    """The athlete's imported calendar: events sorted by date, plus what was skipped."""

    format: str = Field(description="Detected format of the source file.")
    events: list[Event] = Field(default_factory=list, description="Events, sorted by date/start.")
    skipped: list[Skipped] = Field(default_factory=list, description="Rows that were not used.")
    timezone: str | None = Field(
        default=None, description="IANA timezone of the source calendar, when it declares one."
    )
    name: str | None = Field(default=None, description="Calendar name, when the source has one.")

    def between(self, start: dt.date, end: dt.date) -> list[Event]:
        """Events with start <= date <= end."""
        return [e for e in self.events if start <= e.date <= end]

    def races(self) -> list[Event]:
        return [e for e in self.events if e.is_race]

    def dominant_sport(self) -> Sport:
        """The endurance sport with the most training time (an hour for events without a
        duration); triathlon when swim, ride and run each hold at least 15 % of it; ride for a
        calendar without endurance training."""
        minutes = dict.fromkeys((Sport.ride, Sport.run, Sport.swim), 0)
        for event in self.events:
            if event.sport in minutes and event.kind != Kind.unavailable:
                minutes[event.sport] += event.duration_min or 60
        total = sum(minutes.values())
        if not total:
            return Sport.ride
        if all(share >= 0.15 * total for share in minutes.values()):
            return Sport.triathlon
        return max(minutes, key=lambda sport: minutes[sport])  # ties: ride, then run


# ----------------------------------------------------------------------------- catalog


class Range(BaseModel):
    """An inclusive integer range, e.g. 8-10 reps."""

    model_config = ConfigDict(frozen=True)

    min: int = Field(ge=0)
    max: int = Field(ge=0)

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, value: object) -> object:
        if isinstance(value, list | tuple) and len(value) == 2:
            return {"min": value[0], "max": value[1]}
        if isinstance(value, int):
            return {"min": value, "max": value}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self

    def at(self, fraction: float) -> int:
        """The value a given fraction (0..1) of the way from min to max, rounded."""
        fraction = min(1.0, max(0.0, fraction))
        return round(self.min + (self.max - self.min) * fraction)


class Dose(BaseModel):
    """How much of an exercise a session prescribes: sets of reps, or sets of timed holds."""

    model_config = ConfigDict(frozen=True)

    sets: Range = Field(description="Number of sets (per side when the exercise is per side).")
    reps: Range | None = Field(default=None, description="Repetitions per set, if rep-based.")
    hold_s: Range | None = Field(default=None, description="Seconds per hold, if hold-based.")
    tempo: str | None = Field(
        default=None, description="Tempo or pause instruction, e.g. '5 s lowering', '3 s hold'."
    )
    rest_s: int = Field(default=60, ge=0, le=600, description="Rest between sets, seconds.")
    seconds_per_rep: int = Field(
        default=4, ge=1, le=30, description="Time one repetition takes at the prescribed tempo."
    )

    @model_validator(mode="after")
    def _reps_or_hold(self) -> Dose:
        if (self.reps is None) == (self.hold_s is None):
            raise ValueError("give exactly one of 'reps' or 'hold_s'")
        return self


class Exercise(BaseModel):
    """One catalog exercise with its place in a progression chain."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Stable identifier, kebab-case.")
    name: str = Field(min_length=1, description="Display name.")
    muscles: list[str] = Field(min_length=1, description="Main muscle groups worked.")
    pattern: str = Field(min_length=1, description="Movement pattern, e.g. hinge, bridge.")
    equipment: list[list[str]] = Field(
        default_factory=list,
        description="Equipment needs: every inner list must be met by any one of its items "
        "(e.g. [['barbell', 'kettlebell', 'dumbbell']]). Empty = bodyweight.",
    )
    load: LoadClass = Field(description="heavy, moderate, light or mobility.")
    posterior_chain: bool = Field(description="Loads glutes/hamstrings/back in a hinge or bridge.")
    lower_body: bool = Field(default=True, description="Loads the legs (matters before key days).")
    per_side: bool = Field(description="Done one side at a time; sets count per side.")
    dose: Dose = Field(description="Dose ranges from the source article.")
    cues: list[str] = Field(min_length=2, max_length=4, description="2-4 short coaching cues.")
    notes: str = Field(default="", description="Why the exercise helps, in a sentence or two.")
    source: str = Field(description="Seed article file the exercise comes from.")
    chain: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="Progression chain id; none for a warm-up primer (see `primes`).",
    )
    level: int | None = Field(
        default=None, ge=1, le=10, description="Position in the chain, 1 = first."
    )
    dwell_days: int | None = Field(
        default=None, ge=0, le=120, description="Days the article says to stay at this level."
    )
    role: Role = Field(
        description="primer, main, accessory or mobility; default: heavy -> main, "
        "mobility -> mobility, else accessory. Every heavy lift is main."
    )
    progression: Progression = Field(
        description="weight, band or bodyweight: what to add before reps come down; default "
        "from the equipment."
    )
    load_note: str = Field(
        default="", max_length=300, description="How to pick the load (weight, band, bodyweight)."
    )
    primes: list[str] = Field(
        default_factory=list,
        description="Chain ids this warm-up primer opens: every session training one of them "
        "does one short set of it in its warm-up (000: side plank before the adductor drills).",
    )
    eccentric: bool = Field(
        default=False,
        description="Hamstring or glute work whose point is the slow lowering under load (the "
        "Romanian deadlift's five-count, the bridge walkout): the soreness it leaves keeps it "
        "to one such exercise a session and out of the end of the taper (eccentric-work).",
    )
    beyond_articles: bool = Field(
        default=False,
        description="Not from the five seed articles (from the strength studies); such "
        "exercises are used only with the articles-only rule switched off.",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_role_and_progression(cls, data: object) -> object:
        # Older catalogs have neither field: derive them from the load class and equipment.
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "role" not in data:
            load = data.get("load")
            data["role"] = {"heavy": "main", "mobility": "mobility"}.get(str(load), "accessory")
        if "progression" not in data:
            items = {
                str(item).lower()
                for need in data.get("equipment") or []
                if isinstance(need, list)
                for item in need
            }
            band = "band" if "mini band" in items else "bodyweight"
            data["progression"] = "weight" if items & WEIGHT_EQUIPMENT else band
        return data

    @model_validator(mode="after")
    def _heavy_lifts_are_main(self) -> Exercise:
        if self.load == LoadClass.heavy and self.role != Role.main:
            raise ValueError(f"a heavy exercise has role 'main', got {self.role.value!r}")
        return self

    @model_validator(mode="after")
    def _in_a_chain_or_a_primer(self) -> Exercise:
        # A warm-up primer lives outside the chains: the solver never picks it, the warm-up of
        # every session training a chain it `primes` holds it.
        if (self.chain is None) != (self.level is None):
            raise ValueError("give both 'chain' and 'level', or neither (a warm-up primer)")
        if self.chain is None and not (self.primes and self.role == Role.primer):
            raise ValueError(
                "an exercise outside every chain is a warm-up primer: give it role 'primer' and "
                "the chains it opens in 'primes', or give it a 'chain' and 'level'"
            )
        return self

    @property
    def warm_up_primer(self) -> bool:
        return self.chain is None

    @property
    def heavy(self) -> bool:
        return self.load == LoadClass.heavy

    def available_with(self, equipment: set[str]) -> bool:
        """True when each equipment need is met by something the athlete has."""
        have = {item.lower() for item in equipment}
        return all(any(option.lower() in have for option in need) for need in self.equipment)


class Chain(BaseModel):
    """A progression chain: exercises ordered from first to most advanced."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str = Field(description="Display name of the chain.")
    levels: list[str] = Field(description="Exercise ids, level 1 first.")


class Catalog(BaseModel):
    """The exercise catalog: exercises and the chains they form."""

    model_config = ConfigDict(frozen=True)

    exercises: list[Exercise]
    chains: list[Chain]
    source: str = Field(default="", description="File the catalog was read from.")

    @cached_property
    def by_id(self) -> dict[str, Exercise]:
        return {e.id: e for e in self.exercises}

    @cached_property
    def chain_by_id(self) -> dict[str, Chain]:
        return {c.id: c for c in self.chains}

    def exercise(self, exercise_id: str) -> Exercise:
        return self.by_id[exercise_id]

    def equipment_items(self) -> list[str]:
        """Every equipment item any exercise mentions, sorted."""
        return sorted({item for e in self.exercises for need in e.equipment for item in need})


class Experience(StrEnum):
    """Strength-training experience: how much adaptation comes before heavy work."""

    novice = "novice"
    intermediate = "intermediate"
    advanced = "advanced"


class AthleteProfile(BaseModel):
    """Who the plan is for."""

    sport: Sport = Field(
        default=Sport.ride, description="Main endurance sport: ride, run, swim or triathlon."
    )
    experience: Experience = Field(
        default=Experience.intermediate,
        description="Strength-training experience: novice, intermediate or advanced.",
    )
    equipment: list[str] = Field(
        default_factory=list,
        description="Equipment at hand; empty means 'everything the catalog needs'.",
    )
    start_levels: dict[str, int] = Field(
        default_factory=dict, description="Chain id -> starting level (default 1)."
    )
    timezone: str | None = Field(default=None, description="IANA timezone for exports.")

    @field_validator("sport")
    @classmethod
    def _endurance_sport(cls, value: Sport) -> Sport:
        if value not in ENDURANCE_SPORTS:
            names = ", ".join(s.value for s in ENDURANCE_SPORTS)
            raise ValueError(f"the main sport must be an endurance sport ({names}), not {value}")
        return value
