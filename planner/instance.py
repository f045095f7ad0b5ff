"""The solver's input, fully preprocessed: days with their phase and events, the athlete's chains,
and the dose of every exercise on every day. Model code only loops over this data.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property

from planner.config import PlannerConfig
from planner.constants import MAX_WEEKS, SETUP_S
from planner.domain import (
    AthleteProfile,
    Calendar,
    Catalog,
    Event,
    Exercise,
    Kind,
    Priority,
    Progression,
)
from planner.periodisation import GOALS, DayPhase, Goal, WeekPhase, phase_days
from planner.plan import PhaseName

PRIORITY_ORDER = {Priority.A: 0, Priority.B: 1, Priority.C: 2}


@dataclass(frozen=True)
class Day:
    """One day of the horizon and what the endurance calendar holds on it."""

    index: int
    date: dt.date
    week: int
    season: DayPhase
    events: tuple[Event, ...]

    @property
    def phase(self) -> PhaseName:
        return self.season.phase

    @property
    def goal(self) -> Goal:
        return self.season.goal

    @property
    def deload(self) -> bool:
        return self.season.deload

    @property
    def race(self) -> Priority | None:
        """Highest race priority on this day, if any race."""
        races = [e.priority or Priority.B for e in self.events if e.kind == Kind.race]
        return min(races, key=PRIORITY_ORDER.__getitem__) if races else None

    @property
    def key_session(self) -> Event | None:
        """The day's hard or long endurance session (or race), if any."""
        for kind in (Kind.race, Kind.hard, Kind.long):
            for event in self.events:
                if event.kind == kind:
                    return event
        return None

    def has(self, *kinds: Kind) -> bool:
        return any(e.kind in kinds for e in self.events)

    @property
    def label(self) -> str:
        return self.date.strftime("%a %d %b")


@dataclass(frozen=True)
class Dosed:
    """An exercise's prescription on a given day."""

    sets: int
    reps: int | None
    hold_s: int | None
    minutes: int


@dataclass(frozen=True)
class ChainPlan:
    """A progression chain as this athlete can do it: unavailable levels are left out."""

    id: str
    name: str
    levels: tuple[Exercise, ...]
    start: int  # index into levels the athlete starts at
    left_out: tuple[tuple[Exercise, str], ...] = ()

    def __len__(self) -> int:
        return len(self.levels)


@dataclass(frozen=True)
class RaceRef:
    """A race relative to the horizon: offset in days from the start (may fall outside it)."""

    offset: int
    priority: Priority
    event: Event


@dataclass(frozen=True)
class History:
    """What a re-plan keeps: days before `first_free` are history and are not decided again.

    Sessions map a day to {chain index: level index}. `done` holds the sessions that happened
    (missed ones are left out: they did not happen); `previous` the previous plan's sessions
    from `first_free` on, for the stability rule and as the solver's starting point.
    """

    first_free: int
    done: dict[int, dict[int, int]] = field(default_factory=dict)
    previous: dict[int, dict[int, int]] = field(default_factory=dict)
    pinned: frozenset[int] = frozenset()
    pinned_exercises: dict[int, dict[int, int]] = field(default_factory=dict)
    blocked: frozenset[int] = frozenset()


@dataclass
class Instance:
    start: dt.date
    days: list[Day]
    chains: list[ChainPlan]
    races: list[RaceRef]
    config: PlannerConfig
    catalog: Catalog
    profile: AthleteProfile
    calendar: Calendar
    weeks: list[WeekPhase] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the season's shape had to give up
    history: History | None = None
    _doses: dict[tuple[str, Goal, float, bool, Dosed | None], Dosed] = field(
        default_factory=dict, repr=False
    )

    @property
    def first_free(self) -> int:
        """First day the solver decides; earlier days are history (re-plans only)."""
        return self.history.first_free if self.history else 0

    def free_days(self, days: range | None = None) -> range:
        """The given days (default: all) from `first_free` on."""
        days = days if days is not None else range(self.n_days)
        return range(max(days.start, self.first_free), days.stop)

    @property
    def n_days(self) -> int:
        return len(self.days)

    @property
    def n_weeks(self) -> int:
        return (self.n_days + 6) // 7

    @property
    def end(self) -> dt.date:
        return self.days[-1].date

    def week_days(self, week: int) -> range:
        return range(week * 7, min(self.n_days, week * 7 + 7))

    def days_before(self, day: int, count: int) -> range:
        """The `count` days before `day` that lie in the plan; `day` itself may lie past its
        end (a race just after the plan still closes the plan's last days). race-day's closed
        days and key-session-spacing's 48 h share this one window."""
        return range(max(0, day - count), min(self.n_days, day))

    def week_goal(self, week: int) -> Goal:
        """The goal of most of the week's days (a race can split a week)."""
        return self.weeks[week].goal

    def week_deload(self, week: int) -> bool:
        return self.weeks[week].deload

    def week_loaded(self, week: int) -> bool:
        """Whether the week is a normal training week of max strength or maintenance."""
        return self.week_goal(week) in (Goal.max_strength, Goal.maintenance)

    def week_target(self, week: int) -> int:
        """Sessions the phase asks for in this week, scaled down for a partial last week and
        for the days no session can go on (`closed_days`): a week the rules close entirely
        asks for none, so weekly-frequency never charges a session that was impossible."""
        target = GOALS[self.week_goal(week)].sessions_per_week
        days = [d for d in self.week_days(week) if d not in self.closed_days]
        return min(target, math.ceil(target * len(days) / 7))

    @cached_property
    def closed_days(self) -> frozenset[int]:
        """Days the calendar closes to strength while the rule behind each is on: time away
        (unavailable-days), race days and the days before them (race-day), and the recovery
        after races (post-race-recovery). The rules' own parameters say how many days; the
        rules state the same days as hard constraints."""
        closed = set(self.away_days) if self.config.params("unavailable-days").enabled else set()
        race_day = self.config.params("race-day")
        window = getattr(race_day, "days_free_before", None)
        recovery = self.config.params("post-race-recovery")
        recovery_days = getattr(recovery, "recovery_days", None)
        for race in self.races:
            if race_day.enabled and window is not None:
                closed.update(self.days_before(race.offset, window(race.event)))
                closed.add(race.offset)
            if recovery.enabled and recovery_days is not None:
                last = race.offset + recovery_days(race.priority, race.event)
                closed.update(range(race.offset + 1, last + 1))
        return frozenset(d for d in closed if 0 <= d < self.n_days)

    @cached_property
    def away_days(self) -> dict[int, Event]:
        """Day index -> the unavailable event (travel, holiday, illness) covering it, from the
        event's date to its last day; events that began before the horizon count too."""
        days: dict[int, Event] = {}
        for event in self.calendar.events:
            if event.kind != Kind.unavailable:
                continue
            first = max(0, (event.date - self.start).days)
            last = min(self.n_days - 1, (event.last_day - self.start).days)
            for day in range(first, last + 1):
                days.setdefault(day, event)
        return days

    def day_index(self, date: dt.date) -> int | None:
        offset = (date - self.start).days
        return offset if 0 <= offset < self.n_days else None

    def allowed(self, day: int, exercise: Exercise) -> bool:
        """Whether the day's phase allows the exercise's load class; every day of a transition
        week allows only the transition's (phase-loads' `whole_transition_week`)."""
        goal = Goal.transition if day in self.transition_week_days else self.days[day].goal
        return exercise.load in GOALS[goal].loads

    @cached_property
    def transition_week_days(self) -> frozenset[int]:
        """Days of plan weeks whose goal is transition, when phase-loads keeps them all easy:
        the transition starts the day after an A race, so the next block would otherwise open
        in the middle of the week the plan calls transition."""
        params = self.config.params("phase-loads")
        if not (params.enabled and getattr(params, "whole_transition_week", False)):
            return frozenset()
        return frozenset(
            d
            for w in range(self.n_weeks)
            if self.week_goal(w) == Goal.transition
            for d in self.week_days(w)
        )

    def dose(self, day: int, exercise: Exercise) -> Dosed:
        d = self.days[day]
        before = self.normal_day_before(day) if d.deload else None
        ceiling = None if before is None else self.dose(before, exercise)
        key = (exercise.id, d.goal, d.season.fraction, d.deload, ceiling)
        if key not in self._doses:
            self._doses[key] = prescribe(
                exercise,
                d.goal,
                d.season.fraction,
                d.deload,
                self.config.season.deload_volume_pct,
                ceiling,
            )
        return self._doses[key]

    def normal_day_before(self, day: int) -> int | None:
        """The last loaded day before `day`'s week that is not a deload: a deload keeps or
        lowers that day's reps (it cuts sets and effort, never adds reps)."""
        for d in range(self.days[day].week * 7 - 1, -1, -1):
            past = self.days[d]
            if past.goal not in (Goal.max_strength, Goal.maintenance):
                return None
            if not past.deload:
                return d
        return None

    @cached_property
    def calendar_last_day(self) -> int:
        """Day index of the calendar's last event: past the horizon, or negative when the
        calendar ends before the start (or is empty). Days after it are unknown, not rest."""
        if not self.calendar.events:
            return -1
        return (max(e.date for e in self.calendar.events) - self.start).days

    def covered(self, day: int) -> bool:
        """Whether the athlete's calendar reaches this day, so an empty day means no training."""
        return day <= self.calendar_last_day

    @cached_property
    def chain_index(self) -> dict[str, int]:
        return {c.id: i for i, c in enumerate(self.chains)}


def prescribe(
    exercise: Exercise,
    goal: Goal,
    fraction: float,
    deload: bool,
    deload_pct: int,
    ceiling: Dosed | None = None,
) -> Dosed:
    """Place the dose inside the catalog's ranges by goal and by week within the phase; a
    deload's reps and holds stay at or below `ceiling`, the last normal week's dose."""
    spec = GOALS[goal]
    dose = exercise.dose
    sets = dose.sets.at(spec.sets_from + (spec.sets_to - spec.sets_from) * fraction)
    if deload:
        sets = max(1, math.floor(sets * (100 - deload_pct) / 100 + 0.5))
    position = rep_position(exercise, goal, fraction)
    reps = dose.reps.at(position) if dose.reps else None
    hold = dose.hold_s.at(position) if dose.hold_s else None
    if ceiling is not None:
        reps = reps if reps is None or ceiling.reps is None else min(reps, ceiling.reps)
        hold = hold if hold is None or ceiling.hold_s is None else min(hold, ceiling.hold_s)
    sides = 2 if exercise.per_side else 1
    work_s = reps * dose.seconds_per_rep if reps is not None else (hold or 0)
    total_s = sets * sides * work_s + max(0, sets - 1) * dose.rest_s + SETUP_S
    return Dosed(sets=sets, reps=reps, hold_s=hold, minutes=max(1, math.ceil(total_s / 60)))


def rep_position(exercise: Exercise, goal: Goal, fraction: float) -> float:
    """Where reps (or hold seconds) sit in the catalog's range, 0 = bottom, 1 = top.

    Weighted lifts follow the goal: reps come down as the weight goes up. Band and bodyweight
    work has no weight to add, so its reps climb to the top of the range through adaptation and
    stay there (a thicker band or the next level makes it harder): reps never drop while nothing
    gets heavier, except when the taper and transition cut the work on purpose.
    """
    spec = GOALS[goal]
    if exercise.progression == Progression.weight or goal in (Goal.taper, Goal.transition):
        return spec.reps_from + (spec.reps_to - spec.reps_from) * fraction
    return fraction if goal == Goal.adaptation else 1.0


def build_chains(catalog: Catalog, profile: AthleteProfile, extras: bool = True) -> list[ChainPlan]:
    """The athlete's chains: levels their equipment allows, without the exercises beyond the
    articles unless `extras` (the articles-only rule switched off)."""
    have = set(profile.equipment)
    chains = []
    for chain in catalog.chains:
        exercises = [catalog.exercise(eid) for eid in chain.levels]
        usable = [
            e
            for e in exercises
            if (not have or e.available_with(have)) and (extras or not e.beyond_articles)
        ]
        left_out = tuple((e, _left_out_reason(e, extras)) for e in exercises if e not in usable)
        if not usable:
            continue
        wanted = profile.start_levels.get(chain.id, 1)
        start = next((i for i, e in enumerate(usable) if e.level >= wanted), len(usable) - 1)
        chains.append(ChainPlan(chain.id, chain.name, tuple(usable), start, left_out))
    return chains


def _left_out_reason(exercise: Exercise, extras: bool) -> str:
    if exercise.beyond_articles and not extras:
        return "beyond the articles, and the articles-only rule is on"
    return "needs " + " and ".join(" or ".join(need) for need in exercise.equipment)


def build_instance(
    calendar: Calendar,
    catalog: Catalog,
    profile: AthleteProfile,
    config: PlannerConfig,
    start: dt.date,
    weeks: int,
) -> Instance:
    """Preprocess everything the model needs for a horizon of `weeks` weeks from `start`."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be between 1 and {MAX_WEEKS}, got {weeks}")
    n_days = weeks * 7
    end = start + dt.timedelta(days=n_days - 1)
    races = [
        RaceRef((e.date - start).days, e.priority or Priority.B, e)
        for e in calendar.events
        if e.kind == Kind.race
    ]
    # A races shortly after the horizon still shape its last phases (build, peak, taper).
    a_races = [start + dt.timedelta(days=r.offset) for r in races if r.priority == Priority.A]
    # The plan opens with the adaptation the athlete's experience asks for (adaptation-first).
    adaptation = config.params("adaptation-first")
    weeks_for = getattr(adaptation, "weeks_for", None)
    first_adaptation = weeks_for(profile.experience) if adaptation.enabled and weeks_for else None
    shape = phase_days(start, n_days, a_races, config.season, first_adaptation)
    phases = shape.days
    by_day: dict[dt.date, list[Event]] = {}
    for event in calendar.between(start, end):
        by_day.setdefault(event.date, []).append(event)
    days = [
        Day(
            index=i,
            date=start + dt.timedelta(days=i),
            week=i // 7,
            season=phases[i],
            events=tuple(by_day.get(start + dt.timedelta(days=i), ())),
        )
        for i in range(n_days)
    ]
    return Instance(
        start=start,
        days=days,
        chains=build_chains(catalog, profile, not config.params("articles-only").enabled),
        races=[r for r in races if -30 <= r.offset < n_days + 30],
        config=config,
        catalog=catalog,
        profile=profile,
        calendar=calendar,
        weeks=shape.weeks,
        notes=shape.notes,
    )
