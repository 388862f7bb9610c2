"""Reading a sign-up's slots as an organiser types them: "🚌 Chaperone x4; 🍪 Snacks x2".

Pure parsing plus one platform question (is a custom emoji usable here?), so every rule
about bad input lives in one place and is answered before anything is posted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.api import emoji as emoji_norm
from bot.api.errors import UserError
from bot.api.outbound import Outbound
from bot.api.refs import CommunityRef
from bot.i18n import N_

_CAPACITY = re.compile(r"\s*(?:[x×*]\s*(-?\d+)|\((-?\d+)\))\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class SlotSpec:
    """One slot as typed. ``emoji_key`` is ``slot<n>`` when the slot has no emoji (such
    slots are claimed with buttons, never with reactions)."""

    emoji_key: str
    emoji_display: str
    label: str
    capacity: int
    emoji: emoji_norm.Emoji | None = None


def parse_slots(text: str, max_capacity: int) -> list[SlotSpec]:
    """Slots separated by ";" or new lines. Each may start with an emoji; a capacity is
    written "x4", "×4" or "(4)" (default 1)."""
    parts = [p.strip() for p in re.split(r"[;\n]", text or "") if p.strip()]
    if not parts:
        raise UserError("Please list at least one slot, for example slots:\"🚌 Chaperone x4; 🍪 Snacks x2\".")
    result: list[SlotSpec] = []
    seen: set[str] = set()
    for index, part in enumerate(parts, start=1):
        capacity = 1
        match = _CAPACITY.search(part)
        if match:
            capacity = int(match.group(1) or match.group(2))
            part = part[:match.start()].strip()
        first, _, rest = part.partition(" ")
        parsed = emoji_norm.parse(first)
        if len(parts) == 1 and parsed is None and match is None:
            # One bare word or phrase: nothing says it is meant as a slot (a typo, an option
            # given the wrong value); a one-place sign-up must be asked for as such.
            raise UserError(MSG_UNREADABLE, text=text.strip()[:100])
        if parsed is not None:
            key, display, label = parsed.key, parsed.display, rest.strip()
        else:
            key, display, label = f"slot{index}", "", part
        if not label:
            label = display or f"#{index}"
        if capacity < 1 or capacity > max_capacity:
            raise UserError("Each slot needs a capacity from 1 to {max} (\"{slot}\" has {capacity}).",
                            max=max_capacity, slot=label, capacity=capacity)
        if key in seen:
            raise UserError("The emoji {emoji} is used for two slots; please give each slot its own.",
                            emoji=display or key)
        seen.add(key)
        result.append(SlotSpec(emoji_key=key, emoji_display=display, label=label[:200], capacity=capacity,
                               emoji=parsed))
    return result


MSG_UNREADABLE = N_("I could not read \"{text}\" as slots. Write each slot as an emoji or a name and its number of "
                    "places, separated by \";\", for example slots:\"🚌 Chaperone x4; 🍪 Snacks x2\" "
                    "(or slots:\"Driver x1\" for one place).")
MSG_UNKNOWN_SHORTCODE = N_("{emoji} is not an emoji I know. Pick the emoji from the emoji menu, or use a standard "
                           "name such as :bus: or :cookie:.")
MSG_OTHER_SERVER = N_("The emoji {emoji} is not available in this community (is it from another server?). Please "
                      "use a standard emoji or one of this community's own.")


async def check_custom_emoji(specs: list[SlotSpec], outbound: Outbound, community: CommunityRef) -> None:
    """Refuse custom emoji the platform does not know in this community (another server's
    emoji, a deleted one): nobody could react with them. Where the adapter cannot tell
    (``emoji_available`` answers None), the emoji is accepted."""
    for spec in specs:
        if spec.emoji is not None and spec.emoji.is_custom:
            if await outbound.emoji_available(community, spec.emoji) is False:
                if spec.emoji.custom_id is None:  # a typed :name: that names no emoji here
                    raise UserError(MSG_UNKNOWN_SHORTCODE, emoji=spec.emoji_display)
                raise UserError(MSG_OTHER_SERVER, emoji=spec.emoji.name or spec.emoji_display)
