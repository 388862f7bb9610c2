"""households: children, guardians, households and join codes

Revision ID: 0001_households
Revises:
Create Date: 2026-12-01 10:38:58.787907
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0001_households"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("households",)
depends_on: str | Sequence[str] | None = "0004"


def upgrade() -> None:
    op.create_table(
        "household_households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_household_households_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_households")),
    )
    with op.batch_alter_table("household_households", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_households_community_id"), ["community_id"], unique=False)

    op.create_table(
        "household_children",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("teacher_member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_household_children_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_member_id"],
            ["members.id"],
            name=op.f("fk_household_children_teacher_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_children")),
        sa.UniqueConstraint("community_id", "label", name=op.f("uq_household_children_community_id_label")),
    )
    with op.batch_alter_table("household_children", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_children_community_id"), ["community_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_household_children_teacher_member_id"), ["teacher_member_id"], unique=False
        )

    op.create_table(
        "household_join_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_household_join_attempts_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_join_attempts")),
    )
    with op.batch_alter_table("household_join_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_join_attempts_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_join_attempts_member_id"), ["member_id"], unique=False)

    op.create_table(
        "household_members",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household_households.id"],
            name=op.f("fk_household_members_household_id_household_households"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_household_members_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_household_members")),
    )
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_members_household_id"), ["household_id"], unique=False)

    op.create_table(
        "household_guardians",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("receives", sa.Boolean(), nullable=False),
        sa.Column("may_book", sa.Boolean(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("restriction_reason", sa.Text(), nullable=True),
        sa.Column("class_wide", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["household_children.id"],
            name=op.f("fk_household_guardians_child_id_household_children"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_household_guardians_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_guardians")),
        sa.UniqueConstraint("child_id", "member_id", name=op.f("uq_household_guardians_child_id_member_id")),
    )
    with op.batch_alter_table("household_guardians", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_guardians_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_guardians_member_id"), ["member_id"], unique=False)

    op.create_table(
        "household_join_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", bot.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("used_at", bot.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("used_by_member_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["household_children.id"],
            name=op.f("fk_household_join_codes_child_id_household_children"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_household_join_codes_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_member_id"],
            ["members.id"],
            name=op.f("fk_household_join_codes_created_by_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["used_by_member_id"],
            ["members.id"],
            name=op.f("fk_household_join_codes_used_by_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_join_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_household_join_codes_code_hash")),
    )
    with op.batch_alter_table("household_join_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_join_codes_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_join_codes_community_id"), ["community_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("household_join_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_join_codes_community_id"))
        batch_op.drop_index(batch_op.f("ix_household_join_codes_child_id"))

    op.drop_table("household_join_codes")
    with op.batch_alter_table("household_guardians", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_guardians_member_id"))
        batch_op.drop_index(batch_op.f("ix_household_guardians_child_id"))

    op.drop_table("household_guardians")
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_members_household_id"))

    op.drop_table("household_members")
    with op.batch_alter_table("household_join_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_join_attempts_member_id"))
        batch_op.drop_index(batch_op.f("ix_household_join_attempts_at"))

    op.drop_table("household_join_attempts")
    with op.batch_alter_table("household_children", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_children_teacher_member_id"))
        batch_op.drop_index(batch_op.f("ix_household_children_community_id"))

    op.drop_table("household_children")
    with op.batch_alter_table("household_households", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_households_community_id"))

    op.drop_table("household_households")
