"""Limits that keep one uploaded calendar from exhausting memory or time.

Every limit is enforced with a `CalendarError` (the whole file is refused) or a `Skipped` note (one
row or series is left out), and both quote the limit so the athlete knows what to change.
"""

from __future__ import annotations

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest file read at all (10 MB); checked before any parsing."""

MAX_EVENTS = 20_000
"""Most events one file may produce inside the import window (refused above, not truncated)."""

MAX_OCCURRENCES_PER_SERIES = 10_000
"""Most occurrences one recurring series may expand to in the window; a series above it is
skipped with a note (a runaway RRULE) while the rest of the calendar is kept."""

MAX_CSV_ROWS = 50_000
"""Most data rows a CSV file may have (about 30 years of two activities a day)."""

DEFAULT_WINDOW_DAYS = 730
"""Window length when no end is given: two years from the start (or the earliest event)."""

MAX_WINDOW_DAYS = 20 * 366
"""Longest window that may be asked for: 20 years."""

MIN_YEAR = 1900
"""Events before this year are skipped as implausible (e.g. year 1 placeholders)."""

MAX_YEAR = 2200
"""Events after this year are skipped as implausible (e.g. year 9999 placeholders)."""

MAX_ALL_DAY_SPAN_DAYS = 366
"""An all-day event spanning several days becomes one event per day, up to this many days (a
40-day training camp is 40 events; a year-long "season" banner is the most a file may span)."""

MAX_DURATION_MIN = 48 * 60
"""Longest plausible single session or race (48 h); longer rows are skipped as a unit mistake."""
