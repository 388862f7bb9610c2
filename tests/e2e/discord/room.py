"""What a person does in the server, as Discord would send it to the bot: slash commands
as the bot registered them (an unregistered command cannot be typed), button presses on
the message as Discord holds it, reactions, DMs."""

from __future__ import annotations

from typing import Any

from tests.e2e.discord.fake import (
    CHANNELS,
    GUILD_ID,
    FakeDiscord,
    Person,
    buttons_of,
    modal_submit,
    snowflake,
    text_of,
)
from tests.e2e.discord.process import BotProcess, wait_for

OPTION_TYPES = {3: str, 4: int, 5: bool}
ATTACHMENT = 11


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
        resolved: dict[str, Any] = {}
        for key, value in options.items():
            assert key in declared, f"/{name} has no option {key!r} on Discord"
            kind = declared[key]["type"]
            if kind == ATTACHMENT:  # an uploaded file (FakeDiscord.upload): its id, resolved beside
                typed.append({"name": key, "type": kind, "value": value["id"]})
                resolved.setdefault("attachments", {})[value["id"]] = value
                continue
            typed.append({"name": key, "type": kind, "value": OPTION_TYPES.get(kind, str)(value)
                          if kind in OPTION_TYPES else str(value)})
        root, _, sub = name.partition(" ")
        data: dict[str, Any] = {"id": str(snowflake()), "name": root, "type": 1, "options": typed}
        if resolved:
            data["resolved"] = resolved
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

    def posts(self, containing: str) -> list[dict[str, Any]]:
        """Messages in the server's channels (not DMs, not interaction answers) with that text."""
        channels = {str(c) for c in CHANNELS.values()}
        return [m for m in list(self.fake.messages.values())
                if m["channel_id"] in channels and not m.get("deleted") and containing in text_of(m)]

    def card(self, containing: str) -> dict[str, Any]:
        return wait_for(lambda: next(iter(self.posts(containing)), None), describe=f"a post containing {containing!r}")

    def press(self, who: Person, message: dict[str, Any], label: str) -> dict[str, Any]:
        current = self.fake.messages[int(message["id"])]
        button = next((b for b in buttons_of(current) if str(b.get("label", "")).startswith(label)), None)
        labels = [b.get("label") for b in buttons_of(current)]
        assert button is not None, f"no button {label!r} on the message: {labels}"
        channel = next((n for n, c in CHANNELS.items() if str(c) == current["channel_id"]), "general")
        return self.fake.interaction(who, 3, {"custom_id": button["custom_id"], "component_type": 2},
                                     channel=channel, message=current)

    def dm_texts(self, who: Person) -> list[str]:
        return [text_of(m) for m in self.fake.dms_to(who)]

    def dms_containing(self, who: Person, text: str) -> list[str]:
        return [t for t in self.dm_texts(who) if text in t]

    def modal(self, interaction: dict[str, Any]) -> dict[str, Any]:
        """The modal the bot answered ``interaction`` with (callback type 9), as Discord accepted it."""
        return wait_for(lambda: next((c["data"] for c in self.fake.callbacks(interaction) if c.get("type") == 9), None),
                        describe="a modal")

    def submit(self, who: Person, modal: dict[str, Any], **values: Any) -> dict[str, Any]:
        """``who`` fills ``modal`` (text by field, a file from FakeDiscord.upload) and submits it."""
        return self.fake.interaction(who, 5, modal_submit(modal, values))
