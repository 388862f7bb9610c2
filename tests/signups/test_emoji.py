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
])
def test_typed_spellings_share_one_key(spelling: str, expected: emoji.Emoji) -> None:
    parsed = emoji.parse(spelling)
    assert parsed is not None and parsed.key == expected.key


@pytest.mark.parametrize(("shortcode", "expected"), [
    ("bus", BUS), ("+1", THUMBS), ("thumbsup", THUMBS), ("raised_hand::skin-tone-3", HAND), ("heart", HEART),
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
