"""The process starts against the fake: logs in, registers commands, identifies."""

from __future__ import annotations

import json
import urllib.request

from tests.e2e.discord.fake import GUILD_ID
from tests.e2e.discord.process import wait_for
from tests.e2e.discord.room import Room


def test_the_bot_registers_its_commands_in_the_guild(room: Room) -> None:
    assert room.fake.seen("PUT", "applications")[-1].parts[-3:] == ["guilds", str(GUILD_ID), "commands"]
    assert room.fake.identifies == 1


def test_help_is_answered(room: Room) -> None:
    family = room.fake.person("Ana")
    asked = room.command(family, "help")
    assert "/" in room.answer(asked)


def test_healthz_reports_discord_ready_once_the_gateway_is_ready(room: Room) -> None:
    def report() -> dict | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{room.bot.http_port}/healthz", timeout=5) as answer:
                return json.loads(answer.read())
        except (OSError, ValueError):
            return None

    healthy = wait_for(lambda: (r := report()) is not None and r.get("status") == "ok" and r, describe="/healthz ok")
    assert healthy["platforms"] == {"discord": "ready"}
