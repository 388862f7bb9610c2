"""Sign-up tables. The invariants (capacity, one place per family per slot, one status per
place, waitlist order) are kept by the database: a unique (slot, member) row with a status,
and every change made under a lock on the sign-up row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow


class Signup(Base):
    __tablename__ = "signups"
    __table_args__ = (Index("ix_signups_message", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    organiser_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"),
                                                             default=None)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16), default="en")
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    #: the files posted with the card (a flyer, a permission slip), by reference
    #: (:meth:`bot.api.messages.FileRef.to_json`): the platform keeps the bytes
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    #: a link to the posted card, where families open its files (the organiser's own upload
    #: may be private to them); None where the platform gives no link
    card_link: Mapped[str | None] = mapped_column(String(500), default=None)
    #: "reactions" (a slot per emoji) or "buttons" (more slots than reactions allow).
    mode: Mapped[str] = mapped_column(String(16), default="reactions")
    when_at: Mapped[datetime | None] = mapped_column(default=None)
    closes_at: Mapped[datetime | None] = mapped_column(default=None)
    per_family: Mapped[int] = mapped_column(default=1)
    reminders: Mapped[str] = mapped_column(String(64), default="24h,1h")
    #: open → closed (no new claims) or cancelled (everyone told).
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Slot(Base):
    __tablename__ = "signup_slots"
    __table_args__ = (
        UniqueConstraint("signup_id", "emoji_key"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("signups.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    emoji_key: Mapped[str] = mapped_column(String(64))
    emoji_display: Mapped[str] = mapped_column(String(100), default="")
    label: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column()


class Claim(Base):
    """A family's place on a slot: confirmed, or waitlisted in ``claimed_at``/``id`` order.

    One row per (slot, member) with a status column, so a family can never hold two places
    on one slot nor be confirmed and waitlisted at once. ``member_id`` is NULL only for a
    place on a past event whose holder erased their data: the place still counts (the
    event happened with that many volunteers) but no longer says who held it. NULLs are
    distinct for the unique constraint on both SQLite and PostgreSQL.
    """

    __tablename__ = "signup_claims"
    __table_args__ = (
        UniqueConstraint("slot_id", "member_id"),
        CheckConstraint("status in ('confirmed', 'waitlisted')", name="status_known"),
        Index("ix_signup_claims_slot_status", "slot_id", "status", "claimed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("signups.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("signup_slots.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    claimed_at: Mapped[datetime] = mapped_column()
