"""The language table: names families type find their language, and the generated names
still agree with CLDR."""

from __future__ import annotations

import sys

import pytest

from bot.i18n import languages
from bot.i18n.language_names import NAMES


@pytest.mark.parametrize(("typed", "code"), [
    ("español", "es"), ("Spanish", "es"), ("es-MX", "es"), ("spa", "es"), ("pt_BR", "pt"),
    ("zh-Hant", "zh-TW"), ("Tiếng Việt", "vi"), ("tieng viet", "vi"), ("Kreyol", "ht"), ("fil", "tl"),
    ("nb", "no"), ("العربية", "ar"), ("Af-Soomaali", "so"), ("Hmoob", "hmn"),
])
def test_a_typed_name_or_code_finds_the_language(typed: str, code: str) -> None:
    assert languages.normalize(typed) == code


def test_an_unknown_name_finds_nothing_but_gets_suggestions() -> None:
    assert languages.lookup("Spanich") is None
    assert "es" in [lang.code for lang in languages.suggest("Spanich")]


def test_every_offered_language_has_names() -> None:
    assert set(NAMES) == set(languages.offered())
    assert all(english and native for english, native in NAMES.values())


def test_generated_names_agree_with_cldr() -> None:
    """If Babel's CLDR data changes, regenerate with ``python -m bot.i18n.catalogs names``."""
    assert {code: languages.names_from_cldr(code) for code in languages.offered()} == NAMES


def test_looking_a_language_up_loads_no_cldr_locale() -> None:
    """A CLDR locale for every language cost 1.7 s and ~85 MB on the first look-up."""
    from babel import localedata

    languages._index.cache_clear()
    before = set(localedata._cache)
    assert languages.normalize("français") == "fr"
    assert set(localedata._cache) == before
    assert "bot.i18n.language_names" in sys.modules
