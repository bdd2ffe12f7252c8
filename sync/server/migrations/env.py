"""Alembic environment of the server database: always called programmatically with a live connection."""

from alembic import context

from sync.server.models import METADATA

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=METADATA,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
if connection.in_transaction():
    connection.commit()
