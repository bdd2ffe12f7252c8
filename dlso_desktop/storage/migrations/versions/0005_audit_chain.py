"""audit trail: hash chain, append-only triggers, seq never reused

Revision ID: 0005_audit_chain
Revises: 0004_outbox_rejected_index
Create Date: 2026-12-02 19:00:00

The table is rebuilt (AUTOINCREMENT cannot be added in place): the existing entries are copied in seq order,
each given ``prev_hash`` and ``hash`` (see dlso_desktop.storage.audit), a page at a time, so an upgraded
database verifies. Then triggers refuse UPDATE and DELETE.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from dlso_desktop.storage import audit

revision: str = '0005_audit_chain'
down_revision: str | None = '0004_outbox_rejected_index'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = {
    'audit_entry_no_update': 'UPDATE',
    'audit_entry_no_delete': 'DELETE',
}


def upgrade() -> None:
    conn = op.get_bind()
    op.create_table('audit_entry_new',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('device_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('table_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('row_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(), server_default=sa.text("''"), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(), server_default=sa.text("''"), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sqlite_autoincrement=True
    )
    last_seq, last_hash = 0, audit.genesis(audit.device_id_of(conn))
    while True:
        rows = conn.exec_driver_sql(
            'SELECT seq, at, user_id, device_id, action, table_name, row_id, summary FROM audit_entry'
            f' WHERE seq > ? ORDER BY seq LIMIT {audit.PAGE}',
            (last_seq,),
        ).all()
        if not rows:
            break
        chained = []
        for row in rows:
            # the entries keep their numbers (a gap stays a gap: verify reports it)
            seq = int(row[0])
            digest = audit.entry_hash(seq, *row[1:], last_hash)
            chained.append((seq, *row[1:], last_hash, digest))
            last_seq, last_hash = seq, digest
        conn.exec_driver_sql(
            'INSERT INTO audit_entry_new (seq, at, user_id, device_id, action, table_name, row_id, summary,'
            ' prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            chained,
        )
    op.drop_table('audit_entry')
    op.rename_table('audit_entry_new', 'audit_entry')
    for name, event in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON audit_entry"
            f" BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: {event} refused'); END"
        )


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f'DROP TRIGGER IF EXISTS {name}')
    with op.batch_alter_table('audit_entry', schema=None, recreate='always') as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
