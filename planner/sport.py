"""What each main sport asks of the strength plan: which chains are its core, which it needs
least. The articles are written for a sport each: early-range hip flexion (002) for runners; the
glute work of 004 and the adductor work of 000 for cyclists; the hip extensors of 003 for both.
The lists themselves are parameters of the sport-emphasis rule; this module reads them."""

from __future__ import annotations

from typing import Protocol

from planner.domain import Sport

SPORT_NAMES = {
    Sport.ride: "cycling",
    Sport.run: "running",
    Sport.swim: "swimming",
    Sport.triathlon: "triathlon",
}


class EmphasisLists(Protocol):
    ride_core: list[str]
    ride_minor: list[str]
    run_core: list[str]
    run_minor: list[str]


def emphasis(sport: Sport, lists: EmphasisLists) -> tuple[set[str], set[str]]:
    """(core chain ids, minor chain ids) for the athlete's main sport. A triathlete's core is
    both sports' core and only chains minor for both are minor; swimming has no article of its
    own, so it has neither."""
    if sport == Sport.ride:
        core, minor = set(lists.ride_core), set(lists.ride_minor)
    elif sport == Sport.run:
        core, minor = set(lists.run_core), set(lists.run_minor)
    elif sport == Sport.triathlon:
        core = set(lists.ride_core) | set(lists.run_core)
        minor = set(lists.ride_minor) & set(lists.run_minor)
    else:
        core, minor = set(), set()
    return core, minor - core


def minor_chains(inst) -> set[str]:
    """Chains the sport-emphasis rule keeps to once a window (none when it is off)."""
    params = inst.config.params("sport-emphasis")
    if not params.enabled or not params.minor_weight:
        return set()
    return emphasis(inst.profile.sport, params)[1]
