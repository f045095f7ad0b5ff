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


def _daily_ics(days: int) -> bytes:
    """An easy ride every day for `days` days from the season's start, and an A race."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:easy@test\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:20261130\r\nRRULE:FREQ=DAILY;COUNT={days}\r\n"
        "SUMMARY:Easy ride\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:race@test\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20270117\r\nSUMMARY:Winter classic (A)\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    ).encode()


def test_a_refresh_never_replaces_a_good_calendar_with_a_worse_read(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed fetch writes nothing; a read that lost most of what lies ahead is held back as a
    calendar version (season, plan and version unchanged) until accepted; an applied refresh
    keeps the calendar it replaced, and undoing it brings that calendar back."""
    from planner.store import calendar_version, undo_plan

    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    store = open_store(database_url)
    files = {"/cal.ics": _daily_ics(40)}
    with serving(files) as root:
        token, created = _new(store, seasons.source_from(root + "/cal.ics"))

        files.pop("/cal.ics")  # the link answers 404: an error, nothing written
        with pytest.raises(CalendarError):
            seasons.refresh(store, token, today=START)
        assert load_season(store, token) == created

        files["/cal.ics"] = _daily_ics(4)  # 4 rides and the race where 40 and the race were
        with pytest.raises(seasons.CalendarHeld, match="5 events") as held:
            seasons.refresh(store, token, today=START)
        season = load_season(store, token)
        assert season.version == created.version and season.history == created.history
        assert season.source == created.source
        assert [(c.state, c.events) for c in season.calendars] == [("held", 5)]
        assert held.value.number == season.calendars[0].number
        kept = calendar_version(store, token, held.value.number)  # what was read, to look at
        assert kept.data == _daily_ics(4) and kept.url == root + "/cal.ics"

        files["/cal.ics"] = _daily_ics(36)  # a calendar may shrink a little: applied
        season = seasons.refresh(store, token, today=START)
        assert season.current().origin == "calendar refresh"
        assert season.source.data == _daily_ics(36)
        previous = season.calendars[-1]
        assert (previous.state, previous.events) == ("previous", 41)
        assert previous.plan_number == season.current().number

        files["/cal.ics"] = _daily_ics(4)  # the athlete really cut it: applied when accepted
        season = seasons.refresh(store, token, today=START, accept_smaller=True)
        assert season.source.data == _daily_ics(4)
        assert season.source.url == root + "/cal.ics"

    season = undo_plan(store, token)  # the accepted refresh was wrong after all
    assert season.source.data == _daily_ics(36)
    assert [c.state for c in season.calendars] == ["held", "previous", "undone"]
    assert season.current().origin == "calendar refresh"
    season = undo_plan(store, token)
    assert season.source.data == _daily_ics(40) and season.current().origin == "first plan"


def test_a_refresh_keeps_the_athlete_s_review_edits(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.domain import Calendar, Kind, Priority
    from planner.store import update_season

    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    store = open_store(database_url)
    files = {"/cal.ics": season_ics()}
    with serving(files) as root:
        token, season = _new(store, seasons.source_from(root + "/cal.ics"))
        calendar = seasons.calendar_of(season.source)
        first = calendar.events[0]
        edited = [
            e.model_copy(update={"kind": Kind.race, "priority": Priority("C")}) if e == first else e
            for e in calendar.events
        ]
        calendar_json = calendar.model_copy(update={"events": edited}).model_dump_json()
        update_season(
            store, token, source=season.source.model_copy(update={"calendar_json": calendar_json})
        )
        crit = (  # the calendar gains a race: the refresh must read the new calendar
            b"BEGIN:VEVENT\r\nUID:crit@test\r\nDTSTAMP:20260101T000000Z\r\n"
            b"DTSTART;VALUE=DATE:20261219\r\nSUMMARY:Winter crit (B)\r\nEND:VEVENT\r\n"
        )
        files["/cal.ics"] = season_ics().replace(b"END:VCALENDAR", crit + b"END:VCALENDAR")
        season = seasons.refresh(store, token, today=START)
    refreshed = Calendar.model_validate_json(season.source.calendar_json)
    assert any(e.title.startswith("Winter crit") for e in season.plan().events)
    again = next(e for e in refreshed.events if (e.date, e.title) == (first.date, first.title))
    assert (again.kind, again.priority) == (Kind.race, Priority("C"))
