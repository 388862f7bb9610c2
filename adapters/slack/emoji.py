"""Slack's emoji as the core's :class:`~bot.api.emoji.Emoji`, and back.

Slack names every reaction by a shortcode (``bus``, ``+1``, ``thumbsup``,
``raised_hand::skin-tone-3``); a workspace's own emoji has a name and no id, so its key is
``custom:<name>``. ``reactions.add`` and ``reactions.remove`` take the same kind of name.
"""

from __future__ import annotations

import emoji as emoji_lib

from bot.api.emoji import Emoji, from_shortcode


def from_slack(shortcode: str) -> Emoji:
    """Slack's reaction ``name`` (``bus``, ``+1``, ``raised_hand::skin-tone-3``)."""
    return from_shortcode(shortcode)


def to_slack_name(e: Emoji) -> str:
    """The shortcode Slack expects when the bot adds a reaction (``reactions.add``)."""
    if e.is_custom:
        return e.name or e.key.removeprefix("custom:")
    alias = emoji_lib.demojize(e.display, language="alias")
    if alias.startswith(":") and alias.endswith(":") and alias.count(":") == 2:
        return alias.strip(":")
    alias = emoji_lib.demojize(e.key, language="alias")
    return alias.strip(":")
