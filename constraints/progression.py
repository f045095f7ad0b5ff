"""progression-order: a chain moves up only after enough sessions and days at its level.

Level k+1 of a chain comes only after at least `min_sessions` sessions at level k, the first of
them at least `min_days` days earlier (or the catalog's own dwell for that level, if longer);
levels never go down within a plan; each chain starts at the athlete's starting level.
"""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, RuleParams, enforce_if


class Params(RuleParams):
    min_sessions: int = Field(
        default=3, ge=1, le=12, description="Sessions at a level before the next one."
    )
    min_days: int = Field(
        default=14, ge=0, le=56, description="Days since the first session at a level."
    )


class ProgressionOrder(Rule):
    id = "progression-order"
    title = "Progression order"
    statement = (
        "Move to a chain's next exercise only after 3 sessions at the current one, "
        "the first of them at least 14 days earlier; never step back."
    )
    hard = True
    Params = Params

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        m = v.model
        for c, chain in enumerate(inst.chains):
            for k in range(chain.start, len(chain)):
                self._monotone_levels(inst, v, c, k, enforce)
            for k in range(chain.start, len(chain) - 1):
                dwell = max(params.min_days, chain.levels[k].dwell_days or 0)
                self._enough_sessions(inst, v, c, k, params.min_sessions, enforce)
                self._dwell(inst, v, c, k, dwell, enforce)
        del m
        return []

    @staticmethod
    def _monotone_levels(inst, v, c, k, enforce) -> None:
        """Levels never go down, and a week that reaches a level holds a session at it, so the
        first session at a level falls in the first week at that level."""
        m = v.model
        for w in range(inst.n_weeks):
            now, before = v.week_level(c, k, w), v.week_level(c, k, w - 1)
            enforce_if(m.add_implication(before, now), enforce)
            sessions = [v.does(d, c, k) for d in inst.week_days(w)]
            enforce_if(m.add(now - before <= sum(sessions)), enforce)

    @staticmethod
    def _enough_sessions(inst, v, c, k, needed, enforce) -> None:
        m = v.model
        count = 0
        for w in range(inst.n_weeks):
            up = v.week_level(c, k + 1, w)
            if enforce is None:  # linear form keeps the LP relaxation tight
                m.add(count >= needed * up)
            else:
                m.add(count >= needed).only_enforce_if([up, enforce])
            done = m.new_int_var(0, 7 * (w + 1), f"{inst.chains[c].levels[k].id} count w{w}")
            m.add(done == count + sum(v.does(d, c, k) for d in inst.week_days(w)))
            count = done

    @staticmethod
    def _dwell(inst, v, c, k, dwell, enforce) -> None:
        """First session at k+1 at least `dwell` days after the first at k, exact to the day.

        Levels start in the week of their first session, so whole weeks settle most cases; when
        level k started only `dwell // 7` (or one more) weeks earlier, a level-k session must have
        come early enough in that start week.
        """
        m = v.model
        whole = dwell // 7
        for w in range(inst.n_weeks):
            if whole:
                enforce_if(
                    m.add_implication(v.week_level(c, k + 1, w), v.week_level(c, k, w - whole)),
                    enforce,
                )
            for a in (w - whole - 1, w - whole):
                if a < 0 or 7 * (w - a) - 6 >= dwell:
                    continue  # any days of these weeks are far enough apart
                started_at_a = [v.week_level(c, k, a).Not(), v.week_level(c, k, a - 1)]
                for d2 in inst.week_days(w):
                    early = [v.does(d1, c, k) for d1 in inst.week_days(a) if d2 - d1 >= dwell]
                    clause = [v.does(d2, c, k + 1).Not(), *started_at_a, *early]
                    if enforce is not None:
                        clause.append(enforce.Not())
                    m.add_bool_or(clause)

    def conflict_text(self, params) -> str:
        return (
            f"{params.min_sessions} sessions and {params.min_days} days at each level before the "
            "next (progression-order)"
        )
