"""sport-emphasis tested three ways like every rule (tests/test_rules.py), the main sport's
default from the calendar, and `--sport` on the command line. Every plan these tests obtain
through the helpers has passed the validator, with the objective it recomputes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from planner.cli import app
from planner.domain import AthleteProfile, Calendar, Event, Kind, Sport
from planner.plan import Status
from tests.helpers import OFF, SOLVED, START, cost, doing, make_instance, solve, solve_forced

RULE = "sport-emphasis"


def for_sport(sport: Sport, rules: dict | None = None, weeks: int = 2):
    return make_instance(rules=rules, weeks=weeks, profile=AthleteProfile(sport=sport))


def never(inst, chain_id: str, days: range):
    c = inst.chain_index[chain_id]

    def force(v) -> None:
        for d in days:
            v.model.add(v.trains(d, c) == 0)

    return force


@pytest.mark.parametrize("sport", list(Sport.__members__.values())[:4])
def test_sport_emphasis_trivially_free(sport: Sport) -> None:
    assert cost(solve(for_sport(sport)), RULE) == 0


def test_a_cyclists_week_without_a_core_chain_costs_the_weight() -> None:
    inst = for_sport(Sport.ride)
    _, plan = solve_forced(inst, never(inst, "adductor", range(7)))
    assert plan is not None and cost(plan, RULE) == 2
    _, plan = solve_forced(inst, never(inst, "adductor", range(14)))
    assert plan is not None and cost(plan, RULE) == 4
    # Hip flexion is a runner's chain: a cyclist's week may go without it.
    _, plan = solve_forced(inst, never(inst, "hip-flexor", range(14)))
    assert plan is not None and cost(plan, RULE) == 0


def test_a_runners_week_without_hip_flexion_costs_the_weight() -> None:
    inst = for_sport(Sport.run)
    _, plan = solve_forced(inst, never(inst, "hip-flexor", range(7)))
    assert plan is not None and cost(plan, RULE) == 2
    _, plan = solve_forced(inst, never(inst, "adductor", range(14)))
    assert plan is not None and cost(plan, RULE) == 0


def test_another_sports_chain_twice_a_fortnight_costs_the_minor_weight() -> None:
    inst = for_sport(Sport.ride)
    status, plan = solve_forced(inst, doing(inst, (0, "kettlebell-hip-flexion")))
    assert status in SOLVED and plan is not None and cost(plan, RULE) == 0
    twice = doing(inst, (0, "kettlebell-hip-flexion"), (3, "kettlebell-hip-flexion"))
    _, plan = solve_forced(inst, twice)
    assert plan is not None and cost(plan, RULE) == 3
    # Days 0 and 14 lie in different fortnights; a runner's hip flexion is never minor.
    longer = for_sport(Sport.ride, weeks=3)
    _, plan = solve_forced(
        longer, doing(longer, (0, "kettlebell-hip-flexion"), (14, "kettlebell-hip-flexion"))
    )
    assert plan is not None and cost(plan, RULE) == 0
    runner = for_sport(Sport.run)
    _, plan = solve_forced(runner, twice)
    assert plan is not None and cost(plan, RULE) == 0


def test_a_runners_band_squat_twice_a_fortnight_costs_the_minor_weight() -> None:
    inst = for_sport(Sport.run)
    _, plan = solve_forced(inst, doing(inst, (0, "mini-band-squat"), (3, "mini-band-squat")))
    assert plan is not None and cost(plan, RULE) == 3


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({"weight": 5}, 5 + 3),
        ({"minor_weight": 1}, 2 + 1),
        ({"minor_window_days": 7}, 2),  # days 0 and 7 lie in different windows
        ({"ride_minor": []}, 2),
        ({"ride_core": ["bridge", "trunk"]}, 3),  # a chain the catalog lacks is ignored
        ({"weight": 0, "minor_weight": 0}, 0),
        (OFF, 0),
    ],
)
def test_sport_emphasis_parameters(rules: dict, expected: int) -> None:
    # Hip flexion without the adductors on day 0: allowed here to price both parts at once.
    inst = for_sport(Sport.ride, rules={RULE: {"minor_with_core": False, **rules}})
    force = doing(inst, (0, "kettlebell-hip-flexion"), (7, "kettlebell-hip-flexion"))

    def both(v) -> None:
        force(v)
        never(inst, "adductor", range(7))(v)

    _, plan = solve_forced(inst, both)
    assert plan is not None and cost(plan, RULE) == expected


def test_triathlon_core_is_both_sports_core_and_swimming_has_none() -> None:
    tri = for_sport(Sport.triathlon)
    _, plan = solve_forced(tri, never(tri, "hip-flexor", range(7)))
    assert plan is not None and cost(plan, RULE) == 2
    _, plan = solve_forced(tri, never(tri, "adductor", range(7)))
    assert plan is not None and cost(plan, RULE) == 2
    swim = for_sport(Sport.swim)
    _, plan = solve_forced(swim, never(swim, "hip-flexor", range(14)))
    assert plan is not None and cost(plan, RULE) == 0


def test_a_minor_chain_moves_up_at_the_pace_of_one_session_a_fortnight() -> None:
    """steady-progress does not push a cyclist's hip flexion up faster than sport-emphasis lets
    it come: 3 sessions at one a fortnight, 42 days, before cable hip flexion is due."""

    def no_sessions(v) -> None:
        v.model.add(sum(v.session) == 0)

    costs = {}
    for sport in (Sport.ride, Sport.run):
        _, plan = solve_forced(for_sport(sport, weeks=7), no_sessions)
        assert plan is not None
        costs[sport] = [
            line
            for r in plan.explanation.rules
            if r.id == "steady-progress"
            for line in r.violations
        ]
    flexion = [line for line in costs[Sport.ride] if "Cable hip flexion" in line]
    assert flexion == ["Early-range hip flexion: not yet at Cable hip flexion by 22 Feb"]
    assert sum("Cable hip flexion" in line for line in costs[Sport.run]) == 5  # from day 14


def test_the_main_sport_is_an_endurance_sport() -> None:
    for sport in (Sport.strength, Sport.other):
        with pytest.raises(ValidationError, match="endurance sport"):
            AthleteProfile(sport=sport)


def event(day: int, sport: Sport, minutes: int | None, kind: Kind = Kind.easy) -> Event:
    return Event(date=START + dt.timedelta(days=day), sport=sport, kind=kind, duration_min=minutes)


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([], Sport.ride),
        ([event(0, Sport.run, 40), event(1, Sport.run, 50), event(2, Sport.ride, 60)], Sport.run),
        ([event(0, Sport.run, 40), event(1, Sport.ride, 240)], Sport.ride),  # time, not count
        ([event(0, Sport.run, None), event(1, Sport.strength, 600)], Sport.run),
        (
            [event(0, Sport.swim, 60), event(1, Sport.ride, 180), event(2, Sport.run, 60)],
            Sport.triathlon,
        ),
    ],
)
def test_dominant_sport(events: list[Event], expected: Sport) -> None:
    assert Calendar(format="manual", events=events).dominant_sport() == expected


# ------------------------------------------------------------------------------------ CLI

runner = CliRunner()
CLI_START = "2026-11-30"


def cli_plan(tmp_path: Path, *extra: str) -> tuple[dict, str]:
    out = tmp_path / f"plan{len(list(tmp_path.iterdir()))}.json"
    args = ["plan", "--start", CLI_START, "--weeks", "6", "--out", str(out), *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text()), result.output


def test_cli_sport_run_and_ride_give_different_plans(tmp_path: Path) -> None:
    ride, _ = cli_plan(tmp_path, "--sport", "ride")
    run, _ = cli_plan(tmp_path, "--sport", "run")
    assert ride["sessions"] != run["sessions"]
    assert any("shaped for running" in line for line in run["sessions"][0]["why"])


def test_cli_sport_defaults_to_the_calendars_dominant_sport(tmp_path: Path) -> None:
    default, output = cli_plan(tmp_path)
    assert "Main sport: ride (the calendar's dominant sport" in output
    ride, _ = cli_plan(tmp_path, "--sport", "ride")
    assert default["sessions"] == ride["sessions"]


@pytest.mark.parametrize("sport", ["strength", "other", "chess"])
def test_cli_sport_accepts_only_endurance_sports(sport: str) -> None:
    result = runner.invoke(app, ["plan", "--start", CLI_START, "--weeks", "2", "--sport", sport])
    assert result.exit_code == 2
    assert "--sport" in result.output and "triathlon" in result.output


# ------------------------------------------------------------- minor chain only with the core


def test_another_sports_chain_comes_only_with_the_core_chains() -> None:
    inst = for_sport(Sport.ride)
    hip = doing(inst, (0, "kettlebell-hip-flexion"))

    def without_adductor(v) -> None:
        hip(v)
        never(inst, "adductor", range(1))(v)

    assert solve_forced(inst, without_adductor)[0] == Status.infeasible
    status, plan = solve_forced(inst, hip)
    assert status in SOLVED and plan is not None
    first = {e.chain for e in plan.sessions[0].exercises}
    assert {"adductor", "bridge", "hip-flexor"} <= first
    off = for_sport(Sport.ride, rules={RULE: {"minor_with_core": False}})
    assert solve_forced(off, without_adductor)[0] in SOLVED
    assert solve_forced(for_sport(Sport.ride, rules={RULE: OFF}), without_adductor)[0] in SOLVED


def test_validator_names_a_minor_chain_without_the_core() -> None:
    from planner.validate import check_sport_emphasis
    from tests.helpers import hand_plan

    inst = for_sport(Sport.ride)
    params = inst.config.params(RULE)
    plan = hand_plan(
        inst, {0: ["kettlebell-hip-flexion", "glute-bridge", "seated-banded-abduction"]}
    )
    assert check_sport_emphasis(plan, inst, params) == [
        "sport-emphasis: session on Mon 05 Jan trains another sport's chain but not Adductor "
        "length and strength, a core chain"
    ]
    runner = for_sport(Sport.run)
    assert check_sport_emphasis(plan, runner, runner.config.params(RULE)) == []
