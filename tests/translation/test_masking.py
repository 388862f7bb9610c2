"""Masking: whatever must survive translation comes back byte-identical."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.translation.masking import mask, unmask

PROTECTED = st.sampled_from([
    "<@123456789>", "<@!42>", "<#C024BE91L|general>", "<!here>", "<@U024BE7LH>", "<:party:987654321012345678>",
    "https://school.example/trip?day=fri", "office@school.example", "🚌", "👍🏽", "❤️", "1️⃣", ":bus:",
    "`npm test`", "```\nblock\n```", "{name}", "{count}", "@Maria",
])
WORDS = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Zs", "Po")), max_size=20)


def provider_that_mangles(text: str) -> str:
    """A provider that translates words and adds spaces inside and around tokens."""
    return "TRADUCIDO " + text.replace("⟦", "⟦ ").replace("⟧", " ⟧ ")


@given(st.lists(st.tuples(WORDS, PROTECTED), min_size=1, max_size=6))
@settings(max_examples=200, deadline=None)
def test_protected_pieces_round_trip_exactly(parts: list[tuple[str, str]]) -> None:
    text = " ".join(f"{words} {kept}" for words, kept in parts)
    masked = mask(text)
    restored = unmask(provider_that_mangles(masked.text), masked)
    for _, kept in parts:
        assert kept in restored
        assert kept not in masked.text or kept.startswith("@") is False


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_identity_provider_restores_any_text_exactly(text: str) -> None:
    masked = mask(text, glossary=["PTA", "Lincoln Elementary"])
    assert unmask(masked.text, masked) == text


def test_glossary_terms_are_never_sent() -> None:
    masked = mask("The PTA meets at Lincoln Elementary with Zoë", glossary=["PTA", "Lincoln Elementary", "Zoë"])
    assert "PTA" not in masked.text and "Lincoln" not in masked.text and "Zoë" not in masked.text
    assert unmask(masked.text, masked) == "The PTA meets at Lincoln Elementary with Zoë"


def test_a_token_the_provider_dropped_is_appended_not_lost() -> None:
    masked = mask("Bring 🍪 and see https://x.example")
    dropped = masked.text.replace("⟦0⟧", "")
    restored = unmask(dropped, masked)
    assert "🍪" in restored and "https://x.example" in restored
