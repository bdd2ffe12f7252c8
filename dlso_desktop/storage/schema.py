"""Schema versions known to this build of the app.

``REVISIONS`` lists the Alembic revisions in order (a test checks it against the migration scripts). The app
opens a database at any of them (upgrading after a backup copy) and refuses any other: a database written by a
newer app is never touched. ``SCHEMA_VERSION`` is the position of the head revision; it travels with every
outbox op so the server knows which shape a change was made in.
"""

REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_drafts",
    "0003_sync_conflicts",
    "0004_outbox_rejected_index",
    "0005_audit_chain",
    "0006_erasure",
)
HEAD: str = REVISIONS[-1]
SCHEMA_VERSION: int = len(REVISIONS)
