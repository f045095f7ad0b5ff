"""The greedy starting plan (the solver's hint, and the fallback plan): it must be valid and close
to the optimum, because the closer it is, the less the solver has to search."""

from __future__ import annotations

from planner.greedy import greedy_plan
from planner.model import StrengthModel
from planner.plan import Status
from planner.solve import _base_plan, sessions_from_choices
from planner.validate import soft_costs, validate
from tests.helpers import make_instance, runner_marathon_instance, taper_week_sets


def test_prefers_the_key_day_to_its_eve_when_both_are_free() -> None:
    # Day 1 easy, day 2 hard: both cost nothing, but heavy legs on day 1 would cost the eve of
    # the hard session, so the hard day comes first (lift after the session).
    inst = make_instance([(1, "easy", None, "spin"), (2, "hard", None, "VO2")], weeks=1)
    plan = greedy_plan(inst, StrengthModel(inst).forbidden())
    assert 2 in plan.sessions and 1 not in plan.sessions


def test_greedy_plan_of_a_season_is_valid_and_meets_the_weekly_targets() -> None:
    events = [(d, "hard" if d % 7 in (1, 3) else "easy", None, "ride") for d in range(56)]
    inst = make_instance(events, weeks=8)
    start = greedy_plan(inst, StrengthModel(inst).forbidden())
    probe = _base_plan(inst, Status.feasible)
    probe.sessions = sessions_from_choices(inst, start.sessions)
    assert validate(probe, inst) == []
    assert soft_costs(probe, inst).get("weekly-frequency", 0) == 0


def test_greedy_taper_only_comes_down_in_the_runner_season() -> None:
    # The starting plan respects weekly-volume's caps, the taper's week-on-week step included.
    inst = runner_marathon_instance()
    start = greedy_plan(inst, StrengthModel(inst).forbidden())
    probe = _base_plan(inst, Status.feasible)
    probe.sessions = sessions_from_choices(inst, start.sessions)
    taper = taper_week_sets(probe, inst)
    assert len(taper) >= 2 and taper[0] > 0
    assert all(later <= before for before, later in zip(taper[:-1], taper[1:], strict=True))
    assert [v for v in validate(probe, inst) if v.startswith("weekly-volume")] == []


def test_greedy_trains_every_chain_each_fortnight_with_the_extras() -> None:
    # Nine chains with the extras beyond the articles: the chains still climbing used to fill
    # every session and crowd out the others, which cost balance 8 in this season.
    events = [(d, "hard" if d % 7 in (1, 3) else "easy", None, "ride") for d in range(56)]
    inst = make_instance(events, {"articles-only": {"enabled": False}}, weeks=8)
    assert len(inst.chains) == 9
    start = greedy_plan(inst, StrengthModel(inst).forbidden())
    probe = _base_plan(inst, Status.feasible)
    probe.sessions = sessions_from_choices(inst, start.sessions)
    assert validate(probe, inst) == []
    assert soft_costs(probe, inst).get("balance", 0) == 0
