"""sport-emphasis: the athlete's main sport decides which chains the plan leans on.

The articles are written for a sport each: early-range hip flexion (002) for runners; the glute
work of 004 and the adductor work of 000 for cyclists; the hip extensors of 003 for both. A
core chain of the sport is trained every week its phase allows it (the balance rule asks only
for once a fortnight); a chain written for the other sport comes at most once a fortnight, which
keeps it alive without taking the core's time, and only in a session that holds the core chains
too (a hard part of this soft rule: it can only narrow where the chain goes, or conflict with a
pinned session). Chains the lists do not name, such as chains a
custom catalog adds, are neutral. A triathlete's core is both sports' core; swimming has no
article of its own, so a swimmer's plan is not shaped by the sport. A week the calendar closes
(an A race's week, time away; Instance.closed_days) asks for no core chain.
"""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, SoftParams, enforce_if
from planner.sport import SPORT_NAMES, emphasis


class Params(SoftParams):
    weight: int = Field(
        default=2, ge=0, le=20, description="Cost of a week without one of the core chains."
    )
    minor_weight: int = Field(
        default=3,
        ge=0,
        le=20,
        description="Cost of each extra session with a chain written for another sport.",
    )
    minor_window_days: int = Field(
        default=14,
        ge=7,
        le=28,
        description="Another sport's chain comes at most once in this many days.",
    )
    minor_with_core: bool = Field(
        default=True,
        description="Another sport's chain only in a session that holds the core chains too.",
    )
    ride_core: list[str] = Field(
        default_factory=lambda: ["adductor", "bridge"],
        description="Chains every cycling week: adductors (000), glute bridges (004).",
    )
    ride_minor: list[str] = Field(
        default_factory=lambda: ["hip-flexor"],
        description="Chains a cyclist needs least: hip flexion is a runner's chain (002).",
    )
    run_core: list[str] = Field(
        default_factory=lambda: ["hip-flexor"],
        description="Chains every running week: early-range hip flexion (002).",
    )
    run_minor: list[str] = Field(
        default_factory=lambda: ["band-squat"],
        description="Chains a runner needs least: the mini-band squat is a cyclist's drill (004).",
    )


def core_applies(inst, day: int, chain) -> bool:
    """Whether the day's phase allows some level of the chain the athlete can do."""
    return any(inst.allowed(day, exercise) for exercise in chain.levels[chain.start :])


def emphasis_reason(inst, params: Params) -> str | None:
    """One line for a session's "why": which sport shaped the plan and how."""
    sport = inst.profile.sport
    name = SPORT_NAMES.get(sport, sport.value)
    core, minor = emphasis(sport, params)
    core_names = [c.name for c in inst.chains if c.id in core]
    minor_names = [c.name for c in inst.chains if c.id in minor]
    if not core_names and not minor_names:
        return f"main sport {name}: no chain is favoured (the articles cover cycling and running)"
    text = f"shaped for {name}"
    if core_names:
        text += ": " + ", ".join(core_names) + " every week the phase allows"
    if minor_names:
        text += "; " + ", ".join(minor_names) + " (another sport's chain) at most once a fortnight"
    return text


class SportEmphasis(Rule):
    id = "sport-emphasis"
    title = "Sport emphasis"
    statement = (
        "Your main sport shapes the plan: its core chains every week (runners: hip flexion; "
        "cyclists: adductors and glutes), another sport's chains at most once a fortnight."
    )
    hard = False
    has_hard_constraints = True  # minor_with_core
    Params = Params

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        core, minor = emphasis(inst.profile.sport, params)
        if not core and not minor:
            return []
        name = SPORT_NAMES.get(inst.profile.sport, inst.profile.sport.value)
        penalties = []
        if params.weight:
            penalties += self._core(inst, v, params, core, name)
        if params.minor_weight:
            penalties += self._minor(inst, v, params, minor, name)
        if params.minor_with_core:
            self._minor_with_core(inst, v, core, minor, enforce)
        return penalties

    def _core(self, inst, v, params, core: set[str], name: str) -> list[Penalty]:
        """weight for each week in which a core chain the phase allows is not trained."""
        m = v.model
        penalties = []
        for w in range(inst.n_weeks):
            days = inst.free_days(inst.week_days(w))
            if not days:
                continue  # history
            when = inst.days[w * 7].date.strftime("%d %b")
            # Days the calendar closes (a race's week, time away) cannot hold the chain.
            open_days = [d for d in days if d not in inst.closed_days]
            for c, chain in enumerate(inst.chains):
                if chain.id not in core or not any(core_applies(inst, d, chain) for d in open_days):
                    continue
                trained = [v.trains(d, c) for d in days if v.trains(d, c) is not v.false]
                missed = m.new_bool_var(f"no core {chain.id} w{w}")
                m.add(sum(trained) + missed >= 1)
                penalties.append(
                    Penalty(
                        self.id,
                        missed,
                        params.weight,
                        f"week of {when}: no {chain.name}, a core chain for {name}",
                        key=("no core", c, w),
                    )
                )
        return penalties

    def _minor_with_core(self, inst, v, core: set[str], minor: set[str], enforce) -> None:
        """A session with another sport's chain also holds each core chain its phase allows:
        the minor chain is an addition, never the bulk of a session."""
        for d in inst.free_days():
            for c, chain in enumerate(inst.chains):
                if chain.id not in minor or v.trains(d, c) is v.false:
                    continue
                for k, other in enumerate(inst.chains):
                    if other.id in core and core_applies(inst, d, other):
                        enforce_if(v.model.add_implication(v.trains(d, c), v.trains(d, k)), enforce)

    def conflict_text(self, params) -> str:
        return "another sport's chain only in a session with the core chains (sport-emphasis)"

    def _minor(self, inst, v, params, minor: set[str], name: str) -> list[Penalty]:
        """Each session beyond the first in a window that trains another sport's chain costs
        minor_weight: one a window keeps the chain alive, more takes time from the core."""
        m = v.model
        penalties = []
        step = params.minor_window_days
        for first in range(0, inst.n_days, step):
            days = range(first, min(inst.n_days, first + step))
            if days[-1] < inst.first_free:
                continue  # history
            when = inst.days[first].date.strftime("%d %b")
            for c, chain in enumerate(inst.chains):
                if chain.id not in minor:
                    continue
                trained = [v.trains(d, c) for d in days if v.trains(d, c) is not v.false]
                if len(trained) < 2:
                    continue
                extra = m.new_int_var(0, len(trained) - 1, f"extra {chain.id} from d{first}")
                m.add(extra >= sum(trained) - 1)
                penalties.append(
                    Penalty(
                        self.id,
                        extra,
                        params.minor_weight,
                        f"{chain.name} in {{n}} more session(s) than one in the {len(days)} days "
                        f"from {when}: {name} needs it least",
                    )
                )
        return penalties

    def describe(self, params) -> str:
        every = {7: "once a week", 14: "once a fortnight"}.get(
            params.minor_window_days, f"once every {params.minor_window_days} days"
        )
        return (
            "Your main sport shapes the plan: its core chains every week (runners: hip flexion; "
            f"cyclists: adductors and glutes), another sport's chains at most {every}."
        )
