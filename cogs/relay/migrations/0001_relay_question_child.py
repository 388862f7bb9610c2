"""Relay: questions name the child they are about and whether the asker shared them.

The relay's own branch (its first tables came with the core's first revisions).

Revision ID: 0001_relay
Revises:
Depends on: 0004
Create Date: 2026-12-01 10:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001_relay'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ('relay',)
depends_on: str | Sequence[str] | None = '0004'


def upgrade() -> None:
    with op.batch_alter_table('relay_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('child_label', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('shared', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('relay_questions', schema=None) as batch_op:
        batch_op.drop_column('shared')
        batch_op.drop_column('child_label')
        batch_op.drop_column('child_id')
