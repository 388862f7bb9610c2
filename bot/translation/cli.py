"""``homeroom translate``: try the configured provider, list its languages, show cache stats."""

from __future__ import annotations

from sqlalchemy import func, select

from bot import languages
from bot.clock import Clock
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.translation.models import CachedTranslation
from bot.translation.providers import supported_languages
from bot.translation.service import TranslationService


async def run_translate_cli(config: Config, secrets: Secrets, db: Database, *, to: str | None, text: str | None,
                            stats: bool, languages: bool, clock: Clock) -> int:
    if languages:
        return _print_languages(config.translation.provider)
    if stats:
        return await _print_stats(db)
    if not to or not text:
        print("usage: homeroom translate --to LANG \"text\"   (or --stats, --languages)")
        return 2
    target = _lookup(to)
    if target is None:
        print(f"unknown language: {to}")
        return 2
    service = TranslationService(config.translation, secrets, db, clock, config=config)
    try:
        result = await service.translate(text, target)
    finally:
        await service.close()
    if result.ok:
        print(result.text)
        return 0
    print(f"translation failed ({result.provider}): {result.error}")
    return 1


def _lookup(text: str) -> str | None:
    return languages.normalize(text)


def _print_languages(provider: str) -> int:
    supported = supported_languages(provider)
    ours = {lang.code: lang for lang in languages.all_languages()}
    print(f"provider: {provider}")
    if not supported:
        print("(this provider lists its languages only online; Homeroom's table follows)")
        for lang in ours.values():
            print(f"  {lang.code:6} {lang.label()}")
        return 0
    for name, code in sorted(supported.items()):
        canonical = languages.normalize(code) or code
        label = ours[canonical].label() if canonical in ours else name
        print(f"  {canonical:6} {label}")
    return 0


async def _print_stats(db: Database) -> int:
    async with db.read() as session:
        entries = await session.scalar(select(func.count()).select_from(CachedTranslation)) or 0
        hits = await session.scalar(select(func.coalesce(func.sum(CachedTranslation.hits), 0))) or 0
    total = hits + entries
    rate = hits / total if total else 0.0
    print(f"cached translations: {entries}")
    print(f"cache hits: {hits} (hit rate {rate:.1%}: each entry cost one provider call; every hit cost none)")
    return 0
