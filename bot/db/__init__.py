"""Storage: typed SQLAlchemy 2 models on an async engine (SQLite by default, PostgreSQL at scale)."""

from bot.db.base import Base, utcnow
from bot.db.engine import Database

__all__ = ["Base", "Database", "utcnow"]
