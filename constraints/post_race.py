"""post-race-recovery: no strength in the days after a race, scaled by the race; after a long
race the first session is light.

Recovery starts the day after the race. The strength-free days are the larger of the race's
priority default and what its length asks for: marathons and runs of 3 h or more need a week
(muscle damage and hip-flexor tightness last about 5-7 days, see COACHING.md), half marathons
and runs of 90 min or more 3 days, rides of 5 h or more 4 days.
"""

from __future__ import annotations

import re

from pydantic import Field

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if
from constraints.taper import heavy_posterior
from planner.domain import Event, LoadClass, Priority, Sport
from planner.wording import series

# Whole marathons and ultras, not halves ("half", "halbmarathon", "semi-marathon", "1/2").
_MARATHON = re.compile(r"marat[hó]?on", re.IGNORECASE)
_HALF = re.compile(r"half|halb|semi|medio|media|demi|1/2|21[.,]1", re.IGNORECASE)
LIGHT_LOADS = frozenset({LoadClass.light, LoadClass.mobility})


class Params(RuleParams):
    days_after_a: int = Field(default=2, ge=0, le=14, description="Rest days after an A race.")
    days_after_b: int = Field(default=1, ge=0, le=14, description="Rest days after a B race.")
    days_after_c: int = Field(default=0, ge=0, le=14, description="Rest days after a C race.")
    days_after_marathon: int = Field(
        default=7,
        ge=0,
        le=21,
        description="Rest days after a marathon or a run race of `marathon_min` minutes or more.",
    )
    marathon_min: int = Field(
        default=180, ge=60, le=600, description="Run race length that counts as a marathon."
    )
    days_after_half: int = Field(
        default=3,
        ge=0,
        le=14,
        description="Rest days after a half marathon or a run race of `half_min` minutes or more.",
    )
    half_min: int = Field(
        default=90, ge=30, le=300, description="Run race length that counts as a half marathon."
    )
    days_after_long_ride: int = Field(
        default=4,
        ge=0,
        le=14,
        description="Rest days after a ride race of `long_ride_min` minutes or more.",
    )
    long_ride_min: int = Field(
        default=300, ge=60, le=900, description="Ride race length that counts as a long ride."
    )
    heavy_free_days: int = Field(
        default=1,
        ge=0,
        le=14,
        description="Days after any race (C included) with no heavy posterior-chain work "
        "(deadlifts): a heavy hinge on race-tired legs.",
    )
    light_first_session: bool = Field(
        default=True,
        description="After a long race's recovery the first session holds only light or "
        "mobility work.",
    )
    light_window_days: int = Field(
        default=28,
        ge=7,
        le=56,
        description="How far after the recovery the light first session is looked for.",
    )

    def days_after(self, priority: Priority) -> int:
        return {
            Priority.A: self.days_after_a,
            Priority.B: self.days_after_b,
            Priority.C: self.days_after_c,
        }[priority]

    def long_race_days(self, event: Event) -> int:
        """Strength-free days the race's length asks for (0 when it is not a long race)."""
        minutes = event.duration_min or 0
        if event.sport == Sport.ride:
            return self.days_after_long_ride if minutes >= self.long_ride_min else 0
        text = f"{event.title} {event.description}"
        named = bool(_MARATHON.search(text))
        if event.sport != Sport.run and not named:
            return 0
        half = named and bool(_HALF.search(text))
        if minutes >= self.marathon_min or (named and not half):
            return self.days_after_marathon
        if minutes >= self.half_min or half:
            return self.days_after_half
        return 0

    def recovery_days(self, priority: Priority, event: Event) -> int:
        return max(self.days_after(priority), self.long_race_days(event))


def light_windows(inst, params: Params) -> list[tuple[object, range]]:
    """For each long race: the days after its recovery in which the first session must be
    light (the race, and days from the first day after recovery, `light_window_days` on)."""
    if not params.light_first_session:
        return []
    out = []
    for race in inst.races:
        if params.long_race_days(race.event) == 0:
            continue
        first = race.offset + params.recovery_days(race.priority, race.event) + 1
        days = range(max(first, 0), min(inst.n_days, first + params.light_window_days))
        if days:
            out.append((race, range(first, days.stop)))
    return out


class PostRaceRecovery(Rule):
    id = "post-race-recovery"
    title = "Recovery after races"
    statement = (
        "No strength in the 2 days after an A race or the day after a B race; 7 days after a "
        "marathon (or a run of 3 h or more), 3 after a half marathon (or a run of 90 min or "
        "more), 4 after a ride race of 5 h or more; the first session after such a long race's "
        "recovery holds only light or mobility work; no heavy hinge (deadlifts) the day after "
        "any race."
    )
    hard = True
    Params = Params

    def forbidden(self, inst, params) -> Forbidden:
        days = {
            d
            for race in inst.races
            for d in range(
                race.offset + 1, race.offset + params.recovery_days(race.priority, race.event) + 1
            )
            if inst.first_free <= d < inst.n_days
        }
        heavy = [
            (c, k)
            for c, chain in enumerate(inst.chains)
            for k, exercise in enumerate(chain.levels)
            if heavy_posterior(exercise)
        ]
        choices = {
            (d, c, k)
            for race in inst.races
            for d in range(race.offset + 1, race.offset + params.heavy_free_days + 1)
            if inst.first_free <= d < inst.n_days and d not in days
            for c, k in heavy
        }
        return Forbidden(days=days, choices=choices)

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        m = v.model
        off = self.forbidden(inst, params)
        for d in sorted(off.days):
            enforce_if(m.add(v.session_on(d) == 0), enforce)
        for d, c, k in sorted(off.choices):
            enforce_if(m.add(v.does(d, c, k) == 0), enforce)
        for race, days in light_windows(inst, params):
            # had: a session on some day of the window before d (a running OR, one per day).
            had = v.false
            for d in days:
                if d < 0:
                    continue
                if d >= inst.first_free:
                    for choice in v.choices(d):
                        if choice.exercise.load not in LIGHT_LOADS and choice.var is not v.false:
                            enforce_if(m.add_implication(choice.var, had), enforce)
                nxt = m.new_bool_var(f"session after the recovery of race d{race.offset} by d{d}")
                m.add_bool_or([nxt.Not(), had, v.session_on(d)])
                had = nxt
        return []

    def conflict_text(self, params) -> str:
        return (
            f"no strength for {params.days_after_a}/{params.days_after_b}/{params.days_after_c} "
            f"days after A/B/C races, {params.days_after_marathon} after a marathon, "
            f"{params.days_after_half} after a half, {params.days_after_long_ride} after a long "
            f"ride race, then a light first session; no heavy hinge for {params.heavy_free_days} "
            "day(s) after any race (post-race-recovery)"
        )

    def describe(self, params) -> str:
        def span(days: int) -> str:
            return "the day" if days == 1 else f"the {days} days"

        def length(minutes: int) -> str:
            return (
                f"{minutes // 60} h" if minutes >= 120 and minutes % 60 == 0 else f"{minutes} min"
            )

        by_priority = [
            f"{span(params.days_after(p))} after {'an' if p == Priority.A else 'a'} {p.value} race"
            for p in Priority
            if params.days_after(p)
        ]
        text = (
            f"No strength in {series(by_priority, 'or')}"
            if by_priority
            else "No strength-free days after a race by its priority"
        )
        long_races = [
            (
                params.days_after_marathon,
                f"after a marathon (or a run of {length(params.marathon_min)} or more)",
            ),
            (
                params.days_after_half,
                f"after a half marathon (or a run of {length(params.half_min)} or more)",
            ),
            (
                params.days_after_long_ride,
                f"after a ride race of {length(params.long_ride_min)} or more",
            ),
        ]
        listed = [(days, what) for days, what in long_races if days]
        if listed:
            first_days, first_what = listed[0]
            unit = "day" if first_days == 1 else "days"
            items = [f"{first_days} {unit} {first_what}"]
            items += [f"{days} {what}" for days, what in listed[1:]]
            text += "; " + ", ".join(items)
        if params.light_first_session:
            text += (
                "; the first session after such a long race's recovery holds only light or "
                "mobility work"
            )
            if params.light_window_days != Params().light_window_days:
                text += f" (looked for in the {params.light_window_days} days after it)"
        if params.heavy_free_days:
            text += f"; no heavy hinge (deadlifts) {span(params.heavy_free_days)} after any race"
        return text + "."
