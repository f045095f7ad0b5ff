"""rest-days: at least `min_rest_days` strength-free days between two strength sessions."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Penalty, Rule, RuleParams, enforce_if
from planner.wording import plural


class Params(RuleParams):
    min_rest_days: int = Field(
        default=2, ge=0, le=6, description="Strength-free days between two sessions."
    )


class RestDays(Rule):
    id = "rest-days"
    title = "Rest days between sessions"
    statement = "Leave at least 2 strength-free days between two strength sessions."
    hard = True
    Params = Params

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        gap = params.min_rest_days
        if gap == 0:
            return []
        # Any gap+1 consecutive days hold at most one session.
        # Windows that end before the first free day are history: not decided again.
        for first in range(max(0, inst.first_free - gap), inst.n_days - 1):
            window = v.sessions_in(range(first, first + gap + 1))
            if len(window) > 1:
                enforce_if(v.model.add(sum(window) <= 1), enforce)
        return []

    def conflict_text(self, params) -> str:
        return f"at least {params.min_rest_days} strength-free days between sessions (rest-days)"

    def describe(self, params) -> str:
        if params.min_rest_days == 0:
            return "Strength sessions may fall on consecutive days."
        days = plural(params.min_rest_days, "strength-free day")
        return f"Leave at least {days} between two strength sessions."
