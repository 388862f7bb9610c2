"""Which languages the configured translation provider can translate into.

Asked of the provider where it says so itself: a LibreTranslate server lists what it has
installed at ``GET /languages`` (a fixed list would leave out Somali, Haitian Creole and
Tagalog on a server that offers them), Microsoft at its public ``/languages`` endpoint.
Google, MyMemory and DeepL publish fixed lists, which deep-translator ships. Codes come back
in Homeroom's canonical form (:mod:`bot.i18n.languages`), so ``/language`` can tell a family when
the provider cannot translate what they chose.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from bot.config import Secrets, TranslationSection
from bot.i18n import languages

log = logging.getLogger(__name__)

MICROSOFT_LANGUAGES_URL = "https://api.cognitive.microsofttranslator.com/languages?api-version=3.0&scope=translation"
#: how long a provider's answer is trusted (servers gain languages when models are installed)
CACHE_SECONDS = 3600.0
LOOKUP_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class ProviderLanguage:
    """One language the provider offers: Homeroom's code, and the provider's own name for it."""

    code: str
    provider_name: str


def canonical(code: str) -> str:
    """A provider's code in Homeroom's form ("iw" → "he", "zh" → "zh-CN", "fil" → "tl")."""
    return languages.normalize(code) or code


def _static(provider: str) -> dict[str, str] | None:
    """name → code from deep-translator's published lists (no network)."""
    if provider == "google":
        from deep_translator import GoogleTranslator

        return dict(GoogleTranslator().get_supported_languages(as_dict=True))
    if provider == "mymemory":
        from deep_translator import MyMemoryTranslator

        return dict(MyMemoryTranslator(source="en-GB", target="es-ES").get_supported_languages(as_dict=True))
    if provider == "deepl":
        from deep_translator.constants import DEEPL_LANGUAGE_TO_CODE

        return dict(DEEPL_LANGUAGE_TO_CODE)
    return None


async def _fetch_json(url: str, headers: dict[str, str] | None = None) -> object:
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=LOOKUP_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url, headers=headers) as response:
        response.raise_for_status()
        return await response.json(content_type=None)


async def _online(provider: str, settings: TranslationSection, secrets: Secrets) -> dict[str, str] | None:
    if provider == "libre":
        if not settings.libre_url:
            return None
        headers = {"Authorization": secrets.libretranslate_api_key} if secrets.libretranslate_api_key else None
        data = await _fetch_json(settings.libre_url.rstrip("/") + "/languages", headers)
        if not isinstance(data, list):
            return None
        return {str(entry.get("name") or entry["code"]): str(entry["code"]) for entry in data
                if isinstance(entry, dict) and entry.get("code")}
    if provider == "microsoft":
        data = await _fetch_json(MICROSOFT_LANGUAGES_URL)
        table = data.get("translation", {}) if isinstance(data, dict) else {}
        return {str(info.get("name") or code): str(code) for code, info in table.items() if isinstance(info, dict)}
    return None


async def provider_languages(settings: TranslationSection, secrets: Secrets) -> list[ProviderLanguage] | None:
    """What the provider offers, in canonical codes sorted by code; None when it cannot be
    asked (no server configured, a network failure: the caller then says nothing)."""
    provider = settings.provider
    try:
        table = await asyncio.to_thread(_static, provider)  # importing deep-translator takes a moment
        if table is None:
            table = await _online(provider, settings, secrets)
    except Exception as exc:  # a provider down or unreachable must not break /language
        log.info("could not ask %s for its languages: %s", provider, type(exc).__name__)
        return None
    if table is None:
        return None
    found = {canonical(code): ProviderLanguage(canonical(code), name) for name, code in table.items()}
    return sorted(found.values(), key=lambda lang: lang.code)


_cache: dict[tuple[str, str], tuple[float, frozenset[str] | None]] = {}
_lock = asyncio.Lock()


async def offered_codes(settings: TranslationSection, secrets: Secrets) -> frozenset[str] | None:
    """:func:`provider_languages` as a set of codes, asked at most once an hour per provider."""
    key = (settings.provider, settings.libre_url)
    async with _lock:
        cached = _cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        found = await provider_languages(settings, secrets)
        codes = frozenset(lang.code for lang in found) if found is not None else None
        _cache[key] = (time.monotonic(), codes)
        return codes


def can_translate_into(code: str, offered: frozenset[str]) -> bool:
    """A regional code is served by its base language ("pt-BR" by "pt"), and the reverse."""
    if code in offered or languages.base(code) in offered:
        return True
    return any(languages.base(other) == languages.base(code) for other in offered)
