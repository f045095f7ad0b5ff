"""The tables: a season, its source calendar, its plan versions and the athlete's marks.

A season is found by the SHA-256 of its private token, never by the token itself: a copy of the
database does not hand out working links, and a lookup by hash leaks nothing about the token's
characters through timing. `version` is the optimistic-lock counter every user action bumps.
`uid_scope` goes into the iCal UIDs of the season's feed and exports, so two seasons never share
a UID; it never changes, so re-plans keep their UIDs.

A calendar URL is stored sealed (`url_sealed`, see `url_cipher`): its path and query are often
the calendar's only password. Calendars a refresh replaced or held back are kept as
`CalendarVersionRow`s, so a bad refresh can be seen and undone.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from planner.store.tokens import new_uid_scope


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class SeasonRow(Base):
    __tablename__ = "seasons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    uid_scope: Mapped[str] = mapped_column(String(32), default=new_uid_scope)
    name: Mapped[str] = mapped_column(String(200))
    sport: Mapped[str] = mapped_column(String(20))
    profile_json: Mapped[str] = mapped_column(Text)
    config_json: Mapped[str] = mapped_column(Text)
    export_json: Mapped[str] = mapped_column(Text)
    start: Mapped[dt.date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    source: Mapped[SourceRow] = relationship(
        back_populates="season", cascade="all, delete-orphan", uselist=False
    )
    plans: Mapped[list[PlanVersionRow]] = relationship(
        back_populates="season", cascade="all, delete-orphan", order_by="PlanVersionRow.number"
    )
    marks: Mapped[list[MarkRow]] = relationship(
        back_populates="season", cascade="all, delete-orphan", order_by="MarkRow.day"
    )
    calendars: Mapped[list[CalendarVersionRow]] = relationship(
        back_populates="season",
        cascade="all, delete-orphan",
        order_by="CalendarVersionRow.number",
    )

    # SQLAlchemy adds "AND version = :old" to every UPDATE and raises StaleDataError on a miss.
    __mapper_args__ = {"version_id_col": version}


class SourceRow(Base):
    """The calendar the season was planned from: uploaded bytes, or a URL and its last fetch."""

    __tablename__ = "calendar_sources"

    season_id: Mapped[int] = mapped_column(
        ForeignKey("seasons.id", ondelete="CASCADE"), primary_key=True
    )
    filename: Mapped[str] = mapped_column(String(300))
    url_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # The calendar as planned (imported, with the athlete's review edits), as Calendar JSON.
    calendar_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    fetched_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    season: Mapped[SeasonRow] = relationship(back_populates="source")


class CalendarVersionRow(Base):
    """A source calendar the season does not plan from: one a refresh replaced ("previous"), a
    worse read a refresh held back ("held"), or a refreshed one an undo took back ("undone")."""

    __tablename__ = "calendar_versions"
    __table_args__ = (UniqueConstraint("season_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(300))
    url_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    calendar_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    fetched_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    events: Mapped[int] = mapped_column(Integer)
    # The plan version a refresh made when it replaced this calendar: undoing it restores this.
    plan_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    season: Mapped[SeasonRow] = relationship(back_populates="calendars")


class PlanVersionRow(Base):
    """One plan the season has had, with what made it; undone versions stay as history."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("season_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(30))
    plan_json: Mapped[str] = mapped_column(Text)
    request_json: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    season: Mapped[SeasonRow] = relationship(back_populates="plans")


class MarkRow(Base):
    """A day the athlete marked: done or missed (history), pinned or blocked (to come)."""

    __tablename__ = "marks"
    __table_args__ = (UniqueConstraint("season_id", "kind", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    day: Mapped[dt.date] = mapped_column(Date)

    season: Mapped[SeasonRow] = relationship(back_populates="marks")


class RefreshRunRow(Base):
    """One `planner season refresh --all`: its id, the day it plans from, and whether it ended."""

    __tablename__ = "refresh_runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    today: Mapped[dt.date] = mapped_column(Date)
    engine: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class RefreshOutcomeRow(Base):
    """What a run did to one season. A `refreshed` row is written in the transaction that saves
    the new plan, so a run killed and resumed never re-plans that season again."""

    __tablename__ = "refresh_outcomes"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("refresh_runs.id", ondelete="CASCADE"), primary_key=True
    )
    season_id: Mapped[int] = mapped_column(
        ForeignKey("seasons.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    outcome: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    plan_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
