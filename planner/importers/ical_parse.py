"""Parse iCalendar text so that one broken part never costs the events around it.

The whole text is parsed in one go first (fast, and what almost every file needs). When that
fails, or finds no complete VCALENDAR (a file cut off before END:VCALENDAR), the text is split
into its top-level components by their BEGIN/END lines and each is parsed on its own:

- a component that cannot be read (a VTODO dated year -001, a VFREEBUSY period ending before it
  starts, a VTIMEZONE with an empty TZID...) is reported with its line (and UID) and left out;
- a VEVENT whose only problem is a nested part (a VALARM with `TRIGGER:PT-2H` written with a
  sign icalendar refuses) keeps its event and loses that part, reported;
- a VTIMEZONE with its TZID written twice (WordPress) keeps the first;
- a component left open at the end of the file is reported as cut off.

VTIMEZONEs are parsed before the events so that icalendar resolves TZIDs against them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import icalendar

from planner.domain import Skipped

_UID = re.compile(r"^UID(?:;[^:\n]*)?:(.*)$", re.IGNORECASE | re.MULTILINE)


@dataclass
class Parsed:
    """The merged calendar, the line of each top-level VEVENT (by id), and what was dropped."""

    calendar: icalendar.Calendar
    vevent_lines: dict[int, int]
    skipped: list[Skipped] = field(default_factory=list)
    cut_off: bool = False


@dataclass
class _Block:
    name: str
    first: int  # 1-based line of its BEGIN
    lines: list[str]
    closed: bool


def _keyword(line: str) -> tuple[str, str] | None:
    """('BEGIN'|'END', component name) for a BEGIN/END line, else None."""
    if not line or line[0] in " \t":
        return None  # a folded continuation is never a BEGIN/END
    head, _, value = line.partition(":")
    head = head.strip().upper()
    if head in ("BEGIN", "END"):
        return head, value.strip().upper()
    return None


def _scan(lines: list[str]) -> tuple[list[str], list[_Block], bool]:
    """Calendar-level property lines, top-level components, and whether a VCALENDAR was seen."""
    props: list[str] = []
    blocks: list[_Block] = []
    depth = 0
    seen = False
    current: _Block | None = None
    for number, line in enumerate(lines, start=1):
        key = _keyword(line)
        if depth == 0:
            if key == ("BEGIN", "VCALENDAR"):
                depth, seen = 1, True
            continue
        if depth == 1:
            if key is None:
                props.append(line)
            elif key[0] == "END":
                depth = 0
            else:
                current = _Block(key[1], number, [line], closed=False)
                blocks.append(current)
                depth = 2
            continue
        assert current is not None
        current.lines.append(line)
        if key is not None and key[0] == "BEGIN":
            depth += 1
        elif key is not None:
            depth -= 1
            if depth == 1:
                current.closed = True
    return props, blocks, seen


def _wrap(lines: list[str]) -> str:
    return "\n".join(["BEGIN:VCALENDAR", *lines, "END:VCALENDAR", ""])


def _parse_one(lines: list[str]) -> icalendar.Component:
    """The single component in `lines` (raises what icalendar raises)."""
    cal = icalendar.Calendar.from_ical(_wrap(lines))
    if len(cal.subcomponents) != 1:
        raise ValueError("not one complete component")
    return cal.subcomponents[0]


def _without_nested(lines: list[str]) -> tuple[list[str], list[str]]:
    """The component's own lines with nested components removed, and the removed names."""
    kept: list[str] = [lines[0]]
    removed: list[str] = []
    depth = 0
    for line in lines[1:-1]:
        key = _keyword(line)
        if key is not None and key[0] == "BEGIN":
            if depth == 0:
                removed.append(key[1])
            depth += 1
            continue
        if depth:
            if key is not None:
                depth -= 1
            continue
        kept.append(line)
    kept.append(lines[-1])
    return kept, removed


def _first_tzid_only(lines: list[str]) -> list[str]:
    seen = False
    kept = []
    for line in lines:
        if line.upper().startswith(("TZID:", "TZID;")):
            if seen:
                continue
            seen = True
        kept.append(line)
    return kept


def _where(block: _Block) -> str:
    match = _UID.search("\n".join(block.lines))
    uid = match.group(1).strip() if match else ""
    return f"UID {uid}" if uid and block.name == "VEVENT" else f"line {block.first}"


def _what(block: _Block) -> str:
    match = _UID.search("\n".join(block.lines))
    uid = match.group(1).strip() if match else ""
    extra = f" (UID {uid[:80]})" if uid and block.name != "VEVENT" else ""
    return f"the {block.name} at line {block.first}{extra}"


def _reason(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


class _Tolerant:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.skipped: list[Skipped] = []

    def skip(self, where: str, reason: str) -> None:
        self.skipped.append(Skipped(where=where, reason=reason))

    def run(self) -> Parsed | None:
        props, blocks, seen = _scan(self.lines)
        if not seen:
            return None
        try:
            cal = icalendar.Calendar.from_ical(_wrap(props))
        except Exception as exc:  # a broken calendar property: keep the components
            cal = icalendar.Calendar()
            self.skip("calendar", f"the calendar's own properties cannot be read ({_reason(exc)})")
        vevent_lines: dict[int, int] = {}
        cut_off = False
        # time zones first: icalendar resolves TZIDs against the VTIMEZONEs it has seen
        ordered = [b for b in blocks if b.name == "VTIMEZONE"]
        ordered += [b for b in blocks if b.name != "VTIMEZONE"]
        for block in ordered:
            if not block.closed:
                cut_off = True
                self.skip(
                    "line " + str(block.first),
                    f"the file is cut off: {_what(block)} has no END:{block.name}, so it was "
                    "left out; the complete events before it were imported. Export the "
                    "calendar again",
                )
                continue
            component = self._component(block)
            if component is None:
                continue
            cal.add_component(component)
            if component.name == "VEVENT":
                vevent_lines[id(component)] = block.first
        if blocks and blocks[-1].closed and not self._ends_calendar():
            cut_off = True
            self.skip(
                "calendar",
                "the file is cut off: it has no END:VCALENDAR; every complete event was imported. "
                "Export the calendar again to be sure nothing is missing",
            )
        return Parsed(cal, vevent_lines, self.skipped, cut_off)

    def _ends_calendar(self) -> bool:
        return any(_keyword(line) == ("END", "VCALENDAR") for line in self.lines)

    def _component(self, block: _Block) -> icalendar.Component | None:
        try:
            return _parse_one(block.lines)
        except Exception as exc:
            error = exc
        if block.name == "VEVENT":
            own, removed = _without_nested(block.lines)
            if removed:
                try:
                    component = _parse_one(own)
                except Exception:
                    pass
                else:
                    self.skip(
                        _where(block),
                        f"the {' and '.join(sorted(set(removed)))} inside {_what(block)} cannot "
                        f"be read ({_reason(error)}); the event was imported without it",
                    )
                    return component
        if block.name == "VTIMEZONE":
            try:
                component = _parse_one(_first_tzid_only(block.lines))
            except Exception:
                pass
            else:
                self.skip(
                    f"line {block.first}",
                    f"{_what(block)} has its TZID more than once; the first was used",
                )
                return component
        consequence = (
            "the event was left out"
            if block.name == "VEVENT"
            else "it was ignored (only events are imported)"
        )
        if block.name == "VTIMEZONE":
            consequence = (
                "it was ignored: times that name it use the IANA or Windows zone of that name, "
                "else are read as local"
            )
        self.skip(_where(block), f"{_what(block)} cannot be read ({_reason(error)}); {consequence}")
        return None


def _fast(text: str) -> icalendar.Calendar | None:
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception:
        return None
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        return None
    first = calendars[0]
    for extra in calendars[1:]:  # several calendars glued together: merge them
        first.subcomponents.extend(extra.subcomponents)
    return first


def _vevent_line_numbers(text: str) -> list[int]:
    """1-based line numbers of every top-level BEGIN:VEVENT, in document order."""
    return [
        number
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip().upper() == "BEGIN:VEVENT"
    ]


def _prune_nested(parsed: Parsed) -> None:
    """Drop what RFC 5545 does not allow inside a component (a VEVENT inside a VEVENT, left by
    a missing END:VEVENT): recurring-ical-events walks nested events too, unchecked."""
    for component in parsed.calendar.subcomponents:
        if component.name == "VTIMEZONE" or not component.subcomponents:
            continue
        inner = [c for c in component.subcomponents if c.name in _TOP_LEVEL_ONLY]
        if not inner:
            continue
        component.subcomponents = [
            c for c in component.subcomponents if c.name not in _TOP_LEVEL_ONLY
        ]
        line = parsed.vevent_lines.get(id(component))
        uid = str(component.get("UID", "")).strip()
        where = (
            f"UID {uid}"
            if uid and component.name == "VEVENT"
            else (f"line {line}" if line else "calendar")
        )
        names = " and ".join(sorted({c.name for c in inner}))
        parsed.skipped.append(
            Skipped(
                where=where,
                reason=f"the {component.name} contains a {names}, which RFC 5545 does not "
                f"allow (an END:{component.name} missing before it?); the inner part was "
                "ignored: check the file around that line",
            )
        )


# Components RFC 5545 allows only at the top of a VCALENDAR (a VALARM, or RFC 9073's
# VLOCATION and PARTICIPANT, may sit inside an event).
_TOP_LEVEL_ONLY = {"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VCALENDAR"}


def parse(text: str) -> Parsed | None:
    """Parse LF-separated iCalendar text; None when it holds no VCALENDAR at all."""
    cal = _fast(text)
    if cal is not None:
        events = [c for c in cal.subcomponents if c.name == "VEVENT"]
        _props, blocks, _seen = _scan(text.split("\n"))
        lines = [b.first for b in blocks if b.name == "VEVENT"]
        if len(lines) != len(events):  # glued calendars or odd nesting: count every BEGIN
            lines = _vevent_line_numbers(text)
        parsed = Parsed(cal, {id(c): n for c, n in zip(events, lines, strict=False)})
    else:
        parsed = _Tolerant(text).run()
    if parsed is not None:
        _prune_nested(parsed)
    return parsed
