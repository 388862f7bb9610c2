"""Announcement tables: the post and each family's acknowledgement (DMs and digests are the
core delivery service's outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    author_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), default=None)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="en")
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    urgent: Mapped[bool] = mapped_column(default=False)
    #: the files posted with it, by reference (:meth:`bot.api.messages.FileRef.to_json`): the
    #: platform keeps the bytes
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    #: scheduled → posted; or cancelled (before posting) / deleted (after).
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    scheduled_for: Mapped[datetime] = mapped_column()
    posted_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(default=None)


class Acknowledgement(Base):
    """A family pressed "Got it": once per member and announcement."""

    __tablename__ = "announcement_acks"
    __table_args__ = (UniqueConstraint("announcement_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
