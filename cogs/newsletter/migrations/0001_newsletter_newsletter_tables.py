"""newsletter: the weekly schedule, its editions, and the items teachers add

Revision ID: 0001_newsletter
Revises:
Create Date: 2026-12-01 10:49:08.794066
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0001_newsletter"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("newsletter",)
depends_on: str | Sequence[str] | None = "0004"


def upgrade() -> None:
    op.create_table(
        "newsletters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("author_member_id", sa.Integer(), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("at_time", sa.String(length=5), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_member_id"],
            ["members.id"],
            name=op.f("fk_newsletters_author_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_newsletters_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletters")),
        sa.UniqueConstraint("community_id", name=op.f("uq_newsletters_community_id")),
    )
    op.create_table(
        "newsletter_editions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newsletter_id", sa.Integer(), nullable=False),
        sa.Column("due_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("posted_at", bot.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["newsletter_id"],
            ["newsletters.id"],
            name=op.f("fk_newsletter_editions_newsletter_id_newsletters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_editions")),
        sa.UniqueConstraint("newsletter_id", "due_at", name=op.f("uq_newsletter_editions_newsletter_id_due_at")),
    )
    with op.batch_alter_table("newsletter_editions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_newsletter_editions_newsletter_id"), ["newsletter_id"], unique=False)

    op.create_table(
        "newsletter_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newsletter_id", sa.Integer(), nullable=False),
        sa.Column("author_member_id", sa.Integer(), nullable=True),
        sa.Column("section", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("created_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_member_id"],
            ["members.id"],
            name=op.f("fk_newsletter_items_author_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["newsletter_editions.id"],
            name=op.f("fk_newsletter_items_edition_id_newsletter_editions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["newsletter_id"],
            ["newsletters.id"],
            name=op.f("fk_newsletter_items_newsletter_id_newsletters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_items")),
    )
    with op.batch_alter_table("newsletter_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_newsletter_items_edition_id"), ["edition_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_newsletter_items_newsletter_id"), ["newsletter_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("newsletter_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_newsletter_items_newsletter_id"))
        batch_op.drop_index(batch_op.f("ix_newsletter_items_edition_id"))

    op.drop_table("newsletter_items")
    with op.batch_alter_table("newsletter_editions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_newsletter_editions_newsletter_id"))

    op.drop_table("newsletter_editions")
    op.drop_table("newsletters")
