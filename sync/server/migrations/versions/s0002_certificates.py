"""certificate signing keys, serial blocks, revocation lists

Revision ID: s0002_certificates
Revises: s0001_initial
Create Date: 2026-12-02 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "s0002_certificates"
down_revision: str | None = "s0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signing_key",
        sa.Column("key_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("public_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("private_key_enc", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("valid_from", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("valid_until", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("revoked_after", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("key_id"),
    )
    with op.batch_alter_table("signing_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_key_commune_code"), ["commune_code"], unique=False)

    op.create_table(
        "serial_block",
        sa.Column("request_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("first", sa.BigInteger(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("request_id"),
    )
    with op.batch_alter_table("serial_block", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_serial_block_commune_code"), ["commune_code"], unique=False)

    op.create_table(
        "revocation_list",
        sa.Column("commune_code", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("commune_code"),
    )


def downgrade() -> None:
    op.drop_table("revocation_list")
    with op.batch_alter_table("serial_block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_serial_block_commune_code"))
    op.drop_table("serial_block")
    with op.batch_alter_table("signing_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_key_commune_code"))
    op.drop_table("signing_key")
