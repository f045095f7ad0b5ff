"""Fetching a calendar by URL: schemes, private addresses, size cap, timeout, errors that never
show the URL's secret path."""

from __future__ import annotations

import http.server
import threading
import time

import pytest
from local_http import serving

from planner.errors import CalendarError
from planner.importers import remote
from planner.importers.limits import MAX_FILE_BYTES


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/c.ics", "gopher://x"])
def test_only_http_https_and_webcal_links_are_fetched(url: str) -> None:
    with pytest.raises(CalendarError, match="cannot be fetched"):
        remote.fetch_calendar(url)


def test_webcal_is_read_as_https() -> None:
    assert remote.normalise("webcal://example.com/feed.ics") == "https://example.com/feed.ics"


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "10.1.2.3", "192.168.0.10", "169.254.169.254", "[::1]"]
)
def test_private_and_loopback_addresses_are_refused_by_default(
    host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(remote.ALLOW_PRIVATE_ENV, raising=False)
    with pytest.raises(CalendarError, match="private or local address") as error:
        remote.fetch_calendar(f"http://{host}/secret-path/cal.ics")
    assert "secret-path" not in str(error.value)


def test_an_http_error_names_the_status_but_not_the_secret_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(remote.ALLOW_PRIVATE_ENV, "1")
    with serving({}) as root, pytest.raises(CalendarError, match="404") as error:
        remote.fetch_calendar(root + "/token-xyz/cal.ics")
    assert "token-xyz" not in str(error.value)


def test_a_calendar_over_the_size_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(remote.ALLOW_PRIVATE_ENV, "1")
    big = {"/big.ics": b"x" * (MAX_FILE_BYTES + 10)}
    with serving(big) as root, pytest.raises(CalendarError, match="MB limit"):
        remote.fetch_calendar(root + "/big.ics")


def test_a_server_that_never_answers_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(remote.ALLOW_PRIVATE_ENV, "1")

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            time.sleep(3)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(CalendarError, match="could not be fetched"):
            remote.fetch_calendar(f"http://127.0.0.1:{server.server_address[1]}/c", timeout_s=0.5)
    finally:
        server.shutdown()
        server.server_close()
    assert time.monotonic() - started < 2.5


def test_a_redirect_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(remote.ALLOW_PRIVATE_ENV, raising=False)

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    start = f"http://127.0.0.1:{server.server_address[1]}/cal.ics"
    real_check = remote._check_host
    # Let the first (local test) server pass as if it were public; its redirect must be checked.
    monkeypatch.setattr(
        remote, "_check_host", lambda url: None if url == start else real_check(url)
    )
    try:
        with pytest.raises(CalendarError, match="private or local address"):
            remote.fetch_calendar(start)
    finally:
        server.shutdown()
        server.server_close()
