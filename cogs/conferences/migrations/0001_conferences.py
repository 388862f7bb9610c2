"""conferences, slots and bookings

Revision ID: 0001_conferences
Revises:
Depends on: 0004 (the core's newest revision when conferences arrived)
Create Date: 2026-12-01 10:40:27.048362
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = '0001_conferences'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ('conferences',)
depends_on: str | Sequence[str] | None = '0004'


def upgrade() -> None:
    op.create_table('conferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('teacher_member_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('availability', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('length_minutes', sa.Integer(), nullable=False),
    sa.Column('closes_at', bot.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('channel_id', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'],
                            name=op.f('fk_conferences_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['teacher_member_id'], ['members.id'],
                            name=op.f('fk_conferences_teacher_member_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conferences'))
    )
    with op.batch_alter_table('conferences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conferences_community_id'), ['community_id'], unique=False)
        batch_op.create_index('ix_conferences_message', ['message_id'], unique=False)

    op.create_table('conference_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'],
                            name=op.f('fk_conference_slots_conference_id_conferences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_slots')),
    sa.UniqueConstraint('conference_id', 'starts_at', name=op.f('uq_conference_slots_conference_id_starts_at'))
    )
    with op.batch_alter_table('conference_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_slots_conference_id'), ['conference_id'], unique=False)

    op.create_table('conference_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=64), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'],
                            name=op.f('fk_conference_bookings_conference_id_conferences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'],
                            name=op.f('fk_conference_bookings_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['conference_slots.id'],
                            name=op.f('fk_conference_bookings_slot_id_conference_slots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_bookings')),
    sa.UniqueConstraint('conference_id', 'holder', name=op.f('uq_conference_bookings_conference_id_holder')),
    sa.UniqueConstraint('slot_id', name=op.f('uq_conference_bookings_slot_id'))
    )
    with op.batch_alter_table('conference_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_bookings_conference_id'), ['conference_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conference_bookings_member_id'), ['member_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('conference_bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_bookings_member_id'))
        batch_op.drop_index(batch_op.f('ix_conference_bookings_conference_id'))

    op.drop_table('conference_bookings')
    with op.batch_alter_table('conference_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_slots_conference_id'))

    op.drop_table('conference_slots')
    with op.batch_alter_table('conferences', schema=None) as batch_op:
        batch_op.drop_index('ix_conferences_message')
        batch_op.drop_index(batch_op.f('ix_conferences_community_id'))

    op.drop_table('conferences')
