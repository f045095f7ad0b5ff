"""The live iCal feed: `GET /feed/TOKEN.ics`, served by the app's own server through `st.App`.

Thin on purpose: token in, store lookup, the existing iCal export, bytes out. ETag and
Last-Modified let a polling phone get a 304 instead of the calendar; an unknown, rotated or
deleted token is a bare 404 that does not say whether it ever existed; a store that cannot be
used is a bare 503 (the server's log says why).

HTTP dates count whole seconds and a season can change twice in one: If-Modified-Since is
compared with the full-precision change time, and Last-Modified names the second after the
change only once that second is over (else the change's own second), so a client never holds a
date that a later change in the same second would fall under.

Fast on purpose (many phones poll many seasons): one small query tells the season's feed version
(plan number, export options, last change) without reading the plan, and the rendered bytes are
kept in memory per version, so a warm request is that query plus a dictionary look-up. The bytes
depend on the version only (see `seasons.feed_ics`), so every replica serves the same ETag.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import logging
import threading
from collections import OrderedDict
from typing import NamedTuple

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from planner.seasons import feed_ics
from planner.store import (
    FeedHead,
    SeasonNotFound,
    StoreUnavailable,
    feed_head,
    feed_plan_of,
    open_store,
)

log = logging.getLogger(__name__)

MEDIA_TYPE = "text/calendar; charset=utf-8"
# Phones poll every 15 min to a few hours; let them revalidate rather than trust a stale copy.
CACHE_CONTROL = "private, no-cache"
# A write in flight when a response goes out may commit a change time this much before it.
SETTLE = dt.timedelta(seconds=2)
UNAVAILABLE = object()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


CACHED_FEEDS = 512  # rendered feeds kept (one per season version): ~70 KB each for 20 weeks


class Rendered(NamedTuple):
    """A feed version's bytes and ETag, plain and gzip-compressed (compressed once, not per
    request: compressing 60 KB was a sixth of a warm request's server time)."""

    data: bytes
    etag: str
    gzipped: bytes
    gzip_etag: str


_rendered: OrderedDict[tuple, Rendered] = OrderedDict()
_rendered_lock = threading.Lock()


def _render(feed) -> Rendered:  # noqa: ANN001 - a FeedPlan
    data, etag = feed_ics(feed)
    # mtime=0: the same bytes on every replica, so the compressed ETag is shared too
    return Rendered(data, etag, gzip.compress(data, 6, mtime=0), etag[:-1] + '-gzip"')


def _version(head: FeedHead) -> tuple:
    return (head.season_id, head.plan_number, head.updated_at, head.uid_scope, head.export_json)


def _answer(token: str) -> tuple[FeedHead, Rendered] | object | None:
    """The season's feed version and its rendered bytes; None for a token that opens no season,
    UNAVAILABLE when the store cannot be used."""
    try:
        store = open_store()
        head = feed_head(store, token)
        key = _version(head)
        with _rendered_lock:
            hit = _rendered.get(key)
            if hit is not None:
                _rendered.move_to_end(key)
        if hit is None:
            hit = _render(feed_plan_of(store, head))
            with _rendered_lock:
                _rendered[key] = hit
                while len(_rendered) > CACHED_FEEDS:
                    _rendered.popitem(last=False)
        return head, hit
    except SeasonNotFound:
        return None
    except StoreUnavailable as exc:
        log.error("feed: %s", exc)
        return UNAVAILABLE


def last_modified(changed: dt.datetime, now: dt.datetime) -> dt.datetime:
    """The whole second to send as Last-Modified for a change at `changed` (see the module)."""
    floor = changed.replace(microsecond=0)
    ceiling = floor if changed == floor else floor + dt.timedelta(seconds=1)
    return ceiling if ceiling + SETTLE <= now else floor


def _accepts_gzip(request: Request) -> bool:
    for coding in request.headers.get("accept-encoding", "").split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip().lower() == "gzip":
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _not_modified(request: Request, etags: tuple[str, ...], modified: dt.datetime) -> bool:
    """Whether the client's copy is current; `etags`: this version's (either encoding's)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or any(etag in tags for etag in etags)
    since = request.headers.get("if-modified-since")
    if since:
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return modified <= when  # full precision: a change later in the same second is newer
    return False


async def feed(request: Request) -> Response:
    token = request.path_params["token"]
    found = await run_in_threadpool(_answer, token)
    if found is None:
        return PlainTextResponse("Not found", status_code=404)
    if found is UNAVAILABLE or not isinstance(found, tuple):
        return PlainTextResponse("Unavailable", status_code=503)
    head, rendered = found
    gzipped = _accepts_gzip(request)
    etag = rendered.gzip_etag if gzipped else rendered.etag
    stamp = last_modified(head.updated_at.astimezone(dt.UTC), _now())
    headers = {
        "ETag": etag,
        "Last-Modified": email.utils.format_datetime(stamp, True),
        "Cache-Control": CACHE_CONTROL,
        "Vary": "Accept-Encoding",
    }
    if _not_modified(request, (rendered.etag, rendered.gzip_etag), head.updated_at):
        return Response(status_code=304, headers=headers)
    if gzipped:  # already compressed: the server's gzip middleware passes it through
        headers["Content-Encoding"] = "gzip"
        return Response(rendered.gzipped, media_type=MEDIA_TYPE, headers=headers)
    return Response(rendered.data, media_type=MEDIA_TYPE, headers=headers)


def feed_routes() -> list[BaseRoute]:
    """The routes `app.py` hands to `st.App`."""
    return [Route("/feed/{token}.ics", feed, methods=["GET", "HEAD"])]
