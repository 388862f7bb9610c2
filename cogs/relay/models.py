"""Relay tables: questions, every message in a conversation, teachers' office hours and
published FAQ entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow


class Question(Base):
    __tablename__ = "relay_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    family_member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    teacher_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"),
                                                           index=True, default=None)
    #: the child the question is about (``core.families``), and its label as the teacher saw it
    child_id: Mapped[int | None] = mapped_column(default=None)
    child_label: Mapped[str | None] = mapped_column(String(40), default=None)
    #: the asker shared it with the child's other guardians (later answers reach them too)
    shared: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: choosing (the family picks a teacher) → open → resolved.
    status: Mapped[str] = mapped_column(String(16), default="open")
    #: where the teacher reads it: a DM channel, or a thread in the staff channel.
    teacher_channel_id: Mapped[str | None] = mapped_column(String(64), default=None)
    thread_root_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)


class RelayMessage(Base):
    """One message of a conversation. ``event_key`` is unique: one relay per family message,
    however often the platform delivers it."""

    __tablename__ = "relay_messages"
    __table_args__ = (Index("ix_relay_messages_delivered", "delivered_message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("relay_questions.id", ondelete="CASCADE"), index=True)
    #: "in" (family → teacher) or "out" (teacher → family).
    direction: Mapped[str] = mapped_column(String(8))
    author_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True,
                                                          default=None)
    event_key: Mapped[str] = mapped_column(String(255), unique=True)
    text: Mapped[str] = mapped_column(Text)
    source_language: Mapped[str] = mapped_column(String(16))
    target_language: Mapped[str] = mapped_column(String(16))
    translated_text: Mapped[str | None] = mapped_column(Text, default=None)
    delivered_channel_id: Mapped[str | None] = mapped_column(String(64), default=None)
    delivered_message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OfficeHours(Base):
    __tablename__ = "relay_office_hours"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    spec: Mapped[str] = mapped_column(String(64))


class FaqEntry(Base):
    """A teacher's anonymised public answer. Never linked to the family who asked."""

    __tablename__ = "relay_faq"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    author_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), default=None)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    #: files posted with it (a map, a form), by reference (:meth:`bot.api.messages.FileRef.to_json`)
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
