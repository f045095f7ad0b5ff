"""Where a saved season's links point: the address the athlete's browser used, or the public
address the server was given, and a warning when that address only works on this machine.

A link or QR code naming localhost or 127.0.0.1 opens nothing on a phone; it is still right for
the browser on this computer, so it is shown, with a word on how to make it reachable.
"""

from __future__ import annotations

import ipaddress
import os
import urllib.parse
from collections.abc import Mapping

PUBLIC_URL_ENV = "PLANNER_PUBLIC_URL"  # the address others reach this server at
BASE_URL_ENV = "PLANNER_BASE_URL"  # the CLI's setting; the app honours it too
DEFAULT_BASE_URL = "http://localhost:8501"


def _root(url: str) -> str | None:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def link_base(
    page_url: str | None,
    headers: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """Scheme, host and port the season's links start with: PLANNER_PUBLIC_URL (then
    PLANNER_BASE_URL) when set; else the page's address as the browser has it; else the request's
    Host header (port included); else localhost:8501."""
    environ = os.environ if environ is None else environ
    for name in (PUBLIC_URL_ENV, BASE_URL_ENV):
        configured = (environ.get(name) or "").strip()
        if configured:
            return configured.rstrip("/")
    if page_url:
        root = _root(page_url)
        if root:
            return root
    headers = headers or {}
    host = str(headers.get("Host") or headers.get("host") or "").strip()
    if host:
        scheme = str(headers.get("X-Forwarded-Proto") or "http").split(",")[0].strip()
        root = _root(f"{scheme}://{host}")
        if root:
            return root
    return DEFAULT_BASE_URL


def local_only(base: str) -> bool:
    """Whether an address names this machine only (localhost, 127.x, ::1): a phone cannot
    reach it."""
    host = urllib.parse.urlsplit(base).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def local_warning(base: str) -> str:
    host = urllib.parse.urlsplit(base).hostname or base
    return (
        f"These links name {host}, this computer: they open only in a browser on this machine, "
        "not on your phone. Open the app at an address your phone reaches (this computer's "
        "network name or IP address), or have the server set "
        f"{PUBLIC_URL_ENV} to its public address."
    )


def feed_hint(feed: str) -> str:
    """How to subscribe by hand, naming the link by its real scheme."""
    scheme = urllib.parse.urlsplit(feed).scheme
    kind = "https link" if scheme == "https" else "link"
    return (
        "On a phone: scan the code, or open the webcal:// link, and accept the calendar "
        "subscription. Google Calendar on the web: Other calendars > From URL, with the "
        f"{kind} {feed}."
    )
