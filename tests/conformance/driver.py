"""The contract every adapter's test driver fulfils, so one scenario runs on every platform.

A driver starts its adapter around a given :class:`~bot.runtime.core.Core` and plays people through
the platform's *real* protocol (console lines; Discord gateway payloads and a fake REST
server; signed Slack HTTP requests and a fake Web API). What the bot sent comes back as
platform-neutral :class:`Seen` records, so scenarios assert the same things everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from bot.api.roles import Role
from bot.runtime.core import Core


@dataclass(frozen=True)
class Person:
    """A participant known to the driver. ``name`` is the display name."""

    name: str
    user_id: str
    role: Role = Role.FAMILY
    language: str | None = None


@dataclass(frozen=True)
class FileToShare:
    """A file a person gives a command (a flyer, a permission slip). The driver puts it on
    the platform the way a person would before the command names it: a file on disk for the
    console, an upload Discord resolves into the interaction, a file Slack hosts and links."""

    filename: str
    content: bytes
    content_type: str


@dataclass
class Seen:
    """One thing the bot did, as a person would see it.

    ``where`` is "channel:<name>", "dm:<person name>", "ephemeral:<person name>" or
    "thread:<parent message id>"; ``message_id`` is the platform id the driver can react to,
    click or reply to; ``buttons`` are the visible button labels. ``files`` are the names of
    the files the platform received with the message, ``file_sizes`` their sizes in bytes as
    received (by name).
    """

    where: str
    text: str
    message_id: str
    buttons: list[str] = field(default_factory=list)
    edited: bool = False
    files: list[str] = field(default_factory=list)
    file_sizes: dict[str, int] = field(default_factory=dict)


class Driver(Protocol):
    core: Core

    async def start(self) -> None:
        """Start the adapter (connected to the core) and its fakes."""

    async def stop(self) -> None:
        """Stop everything the driver started."""

    async def person(self, name: str, role: Role = Role.FAMILY, language: str | None = None) -> Person:
        """Create (or return) a member of the test community with that platform role."""

    async def command(self, who: Person, name: str, /, *, files: Mapping[str, FileToShare] | None = None,
                      **options: str) -> None:
        """Run a declared command ("signup create") with text options, as that person;
        ``files`` gives its file options (by option name) as that platform's people share files."""

    async def react(self, who: Person, message_id: str, emoji: str) -> None: ...

    async def unreact(self, who: Person, message_id: str, emoji: str) -> None: ...

    async def click(self, who: Person, message_id: str, label: str) -> None:
        """Press the button with that visible label on a bot message."""

    async def dm(self, who: Person, text: str) -> None:
        """Send the bot a direct message."""

    async def reply(self, who: Person, message_id: str, text: str) -> None:
        """Reply in the thread of (or to) a bot message."""

    async def settle(self) -> None:
        """Wait until the bot has finished reacting (jobs run, debounced edits flushed)."""

    def seen(self) -> list[Seen]:
        """Everything the bot sent so far, in order."""

    def files_shown(self, where: str) -> list[str]:
        """The names of the files the platform shows in ``where`` ("channel:<name>") now: a
        deleted message no longer shows its files, a deleted file shows nowhere."""

    def files_behind(self, link: str) -> list[str]:
        """The names of the files a person finds by opening ``link`` (one the bot wrote in a
        message): the files of the message it leads to, or the file itself."""
