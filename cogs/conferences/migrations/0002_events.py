"""events with RSVP

Revision ID: 0002_conferences
Revises: 0001_conferences
Create Date: 2026-12-01 10:57:34.789980
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base


revision: str = '0002_conferences'
down_revision: str | None = '0001_conferences'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('school_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('organiser_member_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('starts_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('channel_id', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_school_events_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organiser_member_id'], ['members.id'], name=op.f('fk_school_events_organiser_member_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_events'))
    )
    with op.batch_alter_table('school_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_events_community_id'), ['community_id'], unique=False)
        batch_op.create_index('ix_school_events_message', ['message_id'], unique=False)

    op.create_table('school_event_rsvps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=64), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=8), nullable=False),
    sa.Column('adults', sa.Integer(), nullable=False),
    sa.Column('children', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['school_events.id'], name=op.f('fk_school_event_rsvps_event_id_school_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_school_event_rsvps_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_event_rsvps')),
    sa.UniqueConstraint('event_id', 'holder', name=op.f('uq_school_event_rsvps_event_id_holder'))
    )
    with op.batch_alter_table('school_event_rsvps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_event_rsvps_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_school_event_rsvps_member_id'), ['member_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('school_event_rsvps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_event_rsvps_member_id'))
        batch_op.drop_index(batch_op.f('ix_school_event_rsvps_event_id'))

    op.drop_table('school_event_rsvps')
    with op.batch_alter_table('school_events', schema=None) as batch_op:
        batch_op.drop_index('ix_school_events_message')
        batch_op.drop_index(batch_op.f('ix_school_events_community_id'))

    op.drop_table('school_events')
