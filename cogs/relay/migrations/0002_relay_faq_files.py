"""files posted with an FAQ entry, by reference

Revision ID: 0002_relay
Revises: 0001_relay
Create Date: 2026-12-01 13:58:02.576961
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_relay"
down_revision: str | None = "0001_relay"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("relay_faq", schema=None) as batch_op:
        batch_op.add_column(sa.Column("files", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("relay_faq", schema=None) as batch_op:
        batch_op.drop_column("files")
