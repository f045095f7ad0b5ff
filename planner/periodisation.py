"""Strength phases from the race calendar.

Working back from each A race: taper (its last weeks), peak, build, base; after it a transition.
With no A race ahead the time is general preparation. Each base or general block opens with
anatomical adaptation (light work, higher reps) and continues with max strength.
"""

from __future__ import annotations

import datetime as dt
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
    fraction: float  # how far through the phase's weeks this day's week is, 0..1
    deload: bool


def phase_days(
    start: dt.date, n_days: int, a_races: list[dt.date], season: SeasonSettings
) -> list[DayPhase]:
    """Phase, goal, dose fraction and deload flag for each day of the horizon."""
    weeks = (n_days + 6) // 7
    race_weeks = sorted({(race - start).days // 7 for race in a_races})
    # Phases are whole 7-day weeks counted from the plan start, so a week never mixes goals.
    week_phase = [_phase_of(w, race_weeks, season) for w in range(weeks)]
    week_goal: list[Goal] = []
    week_fraction: list[float] = []
    week_deload: list[bool] = []
    block_week = 0  # weeks since the last transition or the plan start
    w = 0
    while w < weeks:
        run_end = w
        while run_end + 1 < weeks and week_phase[run_end + 1] == week_phase[w]:
            run_end += 1
        run = run_end - w + 1
        phase = week_phase[w]
        for j in range(run):
            goal = _goal(phase, j, season)
            week_goal.append(goal)
            if goal == Goal.adaptation:
                span, pos = min(run, season.adaptation_weeks), j
            elif goal == Goal.max_strength and phase in (PhaseName.base, PhaseName.general):
                span, pos = run - season.adaptation_weeks, j - season.adaptation_weeks
            else:
                span, pos = run, j
            week_fraction.append(pos / (span - 1) if span > 1 else 0.0)
            if phase == PhaseName.transition:
                block_week = 0
                week_deload.append(False)
            else:
                block_week += 1
                loaded = phase in (PhaseName.base, PhaseName.general, PhaseName.build)
                week_deload.append(loaded and block_week % season.deload_every == 0)
        w = run_end + 1

    return [
        DayPhase(week_phase[i // 7], week_goal[i // 7], week_fraction[i // 7], week_deload[i // 7])
        for i in range(n_days)
    ]


def _phase_of(week: int, race_weeks: list[int], season: SeasonSettings) -> PhaseName:
    if any(0 < week - r <= season.transition_weeks for r in race_weeks):
        return PhaseName.transition
    upcoming = [r for r in race_weeks if r >= week]
    if not upcoming:
        return PhaseName.general
    weeks_out = upcoming[0] - week  # 0 = the race week itself
    if weeks_out < season.taper_weeks:
        return PhaseName.taper
    if weeks_out < season.taper_weeks + season.peak_weeks:
        return PhaseName.peak
    if weeks_out < season.taper_weeks + season.peak_weeks + season.build_weeks:
        return PhaseName.build
    return PhaseName.base


def _goal(phase: PhaseName, week_in_phase: int, season: SeasonSettings) -> Goal:
    if phase in (PhaseName.base, PhaseName.general):
        return Goal.adaptation if week_in_phase < season.adaptation_weeks else Goal.max_strength
    return {
        PhaseName.build: Goal.maintenance,
        PhaseName.peak: Goal.maintenance,
        PhaseName.taper: Goal.taper,
        PhaseName.transition: Goal.transition,
    }[phase]
