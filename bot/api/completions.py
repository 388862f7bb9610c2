"""Completion sources for command options (``OptionSpec.autocomplete``): a source's name
maps to a function that lists what this person may pick, for adapters that suggest values
as people type (a platform's autocomplete). The core offers ``languages``; cogs add their own
(``Core.add_completion``), so an adapter never needs to know which cog a source belongs to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.api.roles import Role
from bot.db.models import Community, Member
from bot.i18n import languages

#: the most suggestions the strictest platform shows
MAX_SUGGESTIONS = 25


@dataclass(frozen=True, slots=True)
class Suggestion:
    label: str
    value: str | int


@dataclass(frozen=True, slots=True)
class Asker:
    """Who is typing, where: what a completer may show depends on both."""

    community: Community | None
    member: Member | None
    roles: frozenset[Role]


Completer = Callable[[Asker, str], Awaitable[list[Suggestion]]]


async def complete_languages(asker: Asker, typed: str) -> list[Suggestion]:
    text = typed.strip().lower()
    matches = [lang for lang in languages.all_languages()
               if text in lang.english.lower() or text in lang.native.lower() or lang.code.lower().startswith(text)]
    return [Suggestion(lang.label()[:100], lang.code) for lang in matches[:MAX_SUGGESTIONS]]
