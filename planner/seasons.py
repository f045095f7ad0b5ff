"""Saved seasons as the athlete lives them: plan and save, re-plan, change settings, refresh.

The layer between the store and the planner that the CLI, the app and the feed share. Each
function plans first and writes afterwards in one transaction, so a plan that fails (infeasible,
time limit, crash, killed process) leaves the last good plan and the marks as they were.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import os
from pathlib import Path
from typing import NamedTuple

from planner.catalog import load_catalog
from planner.config import PlannerConfig
from planner.domain import AthleteProfile, Calendar, Catalog
from planner.errors import InputError
from planner.export import ExportOptions, export_ical
from planner.importers import read_calendar
from planner.importers.remote import fetch_calendar, is_url, normalise
from planner.plan import Plan, Status
from planner.replan import ReplanRequest, replan
from planner.store import (
    FeedPlan,
    Marks,
    Season,
    SeasonKey,
    Source,
    Store,
    add_plan_version,
    hold_calendar,
    load_season,
    save_season,
    update_season,
)

log = logging.getLogger(__name__)

BASE_URL_ENV = "PLANNER_BASE_URL"
DEFAULT_BASE_URL = "http://localhost:8501"
OPPOSITE = {"done": "missed", "missed": "done", "pins": "blocks", "blocks": "pins"}


class PlanFailed(RuntimeError):
    """The planner found no plan; nothing was saved. `plan` holds the status and conflicts."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        reasons = "; ".join(plan.conflicts[:3]) or "no plan within the time limit"
        super().__init__(f"no plan ({plan.status.value}): {reasons}")


def base_url() -> str:
    return os.environ.get(BASE_URL_ENV, DEFAULT_BASE_URL).rstrip("/")


def links(token: str, base: str | None = None) -> dict[str, str]:
    """The season's private app link and its feed (http and webcal)."""
    root = (base or base_url()).rstrip("/")
    feed = f"{root}/feed/{token}.ics"
    return {
        "token": token,
        "link": f"{root}/?season={token}",
        "feed": feed,
        "webcal": "webcal://" + feed.split("://", 1)[1],
    }


def _ok(plan: Plan) -> bool:
    return plan.status in (Status.optimal, Status.feasible)


@functools.cache
def _catalog() -> Catalog:
    return load_catalog()


# ----------------------------------------------------------------------------- the calendar


def source_from_link(link: str) -> Source:
    """The calendar at an http(s) or webcal link, fetched now (see planner.importers.remote).
    Anything else (a path, another scheme) is refused without opening a file: the app's link
    field uses this, so a web page can never read the server's own files."""
    url = normalise(link)
    return Source(
        filename="calendar.ics",
        data=fetch_calendar(url),
        url=url,
        fetched_at=dt.datetime.now(dt.UTC),
    )


def source_from(calendar_or_url: str) -> Source:
    """A calendar file's bytes (the CLI, on the user's own machine), or a link fetched now."""
    if is_url(calendar_or_url):
        return source_from_link(calendar_or_url)
    path = Path(calendar_or_url)
    from planner.importers import load_calendar

    load_calendar(path)  # the importer's own checks and messages (missing, directory, size)
    return Source(filename=path.name, data=path.read_bytes())


def calendar_of(source: Source, profile: AthleteProfile | None = None) -> Calendar:
    """The calendar as planned: the kept one (with review edits), else the source re-imported."""
    if source.calendar_json:
        return Calendar.model_validate_json(source.calendar_json)
    return read_calendar(
        source.data, source.filename, timezone=profile.timezone if profile else None
    )


# ----------------------------------------------------------------------------- actions


def create(
    store: Store,
    source: Source,
    *,
    name: str,
    profile: AthleteProfile,
    config: PlannerConfig,
    start: dt.date,
    weeks: int,
    export: ExportOptions | None = None,
    plan: Plan | None = None,
) -> tuple[str, Season]:
    """Plan the season (unless `plan` is given) and save it; returns the private token."""
    if plan is None:
        from planner.solve import plan_season

        calendar = calendar_of(source, profile)
        plan = plan_season(calendar, _catalog(), profile, config, start=start, weeks=weeks)
    if not _ok(plan):
        raise PlanFailed(plan)
    return save_season(
        store,
        name=name,
        profile=profile,
        config=config,
        export=export or ExportOptions(),
        start=start,
        weeks=weeks,
        source=source,
        plan=plan,
    )


def merged_marks(marks: Marks, **added: list[dt.date]) -> Marks:
    """`marks` plus the days in `added` (kind -> days); a day done is no longer missed, etc."""
    data = {kind: set(getattr(marks, kind)) for kind in OPPOSITE}
    for kind, days in added.items():
        for day in days:
            data[kind].add(day)
            data[OPPOSITE[kind]].discard(day)
    return Marks(**{kind: sorted(days) for kind, days in data.items()})


def _replanned(
    season: Season,
    calendar: Calendar,
    config: PlannerConfig,
    marks: Marks,
    today: dt.date,
    pin_exercises: bool,
) -> tuple[Plan, ReplanRequest]:
    previous = season.plan()
    request = ReplanRequest(
        previous=previous,
        today=min(max(today, previous.start), previous.end),
        pins=marks.pins,
        pin_exercises=pin_exercises,
        blocks=marks.blocks,
        done=marks.done,
        missed=marks.missed,
    )
    plan = replan(calendar, _catalog(), season.profile, config, request)
    if not _ok(plan):
        raise PlanFailed(plan)
    return plan, request


def _request_json(request: ReplanRequest) -> str:
    return request.model_dump_json(exclude={"previous"})


def replan_season(
    store: Store,
    token: str,
    *,
    today: dt.date,
    marks: Marks | None = None,
    pin_exercises: bool = False,
    expected_version: int | None = None,
) -> Season:
    """Re-plan from the current plan with `marks` (default: the stored ones) and save both."""
    season = load_season(store, token)
    if expected_version is None:
        expected_version = season.version
    marks = marks or season.marks
    calendar = calendar_of(season.source, season.profile)
    plan, request = _replanned(season, calendar, season.config, marks, today, pin_exercises)
    return add_plan_version(
        store,
        token,
        plan,
        "re-plan",
        expected_version=expected_version,
        marks=marks,
        request_json=_request_json(request),
    )


def change_settings(
    store: Store,
    token: str,
    *,
    today: dt.date,
    config: PlannerConfig | None = None,
    export: ExportOptions | None = None,
    expected_version: int | None = None,
) -> Season:
    """New rule settings re-plan from the current plan (fewest moves); export options don't."""
    season = load_season(store, token)
    if expected_version is None:
        expected_version = season.version
    plan = request_json = None
    if config is not None and config != season.config:
        calendar = calendar_of(season.source, season.profile)
        plan, request = _replanned(season, calendar, config, season.marks, today, False)
        request_json = _request_json(request)
    return update_season(
        store,
        token,
        expected_version=expected_version,
        plan=plan,
        origin="setting change" if plan is not None else None,
        request_json=request_json or "",
        config=config,
        export=export,
    )


# A refresh reads what the link serves now; a read that lost most of what lies ahead is more
# likely a cut-short or wrong answer than the athlete's own change, so it is held back.
HOLD_FLOOR_EVENTS = 10  # with fewer events ahead, any read that is not empty is applied
HOLD_BELOW_SHARE = 0.5  # a read with less than half the events ahead of the one in use is held


class CalendarHeld(RuntimeError):
    """A refresh read a calendar that looks worse than the one in use (see `worse_read`): it is
    kept as held calendar version `number`, and nothing else changed. `refresh(...,
    accept_smaller=True)` applies what the link serves then."""

    def __init__(self, number: int, note: str) -> None:
        self.number, self.note = number, note
        super().__init__(
            f"the refreshed calendar was not applied: {note}; the season keeps its calendar "
            f"and plan (the read is kept as calendar version {number})"
        )


def worse_read(in_use: Calendar, read: Calendar, first: dt.date, last: dt.date) -> str | None:
    """Why `read` should not replace `in_use`, or None. Only the days `first`..`last` (today to
    the plan's end) count: feeds drop past events all the time, and a real calendar shrinks
    when sessions are deleted, so only an empty read or one that lost most of what lies ahead
    (at least `HOLD_FLOOR_EVENTS` before, under `HOLD_BELOW_SHARE` of them now) is held."""
    before = sum(1 for e in in_use.events if first <= e.date <= last)
    now = sum(1 for e in read.events if first <= e.date <= last)
    span = f"from {first:%d %b %Y} to {last:%d %b %Y}"
    if before and not now:
        return f"it has no events {span}, where the calendar in use has {before}"
    if before >= HOLD_FLOOR_EVENTS and now < before * HOLD_BELOW_SHARE:
        return f"it has {now} events {span}, where the calendar in use has {before}"
    return None


def _carry_edits(
    source: Source, in_use: Calendar, read: Calendar, profile: AthleteProfile
) -> Calendar:
    """`read` with the athlete's review edits of `in_use` (sport, kind, priority set in the
    review table) applied to the events it still has (same day and title)."""
    if not source.calendar_json:
        return read
    try:
        imported = read_calendar(source.data, source.filename, timezone=profile.timezone)
    except InputError:
        return read
    if len(imported.events) != len(in_use.events):
        return read
    edits = {
        (new.date, new.title): (new.sport, new.kind, new.priority)
        for old, new in zip(imported.events, in_use.events, strict=True)
        if (old.sport, old.kind, old.priority) != (new.sport, new.kind, new.priority)
    }
    if not edits:
        return read
    events = []
    for event in read.events:
        edit = edits.get((event.date, event.title))
        if edit is not None:
            sport, kind, priority = edit
            event = event.model_copy(update={"sport": sport, "kind": kind, "priority": priority})
        events.append(event)
    return read.model_copy(update={"events": events})


def refresh(
    store: Store,
    token: SeasonKey,
    *,
    today: dt.date,
    accept_smaller: bool = False,
    run_id: str | None = None,
) -> Season:
    """Fetch the season's calendar URL again and re-plan with the smallest change. `token` may
    be a season id (server-side jobs); `run_id` is the batch refresh run (`planner.refresh`)
    whose "refreshed" record is saved with the new plan, in the same transaction.

    The contract (the CLI, the app and `planner season refresh --all` rely on it):
    - returns the season as saved: a new plan version "calendar refresh" made from what the
      link serves now, with the athlete's review edits carried over; the calendar it replaced
      is kept as a "previous" calendar version (when the bytes changed), and undoing the
      refresh's plan (`undo_plan`) brings that calendar back. One transaction.
    - raises `InputError` (`CalendarError`) when the link cannot be fetched or read (refused,
      cut short, malformed, not a calendar) or the season has no link: nothing is written.
    - raises `CalendarHeld` when the read looks worse than the calendar in use (`worse_read`)
      and `accept_smaller` is False: the read is kept as a "held" calendar version, and the
      season, its plan, marks and version are unchanged.
    - raises `PlanFailed` (no plan for the new calendar), `StaleSeason` (another writer came
      first: try again), `SeasonNotFound`, `StoreUnavailable`: nothing is written.
    """
    season = load_season(store, token)
    if season.source.url is None:
        if season.source.url_unreadable:
            raise InputError(
                "this season's calendar link cannot be opened with this server's key",
                hint="set PLANNER_SECRET_KEY to the key it was saved with, or make a new season "
                "from the link",
            )
        raise InputError(
            "this season's calendar was uploaded, not linked",
            hint="create the season from the calendar's URL to refresh it",
        )
    url = season.source.url
    data = fetch_calendar(url)
    fetched_at = dt.datetime.now(dt.UTC)
    in_use = calendar_of(season.source, season.profile)
    read = read_calendar(data, season.source.filename, timezone=season.profile.timezone)
    read = _carry_edits(season.source, in_use, read, season.profile)
    source = Source(
        filename=season.source.filename,
        data=data,
        url=url,
        fetched_at=fetched_at,
        calendar_json=read.model_dump_json(),
    )
    previous = season.plan()
    first = min(max(today, previous.start), previous.end)
    note = worse_read(in_use, read, first, previous.end)
    if note is not None and not accept_smaller:
        number = hold_calendar(store, token, source, events=len(read.events), note=note)
        raise CalendarHeld(number, note)
    plan, request = _replanned(season, read, season.config, season.marks, today, False)
    return update_season(
        store,
        token,
        expected_version=season.version,
        plan=plan,
        origin="calendar refresh",
        request_json=_request_json(request),
        source=source,
        replaced_events=len(in_use.events),
        refresh_run=run_id,
    )


class Refreshed(NamedTuple):
    season: Season
    changed: bool  # False: the link serves the calendar planned on; nothing was saved


def refresh_if_changed(
    store: Store, key: SeasonKey, *, today: dt.date, run_id: str | None = None
) -> Refreshed:
    """`refresh`, only when the calendar the link serves differs from the one last read (its
    events or time zone: a feed that rewrote its DTSTAMPs is unchanged); otherwise nothing is
    written. A changed link is fetched again by `refresh`, which re-plans and saves under the
    version check: `StaleSeason` when the season changed meanwhile (nothing saved)."""
    season = load_season(store, key)
    if season.source.url is None:
        return Refreshed(refresh(store, key, today=today, run_id=run_id), True)  # its error
    data = fetch_calendar(season.source.url)
    if _same_calendar(season.source, data, season.profile):
        return Refreshed(season, False)
    return Refreshed(refresh(store, key, today=today, run_id=run_id), True)


def _same_calendar(old: Source, new_data: bytes, profile: AthleteProfile) -> bool:
    if old.data == new_data:
        return True
    try:
        before = read_calendar(old.data, old.filename, timezone=profile.timezone)
    except InputError:
        return False  # the last fetch was unreadable: anything readable now is a change
    after = read_calendar(new_data, old.filename, timezone=profile.timezone)
    return before.events == after.events and before.timezone == after.timezone


# ----------------------------------------------------------------------------- the feed


def feed_ics(feed: FeedPlan) -> tuple[bytes, str]:
    """The feed's bytes (the plan's .ics export with the season's options and UID scope) and
    their ETag. DTSTAMP is the season's last change, not the time of the request (RFC 5545: in
    a published calendar, when the information was last revised), so every replica and every
    re-render give the same bytes and the same ETag, and a polling phone gets its 304."""
    data = export_ical(
        Plan.model_validate_json(feed.plan_json),
        ExportOptions.model_validate_json(feed.export_json),
        stamp=feed.updated_at.replace(microsecond=0),
        uid_scope=feed.uid_scope,
    )
    return data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
