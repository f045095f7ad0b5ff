"""key-session-spacing tested three ways like every rule (tests/test_rules.py): heavy or
eccentric posterior-chain work in the 48 h before a long session or a race costs its weight.
Every plan these tests obtain has passed the validator, with the objective it recomputes."""

from __future__ import annotations

import pytest

from tests.helpers import OFF, cost, doing, make_instance, solve, solve_forced

RULE = "key-session-spacing"
# Max strength from day 0 and heavy work from the first session, so deadlifts are allowed
# (adaptation-first is tested on its own); an easy week with a long ride on day 5.
MAX_STRENGTH = {"adaptation_weeks": 0}
NO_ADAPT = {"adaptation-first": {"enabled": False}}


def week(key_kind: str = "long", priority: str | None = None):
    return [
        (d, key_kind if d == 5 else "easy", priority if d == 5 else None, f"day {d}")
        for d in range(7)
    ]


def instance(rules: dict | None = None, key_kind: str = "long", priority: str | None = None):
    """The week, with the rule switched on (as by default)."""
    rules = {**NO_ADAPT, **(rules or {})}
    rules[RULE] = {"enabled": True, **rules.get(RULE, {})}
    return make_instance(week(key_kind, priority), rules=rules, weeks=1, **MAX_STRENGTH)


def test_key_session_spacing_is_on_by_default() -> None:
    # On since the solver proves its plans fast enough with it (issue 11; planner/polish.py).
    inst = make_instance(week(), rules=NO_ADAPT, weeks=1, **MAX_STRENGTH)
    assert inst.config.params(RULE).enabled
    _, plan = solve_forced(inst, doing(inst, (3, "deadlift")))
    assert plan is not None and cost(plan, RULE) == 2


def test_key_session_spacing_trivially_free() -> None:
    plan = solve(instance())
    assert cost(plan, RULE) == 0


@pytest.mark.parametrize("day", [3, 4])
def test_deadlift_in_the_two_days_before_a_long_ride_costs_the_weight(day: int) -> None:
    inst = instance()
    _, plan = solve_forced(inst, doing(inst, (day, "deadlift")))
    assert plan is not None and cost(plan, RULE) == 2


def test_deadlift_three_days_before_costs_nothing() -> None:
    inst = instance()
    _, plan = solve_forced(inst, doing(inst, (2, "deadlift")))
    assert plan is not None and cost(plan, RULE) == 0


def test_a_c_race_is_a_key_session() -> None:
    rules = {"taper": {"days_before_c": 0}, "race-day": {"days_before": 0}}
    inst = instance(rules, key_kind="race", priority="C")
    _, plan = solve_forced(inst, doing(inst, (3, "deadlift")))
    assert plan is not None and cost(plan, RULE) == 2


@pytest.mark.parametrize(
    ("rules", "key_kind", "exercise", "expected"),
    [
        ({"days_before": 1}, "long", "deadlift", 0),
        ({"days_before": 3}, "long", "deadlift", 2),
        ({"weight": 5}, "long", "deadlift", 5),
        ({}, "hard", "deadlift", 0),  # hard sessions are key only when asked for
        ({"hard_sessions": True}, "hard", "deadlift", 2),
        ({}, "long", "glute-bridge", 0),  # light work is fine
        ({}, "long", "glute-bridge-walkout", 2),  # eccentric hamstring work counts
        ({"eccentric": []}, "long", "glute-bridge-walkout", 0),
        (OFF, "long", "deadlift", 0),
    ],
)
def test_key_session_spacing_parameters(
    rules: dict, key_kind: str, exercise: str, expected: int
) -> None:
    # The walkout is level 4 of its chain: progression is off so it may come on day 2.
    inst = instance({RULE: rules, "progression-order": OFF}, key_kind=key_kind)
    day = 2  # 3 days before the key session on day 5
    _, plan = solve_forced(inst, doing(inst, (day, exercise)))
    assert plan is not None
    expected_3 = cost(plan, RULE)
    day3 = instance({RULE: rules, "progression-order": OFF}, key_kind=key_kind)
    _, plan = solve_forced(day3, doing(day3, (3, exercise)))
    assert plan is not None and cost(plan, RULE) == expected
    if rules.get("days_before") != 3:
        assert expected_3 == 0
