"""Calendar links sealed at rest, and the calendars a refresh replaced or held back.

Revision ID: 0004
Revises: 0003 (refresh runs, made alongside on the fleet branch)
Create Date: 2026-12-01

Every stored URL is encrypted with the store's key (`planner.store.url_cipher`), which the
store hands to the migration; the plain column is then dropped, so no copy stays readable.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _cipher():  # noqa: ANN202 - the store's UrlCipher
    return op.get_context().config.attributes["url_cipher"]


def upgrade() -> None:
    op.add_column("calendar_sources", sa.Column("url_sealed", sa.Text(), nullable=True))
    sources = sa.table(
        "calendar_sources",
        sa.column("season_id", sa.Integer),
        sa.column("url", sa.Text),
        sa.column("url_sealed", sa.Text),
    )
    connection = op.get_bind()
    cipher = _cipher()
    rows = connection.execute(
        sa.select(sources.c.season_id, sources.c.url).where(sources.c.url.is_not(None))
    ).all()
    for season_id, url in rows:
        connection.execute(
            sources.update()
            .where(sources.c.season_id == season_id)
            .values(url_sealed=cipher.seal(url))
        )
    with op.batch_alter_table("calendar_sources") as batch:
        batch.drop_column("url")
    op.create_table(
        "calendar_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "season_id",
            sa.Integer(),
            sa.ForeignKey("seasons.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("url_sealed", sa.Text(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("calendar_json", sa.Text(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("plan_number", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("season_id", "number"),
    )
    op.create_index("ix_calendar_versions_season_id", "calendar_versions", ["season_id"])


def downgrade() -> None:
    op.drop_table("calendar_versions")
    op.add_column("calendar_sources", sa.Column("url", sa.Text(), nullable=True))
    sources = sa.table(
        "calendar_sources",
        sa.column("season_id", sa.Integer),
        sa.column("url", sa.Text),
        sa.column("url_sealed", sa.Text),
    )
    connection = op.get_bind()
    cipher = _cipher()
    rows = connection.execute(
        sa.select(sources.c.season_id, sources.c.url_sealed).where(
            sources.c.url_sealed.is_not(None)
        )
    ).all()
    for season_id, sealed in rows:
        connection.execute(
            sources.update().where(sources.c.season_id == season_id).values(url=cipher.open(sealed))
        )
    with op.batch_alter_table("calendar_sources") as batch:
        batch.drop_column("url_sealed")
