"""Alert tables: the alert itself, one row per community that serialises the rate limit, and
each family's "Got it"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class Alert(Base):
    """draft (shown to its author with a confirm button) → sent; or cancelled."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    author_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), default=None)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="en")
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    #: an admin sent it inside the rate-limit window
    override: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    followed_up_at: Mapped[datetime | None] = mapped_column(default=None)


class AlertGate(Base):
    """The moment a community last sent an alert. One conditional update of this row decides
    whether an alert may go out, so two confirmations at the same moment send one alert."""

    __tablename__ = "alert_gates"

    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True)
    last_sent_at: Mapped[datetime | None] = mapped_column(default=None)


class AlertAck(Base):
    """A family pressed "Got it" on an alert (the channel post, a DM or its follow-up)."""

    __tablename__ = "alert_acks"
    __table_args__ = (UniqueConstraint("alert_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column()
