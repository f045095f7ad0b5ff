"""No error message quotes the content of a file or response it refused: a file that is not a
calendar (a server's /etc/passwd, a sign-in page behind a reset link), a broken time zone, an
overlong line or a parser failure is described by what and where, never by its text."""

from __future__ import annotations

import pytest

from planner import importers
from planner.errors import CalendarError
from planner.importers import read_calendar
from planner.importers.limits import MAX_ICAL_LINE_CHARS
from tests.import_helpers import ics, vevent

PASSWD = (
    b"root:x:0:0:root:/root:/bin/bash\n"
    b"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    b"svc:x:999:999:hunter2 deploy key:/srv:/bin/sh\n"
)


def refusal(data: bytes, name: str = "calendar.ics") -> str:
    with pytest.raises(CalendarError) as error:
        read_calendar(data, name)
    return str(error.value)


@pytest.mark.parametrize("name", ["calendar.ics", "calendar", "passwd", "export.csv"])
def test_a_file_that_is_not_a_calendar_is_not_quoted(name: str) -> None:
    # "/etc/passwd" showed "the first line (root:x:0:0:root:/root:/bin/bash) is not a header"
    text = refusal(PASSWD, name)
    for secret in ("root", "/bin/bash", "daemon", "hunter2"):
        assert secret not in text, text


def test_an_unknown_csv_header_is_described_not_quoted() -> None:
    text = refusal(b"Datum,Secret Column,Other\n2027-01-05,x,y\n", "export.csv")
    assert "3 columns" in text and "not a header this planner knows" in text
    assert "Secret" not in text and "Datum" not in text


def test_a_web_page_is_named_as_such_without_its_content() -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>Sign in to Acme SSO</title></head></html>\n"
    text = refusal(page, "calendar.ics")
    assert "web page" in text and "Acme" not in text and "Sign in" not in text


def test_a_parser_failure_names_its_type_not_its_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("bad line: DESCRIPTION:hunter2 deploy key")

    monkeypatch.setattr(importers, "_read", broken)
    text = refusal(ics(*vevent("1", "DTSTART:20270105")))
    assert "ValueError" in text and "hunter2" not in text


def test_an_overlong_line_names_only_a_standard_property() -> None:
    secret = "HUNTER2-DEPLOY-KEY"
    line = secret + ":" + "x" * (MAX_ICAL_LINE_CHARS + 10)
    text = refusal(ics(*vevent("1", "DTSTART:20270105", line)))
    assert "a content line is" in text and secret not in text
