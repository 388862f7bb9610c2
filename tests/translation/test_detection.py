"""Offline detection among every language Homeroom offers, and the fallback when unsure."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import languages
from bot.translation.detection import Detector

TABLE = Path(__file__).with_name("detection_sentences.tsv")


def sentence_table() -> list[tuple[str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, sentence = line.split("\t")
            rows.append((code, sentence))
    return rows


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(0.25)


def test_the_sentence_table_covers_twenty_languages() -> None:
    rows = sentence_table()
    assert len(rows) >= 200
    assert len({code for code, _ in rows}) >= 20


def test_parent_sentences_are_detected_among_every_offered_language(detector: Detector) -> None:
    """Short messages to a teacher, told apart among every language Homeroom offers; the
    platform locale (English) is the fallback, so an unsure answer counts as wrong."""
    rows = sentence_table()
    wrong = [(code, sentence) for code, sentence in rows
             if detector.detect(sentence, languages.offered(), fallback="en") != code]
    assert 1 - len(wrong) / len(rows) >= 0.95, wrong


def test_a_language_outside_the_candidates_falls_back(detector: Detector) -> None:
    assert detector.detect("Mi hija está enferma hoy y se quedará en casa.", ["en", "fr"], fallback="en") == "en"


def test_one_detector_serves_every_candidate_set(detector: Detector) -> None:
    detector.detect("Ma fille est malade aujourd'hui.", ["en", "fr"], fallback="en")
    built = detector.build()
    detector.detect("Mi hija está enferma hoy y se quedará en casa.", languages.offered(), fallback="en")
    assert detector.build() is built


def test_haitian_creole_writer_keeps_their_profile_language(detector: Detector) -> None:
    text = "Pitit mwen an p ap ka vini lekòl demen paske li gen lafyèv."
    assert detector.detect(text, ["en", "fr", "ht"], fallback="ht") == "ht"


def test_hmong_writer_keeps_their_profile_language(detector: Detector) -> None:
    text = "Kuv tus tub yuav tsis tuaj kawm ntawv tag kis vim nws muaj ua npaws."
    assert detector.detect(text, ["en", "tl", "hmn"], fallback="hmn") == "hmn"


def test_text_without_words_falls_back(detector: Detector) -> None:
    assert detector.detect("10/12 3:30 👍", ["en", "es", "fr"], fallback="es") == "es"


def test_single_candidate_needs_no_detector(detector: Detector) -> None:
    assert detector.detect("Bonjour à tous", ["fr"], fallback="en") == "en"
