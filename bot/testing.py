"""Deterministic doubles shipped with the package, so tests of every layer (and people
trying scenarios) can run without a network: a translator that marks its output."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import languages
from bot.translation import TranslationResult


class FakeTranslator:
    """Translates by prefixing the target code: ``"[es] Field trip"``.

    ``fail`` makes every call fail (as a dead provider would); ``calls`` counts provider
    calls; ``detect`` reads a ``lang:`` hint from :attr:`detections` or returns the fallback.
    """

    def __init__(self) -> None:
        self.fail = False
        self.calls = 0
        self.detections: dict[str, str] = {}

    async def translate(self, text: str, target: str, *, source: str | None = None,
                        community_id: int | None = None, owner_member_id: int | None = None) -> TranslationResult:
        if source is not None and languages.base(source) == languages.base(target):
            return TranslationResult(text=text, ok=True, target=target, source=source, provider="fake")
        if self.fail:
            return TranslationResult(text=text, ok=False, target=target, source=source, provider="fake",
                                     error="provider unavailable")
        self.calls += 1
        return TranslationResult(text=f"[{target}] {text}", ok=True, target=target, source=source,
                                 provider="fake")

    async def cached(self, text: str, target: str, *, source: str | None = None) -> str | None:
        """The fake has no provider to wait on: what it would translate counts as cached."""
        result = await self.translate(text, target, source=source)
        return result.text if result.ok else None

    async def detect(self, text: str, *, candidates: Iterable[str], fallback: str) -> str:
        for marker, code in self.detections.items():
            if marker in text:
                return code
        return fallback
