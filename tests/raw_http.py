"""A raw-socket HTTP server for the fetch tests: each connection runs a script that writes what
it likes (trickled headers, a redirect with an endless body, a body cut short, broken chunks),
so the client meets the misbehaviour on a real socket."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator


class Connection:
    """One accepted connection: the request head, and a counted, stoppable way to send."""

    def __init__(self, sock: socket.socket, server: RawServer) -> None:
        self.sock = sock
        self.server = server
        self.head = b""

    def send(self, data: bytes) -> bool:
        """Send `data`; False once the client has gone (or the server stops)."""
        if self.server.stopping.is_set():
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        self.server.sent[self.path] = self.server.sent.get(self.path, 0) + len(data)
        return True

    def trickle(self, data: bytes, every_s: float, for_s: float) -> None:
        """Send `data` one byte at a time, one every `every_s`, for at most `for_s` seconds."""
        end = time.monotonic() + for_s
        for byte in data:
            if time.monotonic() > end or not self.send(bytes([byte])):
                return
            time.sleep(every_s)

    @property
    def path(self) -> str:
        parts = self.head.split(b" ", 2)
        return parts[1].decode("latin-1").split("?")[0] if len(parts) > 2 else ""


Script = Callable[[Connection], None]


class RawServer:
    def __init__(self, scripts: dict[str, Script]) -> None:
        self.scripts = scripts
        self.sent: dict[str, int] = {}
        self.requests: list[bytes] = []
        self.stopping = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)  # so `serve` sees `stopping` (close does not wake accept)
        self.port = self.listener.getsockname()[1]
        self.root = f"http://127.0.0.1:{self.port}"

    def serve(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(sock,), daemon=True).start()

    def _handle(self, sock: socket.socket) -> None:
        connection = Connection(sock, self)
        with sock:
            sock.settimeout(10)  # accepted sockets do not inherit the listener's timeout
            try:
                while b"\r\n\r\n" not in connection.head and len(connection.head) < 65536:
                    data = sock.recv(4096)
                    if not data:
                        return
                    connection.head += data
            except OSError:
                return
            self.requests.append(connection.head)
            script = self.scripts.get(connection.path)
            if script is None:
                connection.send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                return
            script(connection)


@contextlib.contextmanager
def raw_server(scripts: dict[str, Script]) -> Iterator[RawServer]:
    """A server on 127.0.0.1 running `scripts[path]` for each request (404 for other paths)."""
    server = RawServer(scripts)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        thread.join(5)
        server.listener.close()


def answer(status: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
