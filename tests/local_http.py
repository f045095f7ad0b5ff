"""A local HTTP(S) server for the tests that fetch calendars by URL."""

from __future__ import annotations

import contextlib
import http.server
import ssl
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def serving(
    files: dict[str, bytes],
    *,
    redirects: dict[str, str] | None = None,
    seen: list[tuple[str, str]] | None = None,
    tls: ssl.SSLContext | None = None,
) -> Iterator[str]:
    """A local server answering GET path -> bytes, path -> 302 to `redirects[path]`, else 404.

    `seen` collects (path, Host header) of every request; `tls` serves HTTPS with that context.
    """

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            if seen is not None:
                seen.append((self.path, self.headers.get("Host", "")))
            if redirects and self.path in redirects:
                self.send_response(302)
                self.send_header("Location", redirects[self.path])
                self.end_headers()
                return
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if tls is not None else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
