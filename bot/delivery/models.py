"""The outbox: one row per (message, person), whatever feature sent it.

A row is written in the same transaction as the change it tells about, claimed
(``sending``) in a committed transaction before the platform is asked, and settled after.
A row found still ``sending`` belongs to an attempt whose process died after the claim: it
is sent again under the same key, and the platform (or the console's journal) recognises
the key, so nobody gets the message twice.

status: pending → sending → sent; waiting (quiet hours) → sending; unreachable (DMs closed
or the person is gone: never retried); failed (gave up after the last attempt); expired
(its moment passed during quiet hours); cancelled (withdrawn, or the person left).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow


class OutboxEntry(Base):
    __tablename__ = "deliveries"
    #: ids are never reused (SQLite would reuse the highest id after a delete): a row's id
    #: is part of the key the platform recognises a delivery by
    __table_args__ = (Index("ix_deliveries_subject", "subject", "member_id"),
                      Index("ix_deliveries_digest", "community_id", "mode", "status"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    #: de-duplication: the cause and the person (a redelivered cause adds no second row)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    #: which feature's message this is (digest grouping, read hooks), e.g. "announcement"
    topic: Mapped[str] = mapped_column(String(64))
    #: what it is about, e.g. "announcement:12" (status reports, cancelling, editing)
    subject: Mapped[str] = mapped_column(String(128))
    #: "dm" or "digest", decided when the row is written from the person's choice and urgency
    mode: Mapped[str] = mapped_column(String(16))
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    #: a catalog/person text description (bot.delivery.content), rendered when sent
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: show a "Got it" button and count the press as seen
    tracked: Mapped[bool] = mapped_column(default=False)
    #: after this moment the message is pointless (a reminder for an event that began)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    #: told by name when this person cannot be reached
    sender_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"),
                                                         default=None)
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    dm_channel_id: Mapped[str | None] = mapped_column(String(64), default=None)
    dm_message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    #: the digest message this row went out in (its "Got it" covers every tracked row in it)
    digest_batch: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    seen_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
