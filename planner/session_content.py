"""What a session says beyond its exercise choice: order, effort, rest, load, warm-up and notes.

None of this changes which exercises go on which day, so it is worked out after solving and
never enters the CP-SAT model. Sources: effort by goal and load progression from COACHING.md
("Effort and load"), "stop on pain" from article 004, "a weight you can move without pain or
strain" from article 002, the side plank before the adductor drills from article 000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner.constants import WARM_UP_MIN
from planner.domain import Exercise, LoadClass, Progression, Range, Role, Sport
from planner.plan import PlannedExercise, PlannedSession

ROLE_ORDER = (Role.primer, Role.main, Role.accessory, Role.mobility)
LOAD_ORDER = (LoadClass.heavy, LoadClass.moderate, LoadClass.light, LoadClass.mobility)

# Reps in reserve at the end of each set, by the phase's strength goal (COACHING.md, after
# Zourdos et al. 2016): the effort rule's defaults. Taper "3+" is written 3-5: enough in reserve,
# still real work.
RIR_BY_GOAL: dict[str, tuple[int, int]] = {
    "anatomical adaptation": (3, 4),
    "max strength": (1, 2),
    "maintenance": (2, 3),
    "taper": (3, 5),
    "transition": (3, 5),
}
MOBILITY_RPE = (3, 4)  # a gentle stretch, never a strain (article 000)


@dataclass(frozen=True)
class EffortTargets:
    """Reps-in-reserve windows by goal and a deload's extra: the effort rule's parameters."""

    rir_by_goal: dict[str, tuple[int, int]] = field(default_factory=lambda: dict(RIR_BY_GOAL))
    deload_extra: int = 1

    @classmethod
    def from_params(cls, params: Any) -> EffortTargets | None:
        """From the effort rule's parameters; None when the rule is off (no targets given)."""
        if not params.enabled:
            return None
        taper = (params.taper_rir, params.taper_rir + 2)
        return cls(
            {
                "anatomical adaptation": (params.adaptation_rir, params.adaptation_rir + 1),
                "max strength": (params.max_strength_rir, params.max_strength_rir + 1),
                "maintenance": (params.maintenance_rir, params.maintenance_rir + 1),
                "taper": taper,
                "transition": taper,
            },
            params.deload_extra_rir,
        )


DEFAULT_TARGETS = EffortTargets()

STOP_ON_PAIN = (
    "Stop on pain: stop any exercise that hurts (pain, not effort or discomfort) and leave it "
    "out until it no longer does (article 004)."
)
WEIGHT_RULE = (
    "Weights: a weight you can move without pain or strain (article 002); the effort target "
    "says how close to your limit each set ends."
)
DELOAD_NOTE = "Deload week: fewer sets, more reps in reserve, the same weights and bands."

CARDIO = {
    Sport.ride: "easy spinning on the bike",
    Sport.run: "easy jogging or brisk walking",
}


def effort(
    goal: str,
    exercise: Exercise,
    deload: bool,
    targets: EffortTargets | None = DEFAULT_TARGETS,
    first_time: bool = False,
) -> tuple[Range | None, Range | None]:
    """(rir, rpe): reps in reserve for rep work, effort out of 10 for holds and mobility; both
    None when the effort rule is off (`targets` None).

    RPE for holds follows the RIR-based scale (RPE = 10 - RIR); a deload adds reps in reserve.
    Primers wake muscles up for the main work, so they stay as far from failure as in adaptation;
    so does a weighted lift the first time it is done (`first_time`): its load note says to start
    light and learn the movement, and a near-failure target would contradict it.
    """
    if targets is None:
        return None, None
    if exercise.load == LoadClass.mobility or goal == "transition":
        return None, Range(min=MOBILITY_RPE[0], max=MOBILITY_RPE[1])
    rir = targets.rir_by_goal
    low, high = rir.get(goal, rir["maintenance"])
    if exercise.role == Role.primer or (first_time and exercise.progression == Progression.weight):
        primer = rir["anatomical adaptation"]
        low, high = max(low, primer[0]), max(high, primer[1])
    if deload:
        low, high = low + targets.deload_extra, high + targets.deload_extra
    if exercise.dose.hold_s is not None:
        return None, Range(min=10 - high, max=10 - low)
    return Range(min=low, max=high), None


def effort_text(exercise: PlannedExercise) -> str:
    """Effort in words, e.g. 'RIR 1-2 (stop 1-2 reps short of failure)'."""
    if exercise.rir is not None:
        span = _span(exercise.rir)
        return f"RIR {span} (stop {span} reps short of failure)"
    if exercise.rpe is not None:
        return f"RPE {_span(exercise.rpe)} (effort out of 10)"
    return ""


def order_exercises(exercises: list[PlannedExercise]) -> list[PlannedExercise]:
    """Primers, then main lifts heaviest first, then accessories, then mobility; ties keep
    their chain order."""

    def key(planned: PlannedExercise) -> tuple[int, int]:
        role = planned.role or Role.accessory
        heaviness = LOAD_ORDER.index(planned.load) if role == Role.main else 0
        return ROLE_ORDER.index(role), heaviness

    return sorted(exercises, key=key)


def load_note(
    exercise: Exercise,
    planned: PlannedExercise,
    previous: PlannedExercise | None,
    goal: str,
    deload: bool,
) -> str:
    """How heavy today: the catalog's way to pick the load, then what changed since last time.

    Progression within a level adds weight or band before reps come down: when a weighted
    lift's reps drop, the note says to add weight.
    """
    parts = [exercise.load_note or _default_note(exercise)]
    if exercise.progression == Progression.weight and planned.rir is not None:
        parts.append(
            f"Pick it so you could still do {_span(planned.rir)} more reps at the end of a set."
        )
    reps, before = planned.reps, previous.reps if previous else None
    loaded = exercise.progression != Progression.bodyweight
    if previous is None and loaded:
        parts.append("First session with it: start light and learn the movement.")
    elif deload:
        kept = "keep last week's weight or band, " if loaded else ""
        parts.append(f"Deload: {kept}fewer sets.")
    elif goal == "taper":
        if loaded:
            parts.append("Taper: the weight or band you know, never heavier.")
    elif reps is not None and before is not None and reps < before:
        if exercise.progression == Progression.weight:
            # Roughly 2.5 % more weight for each rep fewer near the limit.
            more = 2.5 * (before - reps)
            parts.append(f"Reps down from {before} to {reps}: add about {more:g} % weight.")
        elif exercise.progression == Progression.band:
            parts.append(f"Reps down from {before} to {reps}: use the next thicker band.")
    elif exercise.progression == Progression.weight and before is not None and reps == before:
        target = f"more than {planned.rir.max} reps" if planned.rir else "more reps than the target"
        parts.append(f"Same reps as last time: add a little weight if the last set left {target}.")
    elif (
        exercise.progression == Progression.band
        and exercise.dose.reps is not None
        and reps == exercise.dose.reps.max
    ):
        parts.append("At the top of the range: once it feels easy, move to a thicker band.")
    return " ".join(parts)


def warm_up(session: PlannedSession, primers: list[Exercise], sport: Sport) -> str:
    """The session's warm-up: what to do and how long (WARM_UP_MIN, counted in its minutes).

    `primers` are the catalog's warm-up primers paired with a chain the session trains (the side
    plank before the adductor drills, as article 000 pairs them): one short set each, with their
    first two cues.
    """
    cardio = CARDIO.get(sport, "easy cardio (bike, jog or brisk walk)")
    steps = [f"2-3 min of {cardio} until warm", "10 leg swings each way and 10 hip circles a leg"]
    for primer in primers:
        how = "; ".join(cue[0].lower() + cue[1:] for cue in primer.cues[:2])
        steps.append(f"one easy set of {primer.name.lower()} ({_primer_amount(primer)}: {how})")
    heavy = next((e for e in session.exercises if e.heavy), None)
    if heavy is not None:
        steps.append(f"1-2 light ramp-up sets of the {heavy.name.lower()} before its working sets")
    return f"{WARM_UP_MIN} min: " + "; ".join(steps) + "."


def session_notes(session: PlannedSession, catalog_exercises: list[Exercise]) -> list[str]:
    """Notes every session carries: stop on pain always, the weight rule when it lifts weights,
    the deload, and which exercises come from beyond the five articles."""
    notes = [STOP_ON_PAIN]
    if any(e.progression == Progression.weight for e in catalog_exercises):
        notes.append(WEIGHT_RULE)
    if session.deload:
        notes.append(DELOAD_NOTE)
    extra = [e.name for e in catalog_exercises if e.beyond_articles]
    if extra:
        notes.append(
            "Beyond the articles: "
            + ", ".join(extra)
            + " come from the strength studies in the coaching sources, not the five articles."
        )
    return notes


def _primer_amount(primer: Exercise) -> str:
    dose = primer.dose
    side = " a side" if primer.per_side else ""
    if dose.hold_s is not None:
        return f"{_span(dose.hold_s)} s{side}"
    assert dose.reps is not None
    return f"{dose.reps.min} reps{side}"


def _default_note(exercise: Exercise) -> str:
    return {
        Progression.weight: "A weight you can move without pain or strain.",
        Progression.band: "Mini band: light first, then medium, then heavy.",
        Progression.bodyweight: "Bodyweight.",
    }[exercise.progression]


def _span(value: Range) -> str:
    return str(value.min) if value.min == value.max else f"{value.min}-{value.max}"
