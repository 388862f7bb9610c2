"""Homework: the assignments a teacher posted (the first revision of the homework branch).

Revision ID: 0001_homework
Revises:
Depends on: 0004 (communities and members)
Create Date: 2026-12-01 10:35:25.830169
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = '0001_homework'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ('homework',)
depends_on: str | Sequence[str] | None = '0004'


def upgrade() -> None:
    op.create_table('homework_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('author_member_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_at', bot.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_member_id'], ['members.id'], name=op.f('fk_homework_assignments_author_member_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_homework_assignments_community_id_communities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homework_assignments'))
    )
    with op.batch_alter_table('homework_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_homework_due', ['community_id', 'due_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('homework_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_homework_due')

    op.drop_table('homework_assignments')
