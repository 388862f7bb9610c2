"""Counts read right in every language: a message with a count picks its form by the
catalog's own Plural-Forms rule (Arabic six forms, Russian three, Vietnamese one), English
by the template's two; a language without a catalog is machine-translated from the right
English form."""

from __future__ import annotations

import pytest

from adapters.console import console_session
from bot.db.engine import Database
from bot.i18n import Localizer
from bot.testing import FakeTranslator

pytestmark = pytest.mark.catalogs
CANCELLED = "Sign-up #{id} is cancelled; {count} family will be told."
VOTES = "{count} vote — final results"


def text(lang: str, msgid: str, count: int) -> str:
    return Localizer(FakeTranslator()).sync_text(lang, msgid, id=7, count=count)


@pytest.mark.parametrize(("count", "expected"), [
    (0, "أُلغي التسجيل رقم 7؛ ولا توجد عائلات لإبلاغها."),
    (1, "أُلغي التسجيل رقم 7؛ وستُبلَّغ عائلة واحدة."),
    (2, "أُلغي التسجيل رقم 7؛ وستُبلَّغ عائلتان."),
    (5, "أُلغي التسجيل رقم 7؛ وستُبلَّغ 5 عائلات."),
    (11, "أُلغي التسجيل رقم 7؛ وستُبلَّغ 11 عائلةً."),
    (100, "أُلغي التسجيل رقم 7؛ وستُبلَّغ 100 عائلة."),
    (103, "أُلغي التسجيل رقم 7؛ وستُبلَّغ 103 عائلات."),
])
def test_an_arabic_count_takes_each_of_its_six_forms(count: int, expected: str) -> None:
    assert text("ar", CANCELLED, count) == expected


@pytest.mark.parametrize("count", [1, 2, 21])
def test_a_vietnamese_count_has_its_one_form(count: int) -> None:
    assert text("vi", CANCELLED, count) == f"Đã hủy danh sách đăng ký số 7; {count} gia đình sẽ được báo."


@pytest.mark.parametrize(("count", "word"), [(1, "голос"), (3, "голоса"), (5, "голосов"), (11, "голосов"),
                                             (21, "голос"), (24, "голоса")])
def test_a_russian_count_takes_one_of_three_forms(count: int, word: str) -> None:
    assert text("ru", VOTES, count) == f"{count} {word} — окончательные результаты"


def test_french_reads_zero_as_singular() -> None:
    assert text("fr", VOTES, 0) == "0 vote — résultats définitifs"
    assert text("fr", VOTES, 2) == "2 votes — résultats définitifs"


def test_english_says_one_family_and_two_families() -> None:
    assert text("en", CANCELLED, 1) == "Sign-up #7 is cancelled; 1 family will be told."
    assert text("en", CANCELLED, 2) == "Sign-up #7 is cancelled; 2 families will be told."


async def test_a_language_without_a_catalog_is_translated_from_the_right_english_form() -> None:
    fake = FakeTranslator()
    localizer = Localizer(fake)
    one, three = [await localizer.text("de", CANCELLED, id=7, count=n) for n in (1, 3)]
    assert one == "[de] Sign-up #7 is cancelled; 1 family will be told."
    assert three == "[de] Sign-up #7 is cancelled; 3 families will be told."


async def test_a_teacher_reading_arabic_is_told_how_many_families_hear_of_a_cancellation(
        sqlite_db: Database) -> None:
    translator = FakeTranslator()
    translator.fail = True
    async with console_session(sqlite_db, translator=translator) as s:
        await s.run('as Ms Haddad role=teacher lang=ar\n/signup create title:"Picnic" slots:"🍉 Fruit x2"\n'
                    "as Layla\nreact #1 🍉\nas Ms Haddad\n/signup cancel id:1")
    assert s.last("only Ms Haddad sees").text == "أُلغي التسجيل رقم 1؛ وستُبلَّغ عائلة واحدة."
