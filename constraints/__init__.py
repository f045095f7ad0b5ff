"""Coaching rules, one module each. REGISTRY lists them; CLI, config file and app derive from it."""

from __future__ import annotations

from constraints.adaptation_first import AdaptationFirst
from constraints.articles_only import ArticlesOnly
from constraints.availability import Availability
from constraints.balance import Balance
from constraints.base import Penalty, Rule, RuleParams, SoftParams
from constraints.calendar_strength import CalendarStrength
from constraints.eccentric_work import EccentricWork
from constraints.effort import EffortTargets
from constraints.hard_day_interference import HardDayInterference
from constraints.key_session_spacing import KeySessionSpacing
from constraints.no_new_before_a import NoNewExercises
from constraints.phase_loads import PhaseLoads
from constraints.pins import Pins
from constraints.post_race import PostRaceRecovery
from constraints.progression import ProgressionOrder
from constraints.race_day import RaceDay
from constraints.rest_days import RestDays
from constraints.session_size import SessionSize
from constraints.sport_emphasis import SportEmphasis
from constraints.stability import Stability
from constraints.steady_progress import SteadyProgress
from constraints.taper import Taper
from constraints.unavailable_days import UnavailableDays
from constraints.weekly_frequency import WeeklyFrequency
from constraints.weekly_volume import WeeklyVolume

REGISTRY: tuple[Rule, ...] = (
    RestDays(),
    RaceDay(),
    Taper(),
    PostRaceRecovery(),
    ProgressionOrder(),
    NoNewExercises(),
    Availability(),
    UnavailableDays(),
    CalendarStrength(),
    PhaseLoads(),
    AdaptationFirst(),
    EccentricWork(),
    WeeklyVolume(),
    SessionSize(),
    ArticlesOnly(),
    EffortTargets(),
    Pins(),
    WeeklyFrequency(),
    HardDayInterference(),
    KeySessionSpacing(),
    Balance(),
    SportEmphasis(),
    SteadyProgress(),
    Stability(),
)


def rule_by_id(rule_id: str) -> Rule | None:
    return next((rule for rule in REGISTRY if rule.id == rule_id), None)


# How the settings group the rules, in this order; a rule not listed shows under OTHER_GROUP.
RULE_GROUPS: dict[str, tuple[str, ...]] = {
    "Races": ("race-day", "taper", "post-race-recovery", "no-new-exercises"),
    "Recovery": ("rest-days", "hard-day-interference", "key-session-spacing", "calendar-strength"),
    "Progression": (
        "progression-order",
        "adaptation-first",
        "eccentric-work",
        "steady-progress",
        "balance",
        "phase-loads",
        "sport-emphasis",
        "effort",
        "articles-only",
    ),
    "Week shape": (
        "availability",
        "unavailable-days",
        "session-size",
        "weekly-frequency",
        "weekly-volume",
    ),
    "Re-planning": ("pins", "stability"),
}
OTHER_GROUP = "Other rules"


def rules_by_group() -> dict[str, list[Rule]]:
    """Every rule of the registry under its group, groups in RULE_GROUPS order."""
    groups: dict[str, list[Rule]] = {name: [] for name in (*RULE_GROUPS, OTHER_GROUP)}
    for rule in REGISTRY:
        group = next((g for g, ids in RULE_GROUPS.items() if rule.id in ids), OTHER_GROUP)
        groups[group].append(rule)
    return {name: rules for name, rules in groups.items() if rules}


__all__ = [
    "OTHER_GROUP",
    "REGISTRY",
    "RULE_GROUPS",
    "Penalty",
    "Rule",
    "RuleParams",
    "SoftParams",
    "rule_by_id",
    "rules_by_group",
]
