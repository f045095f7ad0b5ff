"""Saved seasons in the app: open one by its private link, save the season on screen, mirror
re-plans, marks and setting changes into the store, and show the link, the live feed and its QR.

An adapter around the app as it is: the calendar, settings, marks and undo stack stay in session
state as before; opening `/?season=TOKEN` fills them from the store, and every run afterwards
writes what changed back (one transaction per change, with the version this tab last read, so
two tabs never overwrite each other's marks: the loser re-reads). Without a link nothing is saved.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import urllib.parse
from importlib import resources

import streamlit as st

from constraints import REGISTRY
from planner import clock, seasons
from planner.config import SeasonSettings
from planner.domain import Calendar
from planner.errors import InputError
from planner.export import ExportOptions
from planner.plan import Plan
from planner.replan import ReplanRequest, match_and_diff
from planner.store import (
    Marks,
    PlanVersion,
    Season,
    SeasonNotFound,
    Source,
    StaleSeason,
    StoreUnavailable,
    add_plan_version,
    delete_season,
    load_season,
    open_store,
    rotate_token,
    save_season,
    set_marks,
    undo_plan,
    update_season,
)
from planner.ui import replanning, state
from planner.ui.feed_links import feed_hint, link_base, local_only, local_warning
from planner.ui.fields import default_widget_value, field_key
from planner.ui.replanning import Step, inputs_key
from planner.ui.settings import Settings
from planner.ui.text import md_escape
from planner.wording import plural, series

log = logging.getLogger(__name__)

QUERY = "season"
TOKEN = "season_token"  # the token of the season this session has open (restored once)
VERSION = "season_version"  # the season's version this session last read or wrote
SEEN = "season_seen"  # (plan fingerprint, marks JSON) as this session last read or wrote them
NAME = "season_name"  # the "Save this season" name field
URL_INPUT = "season_source_url"  # the "calendar by URL" field
CONFIRM = "season_confirm"  # "rotate" or "delete" while the panel asks to confirm it
MESSAGE = "season_message"  # (kind, text) to say once, above the panel
HELD = "season_held"  # why the last refresh was held back, to offer applying it anyway
UNAVAILABLE = (
    "Saved seasons are unavailable on this server right now (its season store is not set up "
    "right; the server's log says what to fix). Nothing is saved."
)


def _store():
    return open_store()


def _fingerprint(plan_json: str) -> str:
    """What makes two plans the same plan: dates, sessions and settings, not solve timings."""
    plan = Plan.model_validate_json(plan_json)
    content = plan.model_dump_json(include={"start", "end", "settings", "sessions"})
    return hashlib.sha256(content.encode()).hexdigest()


# ----------------------------------------------------------------------------- opening


def open_from_link() -> Season | None:
    """The season the page's `?season=` link names (restoring the session from it once)."""
    token = st.query_params.get(QUERY)
    if not token:
        if st.session_state.get(TOKEN):
            st.session_state[TOKEN] = None  # the link was left: work unsaved, as before
        return None
    try:
        season = load_season(_store(), token)
    except SeasonNotFound:
        st.error(
            "This season link does not open a season: it may have been rotated or deleted. "
            "You are working without a saved season.",
            icon=":material/link_off:",
        )
        del st.query_params[QUERY]
        st.session_state[TOKEN] = None
        return None
    except StoreUnavailable as exc:  # a setting the server's operator must fix: one log line
        log.error("season store: %s", exc)
        st.error(UNAVAILABLE, icon=":material/error:")
        return None
    except Exception:  # a store that is down must not take the planner with it
        log.exception("the season store failed")
        st.error(UNAVAILABLE, icon=":material/error:")
        return None
    if st.session_state.get(TOKEN) != token:
        restore(season)
        st.session_state[TOKEN] = token
    return season


def restore(season: Season) -> None:
    """Fill the session from the stored season: settings widgets, marks and the undo stack."""
    config = season.config
    values = {
        state.START: season.start,
        state.WEEKS: season.weeks,
        state.SPORT: season.profile.sport.value,
        state.EQUIPMENT: list(season.profile.equipment),
        state.EXPERIENCE: season.profile.experience.value,
        state.PREFERRED_TIME: season.export.time,
        state.TIME_LIMIT: float(config.solver.time_limit_s),
    }
    for name, info in SeasonSettings.model_fields.items():
        values[field_key("season", name)] = default_widget_value(info, getattr(config.season, name))
    for rule in REGISTRY:
        params = config.params(rule.id)
        for name, info in rule.Params.model_fields.items():
            values[field_key(rule.id, name)] = default_widget_value(info, getattr(params, name))
    for chain_id, level in season.profile.start_levels.items():
        values[state.level_key(chain_id)] = level
    for key, value in values.items():
        st.session_state[key] = value
    st.session_state[state.MARKS] = season.marks.model_dump(mode="json")
    settings = settings_of(season)
    calendar = seasons.calendar_of(season.source, season.profile)
    # The app keeps one undo stack per set of inputs, so it starts at the newest plan made
    # fresh for them (first plan, setting change or refresh) and holds the re-plans after it.
    fresh = max(i for i, v in enumerate(season.history) if v.origin != "re-plan")
    line = season.history[fresh:]
    steps = [_step_of(v) for v in line]
    key = inputs_key(calendar, settings)
    st.session_state[state.LINES] = {key: steps}
    st.session_state[state.ACTIVE] = key
    st.session_state[state.REPLAN_FAILED] = None
    st.session_state[HELD] = None  # said about the season before this one, or before a refresh
    _seen(season)


# What the app saves as a re-plan's request: its undo step without the plan, so a move's undo
# takes its pin and block along after the season is reopened too.
APP_STEP = "app_step"


def _step_of(version: PlanVersion) -> Step:
    try:
        saved = json.loads(version.request_json or "{}")
    except ValueError:
        saved = {}
    if isinstance(saved, dict) and APP_STEP in saved:
        return Step.model_validate({**saved[APP_STEP], "plan": version.plan_json})
    return Step(plan=version.plan_json, applied=version.request_json)


def _request_of(step: Step | None) -> str:
    if step is None:
        return ""
    return json.dumps({APP_STEP: step.model_dump(exclude={"plan"})})


def _seen(season: Season, shown: str | None = None, key: str | None = None) -> None:
    """Remember the version, plan and marks this session holds (and the inputs key it planned
    with; None: take the next run's as it is, so opening a season never writes)."""
    st.session_state[VERSION] = season.version
    plan = shown or _fingerprint(season.current().plan_json)
    st.session_state[SEEN] = (plan, season.marks, key)


def settings_of(season: Season) -> Settings:
    return Settings(
        start=season.start,
        weeks=season.weeks,
        profile=season.profile,
        config=season.config,
        preferred_time=season.export.time,
    )


def season_calendar(season: Season) -> tuple[Calendar | None, str]:
    """The 'Calendar in' section for an open season: its calendar, and Refresh for a URL."""
    source = season.source
    digest = hashlib.sha256(source.data + (source.calendar_json or "").encode()).hexdigest()
    identity = f"season:{season.id}:{digest[:16]}"
    try:
        calendar = seasons.calendar_of(source, season.profile)
    except InputError as exc:
        st.error(f"Could not read this season's calendar. {md_escape(str(exc))}")
        return None, identity
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown(f"**Season:** {md_escape(season.name)}")
        if source.url:
            when = f"{source.fetched_at:%d %b %Y %H:%M} UTC" if source.fetched_at else "never"
            st.caption(
                f"Calendar linked by URL ({md_escape(_host(source.url))}), last fetched {when}."
            )
            with st.container(horizontal=True, gap="small"):
                st.button(
                    "Refresh from the link",
                    key="season_refresh",
                    icon=":material/refresh:",
                    on_click=_refresh,
                )
                if season.current().origin == "calendar refresh":
                    st.button(
                        "Undo this refresh",
                        key="season_undo_refresh",
                        icon=":material/undo:",
                        on_click=_undo_refresh,
                        help="Back to the calendar and plan from before the last refresh.",
                    )
            held = st.session_state.get(HELD)
            if held:
                st.warning(md_escape(held), icon=":material/report:")
                st.button(
                    "Apply the smaller calendar",
                    key="season_refresh_accept",
                    on_click=_refresh,
                    kwargs={"accept_smaller": True},
                    help="Your calendar really lost those events: fetch it again and use it.",
                )
        else:
            st.caption(f"Calendar: {md_escape(source.filename)} (saved with the season).")
    with right, st.container(horizontal=True, gap="medium"):
        st.metric("Events read", len(calendar.events), width="content")
        st.metric("Races", len(calendar.races()), width="content")
        st.metric("Plans", len(season.history), width="content")
    return calendar, identity


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or "?"


def _refresh(accept_smaller: bool = False) -> None:
    token = st.session_state.get(TOKEN)
    st.session_state[HELD] = None
    if not token:
        return
    try:
        season = seasons.refresh(
            _store(), token, today=clock.today(), accept_smaller=accept_smaller
        )
    except seasons.CalendarHeld as exc:
        st.session_state[HELD] = (
            f"The refreshed calendar was not used: {exc.note}. Your calendar and plan are as "
            "they were. If a fetch went wrong, refresh again later; if your calendar really "
            "lost those events, apply it."
        )
        return
    except seasons.PlanFailed as exc:
        st.session_state[MESSAGE] = ("error", f"The refreshed calendar has no plan: {exc}")
        return
    except (InputError, StaleSeason) as exc:
        st.session_state[MESSAGE] = ("error", str(exc))
        return
    except SeasonNotFound:
        _gone()
        return
    except StoreUnavailable as exc:
        _unavailable(exc)
        return
    restore(season)
    st.session_state[MESSAGE] = ("success", "Calendar refreshed and re-planned.")


def _unavailable(exc: StoreUnavailable) -> None:
    log.error("season store: %s", exc)
    st.session_state[MESSAGE] = ("error", UNAVAILABLE)


def _undo_refresh() -> None:
    token = st.session_state.get(TOKEN)
    if not token:
        return
    try:
        season = undo_plan(_store(), token, expected_version=st.session_state.get(VERSION))
    except StaleSeason:
        st.session_state[TOKEN] = None  # re-read on the next run
        st.session_state[MESSAGE] = (
            "warning",
            "This season changed in another tab or device, so the refresh was not undone. It "
            "has been re-read: check it and undo again if you still want to.",
        )
        return
    except SeasonNotFound:
        _gone()
        return
    except StoreUnavailable as exc:
        _unavailable(exc)
        return
    restore(season)
    st.session_state[MESSAGE] = (
        "success",
        "Refresh undone: the calendar and plan from before it are back.",
    )


# ----------------------------------------------------------------------------- saving


def _source_now(calendar: Calendar) -> Source:
    """The calendar on screen as a season source: the uploaded file's bytes, or the demo's."""
    upload = st.session_state.get(state.UPLOAD)
    if upload is not None:
        data, filename = upload.getvalue(), upload.name
    else:
        data = resources.files("planner").joinpath("data/demo_season.ics").read_bytes()
        filename = "demo_season.ics"
    return Source(filename=filename, data=data, calendar_json=calendar.model_dump_json())


def _history_now(shown: Plan) -> list[Plan]:
    """The undo stack on screen, oldest first (just the plan shown when there is none)."""
    steps = st.session_state.get(state.LINES, {}).get(st.session_state.get(state.ACTIVE)) or []
    plans = [Plan.model_validate_json(s.plan) for s in steps]
    return plans or [shown]


def _marks_now() -> Marks:
    saved = st.session_state.get(state.MARKS)
    return Marks.model_validate(saved) if saved else Marks()


def _export(settings: Settings, previous: ExportOptions | None = None) -> ExportOptions:
    base = previous or ExportOptions()
    return base.model_copy(update={"time": settings.preferred_time})


def save_view(shown: Plan, calendar: Calendar, settings: Settings) -> None:
    st.caption(
        "Save the season to keep your calendar, settings, marks and re-plans behind a private "
        "link, and to subscribe your phone to the plan."
    )
    with st.form("save_season", border=False):
        st.text_input("Season name", key=NAME, max_chars=100, placeholder="My season")
        pressed = st.form_submit_button(
            "Save this season", icon=":material/save:", key="season_save"
        )
    if not pressed:
        return
    history = _history_now(shown)
    try:
        token, season = save_season(
            _store(),
            name=(st.session_state.get(NAME) or "").strip() or "My season",
            profile=settings.profile,
            config=settings.config,
            export=_export(settings),
            start=settings.start,
            weeks=settings.weeks,
            source=_source_now(calendar),
            plan=history[0],
            marks=_marks_now(),
            history=[(p, "re-plan") for p in history[1:]],
        )
    except Exception:
        log.exception("saving the season failed")
        st.error("The season could not be saved; nothing was stored. Try again.")
        return
    _opened(token, season)


def _opened(token: str, season: Season) -> None:
    st.session_state[TOKEN] = token
    _seen(season)
    st.query_params[QUERY] = token
    st.rerun()


def url_view(settings: Settings) -> None:
    """A season planned from the private iCal link TrainingPeaks, intervals.icu or Google give."""
    with st.form("season_from_url", border=False):
        st.text_input(
            "Or plan from your calendar's private link (iCal URL)",
            key=URL_INPUT,
            placeholder="webcal://… or https://…",
            help="The link is fetched now and on every Refresh; the season is saved.",
        )
        pressed = st.form_submit_button(
            "Fetch and save", icon=":material/cloud_download:", key="season_fetch"
        )
    url = (st.session_state.get(URL_INPUT) or "").strip()
    if not pressed or not url:
        return
    try:
        with st.spinner("Fetching your calendar and planning…"):
            source = seasons.source_from_link(url)
            token, season = seasons.create(
                _store(),
                source,
                name=(st.session_state.get(NAME) or "").strip() or _host(source.url or url),
                profile=settings.profile,
                config=settings.config,
                start=settings.start,
                weeks=settings.weeks,
                export=_export(settings),
            )
    except InputError as exc:
        st.error(md_escape(str(exc)), icon=":material/link_off:")
        return
    except seasons.PlanFailed as exc:
        st.error(md_escape(f"This calendar has no plan with these settings: {exc}"))
        return
    except StoreUnavailable as exc:
        log.error("season store: %s", exc)
        st.error(UNAVAILABLE, icon=":material/error:")
        return
    _opened(token, season)


# ----------------------------------------------------------------------------- mirroring


def _reread(kind: str, text: str) -> None:
    """Re-read the season on the next run, before the widgets are drawn (not after)."""
    st.session_state[TOKEN] = None
    st.session_state[MESSAGE] = (kind, text)
    st.rerun()


def sync(season: Season, shown: Plan, calendar: Calendar, settings: Settings) -> Season:
    """Write what this session changed since it last read the season (marks, a re-plan, an
    undo, new settings or calendar edits); take the newer season when another tab wrote."""
    token = st.session_state[TOKEN]
    expected = st.session_state.get(VERSION, season.version)
    seen_plan, seen_marks, seen_key = st.session_state.get(SEEN) or (None, None, None)
    marks = _marks_now()
    shown_print = _fingerprint(shown.model_dump_json())
    key = inputs_key(calendar, settings)
    if seen_key is None:  # the first run on a season just read: this is the baseline
        st.session_state[SEEN] = (shown_print, seen_marks, key)
        return season
    if shown_print == seen_plan and marks == seen_marks and key == seen_key:
        if season.version != expected:
            _reread("info", "This season was changed in another tab or device: showing it now.")
        return season
    prints = [_fingerprint(v.plan_json) for v in season.history]
    stored = None
    try:
        store = _store()
        if key != seen_key:  # new settings or calendar edits: a fresh plan, UIDs carried over
            stored = _carry_uids(season.plan(), shown)
            calendar_json = calendar.model_dump_json()
            source = None
            if calendar_json != season.source.calendar_json:
                source = season.source.model_copy(update={"calendar_json": calendar_json})
            season = update_season(
                store,
                token,
                expected_version=expected,
                plan=stored,
                origin="setting change",
                marks=marks,
                config=settings.config,
                profile=settings.profile,
                export=_export(settings, season.export),
                source=source,
                start=settings.start,
                weeks=settings.weeks,
            )
        elif shown_print == seen_plan:
            season = set_marks(store, token, marks, expected_version=expected)
        elif len(prints) > 1 and shown_print == prints[-2]:  # "Back to the previous plan"
            # An undone move takes its pin and block along: both in the undo's transaction.
            season = undo_plan(store, token, expected_version=expected, marks=marks)
        else:  # a re-plan or a drop: the plan and the marks it was made with, together
            season = add_plan_version(
                store,
                token,
                shown,
                "re-plan",
                expected_version=expected,
                marks=marks,
                request_json=_request_of(_top_step(shown)),
            )
    except StaleSeason:
        _reread(
            "warning",
            "This season changed in another tab or device, so your last change was not saved. "
            "It has been re-read: check it and apply your change again.",
        )
    except SeasonNotFound:
        _gone()
        st.rerun()
    except Exception:  # a store that fails must not take the page with it; nothing was written
        log.exception("saving the season failed")
        _reread("error", "Your last change could not be saved, so it was undone. Try again.")
    if stored is not None:
        _reread("", "")  # show the plan as stored (UIDs carried over) with its undo stack
    _seen(season, shown_print, key)
    return season


def _top_step(shown: Plan) -> Step | None:
    """The undo step on screen, if it holds the plan shown."""
    steps = st.session_state.get(state.LINES, {}).get(st.session_state.get(state.ACTIVE)) or []
    if steps and steps[-1].plan == shown.model_dump_json():
        return steps[-1]
    return None


def _carry_uids(previous: Plan, fresh: Plan) -> Plan:
    """A fresh plan (new settings) with the UIDs of the sessions it keeps from `previous` and
    a higher SEQUENCE where they changed, so a subscribed calendar moves events, never
    duplicates them."""
    carried = fresh.model_copy(deep=True)
    since = min(previous.start, carried.start)
    match_and_diff(previous, carried, ReplanRequest(previous=previous, today=since))
    return carried


def _marks_changed(new: replanning.Marks) -> None:
    """A mark button's callback: write the marks through at once (the day panel is a fragment,
    so the page's own sync may not run before the tab closes)."""
    token = st.session_state.get(TOKEN)
    if not token:
        return
    marks = Marks.model_validate(new.model_dump())
    try:
        store = _store()
        season = set_marks(store, token, marks, expected_version=st.session_state.get(VERSION))
    except StoreUnavailable as exc:
        log.error("season store: %s", exc)
        st.toast(UNAVAILABLE, icon=":material/error:")
        return
    except (StaleSeason, SeasonNotFound):
        with contextlib.suppress(SeasonNotFound):
            st.session_state[state.MARKS] = load_season(store, token).marks.model_dump(mode="json")
        st.session_state[TOKEN] = None  # the next full run re-reads settings and plans too
        st.toast(
            "This season changed in another tab or device, so that mark was not saved. It has "
            "been re-read: mark the day again.",
            icon=":material/sync_problem:",
        )
        return
    plan, _, key = st.session_state.get(SEEN) or (None, None, None)
    st.session_state[VERSION] = season.version
    st.session_state[SEEN] = (plan, season.marks, key)


if _marks_changed.__qualname__ not in [f.__qualname__ for f in replanning.MARKS_CHANGED]:
    replanning.MARKS_CHANGED.append(_marks_changed)


# ----------------------------------------------------------------------------- the panel


def base_url() -> str:
    """Where links point: PLANNER_PUBLIC_URL or PLANNER_BASE_URL, else the address this page
    was opened at (see planner.ui.feed_links)."""
    return link_base(st.context.url, getattr(st.context, "headers", None))


def saved_plans_text(origins: list[str]) -> str:
    """'1 saved plan: the first plan.' / '4 saved plans: the first plan, then 2 re-plans and
    1 setting change.' (the origins oldest first, as the season's history holds them)."""
    if not origins:
        return "No saved plan yet."
    if len(origins) == 1:
        return f"1 saved plan: the {origins[0]}."
    counts: dict[str, int] = {}
    for origin in origins[1:]:
        counts[origin] = counts.get(origin, 0) + 1
    later = series([plural(n, origin) for origin, n in counts.items()])
    return f"{plural(len(origins), 'saved plan')}: the {origins[0]}, then {later}."


def qr_png(text: str) -> bytes:
    """A QR code drawn here (segno), never fetched from a QR service."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=5, border=2)
    return buffer.getvalue()


def _ask(what: str | None) -> None:
    st.session_state[CONFIRM] = what


def _gone() -> None:
    """This tab's link stopped opening the season (rotated or deleted in another tab)."""
    st.session_state[TOKEN] = None
    st.session_state[CONFIRM] = None
    if QUERY in st.query_params:
        del st.query_params[QUERY]
    st.session_state[MESSAGE] = (
        "warning",
        "This season's link no longer opens it: it was given a new link or deleted in another "
        "tab or device. Open the newer link, or save the season on screen again.",
    )


def _rotate() -> None:
    st.session_state[CONFIRM] = None
    token = st.session_state.get(TOKEN)
    if not token:
        return
    try:
        store = _store()
        fresh = rotate_token(store, token)
        season = load_season(store, fresh)
    except SeasonNotFound:
        _gone()
        return
    except StoreUnavailable as exc:
        _unavailable(exc)
        return
    st.session_state[TOKEN] = fresh
    st.session_state[VERSION] = season.version  # this tab's own change, not another tab's
    st.query_params[QUERY] = fresh
    st.session_state[MESSAGE] = (
        "success",
        "New private link made: the old link and feed no longer work. Subscribe again.",
    )


def _delete() -> None:
    st.session_state[CONFIRM] = None
    token = st.session_state.get(TOKEN)
    if not token:
        return
    try:
        delete_season(_store(), token)
    except SeasonNotFound:
        _gone()
        return
    except StoreUnavailable as exc:
        _unavailable(exc)
        return
    st.session_state[TOKEN] = None
    if QUERY in st.query_params:
        del st.query_params[QUERY]
    st.session_state[MESSAGE] = ("success", "Season deleted: nothing of it is kept.")


def _confirm_view(what: str) -> None:
    if what == "rotate":
        text = (
            "A new private link stops the old link and the phone feed at once: every device "
            "must open the new link and subscribe again."
        )
        label, key, action = "Make a new link", "season_rotate_confirm", _rotate
    else:
        text = "Deleting removes the season and everything saved with it, for good."
        label, key, action = "Delete for good", "season_delete_confirm", _delete
    st.warning(text, icon=":material/warning:")
    with st.container(horizontal=True, gap="small"):
        st.button(label, key=key, type="primary", on_click=action)
        st.button("Cancel", key="season_confirm_cancel", on_click=_ask, args=(None,))


def link_view(season: Season) -> None:
    token = st.session_state[TOKEN]
    info = seasons.links(token, base_url())
    # Inline code, not st.code: st.code's highlighter is 1.5 MB of script that every visit of
    # a saved season fetched for two lines (issue 20: a saved-season link within 2 s).
    st.markdown("**Private link** (bookmark it: it opens this season on any device)")
    st.markdown(f"`{info['link']}`")
    st.markdown("**Live calendar feed** (subscribe once; re-plans update it)")
    st.markdown(f"`{info['webcal']}`")
    base = base_url()
    if local_only(base):
        st.warning(local_warning(base), icon=":material/wifi_off:")
    left, right = st.columns([1, 3])
    with left:
        st.image(qr_png(info["webcal"]), caption="Scan to subscribe", width=180)
    with right:
        st.caption(feed_hint(info["feed"]))
        st.caption(saved_plans_text([v.origin for v in season.history]))
        with st.container(horizontal=True, gap="small"):
            st.button(
                "New private link",
                key="season_rotate",
                icon=":material/key:",
                on_click=_ask,
                args=("rotate",),
            )
            st.button(
                "Delete season",
                key="season_delete",
                icon=":material/delete:",
                on_click=_ask,
                args=("delete",),
            )
        what = st.session_state.get(CONFIRM)
        if what:
            _confirm_view(what)


def panel(
    season: Season | None,
    shown: Plan | None,
    calendar: Calendar | None,
    settings: Settings | None,
) -> None:
    """The 'Saved season' section: save, or the open season's links, feed and QR code."""
    message = st.session_state.pop(MESSAGE, None)
    if message and message[1]:
        kind, text = message
        show = {"success": st.success, "warning": st.warning, "info": st.info}.get(kind, st.error)
        show(md_escape(text))
    if shown is None or calendar is None or settings is None:
        return
    with st.expander("Saved season, private link and phone feed", icon=":material/link:"):
        if season is None or not st.session_state.get(TOKEN):
            save_view(shown, calendar, settings)
            url_view(settings)
            return
        season = sync(season, shown, calendar, settings)
        link_view(season)
