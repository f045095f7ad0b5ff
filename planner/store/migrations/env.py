"""Alembic environment: runs on the connection `planner.store.database` hands over, inside its
transaction and under its lock (see `database.migrate`)."""

from __future__ import annotations

from alembic import context

from planner.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
