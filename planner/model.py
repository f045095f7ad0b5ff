"""The CP-SAT model: variables, the rules from the registry, and the weighted objective."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from constraints import REGISTRY, Penalty, Rule
from constraints.base import Forbidden
from constraints.eccentric_work import step_downs
from planner.greedy import greedy_plan
from planner.instance import Instance
from planner.variables import PlanVars

log = logging.getLogger(__name__)


@dataclass
class BuiltModel:
    model: cp_model.CpModel
    vars: PlanVars
    penalties: list[Penalty]
    rule_literals: dict[str, cp_model.IntVar] = field(default_factory=dict)
    build_seconds: float = 0.0


class StrengthModel:
    """Holds the active rules and builds the model. Only this class combines weights."""

    def __init__(self, inst: Instance, rules: tuple[Rule, ...] = REGISTRY) -> None:
        self.inst = inst
        self.rules = rules

    def active_rules(self) -> list[Rule]:
        return [r for r in self.rules if self.inst.config.params(r.id).enabled]

    def forbidden(self) -> Forbidden:
        """Days and choices the active hard rules rule out whatever else is chosen."""
        merged = Forbidden()
        for rule in self.active_rules():
            if rule.hard:
                part = rule.forbidden(self.inst, self.inst.config.params(rule.id))
                merged.days |= part.days
                merged.choices |= part.choices
        return merged

    def build(
        self, with_literals: bool = False, hint: dict[int, dict[int, int]] | None = None
    ) -> BuiltModel:
        """Build the model; with_literals puts every rule behind its own enforcement literal.

        `hint` (day -> {chain: level}) replaces the default starting plan: the previous plan in
        a re-plan, else the greedy plan.
        """
        started = time.perf_counter()
        model = cp_model.CpModel()
        forbidden = None if with_literals else self.forbidden()
        v = PlanVars(self.inst, model, forbidden)
        penalties: list[Penalty] = []
        literals: dict[str, cp_model.IntVar] = {}
        for rule in self.active_rules():
            params = self.inst.config.params(rule.id)
            enforce = None
            if with_literals and rule.has_hard_constraints:
                enforce = model.new_bool_var(f"rule {rule.id}")
                literals[rule.id] = enforce
            penalties.extend(rule.build(self.inst, v, params, enforce))
        if forbidden is not None:
            history = self.inst.history
            if hint is not None:
                v.hint(hint, levels_by_week(self.inst, hint))
            elif history is not None and history.previous:
                # A re-plan starts from the previous plan: most of it usually still holds.
                sessions = _repaired_previous(history)
                v.hint(sessions, levels_by_week(self.inst, sessions))
            else:
                start = greedy_plan(self.inst, forbidden)
                v.hint(start.sessions, start.week_levels)
        objective = [p.coefficient * p.var for p in penalties if p.coefficient]
        if objective:
            model.minimize(sum(objective))
        built = BuiltModel(model, v, penalties, literals, time.perf_counter() - started)
        log.debug("model built in %.3f s", built.build_seconds)
        return built


def solver_for(inst: Instance, single_worker: bool = False) -> cp_model.CpSolver:
    settings = inst.config.solver
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = settings.time_limit_s
    solver.parameters.num_workers = 1 if single_worker else settings.workers
    solver.parameters.random_seed = settings.seed
    # Measured on this model (benchmarks/bench_solve.py): probing and symmetry detection cost
    # more presolve time than they save in search.
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    # The LP relaxation slows the search more than its bound helps (2x at 26-52 weeks).
    solver.parameters.linearization_level = 0
    # One presolve pass catches nearly all reductions here; more passes cost more than they save.
    solver.parameters.max_presolve_iterations = 1
    # SAT inprocessing (clause vivification and the like) held the first improvement on the
    # starting plan back by most of the search: without it the fast phase proves the demo in
    # 0.06 instead of 0.32 work units, 16 weeks in 0.01 instead of 0.12 (bench_solve.py).
    solver.parameters.use_sat_inprocessing = False
    return solver


def levels_by_week(inst: Instance, sessions: dict[int, dict[int, int]]) -> list[list[int]]:
    """Each chain's level per week implied by a plan's sessions (-1 before its first)."""
    swaps = step_downs(inst)
    levels = []
    for c in range(len(inst.chains)):
        current, per_week = -1, []
        for w in range(inst.n_weeks):
            done = [sessions[d][c] for d in inst.week_days(w) if c in sessions.get(d, {})]
            if done:
                # eccentric-work: a chain at an eccentric level doing the level below keeps it
                kept = all((c, k) in swaps and current == k + 1 for k in done)
                current = current if kept else max(done)
            per_week.append(current)
        levels.append(per_week)
    return levels


def _repaired_previous(history) -> dict[int, dict[int, int]]:
    """The previous plan with blocked days emptied and each pinned day given the content of the
    nearest unpinned session: usually a plan the solver only has to polish."""
    future = {d: picked for d, picked in history.previous.items() if d not in history.blocked}
    for day in sorted(history.pinned):
        if day in future:
            continue
        donors = [d for d in future if d not in history.pinned and abs(d - day) <= 3]
        if donors:
            donor = min(donors, key=lambda d: (abs(d - day), d))
            future[day] = future.pop(donor)
    return {**history.done, **future}
