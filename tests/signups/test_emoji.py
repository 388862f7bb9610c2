"""Emoji normalisation: every spelling a person types for a slot's emoji is the same key. How each
platform's own reactions map to it is tested with its adapter (tests/discord, tests/slack)."""

from __future__ import annotations

import pytest

from bot.api import emoji

BUS = emoji.parse("🚌")
THUMBS = emoji.parse("👍")
HAND = emoji.parse("✋")
HEART = emoji.parse("❤️")


@pytest.mark.parametrize(("spelling", "expected"), [
    ("🚌", BUS), (":bus:", BUS),
    ("👍", THUMBS), ("👍🏽", THUMBS), ("👍🏿", THUMBS), (":+1:", THUMBS), (":thumbsup:", THUMBS),
    ("✋", HAND), ("✋🏻", HAND), (":raised_hand::skin-tone-3:", HAND),
    ("❤️", HEART), ("❤", HEART), (":heart:", HEART),
    (":+1::skin-tone-2:", THUMBS), (":thumbsup::skin-tone-6:", THUMBS), ("👍\ufe0f", THUMBS),
    ("☝", emoji.parse("☝️")), ("☝🏽", emoji.parse("☝️")), ("⬆", emoji.parse("⬆️")),
    ("<:party:123456789012345678>", emoji.custom("party", "123456789012345678")),
    ("<a:party:123456789012345678>", emoji.custom("party", "123456789012345678")),
])
def test_typed_spellings_share_one_key(spelling: str, expected: emoji.Emoji) -> None:
    parsed = emoji.parse(spelling)
    assert parsed is not None and parsed.key == expected.key


def test_a_custom_emoji_with_an_id_is_matched_by_its_id_not_its_name() -> None:
    assert emoji.custom("renamed", "123456789012345678").key == emoji.custom("party", 123456789012345678).key
    assert emoji.parse("<:party:123456789012345678>").key == "custom:123456789012345678"  # type: ignore[union-attr]


def test_a_typed_custom_emoji_reads_back_from_its_display() -> None:
    party = emoji.custom("party", "123456789012345678")
    assert emoji.parse(party.display) == party


def test_an_unknown_shortcode_is_a_custom_emoji_known_by_name() -> None:
    assert emoji.parse(":partyparrot:") == emoji.from_shortcode("partyparrot")
    assert emoji.from_shortcode("partyparrot").key == "custom:partyparrot"


def test_keycap_digits_keep_a_displayable_form() -> None:
    one = emoji.parse("1️⃣")
    assert one is not None and one.display == "1️⃣" and emoji.from_shortcode("one").key == one.key


def test_plain_words_are_not_emoji() -> None:
    assert emoji.parse("hello") is None
    assert emoji.parse("") is None


@pytest.mark.parametrize("spelling", ["❤️", "❤", "☝", "☝️", "☝🏿", "⬆", "⬆️"])
def test_vs16_and_skin_tone_never_reach_the_key(spelling: str) -> None:
    parsed = emoji.parse(spelling)
    assert parsed is not None and "\ufe0f" not in parsed.key
    assert not any(0x1F3FB <= ord(ch) <= 0x1F3FF for ch in parsed.key)


def test_stripping_skin_tones_never_merges_two_different_emoji() -> None:
    assert emoji.parse("👍🏿").key != emoji.parse("👎🏿").key  # type: ignore[union-attr]


def test_a_reaction_keeps_its_skin_tone_for_removal_but_matches_the_plain_slot() -> None:
    toned = emoji.reacted_unicode("👍🏽")
    assert toned.key == emoji.reacted_unicode("👍").key == THUMBS.key  # type: ignore[union-attr]
    assert toned.reacted == "👍🏽"
    assert emoji.reacted_unicode("👍").reacted is None
