"""A race's priority is said once in a session's "why", however the title marks it."""

from __future__ import annotations

import re

import pytest

from planner.explain import session_reasons
from planner.importers.classify import priority_of
from tests.helpers import make_instance, planned_session

SESSION_DAY = 2  # a Wednesday; the races below are two days later


def reasons_before(title: str, priority: str) -> list[str]:
    """The reasons of a session two days before a race called `title`."""
    inst = make_instance(
        [(SESSION_DAY, "hard", None, "Tempo ride"), (SESSION_DAY + 2, "race", priority, title)]
    )
    session = planned_session(inst, SESSION_DAY, [])
    return session_reasons(inst, [session], session)


def said_twice(reasons: list[str], priority: str) -> list[str]:
    """Reasons that name the priority both in the quoted title and after it."""
    return [r for r in reasons if re.search(rf"'[^']*\b{priority}\b[^']*'.*\b{priority}\b", r)]


# every way of marking a priority in a title that the importer reads
MARKED_TITLES = [
    ("Winter crit series round 3 (C)", "C"),
    ("[A] Nationals", "A"),
    ("Club hill climb B-race", "B"),
    ("Club hill climb C_race", "C"),
    ("Spring fondo Prio A", "A"),
    ("Spring fondo priority=B", "B"),
    ("Track league RACE_C", "C"),
]


@pytest.mark.parametrize(("title", "priority"), MARKED_TITLES)
def test_a_title_marking_its_priority_is_not_followed_by_it_again(
    title: str, priority: str
) -> None:
    assert priority_of(title).value == priority  # the importer reads this title's priority
    reasons = reasons_before(title, priority)
    race_lines = [r for r in reasons if title in r]
    assert len(race_lines) == 2  # the next key session and the next race
    assert not said_twice(race_lines, priority), race_lines
    assert f"next race: '{title}' in 2 days" in reasons


def test_a_title_without_its_priority_gets_it_once() -> None:
    reasons = reasons_before("Spring road race", "B")
    assert "next race: 'Spring road race', a B race in 2 days" in reasons
    assert "next key session: Fri 09 Jan 'Spring road race' (B race) is 2 days away" in reasons


def test_the_same_day_line_names_a_race_once() -> None:
    inst = make_instance(
        [(SESSION_DAY, "race", "C", "Winter crit (C)"), (9, "race", "B", "Spring road race")]
    )
    session = planned_session(inst, SESSION_DAY, [])
    reasons = session_reasons(inst, [session], session)
    assert "same day as 'Winter crit (C)' (race): lift after it" in reasons
