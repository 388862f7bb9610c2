"""One language table for the whole bot.

Canonical codes are BCP-47-like tags as families and providers use them ("es", "zh-CN",
"zh-TW", "he", "tl", "hmn", "ht"). Names come from the CLDR data shipped with Babel (English
and native names), so "español", "Spanish", "es", "es-MX" and "spa" all find Spanish. Provider
specific codes ("iw" for Hebrew on Google, "zh" for DeepL, "fil" for Filipino) are mapped in
:mod:`bot.translation.providers`.

The names are read from CLDR once, when :mod:`bot.i18n.language_names` is generated
(``python -m bot.i18n.catalogs names``), not at run time: parsing a Babel locale for every language
took 1.7 s and ~85 MB on the first ``lang=``, on the event loop. Look-ups here are dict
look-ups; Babel is imported only to regenerate or check that table.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import cache

from bot.i18n.language_names import NAMES

#: Languages Homeroom offers, in canonical form, with the Babel locale that names them.
_CODES: dict[str, str] = {
    "af": "af", "am": "am", "ar": "ar", "az": "az", "be": "be", "bg": "bg", "bn": "bn", "bs": "bs",
    "ca": "ca", "cs": "cs", "cy": "cy", "da": "da", "de": "de", "el": "el", "en": "en", "eo": "eo",
    "es": "es", "et": "et", "eu": "eu", "fa": "fa", "fi": "fi", "fr": "fr", "ga": "ga", "gu": "gu",
    "ha": "ha", "he": "he", "hi": "hi", "hmn": "", "hr": "hr", "ht": "ht", "hu": "hu", "hy": "hy",
    "id": "id", "ig": "ig", "is": "is", "it": "it", "ja": "ja", "ka": "ka", "kk": "kk", "km": "km",
    "kn": "kn", "ko": "ko", "ku": "ku", "ky": "ky", "lo": "lo", "lt": "lt", "lv": "lv", "mi": "mi",
    "mk": "mk", "ml": "ml", "mn": "mn", "mr": "mr", "ms": "ms", "my": "my", "ne": "ne", "nl": "nl",
    "no": "nb", "pa": "pa", "pl": "pl", "ps": "ps", "pt": "pt", "ro": "ro", "ru": "ru", "rw": "rw",
    "sk": "sk", "sl": "sl", "sm": "", "sn": "sn", "so": "so", "sq": "sq", "sr": "sr", "sv": "sv",
    "sw": "sw", "ta": "ta", "te": "te", "tg": "tg", "th": "th", "ti": "ti", "tl": "fil", "tr": "tr",
    "uk": "uk", "ur": "ur", "uz": "uz", "vi": "vi", "xh": "xh", "yi": "yi", "yo": "yo",
    "zh-CN": "zh_Hans", "zh-TW": "zh_Hant", "zu": "zu",
}

#: Names CLDR lacks or that families commonly use.
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "hmn": ("Hmong", "Hmoob", "hmong daw", "hmong njua"),
    "sm": ("Samoan", "Gagana Samoa"),
    "ht": ("Haitian", "Creole", "Kreyol", "Kreyòl", "Haitian Creole"),
    "tl": ("Tagalog", "Filipino", "Wikang Tagalog"),
    "zh-CN": ("Chinese", "Mandarin", "Simplified Chinese", "中文", "普通话", "简体中文", "zh", "zh-Hans", "zho", "chi"),
    "zh-TW": ("Traditional Chinese", "Cantonese", "繁體中文", "zh-Hant", "zh-HK", "粵語", "广东话"),
    "he": ("iw", "Hebrew", "Ivrit"),
    "no": ("nb", "nn", "Norwegian", "Bokmål"),
    "es": ("spa", "Castellano", "Spanish"),
    "en": ("eng", "English"),
    "fa": ("Farsi", "Dari", "prs"),
    "ar": ("ara", "Arabic"),
    "pt": ("por", "Portuguese", "Português brasileiro", "pt-BR"),
    "fr": ("fra", "fre", "French"),
    "vi": ("vie", "Vietnamese", "Tiếng Việt", "tieng viet"),
    "ko": ("kor", "Korean"),
    "ru": ("rus", "Russian"),
    "so": ("som", "Somali", "Af-Soomaali"),
    "ne": ("nep", "Nepali"),
    "my": ("mya", "bur", "Burmese", "Myanmar"),
    "ku": ("Kurdish", "Kurmanji"),
    "sw": ("Swahili", "Kiswahili"),
}


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    english: str
    native: str

    def label(self) -> str:
        return self.english if self.english == self.native else f"{self.native} ({self.english})"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace("_", "-")


def offered() -> tuple[str, ...]:
    """Every language Homeroom offers (canonical codes); the default provider supports all."""
    return tuple(_CODES)


@cache
def _by_code() -> dict[str, Language]:
    return {code: Language(code=code, english=english, native=native) for code, (english, native) in NAMES.items()}


@cache
def all_languages() -> tuple[Language, ...]:
    return tuple(sorted(_by_code().values(), key=lambda lang: lang.english))


@cache
def _index() -> dict[str, str]:
    """Folded name or code → canonical code. Built from static tables only (well under a
    millisecond); the first name registered for a key wins, in English-name order."""
    index: dict[str, str] = {}
    for lang in all_languages():
        for name in (lang.code, lang.english, lang.native, *EXTRA_NAMES.get(lang.code, ())):
            index.setdefault(_fold(name), lang.code)
        babel_code = _CODES[lang.code]
        if babel_code:
            index.setdefault(_fold(babel_code), lang.code)
            index.setdefault(_fold(babel_code.split("_", 1)[0]), lang.code)
    return index


def by_code(code: str) -> Language | None:
    return _by_code().get(code)


def lookup(text: str) -> Language | None:
    """A language from a code, an English name or a native name; regional tags fall back
    to their language ("es-MX" → es, "pt_BR" → pt, "zh-Hant" → zh-TW)."""
    if not text or not text.strip():
        return None
    folded = _fold(text)
    index = _index()
    code = index.get(folded)
    if code is None and "-" in folded:
        code = index.get(folded.split("-", 1)[0])
    if code is None and folded.endswith(")") and "(" in folded:
        code = index.get(folded.split("(", 1)[0].strip())
    return by_code(code) if code else None


def suggest(text: str, limit: int = 5) -> list[Language]:
    """Near matches for an unknown name, to show a person a short list."""
    index = _index()
    close = difflib.get_close_matches(_fold(text), list(index), n=limit * 3, cutoff=0.5)
    seen: list[str] = []
    for name in close:
        if index[name] not in seen:
            seen.append(index[name])
    return [lang for code in seen[:limit] if (lang := by_code(code))]


def normalize(text: str | None) -> str | None:
    """Canonical code of a language, or None."""
    if not text:
        return None
    lang = lookup(text)
    return lang.code if lang else None


def base(code: str) -> str:
    """"zh-CN" → "zh", "es" → "es": what gettext catalogs and detectors key on."""
    return code.split("-", 1)[0]


# ----- the CLDR source of bot.i18n.language_names ---------------------------------------------------
def babel_locale(lang: str | None) -> str:
    """The Babel locale that formats dates and lists for ``lang`` (Babel spells a few codes its
    own way, and has no locale for some languages we offer: those read English)."""
    if not lang:
        return "en"
    code = lang.replace("-", "_")
    mapping = {"zh_CN": "zh_Hans", "zh_TW": "zh_Hant", "tl": "fil", "no": "nb", "hmn": "en", "sm": "en"}
    return mapping.get(code, code)


def names_from_cldr(code: str) -> tuple[str, str]:
    """(English, native) name of one language as CLDR (Babel) gives it, with Homeroom's
    corrections. Parses one locale; used to generate and to check :data:`NAMES`."""
    from babel import Locale, UnknownLocaleError

    english = native = ""
    babel_code = _CODES[code]
    if babel_code:
        try:
            loc = Locale.parse(babel_code)
            english = loc.get_display_name("en") or ""
            native = loc.get_display_name(loc) or english
        except (UnknownLocaleError, ValueError):
            pass
    extras = EXTRA_NAMES.get(code, ())
    if not english:
        english = extras[0] if extras else code
        native = extras[1] if len(extras) > 1 else english
    if code == "ht":
        english = "Haitian Creole"
    if code == "zh-CN":
        english, native = "Chinese (Simplified)", "中文 (简体)"
    if code == "tl":
        english = "Tagalog"
    return english, native


_NAMES_DOC = '''"""English and native names of the languages Homeroom offers, from CLDR.

Generated by ``python -m bot.i18n.catalogs names`` from the CLDR data shipped with Babel (with the few
names CLDR lacks from :data:`bot.i18n.languages.EXTRA_NAMES`); ``tests/i18n/test_languages.py``
checks it still agrees with Babel. Kept as data so that looking a language up costs
neither the time nor the memory of loading a CLDR locale for every language.
"""'''


def render_names_module() -> str:
    """The source of :mod:`bot.i18n.language_names`, from CLDR."""
    lines = [_NAMES_DOC, "", "#: Canonical code → (English name, native name).",
             "NAMES: dict[str, tuple[str, str]] = {"]
    for code in sorted(_CODES):
        english, native = names_from_cldr(code)
        lines.append(f'    "{code}": ("{english}", "{native}"),')
    lines.append("}")
    return "\n".join(lines) + "\n"

