"""files that go out with a newsletter item, by reference

Revision ID: 0002_newsletter
Revises: 0001_newsletter
Create Date: 2026-12-01 13:54:02.163222
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_newsletter"
down_revision: str | None = "0001_newsletter"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("newsletter_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("files", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("newsletter_items", schema=None) as batch_op:
        batch_op.drop_column("files")
