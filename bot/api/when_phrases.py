"""How people in each UI language write a day and a time, rewritten into forms dateparser
reads reliably.

dateparser knows most of these languages' day names but stumbles on the small words around
them and on a bare hour: "el lunes a las 9" is refused, "segunda-feira às 9h" and "thứ hai lúc
9 giờ" come back as *Wednesday midnight*. So before dateparser reads a phrase, the words that
only join a day to its time are dropped, an hour written "9", "9h", "9 giờ", "9시" or "9点"
becomes "9:00" (with its morning/afternoon word as am/pm), and the few day names, relative days
and "in 2 hours" forms dateparser lacks (Haitian Creole, Somali, Tagalog, Arabic's dual) become
English. :func:`clock_of` gives the time the person wrote, so a reading that lost it is refused
instead of scheduling the wrong moment. The phrases each language is tested with are in
``tests/i18n/test_times_in_every_language.py``; :data:`EXAMPLES` come from that table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from bot.i18n import languages

_HOUR = r"(?P<hour>[01]?\d|2[0-3])"
_MINUTE = r"(?P<minute>[0-5]\d)"


@dataclass(frozen=True)
class Phrasing:
    """One language's ways of writing a day and a time."""

    #: words that only join a day and a time ("el", "vào"), dropped
    joiners: tuple[str, ...] = ()
    #: words before an hour ("a las", "às", "lúc", "в"): a bare number after one is an hour
    #: ("a las 9" → 9:00), never after a plain joiner ("el 2 de octubre" is a day); dropped too
    at: tuple[str, ...] = ()
    #: what follows an hour ("h", "giờ", "시", "点"); an optional minute marker may follow the minutes
    hour_marks: tuple[str, ...] = ()
    minute_marks: tuple[str, ...] = ()
    #: "half" after an hour mark ("10点半", "3시 반", "9 giờ rưỡi"): the half hour
    half: tuple[str, ...] = ()
    #: words for morning and for afternoon or evening, before or after the time
    morning: tuple[str, ...] = ()
    evening: tuple[str, ...] = ()
    #: words dateparser does not know in this language → English (day names, "tomorrow")
    words: dict[str, str] = field(default_factory=dict)
    #: "in N hours" forms → English, as (pattern, replacement) regular expressions; read
    #: first, so an hour word inside them ("trong 2 giờ", "2시간 후") is not taken for a time
    durations: tuple[tuple[str, str], ...] = ()
    #: whether an hour mark may run into the next word ("9시에", "9点在"): scripts without spaces
    marks_join_words: bool = False


_DAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _days(*names: str) -> dict[str, str]:
    return dict(zip(names, _DAYS_EN, strict=True))


PHRASINGS: dict[str, Phrasing] = {
    "en": Phrasing(joiners=("on",), at=("at",), morning=("in the morning",),
                   evening=("in the evening", "in the afternoon")),
    "es": Phrasing(joiners=("el", "la", "las", "a"), at=("a las", "a la"), hour_marks=("h", "hs"),
                   durations=((r"\ben (\d+) horas?\b", r"in \1 hours"), (r"\ben (\d+) minutos?\b", r"in \1 minutes")),
                   morning=("de la mañana", "de la manana"), evening=("de la tarde", "de la noche")),
    "pt": Phrasing(joiners=("na", "no", "a"), at=("às", "as", "à"), hour_marks=("h", "horas"),
                   durations=((r"\bem (\d+) horas?\b", r"in \1 hours"), (r"\bem (\d+) minutos?\b", r"in \1 minutes")),
                   morning=("da manhã", "da manha"), evening=("da tarde", "da noite")),
    "fr": Phrasing(joiners=("le", "a"), at=("à",), hour_marks=("h", "heures", "heure"),
                   durations=((r"\bdans (\d+) heures?\b", r"in \1 hours"),
                              (r"\bdans (\d+) minutes?\b", r"in \1 minutes")),
                   morning=("du matin",), evening=("de l'après-midi", "de l’après-midi", "du soir")),
    "ht": Phrasing(at=("a", "à", "lè", "le"), hour_marks=("è", "h", "dè"),
                   morning=("nan maten", "dimaten"), evening=("nan aprèmidi", "aprèmidi", "diswa", "nan aswè"),
                   words={**_days("lendi", "madi", "mèkredi", "jedi", "vandredi", "samdi", "dimanch"),
                          "apre demen": "in 2 days", "jodi a": "today", "jodi": "today", "demen": "tomorrow"},
                   durations=((r"\bnan (\d+) (?:èdtan|è)\b", r"in \1 hours"),
                              (r"\bnan (\d+) minit\b", r"in \1 minutes"),
                              (r"\bnan (\d+) jou\b", r"in \1 days"))),
    "vi": Phrasing(joiners=("vào", "ngày"), at=("vào lúc", "lúc"), hour_marks=("giờ", "g", "h"), minute_marks=("phút",),
                   half=("rưỡi",), words={"ngày mai": "tomorrow", "hôm nay": "today", "ngày kia": "in 2 days"},
                   durations=((r"\b(?:trong|sau) (\d+) (?:tiếng|giờ)(?:\s+nữa)?", r"in \1 hours"),
                              (r"\b(?:trong|sau) (\d+) phút(?:\s+nữa)?", r"in \1 minutes")),
                   morning=("sáng",), evening=("chiều", "tối")),
    "zh": Phrasing(joiners=("的",), hour_marks=("点", "點", "时", "時"), minute_marks=("分",), marks_join_words=True,
                   half=("半",),
                   durations=((r"(\d+)\s*(?:个)?(?:小时|小時|鐘頭|钟头)\s*(?:后|後|以后|以後)", r"in \1 hours"),
                              (r"(\d+)\s*分(?:钟|鐘)\s*(?:后|後|以后|以後)", r"in \1 minutes")),
                   morning=("上午", "早上"), evening=("下午", "晚上")),
    "ko": Phrasing(hour_marks=("시",), minute_marks=("분",), half=("반",), morning=("오전", "아침"),
                   evening=("오후", "저녁"),
                   marks_join_words=True,
                   durations=((r"(\d+)\s*시간\s*(?:후|뒤)(?:에)?", r"in \1 hours"),
                              (r"(\d+)\s*분\s*(?:후|뒤)(?:에)?", r"in \1 minutes"))),
    "ar": Phrasing(joiners=("يوم", "في"), at=("الساعة",), morning=("صباحا", "صباحًا"), evening=("مساء", "مساءً"),
                   durations=((r"بعد ساعتين", "in 2 hours"), (r"بعد ساعة", "in 1 hour"),
                              (r"بعد (\d+) (?:ساعات|ساعة)", r"in \1 hours"),
                              (r"بعد (\d+) (?:دقائق|دقيقة)", r"in \1 minutes"))),
    "ru": Phrasing(at=("в", "во"), hour_marks=("ч",), morning=("утра",), evening=("дня", "вечера"),
                   durations=((r"\bчерез (\d+) час(?:а|ов)?\b", r"in \1 hours"), (r"\bчерез час\b", "in 1 hour"),
                              (r"\bчерез (\d+) минут(?:у|ы)?\b", r"in \1 minutes"),
                              (r"\bчерез (\d+) (?:день|дня|дней)\b", r"in \1 days"))),
    "so": Phrasing(joiners=("markay tahay",), at=("saacadda",), morning=("subaxnimo", "subaxdii"),
                   evening=("galabnimo", "fiidnimo", "habeennimo"),
                   words={**_days("isniinta", "talaadada", "arbacada", "khamiista", "jimcaha", "sabtida", "axadda"),
                          **_days("isniin", "talaado", "arbaco", "khamiis", "jimce", "sabti", "axad"),
                          "maanta": "today", "berri": "tomorrow"},
                   durations=((r"\b(\d+) saac(?:ad|adood)? (?:kadib|ka dib)\b", r"in \1 hours"),
                              (r"\b(\d+) daqiiq(?:ad|adood)? (?:kadib|ka dib)\b", r"in \1 minutes"))),
    "tl": Phrasing(joiners=("sa", "ng"), at=("ng alas", "alas", "sa ganap na"), morning=("ng umaga",),
                   evening=("ng hapon", "ng gabi"),
                   words={**_days("lunes", "martes", "miyerkules", "huwebes", "biyernes", "sabado", "linggo"),
                          "bukas": "tomorrow", "ngayong araw": "today", "ngayon": "today"},
                   durations=((r"\balas-(\d)", r"alas \1"),
                              (r"\b(?:sa loob ng|pagkalipas ng) (\d+) oras\b", r"in \1 hours"),
                              (r"\b(?:sa loob ng|pagkalipas ng) (\d+) minuto\b", r"in \1 minutes"))),
}

#: phrases to show a person who wrote one that could not be read, in their language (each is
#: read back by the test of this module, so every example given works)
EXAMPLES: dict[str, tuple[str, ...]] = {
    "en": ("tomorrow 7:30am", "Friday 8am", "in 2 hours", "2026-10-02 18:00"),
    "es": ("mañana a las 7:30", "el viernes a las 8", "en 2 horas", "2026-10-02 18:00"),
    "pt": ("amanhã às 7:30", "sexta-feira às 8h", "em 2 horas", "2026-10-02 18:00"),
    "fr": ("demain à 7h30", "vendredi à 8h", "dans 2 heures", "2026-10-02 18:00"),
    "ht": ("demen a 7:30", "vandredi a 8è", "nan 2 èdtan", "2026-10-02 18:00"),
    "vi": ("ngày mai lúc 7:30", "thứ sáu lúc 8 giờ", "trong 2 giờ", "2026-10-02 18:00"),
    "zh": ("明天7:30", "星期五上午8点", "2小时后", "2026-10-02 18:00"),
    "ko": ("내일 7:30", "금요일 오전 8시", "2시간 후", "2026-10-02 18:00"),
    "ar": ("غدا الساعة 7:30", "الجمعة الساعة 8", "بعد ساعتين", "2026-10-02 18:00"),
    "ru": ("завтра в 7:30", "в пятницу в 8", "через 2 часа", "2026-10-02 18:00"),
    "so": ("berri 7:30", "Jimcaha saacadda 8", "2 saac kadib", "2026-10-02 18:00"),
    "tl": ("bukas ng 7:30", "Biyernes ng alas 8", "sa loob ng 2 oras", "2026-10-02 18:00"),
}


def examples(lang: str | None) -> str:
    """The examples for ``lang`` ("es-MX" uses Spanish's; English for a language without its
    own), quoted and listed."""
    return ", ".join(f"\"{e}\"" for e in EXAMPLES.get(languages.base(lang) if lang else "en", EXAMPLES["en"]))


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _word(words: tuple[str, ...]) -> str:
    """Whole words only, in scripts with and without spaces (a CJK word stands alone anyway)."""
    return rf"(?<![\w])(?:{_alternatives(words)})(?![\w])"


@dataclass(frozen=True)
class _Patterns:
    """One language's phrasing as compiled expressions, built once (a teacher's every time
    would otherwise rebuild and look them up again)."""

    durations: tuple[tuple[re.Pattern[str], str], ...]
    words: re.Pattern[str] | None
    bare_hour: re.Pattern[str] | None
    clock: re.Pattern[str]
    dropped: re.Pattern[str] | None


@cache
def _patterns(lang: str) -> _Patterns | None:
    phrasing = PHRASINGS.get(lang)
    if phrasing is None:
        return None
    bare_hour = None
    if phrasing.at:  # a bare hour after "a las", "às", "lúc", "в": 9 → 9:00 (9h, 9 giờ: the clock's)
        marks = rf"(?!\s*(?:{_alternatives(phrasing.hour_marks)}))" if phrasing.hour_marks else ""
        bare_hour = re.compile(rf"({_word(phrasing.at)})\s+{_HOUR}(?![\d:.,]){marks}")
    periods = phrasing.morning + phrasing.evening
    before = rf"(?:(?P<pre>{_alternatives(periods)})\s*)?" if periods else ""
    after = rf"(?:\s*(?P<post>{_alternatives(periods)}))?" if periods else ""
    marked = ""
    if phrasing.hour_marks:
        # 9h, 9h30, 9 giờ 30 phút, 9시 30분, 9点30分; a mark that begins a longer word is no mark
        minute_mark = rf"(?:\s*(?:{_alternatives(phrasing.minute_marks)}))?" if phrasing.minute_marks else ""
        tail = "" if phrasing.marks_join_words else r"(?![^\W\d])"
        half = rf"|\s*(?P<half>{_alternatives(phrasing.half)})" if phrasing.half else ""
        marked = (rf"|\s*(?:{_alternatives(phrasing.hour_marks)})"
                  rf"(?:\s*(?P<marked_minute>[0-5]\d){minute_mark}{half}|{tail})")
    dropped = phrasing.at + phrasing.joiners
    return _Patterns(
        durations=tuple((re.compile(pattern), replacement) for pattern, replacement in phrasing.durations),
        words=re.compile(_word(tuple(phrasing.words))) if phrasing.words else None,
        bare_hour=bare_hour,
        clock=re.compile(rf"{before}(?<![\d:.\-/]){_HOUR}(?::{_MINUTE}{marked})(?![\d/\-])"
                         rf"(?!\s*(?:am|pm)\b){after}"),
        dropped=re.compile(_word(dropped)) if dropped else None)


def normalize(text: str, lang: str | None) -> str:
    """``text`` with its day and time in forms dateparser reads; unchanged for a language
    without a phrasing."""
    patterns = _patterns(lang or "")
    if patterns is None:
        return text
    phrasing = PHRASINGS[lang or ""]
    out = " ".join(text.lower().split())
    for pattern, replacement in patterns.durations:
        out = pattern.sub(replacement, out)
    if patterns.words is not None:
        out = patterns.words.sub(lambda m: phrasing.words[m.group(0)], out)
    if patterns.bare_hour is not None:
        out = patterns.bare_hour.sub(lambda m: f"{m.group(1)} {m.group('hour')}:00", out)
    out = patterns.clock.sub(lambda m: _clock(m, phrasing), out)
    if patterns.dropped is not None:
        out = patterns.dropped.sub(" ", out)
    return " ".join(out.split())


def _clock(match: re.Match[str], phrasing: Phrasing) -> str:
    """A written hour as "H:MM", with "am"/"pm" from a morning or evening word beside it."""
    hour = int(match.group("hour"))
    minute = match.group("minute") or match.groupdict().get("marked_minute") or (
        "30" if match.groupdict().get("half") else "00")
    period = match.groupdict().get("pre") or match.groupdict().get("post")
    if period is not None and hour <= 12:
        return f"{hour}:{minute}{'pm' if period in phrasing.evening else 'am'}"
    return f"{hour}:{minute}"


_WRITTEN_CLOCK = re.compile(r"(?<![\d\-/])([01]?\d|2[0-3]):([0-5]\d)\s*(am|pm)?(?![\d/])")


def clock_of(normalized: str) -> tuple[int, int] | None:
    """The time of day a normalized phrase names ("9:30pm" → (21, 30)), if it names exactly one."""
    found = _WRITTEN_CLOCK.findall(normalized)
    if len(found) != 1:
        return None
    hour, minute, period = int(found[0][0]), int(found[0][1]), found[0][2]
    if period == "pm" and hour < 12:
        hour += 12
    if period == "am" and hour == 12:
        hour = 0
    return hour, minute


@cache
def _day_names(lang: str | None) -> tuple[tuple[re.Pattern[str], int], ...]:
    """Each day's full name, in English and in ``lang`` (CLDR's, lower case), as the expression
    that finds it, with 0 for Monday."""
    names = {name: index for index, name in enumerate(_DAYS_EN)}
    if lang and lang != "en":
        from babel import Locale, UnknownLocaleError

        try:
            locale = Locale.parse(languages.babel_locale(lang))
        except (UnknownLocaleError, ValueError):
            locale = None
        if locale is not None:
            for context in ("format", "stand-alone"):
                for index, name in locale.days[context]["wide"].items():
                    names.setdefault(str(name).lower(), int(index))
    # a name in a script written without spaces (星期一) is found inside its phrase, others as words
    return tuple((re.compile(re.escape(name) if _no_spaces(name) else _word((name,))), index)
                 for name, index in names.items())


def weekday_of(normalized: str, lang: str | None) -> int | None:
    """The day of the week a normalized phrase names (0 for Monday), if it names exactly one."""
    found = {index for pattern, index in _day_names(lang) if pattern.search(normalized)}
    return found.pop() if len(found) == 1 else None


def _no_spaces(word: str) -> bool:
    """A word of a script written without spaces between words (Chinese, Japanese)."""
    return any("\u2e80" <= char <= "\u9fff" for char in word)
