"""Survey tables.

An anonymous survey keeps its answers only as counts on the survey row (``counts``), changed
under a row lock, and who took part in a table with no answer and no time in it; nothing
links a person to a choice, not even the order rows were written in. A named survey keeps
each family's answer (they may change it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class Survey(Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    author_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), default=None)
    question: Mapped[str] = mapped_column(Text)
    #: {"labels": [...]}
    options: Mapped[dict[str, Any]] = mapped_column()
    language: Mapped[str] = mapped_column(String(16), default="en")
    anonymous: Mapped[bool] = mapped_column(default=True)
    #: results are also shown per answering family's language
    by_language: Mapped[bool] = mapped_column(default=False)
    #: anonymous answers: {"<option index>:<language or ''>": count}
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open")
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column()


class SurveyParticipant(Base):
    """Someone answered an anonymous survey (so they answer once) — never what they chose."""

    __tablename__ = "survey_participants"
    __table_args__ = (UniqueConstraint("survey_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)


class SurveyAnswer(Base):
    """A family's answer to a named survey."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("survey_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    option_index: Mapped[int] = mapped_column()
    language: Mapped[str] = mapped_column(String(16), default="")
    at: Mapped[datetime] = mapped_column()
