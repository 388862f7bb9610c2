"""``homeroom translate``: try the configured provider, list its languages, show cache stats."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.i18n import languages
from bot.i18n.language_names import NAMES
from bot.translation.models import CachedTranslation
from bot.translation.offered import provider_languages
from bot.translation.service import TranslationService
from bot.util.clock import Clock


async def run_translate_cli(config: Config, secrets: Secrets, db: Database, *, to: str | None, text: str | None,
                            stats: bool, languages: bool, clock: Clock) -> int:
    if languages:
        return await _print_languages(config, secrets)
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


def language_line(code: str, provider_name: str = "") -> str:
    """One naming style for every language: the English name, then the name in the language
    itself ("so     Somali — Soomaali"); a language Homeroom has no names for shows the
    provider's name."""
    names = NAMES.get(code)
    if names is None:
        return f"  {code:6} {provider_name.title() or code}"
    english, native = names
    return f"  {code:6} {english}" if english == native else f"  {code:6} {english} — {native}"


async def _print_languages(config: Config, secrets: Secrets) -> int:
    provider = config.translation.provider
    found = await provider_languages(config.translation, secrets)
    print(f"provider: {provider}")
    if found is None:
        where = " (set [translation] libre_url)" if provider == "libre" and not config.translation.libre_url else ""
        print(f"could not ask the provider for its languages{where}; Homeroom's own table follows")
        for lang in languages.all_languages():
            print(language_line(lang.code))
        return 1
    for lang in found:
        print(language_line(lang.code, lang.provider_name))
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
