"""The console adapter as a conformance driver: people act through console lines."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from adapters.console.adapter import ConsoleAdapter, Entry
from bot.api.roles import Role
from bot.runtime.core import Core
from tests.conformance.driver import FileToShare, Person, Seen


def where_of(entry: Entry) -> str:
    """A transcript entry's place in the :class:`Seen` vocabulary."""
    if entry.where.startswith("#"):
        return f"channel:{entry.where[1:]}"
    if entry.where.startswith("DM → "):
        return f"dm:{entry.where.removeprefix('DM → ')}"
    if entry.where.startswith("only "):
        return f"ephemeral:{entry.where.removeprefix('only ').removesuffix(' sees')}"
    return f"thread:{entry.where.removeprefix('thread of #')}"


class ConsoleDriver:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.lines: list[str] = []
        self.console = ConsoleAdapter(core, out=self.lines.append)
        #: where the files people share are written, as a person saves a file before attaching it
        self.desk = tempfile.TemporaryDirectory(prefix="homeroom-shared-")

    async def start(self) -> None:
        await self.core.start()
        await self.core.platform_ready("console")

    async def stop(self) -> None:
        await self.core.settle()
        self.desk.cleanup()

    async def person(self, name: str, role: Role = Role.FAMILY, language: str | None = None) -> Person:
        line = f"as {name} role={role.value}" + (f" lang={language}" if language else "")
        await self.console.execute(line)
        assert self.console.current is not None
        return Person(name=name, user_id=self.console.current.user.id, role=role, language=language)

    async def _as(self, who: Person) -> None:
        await self.console.execute(f"as {who.name}")

    def share(self, file: FileToShare) -> str:
        """The file written to disk under its own name; its path, for ``attach:PATH``."""
        path = Path(self.desk.name) / file.filename
        path.write_bytes(file.content)
        return str(path)

    async def command(self, who: Person, name: str, /, *, files: Mapping[str, FileToShare] | None = None,
                      **options: str) -> None:
        await self._as(who)
        paths = {key: self.share(file) for key, file in (files or {}).items()}
        text = " ".join(f'{key}:"{value}"' for key, value in {**options, **paths}.items())
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
            message = entry.message
            result.append(Seen(where=where_of(entry), text=message.plain_text(), message_id=str(entry.number),
                               buttons=[b.label for b in message.buttons], edited=entry.edits > 0,
                               files=[a.filename for a in message.attachments],
                               file_sizes={a.filename: len(a.content) for a in message.attachments}))
        return result

    def files_shown(self, where: str) -> list[str]:
        """The files of the entries still in the transcript there (a deleted entry is struck out)."""
        return [a.filename for entry in self.console.entries if where_of(entry) == where and not entry.deleted
                for a in entry.files]

    def files_behind(self, link: str) -> list[str]:
        """A console link to a shared file is its path: the file, while it is on disk."""
        path = Path(link)
        return [path.name] if path.is_file() else []
