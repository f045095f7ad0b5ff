"""Alembic environment: runs on the connection `planner.store.database` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from planner.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Two processes opening a fresh database at once: the second waits, then finds it done.
        connection.execute(text("SELECT pg_advisory_xact_lock(724514)"))
    context.run_migrations()
