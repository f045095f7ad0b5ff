"""The live iCal feed: `GET /feed/TOKEN.ics`, served by the app's own server through `st.App`.

Thin on purpose: token in, store lookup, the existing iCal export, bytes out. ETag and
Last-Modified let a polling phone get a 304 instead of the calendar; an unknown, rotated or
deleted token is a bare 404 that does not say whether it ever existed.

Fast on purpose (many phones poll many seasons): one small query tells the season's feed version
(plan number, export options, last change) without reading the plan, and the rendered bytes are
kept in memory per version, so a warm request is that query plus a dictionary look-up. The bytes
depend on the version only (see `seasons.feed_ics`), so every replica serves the same ETag.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import threading
from collections import OrderedDict

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from planner.seasons import feed_ics
from planner.store import FeedHead, SeasonNotFound, feed_head, feed_plan_of, open_store

log = logging.getLogger(__name__)

MEDIA_TYPE = "text/calendar; charset=utf-8"
# Phones poll every 15 min to a few hours; let them revalidate rather than trust a stale copy.
CACHE_CONTROL = "private, no-cache"


CACHED_FEEDS = 512  # rendered feeds kept (one per season version): ~60 KB each for 20 weeks

_rendered: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
_rendered_lock = threading.Lock()


def _version(head: FeedHead) -> tuple:
    return (head.season_id, head.plan_number, head.updated_at, head.uid_scope, head.export_json)


def _answer(token: str) -> tuple[FeedHead, bytes, str] | None:
    """The season's feed version, bytes and ETag; None for a token that opens no season."""
    store = open_store()
    try:
        head = feed_head(store, token)
    except SeasonNotFound:
        return None
    key = _version(head)
    with _rendered_lock:
        hit = _rendered.get(key)
        if hit is not None:
            _rendered.move_to_end(key)
    if hit is None:
        hit = feed_ics(feed_plan_of(store, head))
        with _rendered_lock:
            _rendered[key] = hit
            while len(_rendered) > CACHED_FEEDS:
                _rendered.popitem(last=False)
    return head, *hit


def _not_modified(request: Request, etag: str, modified: dt.datetime) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return modified.replace(microsecond=0) <= when
    return False


async def feed(request: Request) -> Response:
    token = request.path_params["token"]
    found = await run_in_threadpool(_answer, token)
    if found is None:
        return PlainTextResponse("Not found", status_code=404)
    head, data, etag = found
    headers = {
        "ETag": etag,
        "Last-Modified": email.utils.format_datetime(head.updated_at.astimezone(dt.UTC), True),
        "Cache-Control": CACHE_CONTROL,
    }
    if _not_modified(request, etag, head.updated_at):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=MEDIA_TYPE, headers=headers)


def feed_routes() -> list[BaseRoute]:
    """The routes `app.py` hands to `st.App`."""
    return [Route("/feed/{token}.ics", feed, methods=["GET", "HEAD"])]
