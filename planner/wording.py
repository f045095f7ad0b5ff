"""Small wording helpers shared by rules, explanations, exports and the app."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.plan import PlannedSession


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 day', '3 days', '1 session', '2 exercises': no more 'day(s)'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def series(items: list[str], last_joiner: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last_joiner} {items[-1]}"


_COUNTED = re.compile(r"\b(\d+) ([A-Za-z-]+)\(s\)")


def fix_plurals(text: str) -> str:
    """'1 session(s)' -> '1 session', '2 session(s)' -> '2 sessions': for sentences whose number
    is only known after solving (a penalty's `{n}`)."""
    return _COUNTED.sub(lambda m: plural(int(m.group(1)), m.group(2)), text)


def race_label(title: str, priority: str) -> str:
    """ "'Spring classic', a B race", or just the title when it already shows its priority
    ("Criterium race (C)", "[A] Marathon", "B race: ...") so the priority is not said twice. A
    marker of another priority (a C race edited to B) is dropped: the edited priority wins."""
    title = without_priority(title, _others(priority))
    if shows_priority(title, priority):
        return f"'{title}'"
    article = "an" if priority == "A" else "a"
    return f"'{title}', {article} {priority} race"


def race_title(title: str, priority: str) -> str:
    """'Spring classic (B)'; the title alone when it already shows its priority (a marker of
    another priority is dropped)."""
    title = without_priority(title, _others(priority))
    return title if shows_priority(title, priority) else f"{title} ({priority})"


def _others(priority: str) -> str:
    return "".join(letter for letter in "ABC" if letter != priority)


_LEFTOVER_EDGES = " \t:;,.|/·–—-"


def without_priority(title: str, letters: str = "ABC") -> str:
    """The title without the priority markers the importer reads ("(C)", "A-race:", "Prio B",
    "RACE_C") for `letters`: 'A-race: Gran Fondo' -> 'Gran Fondo'. The title as it was when
    nothing else is left."""
    # imported here: the importers package uses these helpers too
    from planner.importers.classify import PRIORITY_TABLE

    text = title
    for pattern in PRIORITY_TABLE:
        text = pattern.sub(lambda m: "" if m.group(1).upper() in letters else m.group(0), text)
    text = re.sub(r"\s{2,}", " ", text).strip(_LEFTOVER_EDGES)
    return text or title


def shows_priority(title: str, priority: str) -> bool:
    """Whether the title already says the race's priority: any marker the importer reads as this
    priority ("(C)", "C race", "Prio C", "RACE_C", ...)."""
    shown = re.compile(
        rf"[(\[]\s*{priority}\s*[)\]]|\b{priority}[- ]race\b|\bpriority:?\s*{priority}\b",
        re.IGNORECASE,
    )
    if shown.search(title) is not None:
        return True
    # imported here: the importers package uses these helpers too
    from planner.importers.classify import PRIORITY_TABLE

    return any(
        match.group(1).upper() == priority
        for pattern in PRIORITY_TABLE
        for match in pattern.finditer(title)
    )


# How a re-plan's history reads in a session's title, on the board and in the iCal export alike.
SESSION_STATE_PREFIX = {"planned": "", "done": "Done · ", "missed": "Missed · "}


def session_title(session: PlannedSession, *, names: bool = False) -> str:
    """'Strength - 4 exercises, 32 min' ('Done · ' or 'Missed · ' in front for history): the
    board's card. With `names` the exercises follow by name, as the iCal export titles it:
    'Strength - 2 exercises, 20 min: Deadlift, Glute bridge'."""
    count = len(session.exercises)
    title = f"Strength - {plural(count, 'exercise')}, {session.minutes} min"
    if names and session.exercises:
        title += ": " + ", ".join(dict.fromkeys(e.name for e in session.exercises))
    return SESSION_STATE_PREFIX.get(session.state, "") + title
