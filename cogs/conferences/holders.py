"""Who "one booking each" counts. Today a booking is held by the person who made it; when
households exist a booking is held per child, and only this module changes."""

from __future__ import annotations

from bot.db.models import Member


def booking_holder(member: Member) -> str:
    """The key a conference allows one booking for."""
    return f"member:{member.id}"


def holder_label(member: Member) -> str:
    """How the holder appears on the teacher's schedule."""
    return member.display_name or f"member {member.id}"
