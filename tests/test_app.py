"""The Streamlit app, driven headless with AppTest: load, upload, edit, settings, explain, export.

Every test sets widgets by key (see `planner.ui.state`) and checks what the page shows or what
the app kept in session state (the plan JSON of the latest solve).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import icalendar
import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from constraints import REGISTRY, rule_by_id
from planner.catalog import load_catalog
from planner.config import PlannerConfig, next_monday
from planner.domain import Kind, Priority
from planner.errors import CalendarError
from planner.export import export_ical
from planner.importers import load_demo
from planner.plan import DiffEntry, Plan, PlanDiff, Status
from planner.solve import plan_season
from planner.ui import state
from planner.ui.calendar_input import (
    TIMEZONE_KEY,
    apply_edits,
    calendar_from_upload,
    events_frame,
)
from planner.ui.charts import season_chart, season_spec, week_frame
from planner.ui.fields import bounds, field_key, kind_of, parse_dates
from planner.ui.render import _as_iso, changed_rule_settings, dose_text
from planner.ui.replanning import diff_lines
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
    parts += [s.value for s in at.success]
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
    # and its content: warm-up, effort and rest, load note, stop on pain
    shown = texts(at)
    for words in ("**Warm-up** 5 min", "Effort: ", "rest 45 s between sets", "Load: ", "Stop on"):
        assert words in shown, words


def test_day_selector_shows_that_days_session() -> None:
    at = loaded()
    plan = current_plan(at)
    second = plan.sessions[1]
    at.selectbox(key=state.DAY).set_value(second.date.isoformat()).run()
    assert not at.exception
    assert f"{second.date:%A %d %B}" in texts(at)
    names = " ".join(e.label for e in at.expander)
    assert all(ex.name in names for ex in second.exercises)
    # the browser may send back the label it showed when the labels changed with a new plan
    stale = f"{second.date:%a %d %b %Y} · strength (heavy)"
    assert _as_iso(stale) == second.date.isoformat()
    assert _as_iso(second.date.isoformat()) == second.date.isoformat()


@pytest.mark.parametrize(
    "path", sorted(p for p in FIXTURES.iterdir() if p.is_file()), ids=lambda p: p.name
)
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
    open_tab(at, "Review events")  # the table is drawn while its tab is open
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


def test_upload_asks_the_timezone_and_dates_utc_times_in_it() -> None:
    at = loaded()
    path = FIXTURES / "strava_activities.csv"  # Strava's dates are UTC
    at.file_uploader(key=state.UPLOAD).set_value((path.name, path.read_bytes(), "text/csv"))
    at.run()
    zone = at.selectbox(key=TIMEZONE_KEY)
    assert zone.value == "UTC"  # no zone in the file, none from the (headless) browser

    open_tab(at, "Review events")  # the table is drawn while its tab is open

    def late_date() -> dt.date:
        frame = at.data_editor[0].value
        return frame[frame["title"] == "Late track session"]["date"].iloc[0]

    assert late_date() == dt.date(2026, 1, 10)
    zone.set_value("Australia/Sydney").run()
    assert not at.exception, at.exception
    assert late_date() == dt.date(2026, 1, 11)  # 23:58 UTC is the next morning in Sydney


def test_upload_timezone_defaults_to_the_calendars_own() -> None:
    at = loaded()
    path = FIXTURES / "google_xwr.ics"
    at.file_uploader(key=state.UPLOAD).set_value((path.name, path.read_bytes(), "text/calendar"))
    at.run()
    assert at.selectbox(key=TIMEZONE_KEY).value == "America/New_York"


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
    """A settings widget by key; rules at their defaults are drawn once 'Show all rules' is on."""
    for attempt in range(2):
        for family in (at.toggle, at.slider, at.number_input, at.multiselect, at.text_input):
            for widget in family:
                if widget.key == key:
                    return widget
        if attempt == 0:
            at.toggle(key=state.SHOW_ALL_RULES).set_value(True).run()
            assert not at.exception, at.exception
    raise KeyError(key)


def _changed_value(info, current):
    low, high = bounds(info)
    if current + 1 <= (high if high is not None else current + 1):
        return current + 1
    return current - 1


@pytest.mark.parametrize("rule", REGISTRY, ids=lambda r: r.id)
def test_rule_toggle_and_parameter_replan(rule) -> None:
    at = loaded(weeks=SHORT_WEEKS)
    default = rule.Params().enabled  # on for every rule today; the test follows either way
    assert current_plan(at).settings[rule.id]["enabled"] is default
    _widget(at, field_key(rule.id, "enabled")).set_value(not default)
    submit(at)
    assert current_plan(at).settings[rule.id]["enabled"] is (not default)
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
    opened = at.selectbox(key=state.DAY).value
    _widget(at, field_key("weekly-frequency", "strict")).set_value(True)
    _widget(at, field_key("availability", "weekdays")).set_value(["Mon", "Tue"])
    submit(at)
    plan = current_plan(at)
    assert plan.status == Status.infeasible
    errors = " ".join(e.value for e in at.error)
    assert "cannot all hold together" in errors
    assert "Availability" in errors  # by its title, as the sidebar names it
    suggestion = " ".join(i.value for i in at.info)
    assert "Suggested change" in suggestion
    assert "Mon, Tue" in suggestion and "strict" in suggestion.lower()
    assert any("last plan that worked" in w.value for w in at.warning)
    # the last good plan is still drawn
    shown = {m.label: m.value for m in at.metric}
    assert shown["Strength sessions"] == str(len(good.sessions))
    # ... with the day that was open (the first session of the first plan shown, which need
    # not be the first of this one)
    assert at.selectbox(key=state.DAY).value == opened
    assert good.start.isoformat() <= opened <= good.end.isoformat()
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
    with media_stores() as stores:
        at = open_tab(loaded(weeks=SHORT_WEEKS), "Export")
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
    with media_stores() as stores:
        at = open_tab(loaded(weeks=SHORT_WEEKS), "Export")
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
    weeks = week_frame(plan)
    assert len(weeks) == state.DEFAULT_WEEKS
    assert weeks["strength_sessions"].sum() == len(plan.sessions)
    assert weeks["endurance_hours"].max() > 0
    assert season_chart(plan).to_dict()
    first = plan.sessions[0].exercises[0]
    assert str(first.sets) in dose_text(first)


def test_events_frame_columns() -> None:
    frame = events_frame(load_demo(next_monday()))
    assert list(frame.columns) == ["date", "title", "sport", "kind", "priority", "minutes"]
    assert isinstance(frame, pd.DataFrame)
    assert set(frame["priority"].dropna()) == {"A", "B", "C"}


def _resolved(spec: dict[str, Any]) -> Any:
    """A spec with named datasets inlined and Altair's generated view names dropped."""
    datasets = spec.get("datasets", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) == {"name"} and node["name"] in datasets:
                return {"values": datasets[node["name"]]}
            return {
                key: walk(value)
                for key, value in node.items()
                if key not in ("datasets", "views")
                and not (key == "name" and str(value).startswith("view_"))
            }
        if isinstance(node, list):
            return [walk(value) for value in node]
        return node

    return walk(json.loads(json.dumps(spec)))


@pytest.mark.parametrize("weeks", [3, SHORT_WEEKS])
def test_chart_templates_give_the_same_spec_as_altair(weeks: int) -> None:
    plan = plan_of(weeks)
    missed = plan.sessions[1].model_copy(update={"state": "missed"})
    plan = plan.model_copy(update={"sessions": [plan.sessions[0], missed, *plan.sessions[2:]]})
    assert _resolved(season_spec(plan)) == _resolved(season_chart(plan).to_dict())
    assert "__slot" not in json.dumps(season_spec(plan))


# ----------------------------------------------------------------------------- re-planning


def plan_of(weeks: int) -> Plan:
    start = next_monday()
    return plan_season(load_demo(start), load_catalog(), start=start, weeks=weeks)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def pick_day(at: AppTest, day: dt.date) -> AppTest:
    at.selectbox(key=state.DAY).set_value(day.isoformat()).run()
    assert not at.exception, at.exception
    return at


def set_today(at: AppTest, day: dt.date) -> AppTest:
    at.date_input(key=state.TODAY).set_value(day).run()
    assert not at.exception, at.exception
    return at


@contextlib.contextmanager
def media_stores() -> Iterator[list[MemoryMediaFileStorage]]:
    """The media stores the app runs create meanwhile (the last is the current one), to read a
    download button's bytes: AppTest has no download."""
    stores: list[MemoryMediaFileStorage] = []
    original = MemoryMediaFileStorage.__init__

    def remember(self, *args, **kwargs):
        original(self, *args, **kwargs)
        stores.append(self)

    with mock.patch.object(MemoryMediaFileStorage, "__init__", remember):
        yield stores


def ical_uids(at: AppTest, store: MemoryMediaFileStorage) -> dict[str, dt.date]:
    button = next(b for b in at.get("download_button") if b.label == "Download iCal")
    ics = store.get_file(button.proto.url.rsplit("/", 1)[-1]).content
    uids = {}
    for event in icalendar.Calendar.from_ical(ics).walk("VEVENT"):
        start = event.decoded("DTSTART")
        uids[str(event["UID"])] = start.date() if isinstance(start, dt.datetime) else start
    return uids


def test_replan_missed_and_blocked_day_then_undo() -> None:
    with media_stores() as stores:
        at = open_tab(loaded(weeks=SHORT_WEEKS), "Export")
        before = current_plan(at)
        today = before.start + dt.timedelta(days=14)
        set_today(at, today)
        uids_before = ical_uids(at, stores[-1])
        past = [s for s in before.sessions if s.date < today][-1]
        blocked = next(s for s in before.sessions if s.date >= today)
        # mark the last past session missed and block the first coming one
        pick_day(at, past.date)
        click(at, "mark_missed")
        pick_day(at, blocked.date)
        click(at, "mark_block")
        assert "Missed · " + f"{past.date:%a %d %b}" in texts(at)
        assert "Not applied yet" in " ".join(c.value for c in at.caption)
        assert current_plan(at) == before  # marks alone change nothing
        click(at, "replan")
        after = current_plan(at)
        uids_after = ical_uids(at, stores[-1])

    assert after.today == today
    assert after.diff is not None and after.diff.changed >= 1
    # the blocked day has no session; the missed one is shown as missed
    assert after.session_on(blocked.date) is None
    assert after.session_on(past.date).state == "missed"
    # history before today is kept as it was
    history = [s.model_dump(exclude={"state"}) for s in before.sessions if s.date < today]
    assert [s.model_dump(exclude={"state"}) for s in after.sessions if s.date < today] == history
    # the diff in plain words
    page = texts(at)
    assert md_escape(f"Re-planned as of {today:%a %d %b}") in page
    assert md_escape(f"{blocked.date:%a %d %b} is blocked") in page
    assert any("1 missed" in c.value for c in at.caption)
    assert "missed" in at.selectbox(key=state.DAY).format_func(past.date.isoformat())
    pick_day(at, past.date)
    assert "missed" in texts(at)
    # the export moves surviving sessions in the phone calendar instead of duplicating them
    survivors = after.diff.kept + after.diff.moved
    assert survivors
    for entry in survivors:
        assert entry.uid in uids_before
        assert uids_after[entry.uid] == entry.date
    for entry in after.diff.removed:
        assert entry.uid not in uids_after
    # one click back to the plan before the re-plan; the marks stay for the next re-plan
    click(at, "replan_back")
    assert current_plan(at).sessions == before.sessions
    assert not at.success
    assert at.button(key="replan_back").disabled
    assert "Blocked · " + f"{blocked.date:%a %d %b}" in texts(at)


def test_replan_pin_on_race_day_explains_and_keeps_the_plan() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    before = current_plan(at)
    race = next(e.date for e in before.events if e.priority is not None)
    set_today(at, race - dt.timedelta(days=7))
    pick_day(at, race)
    # a race day offers no "Want a session here" (issue 13, papercut 12)
    assert not [b for b in at.button if b.key in ("mark_pin", "mark_block")]
    assert "Race day: no strength session goes here." in " ".join(c.value for c in at.caption)
    # a pin kept from before (or given on the command line) is still explained
    at.session_state[state.MARKS] = {"pins": [race.isoformat()]}
    at.run()
    click(at, "replan")
    errors = " ".join(e.value for e in at.error)
    assert "This re-plan is not possible" in errors
    # issue 20: the rules by title, what the athlete can change, never a rule's id
    assert "Race day and race week" in errors and "remove a pin" in errors
    assert "race\\-day" not in errors and "switch off" not in errors
    assert current_plan(at).sessions == before.sessions
    assert {m.label: m.value for m in at.metric}["Strength sessions"] == str(len(before.sessions))
    # taking the pin off clears the explanation
    at.button(key=f"unmark_pins_{race.isoformat()}").click().run()
    assert not at.exception
    assert not any("not possible" in e.value for e in at.error)


def test_move_a_session_and_settings_change_starts_fresh() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    before = current_plan(at)
    session = before.sessions[2]
    target = session.date + dt.timedelta(days=1)
    pick_day(at, session.date)
    at.date_input(key=state.MOVE_TO).set_value(target).run()
    click(at, "move_session")
    page = texts(at)
    assert f"Blocked · {session.date:%a %d %b}" in page and f"Pinned · {target:%a %d %b}" in page
    click(at, "replan")
    moved = current_plan(at)
    assert moved.today == moved.start  # a re-plan, as of the default today (the plan's start)
    assert moved.session_on(session.date) is None
    assert moved.session_on(target) is not None
    assert any(e.previous_date == session.date for e in moved.diff.moved)
    # a new setting: a fresh plan for it, the marks kept and said so
    at.number_input(key=state.WEEKS).set_value(SHORT_WEEKS + 1)
    submit(at)
    assert current_plan(at).today is None
    assert any("fresh plan" in i.value for i in at.info)
    assert f"Blocked · {session.date:%a %d %b}" in texts(at)
    # back to the old setting: its re-planned plan is there again
    at.number_input(key=state.WEEKS).set_value(SHORT_WEEKS)
    submit(at)
    assert current_plan(at) == moved


def test_diff_lines_read_as_sentences() -> None:
    day = dt.date(2027, 1, 6)
    plan = plan_of(3).model_copy(
        update={
            "today": dt.date(2027, 1, 4),
            "diff": PlanDiff(
                kept=[DiffEntry(uid="a", date=day, reason="unchanged")] * 3,
                moved=[
                    DiffEntry(
                        uid="b",
                        date=dt.date(2027, 1, 7),
                        previous_date=day,
                        reason="Wed -> Thu: Wed 06 Jan is blocked",
                    )
                ]
                * 2,
                added=[DiffEntry(uid="c", date=day, reason="pinned day")],
            ),
        }
    )
    lines = diff_lines(plan)
    assert lines[0] == "Re-planned as of Mon 04 Jan: 3 sessions kept."
    assert lines[1].startswith("2 sessions moved: Wed 06 Jan -> Thu 07 Jan: Wed 06 Jan is blocked")
    assert lines[2] == "1 session added: Wed 06 Jan: pinned day"


# ----------------------------------------------------------------------------- issue 13 papercuts


def _sidebar_captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.sidebar.caption)


def test_rule_descriptions_follow_the_settings() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    _widget(at, field_key("rest-days", "min_rest_days")).set_value(3)
    _widget(at, field_key("availability", "max_session_minutes")).set_value(30)
    submit(at)
    captions = _sidebar_captions(at)
    assert "at least 3 strength-free days" in captions
    assert "at least 2 strength-free days" not in captions
    assert "at most 30 minutes" in captions and "at most 45 minutes" not in captions


def open_tab(at: AppTest, name: str) -> AppTest:
    """Open the page's tab whose label ends with `name` (as a click on it does: a rerun)."""
    at.session_state[state.MAIN_TAB] = next(label for label in state.TABS if label.endswith(name))
    at.run()
    assert not at.exception, at.exception
    return at


def test_why_tab_costs_add_up() -> None:
    at = open_tab(loaded(weeks=SHORT_WEEKS), "Why")
    plan = current_plan(at)
    why = next(d for d in at.dataframe if "Rule" in d.value.columns)
    table = why.value
    assert int(table["Cost"].sum()) == plan.objective
    assert f"Total cost: {int(plan.objective)}" in texts(at)
    assert len(table) == len(REGISTRY)
    interference = table.set_index("Rule").loc["Hard-day interference", "Weight"]
    assert interference == "weight 3, day weight 1"
    # each listed violation carries its cost, and they add up to the rule's cost
    for report in plan.explanation.rules:
        if report.violations and "... more not listed" not in report.violations:
            assert sum(report.violation_costs) == report.cost


def berlin_ics(first: dt.date, race: dt.date) -> bytes:
    """A Berlin runner's calendar: weekly timed interval runs from `first`, an A race."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:runs@test\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;TZID=Europe/Berlin:{first:%Y%m%d}T070000\r\n"
        f"DTEND;TZID=Europe/Berlin:{first:%Y%m%d}T080000\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=10\r\nSUMMARY:Run intervals 6x800 m\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:long@test\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;TZID=Europe/Berlin:{first + dt.timedelta(days=4):%Y%m%d}T080000\r\n"
        f"DTEND;TZID=Europe/Berlin:{first + dt.timedelta(days=4):%Y%m%d}T100000\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=10\r\nSUMMARY:Long run\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:race@test\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:{race:%Y%m%d}\r\nSUMMARY:Berlin half marathon (A)\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    ).encode()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=state.UPLOAD).set_value((name, data, "text/calendar"))
    at.run()
    assert not at.exception, at.exception
    return at


BERLIN_FIRST = next_monday() + dt.timedelta(weeks=4, days=1)  # a Tuesday, a month ahead
BERLIN_RACE = BERLIN_FIRST + dt.timedelta(days=68)  # a Sunday, ten weeks in


def test_upload_sets_start_weeks_sport_and_export_timezone() -> None:
    with media_stores() as stores:
        at = upload(
            open_tab(loaded(), "Export"), "berlin.ics", berlin_ics(BERLIN_FIRST, BERLIN_RACE)
        )
    plan = current_plan(at)
    # the first Monday of the calendar's first week, through the A race plus one transition week
    assert plan.start == BERLIN_FIRST - dt.timedelta(days=1)
    assert plan.end == BERLIN_RACE + dt.timedelta(weeks=1)
    assert at.session_state[state.SPORT] == "run"
    assert plan.timezone == "Europe/Berlin"
    assert at.text_input(key=state.EXPORT_TZ).value == "Europe/Berlin"
    button = next(b for b in at.get("download_button") if b.label == "Download iCal")
    ical = stores[-1].get_file(button.proto.url.rsplit("/", 1)[-1]).content.decode()
    assert "DTSTART;TZID=Europe/Berlin:" in ical and "Europe/London" not in ical


def test_upload_keeps_what_the_athlete_set() -> None:
    at = loaded()
    at.number_input(key=state.WEEKS).set_value(SHORT_WEEKS)
    at.text_input(key=state.EXPORT_TZ).set_value("Asia/Tokyo")
    submit(at)
    upload(at, "berlin.ics", berlin_ics(BERLIN_FIRST, BERLIN_RACE))
    plan = current_plan(at)
    assert plan.start == BERLIN_FIRST - dt.timedelta(days=1)  # start was not set: it follows
    assert (plan.end - plan.start).days + 1 == SHORT_WEEKS * 7  # weeks were: they stay
    assert at.text_input(key=state.EXPORT_TZ).value == "Asia/Tokyo"


def test_failed_upload_shows_the_athletes_last_plan_not_the_demo() -> None:
    at = upload(loaded(), "berlin.ics", berlin_ics(BERLIN_FIRST, BERLIN_RACE))
    own = current_plan(at)
    # Replacing the file in a browser: the old one goes (a run on the demo), the new one fails.
    at.file_uploader(key=state.UPLOAD).set_value(None)
    at.run()
    upload(at, "broken.ics", b"hello, world")
    assert any("Could not read this calendar" in e.value for e in at.error)
    warning = " ".join(w.value for w in at.warning)
    assert "last plan that worked for your calendar" in warning
    shown = {m.label: m.value for m in at.metric}
    assert shown["Strength sessions"] == str(len(own.sessions))
    assert "Berlin half marathon" in texts(at) + str(at.dataframe[0].value if at.dataframe else "")


def test_settings_errors_speak_the_sidebars_words() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    _widget(at, field_key("session-size", "min_exercises")).set_value(6)
    _widget(at, field_key("session-size", "max_exercises")).set_value(3)
    submit(at)
    errors = " ".join(e.value for e in at.error)
    assert "Session size: min exercises is above max exercises" in md_unescape(errors)
    assert "::" not in errors and ": :" not in errors
    assert "_" not in md_unescape(errors) and "Value error" not in errors


def md_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def test_conflict_names_rules_by_title_and_suggests_only_their_changes() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    _widget(at, field_key("weekly-frequency", "strict")).set_value(True)
    _widget(at, field_key("availability", "weekdays")).set_value(["Mon", "Tue"])
    _widget(at, field_key("steady-progress", "weight")).set_value(7)  # unrelated to the conflict
    submit(at)
    plan = current_plan(at)
    assert plan.status == Status.infeasible
    assert set(plan.conflict_rules) >= {"availability"}
    errors = md_unescape(" ".join(e.value for e in at.error))
    assert "**Availability**: Lift only on Mon and Tue" in errors
    assert not re.search(r"\([a-z]+(-[a-z]+)+\)|\(availability\)", errors), errors
    suggestion = md_unescape(" ".join(i.value for i in at.info))
    assert "Availability: weekdays is Mon, Tue" in suggestion
    assert "Steady progress" not in suggestion


def test_no_weekday_available_warns_on_the_main_page() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    _widget(at, field_key("availability", "weekdays")).set_value([])
    submit(at)
    assert not current_plan(at).sessions
    warning = md_unescape(" ".join(w.value for w in at.warning))
    assert "This plan has no strength sessions: no weekday is available" in warning


def test_labels_and_wording() -> None:
    at = loaded()
    at.toggle(key=state.SHOW_ALL_RULES).set_value(True).run()
    labels = [w.label for w in at.sidebar.slider]
    assert "Days after an A race" in labels and "Days before a C race" in labels
    assert not [label for label in labels if re.search(r" [abc]$", label)]
    plan = current_plan(at)
    reasons = [reason for s in plan.sessions for reason in s.why]
    assert not [r for r in reasons if "(s)" in r]
    assert not [r for r in reasons if re.search(r"\(([ABC])\)' \(\1\)", r)]
    assert any("'Winter crit series round 3 (C)' in" in r for r in reasons)
    assert any("'Spring road race', a B race in" in r for r in reasons)
    assert not re.search(r"\w\(s\)", md_unescape(texts(at)))
    path = FIXTURES / "trainingpeaks_workouts.csv"
    upload(at, path.name, path.read_bytes())
    assert "TrainingPeaks CSV" in texts(at)
    config = PlannerConfig().with_rule("post-race-recovery", days_after_a=3)
    assert changed_rule_settings(config) == [
        "Recovery after races: days after an A race is 3 (default 2)"
    ]


def test_a_run_shows_a_runner() -> None:
    at = loaded()
    path = FIXTURES / "edge_cases.ics"  # a Berlin runner's calendar
    upload(at, path.name, path.read_bytes())
    plan = current_plan(at)
    run = next(e for e in plan.events if e.sport.value == "run")
    at.selectbox(key=state.DAY).set_value(run.date.isoformat()).run()
    line = next(m.value for m in at.markdown if m.value.endswith(")*") and run.title in m.value)
    assert line.startswith(":material/directions_run:")
    assert "directions_bike" not in " ".join(m.value for m in at.markdown)


def test_sidebar_shows_only_changed_rules_by_group() -> None:
    at = loaded(weeks=SHORT_WEEKS)
    rule_titles = {rule.title for rule in REGISTRY}
    shown = [e.label for e in at.sidebar.expander if e.label.split(" (off)")[0] in rule_titles]
    assert shown == []  # every rule at its default: none drawn
    assert "Every rule is at its coaching default" in _sidebar_captions(at)
    at.toggle(key=state.SHOW_ALL_RULES).set_value(True).run()
    groups = [m.value for m in at.sidebar.markdown if m.value.startswith("**")]
    assert groups == [
        "**Races**",
        "**Recovery**",
        "**Progression**",
        "**Week shape**",
        "**Re-planning**",
    ]
    drawn = [e for e in at.sidebar.expander if e.label.split(" (off)")[0] in rule_titles]
    assert len(drawn) == len(REGISTRY)
    _widget(at, field_key("rest-days", "min_rest_days")).set_value(3)
    submit(at)
    at.toggle(key=state.SHOW_ALL_RULES).set_value(False).run()
    assert not at.exception
    shown = [e.label for e in at.sidebar.expander if e.label.split(" (off)")[0] in rule_titles]
    assert shown == ["Rest days between sessions"]
    assert [m.value for m in at.sidebar.markdown if m.value.startswith("**")] == ["**Recovery**"]
    # the hidden rules keep their defaults: the plan still uses the changed value only
    plan = current_plan(at)
    assert plan.settings["rest-days"]["min_rest_days"] == 3
    assert plan.settings["taper"] == rule_by_id("taper").Params().model_dump(mode="json")
    submit(at)
    assert current_plan(at).settings["rest-days"]["min_rest_days"] == 3


def test_stale_watch_script_survives_the_html_sanitiser() -> None:
    """st.html drops a script holding a tag-like '<...>' (even in a comment): none in ours."""
    from planner.ui.settings import _stale_watch_script

    script = _stale_watch_script()
    assert "<" not in script and "__TOKEN__" in script


def test_each_upload_moves_the_plan_to_its_season() -> None:
    seasons = ROOT / "docs" / "seasons"
    at = loaded()
    runner = seasons / "runner-marathon-14w.csv"  # 5 Jan - 11 Apr 2027, marathon (A) 11 Apr
    upload(at, runner.name, runner.read_bytes())
    plan = current_plan(at)
    assert (plan.start, plan.end) == (dt.date(2027, 1, 4), dt.date(2027, 4, 18))
    assert at.session_state[state.SPORT] == "run"
    cyclist = seasons / "cyclist-granfondo-16w.csv"  # 2 Feb - 22 May 2027, gran fondo (A)
    upload(at, cyclist.name, cyclist.read_bytes())
    plan = current_plan(at)
    assert (plan.start, plan.end) == (dt.date(2027, 2, 1), dt.date(2027, 5, 30))
    assert at.session_state[state.SPORT] == "ride"
    # back to the demo: the app's own defaults again
    at.file_uploader(key=state.UPLOAD).set_value(None)
    at.run()
    plan = current_plan(at)
    assert plan.start == next_monday()
    assert (plan.end - plan.start).days + 1 == state.DEFAULT_WEEKS * 7


def test_athlete_panel_experience_and_starting_levels_reach_the_plan() -> None:
    at = loaded(weeks=SHORT_WEEKS)

    def first_heavy(plan: Plan) -> dt.date:
        return min(s.date for s in plan.sessions if any(e.heavy for e in s.exercises))

    default = current_plan(at)
    assert (first_heavy(default) - default.start).days >= 21  # intermediate: 3 weeks first
    at.selectbox(key=state.EXPERIENCE).set_value("advanced")
    at.number_input(key=state.level_key("bridge")).set_value(2)
    submit(at)
    plan = current_plan(at)
    bridge = [e.level for s in plan.sessions for e in s.exercises if e.chain == "bridge"]
    assert bridge and min(bridge) == 2
    assert first_heavy(plan) < first_heavy(default)


def test_settings_collect_the_athlete_panel() -> None:
    values = state.defaults(dt.date(2026, 11, 25))
    values[state.EXPERIENCE] = "novice"
    values[state.level_key("hinge")] = 2
    settings, problems = collect(values)
    assert not problems and settings is not None
    assert settings.profile.experience.value == "novice"
    assert settings.profile.start_levels == {"hinge": 2}


def page_runs(at: AppTest, key: str) -> int:
    """How many times the page script ran for one click of the button `key`."""
    with mock.patch.object(state, "init_state", wraps=state.init_state) as runs:
        click(at, key)
    return runs.call_count


def test_replan_and_back_cost_one_page_run() -> None:
    """Issue 13's speed target: Re-plan and Back apply in the run of their click, not in a
    second run after it (an `st.rerun()` drew and sent the whole page twice)."""
    at = loaded(weeks=SHORT_WEEKS)
    before = current_plan(at)
    blocked = before.sessions[1].date
    pick_day(at, blocked)
    click(at, "mark_block")
    assert page_runs(at, "replan") == 1
    assert current_plan(at).session_on(blocked) is None  # re-planned in that one run
    assert not at.button(key="replan_back").disabled
    assert page_runs(at, "replan_back") == 1
    assert current_plan(at).sessions == before.sessions


def test_season_why_and_export_files_are_made_only_in_their_open_tab() -> None:
    """Issue 13's speed target: a drop or a setting change redraws the calendar, not the season
    chart and the Why table hidden behind their tabs, and builds no export file."""
    at = loaded(weeks=SHORT_WEEKS)
    assert not at.get("vega_lite_chart")
    assert not [d for d in at.dataframe if "Rule" in d.value.columns]
    with mock.patch("planner.ui.render.export_ical", wraps=export_ical) as ical:
        at.run()
        assert not at.get("download_button")
        # the export options stay on the page, so their values survive tab switches
        at.number_input(key="export_reminder").set_value(30).run()
        assert not ical.called
        open_tab(at, "Export")
        assert ical.call_count == 1
    assert {b.label for b in at.get("download_button")} == {
        "Download iCal",
        "Download CSV",
        "Download JSON",
    }
    assert at.number_input(key="export_reminder").value == 30
    # issue 20: the Review events table too is drawn only while its tab is open (its grid code
    # is the heaviest the page loads); its edits hold either way (test_app_words)
    assert not at.data_editor
    open_tab(at, "Review events")
    assert len(at.data_editor) == 1
    open_tab(at, "Season")
    assert len(at.get("vega_lite_chart")) == 1
    assert not [d for d in at.dataframe if "Rule" in d.value.columns]
    open_tab(at, "Why")
    assert not at.get("vega_lite_chart")
    assert [d for d in at.dataframe if "Rule" in d.value.columns]
