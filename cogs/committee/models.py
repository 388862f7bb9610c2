"""Committee tables: polls and votes, tasks, meetings, decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow


class Poll(Base):
    __tablename__ = "committee_polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    creator_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), default=None)
    question: Mapped[str] = mapped_column(Text)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"labels": [...]}
    language: Mapped[str] = mapped_column(String(16), default="en")
    anonymous: Mapped[bool] = mapped_column(default=False)
    hide_results: Mapped[bool] = mapped_column(default=False)
    multi: Mapped[bool] = mapped_column(default=False)
    #: "reactions" (numbered emoji) or "buttons" (more options than reactions allow).
    mode: Mapped[str] = mapped_column(String(16), default="reactions")
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    closes_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default="open")
    #: Anonymous polls: the key of the one-way voter codes, deleted (with the codes) at close.
    secret: Mapped[str | None] = mapped_column(String(64), default=None)
    #: Totals frozen at close, so erasing a voter later never changes a closed result.
    final_counts: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class Vote(Base):
    """A named vote (``member_id``), or an anonymous one (``voter_code`` only, no identity)."""

    __tablename__ = "committee_votes"
    __table_args__ = (
        UniqueConstraint("poll_id", "member_id", "option_index"),
        UniqueConstraint("poll_id", "voter_code", "option_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("committee_polls.id", ondelete="CASCADE"), index=True)
    option_index: Mapped[int] = mapped_column()
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True,
                                                  default=None)
    voter_code: Mapped[str | None] = mapped_column(String(64), default=None)


class Task(Base):
    __tablename__ = "committee_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True,
                                                        default=None)
    creator_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), default=None)
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(default=None)


class Meeting(Base):
    __tablename__ = "committee_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    times: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"times": [iso, ...]}
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("committee_polls.id", ondelete="SET NULL"), default=None)
    creator_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), default=None)
    chosen_index: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Decision(Base):
    __tablename__ = "committee_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    recorder_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"),
                                                           default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
