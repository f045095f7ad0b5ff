"""A season's iCal UID scope: two seasons with identical plans must not share UIDs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UID_SCOPE_BYTES = 8  # as planner.store.tokens: a migration keeps its own copy of what it wrote


def upgrade() -> None:
    op.add_column("seasons", sa.Column("uid_scope", sa.String(32), nullable=True))
    seasons = sa.table("seasons", sa.column("id", sa.Integer), sa.column("uid_scope", sa.String))
    connection = op.get_bind()
    # Seasons saved before this revision get a scope of their own too; their subscribed phones
    # see the events once more under the new UIDs, and from then on re-plans move them.
    for (season_id,) in connection.execute(sa.select(seasons.c.id)).all():
        connection.execute(
            seasons.update()
            .where(seasons.c.id == season_id)
            .values(uid_scope=secrets.token_hex(UID_SCOPE_BYTES))
        )
    with op.batch_alter_table("seasons") as batch:
        batch.alter_column("uid_scope", existing_type=sa.String(32), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("seasons") as batch:
        batch.drop_column("uid_scope")
