"""Saved seasons in the app (AppTest) on SQLite and PostgreSQL: save, reopen by link in a new
session with marks and undo history, undo, two tabs, rotate, delete, and a dead link."""

from __future__ import annotations

import datetime as dt

import pytest
from test_app import SHORT_WEEKS, click, current_plan, loaded, new_app, pick_day, set_today, texts

from planner.store import DATABASE_URL_ENV, SeasonNotFound, load_season, open_store
from planner.ui import season_panel, state


@pytest.fixture
def store(database_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    return open_store(database_url)


def saved_app(name: str = "Winter block"):
    at = loaded(weeks=SHORT_WEEKS)
    at.text_input(key=season_panel.NAME).set_value(name)
    click(at, "season_save")
    token = at.query_params.get("season")
    token = token[0] if isinstance(token, list) else token
    assert token, "saving gives the page a ?season= link"
    return at, token


def reopened(token: str):
    at = new_app()
    at.query_params["season"] = token
    at.run()
    assert not at.exception, at.exception
    return at


def test_save_replan_and_reopen_by_link_restores_everything(store) -> None:
    at, token = saved_app()
    season = load_season(store, token)
    assert season.name == "Winter block" and season.weeks == SHORT_WEEKS
    assert [v.origin for v in season.history] == ["first plan"]
    assert "/?season=" + token in texts(at) or any(token in c.value for c in at.code)

    before = current_plan(at)
    today = before.start + dt.timedelta(days=14)
    set_today(at, today)
    blocked = next(s for s in before.sessions if s.date >= today)
    pick_day(at, blocked.date)
    click(at, "mark_block")
    assert load_season(store, token).marks.blocks == [blocked.date]  # marks saved at once
    click(at, "replan")
    season = load_season(store, token)
    assert [v.origin for v in season.history] == ["first plan", "re-plan"]
    replanned = season.plan()
    assert replanned.session_on(blocked.date) is None

    # A refresh, another device, a server restart: a new session opening the link.
    other = reopened(token)
    assert current_plan(other).sessions == replanned.sessions
    assert other.session_state[state.MARKS]["blocks"] == [blocked.date.isoformat()]
    assert other.number_input(key=state.WEEKS).value == SHORT_WEEKS
    assert not other.button(key="replan_back").disabled  # the undo history came back too
    assert len(load_season(store, token).history) == 2  # opening wrote nothing

    click(other, "replan_back")
    assert current_plan(other).sessions == before.sessions
    assert [v.number for v in load_season(store, token).history] == [1]


def test_two_tabs_never_lose_a_mark(store) -> None:
    at, token = saved_app()
    tab_1, tab_2 = reopened(token), reopened(token)
    plan = current_plan(tab_1)
    day_1, day_2 = plan.sessions[2].date, plan.sessions[3].date
    pick_day(tab_1, day_1)
    pick_day(tab_2, day_2)
    click(tab_1, "mark_block")
    click(tab_2, "mark_pin")  # tab 2 had not seen tab 1's mark: refused and re-read
    season = load_season(store, token)
    assert season.marks.blocks == [day_1] and season.marks.pins == []
    assert any("changed in another tab" in t.value for t in tab_2.toast)
    assert tab_2.session_state[state.MARKS]["blocks"] == [day_1.isoformat()]
    assert tab_2.session_state[state.MARKS]["pins"] == []
    pick_day(tab_2, day_2)
    click(tab_2, "mark_pin")  # applied again on the season it re-read: both marks kept
    season = load_season(store, token)
    assert season.marks.blocks == [day_1] and season.marks.pins == [day_2]
    pick_day(tab_1, day_1)  # tab 1 takes the newer season without losing anything
    assert tab_1.session_state[state.MARKS]["pins"] == [day_2.isoformat()]


def test_rotate_and_delete_from_the_app(store) -> None:
    at, token = saved_app()
    click(at, "season_rotate")  # asks first: nothing happens before the confirmation
    assert load_season(store, token).name == "Winter block"
    assert any("subscribe again" in w.value for w in at.warning)
    click(at, "season_confirm_cancel")
    assert not _has(at, "season_rotate_confirm")
    click(at, "season_rotate")
    click(at, "season_rotate_confirm")
    fresh = at.query_params.get("season")
    fresh = fresh[0] if isinstance(fresh, list) else fresh
    assert fresh and fresh != token
    with pytest.raises(SeasonNotFound):
        load_season(store, token)
    dead = reopened(token)
    assert any("does not open a season" in e.value for e in dead.error)
    assert not dead.query_params.get("season")
    click(at, "season_delete")
    assert load_season(store, fresh).name == "Winter block"
    click(at, "season_delete_confirm")
    with pytest.raises(SeasonNotFound):
        load_season(store, fresh)
    assert not at.query_params.get("season")


def _has(at, key: str) -> bool:
    try:
        at.button(key=key)
    except KeyError:
        return False
    return True


def test_qr_code_is_drawn_locally() -> None:
    png = season_panel.qr_png("webcal://example.org/feed/abc.ics")
    assert png.startswith(b"\x89PNG")


def test_a_setting_change_is_saved_and_keeps_uids_for_the_feed(store) -> None:
    from planner.seasons import feed_ics
    from planner.store import feed_plan
    from planner.ui.fields import field_key

    at, token = saved_app()
    before = load_season(store, token).plan()
    data_before, _ = feed_ics(feed_plan(store, token))
    at.toggle(key=state.SHOW_ALL_RULES).set_value(True).run()
    knob = at.number_input(key=field_key("availability", "max_session_minutes"))
    knob.set_value(knob.value - 10)
    click(at, "submit")
    season = load_season(store, token)
    assert [v.origin for v in season.history] == ["first plan", "setting change"]
    assert season.config.params("availability").max_session_minutes == knob.value
    after = season.plan()
    assert after.sessions != before.sessions
    old = {s.uid: s for s in before.sessions}
    kept = [s for s in after.sessions if s.uid in old]
    assert len(kept) >= len(before.sessions) - 2  # the same sessions, not new identities
    assert all(s.sequence > old[s.uid].sequence for s in kept if s.minutes != old[s.uid].minutes)
    assert current_plan(at).sessions == after.sessions  # the page shows the plan as stored
    assert at.button(key="replan_back").disabled  # undo stays within one set of settings
    data_after, _ = feed_ics(feed_plan(store, token))
    assert data_after != data_before
    reopened_app = reopened(token)  # and opening the link again writes nothing
    assert current_plan(reopened_app).sessions == after.sessions
    assert len(load_season(store, token).history) == 2


def test_a_link_opens_its_own_season_only(store) -> None:
    _, token_a = saved_app("Alpha athlete")
    _, token_b = saved_app("Bravo athlete")
    page_a = texts(reopened(token_a))
    assert "Alpha athlete" in page_a and "Bravo athlete" not in page_a
    page_b = texts(reopened(token_b))
    assert "Bravo athlete" in page_b and "Alpha athlete" not in page_b


def test_a_calendar_by_url_is_fetched_saved_and_refreshed(
    store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from local_http import serving
    from season_data import season_ics

    from planner.importers.remote import ALLOW_PRIVATE_ENV

    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    files = {"/secret-abc/cal.ics": season_ics()}
    with serving(files) as root:
        at = loaded(weeks=SHORT_WEEKS)
        at.text_input(key=season_panel.URL_INPUT).set_value(root + "/secret-abc/cal.ics")
        click(at, "season_fetch")
        token = at.query_params.get("season")
        token = token[0] if isinstance(token, list) else token
        assert token
        season = load_season(store, token)
        assert season.source.url == root + "/secret-abc/cal.ics"
        page = texts(at) + " ".join(c.value for c in at.caption)
        assert "last fetched" in page and "secret-abc" not in page  # the host, not the secret
        files["/secret-abc/cal.ics"] = season_ics("Threshold")
        click(at, "season_refresh")
    season = load_season(store, token)
    assert season.current().origin == "calendar refresh"
    assert b"Threshold" in season.source.data
    assert any("Threshold intervals" in e.title for e in season.plan().events)
    assert any("Calendar refreshed" in s.value for s in at.success)


def test_the_athlete_profile_comes_back_with_the_link(store) -> None:
    from planner.catalog import load_catalog

    chain = load_catalog().chains[0]
    at = loaded(weeks=SHORT_WEEKS)
    at.selectbox(key=state.EXPERIENCE).set_value("advanced")
    at.number_input(key=state.level_key(chain.id)).set_value(2)
    click(at, "submit")
    at.text_input(key=season_panel.NAME).set_value("Advanced athlete")
    click(at, "season_save")
    token = at.query_params.get("season")
    token = token[0] if isinstance(token, list) else token
    season = load_season(store, token)
    assert season.profile.experience.value == "advanced"
    assert season.profile.start_levels[chain.id] == 2
    other = reopened(token)
    assert other.selectbox(key=state.EXPERIENCE).value == "advanced"
    assert other.number_input(key=state.level_key(chain.id)).value == 2
    assert current_plan(other).sessions == season.plan().sessions
    assert len(load_season(store, token).history) == 1


def test_a_new_plan_length_is_saved_with_the_season(store) -> None:
    at, token = saved_app()
    at.number_input(key=state.WEEKS).set_value(SHORT_WEEKS + 2)
    click(at, "submit")
    season = load_season(store, token)
    assert season.weeks == SHORT_WEEKS + 2
    assert season.plan().end == season.start + dt.timedelta(weeks=SHORT_WEEKS + 2, days=-1)
    other = reopened(token)
    assert other.number_input(key=state.WEEKS).value == SHORT_WEEKS + 2
    assert current_plan(other).sessions == season.plan().sessions
