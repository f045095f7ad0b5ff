"""The Streamlit app, driven headless with AppTest: load, upload, edit, settings, explain, export.

Every test sets widgets by key (see `planner.ui.state`) and checks what the page shows or what
the app kept in session state (the plan JSON of the latest solve).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from constraints import REGISTRY
from planner.config import next_monday
from planner.domain import Kind, Priority
from planner.errors import CalendarError
from planner.importers import load_demo
from planner.plan import Plan, Status
from planner.ui import state
from planner.ui.calendar_input import apply_edits, calendar_from_upload, events_frame
from planner.ui.charts import day_frame, legend_chart, month_grid, season_chart, week_frame
from planner.ui.fields import bounds, field_key, kind_of, parse_dates
from planner.ui.render import dose_text
from planner.ui.settings import collect
from planner.ui.text import md_escape

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
FIXTURES = ROOT / "tests" / "fixtures" / "import"
HOSTILE = "<img src=x onerror=alert(1)>"
SHORT_WEEKS = 6  # rule loops plan six weeks: every rule still has work to do, solves stay quick


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=90)


def loaded(weeks: int | None = None) -> AppTest:
    at = new_app()
    at.run()
    assert not at.exception, at.exception
    if weeks is not None:
        at.number_input(key=state.WEEKS).set_value(weeks)
        submit(at)
    return at


def submit(at: AppTest) -> AppTest:
    at.button(key="submit").click().run()
    assert not at.exception, at.exception
    return at


def current_plan(at: AppTest) -> Plan:
    return Plan.model_validate_json(at.session_state[state.PLAN])


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def hostile_ics(start: dt.date) -> bytes:
    day = (start + dt.timedelta(days=1)).strftime("%Y%m%d")
    race = (start + dt.timedelta(days=20)).strftime("%Y%m%d")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:evil@test\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:{day}\r\nSUMMARY:{HOSTILE}\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:race@test\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:{race}\r\nSUMMARY:Spring road race (A)\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    ).encode()


# ----------------------------------------------------------------------------- page


def test_demo_loads_with_a_plan() -> None:
    at = loaded()
    assert not at.error
    plan = current_plan(at)
    assert plan.status in (Status.optimal, Status.feasible)
    assert plan.sessions
    assert (plan.end - plan.start).days + 1 == state.DEFAULT_WEEKS * 7
    labels = {m.label: m.value for m in at.metric}
    assert labels["Events read"] == "113"
    assert labels["Strength sessions"] == str(len(plan.sessions))
    # the day detail shows the first session with doses and reasons
    assert at.selectbox(key=state.DAY).value == plan.sessions[0].date.isoformat()
    assert "Why this day" in texts(at)
    assert any("×" in e.label for e in at.expander)


def test_day_selector_shows_that_days_session() -> None:
    at = loaded()
    plan = current_plan(at)
    second = plan.sessions[1]
    at.selectbox(key=state.DAY).set_value(second.date.isoformat()).run()
    assert not at.exception
    assert f"{second.date:%A %d %B}" in texts(at)
    names = " ".join(e.label for e in at.expander)
    assert all(ex.name in names for ex in second.exercises)


@pytest.mark.parametrize("path", sorted(FIXTURES.iterdir()), ids=lambda p: p.name)
def test_upload_each_format(path: Path) -> None:
    at = loaded()
    at.file_uploader(key=state.UPLOAD).set_value((path.name, path.read_bytes(), "text/plain"))
    at.run()
    assert not at.exception, at.exception
    expected = calendar_from_upload(path.read_bytes(), path.name)
    page = texts(at)
    assert "Format:" in page
    assert {m.label: m.value for m in at.metric}["Events read"] == str(len(expected.events))
    if expected.skipped:
        assert any(e.label.startswith("Skipped rows") for e in at.expander)
    # when no event falls in the plan's weeks, the app offers to move the plan to them
    start = next_monday()
    outside = not expected.between(start, start + dt.timedelta(weeks=state.DEFAULT_WEEKS))
    assert ("fall between" in page) == (bool(expected.events) and outside)


def test_unreadable_upload_shows_the_importer_message() -> None:
    at = loaded()
    at.file_uploader(key=state.UPLOAD).set_value(("notes.ics", b"hello, world", "text/calendar"))
    at.run()
    assert not at.exception
    assert any("Could not read this calendar" in e.value for e in at.error)
    with pytest.raises(CalendarError) as err:
        calendar_from_upload(b"hello, world", "notes.ics")
    assert "BEGIN:VCALENDAR" in str(err.value)
    # the last good plan (the demo's) stays visible
    assert any("last plan that worked" in w.value for w in at.warning)


def test_hostile_title_is_text_not_html() -> None:
    at = loaded()
    start = next_monday()
    at.file_uploader(key=state.UPLOAD).set_value(("evil.ics", hostile_ics(start), "text/calendar"))
    at.run()
    assert not at.exception
    first = (start + dt.timedelta(days=1)).isoformat()
    at.selectbox(key=state.DAY).set_value(first).run()
    assert not at.exception
    page = texts(at)
    assert md_escape(HOSTILE) in page
    for element in at.markdown:
        assert not re.search(r"(?<!\\)<img", element.value)
        assert not element.proto.allow_html
    editor = at.data_editor[0].value
    assert HOSTILE in set(editor["title"])


def test_upload_then_start_where_the_calendar_starts() -> None:
    at = loaded()
    path = FIXTURES / "strava_activities.csv"  # rides of early 2026, before the plan starts
    at.file_uploader(key=state.UPLOAD).set_value((path.name, path.read_bytes(), "text/csv"))
    at.run()
    move = [b for b in at.button if b.label.startswith("Start the plan on")]
    assert move
    move[0].click().run()
    assert not at.exception
    first = calendar_from_upload(path.read_bytes(), path.name).events[0].date
    assert current_plan(at).start == first - dt.timedelta(days=first.weekday())
    assert current_plan(at).events


# ----------------------------------------------------------------------------- review edits


def test_priority_edit_replans() -> None:
    at = loaded()
    before = current_plan(at)
    frame = events_frame(load_demo(next_monday()))
    row = int(frame.index[frame["priority"] == "B"][0])
    race_day = frame.loc[row, "date"]
    at.session_state[state.EDITOR] = {
        "edited_rows": {row: {"priority": "A"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, at.exception
    after = current_plan(at)
    race = next(e for e in after.events if e.date == race_day and e.kind == Kind.race)
    assert race.priority == Priority.A
    assert after.phases != before.phases  # a second A race: a taper and peak before it
    assert any(p.name.value == "taper" and p.end == race_day for p in after.phases)


def test_apply_edits_keeps_events_valid() -> None:
    calendar = load_demo(next_monday())
    frame = events_frame(calendar)
    ride = int(frame.index[frame["kind"] == "hard"][0])
    race = int(frame.index[frame["kind"] == "race"][0])
    frame.loc[ride, "priority"] = "C"  # a priority promotes the ride to a race
    frame.loc[race, "kind"] = "easy"  # a demoted race loses its priority
    edited = apply_edits(calendar, frame)
    assert edited.events[ride].kind == Kind.race
    assert edited.events[ride].priority == Priority.C
    assert edited.events[race].kind == Kind.easy
    assert edited.events[race].priority is None
    assert apply_edits(calendar, events_frame(calendar)) == calendar


# ----------------------------------------------------------------------------- settings


def _widget(at: AppTest, key: str):
    for family in (at.toggle, at.slider, at.number_input, at.multiselect, at.text_input):
        for widget in family:
            if widget.key == key:
                return widget
    raise KeyError(key)


def _changed_value(info, current):
    low, high = bounds(info)
    if current + 1 <= (high if high is not None else current + 1):
        return current + 1
    return current - 1


@pytest.mark.parametrize("rule", REGISTRY, ids=lambda r: r.id)
def test_rule_toggle_and_parameter_replan(rule) -> None:
    at = loaded(weeks=SHORT_WEEKS)
    assert current_plan(at).settings[rule.id]["enabled"] is True
    _widget(at, field_key(rule.id, "enabled")).set_value(False)
    submit(at)
    assert current_plan(at).settings[rule.id]["enabled"] is False
    _widget(at, field_key(rule.id, "enabled")).set_value(True)
    numeric = [
        (name, info)
        for name, info in rule.Params.model_fields.items()
        if kind_of(info) == "int" and name != "weight"
    ] or [(n, i) for n, i in rule.Params.model_fields.items() if n == "weight"]
    if not numeric:
        submit(at)
        assert current_plan(at).settings[rule.id]["enabled"] is True
        return
    name, info = numeric[0]
    current = current_plan(at).settings[rule.id][name]
    wanted = _changed_value(info, current)
    _widget(at, field_key(rule.id, name)).set_value(wanted)
    submit(at)
    plan = current_plan(at)
    assert plan.settings[rule.id]["enabled"] is True
    assert plan.settings[rule.id][name] == wanted


def test_form_changes_wait_for_submit() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    at.number_input(key=state.WEEKS).set_value(SHORT_WEEKS + 2)
    at.run()  # no submit: no new plan
    assert (current_plan(at).end - current_plan(at).start).days + 1 == SHORT_WEEKS * 7
    at.number_input(key=state.WEEKS).set_value(SHORT_WEEKS + 2)
    submit(at)
    assert (current_plan(at).end - current_plan(at).start).days + 1 == (SHORT_WEEKS + 2) * 7


def test_infeasible_settings_explain_and_keep_last_plan() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    good = current_plan(at)
    _widget(at, field_key("weekly-frequency", "strict")).set_value(True)
    _widget(at, field_key("availability", "weekdays")).set_value(["Mon", "Tue"])
    submit(at)
    plan = current_plan(at)
    assert plan.status == Status.infeasible
    errors = " ".join(e.value for e in at.error)
    assert "cannot all hold together" in errors
    assert "availability" in errors
    suggestion = " ".join(i.value for i in at.info)
    assert "Suggested change" in suggestion
    assert "Mon, Tue" in suggestion and "strict" in suggestion.lower()
    assert any("last plan that worked" in w.value for w in at.warning)
    # the last good plan is still drawn
    shown = {m.label: m.value for m in at.metric}
    assert shown["Strength sessions"] == str(len(good.sessions))
    assert at.selectbox(key=state.DAY).value == good.sessions[0].date.isoformat()
    # one click puts the rules back and plans again
    at.button(key="reset_rules").click().run()
    submit(at)
    assert current_plan(at).status in (Status.optimal, Status.feasible)


def test_bad_blocked_dates_are_reported_not_raised() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    _widget(at, field_key("availability", "blocked_dates")).set_value("2026-13-40")
    submit(at)
    assert any("not a date" in e.value for e in at.error)
    blocked = (next_monday() + dt.timedelta(days=2)).isoformat()
    _widget(at, field_key("availability", "blocked_dates")).set_value(blocked)
    submit(at)
    plan = current_plan(at)
    assert plan.settings["availability"]["blocked_dates"] == [blocked]
    assert all(s.date.isoformat() != blocked for s in plan.sessions)


def test_time_limit_reaches_the_solver() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    at.number_input(key=state.TIME_LIMIT).set_value(5.0)
    submit(at)
    assert not at.exception
    assert current_plan(at).status in (Status.optimal, Status.feasible)


# ----------------------------------------------------------------------------- export


def test_downloads_carry_the_right_content() -> None:
    stores: list[MemoryMediaFileStorage] = []
    original = MemoryMediaFileStorage.__init__

    def remember(self, *args, **kwargs):
        original(self, *args, **kwargs)
        stores.append(self)

    with mock.patch.object(MemoryMediaFileStorage, "__init__", remember):
        at = loaded(weeks=SHORT_WEEKS)
    buttons = {b.label: b for b in at.get("download_button")}
    assert set(buttons) == {"Download iCal", "Download CSV", "Download JSON"}
    files = {}
    for label, button in buttons.items():
        name = button.proto.url.rsplit("/", 1)[-1]
        files[label] = stores[-1].get_file(name).content
    assert files["Download iCal"].startswith(b"BEGIN:VCALENDAR")
    assert b"SUMMARY:" in files["Download iCal"]
    header = files["Download CSV"].decode("utf-8-sig").splitlines()[0]
    assert header.startswith("date,weekday,phase")
    data = json.loads(files["Download JSON"])
    assert data["status"] in ("optimal", "feasible")
    assert len(data["sessions"]) == len(current_plan(at).sessions)


def test_export_options_reach_the_ical_file() -> None:
    stores: list[MemoryMediaFileStorage] = []
    original = MemoryMediaFileStorage.__init__

    def remember(self, *args, **kwargs):
        original(self, *args, **kwargs)
        stores.append(self)

    with mock.patch.object(MemoryMediaFileStorage, "__init__", remember):
        at = loaded(weeks=SHORT_WEEKS)
        at.toggle(key="export_all_day").set_value(True)
        at.number_input(key="export_reminder").set_value(30)
        at.run()
    assert not at.exception
    button = next(b for b in at.get("download_button") if b.label == "Download iCal")
    ical = stores[-1].get_file(button.proto.url.rsplit("/", 1)[-1]).content.decode()
    assert "DTSTART;VALUE=DATE:" in ical
    assert "BEGIN:VALARM" in ical


def test_bad_export_timezone_is_an_error_not_a_crash() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    at.text_input(key="export_timezone").set_value("Mars/Olympus").run()
    assert not at.exception
    assert any("unknown timezone" in e.value for e in at.error)


# ----------------------------------------------------------------------------- helpers


def test_settings_from_defaults_match_planner_defaults() -> None:
    settings, problems = collect(state.defaults(dt.date(2026, 11, 25)))
    assert not problems
    assert settings is not None
    assert settings.start == dt.date(2026, 11, 30)
    for rule in REGISTRY:
        assert settings.config.params(rule.id) == rule.Params()


def test_every_rule_parameter_has_a_widget_family() -> None:
    for rule in REGISTRY:
        for name, info in rule.Params.model_fields.items():
            family = kind_of(info)
            assert family != "text", f"{rule.id}.{name} has no generated widget"
            if family == "int":
                low, high = bounds(info)
                assert low is not None and high is not None, f"{rule.id}.{name} has no bounds"


def test_parse_dates() -> None:
    assert parse_dates("2026-12-25, 2026-12-24;2026-12-25") == [
        dt.date(2026, 12, 24),
        dt.date(2026, 12, 25),
    ]
    with pytest.raises(ValueError, match="'25/12' is not a date"):
        parse_dates("25/12")


def test_md_escape_neutralises_markup() -> None:
    escaped = md_escape("[click](http://x) <b>bold</b> :red[x] $1$")
    for raw in ("[click]", "<b>", ":red[", "$1$"):
        assert raw not in escaped


def test_frames_and_charts_build() -> None:
    at = loaded()
    plan = current_plan(at)
    days = day_frame(plan, plan.sessions[0].date)
    assert len(days) == (plan.end - plan.start).days + 1
    assert days["selected"].sum() == 1
    assert (days["load"] != "none").sum() == len(plan.sessions)
    weeks = week_frame(plan)
    assert len(weeks) == state.DEFAULT_WEEKS
    assert weeks["strength_sessions"].sum() == len(plan.sessions)
    assert weeks["endurance_hours"].max() > 0
    for chart in (month_grid(plan), season_chart(plan), legend_chart()):
        assert chart.to_dict()
    first = plan.sessions[0].exercises[0]
    assert str(first.sets) in dose_text(first)


def test_events_frame_columns() -> None:
    frame = events_frame(load_demo(next_monday()))
    assert list(frame.columns) == ["date", "title", "sport", "kind", "priority", "minutes"]
    assert isinstance(frame, pd.DataFrame)
    assert set(frame["priority"].dropna()) == {"A", "B", "C"}
