"""Survey tables.

A family survey counts each household once: the latest answer from a home replaces the one
given before by someone who lives there (a person in no household is a home of their own).

An anonymous survey keeps its answers only as counts on the survey row (``counts``), changed
under a row lock; who took part, in a table with no answer and no time in it (so each person
answers once); and, while it is open, which count each household's answer sits in, under a
one-way code of the household (no person, no time), so a later answer from the same home
can take its place. Closing the survey deletes both. A named survey keeps each household's
answer with the person who gave it last (they may change it).
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
    #: the key of the one-way household codes of an anonymous survey (:class:`SurveyHouseholdChoice`)
    secret: Mapped[str] = mapped_column(String(64), default="", server_default="")
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


class SurveyHouseholdChoice(Base):
    """While an anonymous survey is open: the count a household's answer is in, under a
    one-way code of the household, so a co-parent's later answer moves it instead of adding
    a second. One row per household (the unique key holds it under parallel answers)."""

    __tablename__ = "survey_household_choices"
    __table_args__ = (UniqueConstraint("survey_id", "household_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    household_code: Mapped[str] = mapped_column(String(64))
    #: the key of :attr:`Survey.counts` the answer is counted in ("<option index>:<language>")
    counted: Mapped[str] = mapped_column(String(40))


class SurveyAnswer(Base):
    """A household's answer to a named survey, with whoever in it answered last."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("survey_id", "household"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: the household the answer counts for (:meth:`bot.api.families.Families.household_keys`)
    household: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    option_index: Mapped[int] = mapped_column()
    language: Mapped[str] = mapped_column(String(16), default="")
    at: Mapped[datetime] = mapped_column()
