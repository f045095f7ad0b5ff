"""Batch refresh runs: which seasons a `planner season refresh --all` run has dealt with.

A run has an id and the day it plans from. Each season it deals with gets one outcome row:
`refreshed` (written with the new plan, in the same transaction), `unchanged`, `held` (a read
that lost most of the calendar, kept aside) or `failed` (with the reason). A run killed halfway
is resumed by its id: seasons with any outcome but `failed` are skipped, failed ones are tried
again, so no season is re-planned twice.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select, update

from planner.store.database import Store
from planner.store.models import RefreshOutcomeRow, RefreshRunRow, SeasonRow, SourceRow, utcnow

Outcome = Literal["refreshed", "unchanged", "held", "failed"]
# A resumed run does not touch these. "held": the read lost most of the calendar and was kept
# aside (`seasons.CalendarHeld`); the athlete applies it or not, no nightly run does.
FINAL: tuple[Outcome, ...] = ("refreshed", "unchanged", "held")


class RefreshRun(BaseModel):
    id: str
    today: dt.date
    engine: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None


class OutcomeRecord(BaseModel):
    season_id: int
    outcome: Outcome
    reason: str = ""
    plan_number: int | None = None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite drops the zone


def _run(row: RefreshRunRow) -> RefreshRun:
    return RefreshRun(
        id=row.id,
        today=row.today,
        engine=row.engine,
        started_at=_aware(row.started_at),
        finished_at=_aware(row.finished_at) if row.finished_at else None,
    )


def new_run_id(today: dt.date) -> str:
    return f"{today:%Y%m%d}-{secrets.token_hex(4)}"


def start_run(store: Store, today: dt.date, engine: str, run_id: str | None = None) -> RefreshRun:
    row = RefreshRunRow(
        id=run_id or new_run_id(today), today=today, engine=engine[:200], started_at=utcnow()
    )
    with store.session() as session, session.begin():
        session.add(row)
    return _run(row)


def get_run(store: Store, run_id: str) -> RefreshRun | None:
    with store.session() as session:
        row = session.get(RefreshRunRow, run_id)
        return _run(row) if row is not None else None


def unfinished_run(store: Store) -> RefreshRun | None:
    """The newest run that never finished (killed or crashed), if any."""
    with store.session() as session:
        row = session.scalars(
            select(RefreshRunRow)
            .where(RefreshRunRow.finished_at.is_(None))
            .order_by(RefreshRunRow.started_at.desc())
            .limit(1)
        ).one_or_none()
        return _run(row) if row is not None else None


def finish_run(store: Store, run_id: str) -> None:
    with store.session() as session, session.begin():
        session.execute(
            update(RefreshRunRow).where(RefreshRunRow.id == run_id).values(finished_at=utcnow())
        )


def linked_seasons(store: Store) -> list[tuple[int, str]]:
    """(id, name) of every season whose calendar comes from a URL, by id."""
    with store.session() as session:
        rows = session.execute(
            select(SeasonRow.id, SeasonRow.name)
            .join(SourceRow, SourceRow.season_id == SeasonRow.id)
            .where(SourceRow.url_sealed.is_not(None))
            .order_by(SeasonRow.id)
        ).all()
        return [(season_id, name) for season_id, name in rows]


def outcomes(store: Store, run_id: str) -> dict[int, OutcomeRecord]:
    """Season id -> what the run did to it so far."""
    with store.session() as session:
        rows = session.scalars(
            select(RefreshOutcomeRow).where(RefreshOutcomeRow.run_id == run_id)
        ).all()
        return {
            r.season_id: OutcomeRecord(
                season_id=r.season_id,
                outcome=r.outcome,  # type: ignore[arg-type]
                reason=r.reason,
                plan_number=r.plan_number,
            )
            for r in rows
        }


def outcome(store: Store, run_id: str, season_id: int) -> OutcomeRecord | None:
    with store.session() as session:
        row = session.get(RefreshOutcomeRow, (run_id, season_id))
        if row is None:
            return None
        return OutcomeRecord(
            season_id=row.season_id,
            outcome=row.outcome,  # type: ignore[arg-type]
            reason=row.reason,
            plan_number=row.plan_number,
        )


def record(store: Store, run_id: str, result: OutcomeRecord) -> None:
    """Write an `unchanged` or `failed` outcome (a `refreshed` one comes with its plan)."""
    with store.session() as session, session.begin():
        if result.outcome == "failed":
            existing = session.get(RefreshOutcomeRow, (run_id, result.season_id))
            if existing is not None and existing.outcome in FINAL:
                return  # never let a late failure hide that the season was done
        session.merge(
            RefreshOutcomeRow(
                run_id=run_id,
                season_id=result.season_id,
                outcome=result.outcome,
                reason=result.reason[:2000],
                plan_number=result.plan_number,
                finished_at=utcnow(),
            )
        )
