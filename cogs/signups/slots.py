"""Reading a sign-up's slots as a teacher types them: "🚌 Chaperone x4; 🍪 Snacks x2"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import emoji as emoji_norm
from bot.errors import UserError

_CAPACITY = re.compile(r"\s*(?:[x×*]\s*(\d+)|\((\d+)\))\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class SlotSpec:
    emoji_key: str
    emoji_display: str
    label: str
    capacity: int


def parse_slots(text: str, max_capacity: int) -> list[SlotSpec]:
    """Slots separated by ";" or new lines. Each may start with an emoji; a capacity is
    written "x4", "×4" or "(4)" (default 1). Slots without an emoji are allowed: they are
    claimed with buttons instead of reactions."""
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
        result.append(SlotSpec(emoji_key=key, emoji_display=display, label=label[:200], capacity=capacity))
    return result
