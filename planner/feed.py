"""The live iCal feed: `GET /feed/TOKEN.ics`, served by the app's own server through `st.App`.

Thin on purpose: token in, store lookup, the existing iCal export, bytes out. ETag and
Last-Modified let a polling phone get a 304 instead of the calendar; an unknown, rotated or
deleted token is a bare 404 that does not say whether it ever existed; a store that cannot be
used is a bare 503 (the server's log says why).

HTTP dates count whole seconds and a season can change twice in one: If-Modified-Since is
compared with the full-precision change time, and Last-Modified names the second after the
change only once that second is over (else the change's own second), so a client never holds a
date that a later change in the same second would fall under.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from planner.seasons import feed_ics
from planner.store import FeedPlan, SeasonNotFound, StoreUnavailable, feed_plan, open_store

log = logging.getLogger(__name__)

MEDIA_TYPE = "text/calendar; charset=utf-8"
# Phones poll every 15 min to a few hours; let them revalidate rather than trust a stale copy.
CACHE_CONTROL = "private, no-cache"
# A write in flight when a response goes out may commit a change time this much before it.
SETTLE = dt.timedelta(seconds=2)
UNAVAILABLE = object()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _lookup(token: str) -> FeedPlan | object | None:
    try:
        return feed_plan(open_store(), token)
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
        return modified <= when  # full precision: a change later in the same second is newer
    return False


async def feed(request: Request) -> Response:
    token = request.path_params["token"]
    found = await run_in_threadpool(_lookup, token)
    if found is None:
        return PlainTextResponse("Not found", status_code=404)
    if found is UNAVAILABLE or not isinstance(found, FeedPlan):
        return PlainTextResponse("Unavailable", status_code=503)
    data, etag = await run_in_threadpool(feed_ics, found)
    stamp = last_modified(found.updated_at.astimezone(dt.UTC), _now())
    headers = {
        "ETag": etag,
        "Last-Modified": email.utils.format_datetime(stamp, True),
        "Cache-Control": CACHE_CONTROL,
    }
    if _not_modified(request, etag, found.updated_at):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=MEDIA_TYPE, headers=headers)


def feed_routes() -> list[BaseRoute]:
    """The routes `app.py` hands to `st.App`."""
    return [Route("/feed/{token}.ics", feed, methods=["GET", "HEAD"])]
