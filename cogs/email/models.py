"""One table: the e-mail address of a family reached off the platform."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UTCDateTime


class EmailContact(Base):
    """A family's address, with the consent the school recorded and what became of it."""

    __tablename__ = "email_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    address: Mapped[str] = mapped_column(String(320))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: who recorded the consent (emptied when that person's data is erased)
    consent_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: the mail server refused the address for good (a 5xx answer)
    refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
