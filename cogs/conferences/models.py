"""Conference tables. "Exactly one family per slot" and "one booking per holder per
conference" are unique constraints, so the database keeps them even if two processes race;
every booking change also runs under a lock on the conference row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow


class Conference(Base):
    """A teacher's conference sign-up: slots generated from their availability."""

    __tablename__ = "conferences"
    __table_args__ = (Index("ix_conferences_message", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    teacher_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"),
                                                          default=None)
    title: Mapped[str] = mapped_column(String(200))
    #: the teacher's words, as typed (shown back on the preview and the "edit" command)
    availability: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16), default="en")
    #: the teacher's zone when the availability was read
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    location: Mapped[str] = mapped_column(String(200), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    length_minutes: Mapped[int] = mapped_column(default=15)
    closes_at: Mapped[datetime | None] = mapped_column(default=None)
    channel_id: Mapped[str] = mapped_column(String(64), default="")
    message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    #: draft (previewed to the teacher) → open (posted) → cancelled
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConferenceSlot(Base):
    """One bookable time. A removed slot keeps its row (status "removed") so a press on an
    old menu is recognised and refused kindly."""

    __tablename__ = "conference_slots"
    __table_args__ = (UniqueConstraint("conference_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conferences.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    #: open | removed
    status: Mapped[str] = mapped_column(String(16), default="open")


class ConferenceBooking(Base):
    """Who holds a slot. ``holder`` is what "one booking each" counts (see
    :mod:`cogs.conferences.holders`): a child ("child:3", with ``child_id``) or, for someone
    linked to no child, a person ("member:12"). ``child_id`` has no foreign key: children
    belong to another feature's tables, and a booking outlives none of its guardians (see
    :meth:`ConferencesCog.delete_member`)."""

    __tablename__ = "conference_bookings"
    __table_args__ = (UniqueConstraint("slot_id"), UniqueConstraint("conference_id", "holder"))

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conferences.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("conference_slots.id", ondelete="CASCADE"))
    holder: Mapped[str] = mapped_column(String(64))
    #: who booked or last changed it (the teacher's contact when the child has no other reader)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    #: the child the booking is for (None: a person's own booking)
    child_id: Mapped[int | None] = mapped_column(default=None, index=True)
    #: shown on the schedule: the child's label, or the person's name
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SchoolEvent(Base):
    """An event families answer yes / no / maybe to (a family literacy night), with a
    headcount of adults and children."""

    __tablename__ = "school_events"
    __table_args__ = (Index("ix_school_events_message", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    organiser_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"),
                                                            default=None)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(16), default="en")
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    location: Mapped[str] = mapped_column(String(200), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    channel_id: Mapped[str] = mapped_column(String(64), default="")
    message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    #: open | cancelled
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventRsvp(Base):
    """One answer per person (see :func:`cogs.conferences.holders.person_key`)."""

    __tablename__ = "school_event_rsvps"
    __table_args__ = (UniqueConstraint("event_id", "holder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("school_events.id", ondelete="CASCADE"), index=True)
    holder: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    #: yes | maybe | no
    answer: Mapped[str] = mapped_column(String(8))
    adults: Mapped[int] = mapped_column(default=1)
    children: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
