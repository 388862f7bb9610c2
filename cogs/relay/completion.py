"""The ``questions`` completion source: the open questions a teacher may answer or resolve
(their own and those no teacher was chosen for; every open one for an admin), newest first."""

from __future__ import annotations

from sqlalchemy import or_, select

from bot.api.completions import MAX_SUGGESTIONS, Asker, Completer, Suggestion
from bot.api.roles import STAFF, Role
from bot.api.services import Services
from cogs.relay.models import Question, RelayMessage

PREVIEW = 80


def questions_source(core: Services) -> Completer:
    async def complete(asker: Asker, typed: str) -> list[Suggestion]:
        if asker.community is None or asker.member is None or not asker.roles & STAFF:
            return []
        query = (select(Question.id, RelayMessage.text).join(RelayMessage, RelayMessage.question_id == Question.id)
                 .where(Question.community_id == asker.community.id, Question.status == "open",
                        RelayMessage.direction == "in")
                 .order_by(Question.id.desc(), RelayMessage.id))
        if Role.ADMIN not in asker.roles:
            query = query.where(or_(Question.teacher_member_id == asker.member.id,
                                    Question.teacher_member_id.is_(None)))
        async with core.db.read() as session:
            rows = (await session.execute(query.limit(MAX_SUGGESTIONS * 4))).all()
        first: dict[int, str] = {}
        for number, text in rows:
            first.setdefault(number, text)
        wanted = typed.strip().lstrip("#").lower()
        found = [(n, t) for n, t in first.items() if not wanted or str(n).startswith(wanted) or wanted in t.lower()]
        return [Suggestion(f"#{n}: {' '.join(t.split())}"[:PREVIEW], n) for n, t in found[:MAX_SUGGESTIONS]]

    return complete
