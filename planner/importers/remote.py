"""Fetching a calendar by URL: the private iCal link TrainingPeaks, intervals.icu or Google gives.

Only http and https (webcal:// is read as https, as calendar apps do); a timeout; at most
`MAX_FILE_BYTES`; and no loopback, private, link-local or reserved addresses, so a pasted URL
cannot make the server read its own network, unless `PLANNER_ALLOW_PRIVATE_URLS=1` (tests and
trusted set-ups). Every redirect target is checked the same way.

The host is resolved once per request and the connection goes to the address that was checked
(Host header, TLS SNI and certificate check still use the host name): a DNS server that answers a
public address to the check and a private one to the connect (DNS rebinding) gets nowhere.
Proxies from the environment are not used, since a proxy would resolve the name again.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import logging
import os
import socket
import urllib.error
import urllib.parse
import urllib.request

from planner.errors import CalendarError
from planner.importers.limits import MAX_FILE_BYTES

log = logging.getLogger(__name__)

ALLOW_PRIVATE_ENV = "PLANNER_ALLOW_PRIVATE_URLS"
TIMEOUT_S = 15.0
MAX_REDIRECTS = 5
USER_AGENT = "strength-planner calendar fetch"


def is_url(text: str) -> bool:
    return urllib.parse.urlsplit(text.strip()).scheme.lower() in ("http", "https", "webcal")


def shown(url: str) -> str:
    """The URL as messages show it: scheme and host only (the path is often the secret)."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…"


def private_allowed() -> bool:
    return os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes")


def normalise(url: str) -> str:
    """http(s) URL for `url` (webcal -> https), or a CalendarError saying what to paste."""
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "webcal":
        parts = parts._replace(scheme="https")
    elif scheme not in ("http", "https"):
        raise CalendarError(
            f"'{scheme or url[:20]}' links cannot be fetched",
            where="calendar URL",
            hint="paste an http://, https:// or webcal:// link",
        )
    if not parts.hostname:
        raise CalendarError("the link has no host name", where="calendar URL")
    return urllib.parse.urlunsplit(parts)


def _check_host(url: str) -> list[str] | None:
    """The addresses to connect to for `url`'s host: resolved once, all refused when one is not
    public. None (connect by name) when private addresses are allowed."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if private_allowed():
        return None
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        infos = []
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise CalendarError(
            f"the host {host} cannot be found", where=shown(url), hint="check the link"
        )
    for address in addresses:
        if not address.is_global:
            raise CalendarError(
                f"the link points to a private or local address ({address})",
                where=shown(url),
                hint=f"use a public link, or set {ALLOW_PRIVATE_ENV}=1 on a trusted server",
            )
    return list(dict.fromkeys(str(address) for address in addresses))


class _PinnedConnection:
    """An http.client connection that opens its socket to one of `addresses`, the checked ones
    (in the resolver's order, as a connect by name would), instead of resolving the host name
    again; everything else (Host header, SNI, certificate) keeps the name."""

    def __init__(self, *args, addresses: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pinned = addresses
        self._create_connection = self._connect_pinned

    def _connect_pinned(self, address, timeout, source_address=None) -> socket.socket:
        host, port = address
        if self._pinned is None:
            return socket.create_connection((host, port), timeout, source_address)
        error: OSError | None = None
        for pinned in self._pinned:
            try:
                return socket.create_connection((pinned, port), timeout, source_address)
            except OSError as exc:
                error = exc
        assert error is not None  # `_check_host` never pins an empty list
        raise error


class _PinnedHTTPConnection(_PinnedConnection, http.client.HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnection, http.client.HTTPSConnection):
    pass


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request):
        addresses = _check_host(req.full_url)
        return self.do_open(functools.partial(_PinnedHTTPConnection, addresses=addresses), req)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request):
        addresses = _check_host(req.full_url)
        connection = functools.partial(_PinnedHTTPSConnection, addresses=addresses)
        return self.do_open(connection, req, context=self._context)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects only to http(s); the target's host is checked when it is opened."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = normalise(urllib.parse.urljoin(req.full_url, newurl))
        return super().redirect_request(req, fp, code, msg, headers, target)


def fetch_calendar(url: str, timeout_s: float = TIMEOUT_S) -> bytes:
    """The bytes at `url`, or a CalendarError naming the problem (never the URL's secret path)."""
    url = normalise(url)
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        _PinnedHTTPHandler(),
        _PinnedHTTPSHandler(),
        _CheckedRedirects(),
    )
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout_s) as response:
            data = response.read(MAX_FILE_BYTES + 1)
    except CalendarError:
        raise
    except urllib.error.HTTPError as exc:
        raise CalendarError(
            f"the server answered {exc.code} {exc.reason}",
            where=shown(url),
            hint="check that the link is still valid; calendar apps can reset private links",
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CalendarError(
            f"the calendar could not be fetched ({reason})",
            where=shown(url),
            hint="check the link and your connection, then refresh",
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise CalendarError(
            f"the calendar is over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit",
            where=shown(url),
            hint="share a shorter date range",
        )
    log.info("fetched %d bytes from %s", len(data), shown(url))
    return data
