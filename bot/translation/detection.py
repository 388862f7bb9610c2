"""Offline language detection with lingua, restricted to the languages a community uses.

Memory grows with the candidate set (about 324 MB for 20 languages, 1.2 GB for all), so a
detector is built per candidate set on first use and kept. When lingua is unsure (its
minimum relative distance is not met), or a candidate is a language lingua lacks (Haitian
Creole, Hmong, Amharic, Burmese, Khmer, Lao, Nepali, Pashto), the member's own language wins.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from bot import languages

#: Languages lingua does not know; text in them would be misread as a neighbour.
UNSUPPORTED = frozenset({"ht", "hmn", "am", "my", "km", "lo", "ne", "ps"})
_SPECIAL = {"zh-CN": "zh", "zh-TW": "zh", "no": "nb", "tl": "tl"}


@cache
def _lingua_language(code: str) -> Language | None:
    iso = _SPECIAL.get(code, languages.base(code))
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, iso.upper()))
    except (AttributeError, ValueError):
        return None


def _canonical(language: Language, candidates: Iterable[str]) -> str:
    iso = language.iso_code_639_1.name.lower()
    for code in candidates:
        if _SPECIAL.get(code, languages.base(code)) == iso:
            return code
    return languages.normalize(iso) or iso


class Detector:
    def __init__(self, min_relative_distance: float = 0.25) -> None:
        self.min_relative_distance = min_relative_distance
        self._detectors: dict[frozenset[Language], LanguageDetector] = {}
        self._lock = threading.Lock()

    def _detector(self, langs: frozenset[Language]) -> LanguageDetector:
        with self._lock:
            detector = self._detectors.get(langs)
            if detector is None:
                detector = (LanguageDetectorBuilder.from_languages(*langs)
                            .with_minimum_relative_distance(self.min_relative_distance).build())
                self._detectors[langs] = detector
            return detector

    def detect(self, text: str, candidates: Iterable[str], fallback: str) -> str:
        """The candidate language ``text`` is written in, or ``fallback`` when unsure."""
        codes = [c for c in dict.fromkeys(candidates) if c]
        if fallback in UNSUPPORTED:
            return fallback  # a member writing Kreyòl would be read as French
        mapped = {lang for code in codes if (lang := _lingua_language(code)) is not None}
        if len(mapped) < 2 or not text.strip():
            return fallback
        found = self._detector(frozenset(mapped)).detect_language_of(text)
        return _canonical(found, codes) if found is not None else fallback
