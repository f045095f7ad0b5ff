"""The network under a calendar fetch: one deadline for everything, and connections only to
addresses that were checked.

httpcore (the HTTP/1.1 engine under httpx) asks a network backend for its connections; this
backend resolves the host once, refuses it unless every address is public (see `addresses`),
connects to those addresses (not to the name again, so a DNS answer that changes between check
and connect, DNS rebinding, reaches nothing private) and hands back streams whose every read,
write and TLS handshake waits at most the time left before the deadline. A server that trickles
its headers or body one byte at a time is cut off at the deadline, not at a per-read timeout.
The Host header, TLS SNI and the certificate check keep the host name (httpcore sets them).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore

from planner.errors import CalendarError
from planner.importers.addresses import is_public

ALLOW_PRIVATE_ENV = "PLANNER_ALLOW_PRIVATE_URLS"


class Deadline:
    """A point in time that a whole fetch must end by."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self._end

    def left(self, error: type[Exception] = httpcore.ReadTimeout) -> float:
        """Seconds left, or `error` when none are."""
        left = self._end - time.monotonic()
        if left <= 0:
            raise error(f"the deadline of {self.seconds:g} s passed")
        return left


def lookup(host: str, port: int, deadline: Deadline) -> list[str]:
    """The addresses of `host`, looked up within the deadline (getaddrinfo has no timeout of
    its own: the lookup runs in a thread of its own that is left to finish by itself)."""
    found: list[Any] = []
    done = threading.Event()
    # bound now: a test's fake resolver is patched in for this lookup only
    resolve = socket.getaddrinfo

    def run() -> None:
        with contextlib.suppress(OSError, UnicodeError):
            found.extend(resolve(host, port, proto=socket.IPPROTO_TCP))
        done.set()

    threading.Thread(target=run, name="calendar-dns", daemon=True).start()
    if not done.wait(deadline.left(httpcore.ConnectTimeout)):
        raise httpcore.ConnectTimeout(f"the host name was not found within {deadline.seconds:g} s")
    return list(dict.fromkeys(info[4][0] for info in found))


def checked_addresses(host: str, port: int, deadline: Deadline, private_ok: bool) -> list[str]:
    """The addresses to connect to for `host`, all public unless `private_ok`; a CalendarError
    (no `where`: the caller knows the link) when the host is unknown or one address is not
    public."""
    addresses = lookup(host, port, deadline)
    if not addresses:
        raise CalendarError(f"the host {host} cannot be found", hint="check the link")
    if not private_ok:
        for text in addresses:
            address = ipaddress.ip_address(text.split("%")[0])
            if not is_public(address) or "%" in text:
                raise CalendarError(
                    f"the link points to a private or local address ({address})",
                    hint=f"use a public link, or set {ALLOW_PRIVATE_ENV}=1 on a trusted server",
                )
    return addresses


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads, writes and TLS handshake wait at most until the deadline
    (CPython bounds a whole TLS handshake or record read by the socket timeout it starts with)."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.left(httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = self._deadline.left(httpcore.ConnectTimeout)
        return DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, left), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """Connections to checked addresses only (in the resolver's order, as a connect by name
    would try them), each stream bound by the deadline."""

    def __init__(self, deadline: Deadline, *, private_ok: bool) -> None:
        self.deadline = deadline
        self.private_ok = private_ok
        self._tcp = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = checked_addresses(host, port, self.deadline, self.private_ok)
        error: Exception | None = None
        for address in addresses:
            try:
                stream = self._tcp.connect_tcp(
                    address,
                    port,
                    timeout=self.deadline.left(httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return DeadlineStream(stream, self.deadline)
        assert error is not None  # `checked_addresses` never returns an empty list
        raise error

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("calendar links are fetched over TCP only")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, self.deadline.left(httpcore.ConnectTimeout)))
