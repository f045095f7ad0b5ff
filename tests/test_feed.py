"""The live feed route on SQLite and PostgreSQL: the export's bytes, conditional requests, and a
404 that says nothing; then the real `streamlit run app.py` server serving it next to the app."""

from __future__ import annotations

import datetime as dt
import email.utils

import pytest
import requests
from season_data import START, WEEKS, feed_stamp, first_plan, season_source
from starlette.applications import Starlette
from starlette.testclient import TestClient

from planner import seasons
from planner.config import PlannerConfig
from planner.domain import AthleteProfile
from planner.export import ExportOptions, export_ical
from planner.feed import feed_routes
from planner.store import DATABASE_URL_ENV, Marks, load_season, open_store, rotate_token


@pytest.fixture
def store_and_client(database_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    with TestClient(Starlette(routes=feed_routes())) as client:
        yield open_store(database_url), client


def _new(store, export: ExportOptions | None = None) -> str:
    token, _ = seasons.create(
        store,
        season_source(),
        name="Feed",
        profile=AthleteProfile(),
        config=PlannerConfig(),
        start=START,
        weeks=WEEKS,
        export=export,
        plan=first_plan(),
    )
    return token


def test_the_feed_is_the_plans_ics_export_with_the_seasons_options(store_and_client) -> None:
    store, client = store_and_client
    options = ExportOptions(time=dt.time(6, 30), timezone="Europe/Berlin", reminder_minutes=30)
    token = _new(store, options)
    response = client.get(f"/feed/{token}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    scope = load_season(store, token).uid_scope  # the season's own UIDs (see test_seasons)
    stamp = feed_stamp(response.content)
    assert response.content == export_ical(first_plan(), options, stamp=stamp, uid_scope=scope)
    assert response.headers["etag"] and response.headers["last-modified"]
    assert client.head(f"/feed/{token}.ics").status_code == 200


def test_conditional_requests_get_304_until_the_plan_changes(
    store_and_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner import feed

    store, client = store_and_client
    token = _new(store)
    # Polled once the change's second is over (see the next test for a poll within it).
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    monkeypatch.setattr(feed, "_now", lambda: later)
    first = client.get(f"/feed/{token}.ics")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get(f"/feed/{token}.ics", headers={"If-None-Match": etag}).status_code == 304
    assert (
        client.get(f"/feed/{token}.ics", headers={"If-Modified-Since": modified}).status_code == 304
    )
    older = email.utils.format_datetime(
        email.utils.parsedate_to_datetime(modified) - dt.timedelta(seconds=1), True
    )
    assert client.get(f"/feed/{token}.ics", headers={"If-Modified-Since": older}).status_code == 200
    target = next(s for s in first_plan().sessions if s.date > START + dt.timedelta(days=14))
    seasons.replan_season(
        store, token, today=START + dt.timedelta(days=14), marks=Marks(blocks=[target.date])
    )
    changed = client.get(f"/feed/{token}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.content != first.content


def test_the_feed_is_the_same_whenever_and_wherever_it_is_rendered(store_and_client) -> None:
    """Replicas and re-renders give the same bytes and ETag (DTSTAMP is the season's last
    change, not the request's time), so a phone's ETag stays good; gzip is served compressed
    once, under its own ETag, and either ETag of the version gets a 304."""
    import gzip
    import time

    from planner import feed

    store, client = store_and_client
    token = _new(store)
    plain = client.get(f"/feed/{token}.ics", headers={"Accept-Encoding": "identity"})
    feed._rendered.clear()  # another replica, or this one after its cache let the feed go
    time.sleep(1.1)  # a second later: an export stamped "now" would differ
    again = client.get(f"/feed/{token}.ics", headers={"Accept-Encoding": "identity"})
    assert again.content == plain.content and again.headers["etag"] == plain.headers["etag"]
    assert "content-encoding" not in again.headers
    zipped = client.get(f"/feed/{token}.ics", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == plain.content  # the client decompressed it
    assert zipped.headers["etag"] != plain.headers["etag"]
    assert "Accept-Encoding" in zipped.headers["vary"]
    raw = client.get(f"/feed/{token}.ics", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in raw.headers
    for etag in (plain.headers["etag"], zipped.headers["etag"]):
        answer = client.get(f"/feed/{token}.ics", headers={"If-None-Match": etag})
        assert answer.status_code == 304
    assert gzip.decompress(feed._rendered[next(iter(feed._rendered))].gzipped) == plain.content


def test_a_change_in_the_same_second_is_never_a_stale_304(
    store_and_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client that sends only If-Modified-Since, polling between two changes that fall in one
    second, gets the second change."""
    from planner import feed
    from planner.store import repository

    store, client = store_and_client
    second = dt.datetime(2026, 12, 1, 12, 0, 0, tzinfo=dt.UTC)
    clock = {"store": second + dt.timedelta(milliseconds=100)}
    monkeypatch.setattr(repository, "utcnow", lambda: clock["store"])
    token = _new(store)
    monkeypatch.setattr(feed, "_now", lambda: second + dt.timedelta(milliseconds=300))
    first = client.get(f"/feed/{token}.ics")
    modified = first.headers["last-modified"]
    assert email.utils.parsedate_to_datetime(modified) <= second + dt.timedelta(milliseconds=300)
    clock["store"] = second + dt.timedelta(milliseconds=600)  # a re-plan in the same second
    target = next(s for s in first_plan().sessions if s.date > START + dt.timedelta(days=14))
    seasons.replan_season(
        store, token, today=START + dt.timedelta(days=14), marks=Marks(blocks=[target.date])
    )
    monkeypatch.setattr(feed, "_now", lambda: second + dt.timedelta(milliseconds=800))
    again = client.get(f"/feed/{token}.ics", headers={"If-Modified-Since": modified})
    assert again.status_code == 200 and again.content != first.content
    later = second + dt.timedelta(seconds=10)  # once the second is over, 304s come back
    monkeypatch.setattr(feed, "_now", lambda: later)
    settled = client.get(f"/feed/{token}.ics").headers["last-modified"]
    assert (
        client.get(f"/feed/{token}.ics", headers={"If-Modified-Since": settled}).status_code == 304
    )


def test_unknown_and_rotated_tokens_get_the_same_bare_404(store_and_client) -> None:
    store, client = store_and_client
    token = _new(store)
    other = _new(store, ExportOptions(calendar_name="Another athlete"))
    fresh = rotate_token(store, token)
    answers = [
        client.get(f"/feed/{path}.ics") for path in (token, "x" * 32, "nope", other[:-2] + "zz")
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1  # nothing tells a rotated token from a random one
    assert client.get(f"/feed/{fresh}.ics").status_code == 200
    assert b"Another athlete" in client.get(f"/feed/{other}.ics").content
    assert b"Another athlete" not in client.get(f"/feed/{fresh}.ics").content


def test_the_app_server_serves_the_feed_next_to_the_app(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from browser_app import running_app

    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    store = open_store(database_url)
    token = _new(store)
    with running_app(tmp_path / "server.log") as url:
        page = requests.get(url + "/", timeout=30)
        assert page.status_code == 200 and "<html" in page.text.lower()
        feed = requests.get(f"{url}/feed/{token}.ics", timeout=30)
        assert feed.status_code == 200
        scope = load_season(store, token).uid_scope
        stamp = feed_stamp(feed.content)
        expected = export_ical(first_plan(), ExportOptions(), stamp=stamp, uid_scope=scope)
        assert feed.content == expected
        assert requests.get(f"{url}/feed/{'a' * 32}.ics", timeout=30).status_code == 404
    assert token not in (tmp_path / "server.log").read_text(errors="replace")
