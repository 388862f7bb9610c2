"""Household tables: a child (only the label a teacher chose), the guardians linked to it
with the flags of each link, the households that group guardians living together, join
codes (stored as hashes) and failed join attempts (for the rate limit)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow


class Child(Base):
    """A child of a class. Nothing is stored but the label (a first name or initials) and
    who created it; a child with no guardian and no teacher left is erased."""

    __tablename__ = "household_children"
    __table_args__ = (UniqueConstraint("community_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    teacher_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"),
                                                           index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Household(Base):
    """Guardians who live together. Co-parents in two homes are two households of one child."""

    __tablename__ = "household_households"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HouseholdMember(Base):
    """Which household a guardian lives in (one per member of a community)."""

    __tablename__ = "household_members"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household_households.id", ondelete="CASCADE"),
                                              index=True)


class GuardianLink(Base):
    """A guardian of a child. ``receives``: announcements and notices about the child reach
    them; ``may_book``: they may book conferences for the child; ``restricted``: an admin
    holds an order that they receive nothing about the child (``restriction_reason`` is
    for admins only; ``class_wide`` says whether they still get class-wide announcements)."""

    __tablename__ = "household_guardians"
    __table_args__ = (UniqueConstraint("child_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("household_children.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    receives: Mapped[bool] = mapped_column(default=True)
    may_book: Mapped[bool] = mapped_column(default=True)
    restricted: Mapped[bool] = mapped_column(default=False)
    restriction_reason: Mapped[str | None] = mapped_column(Text, default=None)
    class_wide: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JoinCode(Base):
    """A per-child join code. Only its SHA-256 is kept; it expires, can be revoked and is
    used once."""

    __tablename__ = "household_join_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("household_children.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"),
                                                              default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    used_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"),
                                                           default=None)


class JoinAttempt(Base):
    """A failed /join (unknown, expired, revoked or used code), counted for the rate limit."""

    __tablename__ = "household_join_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
