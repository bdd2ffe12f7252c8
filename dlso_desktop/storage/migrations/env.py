"""Alembic environment: always called programmatically with a live connection (see storage.db)."""

from alembic import context
from sqlmodel import SQLModel

import dlso_desktop.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """The FTS5 search indexes (and their shadow tables) are made by raw DDL, not by the models."""
    return not (type_ == "table" and name is not None and name.startswith("fts_"))


context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things: copy-and-move tables instead
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
if connection.in_transaction():
    connection.commit()
