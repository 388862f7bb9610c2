"""One normal form for emoji, whatever platform they came from.

Discord sends unicode (sometimes with, sometimes without the VS16 selector) and custom
emoji as ``name:id``; Slack sends shortcodes (``bus``, ``+1``, ``thumbsup``,
``raised_hand::skin-tone-3``) and custom workspace emoji by name. A sign-up slot must match
all of them the same way, so every adapter turns what it receives into an :class:`Emoji`
here, and cogs compare ``Emoji.key`` values only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import emoji as emoji_lib

_VS16 = "\ufe0f"
_VS15 = "\ufe0e"
_SKIN_TONES = {chr(cp) for cp in range(0x1F3FB, 0x1F400)}
_SLACK_SKIN = re.compile(r"::skin-tone-\d$")
_DISCORD_CUSTOM = re.compile(r"^<?(a)?:?([A-Za-z0-9_~\-]+):(\d{5,25})>?$")
_SHORTCODE = re.compile(r"^:?([A-Za-z0-9_+\-']+?)(::skin-tone-\d)?:?$")


@dataclass(frozen=True, slots=True)
class Emoji:
    """A normalised emoji.

    ``key`` is what storage and comparisons use: the unicode sequence without variation
    selectors or skin tones, ``custom:<id>`` for a Discord custom emoji, or
    ``custom:<name>`` for a Slack workspace emoji (Slack has no ids for them).
    ``display`` is what to show a person.
    """

    key: str
    display: str
    custom_id: str | None = None
    name: str | None = None
    #: exactly what the person reacted with (skin tone, VS16 and all), where it differs from
    #: ``display``: the platform names that reaction only so, when the bot takes it back
    reacted: str | None = field(default=None, compare=False)

    @property
    def is_custom(self) -> bool:
        return self.key.startswith("custom:")

    def __str__(self) -> str:
        return self.display


def _strip_modifiers(text: str) -> str:
    return "".join(ch for ch in text if ch not in _SKIN_TONES and ch not in (_VS16, _VS15))


def from_unicode(text: str) -> Emoji:
    """A unicode emoji as any platform sends it (with or without VS16 and skin tone)."""
    base = _strip_modifiers(text.strip())
    # Keycaps ("1️⃣") need their VS16 to render; keep a canonical display form.
    display = emoji_lib.emojize(emoji_lib.demojize(base + _VS16), variant="emoji_type") if base else text
    if not emoji_lib.is_emoji(display):
        display = base
    return Emoji(key=base, display=display)


def from_discord(name: str, custom_id: int | str | None = None) -> Emoji:
    """Discord's ``PartialEmoji`` parts: a unicode name, or a custom emoji's name and id."""
    if custom_id:
        return Emoji(key=f"custom:{custom_id}", display=f"<:{name}:{custom_id}>", custom_id=str(custom_id),
                     name=name)
    normal = from_unicode(name)
    return normal if name == normal.display else Emoji(normal.key, normal.display, reacted=name)


def from_slack(shortcode: str) -> Emoji:
    """Slack's reaction ``name`` (``bus``, ``+1``, ``raised_hand::skin-tone-3``)."""
    name = _SLACK_SKIN.sub("", shortcode.strip().strip(":"))
    unicode_form = emoji_lib.emojize(f":{name}:", language="alias")
    if unicode_form != f":{name}:":
        return from_unicode(unicode_form)
    return Emoji(key=f"custom:{name}", display=f":{name}:", name=name)


def parse(text: str) -> Emoji | None:
    """Read an emoji typed by a person: unicode, ``:shortcode:``, or ``<:name:id>``.

    Returns None when the text is not an emoji at all.
    """
    text = text.strip()
    if not text:
        return None
    custom = _DISCORD_CUSTOM.match(text)
    if custom and (text.startswith("<") or (text.count(":") == 2 and not text.startswith(":"))):
        return from_discord(custom.group(2), custom.group(3))
    shortcode = _SHORTCODE.match(text)
    if shortcode and text.startswith(":"):
        result = from_slack(text)
        return None if result.is_custom and not text.endswith(":") else result
    stripped = _strip_modifiers(text)
    if stripped and emoji_lib.purely_emoji(stripped + _VS16 if len(stripped) == 1 else stripped):
        return from_unicode(text)
    if stripped and emoji_lib.is_emoji(stripped):
        return from_unicode(text)
    return None


def to_slack_name(e: Emoji) -> str:
    """The shortcode Slack expects when the bot adds a reaction (``reactions.add``)."""
    if e.is_custom:
        return e.name or e.key.removeprefix("custom:")
    alias = emoji_lib.demojize(e.display, language="alias")
    if alias.startswith(":") and alias.endswith(":") and alias.count(":") == 2:
        return alias.strip(":")
    alias = emoji_lib.demojize(e.key, language="alias")
    return alias.strip(":")
