"""Newsletter tables: the schedule of a community's newsletter, what teachers added, and each
edition that went out (or was skipped)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class Newsletter(Base):
    """One per community. ``weekday`` (0 = Monday) and ``at_time`` are wall-clock times in
    ``timezone``, so the newsletter keeps its hour across daylight-saving changes."""

    __tablename__ = "newsletters"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), unique=True)
    author_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), default=None)
    weekday: Mapped[int | None] = mapped_column(default=None)
    at_time: Mapped[str | None] = mapped_column(String(5), default=None)
    timezone: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column()


class NewsletterEdition(Base):
    """One scheduled moment of a newsletter: posted, or skipped because nothing was added."""

    __tablename__ = "newsletter_editions"
    __table_args__ = (UniqueConstraint("newsletter_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    newsletter_id: Mapped[int] = mapped_column(ForeignKey("newsletters.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column()
    #: posting → posted; or skipped
    status: Mapped[str] = mapped_column(String(16), default="posting")
    message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    posted_at: Mapped[datetime | None] = mapped_column(default=None)


class NewsletterItem(Base):
    """A piece of the next edition, in one of the template's sections."""

    __tablename__ = "newsletter_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    newsletter_id: Mapped[int] = mapped_column(ForeignKey("newsletters.id", ondelete="CASCADE"), index=True)
    author_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), default=None)
    section: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="en")
    #: files (a photo, a flyer) that go out with it, by reference (:meth:`bot.api.messages.FileRef.to_json`)
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column()
    #: the edition that carried it (none yet: it goes in the next one)
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("newsletter_editions.id", ondelete="SET NULL"),
                                                   default=None, index=True)
