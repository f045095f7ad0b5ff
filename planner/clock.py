"""The planner's idea of "today": the real date, unless `PLANNER_TODAY` names one.

Plans, re-plans and the app's board all ask here, so a test (or a demo server showing a past
season) can fix the date for a whole process tree, subprocesses included, without faking the
system clock. Timestamps (DTSTAMP, fetched-at) stay real: they record when something happened.
"""

from __future__ import annotations

import datetime as dt
import os

from planner.errors import InputError

TODAY_ENV = "PLANNER_TODAY"


def today() -> dt.date:
    """`PLANNER_TODAY` (YYYY-MM-DD) when set, else the real local date."""
    value = os.environ.get(TODAY_ENV, "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(
            "is not a date", where=f"setting {TODAY_ENV}", hint="use YYYY-MM-DD or unset it"
        ) from exc
