"""Text printed to a terminal: escape sequences and control characters removed, so a season
name, an event title or a file name cannot drive the athlete's terminal (window title, clear
screen, clipboard writes). The CLI's commands all print through `printable`."""

from __future__ import annotations

import re

# Terminal escape sequences (CSI such as clear-screen, OSC such as the clipboard write OSC 52),
# then any control character left, line separators and bidirectional overrides (which reorder
# what the terminal shows): a title must not drive the athlete's terminal.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: object, newlines: bool = False) -> str:
    """`text` with escape sequences and control characters removed, safe to print to a
    terminal: tabs and carriage returns become spaces, and so do newlines unless `newlines`."""
    cleaned = _ESCAPES.sub("", str(text))

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\n" and newlines:
            return char
        return " " if char in "\t\n\r" else ""

    return _CONTROLS.sub(replace, cleaned)
