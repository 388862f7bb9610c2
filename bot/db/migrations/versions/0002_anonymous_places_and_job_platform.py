"""Anonymous places on past events; jobs stamped with the platform they need.

A place on a past event outlives its holder's erasure (member_id NULL, the foreign key sets
NULL instead of deleting the place), and a job a worker could not deliver for lack of an
adapter records the platform so only workers with that adapter claim it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 04:50:39.435044
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform', sa.String(length=16), nullable=True))

    with op.batch_alter_table('signup_claims', schema=None) as batch_op:
        batch_op.alter_column('member_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_constraint(batch_op.f('fk_signup_claims_member_id_members'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_signup_claims_member_id_members'), 'members', ['member_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    # Anonymous places cannot go back under a NOT NULL member: they are dropped.
    op.execute("DELETE FROM signup_claims WHERE member_id IS NULL")
    with op.batch_alter_table('signup_claims', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_signup_claims_member_id_members'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_signup_claims_member_id_members'), 'members', ['member_id'], ['id'], ondelete='CASCADE')
        batch_op.alter_column('member_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('platform')

