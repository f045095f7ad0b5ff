"""Strength phases from the race calendar.

Phases are counted in days from each A race, not in 7-day blocks from the plan start: the taper
is the last `taper_weeks * 7` days up to the race, the transition starts the day after it. Before
the taper come peak, build and base; with no A race ahead the time is general preparation.

Goals follow the phases with two coaching corrections: every block opens with anatomical
adaptation, whatever phase the plan starts in (a short block gets a shorter adaptation, not
none), and a max-strength block gets at least `max_strength_weeks`, taken from build when base
is too short; when even that does not fit, the season says why in a note. Deload weeks are plan
weeks (the unit of weekly volume): every `deload_every`-th loaded week, never inside the first
`max_strength_weeks` weeks of max strength.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from planner.config import SeasonSettings
from planner.domain import LoadClass
from planner.plan import PhaseName


class Goal(StrEnum):
    adaptation = "anatomical adaptation"
    max_strength = "max strength"
    maintenance = "maintenance"
    taper = "taper"
    transition = "transition"


@dataclass(frozen=True)
class GoalSpec:
    """What a strength goal allows and asks for."""

    loads: frozenset[LoadClass]
    sessions_per_week: int
    # Where in the catalog's dose ranges the goal sits (0 = bottom, 1 = top), at the start and at
    # the end of its phase: sets climb through max strength, reps come down as loads go up.
    sets_from: float
    sets_to: float
    reps_from: float
    reps_to: float


ALL_LOADS = frozenset(LoadClass)
GOALS: dict[Goal, GoalSpec] = {
    Goal.adaptation: GoalSpec(
        frozenset({LoadClass.moderate, LoadClass.light, LoadClass.mobility}), 2, 0.3, 0.6, 1.0, 1.0
    ),
    Goal.max_strength: GoalSpec(ALL_LOADS, 2, 0.5, 1.0, 0.5, 0.0),
    Goal.maintenance: GoalSpec(ALL_LOADS, 1, 0.0, 0.0, 0.5, 0.5),
    Goal.taper: GoalSpec(
        frozenset({LoadClass.moderate, LoadClass.light, LoadClass.mobility}), 1, 0.0, 0.0, 0.0, 0.0
    ),
    Goal.transition: GoalSpec(frozenset({LoadClass.mobility}), 1, 0.0, 0.0, 0.5, 0.5),
}


@dataclass(frozen=True)
class DayPhase:
    phase: PhaseName
    goal: Goal
    fraction: float  # how far through its goal's block this day's week is, 0..1
    deload: bool


@dataclass(frozen=True)
class WeekPhase:
    """A plan week (7 days from the start) as a whole: its main goal and phase, deload or not."""

    phase: PhaseName
    goal: Goal
    deload: bool


@dataclass(frozen=True)
class SeasonShape:
    days: list[DayPhase]
    weeks: list[WeekPhase]
    notes: list[str]


LOADED_GOALS = (Goal.max_strength, Goal.maintenance)
LOADED_PHASES = (PhaseName.base, PhaseName.general, PhaseName.build)


def phase_days(
    start: dt.date,
    n_days: int,
    a_races: list[dt.date],
    season: SeasonSettings,
    first_adaptation_weeks: int | None = None,
) -> SeasonShape:
    """Phase, goal, dose fraction and deload flag for each day and week of the horizon.

    `first_adaptation_weeks` is the adaptation the plan opens with (from the athlete's
    experience); later blocks, after a transition, open with `season.adaptation_weeks`.
    """
    races = sorted({(race - start).days for race in a_races})
    phases = [_phase_of(i, races, season) for i in range(n_days)]
    goals, notes = _goals(start, phases, season, first_adaptation_weeks)
    weeks = _weeks(phases, goals, season)
    fractions = _fractions(goals)
    days = [
        DayPhase(
            phases[i],
            goals[i],
            fractions[i],
            weeks[i // 7].deload and goals[i] in LOADED_GOALS,
        )
        for i in range(n_days)
    ]
    return SeasonShape(days, weeks, notes)


def _phase_of(day: int, races: list[int], season: SeasonSettings) -> PhaseName:
    past = [r for r in races if r < day]
    if past and day - past[-1] <= 7 * season.transition_weeks:
        return PhaseName.transition
    upcoming = [r for r in races if r >= day]
    if not upcoming:
        return PhaseName.general
    days_out = upcoming[0] - day  # 0 = race day
    if days_out < 7 * season.taper_weeks:
        return PhaseName.taper
    if days_out < 7 * (season.taper_weeks + season.peak_weeks):
        return PhaseName.peak
    if days_out < 7 * (season.taper_weeks + season.peak_weeks + season.build_weeks):
        return PhaseName.build
    return PhaseName.base


def _goals(
    start: dt.date,
    phases: list[PhaseName],
    season: SeasonSettings,
    first_adaptation_weeks: int | None,
) -> tuple[list[Goal], list[str]]:
    """Goals per day: taper and transition as their phases; every other block (the days between
    a transition or the plan start and the next taper) as adaptation, max strength, maintenance."""
    n = len(phases)
    goals = [Goal.taper if p == PhaseName.taper else Goal.transition for p in phases]
    notes: list[str] = []
    i = 0
    while i < n:
        if phases[i] in (PhaseName.taper, PhaseName.transition):
            i += 1
            continue
        end = i
        while end < n and phases[end] not in (PhaseName.taper, PhaseName.transition):
            end += 1
        weeks = season.adaptation_weeks
        if i == 0 and first_adaptation_weeks is not None:
            weeks = first_adaptation_weeks
        adapt_end = min(end, i + 7 * weeks)
        base_end = next(
            (d for d in range(i, end) if phases[d] not in (PhaseName.base, PhaseName.general)),
            end,
        )
        peak_start = next((d for d in range(i, end) if phases[d] == PhaseName.peak), end)
        wanted = adapt_end + 7 * season.max_strength_weeks
        ms_end = max(adapt_end, base_end, min(wanted, peak_start))
        for d in range(i, end):
            if d < adapt_end:
                goals[d] = Goal.adaptation
            elif d < ms_end:
                goals[d] = Goal.max_strength
            else:
                goals[d] = Goal.maintenance
        ms_weeks = (ms_end - adapt_end) / 7
        if end < n and ms_weeks < season.max_strength_weeks:
            notes.append(_short_block_note(start, i, adapt_end, ms_end, end, season))
        i = end
    return goals, notes


def _short_block_note(
    start: dt.date, first: int, adapt_end: int, ms_end: int, taper: int, season: SeasonSettings
) -> str:
    def day(i: int) -> str:
        return (start + dt.timedelta(days=i)).strftime("%d %b %Y")

    weeks = (ms_end - adapt_end) // 7
    held = f"only {weeks} week(s)" if ms_end > adapt_end else "no max-strength block"
    return (
        f"The max-strength block before the taper of {day(taper)} is shorter than "
        f"{season.max_strength_weeks} weeks ({held}): from {day(first)} there are "
        f"{(taper - first) // 7} week(s) to the taper, and anatomical adaptation comes first "
        f"until {day(adapt_end)}. The season is too short for a full block; heavy work is kept "
        "to what fits."
    )


def _majority(values: list) -> object:
    counts = Counter(values)
    top = max(counts.values())
    return next(v for v in values if counts[v] == top)  # ties: the earliest in the week


def _weeks(phases: list[PhaseName], goals: list[Goal], season: SeasonSettings) -> list[WeekPhase]:
    """Plan weeks with their main goal; every `deload_every`-th loaded week is a deload, counted
    since the block start or the last deload, never before `max_strength_weeks` weeks of max
    strength have been done in the block."""
    weeks: list[WeekPhase] = []
    since_deload = 0
    ms_done = 0
    for w in range(0, (len(phases) + 6) // 7):
        days = range(7 * w, min(len(phases), 7 * w + 7))
        phase = _majority([phases[d] for d in days])
        goal = _majority([goals[d] for d in days])
        if any(goals[d] == Goal.transition for d in days):
            since_deload = ms_done = 0
        loaded = goal in LOADED_GOALS and phase in LOADED_PHASES
        deload = (
            loaded
            and since_deload >= season.deload_every - 1
            and not (goal == Goal.max_strength and ms_done < season.max_strength_weeks)
        )
        if deload:
            since_deload = 0
        elif loaded:
            since_deload += 1
            ms_done += goal == Goal.max_strength
        weeks.append(WeekPhase(phase, goal, deload))
    return weeks


def _fractions(goals: list[Goal]) -> list[float]:
    """How far through its goal's block each day's plan week is (0 = first week, 1 = last)."""
    out = [0.0] * len(goals)
    i = 0
    while i < len(goals):
        end = i
        while end < len(goals) and goals[end] == goals[i]:
            end += 1
        first_week, last_week = i // 7, (end - 1) // 7
        span = last_week - first_week
        for d in range(i, end):
            out[d] = (d // 7 - first_week) / span if span else 0.0
        i = end
    return out
