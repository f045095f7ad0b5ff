"""A week the hard rules close entirely (recovery after a marathon, a race week) asks for no
session: weekly-frequency cannot charge a session the athlete could never have done. Every plan
these tests obtain has passed the validator, with the objective it recomputes."""

from __future__ import annotations

from tests.helpers import OFF, make_instance, solve

# A marathon (B race) on the first Sunday: its 7 recovery days are all of week 1 (days 7-13).
MARATHON = [(6, "race", "B", "City Marathon", "run")]


def violations(plan, rule_id: str) -> list[str]:
    return next((r.violations for r in plan.explanation.rules if r.id == rule_id), [])


def test_a_week_of_marathon_recovery_asks_for_no_session() -> None:
    inst = make_instance(MARATHON, weeks=3)
    assert inst.week_target(1) == 0
    plan = solve(inst)
    assert not any("12 Jan" in v for v in violations(plan, "weekly-frequency"))


def test_recovery_counts_only_while_post_race_recovery_is_on() -> None:
    inst = make_instance(MARATHON, rules={"post-race-recovery": OFF}, weeks=3)
    assert inst.week_target(1) > 0


def test_a_week_the_race_rules_close_asks_for_no_session() -> None:
    # A B race on Sunday of week 1 with 7 strength-free days before it closes days 6-13.
    race = [(13, "race", "B", "Road race")]
    inst = make_instance(race, rules={"race-day": {"days_before_b": 7}}, weeks=3)
    assert inst.week_target(1) == 0
    plan = solve(inst)
    assert not any("12 Jan" in v for v in violations(plan, "weekly-frequency"))
    open_inst = make_instance(race, rules={"race-day": OFF, "taper": OFF}, weeks=3)
    assert open_inst.week_target(1) > 0
