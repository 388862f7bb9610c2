"""Two classes of one deployment on the console, for tests of what a person in both receives."""

from __future__ import annotations

from adapters.console import ConsoleSession
from adapters.console.adapter import CHANNEL_NAMES
from bot.api.refs import ChannelRef, CommunityRef

LEE = "as Ms Lee role=teacher,admin"  # Room 12 (the console's first class)
KIM = "as Mr Kim role=teacher,admin"  # Room 14
ROOM_12, ROOM_14 = "— Room 12 —", "— Room 14 —"


def enter(s: ConsoleSession, room: str, name: str) -> None:
    """Step into another class of the same deployment (another server on Discord): what
    is typed from now on happens there."""
    s.console.community = CommunityRef("console", room)
    s.console.community_name = name
    s.console.channels = {channel: ChannelRef("console", channel, s.console.community) for channel in CHANNEL_NAMES}


async def two_classes(s: ConsoleSession, room_12: str, room_14: str) -> None:
    """Run ``room_12`` in Ms Lee's Room 12 and ``room_14`` in Mr Kim's Room 14."""
    enter(s, "room", "Room 12")
    await s.run(f"{LEE}\n/help\n{room_12}")
    enter(s, "room-14", "Room 14")
    await s.run(f"{KIM}\n/help\n{room_14}")
