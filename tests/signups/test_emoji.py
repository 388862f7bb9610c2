"""Emoji normalisation: every platform's spelling of a slot's emoji is the same key."""

from __future__ import annotations

import pytest

from bot import emoji

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
    ("<:party:123456789012345678>", emoji.from_discord("party", "123456789012345678")),
    ("<a:party:123456789012345678>", emoji.from_discord("party", "123456789012345678")),
])
def test_typed_spellings_share_one_key(spelling: str, expected: emoji.Emoji) -> None:
    parsed = emoji.parse(spelling)
    assert parsed is not None and parsed.key == expected.key


@pytest.mark.parametrize(("shortcode", "expected"), [
    ("bus", BUS), ("+1", THUMBS), ("thumbsup", THUMBS), ("raised_hand::skin-tone-3", HAND), ("heart", HEART),
    ("+1::skin-tone-2", THUMBS), ("thumbsup::skin-tone-5", THUMBS),
])
def test_slack_reaction_names_match_unicode(shortcode: str, expected: emoji.Emoji) -> None:
    assert emoji.from_slack(shortcode).key == expected.key


def test_discord_unicode_with_or_without_vs16_match() -> None:
    assert emoji.from_discord("❤️").key == emoji.from_discord("❤").key == HEART.key


def test_discord_custom_emoji_match_by_id_not_name() -> None:
    renamed = emoji.from_discord("renamed", "123456789012345678")
    assert emoji.from_discord("party", 123456789012345678).key == renamed.key
    assert emoji.parse("<:party:123456789012345678>").key == "custom:123456789012345678"


def test_slack_custom_workspace_emoji_keep_their_name() -> None:
    assert emoji.from_slack("partyparrot").key == "custom:partyparrot"


def test_keycap_digits_keep_a_displayable_form() -> None:
    one = emoji.parse("1️⃣")
    assert one is not None and one.display == "1️⃣" and emoji.from_slack("one").key == one.key


def test_plain_words_are_not_emoji() -> None:
    assert emoji.parse("hello") is None
    assert emoji.parse("") is None


def test_slack_name_for_reacting() -> None:
    assert emoji.to_slack_name(BUS) == "bus"
    assert emoji.to_slack_name(emoji.from_slack("partyparrot")) == "partyparrot"


@pytest.mark.parametrize("spelling", ["❤️", "❤", "☝", "☝️", "☝🏿", "⬆", "⬆️"])
def test_vs16_and_skin_tone_never_reach_the_key(spelling: str) -> None:
    parsed = emoji.parse(spelling)
    assert parsed is not None and "\ufe0f" not in parsed.key
    assert not any(0x1F3FB <= ord(ch) <= 0x1F3FF for ch in parsed.key)


def test_stripping_skin_tones_never_merges_two_different_emoji() -> None:
    assert emoji.parse("👍🏿").key != emoji.parse("👎🏿").key  # type: ignore[union-attr]


def test_a_discord_reaction_keeps_its_skin_tone_for_removal_but_matches_the_plain_slot() -> None:
    from bot.emoji import from_discord

    toned = from_discord("👍🏽")
    assert toned.key == from_discord("👍").key
    assert toned.reacted == "👍🏽"
    assert from_discord("👍").reacted is None
