"""The process starts against the fake: logs in, registers commands, identifies."""

from __future__ import annotations

from tests.e2e.discord.fake import GUILD_ID
from tests.e2e.discord.room import Room


def test_the_bot_registers_its_commands_in_the_guild(room: Room) -> None:
    assert room.fake.seen("PUT", "applications")[-1].parts[-3:] == ["guilds", str(GUILD_ID), "commands"]
    assert room.fake.identifies == 1


def test_help_is_answered(room: Room) -> None:
    family = room.fake.person("Ana")
    asked = room.command(family, "help")
    assert "/" in room.answer(asked)
