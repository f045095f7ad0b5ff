"""Saved seasons through their actions (planner.seasons) on SQLite and PostgreSQL: re-plans and
setting changes reach the feed with stable UIDs, a failed re-plan changes nothing, and a season
linked by URL refreshes from a local HTTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar as ICalendar
from local_http import serving
from season_data import START, WEEKS, first_plan, season_ics, season_source

from planner import seasons
from planner.config import PlannerConfig
from planner.domain import AthleteProfile
from planner.errors import CalendarError
from planner.export import ExportOptions, export_ical
from planner.export.ical import scoped_uid
from planner.importers.remote import ALLOW_PRIVATE_ENV
from planner.store import Marks, feed_plan, load_season, open_store

TODAY = START + dt.timedelta(days=14)


def _new(store, source=None, **changes):
    values = dict(
        name="Season",
        profile=AthleteProfile(),
        config=PlannerConfig(),
        start=START,
        weeks=WEEKS,
        plan=first_plan() if source is None else None,
    )
    values.update(changes)
    return seasons.create(store, source or season_source(), **values)


def feed_events(store, token: str) -> dict[str, tuple[dt.date, int]]:
    """UID -> (date, SEQUENCE) of the strength sessions in the season's feed."""
    data, _ = seasons.feed_ics(feed_plan(store, token))
    found = {}
    for event in ICalendar.from_ical(data).walk("VEVENT"):
        start = event.decoded("DTSTART")
        day = start.date() if isinstance(start, dt.datetime) else start
        found[str(event["UID"])] = (day, int(event.get("SEQUENCE", 0)))
    return found


def ics_uids(data: bytes) -> set[str]:
    return {str(event["UID"]) for event in ICalendar.from_ical(data).walk("VEVENT")}


def test_two_seasons_with_identical_plans_share_no_uid(database_url: str) -> None:
    store = open_store(database_url)
    with_training = ExportOptions(include_training=True)
    token_a, season_a = _new(store, export=with_training)
    token_b, season_b = _new(store, export=with_training)
    assert season_a.plan() == season_b.plan()
    uids_a = ics_uids(seasons.feed_ics(feed_plan(store, token_a))[0])
    uids_b = ics_uids(seasons.feed_ics(feed_plan(store, token_b))[0])
    plan = season_a.plan()
    assert len(uids_a) == len(uids_b) == len(plan.sessions) + len(plan.events)
    assert not uids_a & uids_b  # a phone subscribed to both keeps every event of each
    # a plain export (`planner plan --out x.ics`) keeps the plan's own UIDs
    assert {s.uid for s in plan.sessions} <= ics_uids(export_ical(plan, with_training))


def test_a_season_keeps_its_uids_across_replans_and_restarts(database_url: str) -> None:
    from planner.store.database import close_all

    store = open_store(database_url)
    token, season = _new(store)
    before = feed_events(store, token)
    season = seasons.replan_season(store, token, today=TODAY, marks=Marks(done=[START]))
    close_all()  # a server restart reads the scope back from the database
    after = feed_events(open_store(database_url), token)
    kept = {scoped_uid(e.uid, season.uid_scope) for e in season.plan().diff.kept}
    assert kept and kept <= set(before) & set(after)


def _first_future_session(plan):
    return next(s for s in plan.sessions if s.date > TODAY)


def test_a_replan_moves_the_feed_event_and_keeps_its_uid(database_url: str) -> None:
    store = open_store(database_url)
    token, season = _new(store)
    target = _first_future_session(season.plan())
    uid = scoped_uid(target.uid, season.uid_scope)  # the session's UID in this season's feed
    before = feed_events(store, token)
    assert before[uid] == (target.date, target.sequence)
    # The app's "Move": block the session's day and pin the next one.
    to = target.date + dt.timedelta(days=1)
    marks = Marks(blocks=[target.date], pins=[to], done=[START + dt.timedelta(1)])
    season = seasons.replan_season(store, token, today=TODAY, marks=marks)
    assert [p.origin for p in season.history] == ["first plan", "re-plan"]
    assert season.marks.blocks == [target.date] and season.marks.pins == [to]
    after = feed_events(store, token)
    assert after[uid] == (to, after[uid][1])  # the same event, on the new day
    assert after[uid][1] > target.sequence  # with a higher SEQUENCE
    assert all(day != target.date for day, _ in after.values())
    assert len(after) <= len(before)  # moved, not duplicated


def test_a_failed_replan_leaves_the_last_good_plan_and_marks(database_url: str) -> None:
    store = open_store(database_url)
    token, _ = _new(store)
    good = seasons.replan_season(store, token, today=TODAY, marks=Marks(done=[START]))
    feed_before = seasons.feed_ics(feed_plan(store, token))
    # Two pinned days in a row break the rest-days rule: no plan exists.
    pins = [TODAY + dt.timedelta(days=2), TODAY + dt.timedelta(days=3)]
    with pytest.raises(seasons.PlanFailed) as failure:
        seasons.replan_season(store, token, today=TODAY, marks=Marks(done=[START], pins=pins))
    assert failure.value.plan.status.value == "infeasible"
    assert load_season(store, token) == good
    assert seasons.feed_ics(feed_plan(store, token)) == feed_before


def test_setting_changes_replan_and_export_options_reach_the_feed(database_url: str) -> None:
    store = open_store(database_url)
    token, season = _new(store)
    stricter = PlannerConfig().with_rule("rest-days", min_rest_days=3)
    season = seasons.change_settings(store, token, today=TODAY, config=stricter)
    assert season.current().origin == "setting change"
    assert season.config.params("rest-days").min_rest_days == 3
    old_uids = {s.uid for s in first_plan().sessions}
    assert {s.uid for s in season.plan().sessions if s.date >= TODAY} <= old_uids | {
        e.uid for e in season.plan().diff.added
    }
    data, etag = seasons.feed_ics(feed_plan(store, token))
    season = seasons.change_settings(
        store, token, today=TODAY, export=ExportOptions(time=dt.time(6, 15))
    )
    assert len(season.history) == 2  # export options re-render; they do not re-plan
    data_2, etag_2 = seasons.feed_ics(feed_plan(store, token))
    assert etag_2 != etag and b"T061500" in data_2 and b"T061500" not in data


def test_a_season_linked_by_url_refreshes_with_the_smallest_change(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(database_url)
    files = {"/private/abc123/calendar.ics": season_ics()}
    with serving(files) as root:
        url = root + "/private/abc123/calendar.ics"
        with pytest.raises(CalendarError, match="private or local address"):
            seasons.source_from(url)  # loopback is refused unless configured
        monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
        source = seasons.source_from(url)
        assert source.url == url and source.data == season_ics()
        token, season = _new(store, source)
        fetched = season.source.fetched_at
        assert fetched is not None
        # The athlete's calendar gains a race in the plan's third week.
        race = (
            "BEGIN:VEVENT\r\nUID:crit@test\r\nDTSTAMP:20260101T000000Z\r\n"
            "DTSTART;VALUE=DATE:20261219\r\nSUMMARY:Winter crit (B)\r\nEND:VEVENT\r\n"
        )
        files["/private/abc123/calendar.ics"] = season_ics().replace(
            b"END:VCALENDAR", race.encode() + b"END:VCALENDAR"
        )
        season = seasons.refresh(store, token, today=START)
    assert season.current().origin == "calendar refresh"
    assert season.source.fetched_at > fetched
    assert b"Winter crit" in season.source.data
    plan = season.plan()
    assert any(e.title.startswith("Winter crit") for e in plan.events)
    assert plan.diff is not None
    kept = {e.uid for e in plan.diff.kept + plan.diff.moved}
    assert len(kept) >= len(first_plan().sessions) - 2  # most sessions survive with their UIDs


def test_an_uploaded_season_cannot_refresh(database_url: str) -> None:
    store = open_store(database_url)
    token, _ = _new(store)
    from planner.errors import InputError

    with pytest.raises(InputError, match="uploaded, not linked"):
        seasons.refresh(store, token, today=TODAY)
