"""E-mail: the addresses of families reached off the platform (the first revision of the email
branch).

Revision ID: 0001_email
Revises:
Depends on: 0004 (members)
Create Date: 2026-12-01 11:17:30.883202
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = '0001_email'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ('email',)
depends_on: str | Sequence[str] | None = '0004'


def upgrade() -> None:
    op.create_table('email_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('consent_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('consent_by_member_id', sa.Integer(), nullable=True),
    sa.Column('unsubscribed_at', bot.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('refused_at', bot.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consent_by_member_id'], ['members.id'], name=op.f('fk_email_contacts_consent_by_member_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_email_contacts_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_contacts')),
    sa.UniqueConstraint('member_id', name=op.f('uq_email_contacts_member_id'))
    )


def downgrade() -> None:
    op.drop_table('email_contacts')
