"""Discord's emoji as the core's :class:`~bot.api.emoji.Emoji`.

Discord names a reaction by a ``PartialEmoji``: a unicode ``name`` (with or without VS16, with
the skin tone the person chose), or a custom emoji's ``name`` and ``id``. The id is what
identifies a custom emoji: a renamed one keeps its key.
"""

from __future__ import annotations

from bot.api.emoji import Emoji, custom, reacted_unicode


def from_discord(name: str, custom_id: int | str | None = None) -> Emoji:
    """Discord's ``PartialEmoji`` parts: a unicode name, or a custom emoji's name and id."""
    if custom_id:
        return custom(name, custom_id)
    return reacted_unicode(name)
