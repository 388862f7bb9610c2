"""Providers through deep-translator: how to build a client, its limits and its codes.

deep-translator is synchronous and its instances keep per-call state, so the service
builds a fresh client for every call and runs it in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from deep_translator import (
    DeeplTranslator,
    GoogleTranslator,
    LibreTranslator,
    MicrosoftTranslator,
    MyMemoryTranslator,
)

from bot.config import Secrets, TranslationSection

#: Canonical code → the provider's code, where they differ.
_GOOGLE_CODES = {"he": "iw", "zh-CN": "zh-CN", "zh-TW": "zh-TW", "no": "no", "tl": "tl"}
_DEEPL_CODES = {"zh-CN": "zh", "zh-TW": "zh", "pt": "pt", "no": "nb"}
_MICROSOFT_CODES = {"zh-CN": "zh-Hans", "zh-TW": "zh-Hant", "tl": "fil", "hmn": "mww", "no": "nb", "sr": "sr-Cyrl"}
_MYMEMORY_CODES = {"zh-CN": "zh-CN", "zh-TW": "zh-TW", "he": "he-IL", "tl": "tl-PH"}
_LIBRE_CODES = {"zh-CN": "zh", "zh-TW": "zh"}


@dataclass(frozen=True)
class Provider:
    """One provider: request limits and how to build a client for one call."""

    name: str
    max_chars: int
    max_cjk: int
    codes: dict[str, str]
    factory: Callable[[str, str], Any]

    def code(self, canonical: str) -> str:
        return self.codes.get(canonical, canonical.split("-")[0] if canonical not in ("zh-CN", "zh-TW") else canonical)

    def client(self, source: str | None, target: str) -> Any:
        return self.factory(self.code(source) if source else "auto", self.code(target))


def build_provider(name: str, settings: TranslationSection, secrets: Secrets,
                   base_urls: dict[str, str] | None = None) -> Provider:
    """A provider by name. ``base_urls`` points clients elsewhere (a local test server)."""
    urls = base_urls or {}

    def _with_url(client: Any) -> Any:
        if name in urls:
            client._base_url = urls[name]  # deep-translator keeps its endpoint here
        return client

    if name == "google":
        return Provider("google", 4999, 1500, _GOOGLE_CODES,
                        lambda s, t: _with_url(GoogleTranslator(source=s, target=t)))
    if name == "mymemory":
        return Provider("mymemory", 500, 500, _MYMEMORY_CODES,
                        lambda s, t: _with_url(MyMemoryTranslator(source="en-GB" if s == "auto" else s, target=t)))
    if name == "libre":
        url = urls.get("libre") or settings.libre_url
        key = secrets.libretranslate_api_key or "none"  # the client requires one; servers may ignore it
        return Provider("libre", 5000, 5000, _LIBRE_CODES,
                        lambda s, t: LibreTranslator(source=s, target=t, api_key=key, custom_url=url.rstrip("/") + "/"))
    if name == "deepl":
        return Provider("deepl", 5000, 5000, _DEEPL_CODES,
                        lambda s, t: _with_url(DeeplTranslator(api_key=secrets.deepl_api_key, source=s, target=t,
                                                               use_free_api=settings.deepl_free_api)))
    if name == "microsoft":
        return Provider("microsoft", 5000, 5000, _MICROSOFT_CODES,
                        lambda s, t: _with_url(MicrosoftTranslator(
                            api_key=secrets.microsoft_translator_key, source=None if s == "auto" else s, target=t,
                            region=settings.microsoft_region or None)))
    raise ValueError(f"unknown translation provider {name!r}")


def supported_languages(name: str) -> dict[str, str]:
    """The provider's own list of languages (name → code), for `homeroom translate --languages`."""
    classes = {"google": GoogleTranslator, "mymemory": MyMemoryTranslator, "libre": LibreTranslator}
    cls = classes.get(name)
    if cls is None:
        return {}
    try:
        if name == "libre":
            return dict(cls(source="en", target="es", api_key="none").get_supported_languages(as_dict=True))
        return dict(cls().get_supported_languages(as_dict=True))
    except Exception:
        return {}
