"""The plan: what the planner returns, and the JSON contract the CLI, app and exports share."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

from planner.domain import Kind, LoadClass, Priority, Sport


class Status(StrEnum):
    optimal = "optimal"
    feasible = "feasible"
    infeasible = "infeasible"
    unknown = "unknown"  # time limit hit before any plan was found


SessionState = Literal["planned", "done", "missed"]


class PhaseName(StrEnum):
    """Strength phases aligned to the endurance season."""

    general = "general preparation"
    base = "base"
    build = "build"
    peak = "peak"
    taper = "taper"
    transition = "transition"


class PlanEvent(BaseModel):
    """An endurance event as the plan shows it."""

    date: dt.date
    title: str
    sport: Sport
    kind: Kind
    priority: Priority | None = None
    duration_min: int | None = None


class PlanPhase(BaseModel):
    """A phase band: name, inclusive dates and the strength goal it sets."""

    name: PhaseName
    start: dt.date
    end: dt.date
    goal: str = Field(default="", description="Strength goal, e.g. 'max strength'.")


class PlanWeek(BaseModel):
    """A plan week (7 days from the start): its strength goal and planned volume."""

    start: dt.date
    goal: str = Field(description="Strength goal of most of the week's days.")
    deload: bool = False
    sets: int = Field(default=0, description="Planned volume: the sets of its exercises, summed.")


class PlannedExercise(BaseModel):
    """One exercise of a session with its dose."""

    id: str
    name: str
    chain: str
    level: int
    heavy: bool
    posterior_chain: bool
    load: LoadClass
    sets: int
    reps: int | None = None
    hold_s: int | None = None
    per_side: bool
    tempo: str | None = None
    minutes: float = Field(description="Estimated minutes including rests.")
    cues: list[str] = Field(default_factory=list)


class PlannedSession(BaseModel):
    """A strength session on one day."""

    uid: str = Field(description="Stable identity (survives re-planning to another day).")
    sequence: int = Field(
        default=0, ge=0, description="Revision number; raised when a re-plan changes the session."
    )
    state: SessionState = Field(
        default="planned", description="planned, done or missed (done/missed: history)."
    )
    date: dt.date
    phase: PhaseName
    goal: str = Field(default="", description="Strength goal of the session's phase.")
    load: LoadClass = Field(description="Heaviest load class among its exercises.")
    deload: bool = Field(default=False, description="Falls in a deload week.")
    minutes: int
    why: list[str] = Field(default_factory=list, description="Reasons it sits on this day.")
    exercises: list[PlannedExercise]


class DiffEntry(BaseModel):
    """One session's fate in a re-plan."""

    uid: str
    date: dt.date = Field(description="Date in the new plan (or the old date when removed).")
    previous_date: dt.date | None = Field(default=None, description="Date before, if moved.")
    reason: str = ""


class PlanDiff(BaseModel):
    """What a re-plan changed relative to the previous plan (future sessions only)."""

    kept: list[DiffEntry] = Field(default_factory=list)
    moved: list[DiffEntry] = Field(default_factory=list)
    added: list[DiffEntry] = Field(default_factory=list)
    removed: list[DiffEntry] = Field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.moved) + len(self.added) + len(self.removed)


class RuleReport(BaseModel):
    """A soft rule's cost in the plan and its violations, in words."""

    id: str
    cost: int = 0
    violations: list[str] = Field(default_factory=list)
    violation_costs: list[int] = Field(
        default_factory=list, description="Cost of each listed violation (weight x amount)."
    )


class Explanation(BaseModel):
    rules: list[RuleReport] = Field(default_factory=list)


class Plan(BaseModel):
    """A solved (or explained infeasible) plan. `model_dump(mode='json')` is the JSON contract."""

    start: dt.date
    end: dt.date = Field(description="Last day of the horizon, inclusive.")
    status: Status
    objective: float | None = None
    bound: float | None = None
    solve_seconds: float | None = None
    settings: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Rule id -> its parameters as used."
    )
    events: list[PlanEvent] = Field(default_factory=list)
    phases: list[PlanPhase] = Field(default_factory=list)
    sessions: list[PlannedSession] = Field(default_factory=list)
    weeks: list[PlanWeek] = Field(
        default_factory=list, description="Each week's goal and planned volume (sets)."
    )
    explanation: Explanation = Field(default_factory=Explanation)
    conflicts: list[str] = Field(
        default_factory=list, description="When infeasible: the hard rules that conflict."
    )
    conflict_rules: list[str] = Field(
        default_factory=list, description="When infeasible: ids of the rules that conflict."
    )
    notes: list[str] = Field(
        default_factory=list, description="Things the athlete should know about how it was made."
    )
    timezone: str | None = Field(default=None, description="Timezone of the source calendar.")
    today: dt.date | None = Field(
        default=None, description="Re-plans: sessions before this day are history, copied as is."
    )
    diff: PlanDiff | None = Field(default=None, description="Re-plans: changes vs the previous.")

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def session_on(self, day: dt.date) -> PlannedSession | None:
        return next((s for s in self.sessions if s.date == day), None)
