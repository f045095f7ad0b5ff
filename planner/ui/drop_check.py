"""A card dropped on the board, checked against the day's own facts before any solve.

A drop on a race day, a day away, a past day, a day that already has a session, a blocked day,
the days kept free before and after a race or a day outside the plan cannot be placed whatever
the solver does: the athlete hears why at once, in their own words ("Sat 06 Mar is your B race
(Criterium): no strength that day"), instead of after a solve, in the rules' ids. The
windows come from the rules' own parameters (`race-day`, `post-race-recovery`), so a change in
the sidebar changes what is refused.

When the solver does find the rules in conflict, `conflict_lines` says so in the same words, by
rule title, and never suggests switching a safety rule off to make a move fit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from constraints import rule_by_id
from constraints.availability import WEEKDAYS
from constraints.post_race import Params as RecoveryParams
from constraints.race_day import Params as RaceDayParams
from planner.domain import Calendar, Event, Kind, Priority, Sport
from planner.explain import known_conflict
from planner.plan import Plan
from planner.wording import plural, without_priority

DayText = Callable[[dt.date], str]


def _short(day: dt.date) -> str:
    return f"{day:%a %d %b}"


def _race_name(race: Event) -> str:
    priority = race.priority.value if race.priority else "B"
    title = without_priority(race.title.strip()) or "untitled"
    return f"{priority} race ({title})"


def _enabled(settings: dict, rule_id: str) -> bool:
    return bool(settings.get(rule_id, {}).get("enabled", True))


def _before_race(day: dt.date, races: list[Event], params: RaceDayParams, fmt: DayText) -> str:
    """Why `day` is kept free for a race after it, or ''."""
    for race in sorted(races, key=lambda r: r.date):
        ahead = (race.date - day).days
        if not 0 < ahead <= params.days_free_before(race):
            continue
        priority = race.priority or Priority.B
        same_week = day.isocalendar()[:2] == race.date.isocalendar()[:2]
        if priority == Priority.A and params.a_race_week and same_week:
            window = "no strength in the week of an A race"
        else:
            window = f"no strength in the {plural(params.window(priority), 'day')} before it"
            if params.window(priority) == 1:
                window = "no strength the day before a race"
        when = "the day before" if ahead == 1 else f"{ahead} days before"
        return f"{fmt(day)} is {when} your {_race_name(race)} on {fmt(race.date)}: {window}."
    return ""


def _after_race(day: dt.date, races: list[Event], params: RecoveryParams, fmt: DayText) -> str:
    """Why `day` is kept free to recover from a race before it, or ''."""
    for race in sorted(races, key=lambda r: r.date, reverse=True):
        since = (day - race.date).days
        rest = params.recovery_days(race.priority or Priority.B, race)
        if not 0 < since <= rest:
            continue
        when = "the day after" if since == 1 else f"{since} days after"
        return (
            f"{fmt(day)} is {when} your {_race_name(race)}: {plural(rest, 'day')} of recovery "
            "without strength."
        )
    return ""


def refusal_for_drop(
    previous: Plan,
    calendar: Calendar | None,
    from_day: dt.date,
    to_day: dt.date,
    today: dt.date,
    blocks: Iterable[dt.date] = (),
    fmt: DayText = _short,
) -> str:
    """Why this drop cannot be placed, in the athlete's words; '' when only a solve can tell.

    Checked in the order an athlete would think of them: the card, the day's place in time, the
    day's own events, then the days kept free around races."""
    session = previous.session_on(from_day)
    if session is None or session.state != "planned":
        return f"There is no coming session on {fmt(from_day)} to move."
    if from_day < today:
        return (
            f"The session on {fmt(from_day)} is in the past (today is {fmt(today)}): only coming "
            "sessions move. Mark it done or missed instead."
        )
    if to_day < today:
        return (
            f"{fmt(to_day)} is in the past (today is {fmt(today)}): sessions move to today or "
            "later."
        )
    if to_day > previous.end:
        return f"{fmt(to_day)} is after your plan's last day ({fmt(previous.end)})."
    if to_day < previous.start:
        return f"{fmt(to_day)} is before your plan's first day ({fmt(previous.start)})."
    if previous.session_on(to_day) is not None:
        return f"{fmt(to_day)} already has a strength session: one session a day at most."
    if to_day in set(blocks):
        return (
            f"You blocked {fmt(to_day)}: open the day and unblock it first if you want a "
            "session there."
        )
    settings = previous.settings
    events = calendar.events if calendar is not None else []
    on_day = [e for e in events if e.date == to_day]
    races = [e for e in events if e.kind == Kind.race]
    for race in (e for e in on_day if e.kind == Kind.race):
        if _enabled(settings, "race-day"):
            return f"{fmt(to_day)} is your {_race_name(race)}: no strength that day."
    for away in (e for e in on_day if e.kind == Kind.unavailable):
        if _enabled(settings, "unavailable-days"):
            title = away.title.strip() or "away"
            return f"You are away on {fmt(to_day)} ({title}): no strength that day."
    for own in (e for e in on_day if e.sport == Sport.strength):
        if _enabled(settings, "calendar-strength"):
            title = own.title.strip() or "strength"
            return (
                f"{fmt(to_day)} already has your own strength session ({title}): one a day at most."
            )
    if _enabled(settings, "availability"):
        available = settings.get("availability", {})
        weekdays = available.get("weekdays", list(WEEKDAYS))
        if WEEKDAYS[to_day.weekday()] not in weekdays:
            return (
                f"{fmt(to_day)} is a {to_day:%A}, not one of your lifting days (Settings > "
                "Availability)."
            )
        if to_day.isoformat() in {str(d) for d in available.get("blocked_dates", [])}:
            return f"{fmt(to_day)} is one of your blocked dates (Settings > Availability)."
    if _enabled(settings, "race-day"):
        params = RaceDayParams.model_validate(settings.get("race-day", {}))
        reason = _before_race(to_day, races, params, fmt)
        if reason:
            return reason
    if _enabled(settings, "post-race-recovery"):
        recovery = RecoveryParams.model_validate(settings.get("post-race-recovery", {}))
        reason = _after_race(to_day, races, recovery, fmt)
        if reason:
            return reason
    return ""


# Rules an athlete may loosen to make a move fit: their own marks and wishes, not their safety.
LOOSENABLE = {
    "pins": "remove a pin",
    "availability": "allow more weekdays (Settings > Availability)",
    "weekly-frequency": "ask for fewer sessions a week",
    "stability": "let the re-plan move more sessions",
}


def conflict_lines(plan: Plan) -> list[str]:
    """Why a re-plan from the board found no plan: the rules in conflict by title, as they read
    with the settings in force, and what the athlete can change. Safety rules (race days,
    recovery, progression) are named, never offered to be switched off."""
    if not plan.conflict_rules:
        return [text for text in plan.conflicts if not text.startswith("Relax or switch off")]
    lines = []
    known = known_conflict(plan.conflict_rules)
    if known:
        lines.append(known)
    titles = []
    for rule_id in plan.conflict_rules:
        rule = rule_by_id(rule_id)
        if rule is not None:
            params = rule.Params.model_validate(plan.settings.get(rule_id, {}))
            titles.append(f"{rule.title} ({rule.describe(params).rstrip('.')})")
    if titles:
        lines.append("No plan keeps all of these: " + "; ".join(titles) + ".")
    changes = [LOOSENABLE[r] for r in plan.conflict_rules if r in LOOSENABLE]
    changes.append("pick another day")
    lines.append("To go on: " + ", or ".join(changes) + ".")
    return lines
