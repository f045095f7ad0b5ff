"""articles-only: only the five articles' exercises are used; off, the extras from the studies
(half squat or leg press, step-up, calf and soleus raises, trunk drills) join the plan."""

from __future__ import annotations

from constraints.base import Penalty, Rule, RuleParams


class ArticlesOnly(Rule):
    """Applied where the instance is built: while the rule is on, the exercises marked
    `beyond_articles` are left out of the athlete's chains, so the model never sees them.

    On by default: with the extras the model has three more chains (nine for five exercise
    slots a session), and proving a plan optimal needs the LP relaxation (with the counting cuts
    of planner/slot_cuts.py) and a search well past the targets of issue 11 (16 weeks < 0.5 s,
    52 weeks < 3 s). Measured with `benchmarks/bench_solve.py --config` (articles-only off, 10 s,
    one worker, load ~4): 16 weeks optimal in 2.6 s (about 1.1 work units), the demo feasible
    31 with bound 28 (optimal 29 after about 4 work units), 52 weeks feasible 69 (bound 19-32).
    """

    id = "articles-only"
    title = "Only the articles' exercises"
    statement = (
        "Only the exercises of the five articles are used; switch this off to add half squat or "
        "leg press, step-ups, calf and soleus raises and trunk drills from the strength studies "
        "when the equipment allows."
    )
    hard = True
    has_hard_constraints = False  # nothing to enforce in the model: it shapes the instance
    Params = RuleParams

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        return []

    def conflict_text(self, params) -> str:
        return "only the articles' exercises (articles-only)"
