"""Helpers of the import tests: iCalendar text built line by line, and a work budget.

`work_budget` counts Python and C function calls instead of timing the block, so a runaway
import fails quickly and the same way on any machine.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


def ics(*lines: str, end: str = "\r\n", prodid: str = "-//tests//EN") -> bytes:
    """A VCALENDAR holding `lines` (events, time zones, calendar properties), each line ended
    with `end`."""
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", *lines, "END:VCALENDAR"]
    return (end.join(body) + end).encode()


def vevent(uid: str | None, *lines: str) -> list[str]:
    """The lines of one VEVENT; without a UID line when `uid` is None."""
    return ["BEGIN:VEVENT", *([f"UID:{uid}"] if uid is not None else []), *lines, "END:VEVENT"]


class WorkBudgetExceeded(BaseException):
    """The block made more calls than its budget (a BaseException: read_calendar's safety net
    catches Exception only, so it cannot turn this into a CalendarError)."""


@contextmanager
def work_budget(calls: int) -> Iterator[None]:
    """Fail the block with WorkBudgetExceeded once it has made `calls` function calls."""
    count = 0

    def hook(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1
            if count > calls:
                sys.setprofile(None)
                raise WorkBudgetExceeded(f"the block made more than {calls:,} calls")

    previous = sys.getprofile()
    sys.setprofile(hook)
    try:
        yield
    finally:
        sys.setprofile(previous)
