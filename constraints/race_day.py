"""race-day: no strength session on a race day or in the days before it, by its priority."""

from __future__ import annotations

from pydantic import Field

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if
from planner.domain import Event, Priority
from planner.wording import series


class Params(RuleParams):
    days_before: int = Field(
        default=1, ge=0, le=7, description="Strength-free days before any race (besides race day)."
    )
    days_before_a: int = Field(
        default=5, ge=0, le=14, description="Strength-free days before an A race (its week)."
    )
    days_before_b: int = Field(
        default=2, ge=0, le=14, description="Strength-free days before a B race."
    )

    a_race_week: bool = Field(
        default=True,
        description="No session in the Monday-to-Sunday week of an A race either (COACHING.md: "
        "no lifting in the week of an A race).",
    )

    def window(self, priority: Priority) -> int:
        """Strength-free days before a race of this priority (at least `days_before`)."""
        extra = {Priority.A: self.days_before_a, Priority.B: self.days_before_b}
        return max(self.days_before, extra.get(priority, 0))

    def days_free_before(self, race: Event) -> int:
        """Strength-free days before this race: its window, stretched back to the Monday of an
        A race's week (a Sunday marathon's Monday is 6 days out, past a 5-day window)."""
        days = self.window(race.priority)
        if race.priority == Priority.A and self.a_race_week:
            days = max(days, race.date.weekday())
        return days


class RaceDay(Rule):
    id = "race-day"
    title = "Race day and race week"
    statement = (
        "No strength session on a race day, in the week of an A race, the 5 days before an A "
        "race, the 2 days before a B race or the day before any race."
    )
    hard = True
    Params = Params

    def forbidden(self, inst, params) -> Forbidden:
        days: set[int] = set()
        for race in inst.races:
            days.update(inst.days_before(race.offset, params.days_free_before(race.event)))
            days.add(race.offset)
        return Forbidden(days={d for d in days if inst.first_free <= d < inst.n_days})

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        for d in sorted(self.forbidden(inst, params).days):
            enforce_if(v.model.add(v.session_on(d) == 0), enforce)
        return []

    def conflict_text(self, params) -> str:
        return (
            f"no strength on race days, the {params.days_before_a}/{params.days_before_b}/"
            f"{params.days_before} days before A/B/C races (race-day)"
        )

    def describe(self, params) -> str:
        def span(days: int) -> str:
            return "the day" if days == 1 else f"the {days} days"

        windows = []
        if params.a_race_week:
            windows.append("the week of an A race")
        if params.days_before_a:
            windows.append(f"{span(params.days_before_a)} before an A race")
        if params.days_before_b:
            windows.append(f"{span(params.days_before_b)} before a B race")
        if params.days_before:
            windows.append(f"{span(params.days_before)} before any race")
        text = "No strength session on a race day"
        if windows:
            text += f", in {series(windows, 'or')}"
        return text + "."
