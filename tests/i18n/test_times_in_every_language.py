"""A day and a time as a teacher or a family writes them, in each UI language, read as the
moment they meant — and shown back in the reader's language; a reading that would lose the
hour written is refused rather than scheduled wrong."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.api.errors import UserError
from bot.api.when import format_when, future_time, parse_when
from bot.api.when_phrases import EXAMPLES

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 9, 8, 14, 0, tzinfo=UTC)  # Tuesday 8 September 2026, 10:00 in New York

#: (language, phrase, the local day and time meant); "next Monday" is 14 September
PHRASES = [
    ("en", "Monday at 9am", "Mon 09:00"), ("en", "tomorrow at 8:30", "Wed 08:30"),
    ("en", "in 2 hours", "Tue 12:00"), ("en", "Friday at 3pm", "Fri 15:00"),
    ("es", "el lunes a las 9", "Mon 09:00"), ("es", "mañana a las 8:30", "Wed 08:30"),
    ("es", "en 2 horas", "Tue 12:00"), ("es", "el viernes a las 3 de la tarde", "Fri 15:00"),
    ("pt", "segunda-feira às 9h", "Mon 09:00"), ("pt", "amanhã às 8:30", "Wed 08:30"),
    ("pt", "em 2 horas", "Tue 12:00"), ("pt", "sexta às 3 da tarde", "Fri 15:00"),
    ("fr", "lundi à 9h", "Mon 09:00"), ("fr", "demain à 8h30", "Wed 08:30"),
    ("fr", "dans 2 heures", "Tue 12:00"), ("fr", "vendredi à 15h", "Fri 15:00"),
    ("ht", "lendi a 9è", "Mon 09:00"), ("ht", "demen a 8:30", "Wed 08:30"),
    ("ht", "nan 2 èdtan", "Tue 12:00"), ("ht", "vandredi a 3è nan aprèmidi", "Fri 15:00"),
    ("vi", "thứ hai lúc 9 giờ", "Mon 09:00"), ("vi", "ngày mai lúc 8:30", "Wed 08:30"),
    ("vi", "trong 2 giờ", "Tue 12:00"), ("vi", "thứ sáu lúc 3 giờ chiều", "Fri 15:00"),
    ("zh", "星期一上午9点", "Mon 09:00"), ("zh", "明天8:30", "Wed 08:30"),
    ("zh", "2小时后", "Tue 12:00"), ("zh", "星期五下午3点", "Fri 15:00"),
    ("ko", "월요일 오전 9시", "Mon 09:00"), ("ko", "내일 8:30", "Wed 08:30"),
    ("ko", "2시간 후", "Tue 12:00"), ("ko", "금요일 오후 3시", "Fri 15:00"),
    ("ar", "الاثنين الساعة 9", "Mon 09:00"), ("ar", "غدا الساعة 8:30", "Wed 08:30"),
    ("ar", "بعد ساعتين", "Tue 12:00"), ("ar", "الجمعة الساعة 3 مساء", "Fri 15:00"),
    ("ru", "в понедельник в 9", "Mon 09:00"), ("ru", "завтра в 8:30", "Wed 08:30"),
    ("ru", "через 2 часа", "Tue 12:00"), ("ru", "в пятницу в 3 дня", "Fri 15:00"),
    ("so", "Isniinta saacadda 9", "Mon 09:00"), ("so", "berri 8:30", "Wed 08:30"),
    ("so", "2 saac kadib", "Tue 12:00"), ("so", "Jimcaha 3:00 galabnimo", "Fri 15:00"),
    ("tl", "Lunes ng alas 9", "Mon 09:00"), ("tl", "bukas ng 8:30", "Wed 08:30"),
    ("tl", "sa loob ng 2 oras", "Tue 12:00"), ("tl", "Biyernes ng alas 3 ng hapon", "Fri 15:00"),
]


def local(moment: datetime | None) -> str | None:
    return moment.astimezone(ZONE).strftime("%a %H:%M") if moment is not None else None


@pytest.mark.parametrize(("lang", "phrase", "meant"), PHRASES, ids=[f"{lang}:{phrase}" for lang, phrase, _ in PHRASES])
def test_a_phrase_in_each_language_is_read_as_the_moment_meant(lang: str, phrase: str, meant: str) -> None:
    assert local(parse_when(phrase, lang, ZONE, NOW)) == meant


def test_every_ui_language_has_phrases_in_the_table() -> None:
    assert {lang for lang, _, _ in PHRASES} == set(EXAMPLES)


@pytest.mark.parametrize("lang", sorted(EXAMPLES))
def test_every_example_offered_in_a_language_is_read(lang: str) -> None:
    for example in EXAMPLES[lang]:
        assert parse_when(example, lang, ZONE, NOW) is not None, example


@pytest.mark.parametrize(("lang", "phrase"), [("fr", "le 2 octobre à 18h"), ("es", "el 2 de octubre a las 18"),
                                              ("vi", "ngày 2 tháng 10 lúc 18 giờ"), ("pt", "2 de outubro às 18h")])
def test_a_day_of_the_month_after_an_article_is_a_day_not_an_hour(lang: str, phrase: str) -> None:
    moment = parse_when(phrase, lang, ZONE, NOW)
    assert moment is not None and moment.astimezone(ZONE).strftime("%m-%d %H:%M") == "10-02 18:00"


@pytest.mark.parametrize(("lang", "phrase"), [("zh", "明天上午10点半"), ("ko", "내일 오전 10시 반"),
                                              ("vi", "ngày mai lúc 10 giờ rưỡi")])
def test_half_past_an_hour_is_read_as_the_half_hour(lang: str, phrase: str) -> None:
    assert local(parse_when(phrase, lang, ZONE, NOW)) == "Wed 10:30"


def test_a_regional_code_reads_its_languages_phrases() -> None:
    assert local(parse_when("el lunes a las 9", "es-MX", ZONE, NOW)) == "Mon 09:00"


def test_a_reading_that_loses_the_hour_written_is_refused() -> None:
    """"lunes a las 25" names no hour of a day: nothing is scheduled at some other time."""
    assert parse_when("el lunes a las 25", "es", ZONE, NOW) is None


def test_an_unreadable_time_is_refused_with_examples_in_the_writers_language() -> None:
    with pytest.raises(UserError) as refused:
        future_time("cuando las ranas críen pelo", "es", ZONE, NOW)
    assert refused.value.params["examples"].startswith('"mañana a las 7:30"')


def test_the_moment_read_is_shown_back_in_the_readers_language() -> None:
    moment = parse_when("el lunes a las 9", "es", ZONE, NOW)
    assert moment is not None
    assert "lunes" in format_when(moment, "es", ZONE) and "9:00" in format_when(moment, "es", ZONE)
