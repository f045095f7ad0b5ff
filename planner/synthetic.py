"""Generated seasons for benchmarks and property tests: a road cyclist's typical week, with a
C, a B and an A race placed relative to the horizon."""

from __future__ import annotations

import datetime as dt
import random

from planner.domain import Calendar, Event, Kind, Priority, Source, Sport

# Weekday -> (title, kind, minutes) of the usual week.
TYPICAL_WEEK = {
    1: ("VO2 max intervals 5x4 min", Kind.hard, 75),
    2: ("Recovery spin Z1", Kind.easy, 45),
    3: ("Sweet spot 3x15 min", Kind.hard, 90),
    5: ("Long ride", Kind.long, 210),
    6: ("Endurance ride Z2", Kind.easy, 120),
}


def synthetic_season(start: dt.date, weeks: int, seed: int = 0) -> Calendar:
    """A season of `weeks` weeks from `start`: the typical week, some skipped sessions, and
    one A race every 26 weeks (the last 2-3 weeks before the end), a B and a C race between."""
    rng = random.Random(seed)
    source = Source(format="synthetic")
    events: list[Event] = []
    for w in range(weeks):
        for weekday, (title, kind, minutes) in TYPICAL_WEEK.items():
            if rng.random() < 0.08:
                continue  # life happens
            day = start + dt.timedelta(days=7 * w + weekday)
            events.append(
                Event(
                    date=day,
                    title=title,
                    sport=Sport.ride,
                    kind=kind,
                    duration_min=minutes,
                    source=source,
                )
            )
    # Races: A races near the end of each 26-week block, B and C races inside the block.
    for block_start in range(0, weeks, 26):
        block = min(26, weeks - block_start)
        races = [
            (block_start + max(0, block - 3), Priority.A, "Gran fondo (A)"),
            (block_start + block // 2, Priority.B, "Road race"),
            (block_start + block // 4, Priority.C, "Club crit"),
        ]
        for week, priority, title in races:
            if block < 4 and priority != Priority.A:
                continue
            day = start + dt.timedelta(days=7 * week + 6)
            events = [e for e in events if e.date != day]
            events.append(
                Event(
                    date=day,
                    title=title,
                    sport=Sport.ride,
                    kind=Kind.race,
                    priority=priority,
                    duration_min=240,
                    source=source,
                )
            )
    events.sort(key=lambda e: (e.date, e.title))
    return Calendar(format="synthetic", events=events, name=f"Synthetic {weeks}-week season")
