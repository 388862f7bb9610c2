"""Slack's reaction names (shortcodes) as the core's emoji keys, and back for reactions.add."""

from __future__ import annotations

import pytest

from adapters.slack.emoji import from_slack, to_slack_name
from bot.api import emoji

BUS = emoji.parse("🚌")
THUMBS = emoji.parse("👍")
HAND = emoji.parse("✋")
HEART = emoji.parse("❤️")


@pytest.mark.parametrize(("shortcode", "expected"), [
    ("bus", BUS), ("+1", THUMBS), ("thumbsup", THUMBS), ("raised_hand::skin-tone-3", HAND), ("heart", HEART),
    ("+1::skin-tone-2", THUMBS), ("thumbsup::skin-tone-5", THUMBS),
])
def test_reaction_names_match_unicode(shortcode: str, expected: emoji.Emoji) -> None:
    assert from_slack(shortcode).key == expected.key


def test_a_workspace_emoji_keeps_its_name() -> None:
    assert from_slack("partyparrot").key == "custom:partyparrot"


def test_a_keycap_name_matches_the_typed_keycap() -> None:
    assert from_slack("one").key == emoji.parse("1️⃣").key  # type: ignore[union-attr]


def test_the_name_for_reacting_is_the_shortcode() -> None:
    assert to_slack_name(BUS) == "bus"  # type: ignore[arg-type]
    assert to_slack_name(from_slack("partyparrot")) == "partyparrot"


def test_a_reaction_name_goes_back_unchanged() -> None:
    for name in ("bus", "+1", "heart", "partyparrot"):
        assert from_slack(to_slack_name(from_slack(name))) == from_slack(name)
