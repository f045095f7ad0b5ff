"""Issue 20 in the app's own words: a drop refused at once, in the athlete's words; exercise
names, not ids; a race's priority said once, the edited one; a setting that changes nothing says
why; saved plans counted in plain words.

AppTest runs the real page script; "today" is fixed (PLANNER_TODAY), so the demo's dates are.
"""

from __future__ import annotations

import datetime as dt
import logging

import icalendar
import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, current_plan

from planner.domain import Kind, Priority
from planner.export import ExportOptions, export_ical
from planner.plan import Plan, PlanEvent, Status
from planner.ui import state
from planner.ui.calendar_board import event_title
from planner.ui.fields import field_key
from planner.ui.text import md_escape
from planner.wording import race_label, race_title
from tests.helpers import make_instance, planned_session

TODAY = "2027-01-03"  # a Sunday: the plan starts Mon 04 Jan 2027
START = dt.date(2027, 1, 4)
WEEKS = 7  # through the demo's C race (Sun 14 Feb) and a week after it


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PLANNER_TODAY", TODAY)
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.number_input(key=state.WEEKS).set_value(WEEKS)
    app.button(key="submit").click().run()
    assert not app.exception, app.exception
    return app


def drop(at: AppTest, from_day: dt.date, to_day: dt.date) -> str:
    """What the board's callback does on a drop, then the full run; the page's errors."""
    at.session_state[state.DROP] = {
        "uid": "",
        "from": from_day.isoformat(),
        "to": to_day.isoformat(),
    }
    at.run()
    assert not at.exception, at.exception
    return " ".join(e.value for e in at.error)


CRIT = "C race (Winter crit series round 3)"
CLOSED_DAYS = [
    (dt.date(2027, 2, 14), f"Sun 14 Feb is your {CRIT}: no strength that day."),
    (dt.date(2027, 1, 28), "You are away on Thu 28 Jan (Christmas with family (no bike)): no "),
    (dt.date(2027, 2, 13), f"Sat 13 Feb is the day before your {CRIT} on Sun 14 Feb"),
]


@pytest.mark.parametrize(("to_day", "words"), CLOSED_DAYS)
def test_a_drop_on_a_closed_day_is_refused_at_once_in_the_athletes_words(
    at: AppTest, to_day: dt.date, words: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = current_plan(at)
    session = next(s for s in before.sessions if s.date < to_day - dt.timedelta(days=3))
    with caplog.at_level(logging.INFO, logger="planner"):
        errors = drop(at, session.date, to_day)
    assert md_escape(words) in errors, errors
    assert "switch off" not in errors and "race-day" not in errors
    assert not [r for r in caplog.records if "re-planned" in r.getMessage()]  # no solve
    assert current_plan(at).sessions == before.sessions


def test_board_conflicts_name_rules_by_title_and_never_offer_switching_safety_off() -> None:
    from planner.ui.drop_check import conflict_lines

    plan = Plan(
        start=START,
        end=START + dt.timedelta(days=6),
        status=Status.infeasible,
        conflicts=["Relax or switch off one of them: race-day, pins."],
        conflict_rules=["race-day", "pins"],
    )
    text = " ".join(conflict_lines(plan))
    assert "Race day and race week" in text
    assert "switch off" not in text and "race-day," not in text
    assert "remove a pin" in text and "pick another day" in text


# ----------------------------------------------------------------------------- names, not ids


def test_ical_titles_and_settings_name_exercises_not_ids(at: AppTest) -> None:
    plan = current_plan(at)
    parsed = icalendar.Calendar.from_ical(export_ical(plan))
    summaries = [str(e["SUMMARY"]) for e in parsed.walk("VEVENT")]
    first = plan.sessions[0]
    names = ", ".join(dict.fromkeys(e.name for e in first.exercises))
    expected = f"Strength - {len(first.exercises)} exercises, {first.minutes} min: {names}"
    assert expected in summaries, summaries[:3]
    chains = {e.chain for s in plan.sessions for e in s.exercises}
    listed = {name for line in summaries for name in line.split(": ", 1)[1].split(", ")}
    assert listed == {e.name for s in plan.sessions for e in s.exercises}
    assert not listed & chains
    # the card's title is the iCal title's start: they agree
    at.toggle(key=state.SHOW_ALL_RULES).set_value(True).run()
    eccentric = at.multiselect(key=field_key("key-session-spacing", "eccentric"))
    shown = [eccentric.format_func(v) for v in eccentric.value]
    assert shown == ["Glute bridge walkout", "Romanian deadlift"], shown
    core = at.multiselect(key=field_key("sport-emphasis", "ride_core"))
    assert [core.format_func(v) for v in core.value] == [
        "Adductor length and strength",
        "Glute bridge",
    ]


# ----------------------------------------------------------------------------- races said once


def test_a_race_badge_and_title_say_the_priority_once() -> None:
    day = START
    race = {"date": day, "sport": "ride", "kind": Kind.race}
    marked = PlanEvent(title="A-race: Gran Fondo Dolomiti", priority=Priority.A, **race)
    assert event_title(marked) == "A race · Gran Fondo Dolomiti"
    edited = PlanEvent(title="Criterium race (C)", priority=Priority.B, **race)
    assert event_title(edited) == "B race · Criterium race"
    assert race_label(edited.title, "B") == "'Criterium race', a B race"
    assert race_title(edited.title, "B") == "Criterium race (B)"


def test_an_edited_priority_wins_in_the_sessions_why() -> None:
    from planner.explain import session_reasons

    inst = make_instance([(2, "hard", None, "Tempo ride"), (4, "race", "B", "Criterium race (C)")])
    session = planned_session(inst, 2, [])
    reasons = " ".join(session_reasons(inst, [session], session))
    assert "(C)" not in reasons, reasons
    assert "'Criterium race', a B race" in reasons or "'Criterium race' (B race)" in reasons


def test_an_edited_priority_wins_in_the_ical_export(at: AppTest) -> None:
    race = dt.date(2027, 2, 14)
    plan = current_plan(at)
    edited = [
        e.model_copy(update={"priority": Priority.B}) if e.date == race else e for e in plan.events
    ]
    options = ExportOptions(include_training=True)
    data = export_ical(plan.model_copy(update={"events": edited}), options).decode()
    assert "SUMMARY:Winter crit series round 3\r\n" in data
    assert not [line for line in data.splitlines() if line.startswith("SUMMARY") and "(C)" in line]


# ----------------------------------------------------------------------------- review table


def open_tab(at: AppTest, name: str) -> AppTest:
    at.session_state[state.MAIN_TAB] = next(label for label in state.TABS if label.endswith(name))
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_review_table_filters_by_kind_and_leaves_unknown_minutes_blank(at: AppTest) -> None:
    assert not at.data_editor  # not drawn on the first screen: its grid code is the heaviest
    open_tab(at, "Review events")
    everything = at.data_editor[0].value
    assert everything["minutes"].isna().any()  # the demo has events without a duration
    assert str(everything["minutes"].dtype) == "Int64"  # blank cells, not the text 'None'
    at.session_state["review_filter"] = "Races"
    at.run()
    races = at.data_editor[0].value
    assert set(races["kind"]) == {"race"} and 0 < len(races) < len(everything)
    at.session_state["review_filter"] = "Away days"
    at.run()
    assert set(at.data_editor[0].value["kind"]) == {"unavailable"}
    # an edit in a filtered table reaches the event it shows, and the plan
    race_day = races["date"].iloc[0]
    at.session_state["review_filter"] = "Races"
    at.run()
    key = next(w.key for w in at.data_editor)
    edit = {"edited_rows": {0: {"priority": "A"}}, "added_rows": [], "deleted_rows": []}
    at.session_state[key] = edit
    at.run()
    assert not at.exception, at.exception
    race = next(e for e in current_plan(at).events if e.date == race_day)
    assert race.priority == Priority.A


# ----------------------------------------------------------------------------- no race


NO_RACES = (
    "date,title,sport,kind,duration_min\n"
    + "".join(f"2027-01-{d:02d},Endurance ride,ride,easy,90\n" for d in (5, 12, 19, 26))
    + "2027-02-14,Big day out,ride,long,330\n"
)


def test_a_calendar_without_races_says_so_and_marks_one_in_a_click(at: AppTest) -> None:
    at.file_uploader(key=state.UPLOAD).set_value(("rides.csv", NO_RACES.encode(), "text/csv"))
    at.run()
    assert not at.exception, at.exception
    info = " ".join(i.value for i in at.info)
    assert "has no race" in info
    assert at.selectbox(key="no_race_pick").value is not None
    at.button(key="mark_a_race").click().run()
    assert not at.exception, at.exception
    races = [e for e in current_plan(at).events if e.kind == Kind.race]
    assert [(e.title, e.priority) for e in races] == [("Big day out", Priority.A)]
    assert "has no race" not in " ".join(i.value for i in at.info)


# ----------------------------------------------------------------------------- feed links


def test_feed_links_use_the_browsers_address_and_warn_when_only_this_machine_has_it() -> None:
    from planner.ui.feed_links import feed_hint, link_base, local_only

    assert link_base("http://127.0.0.1:8611/", {}, {}) == "http://127.0.0.1:8611"
    assert link_base(None, {"Host": "127.0.0.1:8611"}, {}) == "http://127.0.0.1:8611"
    public = {"PLANNER_PUBLIC_URL": "https://plan.example.org/"}
    assert link_base("http://127.0.0.1:8611/", {}, public) == "https://plan.example.org"
    assert local_only("http://127.0.0.1:8611") and local_only("http://localhost:8501")
    assert not local_only("https://plan.example.org") and not local_only("http://192.168.1.5:8501")
    assert "https link" not in feed_hint("http://127.0.0.1:8611/feed/x.ics")
    assert "https link https://" in feed_hint("https://plan.example.org/feed/x.ics")


def test_a_saved_season_on_localhost_warns_and_counts_its_plans(
    at: AppTest, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.store import DATABASE_URL_ENV
    from planner.ui import season_panel

    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    at.text_input(key=season_panel.NAME).set_value("Winter")
    at.button(key="season_save").click().run()
    assert not at.exception, at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "only in a browser on this machine" in warnings
    captions = " ".join(c.value for c in at.caption)
    assert "1 saved plan: the first plan." in captions
    assert "https link http" not in captions
    # the links as inline code: st.code's highlighter was 1.5 MB of script for every visit of a
    # saved season (issue 20, item 8: a saved-season link within 2 s)
    assert not at.code
    assert any("/?season=" in m.value and m.value.startswith("`") for m in at.markdown)


# ----------------------------------------------------------------------------- weights


def test_a_weight_that_changes_nothing_says_why(at: AppTest) -> None:
    before = current_plan(at)
    key = field_key("hard-day-interference", "weight")
    at.session_state[key] = 10
    at.button(key="submit").click().run()
    assert not at.exception, at.exception
    after = current_plan(at)
    # the premise: this change moves no session (it may change an exercise)
    assert [s.date for s in after.sessions] == [s.date for s in before.sessions]
    info = " ".join(i.value for i in at.info)
    assert "Hard-day interference: weight 3 -> 10 moved no session" in info, info


def test_the_season_board_opens_on_last_and_this_week_mid_season(at: AppTest) -> None:
    from planner.ui.calendar_board import board_options

    plan = current_plan(at)
    now = plan.start + dt.timedelta(weeks=4, days=2)  # a Wednesday in week 5
    season = board_options(plan, now)["views"]["season"]["visibleRange"]
    assert season["start"] == (plan.start + dt.timedelta(weeks=3)).isoformat()  # last week on
    assert board_options(plan, now)["validRange"]["start"] == plan.start.isoformat()
    before = board_options(plan, plan.start - dt.timedelta(days=30))["views"]["season"]
    assert before["visibleRange"]["start"] == plan.start.isoformat()
