"""Benchmark: import a generated 5-year iCal calendar (~3000 events) and print the time.

Run: python benchmarks/bench_import.py
Target: under 1 s (median of 5) on a 2-core machine.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from planner.importers import read_calendar  # noqa: E402

START = dt.date(2026, 1, 5)  # a Monday
YEARS = 5
END = START + dt.timedelta(days=365 * YEARS - 1)

# (weekday code, hour, minutes, title) of the weekly sessions, one RRULE each.
WEEKLY = [
    ("MO", 0, 0, "Rest day"),
    ("TU", 18, 75, "VO2max intervals 5x4 min"),
    ("WE", 7, 45, "Easy run"),
    ("TH", 18, 90, "Sweet spot 3x15 min"),
    ("FR", 7, 30, "Recovery spin"),
    ("SA", 9, 210, "Long ride"),
    ("SU", 9, 120, "Endurance ride Z2"),
    ("SU", 17, 40, "Strength and mobility"),
]
SINGLES_PER_YEAR = 150


def build_calendar() -> bytes:
    """A 5-year Europe/London calendar: 8 weekly RRULEs with EXDATEs plus single events."""
    until = END.strftime("%Y%m%d") + "T235959Z"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//strength-planner//benchmark//EN",
        "X-WR-TIMEZONE:Europe/London",
    ]
    offsets = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
    for n, (day, hour, minutes, title) in enumerate(WEEKLY):
        first = START + dt.timedelta(days=offsets[day])
        lines += ["BEGIN:VEVENT", f"UID:weekly-{n}@bench", f"SUMMARY:{title}"]
        if minutes == 0:
            lines += [f"DTSTART;VALUE=DATE:{first:%Y%m%d}"]
        else:
            lines += [
                f"DTSTART;TZID=Europe/London:{first:%Y%m%d}T{hour:02d}0000",
                f"DURATION:PT{minutes}M",
            ]
        lines.append(f"RRULE:FREQ=WEEKLY;BYDAY={day};UNTIL={until}")
        for year in range(YEARS):  # a holiday week each summer
            skipped = first + dt.timedelta(weeks=30 + 52 * year)
            stamp = f"{skipped:%Y%m%d}" if minutes == 0 else f"{skipped:%Y%m%d}T{hour:02d}0000"
            value = "DATE" if minutes == 0 else "DATE-TIME"
            lines.append(f"EXDATE;VALUE={value};TZID=Europe/London:{stamp}")
        lines.append("END:VEVENT")
    for n in range(SINGLES_PER_YEAR * YEARS):
        day = START + dt.timedelta(days=(n * 23) % (365 * YEARS))
        title = "Club road race (B)" if n % 20 == 0 else "Group ride"
        lines += [
            "BEGIN:VEVENT",
            f"UID:single-{n}@bench",
            f"SUMMARY:{title}",
            f"DTSTART;TZID=Europe/London:{day:%Y%m%d}T100000",
            f"DTEND;TZID=Europe/London:{day:%Y%m%d}T123000",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    data = build_calendar()
    times = []
    count = 0
    for _ in range(5):
        began = time.perf_counter()
        cal = read_calendar(data, "bench.ics", start=START, end=END)
        times.append(time.perf_counter() - began)
        count = len(cal.events)
    print(
        f"bench_import: {count} events over {YEARS} years ({len(data) / 1024:.0f} KB), "
        f"median {statistics.median(times):.3f} s of 5 runs "
        f"(min {min(times):.3f} s, max {max(times):.3f} s)"
    )


if __name__ == "__main__":
    main()
