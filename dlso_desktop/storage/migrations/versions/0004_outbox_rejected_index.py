"""outbox: partial index of refused ops

Revision ID: 0004_outbox_rejected_index
Revises: 0003_sync_conflicts
Create Date: 2026-12-02 14:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_outbox_rejected_index'
down_revision: str | None = '0003_sync_conflicts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # the Sync page and the status bar count refused ops every minute: without this index that count read
    # every acknowledged op (millions on a big laptop database) and slowed the search beside it
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(
            'ix_outbox_rejected', ['op_id'], unique=False, sqlite_where=sa.text("status = 'rejected'")
        )


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_rejected', sqlite_where=sa.text("status = 'rejected'"))
