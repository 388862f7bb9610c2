"""Slots as organisers type them: what cannot be a slot is refused with the expected form."""

from __future__ import annotations

import pytest

from bot.api.errors import UserError
from cogs.signups.slots import MSG_UNREADABLE, parse_slots


def test_one_bare_word_is_not_read_as_a_one_place_slot() -> None:
    with pytest.raises(UserError) as refused:
        parse_slots("nonsense", 500)
    assert refused.value.msgid == MSG_UNREADABLE
    assert 'slots:"🚌 Chaperone x4; 🍪 Snacks x2"' in refused.value.msgid


def test_one_named_slot_with_its_places_is_a_slot() -> None:
    (slot,) = parse_slots("Driver x1", 500)
    assert (slot.label, slot.capacity) == ("Driver", 1)


def test_several_named_slots_without_emoji_are_slots() -> None:
    assert [s.label for s in parse_slots("Setup; Cleanup", 500)] == ["Setup", "Cleanup"]
