"""Benchmark: import a generated 5-year iCal calendar (~3000 events) and print the time; then
the worst cases of the cost limits, each in its own process, with time and peak memory.

Run: python benchmarks/bench_import.py
Targets: under 1 s (median of 5) on a 2-core machine; every worst case accepted or refused
within 5 s and 500 MB (peak resident memory of the whole process, interpreter included).

Worst cases (files under the 10 MB upload limit):
- refused before parsing: 189,000 tiny VEVENTs (10 MB); one VEVENT with 1.4 million X-
  lines (9.3 MB);
- accepted at the limits: 5,999 tiny VEVENTs (the component limit), 3,400 Google-style
  events of 14 lines (the line limit), 5,990 events of 8 lines (both limits at once);
- 2,000 daily series (the RRULE/RDATE limit) and 3,990 one-offs: the most expansion work;
- 2,000 events listing 25 RDATEs each (the list-value limit);
- 249,000 parameters on a hundred lines (the parameter limit);
- 5,990 events whose descriptions fill the 10 MB: the most text to classify;
- 20 VTIMEZONEs from 1601 (the zone limit) and 5,900 events spread over them; the same
  events in one zone from year 1 (eM Client writes those);
- a CSV just under the 50,000-row limit (refused after reading: over 20,000 events).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from planner.errors import CalendarError  # noqa: E402
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


def _ics(body: list[str]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", *body, "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode()


def _tiny(count: int) -> bytes:
    body: list[str] = []
    for n in range(count):
        body += ["BEGIN:VEVENT", f"UID:{n}", "DTSTART:20270101", "END:VEVENT"]
    return _ics(body)


def _x_lines(count: int) -> bytes:
    return _ics(["BEGIN:VEVENT", "UID:1", "DTSTART:20270101", *(["X-A:1"] * count), "END:VEVENT"])


def _google(count: int) -> bytes:
    """Events as Google Calendar exports them: 14 lines each."""
    body = ["X-WR-TIMEZONE:Europe/London"]
    for n in range(count):
        day = dt.date(2027, 1, 1) + dt.timedelta(days=n % 700)
        body += [
            "BEGIN:VEVENT",
            f"DTSTART:{day:%Y%m%d}T070000Z",
            f"DTEND:{day:%Y%m%d}T083000Z",
            "DTSTAMP:20260101T000000Z",
            f"UID:{n:08d}abcdefghijkl@google.com",
            "CREATED:20260101T000000Z",
            "DESCRIPTION:Zone 2",
            "LAST-MODIFIED:20260101T000000Z",
            "LOCATION:",
            "SEQUENCE:0",
            "STATUS:CONFIRMED",
            f"SUMMARY:Endurance ride {n}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    return _ics(body)


def _mixed(count: int) -> bytes:
    """Events of 8 lines each: at the component and the line limit at once."""
    body = ["X-WR-TIMEZONE:Europe/London"]
    for n in range(count):
        day = dt.date(2027, 1, 1) + dt.timedelta(days=n % 700)
        body += [
            "BEGIN:VEVENT",
            f"UID:m{n}",
            f"DTSTART:{day:%Y%m%d}T070000Z",
            f"DTEND:{day:%Y%m%d}T080000Z",
            "SUMMARY:Threshold ride 3x15 (B)",
            "DESCRIPTION:Sweet spot",
            "END:VEVENT",
        ]
    return _ics(body)


def _series(series: int, singles: int) -> bytes:
    """`series` daily series of 19 occurrences (at the recurrence limit) and tiny one-offs:
    the most expansion work the limits let through (refused at 40,000 occurrences)."""
    body: list[str] = []
    for n in range(series):
        day = dt.date(2027, 1, 1) + dt.timedelta(days=n % 700)
        body += ["BEGIN:VEVENT", f"UID:s{n}", f"DTSTART:{day:%Y%m%d}T070000Z"]
        body += ["SUMMARY:Ride", "RRULE:FREQ=DAILY;COUNT=19", "END:VEVENT"]
    for n in range(singles):
        body += ["BEGIN:VEVENT", f"UID:{n}", "DTSTART:20270101", "END:VEVENT"]
    return _ics(body)


def _zoned(zones: int, count: int, year: int = 1601) -> bytes:
    """`zones` Outlook-style VTIMEZONEs (from 1601, or eM Client's year 1) and events of 8 lines
    spread over them: every offset lookup walks the zone's transitions from that year."""
    body: list[str] = []
    for z in range(zones):
        body += [
            "BEGIN:VTIMEZONE",
            f"TZID:Zone {z}",
            "BEGIN:STANDARD",
            f"DTSTART:{year:04d}1028T030000",
            "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
            "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0100",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            f"DTSTART:{year:04d}0325T020000",
            "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0200",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
        ]
    for n in range(count):
        day = dt.date(2027, 1, 1) + dt.timedelta(days=n % 700)
        zone = f"Zone {n % zones}"
        body += [
            "BEGIN:VEVENT",
            f"UID:z{n}",
            f"DTSTART;TZID={zone}:{day:%Y%m%d}T070000",
            f"DTEND;TZID={zone}:{day:%Y%m%d}T080000",
            "SUMMARY:Threshold ride 3x15 (B)",
            "DESCRIPTION:Sweet spot",
            "END:VEVENT",
        ]
    return _ics(body)


def _rdates(series: int, dates: int) -> bytes:
    """`series` events each listing `dates` RDATEs: the most dates the RDATE limit lets through."""
    body: list[str] = []
    for n in range(series):
        days = [dt.date(2027, 1, 1) + dt.timedelta(days=(n + 7 * k) % 700) for k in range(dates)]
        body += ["BEGIN:VEVENT", f"UID:d{n}", "DTSTART:20270101T070000Z", "SUMMARY:Ride"]
        body += ["RDATE:" + ",".join(f"{d:%Y%m%d}T070000Z" for d in days), "END:VEVENT"]
    return _ics(body)


def _parameters(lines: int, each: int) -> bytes:
    """`lines` SUMMARY lines of `each` parameters (up to the parameter limit)."""
    params = ";".join(f"P{n}=a" for n in range(each))
    body: list[str] = []
    for n in range(lines):
        body += ["BEGIN:VEVENT", f"UID:p{n}", "DTSTART:20270101T070000Z"]
        body += [f"SUMMARY;{params}:Ride", "END:VEVENT"]
    return _ics(body)


def _described(count: int, chars: int) -> bytes:
    """`count` events whose descriptions fill the 10 MB file: the most text to classify."""
    words = ["interval", "ride", "race", "threshold", "easy", "long", "tempo", "(A)", "crit"]
    text = " ".join(words[(n * 7) % len(words)] for n in range(chars))[:chars]
    body: list[str] = []
    for n in range(count):
        day = dt.date(2027, 1, 1) + dt.timedelta(days=n % 700)
        body += ["BEGIN:VEVENT", f"UID:t{n}", f"DTSTART:{day:%Y%m%d}T070000Z"]
        body += [f"SUMMARY:Ride {n} {text[:60]}", f"DESCRIPTION:{text}", "END:VEVENT"]
    return _ics(body)


def _csv_rows(count: int) -> bytes:
    """A simple CSV under the 50,000-row limit with long titles, refused after reading
    (more events than the 20,000-event limit)."""
    rows = ["date,title"] + [f"2027-01-01,Endurance ride {'z' * 190}"] * count
    return "\n".join(rows).encode()


WORST_CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "189,000 tiny VEVENTs": ("worst.ics", lambda: _tiny(189_000)),
    "1 VEVENT, 1.4 million X- lines": ("worst.ics", lambda: _x_lines(1_400_000)),
    "5,999 tiny VEVENTs": ("worst.ics", lambda: _tiny(5_999)),
    "3,400 Google-style events": ("worst.ics", lambda: _google(3_400)),
    "5,990 events of 8 lines": ("worst.ics", lambda: _mixed(5_990)),
    "2,000 series + 3,990 events": ("worst.ics", lambda: _series(2_000, 3_990)),
    "5,900 events in 20 Outlook zones": ("worst.ics", lambda: _zoned(20, 5_900)),
    "5,990 events in a year-1 zone": ("worst.ics", lambda: _zoned(1, 5_990, year=1)),
    "2,000 series of 25 RDATEs": ("worst.ics", lambda: _rdates(2_000, 25)),
    "249,000 parameters on 100 lines": ("worst.ics", lambda: _parameters(100, 2_490)),
    "5,990 events, 1,500-char texts": ("worst.ics", lambda: _described(5_990, 1_500)),
    "48,000 CSV rows": ("worst.csv", lambda: _csv_rows(48_000)),
}


def run_case(name: str) -> None:
    """Import one worst case in this process; print its figures as JSON."""
    filename, build = WORST_CASES[name]
    data = build()
    began, cpu = time.perf_counter(), time.process_time()
    try:
        outcome = f"{len(read_calendar(data, filename).events):,} events"
    except CalendarError as exc:
        outcome = f"refused: {exc.message[:70]}"
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    size_mb = len(data) / 1024 / 1024
    print(json.dumps({"s": seconds, "cpu": cpu, "mb": peak_mb, "size": size_mb, "out": outcome}))


def worst_cases() -> None:
    """Each worst case in a fresh process, so its peak memory is its own."""
    worst_s = worst_cpu = worst_mb = 0.0
    for name in WORST_CASES:
        done = subprocess.run(
            [sys.executable, __file__, "--case", name],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        worst_s, worst_mb = max(worst_s, r["s"]), max(worst_mb, r["mb"])
        worst_cpu = max(worst_cpu, r["cpu"])
        print(
            f"  {name:32} {r['size']:5.1f} MB file  {r['s']:5.2f} s ({r['cpu']:.2f} s CPU)  "
            f"peak {r['mb']:4.0f} MB  {r['out']}"
        )
    print(
        f"bench_import worst case: {worst_s:.2f} s ({worst_cpu:.2f} s CPU; wall time grows with "
        f"the machine's load), peak {worst_mb:.0f} MB (limits: 5 s, 500 MB)"
    )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        run_case(sys.argv[2])
        return
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
    print("worst cases of the cost limits (each in its own process):")
    worst_cases()


if __name__ == "__main__":
    main()
