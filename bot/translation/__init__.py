"""The translation service interface the rest of Homeroom codes against.

The implementation (providers through deep-translator, masking, splitting, caching,
retries, circuit breaker, offline detection) lives in this package's modules; callers only
see :class:`Translator` and :class:`TranslationResult`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class TranslationResult:
    """``ok`` False means ``text`` is the original, untranslated: callers deliver it with a
    short note, never drop it."""

    text: str
    ok: bool
    target: str
    source: str | None = None
    provider: str = ""
    cached: bool = False
    error: str | None = None

    @property
    def unchanged(self) -> bool:
        """True when nothing needed translating (same language)."""
        return self.ok and self.source is not None and self.source == self.target


class Translator(Protocol):
    async def translate(
        self,
        text: str,
        target: str,
        *,
        source: str | None = None,
        community_id: int | None = None,
        owner_member_id: int | None = None,
    ) -> TranslationResult:
        """Translate ``text`` into ``target`` (a canonical code from :mod:`bot.i18n.languages`).
        ``owner_member_id`` records whose words these are, so erasing that member also erases
        cached translations of their messages. Never raises for provider trouble."""

    async def cached(self, text: str, target: str, *, source: str | None = None) -> str | None:
        """A translation of ``text`` made before (memory or database), or None. Never asks
        the provider: for words that must not wait on it (the bot's own)."""

    async def detect(self, text: str, *, candidates: Iterable[str], fallback: str) -> str:
        """The language ``text`` is written in, among ``candidates``; ``fallback`` when unsure."""
