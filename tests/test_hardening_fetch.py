"""Hardening of the calendar fetch against servers that misbehave, on real sockets: one deadline
for the whole fetch (trickled headers, trickled body, slow redirects), the size cap for every
response (a redirect's body is never read), bodies cut short and malformed HTTP refused in one
line and never saved, no quote of what the server sent, and links with spaces or a password.
Deadlines are 1-1.5 s here; memory is checked by bytes sent and tracemalloc's peak."""

from __future__ import annotations

import base64
import json
import logging
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from raw_http import Connection, RawServer, answer, raw_server
from season_data import START, WEEKS, first_plan, season_ics
from typer.testing import CliRunner

from planner import seasons
from planner.cli import app
from planner.config import PlannerConfig
from planner.domain import AthleteProfile
from planner.importers import remote
from planner.importers.limits import MAX_FILE_BYTES
from planner.store import DATABASE_URL_ENV, list_seasons, load_season, open_store

CAL = season_ics()
MB = 1024 * 1024
SECRET = "/private/s3cret-token/basic.ics?key=hunter2"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _local_servers_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(remote.ALLOW_PRIVATE_ENV, "1")


def serve_calendar(connection: Connection) -> None:
    connection.send(answer("200 OK", {"Content-Length": str(len(CAL))}, CAL))


def streamed(head: bytes, limit: int = 200 * MB) -> Callable[[Connection], None]:
    """Send `head`, then a body of up to `limit` bytes for as long as the client reads."""

    def script(connection: Connection) -> None:
        chunk = b"x" * 65536
        if connection.send(head):
            for _ in range(limit // len(chunk)):
                if not connection.send(chunk):
                    return

    return script


def refused(url: str, deadline_s: float = 1.5, *needles: str) -> str:
    """The fetch failed with a FetchError in one line that shows neither the secret path, query
    or password nor what the server sent; returns its text."""
    with pytest.raises(remote.FetchError) as error:
        remote.fetch_calendar(url, deadline_s=deadline_s)
    text = str(error.value)
    assert "\n" not in text
    for secret in ("s3cret", "hunter2", "SECRET-LINE", "root:x"):
        assert secret not in text, text
    for needle in needles:
        assert needle in text, text
    return text


@pytest.fixture
def measured() -> Iterator[Callable[[], float]]:
    """tracemalloc's peak (MB) of what runs inside the test, read by calling the fixture."""
    tracemalloc.start()
    yield lambda: tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()


@pytest.fixture
def sqlite_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{tmp_path / 'seasons.sqlite3'}"
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    return open_store(url)


# ------------------------------------------------------------------------------ the deadline


def trickled_headers(connection: Connection) -> None:
    connection.send(b"HTTP/1.1 200 OK\r\n")
    connection.trickle(b"X-Slow: " + b"a" * 1000, every_s=0.05, for_s=6)


def test_trickled_headers_are_cut_off_at_the_deadline() -> None:
    # one header byte every 50 ms kept the per-read timeout from ever firing (183-204 s)
    with raw_server({"/c.ics": trickled_headers}) as server:
        started = time.monotonic()
        refused(server.root + "/c.ics", 1.0, "no complete answer within 1 s")
    assert time.monotonic() - started < 3  # not the 6 s the server trickles for


def test_the_cli_gives_up_at_its_deadline_setting(
    sqlite_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(remote.DEADLINE_ENV, "1")
    with raw_server({"/c.ics": trickled_headers}) as server:
        started = time.monotonic()
        result = runner.invoke(app, ["season", "new", server.root + "/c.ics"])
    assert time.monotonic() - started < 3
    assert result.exit_code == 2 and "no complete answer within 1 s" in result.output
    assert list_seasons(sqlite_store) == []


def test_a_trickled_body_is_cut_off_at_the_deadline() -> None:
    def trickle(connection: Connection) -> None:
        connection.send(answer("200 OK", {"Content-Length": str(len(CAL))}))
        connection.trickle(CAL, every_s=0.05, for_s=6)

    with raw_server({"/c.ics": trickle}) as server:
        started = time.monotonic()
        refused(server.root + "/c.ics", 1.0, "no complete answer within 1 s")
    assert time.monotonic() - started < 3


def test_a_tls_handshake_that_never_ends_is_cut_off_at_the_deadline() -> None:
    # the server takes the connection and never answers the TLS ClientHello
    with raw_server({}) as server:
        started = time.monotonic()
        refused(server.root.replace("http:", "https:") + "/c.ics", 1.0, "within 1 s")
    assert time.monotonic() - started < 3


def test_the_deadline_spans_all_redirects() -> None:
    # each hop answers within 0.4 s; six of them must not each get a fresh deadline
    def slow_hop(target: str) -> Callable[[Connection], None]:
        def script(connection: Connection) -> None:
            connection.trickle(answer("302 Found", {"Location": target}), every_s=0.01, for_s=3)

        return script

    scripts = {f"/{n}": slow_hop(f"/{n + 1}") for n in range(5)} | {"/5": serve_calendar}
    with raw_server(scripts) as server:
        assert remote.fetch_calendar(server.root + "/0", deadline_s=10) == CAL
        started = time.monotonic()
        refused(server.root + "/0", 1.0, "no complete answer within 1 s")
    assert time.monotonic() - started < 3


def test_five_redirects_are_followed_and_a_sixth_is_refused() -> None:
    def hop(target: str) -> Callable[[Connection], None]:
        return lambda c: c.send(answer("302 Found", {"Location": target, "Content-Length": "0"}))

    scripts = {f"/{n}": hop(f"/{n + 1}") for n in range(6)} | {"/6": serve_calendar}
    with raw_server(scripts) as server:
        assert remote.fetch_calendar(server.root + "/1", deadline_s=5) == CAL
        refused(server.root + "/0", 5, "more than 5 redirects")


def test_the_deadline_is_configured_by_its_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(remote.DEADLINE_ENV, "1.5")
    assert remote.deadline_seconds() == 1.5
    monkeypatch.delenv(remote.DEADLINE_ENV)
    assert remote.deadline_seconds() == remote.DEFAULT_DEADLINE_S == 20
    for bad in ("soon", "0", "-1", "nan", "1e9"):
        monkeypatch.setenv(remote.DEADLINE_ENV, bad)
        with pytest.raises(remote.FetchError, match=remote.DEADLINE_ENV):
            remote.deadline_seconds()


# ------------------------------------------------------------------------- size, every response


def test_a_redirect_s_body_is_never_read(measured: Callable[[], float]) -> None:
    # a 302 promising and streaming 1.5 GB took the app server from 255 MB to 6.2 GB
    huge = answer("302 Found", {"Location": "/cal.ics", "Content-Length": "1500000000"})
    scripts = {"/start": streamed(huge), "/cal.ics": serve_calendar}
    with raw_server(scripts) as server:
        assert remote.fetch_calendar(server.root + "/start", deadline_s=5) == CAL
        time.sleep(0.2)  # let the redirect's sender see the closed connection
    assert server.sent.get("/start", 0) < 32 * MB  # the socket buffers, not 200 MB
    assert measured() < 2


def test_an_endless_body_stops_at_the_size_cap(measured: Callable[[], float]) -> None:
    with raw_server({"/c.ics": streamed(answer("200 OK", {}))}) as server:
        refused(server.root + "/c.ics", 5, "over the 10 MB limit")
    assert server.sent["/c.ics"] < MAX_FILE_BYTES + 32 * MB
    assert measured() < 2.5 * MAX_FILE_BYTES / MB


def test_a_declared_length_over_the_cap_is_refused_before_reading(
    measured: Callable[[], float],
) -> None:
    head = answer("200 OK", {"Content-Length": str(1_500_000_000)})
    with raw_server({"/c.ics": streamed(head)}) as server:
        refused(server.root + "/c.ics", 5, "over the 10 MB limit")
    assert measured() < 2


# ------------------------------------------------------------ cut short and malformed answers

MALFORMED: dict[str, Callable[[Connection], None]] = {
    "short-body": lambda c: c.send(answer("200 OK", {"Content-Length": "1000000"}, CAL[:200])),
    "truncated-chunks": lambda c: c.send(
        answer("200 OK", {"Transfer-Encoding": "chunked"}, b"800\r\n" + CAL[:200])
    ),
    "broken-chunks": lambda c: c.send(
        answer("200 OK", {"Transfer-Encoding": "chunked"}, b"zz SECRET-LINE\r\n" + CAL[:100])
    ),
    "bad-status-line": lambda c: c.send(b"HTTP/1.1 2OO SECRET-LINE\r\n\r\n"),
    "not-http": lambda c: c.send(b"SSH-2.0-OpenSSH_9.2 SECRET-LINE\r\n"),
    "200-kB-header-line": lambda c: c.send(
        b"HTTP/1.1 200 OK\r\nX-Big: SECRET-LINE" + b"a" * 200_000 + b"\r\n\r\n" + CAL
    ),
    "too-many-headers": lambda c: c.send(
        b"HTTP/1.1 200 OK\r\n"
        + b"".join(b"X-H-%d: SECRET-LINE\r\n" % i for i in range(20_000))
        + b"\r\n"
        + CAL
    ),
    "reason-phrase": lambda c: c.send(b"HTTP/1.1 403 root:x:0:0:root\r\nContent-Length: 0\r\n\r\n"),
}
SAID = {
    "short-body": "cut short",
    "truncated-chunks": "cut short",
    "broken-chunks": "cut short",
    "bad-status-line": "not valid HTTP",
    "not-http": "not valid HTTP",
    "200-kB-header-line": "not valid HTTP",
    "too-many-headers": "not valid HTTP",
    "reason-phrase": "403 Forbidden",
}


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[RawServer]:
    scripts = {f"/{name}{SECRET}".split("?")[0]: script for name, script in MALFORMED.items()}
    with raw_server(scripts | {"/cal.ics": serve_calendar}) as server:
        yield server


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_or_short_answer_is_one_plain_error(misbehaving: RawServer, case: str) -> None:
    refused(f"{misbehaving.root}/{case}{SECRET}", 2, SAID[case], "http://127.0.0.1:")


@pytest.mark.parametrize("case", MALFORMED)
def test_the_cli_says_one_line_exits_2_and_saves_nothing(
    misbehaving: RawServer, sqlite_store, case: str
) -> None:
    result = runner.invoke(app, ["season", "new", f"{misbehaving.root}/{case}{SECRET}"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert SAID[case] in lines[0]
    assert "s3cret" not in result.output and "SECRET-LINE" not in result.output
    assert list_seasons(sqlite_store) == []


def test_a_refresh_cut_short_keeps_the_stored_calendar(sqlite_store) -> None:
    scripts: dict[str, Callable[[Connection], None]] = {"/cal.ics": serve_calendar}
    with raw_server(scripts) as server:
        source = seasons.source_from_link(server.root + "/cal.ics")
        token, _ = seasons.create(
            sqlite_store,
            source,
            name="Linked",
            profile=AthleteProfile(),
            config=PlannerConfig(),
            start=START,
            weeks=WEEKS,
            plan=first_plan(),
        )
        before = load_season(sqlite_store, token)
        for case in ("short-body", "truncated-chunks"):
            scripts["/cal.ics"] = MALFORMED[case]
            with pytest.raises(remote.FetchError, match="cut short"):
                seasons.refresh(sqlite_store, token, today=START)
    after = load_season(sqlite_store, token)
    assert after.version == before.version and after.source.data == CAL
    assert [v.origin for v in after.history] == ["first plan"]


# ------------------------------------------------------------------ links: spaces and passwords


def test_a_link_with_spaces_and_odd_characters_is_encoded_and_fetched() -> None:
    with raw_server({"/my%20cal/2027%20%E2%9C%93.ics": serve_calendar}) as server:
        url = server.root + '/my cal/2027 ✓.ics?token=a b&x=<y>"#frag'
        assert remote.fetch_calendar(url, deadline_s=5) == CAL
    first_line = server.requests[0].split(b"\r\n")[0]
    assert first_line == (b"GET /my%20cal/2027%20%E2%9C%93.ics?token=a%20b&x=%3Cy%3E%22 HTTP/1.1")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:99999/private/s3cret-token/cal.ics",
        "http://127.0.0.1:port/private/s3cret-token/cal.ics",
        "http://[::1/private/s3cret-token/cal.ics",
        "http://exa mple.com/private/s3cret-token/cal.ics",
        "https:///private/s3cret-token/cal.ics",
        "htps://calendar.example/private/s3cret-token/cal.ics",
    ],
)
def test_a_malformed_link_is_one_line_without_its_secret(url: str, sqlite_store) -> None:
    with pytest.raises(remote.FetchError) as error:
        remote.fetch_calendar(url)
    assert "s3cret" not in str(error.value)
    result = runner.invoke(app, ["season", "new", url])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "s3cret" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_basic_auth_in_the_link_is_sent_and_never_shown(
    caplog: pytest.LogCaptureFixture, sqlite_store
) -> None:
    def guarded(connection: Connection) -> None:
        expected = b"Authorization: Basic " + base64.b64encode(b"alice:hunter2@home")
        if expected in connection.head:
            serve_calendar(connection)
        else:
            connection.send(answer("401 Unauthorized", {"Content-Length": "0"}))

    caplog.set_level(logging.DEBUG)
    with raw_server({"/cal.ics": guarded}) as server:
        host = server.root.removeprefix("http://")
        good = f"http://alice:hunter2%40home@{host}/cal.ics"
        assert remote.fetch_calendar(good, deadline_s=5) == CAL
        text = refused(f"http://alice:wrong-hunter2@{host}/cal.ics", 5, "401 Unauthorized")
        assert "alice" not in text
        result = runner.invoke(app, ["season", "new", good, "--start", str(START), "--weeks", "2"])
        assert result.exit_code == 0, result.output
        token = json.loads(result.stdout)["token"]
        shown = runner.invoke(app, ["season", "show", token])
        refreshed = runner.invoke(app, ["season", "refresh", token, "--today", str(START)])
    assert refreshed.exit_code == 0, refreshed.output  # the stored link keeps its credentials
    for output in (result.output, shown.output, refreshed.output, caplog.text):
        assert "hunter2" not in output


def test_credentials_go_to_the_same_origin_only() -> None:
    scripts = {"/start": lambda c: c.send(answer("302 Found", {"Location": "/next"}))}
    with raw_server({"/cal.ics": serve_calendar}) as other, raw_server(scripts) as first:
        to_other = answer("302 Found", {"Location": other.root + "/cal.ics"})
        first.scripts["/next"] = lambda c: c.send(to_other)
        host = first.root.removeprefix("http://")
        assert remote.fetch_calendar(f"http://alice:hunter2@{host}/start", deadline_s=5) == CAL
    assert len(first.requests) == 2 and len(other.requests) == 1
    assert all(b"Authorization: Basic" in head for head in first.requests)
    assert all(b"Authorization" not in head for head in other.requests)
