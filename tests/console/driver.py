"""The console adapter as a conformance driver: people act through console lines."""

from __future__ import annotations

from adapters.console.adapter import ConsoleAdapter
from bot.api.roles import Role
from bot.runtime.core import Core
from tests.conformance.driver import Person, Seen


class ConsoleDriver:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.lines: list[str] = []
        self.console = ConsoleAdapter(core, out=self.lines.append)

    async def start(self) -> None:
        await self.core.start()
        await self.core.platform_ready("console")

    async def stop(self) -> None:
        await self.core.settle()

    async def person(self, name: str, role: Role = Role.FAMILY, language: str | None = None) -> Person:
        line = f"as {name} role={role.value}" + (f" lang={language}" if language else "")
        await self.console.execute(line)
        assert self.console.current is not None
        return Person(name=name, user_id=self.console.current.user.id, role=role, language=language)

    async def _as(self, who: Person) -> None:
        await self.console.execute(f"as {who.name}")

    async def command(self, who: Person, name: str, /, **options: str) -> None:
        await self._as(who)
        text = " ".join(f'{key}:"{value}"' for key, value in options.items())
        await self.console.execute(f"/{name} {text}".strip())

    async def react(self, who: Person, message_id: str, emoji: str) -> None:
        await self._as(who)
        await self.console.execute(f"react #{message_id} {emoji}")

    async def unreact(self, who: Person, message_id: str, emoji: str) -> None:
        await self._as(who)
        await self.console.execute(f"unreact #{message_id} {emoji}")

    async def click(self, who: Person, message_id: str, label: str) -> None:
        await self._as(who)
        await self.console.execute(f"click #{message_id} {label}")

    async def dm(self, who: Person, text: str) -> None:
        await self._as(who)
        await self.console.execute(f"dm {text}")

    async def reply(self, who: Person, message_id: str, text: str) -> None:
        await self._as(who)
        await self.console.execute(f"reply #{message_id} {text}")

    async def settle(self) -> None:
        await self.core.settle()

    def seen(self) -> list[Seen]:
        result = []
        for entry in self.console.entries:
            if entry.where.startswith("#"):
                where = f"channel:{entry.where[1:]}"
            elif entry.where.startswith("DM → "):
                where = f"dm:{entry.where.removeprefix('DM → ')}"
            elif entry.where.startswith("only "):
                where = f"ephemeral:{entry.where.removeprefix('only ').removesuffix(' sees')}"
            else:
                where = f"thread:{entry.where.removeprefix('thread of #')}"
            message = entry.message
            result.append(Seen(where=where, text=message.plain_text(), message_id=str(entry.number),
                               buttons=[b.label for b in message.buttons], edited=entry.edits > 0,
                               files=[a.filename for a in message.attachments]))
        return result
