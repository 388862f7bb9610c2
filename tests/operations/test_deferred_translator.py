"""The console's translator is built on first use, and behaves as the service it wraps."""

from __future__ import annotations

from bot.app import DeferredTranslator
from bot.testing import FakeTranslator


async def test_nothing_is_built_until_the_first_translation() -> None:
    built: list[FakeTranslator] = []

    def make() -> FakeTranslator:
        built.append(FakeTranslator())
        return built[-1]

    deferred = DeferredTranslator(make)
    assert built == []
    direct = await FakeTranslator().translate("Field trip on Friday", "es", source="en")
    assert await deferred.translate("Field trip on Friday", "es", source="en") == direct
    await deferred.translate("Bring a lunch", "es", source="en")
    assert len(built) == 1


async def test_closing_an_unused_translator_builds_nothing() -> None:
    built: list[object] = []
    deferred = DeferredTranslator(lambda: built.append(object()) or FakeTranslator())
    await deferred.close()
    assert built == []
