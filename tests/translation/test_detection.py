"""Offline detection among the community's languages, and the fallback when unsure."""

from __future__ import annotations

import pytest

from bot.translation.detection import Detector

CANDIDATES = ["en", "es", "zh-CN", "vi", "ar", "so", "pt", "fr", "ko", "ru", "tl", "de"]

SENTENCES = [
    ("en", "My son will be absent tomorrow because he has a fever."),
    ("es", "Mi hijo no podrá ir a la escuela mañana porque tiene fiebre."),
    ("zh-CN", "我的儿子明天不能去学校，因为他发烧了。"),
    ("vi", "Con trai tôi sẽ nghỉ học ngày mai vì cháu bị sốt."),
    ("ar", "ابني سيغيب عن المدرسة غدا لأنه مصاب بالحمى."),
    ("so", "Wiilkayga berri iskuulka ma imaan doono sababtoo ah wuxuu qabaa qandho."),
    ("pt", "O meu filho vai faltar amanhã porque está com febre."),
    ("fr", "Mon fils sera absent demain parce qu'il a de la fièvre."),
    ("ko", "제 아들이 열이 나서 내일 학교에 결석할 거예요."),
    ("ru", "Мой сын завтра не придёт в школу, потому что у него температура."),
    ("tl", "Hindi makakapasok ang anak ko bukas dahil may lagnat siya."),
    ("de", "Mein Sohn wird morgen fehlen, weil er Fieber hat."),
]


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(0.25)


@pytest.mark.parametrize(("expected", "sentence"), SENTENCES, ids=[code for code, _ in SENTENCES])
def test_parent_sentences_are_detected(detector: Detector, expected: str, sentence: str) -> None:
    assert detector.detect(sentence, CANDIDATES, fallback="en") == expected


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
