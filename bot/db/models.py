"""Core tables: communities, members, de-duplication keys, durable jobs and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from bot.api.roles import Role
from bot.db.base import Base, utcnow


class Community(Base):
    """A platform's server or workspace, or the console community."""

    __tablename__ = "communities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    default_language: Mapped[str] = mapped_column(String(16), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.external_id}"


class RoleSet(TypeDecorator[frozenset[Role]]):
    """A set of roles stored as a sorted JSON list (JSONB on PostgreSQL).

    Family is never stored: it is what a member is when they hold no other role. The value
    is an immutable frozenset, so a change is always an assignment the session sees.
    """

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[object]:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: frozenset[Role] | None, dialect: Dialect) -> list[str]:
        return sorted({Role(role).value for role in value or ()} - {Role.FAMILY.value})

    def process_result_value(self, value: list[str] | None, dialect: Dialect) -> frozenset[Role]:
        return frozenset(Role(role) for role in value or ()) - {Role.FAMILY}


class Member(Base):
    """A person in one community: their roles, language, time zone and quiet hours.

    ``user_id`` is the platform id; ``display_name`` is only the last name the platform
    showed (kept for rosters and reports, refreshed on every event, erased on request).

    A member holds a *set* of roles from two sources kept apart: ``platform_roles`` are what
    the platform says (its roles named in configuration, owners, administrators and
    configured ids; the console's ``role=``) and are replaced whenever an
    event carries the member's roles; ``granted_roles`` are given with /role and only /role
    changes them. The effective set is the union (``roles``). Both are JSON list columns on
    the member row rather than a member_roles table: every event reads the row and checks
    permissions, so the roles come with that one read (no join, no second query), families
    met together are still created in one INSERT ... RETURNING, and "who holds role X" is
    one SQL expression (``bot.db.members.holds_role``) shared by the few look-ups that need it.
    """

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("community_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    #: Roles the platform gives this member, refreshed on every event that carries them.
    platform_roles: Mapped[frozenset[Role]] = mapped_column(RoleSet(), default=frozenset, server_default="[]")
    #: Roles given inside Homeroom with /role; a platform refresh never touches them.
    granted_roles: Mapped[frozenset[Role]] = mapped_column(RoleSet(), default=frozenset, server_default="[]")
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    writes_in: Mapped[str | None] = mapped_column(String(16), default=None)
    timezone: Mapped[str | None] = mapped_column(String(64), default=None)
    quiet_hours: Mapped[str | None] = mapped_column(String(16), default=None)
    delivery: Mapped[str] = mapped_column(String(16), default="channel")
    dms_closed: Mapped[bool] = mapped_column(default=False)
    #: the platform's DM channel with this person, once known (a DM then costs one request)
    dm_channel_id: Mapped[str | None] = mapped_column(String(64), default=None)
    is_bot: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def roles(self) -> frozenset[Role]:
        """The effective roles: platform and granted together, family when there are none."""
        held = frozenset(self.platform_roles or ()) | frozenset(self.granted_roles or ())
        return held or frozenset({Role.FAMILY})


class ProcessedEvent(Base):
    """De-duplication keys of events already handled (kept a few days)."""

    __tablename__ = "processed_events"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Job(Base):
    """A durable job: due at ``run_at``, leased by one worker at a time, retried with backoff."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_due", "status", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    run_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending")
    dedupe_key: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    lease_owner: Mapped[str | None] = mapped_column(String(64), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=6)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    #: the platform this job turned out to need, stamped by a worker that lacked its adapter
    #: (None: any worker may take it)
    platform: Mapped[str | None] = mapped_column(String(16), default=None)


class AuditEntry(Base):
    """Who read or answered what (questions, privacy requests, role changes).

    ``actor_member_id`` is cleared and ``actor_label`` becomes an anonymous marker when the
    actor's data is erased; the fact that an access happened stays.
    """

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    actor_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True, default=None
    )
    actor_label: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32), default="")
    subject_id: Mapped[str] = mapped_column(String(64), default="")
    subject_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True, default=None
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
