"""Batch refresh runs and what each did to every season (resumable `season refresh --all`).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refresh_runs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("today", sa.Date(), nullable=False),
        sa.Column("engine", sa.String(200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "refresh_outcomes",
        sa.Column(
            "run_id",
            sa.String(40),
            sa.ForeignKey("refresh_runs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "season_id",
            sa.Integer(),
            sa.ForeignKey("seasons.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("plan_number", sa.Integer(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_refresh_outcomes_season_id", "refresh_outcomes", ["season_id"])


def downgrade() -> None:
    op.drop_index("ix_refresh_outcomes_season_id", "refresh_outcomes")
    op.drop_table("refresh_outcomes")
    op.drop_table("refresh_runs")
