"""One table: the assignments a teacher posted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UTCDateTime


class Assignment(Base):
    """Homework for a class. ``due_on`` is a day in the class's time zone; the reminder job is
    keyed by the assignment, so posting, moving or removing one never reminds twice."""

    __tablename__ = "homework_assignments"
    __table_args__ = (Index("ix_homework_due", "community_id", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    #: the teacher who posted it; emptied when that teacher's data is erased (the homework stays)
    author_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    #: the language the teacher wrote in (translations start from it)
    language: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
