"""Messages with two numbers read right on both in every language: each counted noun gets
its own plural choice (the other number stands bare, as in a label, or has a sentence of its
own), so "seen: 1 of 21" says "21 семьи" and "5 of 21" does not borrow the form of 5."""

from __future__ import annotations

import pytest

from adapters.console import console_session
from bot.config import parse_config
from bot.db.engine import Database
from bot.i18n import Localizer
from bot.testing import FakeTranslator
from cogs.alerts.cog import MSG_FOLLOW_UP, MSG_GOING_OUT, MSG_LIST_TITLE, MSG_RATE_LIMITED
from cogs.conferences.availability import MSG_TOO_MANY

pytestmark = pytest.mark.catalogs
SEEN = "Announcement #{id} — seen: {seen} of {count} family."
COUNTS = (1, 2, 5, 11, 21)
PAIRS = [(part, total) for total in COUNTS for part in COUNTS if part <= total]

#: "of N families" / "N minutes" / "N slots", as each language writes the count that governs it
RU_FAMILIES = {1: "1 семьи", 2: "2 семей", 5: "5 семей", 11: "11 семей", 21: "21 семьи"}
AR_FAMILIES = {1: "عائلة واحدة", 2: "عائلتين", 5: "5 عائلات", 11: "11 عائلةً", 21: "21 عائلةً"}
RU_MINUTES = {1: "1 минуту", 2: "2 минуты", 5: "5 минут", 11: "11 минут", 21: "21 минуту"}
AR_MINUTES = {1: "دقيقة واحدة", 2: "دقيقتين", 5: "5 دقائق", 11: "11 دقيقةً", 21: "21 دقيقةً"}
RU_SENT_TO = {1: "1 семье на её языке", 2: "2 семьям, каждой на её языке", 5: "5 семьям, каждой на её языке",
              11: "11 семьям, каждой на её языке", 21: "21 семье на её языке"}
AR_SENT_TO = {1: "عائلة واحدة بلغتها", 2: "عائلتين، كلٌّ بلغتها", 5: "5 عائلات، كلٌّ بلغتها",
              11: "11 عائلةً، كلٌّ بلغتها", 21: "21 عائلةً، كلٌّ بلغتها"}
RU_SLOTS = {1: "1 интервал", 2: "2 интервала", 5: "5 интервалов", 11: "11 интервалов", 21: "21 интервал"}
AR_SLOTS = {1: "موعدًا واحدًا", 2: "موعدين", 5: "5 مواعيد", 11: "11 موعدًا", 21: "21 موعدًا"}


def text(lang: str, msgid: str, **params: object) -> str:
    return Localizer(FakeTranslator()).sync_text(lang, msgid, **params)


@pytest.mark.parametrize(("seen", "total"), PAIRS)
def test_announcement_status_in_russian_has_the_right_form_on_both_numbers(seen: int, total: int) -> None:
    assert text("ru", SEEN, id=3, seen=seen, count=total) == \
        f"Объявление № 3 — прочитано: {seen} из {RU_FAMILIES[total]}."


@pytest.mark.parametrize(("seen", "total"), PAIRS)
def test_announcement_status_in_arabic_has_the_right_form_on_both_numbers(seen: int, total: int) -> None:
    assert text("ar", SEEN, id=3, seen=seen, count=total) == \
        f"الإعلان رقم 3 — اطّلع عليه: {seen} من أصل {AR_FAMILIES[total]}."


@pytest.mark.parametrize(("unreached", "total"), PAIRS)
def test_alert_list_title_in_russian_has_the_right_form_on_both_numbers(unreached: int, total: int) -> None:
    assert text("ru", MSG_LIST_TITLE, id=4, unreached=unreached, count=total) == \
        f"Оповещение № 4 — ещё не подтверждено: {unreached} из {RU_FAMILIES[total]}"


@pytest.mark.parametrize(("unreached", "total"), PAIRS)
def test_alert_list_title_in_arabic_has_the_right_form_on_both_numbers(unreached: int, total: int) -> None:
    assert text("ar", MSG_LIST_TITLE, id=4, unreached=unreached, count=total) == \
        f"التنبيه رقم 4 — لم يصل بعد إلى: {unreached} من أصل {AR_FAMILIES[total]}"


@pytest.mark.parametrize("families", COUNTS)
@pytest.mark.parametrize("minutes", COUNTS)
def test_alert_going_out_counts_families_and_minutes_each_in_its_own_russian_form(families: int, minutes: int) -> None:
    going = text("ru", MSG_GOING_OUT, id=4, count=families)
    again = text("ru", MSG_FOLLOW_UP, count=minutes)
    assert going == f"Оповещение № 4 сейчас отправляется {RU_SENT_TO[families]}."
    assert again.startswith(f"Через {RU_MINUTES[minutes]} оно будет отправлено повторно")


@pytest.mark.parametrize("families", COUNTS)
@pytest.mark.parametrize("minutes", COUNTS)
def test_alert_going_out_counts_families_and_minutes_each_in_its_own_arabic_form(families: int, minutes: int) -> None:
    going = text("ar", MSG_GOING_OUT, id=4, count=families)
    again = text("ar", MSG_FOLLOW_UP, count=minutes)
    assert going == f"يُرسَل التنبيه رقم 4 الآن إلى {AR_SENT_TO[families]}."
    assert again.startswith(f"بعد {AR_MINUTES[minutes]} يُرسَل التنبيه مرة أخرى")


@pytest.mark.parametrize("slots", COUNTS)
@pytest.mark.parametrize("limit", COUNTS)
def test_too_many_conference_slots_reads_right_on_both_numbers(slots: int, limit: int) -> None:
    ru = text("ru", MSG_TOO_MANY, count=slots, max=limit, summary="…")
    ar = text("ar", MSG_TOO_MANY, count=slots, max=limit, summary="…")
    assert ru == f"Получается {RU_SLOTS[slots]}; у консультации их может быть не более {limit}. Я понял так: …"
    assert ar == f"هذا يعني {AR_SLOTS[slots]}؛ والحد الأقصى للاجتماع الواحد {limit}. ما فهمته: …"


async def test_a_russian_teacher_sending_an_alert_reads_both_counts_right(sqlite_db: Database) -> None:
    config = parse_config({"alerts": {"follow_up_minutes": 21}})
    async with console_session(sqlite_db, config=config) as s:
        await s.run("as Ana\n/help\nas Ben\n/help\nas Ms Lee role=teacher lang=ru\n/alert text:\"Drill\"")
        await s.run(f"click #{s.last('only Ms Lee').number} Отправить")
    assert s.last("only Ms Lee").text == (
        "Оповещение № 1 сейчас отправляется 2 семьям, каждой на её языке. Через 21 минуту оно будет "
        "отправлено повторно всем семьям, которые не нажали «Понятно», и вы получите список тех, до кого "
        "пока не удалось достучаться.")


@pytest.mark.parametrize(("minutes", "ru", "ar"), [
    (1, "1 минуту", "دقيقة واحدة"), (2, "2 минуты", "دقيقتين"), (5, "5 минут", "5 دقائق"),
    (11, "11 минут", "11 دقيقةً"), (21, "21 минуту", "21 دقيقةً")])
def test_the_alert_rate_limit_counts_its_minutes_in_each_languages_form(minutes: int, ru: str, ar: str) -> None:
    assert text("en", MSG_RATE_LIMITED, count=1, when="9:10").startswith("An alert went out 1 minute ago;")
    russian = text("ru", MSG_RATE_LIMITED, count=minutes, when="9:10")
    assert russian.startswith(f"Оповещение было отправлено {ru} назад;")
    assert text("ar", MSG_RATE_LIMITED, count=minutes, when="9:10").startswith(f"أُرسل تنبيه قبل {ar}؛")
