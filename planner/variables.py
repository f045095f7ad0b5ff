"""The model's decision variables behind query methods, so rules never index raw dicts.

Decisions: on which day a session happens (`session_on`), which chains it trains (`trains`) and at
which level of each chain (`does`). Levels are decided per week (`week_level`): a chain is trained
at one level within a week, which keeps the progression model small and reads like a coach's
plan ("this week: kickstand deadlift"). Dose follows from the day and exercise (Instance.dose).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ortools.sat.python import cp_model

from constraints.base import Forbidden
from constraints.eccentric_work import step_downs
from planner.domain import Exercise
from planner.instance import ChainPlan, Instance


@dataclass(frozen=True)
class Choice:
    """Exercise `level` of chain `chain` on day `day`, and its Boolean variable."""

    day: int
    chain: ChainPlan
    level: int
    exercise: Exercise
    var: cp_model.IntVar


class PlanVars:
    def __init__(
        self, inst: Instance, model: cp_model.CpModel, forbidden: Forbidden | None = None
    ) -> None:
        self.inst = inst
        self.model = model
        self._true = model.new_constant(1)
        self._false = model.new_constant(0)
        off = forbidden or Forbidden()
        history = inst.history
        done = history.done if history else {}
        first_free = inst.first_free

        def decided(d: int) -> bool:
            return d < first_free

        self.session = [
            (self._true if d in done else self._false)
            if decided(d)
            else self._false
            if d in off.days
            else model.new_bool_var(f"session d{d}")
            for d in range(inst.n_days)
        ]
        self.chain_on: list[list[cp_model.IntVar]] = []
        self.level_on: list[list[list[cp_model.IntVar]]] = []
        for d in range(inst.n_days):
            if decided(d):
                picked = done.get(d, {})
                levels = [
                    [self._true if picked.get(c) == k else self._false for k in range(len(ch))]
                    for c, ch in enumerate(inst.chains)
                ]
                self.level_on.append(levels)
                self.chain_on.append(
                    [self._true if c in picked else self._false for c in range(len(inst.chains))]
                )
                continue
            levels = [
                [
                    self._false
                    if d in off.days or (d, c, k) in off.choices or k < chain.start
                    else model.new_bool_var(f"x d{d} {chain.id} {e.id}")
                    for k, e in enumerate(chain.levels)
                ]
                for c, chain in enumerate(inst.chains)
            ]
            self.level_on.append(levels)
            self.chain_on.append(
                [
                    self._false
                    if all(x is self._false for x in levels[c])
                    else model.new_bool_var(f"chain d{d} {chain.id}")
                    for c, chain in enumerate(inst.chains)
                ]
            )
        # _week_level[c][k][w]: chain c at level >= k in week w (levels from the chain's start).
        self._week_level: list[dict[int, list[cp_model.IntVar]]] = [
            {
                k: [model.new_bool_var(f"{c.levels[k].id} level w{w}") for w in range(inst.n_weeks)]
                for k in range(c.start, len(c))
            }
            for c in inst.chains
        ]
        self._link()

    def _link(self) -> None:
        """Structure every plan has: a chain is trained only in a session, at exactly one level,
        and a session trains at least one chain. Levels below the athlete's start never occur."""
        m = self.model
        for d in self.inst.free_days():
            s = self.session[d]
            for c, chain in enumerate(self.inst.chains):
                t = self.chain_on[d][c]
                m.add_implication(t, s)
                m.add(sum(self.level_on[d][c]) == t)
                for k in range(chain.start):
                    m.add(self.level_on[d][c][k] == 0)
            m.add(sum(self.chain_on[d]) >= 1).only_enforce_if(s)
        # Within a week a chain is trained at one level: the level of that week, except that
        # before an A race a chain at an eccentric level may do the level below (eccentric-work).
        swaps = step_downs(self.inst)
        for c, chain in enumerate(self.inst.chains):
            for w in range(self.inst.n_weeks):
                for k in range(chain.start, len(chain)):
                    at_k = self.week_level(c, k, w)
                    above = self.week_level(c, k + 1, w)
                    m.add_implication(above, at_k)
                    for d in self.inst.week_days(w):
                        if (c, k) in swaps:
                            m.add(self.level_on[d][c][k] <= at_k - self.week_level(c, k + 2, w))
                        else:
                            m.add(self.level_on[d][c][k] <= at_k - above)

    # ---------------------------------------------------------------- queries

    def is_constant(self, var: cp_model.IntVar) -> bool:
        return var is self._true or var is self._false

    @property
    def true(self) -> cp_model.IntVar:
        return self._true

    @property
    def false(self) -> cp_model.IntVar:
        return self._false

    def session_on(self, day: int) -> cp_model.IntVar:
        return self.session[day]

    def sessions_in(self, days: range | list[int]) -> list[cp_model.IntVar]:
        return [self.session[d] for d in days if 0 <= d < self.inst.n_days]

    def trains(self, day: int, chain: int) -> cp_model.IntVar:
        return self.chain_on[day][chain]

    def does(self, day: int, chain: int, level: int) -> cp_model.IntVar:
        return self.level_on[day][chain][level]

    def choices(self, day: int) -> Iterator[Choice]:
        """Every (chain, level) choice on a day, including those forced to zero."""
        for c, chain in enumerate(self.inst.chains):
            for k, exercise in enumerate(chain.levels):
                yield Choice(day, chain, k, exercise, self.level_on[day][c][k])

    def all_choices(self) -> Iterator[Choice]:
        for d in range(self.inst.n_days):
            yield from self.choices(d)

    def week_level(self, chain: int, level: int, week: int) -> cp_model.IntVar:
        """True when `chain` is at `level` or above in `week` (one level per chain a week)."""
        chain_plan = self.inst.chains[chain]
        if level < chain_plan.start:
            return self._true
        if level >= len(chain_plan) or week < 0:
            return self._false
        return self._week_level[chain][level][week]

    def week_of_variables(self) -> dict[int, int]:
        """Model index -> plan week of every decision variable (sessions, chains, levels, week
        levels); planner.polish re-solves the plan a few weeks at a time with it."""
        weeks: dict[int, int] = {}
        for d in range(self.inst.n_days):
            day_vars = [
                self.session[d],
                *self.chain_on[d],
                *(x for c in self.level_on[d] for x in c),
            ]
            weeks.update((x.index, d // 7) for x in day_vars if not self.is_constant(x))
        for levels in self._week_level:
            for per_week in levels.values():
                weeks.update((x.index, w) for w, x in enumerate(per_week))
        return weeks

    def hint(self, sessions: dict[int, dict[int, int]], week_levels: list[list[int]]) -> None:
        """Give CP-SAT a starting plan: day -> {chain: level}, and each chain's level per week."""
        m = self.model
        m.clear_hints()
        for d in range(self.inst.n_days):
            picked = sessions.get(d, {})
            self._hint(self.session[d], d in sessions)
            for c, chain in enumerate(self.inst.chains):
                self._hint(self.chain_on[d][c], c in picked)
                for k in range(len(chain)):
                    self._hint(self.level_on[d][c][k], picked.get(c) == k)
        for c, levels in enumerate(self._week_level):
            for k, per_week in levels.items():
                for w, var in enumerate(per_week):
                    self._hint(var, week_levels[c][w] >= k)

    def _hint(self, var: cp_model.IntVar, value: bool) -> None:
        if var is not self._true and var is not self._false:
            self.model.add_hint(var, value)
