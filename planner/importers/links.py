"""A calendar link as pasted (TrainingPeaks, intervals.icu, Google's secret address), checked and
made ready to fetch.

Only http, https and webcal(s) links are taken (webcal is https, as calendar apps read it); a
path, a file:// link or any other scheme is refused in one line without being opened. Spaces and
other characters a URL may not carry are percent-encoded; `user:password@` becomes HTTP basic
authentication. The path and query are often the secret (a private token), and so is the
password: messages show a link only as `shown` (scheme and host).
"""

from __future__ import annotations

import base64
import ipaddress
import re
import urllib.parse
from dataclasses import dataclass, replace

from planner.errors import CalendarError

WHERE = "calendar link"
SCHEMES = {"http": "http", "https": "https", "webcal": "https", "webcals": "https"}
DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters kept as they are in a path or query (RFC 3986 pchar, '%' for existing escapes).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


def _refused(message: str, hint: str | None = None) -> CalendarError:
    return CalendarError(message, where=WHERE, hint=hint)


def is_url(text: str) -> bool:
    """True when `text` is meant as a link: a scheme a calendar link may have, or any
    `scheme://` (a mistyped scheme is refused as a link, not looked up as a file)."""
    match = _SCHEME.match(text)
    return bool(match) and (match.group(1).lower() in SCHEMES or text[match.end() :][:2] == "//")


@dataclass(frozen=True)
class Link:
    scheme: str  # "http" or "https"
    host: str  # ASCII (IDNA) host name, or an IP address without brackets
    port: int | None
    target: str  # the percent-encoded path and query
    username: str | None = None
    password: str | None = None

    @property
    def authority(self) -> str:
        """host[:port] as the Host header and a URL write it (IPv6 in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = self.port is None or self.port == DEFAULT_PORTS[self.scheme]
        return host if default else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """The link to store and fetch again: credentials kept, fragment dropped."""
        userinfo = ""
        if self.username is not None:
            userinfo = urllib.parse.quote(self.username, safe="")
            if self.password is not None:
                userinfo += ":" + urllib.parse.quote(self.password, safe="")
            userinfo += "@"
        return f"{self.scheme}://{userinfo}{self.authority}{self.target}"

    @property
    def shown(self) -> str:
        """The link as messages and logs show it: scheme and host, never path, query or
        credentials."""
        return f"{self.scheme}://{self.authority}/…"

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host, self.port or DEFAULT_PORTS[self.scheme]

    def basic_auth(self) -> bytes | None:
        """The Authorization header's value for `user:password@`, or None."""
        if self.username is None:
            return None
        pair = f"{self.username}:{self.password or ''}".encode()
        return b"Basic " + base64.b64encode(pair)

    def follow(self, location: str) -> Link:
        """The link a redirect's Location points to; credentials go only to the same origin."""
        target = parse_link(urllib.parse.urljoin(f"{self.scheme}://{self.authority}/", location))
        if target.username is None and target.origin == self.origin:
            return replace(target, username=self.username, password=self.password)
        return target


def _host(parts: urllib.parse.SplitResult) -> str:
    host = parts.hostname or ""
    if not host:
        raise _refused("the link has no host name", "paste the whole link, starting with https://")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        ascii_host = ""
    if not ascii_host or not all(_LABEL.fullmatch(label) for label in ascii_host.split(".")):
        raise _refused("the link's host name is not valid", "check the link you pasted")
    return ascii_host


def parse_link(text: str) -> Link:
    """The calendar link in `text`, or a CalendarError saying what the field takes. The message
    never quotes the link (its path, query or password may be secret)."""
    text = text.strip()
    match = _SCHEME.match(text)
    scheme = SCHEMES.get(match.group(1).lower()) if match else None
    if scheme is None:
        raise _refused(
            "this cannot be fetched: a calendar link starts with http://, https:// or webcal://",
            "paste the private iCal link your calendar app shows",
        )
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError:  # an unclosed IPv6 bracket, a port that is not a number
        raise _refused(
            "the link's host or port is not valid", "check the link you pasted"
        ) from None
    if port == 0:
        raise _refused("the link's port is not valid", "check the link you pasted")
    path = urllib.parse.quote(parts.path or "/", safe=_PATH_SAFE)
    if not path.startswith("/"):
        path = "/" + path
    query = urllib.parse.quote(parts.query, safe=_QUERY_SAFE)
    unquote = urllib.parse.unquote
    return Link(
        scheme=scheme,
        host=_host(parts),
        port=port,
        target=path + (f"?{query}" if query else ""),
        username=None if parts.username is None else unquote(parts.username),
        password=None if parts.password is None else unquote(parts.password),
    )


def normalise(text: str) -> str:
    """The http(s) URL for the link in `text` (webcal -> https, unsafe characters encoded)."""
    return parse_link(text).url


def shown(url: str) -> str:
    """`url` as messages show it: scheme and host only."""
    try:
        return parse_link(url).shown
    except CalendarError:
        return "the link"
