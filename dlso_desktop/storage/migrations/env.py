"""Alembic environment: always called programmatically with a live connection (see storage.db)."""

from alembic import context
from sqlmodel import SQLModel

import dlso_desktop.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things: copy-and-move tables instead
)
with context.begin_transaction():
    context.run_migrations()
if connection.in_transaction():
    connection.commit()
