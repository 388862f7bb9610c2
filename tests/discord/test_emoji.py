"""Discord's reactions (a ``PartialEmoji``'s name and id) as the core's emoji keys."""

from __future__ import annotations

from adapters.discord.emoji import from_discord
from bot.api import emoji


def test_unicode_with_or_without_vs16_is_one_key() -> None:
    assert from_discord("❤️").key == from_discord("❤").key == emoji.parse("❤️").key  # type: ignore[union-attr]


def test_a_custom_emoji_is_matched_by_id_not_name() -> None:
    assert from_discord("party", 123456789012345678).key == from_discord("renamed", "123456789012345678").key
    assert from_discord("party", 123456789012345678).key == "custom:123456789012345678"


def test_a_custom_emoji_typed_in_a_message_matches_its_reaction() -> None:
    assert emoji.parse("<:party:123456789012345678>") == from_discord("party", "123456789012345678")
    assert emoji.parse("<a:party:123456789012345678>") == from_discord("party", "123456789012345678")


def test_a_reaction_keeps_its_skin_tone_for_removal_but_matches_the_plain_slot() -> None:
    toned = from_discord("👍🏽")
    assert toned.key == from_discord("👍").key
    assert toned.reacted == "👍🏽"
    assert from_discord("👍").reacted is None
