"""Small wording helpers shared by rules, explanations, exports and the app."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 day', '3 days', '1 session', '2 exercises': no more 'day(s)'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def series(items: list[str], last_joiner: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last_joiner} {items[-1]}"
