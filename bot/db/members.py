"""Who holds a role in a community: the one place that asks the database.

Roles live on the member row as two JSON lists (platform and granted, see ``Member``).
``holds_role`` is the SQL test for one role in either list — ``?`` on PostgreSQL's JSONB,
``json_each`` on SQLite — so every "who are the teachers / the committee / the families"
question is the same expression, and it agrees with ``Member.roles`` in Python.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, FunctionElement, and_, literal, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from bot.api.roles import Role
from bot.db.models import Member


class _ListHas(FunctionElement[bool]):
    """``column`` (a JSON list of strings) contains ``value``."""

    type = Boolean()
    inherit_cache = True
    name = "list_has"


@compiles(_ListHas, "postgresql")
def _list_has_postgresql(element: _ListHas, compiler: SQLCompiler, **kw: Any) -> str:
    column, value = list(element.clauses)
    return f"({compiler.process(column, **kw)} ? {compiler.process(value, **kw)})"


@compiles(_ListHas, "sqlite")
def _list_has_sqlite(element: _ListHas, compiler: SQLCompiler, **kw: Any) -> str:
    column, value = list(element.clauses)
    return (f"EXISTS (SELECT 1 FROM json_each({compiler.process(column, **kw)}) "
            f"WHERE json_each.value = {compiler.process(value, **kw)})")


def holds_role(role: Role) -> ColumnElement[bool]:
    """SQL: the member holds ``role`` (from the platform or granted). Family means holding
    no other role, exactly as ``Member.roles`` reads it."""
    if role == Role.FAMILY:
        return and_(*(not_(holds_role(other)) for other in Role if other != Role.FAMILY))
    value = literal(role.value)
    return or_(_ListHas(Member.platform_roles, value), _ListHas(Member.granted_roles, value))


async def members_with_role(session: AsyncSession, community_id: int, role: Role, *,
                            include_bots: bool = False) -> list[Member]:
    """Members still in the community who hold ``role``, oldest first."""
    query = select(Member).where(Member.community_id == community_id, Member.left_at.is_(None), holds_role(role))
    if not include_bots:
        query = query.where(Member.is_bot.is_(False))
    return list((await session.scalars(query.order_by(Member.id))).all())
