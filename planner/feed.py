"""The live iCal feed: `GET /feed/TOKEN.ics`, served by the app's own server through `st.App`.

Thin on purpose: token in, store lookup, the existing iCal export, bytes out. ETag and
Last-Modified let a polling phone get a 304 instead of the calendar; an unknown, rotated or
deleted token is a bare 404 that does not say whether it ever existed.
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
from planner.store import FeedPlan, SeasonNotFound, feed_plan, open_store

log = logging.getLogger(__name__)

MEDIA_TYPE = "text/calendar; charset=utf-8"
# Phones poll every 15 min to a few hours; let them revalidate rather than trust a stale copy.
CACHE_CONTROL = "private, no-cache"


def _lookup(token: str) -> FeedPlan | None:
    try:
        return feed_plan(open_store(), token)
    except SeasonNotFound:
        return None


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
    found = await run_in_threadpool(_lookup, token)
    if found is None:
        return PlainTextResponse("Not found", status_code=404)
    data, etag = await run_in_threadpool(feed_ics, found)
    headers = {
        "ETag": etag,
        "Last-Modified": email.utils.format_datetime(found.updated_at.astimezone(dt.UTC), True),
        "Cache-Control": CACHE_CONTROL,
    }
    if _not_modified(request, etag, found.updated_at):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=MEDIA_TYPE, headers=headers)


def feed_routes() -> list[BaseRoute]:
    """The routes `app.py` hands to `st.App`."""
    return [Route("/feed/{token}.ics", feed, methods=["GET", "HEAD"])]
