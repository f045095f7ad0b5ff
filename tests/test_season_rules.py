"""The season-shape rules of issue 11 part B, each tested three ways (trivially feasible,
infeasible when a violating choice is forced, feasible when an allowed one is), with their
parameters and switches; the periodisation they rest on; and the validator's checks of them.

Every plan these tests obtain has passed the solver-free validator (see tests/helpers.py).
"""

from __future__ import annotations

import datetime as dt

import pytest

from planner.config import PlannerConfig, SeasonSettings
from planner.domain import AthleteProfile, Calendar, Event, Experience, Kind, Priority, Sport
from planner.instance import build_instance
from planner.periodisation import Goal, phase_days
from planner.plan import PhaseName
from planner.validate import validate
from tests.helpers import (
    INFEASIBLE,
    OFF,
    START,
    catalog,
    cost,
    doing,
    hand_plan,
    make_config,
    make_instance,
    runner_marathon_instance,
    sessions_on,
    solve,
    solve_forced,
    solved,
    taper_week_sets,
)


def rules_named(violations: list[str]) -> set[str]:
    return {v.split(":", 1)[0] for v in violations}


def race_instance(
    offset: int,
    title: str,
    sport: Sport,
    minutes: int | None,
    priority: Priority = Priority.B,
    rules: dict | None = None,
    weeks: int = 4,
    **season: int,
):
    event = Event(
        date=START + dt.timedelta(days=offset),
        title=title,
        sport=sport,
        kind=Kind.race,
        priority=priority,
        duration_min=minutes,
    )
    return build_instance(
        Calendar(format="manual", events=[event]),
        catalog(),
        AthleteProfile(sport=sport),  # the athlete races in their own sport
        make_config(rules, **season),
        START,
        weeks,
    )


# ------------------------------------------------------------------------------ periodisation


def test_phases_count_from_the_race_date_not_from_7_day_blocks() -> None:
    # An A race on a Wednesday (day 23): taper the 14 days up to it, transition from Thursday.
    shape = phase_days(START, 35, [START + dt.timedelta(days=23)], SeasonSettings())
    phases = [d.phase for d in shape.days]
    assert phases[9] == PhaseName.peak and phases[10] == PhaseName.taper
    assert phases[23] == PhaseName.taper and phases[24] == PhaseName.transition
    assert phases[30] == PhaseName.transition and phases[31] == PhaseName.general


def test_every_block_opens_with_adaptation_whatever_phase_it_starts_in() -> None:
    # The plan starts 8 weeks before an A race: build, peak, taper; adaptation comes first.
    shape = phase_days(START, 56, [START + dt.timedelta(days=55)], SeasonSettings(), 3)
    assert shape.days[0].phase == PhaseName.build
    assert {d.goal for d in shape.days[:21]} == {Goal.adaptation}
    assert shape.days[21].goal == Goal.max_strength


def test_a_short_season_gets_a_compressed_adaptation_not_none() -> None:
    # 3 weeks to the taper: adaptation takes what there is, then the taper.
    shape = phase_days(START, 35, [START + dt.timedelta(days=34)], SeasonSettings(), 4)
    goals = [d.goal for d in shape.days]
    assert goals[0] == Goal.adaptation and goals[20] == Goal.adaptation
    assert goals[21] == Goal.taper
    assert any("max-strength block" in note for note in shape.notes)


def test_max_strength_block_takes_weeks_from_build_and_holds_no_deload() -> None:
    # 14 weeks to a race: 3 adaptation, then max strength at least 4 weeks (build shortened).
    shape = phase_days(START, 98, [START + dt.timedelta(days=97)], SeasonSettings(), 3)
    goals = [w.goal for w in shape.weeks]
    assert goals[:3] == [Goal.adaptation] * 3
    assert goals[3:7] == [Goal.max_strength] * 4
    assert not any(w.deload for w in shape.weeks[3:7])
    assert shape.notes == []


def test_max_strength_block_parameter_and_its_note() -> None:
    season = SeasonSettings(max_strength_weeks=6, build_weeks=4)
    # 12 weeks to the race: 3 adaptation + 6 max strength would reach into the peak: a note.
    shape = phase_days(START, 84, [START + dt.timedelta(days=83)], season, 3)
    ms = sum(d.goal == Goal.max_strength for d in shape.days)
    assert ms == 35  # up to the peak (5 weeks)
    assert len(shape.notes) == 1 and "shorter than 6 weeks" in shape.notes[0]


def test_deloads_every_4th_loaded_week_after_the_first_max_strength_block() -> None:
    shape = phase_days(START, 16 * 7, [], SeasonSettings(), 3)
    deloads = [w for w, week in enumerate(shape.weeks) if week.deload]
    # Adaptation weeks 0-2, max strength 3-6 (4 weeks, no deload), deload 7, then every 4th.
    assert deloads == [7, 11, 15]


def test_experience_sets_the_opening_adaptation() -> None:
    for experience, weeks in ((Experience.novice, 4), (Experience.advanced, 1)):
        inst = build_instance(
            Calendar(format="manual"),
            catalog(),
            AthleteProfile(experience=experience),
            PlannerConfig(),
            START,
            8,
        )
        adaptation = [d.index for d in inst.days if d.goal == Goal.adaptation]
        assert adaptation == list(range(7 * weeks))


# ---------------------------------------------------------------------------------- race-day


A_RACE_DAY_20 = [(20, "race", "A", "goal race")]
QUIET = {"no-new-exercises": OFF}  # everything is new this close to the race


def test_race_week_trivially_feasible() -> None:
    plan = solve(make_instance(A_RACE_DAY_20, QUIET, weeks=3))
    assert all(not 15 <= (s.date - START).days <= 20 for s in plan.sessions)


@pytest.mark.parametrize(
    ("priority", "rules", "day", "feasible"),
    [
        ("A", {}, 15, False),  # 5 days before an A race
        ("A", {"a_race_week": False}, 14, True),  # 6 days out: outside the 5-day window
        ("A", {}, 14, False),  # the Monday of a Sunday A race's week (a_race_week by default)
        ("A", {}, 13, True),  # the Sunday before it
        ("A", {"days_before_a": 2, "a_race_week": False}, 17, True),
        ("A", {"days_before_a": 2}, 17, False),  # still in the race's week
        ("B", {}, 18, False),  # 2 days before a B race
        ("B", {}, 17, True),
        ("C", {}, 19, False),  # the day before any race
        ("C", {}, 18, True),
        ("A", OFF, 19, True),
    ],
)
def test_race_day_windows_by_priority(priority: str, rules: dict, day: int, feasible: bool) -> None:
    inst = make_instance([(20, "race", priority, "race")], {**QUIET, "race-day": rules}, weeks=3)
    assert solved(solve_forced(inst, sessions_on(day))[0]) == feasible


def test_validator_names_a_session_on_the_monday_of_a_sunday_a_race() -> None:
    # Coaching review: a marathoner lifted 6 days before a Sunday A race, in the race's week.
    inst = make_instance(A_RACE_DAY_20, {**QUIET, "race-day": {"a_race_week": True}}, weeks=3)
    bad = hand_plan(inst, {14: ["all-fours-adductor-hold", "glute-bridge"]})
    assert any("6 day(s) before A race" in v for v in validate(bad, inst))
    week_open = {**QUIET, "race-day": {"a_race_week": False}}
    loose = make_instance(A_RACE_DAY_20, week_open, weeks=3)  # a 5-day window only
    assert "race-day" not in rules_named(validate(bad, loose))


@pytest.mark.parametrize("rule", ["balance", "sport-emphasis"])
def test_a_closed_a_race_week_costs_no_missed_chain(rule: str) -> None:
    # The A-race week (days 14-20) is closed to strength by default: a chain it cannot hold is
    # not "missed" (as weekly-frequency asks no session of it). Before, the demo's explanation
    # charged balance 8 and sport-emphasis 4 for its closed A-race week.
    plan = solve(make_instance(A_RACE_DAY_20, QUIET, weeks=3))
    assert not any(14 <= (s.date - START).days <= 20 for s in plan.sessions)
    assert cost(plan, rule) == 0


def test_validator_names_a_session_in_the_a_race_week() -> None:
    inst = make_instance(A_RACE_DAY_20, QUIET, weeks=3)
    bad = hand_plan(inst, {16: ["all-fours-adductor-hold", "glute-bridge"]})
    violations = validate(bad, inst)
    assert "race-day" in rules_named(violations)
    assert any("4 day(s) before A race" in v for v in violations)


# ------------------------------------------------------------------------ post-race-recovery


@pytest.mark.parametrize(
    ("title", "sport", "minutes", "days"),
    [
        ("City Marathon", Sport.run, None, 7),
        ("Trail run", Sport.run, 200, 7),
        ("Half Marathon", Sport.run, 100, 3),
        ("Halbmarathon", Sport.run, None, 3),
        ("10 km road race", Sport.run, 90, 3),
        ("Parkrun", Sport.run, 20, 1),  # a B race's default
        ("Gran fondo", Sport.ride, 330, 4),
        ("Maratona dles Dolomites", Sport.ride, 280, 1),  # a ride: not a running marathon
        ("Crit", Sport.ride, 60, 1),
    ],
)
def test_post_race_recovery_scales_with_the_race(
    title: str, sport: Sport, minutes: int | None, days: int
) -> None:
    inst = race_instance(3, title, sport, minutes)
    assert solve_forced(inst, sessions_on(3 + days))[0] == INFEASIBLE
    assert solved(solve_forced(inst, sessions_on(3 + days + 1))[0])


def test_post_race_long_race_parameters_and_switch() -> None:
    shorter = race_instance(
        3, "City Marathon", Sport.run, 210, rules={"post-race-recovery": {"days_after_marathon": 4}}
    )
    assert solved(solve_forced(shorter, sessions_on(8))[0])
    limit = race_instance(
        3, "Long run race", Sport.run, 150, rules={"post-race-recovery": {"marathon_min": 150}}
    )
    assert solve_forced(limit, sessions_on(10))[0] == INFEASIBLE
    off = race_instance(3, "City Marathon", Sport.run, 210, rules={"post-race-recovery": OFF})
    assert solved(solve_forced(off, sessions_on(4))[0])


def test_first_session_after_a_long_race_recovery_is_light() -> None:
    # A half marathon on day 3 (3 days off): the first session after, day 7, holds light work.
    inst = race_instance(3, "Half Marathon", Sport.run, 100)
    assert solved(solve_forced(inst, doing(inst, (7, "glute-bridge")))[0])
    moderate = doing(inst, (7, "kettlebell-hip-flexion"))
    assert solve_forced(inst, moderate)[0] == INFEASIBLE
    # A later session may be moderate once a light one came first.
    first_light = doing(inst, (7, "glute-bridge"), (10, "all-fours-adductor-hold"))
    status, plan = solve_forced(inst, first_light)
    assert solved(status)
    later = doing(inst, (7, "glute-bridge"), (11, "kettlebell-hip-flexion"))
    assert solved(solve_forced(inst, later)[0])
    # Switched off, and after a short race, the first session may hold moderate work.
    relaxed = race_instance(
        3,
        "Half Marathon",
        Sport.run,
        100,
        rules={"post-race-recovery": {"light_first_session": False}},
    )
    assert solved(solve_forced(relaxed, doing(relaxed, (7, "kettlebell-hip-flexion")))[0])
    short = race_instance(3, "Parkrun", Sport.run, 20)
    assert solved(solve_forced(short, doing(short, (5, "kettlebell-hip-flexion")))[0])


def test_validator_names_recovery_and_a_heavy_first_session() -> None:
    inst = race_instance(3, "City Marathon", Sport.run, 215)
    early = hand_plan(inst, {8: ["all-fours-adductor-hold", "glute-bridge"]})
    violations = validate(early, inst)
    assert rules_named(violations) == {"post-race-recovery"}
    assert "7 strength-free day(s) required" in violations[0]
    heavy_first = hand_plan(inst, {11: ["glute-bridge", "kettlebell-hip-flexion"]})
    violations = validate(heavy_first, inst)
    assert rules_named(violations) == {"post-race-recovery"}
    assert "only light or mobility work" in violations[0]


# --------------------------------------------------------------------------- adaptation-first

# Max strength from day 0 (no adaptation phase), so only adaptation-first keeps heavy work out.
MS_NOW = {"adaptation_weeks": 0}


def heavy_ready(experience: Experience = Experience.intermediate, rules: dict | None = None):
    return build_instance(
        Calendar(format="manual"),
        catalog(),
        AthleteProfile(experience=experience),
        make_config({"weekly-volume": OFF, **(rules or {})}, **MS_NOW),
        START,
        6,
    )


def test_adaptation_first_trivially_feasible() -> None:
    plan = solve(make_instance(weeks=6))
    heavy = [s for s in plan.sessions if any(e.heavy for e in s.exercises)]
    assert heavy and (heavy[0].date - START).days >= 21


def test_adaptation_first_no_heavy_in_the_first_weeks() -> None:
    inst = heavy_ready(rules={"phase-loads": OFF})
    assert solve_forced(inst, doing(inst, (20, "deadlift")))[0] == INFEASIBLE


def test_adaptation_first_counts_sessions_before_heavy_work() -> None:
    inst = heavy_ready(rules={"phase-loads": OFF})
    three = sessions_on(0, 7, 14)
    assert solve_forced(inst, lambda v: (three(v), _only(v, {0, 7, 14, 21}))) is not None
    status, _ = solve_forced(
        inst, lambda v: (_only(v, {0, 7, 14, 21}), doing(inst, (21, "deadlift"))(v))
    )
    assert status == INFEASIBLE  # 3 sessions before day 21
    status, _ = solve_forced(
        inst, lambda v: (_only(v, {0, 3, 7, 14, 21}), doing(inst, (21, "deadlift"))(v))
    )
    assert solved(status)  # 4 sessions before


def _only(v, days: set[int]) -> None:
    for d in range(v.inst.n_days):
        v.model.add(v.session_on(d) == int(d in days))


@pytest.mark.parametrize(
    ("experience", "day", "feasible"),
    [
        (Experience.novice, 27, False),
        (Experience.novice, 35, True),
        (Experience.advanced, 6, False),
        (Experience.advanced, 7, True),
    ],
)
def test_adaptation_first_by_experience(experience: Experience, day: int, feasible: bool) -> None:
    inst = heavy_ready(experience, {"phase-loads": OFF})
    assert solved(solve_forced(inst, doing(inst, (day, "deadlift")))[0]) == feasible


def test_adaptation_first_parameters_and_switch() -> None:
    inst = heavy_ready(rules={"phase-loads": OFF, "adaptation-first": {"weeks_intermediate": 1}})
    assert solved(solve_forced(inst, doing(inst, (12, "deadlift")))[0])
    off = heavy_ready(rules={"phase-loads": OFF, "adaptation-first": OFF})
    assert solved(solve_forced(off, doing(off, (0, "deadlift")))[0])


def test_first_heavy_work_never_in_a_deload_week() -> None:
    # 16 weeks without races: deload weeks 7, 11, 15. Heavy work first in week 7 is refused.
    inst = make_instance(weeks=12)
    assert inst.week_deload(7)
    first_in_deload = doing(inst, (50, "deadlift"))

    def no_heavy_before(v) -> None:
        first_in_deload(v)
        for d in range(49):
            for c, chain in enumerate(inst.chains):
                for k, exercise in enumerate(chain.levels):
                    if exercise.heavy:
                        v.model.add(v.does(d, c, k) == 0)

    assert solve_forced(inst, no_heavy_before)[0] == INFEASIBLE
    assert solved(solve_forced(inst, doing(inst, (50, "deadlift")))[0])


def test_validator_names_early_heavy_work() -> None:
    # (progression-order's new_heavy_in_max_strength would name the deadlift too: off)
    late_heavy_ok = {
        "progression-order": {"new_heavy_in_max_strength": False, "max_strength_reach": False}
    }
    inst = heavy_ready(rules={"phase-loads": OFF, **late_heavy_ok})
    bad = hand_plan(inst, {0: ["glute-bridge", "deadlift"]})
    violations = validate(bad, inst)
    assert rules_named(violations) == {"adaptation-first"}
    assert any("first 3 week(s)" in v for v in violations)
    assert any("after 0 session(s)" in v for v in violations)


# ------------------------------------------------------------------------------ weekly-volume


def sets_in(inst, day: int, ids: list[str]) -> int:
    return sum(inst.dose(day, inst.catalog.exercise(e)).sets for e in ids)


def test_weekly_volume_trivially_feasible_and_deload_lighter() -> None:
    inst = make_instance(weeks=9)
    assert inst.week_deload(7) and not inst.week_deload(6)
    plan = solve(inst)
    by_week = [0] * inst.n_weeks
    for s in plan.sessions:
        by_week[(s.date - START).days // 7] += sum(e.sets for e in s.exercises)
    assert by_week[7] * 100 <= 70 * by_week[6]


def test_weekly_volume_deload_week_heavier_than_the_week_before_is_refused() -> None:
    inst = make_instance(weeks=8)

    # Week 6: one small session; week 7 (deload): two sessions.
    def force(v) -> None:
        _only(v, {43, 49, 53})
        for d in (43, 49, 53):
            v.model.add(sum(v.chain_on[d]) == 2)

    assert solve_forced(inst, force)[0] == INFEASIBLE

    def one_deload_session(v) -> None:
        _only(v, {39, 43, 49})

    assert solved(solve_forced(inst, one_deload_session)[0])


def test_weekly_volume_maintenance_and_taper_lighter() -> None:
    # 3 adaptation weeks, 4 max strength, build, peak, taper before an A race on day 97.
    inst = make_instance([(97, "race", "A", "goal")], weeks=14)
    plan = solve(inst)
    assert not validate(plan, inst)
    full = make_instance(
        [(97, "race", "A", "goal")], {"weekly-volume": {"maintenance_pct": 100}}, weeks=14
    )
    assert full.config.params("weekly-volume").maintenance_pct == 100


def short_season(rules: dict | None = None):
    """8 weeks to an A race on day 55: max strength weeks 0-4 (deload 3), maintenance 5-6,
    taper 7."""
    return make_instance(
        [(55, "race", "A", "goal")],
        {"adaptation-first": OFF, **(rules or {})},
        weeks=8,
        adaptation_weeks=0,
        build_weeks=2,
        peak_weeks=0,
        taper_weeks=1,
        max_strength_weeks=2,
    )


def test_weekly_volume_maintenance_forced_heavy_is_refused() -> None:
    # (session-size's floor in minutes would refuse the small max-strength sessions: off, so
    # only the volume decides)
    unfloored = {"session-size": {"min_minutes_max_strength": 0}}
    inst = short_season(unfloored)
    goals = [inst.week_goal(w) for w in range(inst.n_weeks)]
    assert goals[:5] == [Goal.max_strength] * 5 and goals[5:7] == [Goal.maintenance] * 2

    def big_maintenance(v) -> None:
        # Small max-strength weeks (one session of the adductor and abduction drills), big
        # maintenance ones (one session of 4 exercises or more).
        small = {inst.chain_index["adductor"], inst.chain_index["abduction"]}
        _only(v, {0, 7, 14, 21, 28, 35, 42})
        for d in (0, 7, 14, 21, 28):
            for c in range(len(inst.chains)):
                v.model.add(v.chain_on[d][c] == int(c in small))
        for d in (35, 42):
            v.model.add(sum(v.chain_on[d]) >= 4)

    assert solve_forced(inst, big_maintenance)[0] == INFEASIBLE
    relaxed = short_season({"weekly-volume": OFF, **unfloored})
    assert solved(solve_forced(relaxed, big_maintenance)[0])


def test_validator_names_volume_violations() -> None:
    inst = make_instance(weeks=8)
    small = ["all-fours-adductor-hold", "glute-bridge"]
    big = [
        "all-fours-adductor-hold",
        "glute-bridge",
        "kettlebell-hip-flexion",
        "seated-banded-abduction",
        "mini-band-squat",
    ]
    bad = hand_plan(inst, {45: small, 49: big, 53: big})
    violations = [v for v in validate(bad, inst) if v.startswith("weekly-volume")]
    assert len(violations) == 1 and "deload week from" in violations[0]
    assert sets_in(inst, 49, big) > 0


def test_a_season_too_short_for_max_strength_says_why_in_the_plan() -> None:
    from planner.solve import plan_season

    cal = Calendar(
        format="manual",
        events=[
            Event(
                date=START + dt.timedelta(days=41),
                title="Goal race",
                sport=Sport.ride,
                kind=Kind.race,
                priority=Priority.A,
            )
        ],
    )
    plan = plan_season(cal, catalog(), AthleteProfile(), PlannerConfig(), start=START, weeks=7)
    assert any("max-strength block" in n and "too short" in n for n in plan.notes), plan.notes


def test_no_heavy_exercise_is_new_in_a_deload_week() -> None:
    # Deadlift from week 3, the kickstand deadlift (next hinge level) first in deload week 7.
    inst = make_instance(weeks=9, rules={"progression-order": {"min_days": 7}})
    c, k = inst.chain_index["hinge"], 1
    assert inst.chains[c].levels[k].id == "kickstand-deadlift"

    def kickstand_first_in_deload(v) -> None:
        doing(
            inst, (22, "deadlift"), (29, "deadlift"), (36, "deadlift"), (50, "kickstand-deadlift")
        )(v)
        for d in range(50):
            v.model.add(v.does(d, c, k) == 0)

    assert solve_forced(inst, kickstand_first_in_deload)[0] == INFEASIBLE

    def kickstand_before(v) -> None:
        doing(
            inst, (22, "deadlift"), (29, "deadlift"), (36, "deadlift"), (43, "kickstand-deadlift")
        )(v)
        doing(inst, (50, "kickstand-deadlift"))(v)

    assert solved(solve_forced(inst, kickstand_before)[0])
    bad = hand_plan(
        inst,
        {
            **{d: ["all-fours-adductor-hold", "glute-bridge"] for d in (0, 3, 7, 10)},
            22: ["glute-bridge", "deadlift"],
            29: ["glute-bridge", "deadlift"],
            36: ["glute-bridge", "deadlift"],
            50: ["glute-bridge", "kickstand-deadlift"],
        },
    )
    violations = [v for v in validate(bad, inst) if v.startswith("adaptation-first")]
    assert violations == [
        f"adaptation-first: Kickstand deadlift is done for the first time on "
        f"{inst.days[50].date:%a %d %b}, in a deload week"
    ]


def test_light_first_session_window_parameter() -> None:
    # Half marathon on day 3: recovery days 4-6, light first session looked for from day 7.
    def first_moderate_on_14(inst):
        def force(v) -> None:
            _only(v, {14})
            doing(inst, (14, "kettlebell-hip-flexion"))(v)

        return force

    default = race_instance(3, "Half Marathon", Sport.run, 100)
    assert solve_forced(default, first_moderate_on_14(default))[0] == INFEASIBLE
    week = race_instance(
        3, "Half Marathon", Sport.run, 100, rules={"post-race-recovery": {"light_window_days": 7}}
    )
    assert solved(solve_forced(week, first_moderate_on_14(week))[0])


def test_weekly_volume_taper_only_comes_down_in_the_runner_season() -> None:
    # Coaching review: the last taper week (6 days before the marathon) held 9 sets against 7.
    inst = runner_marathon_instance()
    plan = solve(inst)
    taper = taper_week_sets(plan, inst)
    assert len(taper) >= 2
    assert all(later <= before for before, later in zip(taper[:-1], taper[1:], strict=True)), taper
    assert not validate(plan, inst)


def test_validator_names_a_taper_week_heavier_than_the_one_before() -> None:
    # With the step switched off the last taper week may rise again (the solver chose 7 then 9
    # sets when this was written; which of the equally good plans it picks changes with every
    # rule added, so the rise is asked for here); the validator, holding the default rule,
    # names that week and the one before.
    # (race-day's A-race week now empties the marathon's week: switched off to isolate the step)
    week_open = {"race-day": {"a_race_week": False}}
    loose = runner_marathon_instance({**week_open, "weekly-volume": {"taper_only_down": False}})
    taper = [w for w in range(loose.n_weeks) if loose.week_goal(w) == Goal.taper]
    last_two = taper[-2:]

    def rising(v) -> None:
        def sets(w: int):
            return sum(
                loose.dose(d, ch.exercise).sets * ch.var
                for d in loose.week_days(w)
                for ch in v.choices(d)
                if not v.is_constant(ch.var)
            )

        v.model.add(sets(last_two[1]) > sets(last_two[0]))

    status, plan = solve_forced(loose, rising)
    assert solved(status) and plan is not None
    before, later = taper_week_sets(plan, loose)[-2:]
    assert later > before
    strict = runner_marathon_instance(week_open)
    violations = [v for v in validate(plan, strict) if v.startswith("weekly-volume")]
    assert violations == [
        f"weekly-volume: taper week from Mon 05 Apr holds {later} sets, more than the {before} "
        "of the taper week from Mon 29 Mar; the taper only comes down"
    ]
    assert not [v for v in validate(plan, loose) if v.startswith("weekly-volume")]


def test_weekly_volume_describe_states_the_taper_step() -> None:
    from constraints import REGISTRY

    rule = next(r for r in REGISTRY if r.id == "weekly-volume")
    assert "taper only comes down" in rule.describe(rule.Params())
    off = rule.Params(taper_only_down=False)
    assert "taper only comes down" not in rule.describe(off)
    assert "no heavier than the one before" not in rule.conflict_text(off)
    assert "no heavier than the one before" in rule.conflict_text(rule.Params())
