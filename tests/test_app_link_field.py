"""The app's "Or plan from your calendar's private link" field takes http(s) and webcal links
only: a server path or another scheme gets one line saying what the field takes, and no file is
opened (an audit hook sees every open in the process); a server answering malformed HTTP gets a
plain message, not a traceback. Nothing is saved either way."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from raw_http import raw_server
from season_data import season_ics
from test_app import SHORT_WEEKS, click, loaded, texts

from planner.importers.remote import ALLOW_PRIVATE_ENV
from planner.store import DATABASE_URL_ENV, list_seasons, open_store
from planner.ui import season_panel

_opened: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _opened is not None:
        _opened.append(str(args[0]))


sys.addaudithook(_audit)  # a hook cannot be removed: it records only inside `opens()`


@contextlib.contextmanager
def opens() -> Iterator[list[str]]:
    """Every path opened (by open(), os.open, Path.read_bytes...) in this process meanwhile."""
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{tmp_path / 'seasons.sqlite3'}"
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    return open_store(url)


def shown_errors(at) -> list[str]:
    return [str(e.value).replace("\\", "") for e in at.error]


def test_the_link_field_reads_no_file_of_the_server(store, tmp_path: Path) -> None:
    # "/etc/passwd" showed its first line in the error; a server path to an .ics became a season
    server_file = tmp_path / "server-side-calendar.ics"
    server_file.write_bytes(season_ics())
    at = loaded(weeks=SHORT_WEEKS)
    for value in [
        str(server_file),
        "/etc/passwd",
        f"file://{server_file}",
        "~/server-side-calendar.ics",
        "ftp://example.com/calendar.ics",
        "C:\\calendars\\server-side-calendar.ics",
    ]:
        at.text_input(key=season_panel.URL_INPUT).set_value(value)
        with opens() as opened:
            click(at, "season_fetch")
        assert not [p for p in opened if "server-side" in p or "passwd" in p], opened
        errors = shown_errors(at)
        assert len(errors) == 1 and "http://, https:// or webcal://" in errors[0], errors
        assert "root:x" not in texts(at)
    assert list_seasons(store) == []
    assert not at.query_params.get("season")


def test_malformed_http_is_a_plain_message_in_the_app(
    store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    scripts = {"/private/abc/cal.ics": lambda c: c.send(b"HTTP/1.1 2OO SECRET-LINE\r\n\r\n")}
    with raw_server(scripts) as server:
        at = loaded(weeks=SHORT_WEEKS)
        at.text_input(key=season_panel.URL_INPUT).set_value(server.root + "/private/abc/cal.ics")
        click(at, "season_fetch")
    errors = shown_errors(at)
    assert len(errors) == 1 and "not valid HTTP" in errors[0], errors
    assert "abc" not in errors[0] and "SECRET-LINE" not in texts(at)
    assert list_seasons(store) == []
