"""One outbox for every feature's messages; members remember their DM channel.

Announcement deliveries move into the core's ``deliveries`` table with the same ids (jobs
queued before the upgrade still name them), their text described as content the delivery
service renders when it sends.

Revision ID: 0004
Revises: 0003_member_role_sets
Create Date: 2026-12-01 08:34:10.423165
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sqlalchemy.dialects import postgresql

import bot.db.base

revision: str = '0004'
down_revision: str | None = '0003_member_role_sets'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=128), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('urgency', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('tracked', sa.Boolean(), nullable=False),
    sa.Column('expires_at', bot.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sender_member_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('dm_channel_id', sa.String(length=64), nullable=True),
    sa.Column('dm_message_id', sa.String(length=64), nullable=True),
    sa.Column('digest_batch', sa.String(length=64), nullable=True),
    sa.Column('seen_at', bot.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_deliveries_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_deliveries_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_member_id'], ['members.id'], name=op.f('fk_deliveries_sender_member_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('key', name=op.f('uq_deliveries_key')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_digest', ['community_id', 'mode', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliveries_digest_batch'), ['digest_batch'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliveries_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_deliveries_subject', ['subject', 'member_id'], unique=False)

    _copy_announcement_deliveries()
    with op.batch_alter_table('announcement_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_deliveries_announcement_id'))
        batch_op.drop_index(batch_op.f('ix_announcement_deliveries_member_id'))

    op.drop_table('announcement_deliveries')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dm_channel_id', sa.String(length=64), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('dm_channel_id')

    op.create_table('announcement_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('dm_channel_id', sa.String(length=64), nullable=True),
    sa.Column('dm_message_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_deliveries_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_announcement_deliveries_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_deliveries')),
    sa.UniqueConstraint('announcement_id', 'member_id', name=op.f('uq_announcement_deliveries_announcement_id_member_id'))
    )
    with op.batch_alter_table('announcement_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_deliveries_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcement_deliveries_announcement_id'), ['announcement_id'], unique=False)

    _copy_back_announcement_deliveries()
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_subject')
        batch_op.drop_index(batch_op.f('ix_deliveries_member_id'))
        batch_op.drop_index(batch_op.f('ix_deliveries_digest_batch'))
        batch_op.drop_index('ix_deliveries_digest')

    op.drop_table('deliveries')


_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
_deliveries = sa.table(
    'deliveries', sa.column('id', sa.Integer), sa.column('community_id', sa.Integer),
    sa.column('member_id', sa.Integer), sa.column('key', sa.String), sa.column('topic', sa.String),
    sa.column('subject', sa.String), sa.column('mode', sa.String), sa.column('urgency', sa.String),
    sa.column('status', sa.String), sa.column('content', _JSON), sa.column('tracked', sa.Boolean),
    sa.column('language', sa.String), sa.column('attempts', sa.Integer), sa.column('dm_channel_id', sa.String),
    sa.column('dm_message_id', sa.String), sa.column('created_at', bot.db.base.UTCDateTime(timezone=True)),
    sa.column('updated_at', bot.db.base.UTCDateTime(timezone=True)))
_old = sa.table(
    'announcement_deliveries', sa.column('id', sa.Integer), sa.column('announcement_id', sa.Integer),
    sa.column('member_id', sa.Integer), sa.column('mode', sa.String), sa.column('status', sa.String),
    sa.column('language', sa.String), sa.column('dm_channel_id', sa.String), sa.column('dm_message_id', sa.String),
    sa.column('created_at', bot.db.base.UTCDateTime(timezone=True)),
    sa.column('updated_at', bot.db.base.UTCDateTime(timezone=True)))
_announcements = sa.table('announcements', sa.column('id', sa.Integer), sa.column('community_id', sa.Integer),
                          sa.column('text', sa.Text), sa.column('language', sa.String), sa.column('urgent', sa.Boolean))


def _content(announcement_id: int, text: str, language: str) -> dict:
    """What the announcements feature describes for a DM or digest item (bot.delivery.content)."""
    return {"title": {"msgid": "Announcement", "params": {}},
            "body": {"written": {"$written": text, "source": language, "owner": None}},
            "actions": [{"label": "Show original", "action": "announce.original", "value": str(announcement_id),
                         "style": "secondary"}],
            "footer": f"#{announcement_id}"}


def _copy_announcement_deliveries() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_old, _announcements.c.community_id, _announcements.c.text,
                                  _announcements.c.language.label('source'), _announcements.c.urgent)
                        .join(_announcements, _announcements.c.id == _old.c.announcement_id)).mappings().all()
    values = [{"id": r["id"], "community_id": r["community_id"], "member_id": r["member_id"],
               "key": f"announcement:{r['announcement_id']}:{r['member_id']}", "topic": "announcement",
               "subject": f"announcement:{r['announcement_id']}", "mode": r["mode"],
               "urgency": "urgent" if r["urgent"] else "normal", "status": r["status"],
               "content": _content(r["announcement_id"], r["text"], r["source"]), "tracked": True,
               "language": r["language"], "attempts": 0, "dm_channel_id": r["dm_channel_id"],
               "dm_message_id": r["dm_message_id"], "created_at": r["created_at"], "updated_at": r["updated_at"]}
              for r in rows]
    if values:
        op.bulk_insert(_deliveries, values)
        if bind.dialect.name == "postgresql":  # ids were given: move the sequence past them
            bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('deliveries', 'id'), "
                                 "(SELECT MAX(id) FROM deliveries))"))


def _copy_back_announcement_deliveries() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_deliveries).where(_deliveries.c.topic == "announcement")).mappings().all()
    values = [{"id": r["id"], "announcement_id": int(r["subject"].rsplit(":", 1)[1]), "member_id": r["member_id"],
               "mode": r["mode"], "status": "pending" if r["status"] == "sending" else r["status"],
               "language": r["language"] or "en", "dm_channel_id": r["dm_channel_id"],
               "dm_message_id": r["dm_message_id"], "created_at": r["created_at"], "updated_at": r["updated_at"]}
              for r in rows]
    if values:
        op.bulk_insert(_old, values)
