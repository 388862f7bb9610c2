"""Translation tables: the persistent cache and each community's glossary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow


class CachedTranslation(Base):
    """One translated text. ``owner_member_id`` is whose words these are, so erasing a member
    also erases translations of their messages."""

    __tablename__ = "translation_cache"
    __table_args__ = (Index("ix_translation_cache_created", "created_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    hits: Mapped[int] = mapped_column(default=0)
    owner_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True, default=None)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)


class GlossaryTerm(Base):
    """A word a community never wants translated: a child's name, "PTA", the school's name."""

    __tablename__ = "glossary_terms"
    __table_args__ = (UniqueConstraint("community_id", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
