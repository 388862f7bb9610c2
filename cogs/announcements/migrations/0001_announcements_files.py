"""files posted with an announcement, by reference

Revision ID: 0001_announcements
Revises:
Create Date: 2026-12-01 13:38:48.041079
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_announcements"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("announcements",)
depends_on: str | Sequence[str] | None = "0004"


def upgrade() -> None:
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("files", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_column("files")
