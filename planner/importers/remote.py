"""Fetching a calendar by URL: the private iCal link TrainingPeaks, intervals.icu or Google gives.

The limits hold for every response, redirects included:
- one deadline for the whole fetch (name lookup, connect, TLS, redirects, headers and body):
  `DEFAULT_DEADLINE_S`, or `PLANNER_FETCH_DEADLINE` seconds;
- at most `MAX_FILE_BYTES` of body (a larger Content-Length is refused before reading); a
  redirect's body is never read: its connection is closed;
- at most `MAX_REDIRECTS` redirects, each target checked like the link itself;
- headers within httpcore's 100 kB; malformed HTTP and a body cut short (Content-Length not
  met, chunking broken off) are errors, never a calendar;
- only public addresses, connected to as checked (see `pinned_network`), unless
  `PLANNER_ALLOW_PRIVATE_URLS=1` (tests and trusted set-ups). Proxies from the environment are
  not used, since a proxy would resolve the name again.

Every failure is a `FetchError` whose message names the link by scheme and host only (see
`links`) and never quotes what the server sent.
"""

from __future__ import annotations

import functools
import http
import logging
import os
import ssl

import httpcore

from planner.errors import CalendarError
from planner.importers.limits import MAX_FILE_BYTES
from planner.importers.links import Link, is_url, normalise, parse_link, shown
from planner.importers.pinned_network import ALLOW_PRIVATE_ENV, Deadline, PinnedBackend

__all__ = [
    "ALLOW_PRIVATE_ENV",
    "DEADLINE_ENV",
    "FetchError",
    "fetch_calendar",
    "is_url",
    "normalise",
    "shown",
]

log = logging.getLogger(__name__)

DEADLINE_ENV = "PLANNER_FETCH_DEADLINE"
DEFAULT_DEADLINE_S = 20.0
MAX_DEADLINE_S = 600.0
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = b"strength-planner calendar fetch"
_MB = MAX_FILE_BYTES // (1024 * 1024)


class FetchError(CalendarError):
    """The link gave no complete calendar (refused, unreachable, too slow, too big, malformed
    or cut short). Nothing fetched is returned, so `seasons.refresh` keeps the stored calendar."""


def private_allowed() -> bool:
    return os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes")


def deadline_seconds() -> float:
    """The whole-fetch deadline: `PLANNER_FETCH_DEADLINE` seconds, else 20."""
    text = os.environ.get(DEADLINE_ENV, "").strip()
    if not text:
        return DEFAULT_DEADLINE_S
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds <= MAX_DEADLINE_S:  # also false for nan
        raise FetchError(
            f"'{text[:20]}' is not a number of seconds from 0 to {MAX_DEADLINE_S:g}",
            where=DEADLINE_ENV,
            hint="set it to a number of seconds such as 20, or unset it for the default",
        )
    return seconds


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Once per process: loading the system's CA certificates costs ~20 ms of CPU, which was
    # most of an unchanged season's cost in `planner season refresh --all`. A client context
    # is safe to share between threads.
    return ssl.create_default_context()


def _headers(link: Link) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"Host", link.authority.encode("ascii")),
        (b"User-Agent", USER_AGENT),
        (b"Accept", b"text/calendar, text/csv;q=0.9, */*;q=0.5"),
        (b"Accept-Encoding", b"identity"),
    ]
    auth = link.basic_auth()
    if auth is not None:
        headers.append((b"Authorization", auth))
    return headers


def _request_url(link: Link) -> httpcore.URL:
    return httpcore.URL(
        scheme=link.scheme.encode("ascii"),
        host=link.host.encode("ascii"),
        port=link.port,
        target=link.target.encode("ascii"),
    )


def _header(response: httpcore.Response, name: bytes) -> str | None:
    for key, value in response.headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _status_error(link: Link, status: int) -> FetchError:
    try:
        phrase = http.HTTPStatus(status).phrase  # the server's own reason phrase is not shown
    except ValueError:
        phrase = "(an unknown status)"
    return FetchError(
        f"the server answered {status} {phrase}",
        where=link.shown,
        hint="check that the link is still valid; calendar apps can reset private links",
    )


def _too_big(link: Link) -> FetchError:
    return FetchError(
        f"the calendar is over the {_MB} MB limit",
        where=link.shown,
        hint="share a shorter date range",
    )


def _read_capped(response: httpcore.Response, link: Link) -> bytes:
    """The body, at most MAX_FILE_BYTES (refused above); h11 raises on a body cut short."""
    length = _header(response, b"content-length")
    if length is not None and length.strip().isdigit() and int(length) > MAX_FILE_BYTES:
        raise _too_big(link)
    data = bytearray()
    for chunk in response.iter_stream():
        data += chunk
        if len(data) > MAX_FILE_BYTES:
            raise _too_big(link)
    return bytes(data)


def _follow(link: Link, location: str | None, status: int) -> Link:
    if not location:
        raise FetchError(
            f"the server answered a redirect ({status}) without saying where to",
            where=link.shown,
            hint="check the link",
        )
    try:
        return link.follow(location)
    except CalendarError:
        raise FetchError(
            "the server redirected to a link that cannot be fetched",
            where=link.shown,
            hint="only http:// and https:// links are followed",
        ) from None


def _failure(exc: Exception, link: Link, answered: bool, deadline: Deadline) -> FetchError:
    """A FetchError saying what went wrong, in words of our own: exception texts from the HTTP
    parser quote what the server sent, so they are not shown."""
    hint = "check the link and your connection, then try again"
    cause = exc.__cause__ or exc.__context__
    if deadline.passed or isinstance(exc, httpcore.TimeoutException):
        message = f"no complete answer within {deadline.seconds:g} s"
        hint = "the server is too slow or stalled; try again later"
    elif answered:
        message = "the answer was cut short or its body is malformed, so it is not a calendar"
        hint = "nothing was kept from it; try again later"
    elif isinstance(exc, httpcore.ProtocolError):
        message = "the server's answer is not valid HTTP, or its headers are over 100 kB"
        hint = "check that the link leads to an iCal (.ics) file"
    elif isinstance(cause, ssl.SSLCertVerificationError):
        message = "the server's HTTPS certificate is not valid for this host"
    elif isinstance(cause, ssl.SSLError):
        message = "the secure (TLS) connection to the server failed"
    elif isinstance(cause, ConnectionRefusedError):
        message = "the server refused the connection"
    elif isinstance(exc, httpcore.ConnectError):
        message = "the server cannot be reached"
    else:
        message = "the connection broke off before the server answered"
    return FetchError(f"the calendar could not be fetched: {message}", where=link.shown, hint=hint)


def _fetch(link: Link, deadline: Deadline) -> bytes:
    backend = PinnedBackend(deadline, private_ok=private_allowed())
    answered = False
    try:
        with httpcore.ConnectionPool(
            ssl_context=_tls_context(), network_backend=backend, retries=0
        ) as pool:
            for _ in range(MAX_REDIRECTS + 1):
                answered = False
                left = deadline.left(httpcore.ConnectTimeout)
                extensions = {"timeout": dict.fromkeys(("connect", "read", "write", "pool"), left)}
                with pool.stream(
                    "GET", _request_url(link), headers=_headers(link), extensions=extensions
                ) as response:
                    answered = True
                    status = response.status
                    if status not in REDIRECTS:
                        if status not in (200, 203):
                            raise _status_error(link, status)
                        return _read_capped(response, link)
                    location = _header(response, b"location")
                # the redirect's body was never read; closing the response closed its connection
                link = _follow(link, location, status)
    except FetchError:
        raise
    except CalendarError as exc:  # the link's host was refused or not found
        raise FetchError(exc.message, where=link.shown, hint=exc.hint) from None
    except (
        httpcore.ProtocolError,
        httpcore.TimeoutException,
        httpcore.NetworkError,
        OSError,
        ValueError,
    ) as exc:
        log.info("fetching %s failed: %s", link.shown, type(exc).__name__)
        raise _failure(exc, link, answered, deadline) from None
    raise FetchError(
        f"more than {MAX_REDIRECTS} redirects",
        where=link.shown,
        hint="paste the link the redirects end at",
    )


def fetch_calendar(url: str, deadline_s: float | None = None) -> bytes:
    """The bytes at `url`, or a FetchError naming the problem (never the URL's secret path,
    query or password, nor what the server sent). `deadline_s` bounds the whole fetch
    (default `PLANNER_FETCH_DEADLINE`, else 20 s)."""
    try:
        link = parse_link(url)
    except CalendarError as exc:
        raise FetchError(exc.message, where=exc.where, hint=exc.hint) from None
    deadline = Deadline(deadline_seconds() if deadline_s is None else deadline_s)
    data = _fetch(link, deadline)
    log.info("fetched %d bytes from %s", len(data), link.shown)
    return data
