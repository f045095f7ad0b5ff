"""A saved season in the app when tabs and failures meet (AppTest, SQLite): a tab whose link was
rotated or deleted elsewhere, a drop after another tab's mark, one transaction per drop and per
undo, no false "changed in another tab" after one's own rotation."""

from __future__ import annotations

import datetime as dt

import pytest
from test_app import SHORT_WEEKS, click, current_plan, loaded, new_app, set_today, texts
from test_calendar_board import drop, free_target

from planner.store import DATABASE_URL_ENV, Marks, SeasonNotFound, load_season, open_store
from planner.store.database import close_all
from planner.ui import season_panel, state

TODAY = "2026-11-25"  # the plan starts on Monday 30 Nov 2026, whatever the real date


@pytest.fixture
def store(tmp_path, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{tmp_path / 'seasons.sqlite3'}"
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    monkeypatch.setenv("PLANNER_TODAY", TODAY)
    yield open_store(url)
    close_all()


def _token(at) -> str:
    token = at.query_params.get("season")
    return token[0] if isinstance(token, list) else token


def saved_app():
    at = loaded(weeks=SHORT_WEEKS)
    click(at, "season_save")
    token = _token(at)
    assert token
    return at, token


def reopened(token: str):
    at = new_app()
    at.query_params["season"] = token
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("action", ["season_rotate", "season_delete"])
@pytest.mark.parametrize("elsewhere", ["season_rotate", "season_delete"])
def test_a_tab_whose_link_died_elsewhere_says_so(store, action: str, elsewhere: str) -> None:
    at, token = saved_app()
    tab_2 = reopened(token)
    click(tab_2, action)  # tab 2 asks; meanwhile tab 1 rotates or deletes
    click(at, elsewhere)
    click(at, elsewhere + "_confirm")
    click(tab_2, action + "_confirm")  # no SeasonNotFound traceback: a plain message
    assert "no longer opens it" in texts(tab_2)
    assert not _token(tab_2)
    if elsewhere == "season_rotate":  # and the other tab's season is untouched
        assert load_season(store, _token(at)).name


def test_one_s_own_rotation_is_not_another_tab_s_change(store) -> None:
    at, token = saved_app()
    click(at, "season_rotate")
    click(at, "season_rotate_confirm")
    at.run()
    assert not at.exception
    assert "changed in another tab" not in texts(at)
    plan = current_plan(at)
    set_today(at, plan.start + dt.timedelta(days=7))
    assert "changed in another tab" not in texts(at)


def test_a_drop_after_another_tab_s_mark_is_refused_whole(store) -> None:
    """Tab 1 marks a past session done; tab 2, behind, drops a card: nothing of the drop is
    saved, and tab 2 shows the season as stored (tab 1's mark, no move)."""
    at, token = saved_app()
    tab_1, tab_2 = reopened(token), reopened(token)
    plan = current_plan(tab_1)
    today = plan.sessions[2].date
    done = plan.sessions[1].date
    set_today(tab_2, today)
    set_today(tab_1, today)
    tab_1.selectbox(key=state.DAY).set_value(done.isoformat()).run()
    click(tab_1, "mark_done")
    later = [s for s in plan.sessions if s.date > today]
    old, new = free_target(plan.model_copy(update={"sessions": later}))
    drop(tab_2, old, new)
    assert "that mark" not in " ".join(t.value for t in tab_2.toast)
    assert "your last change was not saved" in texts(tab_2)
    shown = current_plan(tab_2)  # the drop's own run shows the season as stored
    assert shown.session_on(old) is not None and shown.session_on(new) is None
    season = load_season(store, token)
    assert season.marks == Marks(done=[done])
    assert [v.origin for v in season.history] == ["first plan"]
    tab_2.run()
    assert shown.session_on(old) is not None and shown.session_on(new) is None
    assert tab_2.session_state[state.MARKS]["done"] == [done.isoformat()]
    assert tab_2.session_state[state.MARKS]["pins"] == []


def test_a_drop_and_its_undo_are_one_transaction_each(
    store, monkeypatch: pytest.MonkeyPatch
) -> None:
    at, token = saved_app()
    plan = current_plan(at)
    old, new = free_target(plan)

    def failing(*args, **kwargs):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patch:  # the drop's write fails: no pin or block saved alone
        patch.setattr(season_panel, "add_plan_version", failing)
        drop(at, old, new)
    at.run()
    season = load_season(store, token)
    assert season.marks == Marks() and len(season.history) == 1
    assert current_plan(at).session_on(old) is not None  # the page shows what is stored

    drop(at, old, new)
    season = load_season(store, token)
    assert season.marks == Marks(pins=[new], blocks=[old]) and len(season.history) == 2
    with monkeypatch.context() as patch:  # the undo's write fails: the move stays whole
        patch.setattr(season_panel, "undo_plan", failing)
        click(at, "undo_replan")
    at.run()
    season = load_season(store, token)
    assert season.marks == Marks(pins=[new], blocks=[old]) and len(season.history) == 2
    click(at, "undo_replan")  # and when it works, plan and marks go back together
    season = load_season(store, token)
    assert season.marks == Marks() and len(season.history) == 1
    with pytest.raises(SeasonNotFound):
        load_season(store, "x" * 32)


@pytest.mark.parametrize("url", ["notaurl", "postgresql://[::1"])
def test_a_store_setting_that_cannot_work_is_a_plain_message(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    monkeypatch.setenv("PLANNER_TODAY", TODAY)
    at = reopened("a" * 32)  # a season link
    assert any("Saved seasons are unavailable" in e.value for e in at.error)
    assert current_plan(at).sessions  # the planner works without the store
    click(at, "season_save")
    assert any("could not be saved" in e.value for e in at.error)
    assert not at.exception


def test_a_worse_refresh_is_held_in_the_app_then_applied_and_undone(
    store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from local_http import serving
    from test_seasons import _daily_ics

    from planner.importers.remote import ALLOW_PRIVATE_ENV

    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    files = {"/cal.ics": _daily_ics(40)}
    with serving(files) as root:
        at = loaded(weeks=SHORT_WEEKS)
        at.text_input(key=season_panel.URL_INPUT).set_value(root + "/cal.ics")
        click(at, "season_fetch")
        token = _token(at)
        before = load_season(store, token)
        files["/cal.ics"] = _daily_ics(2)
        click(at, "season_refresh")
        assert any("was not used" in w.value for w in at.warning)
        assert load_season(store, token).history == before.history  # nothing applied
        click(at, "season_refresh_accept")
    season = load_season(store, token)
    assert season.current().origin == "calendar refresh" and season.source.data == _daily_ics(2)
    assert any("Calendar refreshed" in s.value for s in at.success)
    click(at, "season_undo_refresh")
    season = load_season(store, token)
    assert season.source.data == _daily_ics(40) and season.current().origin == "first plan"
    assert "changed in another tab" not in texts(at)
