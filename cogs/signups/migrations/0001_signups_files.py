"""Sign-ups: the files posted with a card, by reference, and the card's link.

The sign-ups' own branch (their first tables came with the core's first revisions).

Revision ID: 0001_signups
Revises:
Depends on: 0004
Create Date: 2026-12-01 16:46:26
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001_signups'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ('signups',)
depends_on: str | Sequence[str] | None = '0004'


def upgrade() -> None:
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('files', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('card_link', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_column('card_link')
        batch_op.drop_column('files')
