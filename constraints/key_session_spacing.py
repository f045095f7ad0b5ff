"""key-session-spacing: keep heavy or eccentric posterior-chain work out of the 48 hours before
a long session or a race (and, as an option, a hard session).

Hamstring and glute soreness after heavy hinges and slow lowering (eccentric) work peaks one to
two days later, so the day before a key session is not enough distance. hard-day-interference
already charges heavy legs on the day before; this rule looks two days ahead (a parameter) and
counts the eccentric bridge walkout and Romanian deadlift as well as heavy lifts. Hard sessions
are key only when asked for: with intervals on Tuesday and Thursday, lifting after Tuesday's
session ("keep hard days hard") is the usual advice, and it lies 48 h before Thursday.
"""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, SoftParams
from planner.domain import Event, Kind


class Params(SoftParams):
    weight: int = Field(
        default=2, ge=0, le=20, description="Cost of each such exercise inside the window."
    )
    days_before: int = Field(
        default=2, ge=1, le=4, description="Days before a key session kept free (2 = 48 h)."
    )
    hard_sessions: bool = Field(
        default=False,
        description="Count hard sessions as key too (with two hard days a week this leaves "
        "few days for heavy work; the day before them is charged by hard-day-interference).",
    )
    eccentric: list[str] = Field(
        default_factory=lambda: ["glute-bridge-walkout", "romanian-deadlift"],
        description="Exercises with slow lowering that count as well as heavy lifts.",
    )


def spaced(exercise, params: Params) -> bool:
    """Whether the rule keeps this exercise away from key sessions."""
    return exercise.posterior_chain and (exercise.heavy or exercise.id in params.eccentric)


def key_events(inst, params: Params) -> dict[int, Event]:
    """Day offset -> the key event on it: a race (also just after the horizon) or a long session
    inside it (and a hard one with hard_sessions)."""
    kinds = (Kind.long, Kind.hard) if params.hard_sessions else (Kind.long,)
    keys: dict[int, Event] = {}
    for day in inst.days:
        for event in day.events:
            if event.kind in kinds:
                keys.setdefault(day.index, event)
    for race in inst.races:
        keys[race.offset] = race.event
    return keys


def spaced_days(inst, params: Params) -> dict[int, tuple[int, Event]]:
    """Decided day -> (days ahead, event) of the nearest key event 1 to `days_before` days
    after it: the days on which spaced work costs `weight`."""
    days: dict[int, tuple[int, Event]] = {}
    for key_day, event in key_events(inst, params).items():
        for d in inst.days_before(key_day, params.days_before):
            ahead = key_day - d
            if d >= inst.first_free and (d not in days or ahead < days[d][0]):
                days[d] = (ahead, event)
    return days


class KeySessionSpacing(Rule):
    id = "key-session-spacing"
    title = "Key-session spacing"
    statement = (
        "Keep heavy or eccentric posterior-chain work (deadlifts, bridge walkouts) out of the "
        "2 days before a long session or a race (hard sessions too, if you choose)."
    )
    hard = False
    Params = Params

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        if not params.weight:
            return []
        penalties = []
        for d, (ahead, key) in sorted(spaced_days(inst, params).items()):
            for choice in v.choices(d):
                if v.is_constant(choice.var) or not spaced(choice.exercise, params):
                    continue
                penalties.append(
                    Penalty(
                        self.id,
                        choice.var,
                        params.weight,
                        f"{inst.days[d].label}: {choice.exercise.name} {ahead} day(s) before "
                        f"{key.kind.value} '{key.title}'",
                    )
                )
        return penalties

    def describe(self, params) -> str:
        span = "the day" if params.days_before == 1 else f"the {params.days_before} days"
        if params.hard_sessions:
            keys, choice = "a long or hard session or a race", ""
        else:
            keys, choice = "a long session or a race", " (hard sessions too, if you choose)"
        return (
            "Keep heavy or eccentric posterior-chain work (deadlifts, bridge walkouts) out of "
            f"{span} before {keys}{choice}."
        )
