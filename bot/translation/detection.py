"""Offline language detection with lingua: one detector, over a fixed set, built once.

The set is every language Homeroom offers that lingua knows (about 70), so a family writing
in a language nobody else in the class speaks is still recognised. lingua's low-accuracy
mode (trigram models only) keeps that detector near 70 MB of RSS, where the high-accuracy
models cost about 1.1 GB for the same set; on short parent-style sentences it scores as well
(see tests/translation/detection_sentences.tsv). There is one detector per process, its models
loaded all at once when it is built. lingua holds the interpreter lock while it loads models
(about 0.3 s), so a worker thread alone would still stall the event loop; the translation
service therefore builds it in a background thread as it starts, before any traffic, and
detection afterwards costs a few milliseconds.

When lingua is unsure (its minimum relative distance is not met), finds a language outside
the caller's candidates, or the member writes a language lingua lacks (Haitian Creole,
Hmong, Amharic, Burmese, Khmer, Lao, Nepali, Pashto), the member's own language wins.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from bot.i18n import languages

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


def detectable() -> frozenset[Language]:
    """The fixed set the one detector tells apart."""
    return frozenset(lang for code in languages.offered() if (lang := _lingua_language(code)) is not None)


def _canonical(language: Language, candidates: Iterable[str]) -> str | None:
    iso = language.iso_code_639_1.name.lower()
    for code in candidates:
        if _SPECIAL.get(code, languages.base(code)) == iso:
            return code
    return None


#: a few sentences in the scripts families write, detected once when the detector is built
WARM_UP = ("Xin chào, con tôi sẽ nghỉ học ngày mai.", "¿Puede salir temprano el viernes?",
           "Мой сын завтра не придёт.", "ابني لن يحضر غدا", "我的孩子明天不上学", "내일 아이가 학교에 못 가요",
           "Bonjour, mon fils sera absent.", "The quick brown fox jumps over the lazy dog.")

_build_lock = threading.Lock()
_built: dict[float, LanguageDetector] = {}


def _shared_detector(min_relative_distance: float) -> LanguageDetector:
    with _build_lock:
        detector = _built.get(min_relative_distance)
        if detector is None:
            detector = (LanguageDetectorBuilder.from_languages(*detectable())
                        .with_minimum_relative_distance(min_relative_distance)
                        .with_low_accuracy_mode().with_preloaded_language_models().build())
            # lingua holds the GIL while it detects, and its first detection sets up what
            # every later one reuses (about 100 ms): pay that here, in the builder thread at
            # start-up, rather than in the event loop when a family's first message arrives
            detector.detect_languages_in_parallel_of(list(WARM_UP))
            _built[min_relative_distance] = detector
        return detector


class Detector:
    def __init__(self, min_relative_distance: float = 0.25) -> None:
        self.min_relative_distance = min_relative_distance

    def build(self) -> LanguageDetector:
        """The process's one detector, built on the first call (blocking: a worker thread's
        job, at start-up)."""
        return _shared_detector(self.min_relative_distance)

    def detect(self, text: str, candidates: Iterable[str], fallback: str) -> str:
        """The candidate language ``text`` is written in, or ``fallback`` when unsure."""
        codes = [c for c in dict.fromkeys(candidates) if c]
        if fallback in UNSUPPORTED:
            return fallback  # a member writing Kreyòl would be read as French
        if sum(1 for code in codes if _lingua_language(code) is not None) < 2 or not text.strip():
            return fallback
        found = self.build().detect_language_of(text)
        return (_canonical(found, codes) if found is not None else None) or fallback
