"""A corpus of 38 real calendar files against an oracle of our own (tests/fixtures/corpus).

Each file comes from the test suite of a calendar library (sources and licences in
tests/fixtures/SOURCES.md) and was written by a real producer: Google, Apple, Outlook and
Exchange, Thunderbird, Zimbra, SabreDAV/Nextcloud/ownCloud, DAVx5, Evolution, Confluence,
WordPress, Meetup, khal, Synology and others. `expected.json` holds, per file, an import window
and the events a reader following RFC 5545 finds in it: (date, title, all-day). Where that
reading differs from what icalendar and recurring-ical-events give on their own, the
correction is listed in docs/import-notes.md.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from planner.importers import read_calendar

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_the_corpus_has_thirty_files_or_more_each_with_an_oracle() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.ics"))
    assert len(files) >= 30
    assert files == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_matches_the_oracle(name: str) -> None:
    expected = EXPECTED[name]
    cal = read_calendar(
        (CORPUS / name).read_bytes(),
        name,
        start=dt.date.fromisoformat(expected["start"]),
        end=dt.date.fromisoformat(expected["end"]),
    )
    found = sorted((e.date.isoformat(), e.title, e.start is None) for e in cal.events)
    wanted = sorted((e["date"], e["title"], e["all_day"]) for e in expected["events"])
    assert found == wanted
