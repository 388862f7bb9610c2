"""What a person does in the server, as Discord would send it to the bot: slash commands
as the bot registered them (an unregistered command cannot be typed), button presses on
the message as Discord holds it, reactions, DMs."""

from __future__ import annotations

from typing import Any

from tests.e2e.discord.fake import GUILD_ID, FakeDiscord, Person, buttons_of, snowflake, text_of
from tests.e2e.discord.process import BotProcess, wait_for

OPTION_TYPES = {3: str, 4: int, 5: bool}


class Room:
    def __init__(self, fake: FakeDiscord, bot: BotProcess) -> None:
        self.fake = fake
        self.bot = bot

    def registered(self, name: str) -> dict[str, Any] | None:
        """The registered command (or subcommand) a person can type as ``/name``."""
        root, _, sub = name.partition(" ")
        command = next((c for c in self.fake.commands.get(str(GUILD_ID), []) if c["name"] == root), None)
        if command is None or not sub:
            if command is not None and any(o.get("type") in (1, 2) for o in command.get("options", [])):
                return None  # a group root cannot itself be invoked
            return command
        return next((o for o in command.get("options", []) if o.get("type") == 1 and o["name"] == sub), None)

    def command(self, who: Person, name: str, /, **options: Any) -> dict[str, Any]:
        command = self.registered(name)
        assert command is not None, f"/{name} is not registered on Discord"
        declared = {o["name"]: o for o in command.get("options", [])}
        typed = []
        for key, value in options.items():
            assert key in declared, f"/{name} has no option {key!r} on Discord"
            kind = declared[key]["type"]
            typed.append({"name": key, "type": kind, "value": OPTION_TYPES.get(kind, str)(value)
                          if kind in OPTION_TYPES else str(value)})
        root, _, sub = name.partition(" ")
        data: dict[str, Any] = {"id": str(snowflake()), "name": root, "type": 1, "options": typed}
        if sub:
            data["options"] = [{"name": sub, "type": 1, "options": typed}]
        return self.fake.interaction(who, 2, data)

    def answer(self, interaction: dict[str, Any], containing: str = "") -> str:
        """The text the person sees for an interaction, once it contains ``containing``."""
        def found() -> str | None:
            for message in self.fake.answers_to(interaction):
                text = text_of(message)
                if text and containing in text:
                    return text
            return None

        return wait_for(found, describe=f"an answer containing {containing!r}")

    def card(self, channel: str, containing: str) -> dict[str, Any]:
        return wait_for(lambda: next((m for m in reversed(self.fake.posts_in(channel)) if containing in text_of(m)),
                                     None), describe=f"a post in #{channel} containing {containing!r}")

    def press(self, who: Person, message: dict[str, Any], label: str) -> dict[str, Any]:
        current = self.fake.messages[int(message["id"])]
        button = next((b for b in buttons_of(current) if str(b.get("label", "")).startswith(label)), None)
        assert button is not None, f"no button {label!r} on the message: {[b.get('label') for b in buttons_of(current)]}"
        channel = next((n for n, c in __import__("tests.e2e.discord.fake", fromlist=["CHANNELS"]).CHANNELS.items()
                        if str(c) == current["channel_id"]), "general")
        return self.fake.interaction(who, 3, {"custom_id": button["custom_id"], "component_type": 2},
                                     channel=channel, message=current)

    def dm_texts(self, who: Person) -> list[str]:
        return [text_of(m) for m in self.fake.dms_to(who)]
