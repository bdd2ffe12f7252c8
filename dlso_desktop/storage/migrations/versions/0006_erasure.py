"""person: erased_at, the marker of a person whose data was erased (consent withdrawn)

Revision ID: 0006_erasure
Revises: 0005_audit_chain
Create Date: 2026-12-02 21:10:00

A plain nullable column: existing persons are not erased. See docs/DATA_MODEL.md, "Erasure".
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006_erasure'
down_revision: str | None = '0005_audit_chain'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('person', sa.Column('erased_at', sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
