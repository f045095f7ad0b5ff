"""The season repository: one function per user action, each one transaction.

Every write takes the season's `expected_version` (what the caller last read); when another tab
or process wrote in between, `StaleSeason` is raised and nothing is written, so the caller
re-reads and tries again instead of overwriting a mark it never saw. Reads return plain pydantic
snapshots, never live ORM rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from planner.config import PlannerConfig
from planner.domain import AthleteProfile, Calendar
from planner.export.options import ExportOptions
from planner.plan import Plan
from planner.store import tokens
from planner.store.database import Store
from planner.store.models import (
    CalendarVersionRow,
    MarkRow,
    PlanVersionRow,
    RefreshOutcomeRow,
    SeasonRow,
    SourceRow,
    utcnow,
)
from planner.store.url_cipher import UrlCipher

log = logging.getLogger(__name__)

Origin = Literal["first plan", "re-plan", "setting change", "calendar refresh"]
MARK_KINDS = ("pins", "blocks", "done", "missed")
KEPT_CALENDARS = 10  # calendar versions kept per season (each up to the 10 MB file limit)
# A season is opened by its private token (every link, the feed, the CLI) or, by jobs that run on
# the server itself over every season (the batch refresh), by its id. An id never comes from a
# request: a route only ever passes the token it was given, a string.
SeasonKey = str | int


class SeasonNotFound(LookupError):
    """No season has this token (unknown, rotated or deleted: deliberately indistinguishable)."""

    def __init__(self) -> None:
        super().__init__("no season has this link; it may have been rotated or deleted")


class StaleSeason(RuntimeError):
    """Someone else changed the season since it was read: re-read it and apply the change again."""

    def __init__(self, expected: int, current: int) -> None:
        self.expected, self.current = expected, current
        super().__init__(
            f"the season changed elsewhere (version {current}, you had {expected}): "
            "it has been re-read; apply your change again"
        )


class Marks(BaseModel):
    pins: list[dt.date] = Field(default_factory=list)
    blocks: list[dt.date] = Field(default_factory=list)
    done: list[dt.date] = Field(default_factory=list)
    missed: list[dt.date] = Field(default_factory=list)


class Source(BaseModel):
    """The calendar the season plans around."""

    filename: str
    data: bytes
    url: str | None = None
    fetched_at: dt.datetime | None = None
    calendar_json: str | None = Field(
        default=None, description="The calendar as planned (review edits included), if kept."
    )
    url_unreadable: bool = Field(
        default=False,
        description="A link is stored but this store's key cannot open it (the key was lost).",
    )


class CalendarVersion(BaseModel):
    """A source calendar the season does not plan from (its bytes stay in the store)."""

    number: int
    state: Literal["previous", "held", "undone"] = Field(
        description="previous: a refresh replaced it; held: a refresh read it but did not apply "
        "it (see note); undone: a refresh applied it and an undo took it back."
    )
    filename: str
    fetched_at: dt.datetime | None
    events: int
    plan_number: int | None = Field(
        description="The plan version that replaced it; undoing that plan brings it back."
    )
    note: str
    created_at: dt.datetime


class PlanVersion(BaseModel):
    number: int
    origin: str
    plan_json: str
    request_json: str = ""
    created_at: dt.datetime
    undone: bool = False

    def plan(self) -> Plan:
        return Plan.model_validate_json(self.plan_json)


class Season(BaseModel):
    """A snapshot of one season as stored."""

    id: int
    uid_scope: str = Field(description="Part of every iCal UID of this season (feed, exports).")
    name: str
    sport: str
    profile: AthleteProfile
    config: PlannerConfig
    export: ExportOptions
    start: dt.date
    weeks: int
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    source: Source
    marks: Marks
    history: list[PlanVersion] = Field(description="Plan versions not undone, oldest first.")
    calendars: list[CalendarVersion] = Field(
        default_factory=list, description="Calendars replaced or held back, oldest first."
    )

    def current(self) -> PlanVersion:
        return self.history[-1]

    def plan(self) -> Plan:
        return self.current().plan()


class SeasonSummary(BaseModel):
    """A line of `season list`: no token (only its hash is stored)."""

    id: int
    name: str
    sport: str
    start: dt.date
    weeks: int
    plans: int
    updated_at: dt.datetime


class FeedHead(BaseModel):
    """What tells a feed's version without its plan: enough to answer from a cache or a 304."""

    season_id: int
    uid_scope: str
    export_json: str
    plan_number: int
    updated_at: dt.datetime


class FeedPlan(FeedHead):
    """What the feed needs: the current plan, the export options, and a stamp for caching."""

    plan_json: str


# ----------------------------------------------------------------------------- reading


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite drops the zone


def _row(session: Session, token: SeasonKey, *, full: bool = True) -> SeasonRow:
    if isinstance(token, int):
        query = select(SeasonRow).where(SeasonRow.id == token)
    elif tokens.well_formed(token):
        query = select(SeasonRow).where(SeasonRow.token_hash == tokens.token_hash(token))
    else:
        raise SeasonNotFound()
    if full:
        query = query.options(
            selectinload(SeasonRow.source),
            selectinload(SeasonRow.plans),
            selectinload(SeasonRow.marks),
            selectinload(SeasonRow.calendars).load_only(
                CalendarVersionRow.number,
                CalendarVersionRow.state,
                CalendarVersionRow.filename,
                CalendarVersionRow.fetched_at,
                CalendarVersionRow.events,
                CalendarVersionRow.plan_number,
                CalendarVersionRow.note,
                CalendarVersionRow.created_at,
            ),
        )
    row = session.scalars(query).one_or_none()
    if row is None or (isinstance(token, str) and not tokens.matches(token, row.token_hash)):
        raise SeasonNotFound()
    return row


def _snapshot(row: SeasonRow, cipher: UrlCipher) -> Season:
    marks: dict[str, list[dt.date]] = {kind: [] for kind in MARK_KINDS}
    for mark in row.marks:
        marks[mark.kind].append(mark.day)
    source = row.source
    return Season(
        id=row.id,
        uid_scope=row.uid_scope,
        name=row.name,
        sport=row.sport,
        profile=AthleteProfile.model_validate_json(row.profile_json),
        config=PlannerConfig.model_validate_json(row.config_json),
        export=ExportOptions.model_validate_json(row.export_json),
        start=row.start,
        weeks=row.weeks,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        version=row.version,
        source=_source(source, cipher),
        marks=Marks(**{k: sorted(v) for k, v in marks.items()}),
        history=[
            PlanVersion(
                number=p.number,
                origin=p.origin,
                plan_json=p.plan_json,
                request_json=p.request_json,
                created_at=_aware(p.created_at),
            )
            for p in row.plans
            if p.undone_at is None
        ],
        calendars=[
            CalendarVersion(
                number=c.number,
                state=c.state,
                filename=c.filename,
                fetched_at=_aware(c.fetched_at) if c.fetched_at else None,
                events=c.events,
                plan_number=c.plan_number,
                note=c.note,
                created_at=_aware(c.created_at),
            )
            for c in row.calendars
        ],
    )


def _source(row: SourceRow | CalendarVersionRow, cipher: UrlCipher) -> Source:
    url = cipher.open(row.url_sealed)
    return Source(
        filename=row.filename,
        data=row.data,
        url=url,
        fetched_at=_aware(row.fetched_at) if row.fetched_at else None,
        calendar_json=row.calendar_json,
        url_unreadable=row.url_sealed is not None and url is None,
    )


def load_season(store: Store, token: SeasonKey) -> Season:
    """The season behind `token` (or season id), or `SeasonNotFound`."""
    with store.session() as session:
        return _snapshot(_row(session, token), store.cipher)


def calendar_version(store: Store, token: str, number: int) -> Source:
    """The calendar kept as version `number` of the season (SeasonNotFound, or LookupError)."""
    with store.session() as session:
        row = _row(session, token, full=False)
        found = session.scalars(
            select(CalendarVersionRow).where(
                CalendarVersionRow.season_id == row.id, CalendarVersionRow.number == number
            )
        ).one_or_none()
        if found is None:
            raise LookupError(f"this season has no calendar version {number}")
        return _source(found, store.cipher)


def _reader(store: Store) -> Connection:
    """A connection for one read-only statement: autocommit, so PostgreSQL gets no BEGIN and
    no ROLLBACK around it (the feed's round trips were most of its time there)."""
    store.check()
    return store.engine.connect().execution_options(isolation_level="AUTOCOMMIT")


def feed_head(store: Store, token: str) -> FeedHead:
    """The season's feed version (current plan number, export options, last change) in one
    query without the plan itself, or SeasonNotFound. Polling phones mostly need only this."""
    if not tokens.well_formed(token):
        raise SeasonNotFound()
    digest = tokens.token_hash(token)
    query = (
        select(
            SeasonRow.id,
            SeasonRow.token_hash,
            SeasonRow.uid_scope,
            SeasonRow.export_json,
            SeasonRow.updated_at,
            func.max(PlanVersionRow.number),
        )
        .join(PlanVersionRow, PlanVersionRow.season_id == SeasonRow.id)
        .where(SeasonRow.token_hash == digest, PlanVersionRow.undone_at.is_(None))
        .group_by(SeasonRow.id)
    )
    with _reader(store) as connection:
        row = connection.execute(query).one_or_none()
    if row is None or not tokens.matches(token, row[1]):
        raise SeasonNotFound()
    season_id, _, uid_scope, export_json, updated_at, number = row
    return FeedHead(
        season_id=season_id,
        uid_scope=uid_scope,
        export_json=export_json,
        plan_number=number,
        updated_at=_aware(updated_at),
    )


def feed_plan_of(store: Store, head: FeedHead) -> FeedPlan:
    """`head` with its plan (the version it names)."""
    query = select(PlanVersionRow.plan_json).where(
        PlanVersionRow.season_id == head.season_id, PlanVersionRow.number == head.plan_number
    )
    with _reader(store) as connection:
        plan_json = connection.execute(query).scalar_one()
    return FeedPlan(**head.model_dump(), plan_json=plan_json)


def feed_plan(store: Store, token: str) -> FeedPlan:
    """The current plan and export options only (what a polling phone needs), or SeasonNotFound."""
    return feed_plan_of(store, feed_head(store, token))


def list_seasons(store: Store) -> list[SeasonSummary]:
    with store.session() as session:
        counts = (
            select(PlanVersionRow.season_id, func.count().label("n"))
            .where(PlanVersionRow.undone_at.is_(None))
            .group_by(PlanVersionRow.season_id)
            .subquery()
        )
        rows = session.execute(
            select(SeasonRow, counts.c.n)
            .join(counts, counts.c.season_id == SeasonRow.id, isouter=True)
            .order_by(SeasonRow.id)
        ).all()
        return [
            SeasonSummary(
                id=s.id,
                name=s.name,
                sport=s.sport,
                start=s.start,
                weeks=s.weeks,
                plans=n or 0,
                updated_at=_aware(s.updated_at),
            )
            for s, n in rows
        ]


# ----------------------------------------------------------------------------- writing


def save_season(
    store: Store,
    *,
    name: str,
    profile: AthleteProfile,
    config: PlannerConfig,
    export: ExportOptions,
    start: dt.date,
    weeks: int,
    source: Source,
    plan: Plan,
    marks: Marks | None = None,
    history: list[tuple[Plan, Origin]] | None = None,
) -> tuple[str, Season]:
    """A new season with its first plan (and `history`, newer plans made before it was saved);
    returns its private token (shown once, never stored)."""
    token = tokens.new_token()
    now = utcnow()
    row = SeasonRow(
        token_hash=tokens.token_hash(token),
        name=name[:200],
        sport=profile.sport.value,
        profile_json=profile.model_dump_json(),
        config_json=config.model_dump_json(),
        export_json=export.model_dump_json(),
        start=start,
        weeks=weeks,
        created_at=now,
        updated_at=now,
        source=SourceRow(
            filename=source.filename[:300],
            data=source.data,
            url_sealed=store.cipher.seal(source.url),
            fetched_at=source.fetched_at,
            calendar_json=source.calendar_json,
        ),
        plans=[
            PlanVersionRow(
                number=1,
                origin="first plan",
                plan_json=plan.model_dump_json(),
                request_json="",
                created_at=now,
            )
        ],
    )
    for number, (later, origin) in enumerate(history or [], start=2):
        row.plans.append(
            PlanVersionRow(
                number=number,
                origin=origin,
                plan_json=later.model_dump_json(),
                request_json="",
                created_at=now,
            )
        )
    _replace_marks(row, marks or Marks())
    with store.session() as session, session.begin():
        session.add(row)
    log.info("season %s saved", row.id)
    return token, load_season(store, token)


def _replace_marks(row: SeasonRow, marks: Marks) -> None:
    # Keep the rows that stay and add only new ones: a delete-all-then-insert would insert
    # first (SQLAlchemy's flush order) and trip the (season, kind, day) unique constraint.
    wanted = {(kind, day) for kind in MARK_KINDS for day in getattr(marks, kind)}
    kept = [m for m in row.marks if (m.kind, m.day) in wanted]
    have = {(m.kind, m.day) for m in kept}
    row.marks = kept + [MarkRow(kind=k, day=d) for k, d in sorted(wanted - have)]


def update_season(
    store: Store,
    token: SeasonKey,
    *,
    expected_version: int | None = None,
    plan: Plan | None = None,
    origin: Origin | None = None,
    request_json: str = "",
    marks: Marks | None = None,
    config: PlannerConfig | None = None,
    profile: AthleteProfile | None = None,
    export: ExportOptions | None = None,
    name: str | None = None,
    source: Source | None = None,
    start: dt.date | None = None,
    weeks: int | None = None,
    replaced_events: int | None = None,
    refresh_run: str | None = None,
) -> Season:
    """One user action, all or nothing: optionally a new plan version, marks, settings, source.

    `expected_version` is the version the caller read; None skips the check (the CLI acts on
    whatever is newest). With `replaced_events` (the event count of the calendar in use) a new
    `source` keeps the one it replaces as a "previous" calendar version, tied to the plan of
    this action, so undoing that plan brings the calendar back (a refresh). Raises
    `StaleSeason` or `SeasonNotFound`; nothing is written then.
    `refresh_run`: the batch refresh run that made this plan; its `refreshed` record is
    written in the same transaction, so a resumed run knows the season is done.
    """
    with store.session() as session:
        try:
            with session.begin():
                row = _row(session, token)
                if expected_version is not None and row.version != expected_version:
                    raise StaleSeason(expected_version, row.version)
                number = _apply(
                    row, plan, origin, request_json, marks, config, profile, export, name
                )
                if source is not None:
                    if replaced_events is not None and source.data != row.source.data:
                        _keep_calendar(row, row.source, "previous", replaced_events, number)
                    _set_source(row.source, source, store.cipher)
                if start is not None:
                    row.start = start
                if weeks is not None:
                    row.weeks = weeks
                if refresh_run is not None:  # merge: it replaces a failed try of the same run
                    session.merge(
                        RefreshOutcomeRow(
                            run_id=refresh_run,
                            season_id=row.id,
                            outcome="refreshed",
                            reason="",
                            plan_number=number,
                            finished_at=row.updated_at,
                        )
                    )
        except StaleDataError:
            # Another writer committed between our read and our UPDATE ... WHERE version = old.
            current = load_season(store, token).version
            raise StaleSeason(expected_version or -1, current) from None
        return _snapshot(row, store.cipher)


def _apply(
    row: SeasonRow,
    plan: Plan | None,
    origin: Origin | None,
    request_json: str,
    marks: Marks | None,
    config: PlannerConfig | None,
    profile: AthleteProfile | None,
    export: ExportOptions | None,
    name: str | None,
) -> int | None:
    """The changes on the season row; the number of the plan version added, if one was."""
    now = utcnow()
    row.updated_at = now  # always dirty, so the version is bumped even for child-only changes
    number = None
    if plan is not None:
        number = max((p.number for p in row.plans), default=0) + 1
        row.plans.append(
            PlanVersionRow(
                number=number,
                origin=origin or "re-plan",
                plan_json=plan.model_dump_json(),
                request_json=request_json,
                created_at=now,
            )
        )
    if marks is not None:
        _replace_marks(row, marks)
    if config is not None:
        row.config_json = config.model_dump_json()
    if profile is not None:
        row.profile_json = profile.model_dump_json()
        row.sport = profile.sport.value
    if export is not None:
        row.export_json = export.model_dump_json()
    if name is not None:
        row.name = name[:200]
    return number


def _set_source(target: SourceRow | CalendarVersionRow, source: Source, cipher: UrlCipher) -> None:
    target.filename = source.filename[:300]
    target.data = source.data
    target.url_sealed = cipher.seal(source.url)
    target.fetched_at = source.fetched_at
    target.calendar_json = source.calendar_json


def _keep_calendar(
    row: SeasonRow,
    source: SourceRow | CalendarVersionRow,
    state: str,
    events: int,
    plan_number: int | None,
    note: str = "",
) -> CalendarVersionRow:
    """A copy of `source` as the season's newest calendar version; the oldest beyond
    `KEPT_CALENDARS` go."""
    kept = CalendarVersionRow(
        number=max((c.number for c in row.calendars), default=0) + 1,
        state=state,
        filename=source.filename,
        url_sealed=source.url_sealed,
        data=source.data,
        calendar_json=source.calendar_json,
        fetched_at=source.fetched_at,
        events=events,
        plan_number=plan_number,
        note=note,
        created_at=utcnow(),
    )
    row.calendars.append(kept)
    while len(row.calendars) > KEPT_CALENDARS:
        row.calendars.remove(row.calendars[0])
    return kept


def hold_calendar(store: Store, token: SeasonKey, source: Source, *, events: int, note: str) -> int:
    """Keep a calendar a refresh read but did not apply (`note` says why): the season, its plan
    and its version stay as they are, so open tabs see no change. Returns its number."""
    with store.session() as session, session.begin():
        row = _row(session, token, full=False)
        number = 1 + (
            session.scalar(
                select(func.max(CalendarVersionRow.number)).where(
                    CalendarVersionRow.season_id == row.id
                )
            )
            or 0
        )
        held = CalendarVersionRow(season_id=row.id, number=number, state="held", events=events,
                                  plan_number=None, note=note, created_at=utcnow())  # fmt: skip
        _set_source(held, source, store.cipher)
        session.add(held)
    log.info("season %s: refreshed calendar held back as version %s", row.id, number)
    return number


def add_plan_version(
    store: Store,
    token: str,
    plan: Plan,
    origin: Origin,
    *,
    expected_version: int | None = None,
    marks: Marks | None = None,
    request_json: str = "",
) -> Season:
    """A re-plan, setting change or refresh: the new plan becomes current, marks saved with it."""
    return update_season(
        store,
        token,
        expected_version=expected_version,
        plan=plan,
        origin=origin,
        marks=marks,
        request_json=request_json,
    )


def set_marks(store: Store, token: str, marks: Marks, *, expected_version: int | None) -> Season:
    return update_season(store, token, expected_version=expected_version, marks=marks)


def undo_plan(
    store: Store,
    token: str,
    *,
    expected_version: int | None = None,
    marks: Marks | None = None,
) -> Season:
    """Back to the previous plan version (the first plan is never undone); kept as history.

    `marks` are saved in the same transaction (an undone move takes its pin and block along).
    Undoing a calendar refresh also brings back the calendar it replaced; the refreshed one is
    kept as an "undone" calendar version."""
    with store.session() as session:
        try:
            with session.begin():
                row = _row(session, token)
                if expected_version is not None and row.version != expected_version:
                    raise StaleSeason(expected_version, row.version)
                active = [p for p in row.plans if p.undone_at is None]
                row.updated_at = utcnow()
                if len(active) > 1:
                    active[-1].undone_at = row.updated_at
                    if active[-1].origin == "calendar refresh":
                        _restore_calendar(row, active[-1].number, store.cipher)
                if marks is not None:
                    _replace_marks(row, marks)
        except StaleDataError:
            raise StaleSeason(expected_version or -1, load_season(store, token).version) from None
        return _snapshot(row, store.cipher)


def _restore_calendar(row: SeasonRow, plan_number: int, cipher: UrlCipher) -> None:
    previous = next(
        (c for c in row.calendars if c.state == "previous" and c.plan_number == plan_number), None
    )
    if previous is None:  # trimmed away, or the refresh read the same bytes: nothing to restore
        return
    events = _events_in(row.source.calendar_json, previous.events)
    undone = _keep_calendar(row, row.source, "undone", events, plan_number)
    undone.note = "taken back by an undo"
    source = _source(previous, cipher)
    _set_source(row.source, source, cipher)
    row.calendars.remove(previous)


def _events_in(calendar_json: str | None, fallback: int) -> int:
    if not calendar_json:
        return fallback
    return len(Calendar.model_validate_json(calendar_json).events)


def rotate_token(store: Store, token: str) -> str:
    """A new token for the season; the old link and feed stop working at once."""
    fresh = tokens.new_token()
    with store.session() as session, session.begin():
        row = _row(session, token, full=False)
        row.token_hash = tokens.token_hash(fresh)
        row.updated_at = utcnow()
    log.info("season %s: token rotated", row.id)
    return fresh


def delete_season(store: Store, token: str) -> None:
    """The season and everything under it are gone (plans, marks, source calendar)."""
    with store.session() as session, session.begin():
        row = _row(session, token)
        season_id = row.id
        session.delete(row)
    log.info("season %s deleted", season_id)
