"""unavailable-days: no session on a day the calendar marks as time away (travel, holiday,
illness). An event over several days blocks every day from its start to its end."""

from __future__ import annotations

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if


def unavailable_days(inst) -> dict[int, str]:
    """Day index -> the title of the unavailable event covering it, from the first day the
    solver decides."""
    return {d: e.title for d, e in inst.away_days.items() if d >= inst.first_free}


class UnavailableDays(Rule):
    id = "unavailable-days"
    title = "Unavailable days"
    statement = (
        "No session on days your calendar marks as time away: travel, work trips, holidays, "
        "family visits, illness or injury."
    )
    hard = True
    Params = RuleParams

    def forbidden(self, inst, params) -> Forbidden:
        return Forbidden(days=set(unavailable_days(inst)))

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        for day in sorted(unavailable_days(inst)):
            enforce_if(v.model.add(v.session_on(day) == 0), enforce)
        return []

    def conflict_text(self, params) -> str:
        return "no session on days marked unavailable in your calendar (unavailable-days)"
