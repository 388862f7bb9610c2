"""Platform-neutral outgoing messages.

A cog builds a :class:`Message`; each adapter renders it in its platform's own form (an
embed with components, a block layout, console text). Buttons carry an ``action`` and a
``value`` that the adapter encodes into the platform's custom id and decodes back into a
:class:`~bot.api.events.ButtonPressed` (both through :mod:`bot.api.customid`), so buttons keep working
after a restart without any in-memory view.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from bot.api import customid


class ButtonStyle(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    SUCCESS = "success"
    DANGER = "danger"


class Tone(StrEnum):
    """How a message should look: ``alert`` is an emergency — each platform gives it its own
    colour and header, so it never reads like everyday news."""

    NORMAL = "normal"
    ALERT = "alert"


@dataclass(frozen=True, slots=True)
class Button:
    """A button. ``action`` routes the press to a cog handler; ``value`` is its argument."""

    label: str
    action: str
    value: str = ""
    style: ButtonStyle = ButtonStyle.SECONDARY

    @property
    def custom_id(self) -> str:
        return customid.button(self.action, self.value)


@dataclass(frozen=True, slots=True)
class SelectOption:
    label: str
    value: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Select:
    """A select menu; choosing an option arrives as a ButtonPressed with that option's value."""

    action: str
    placeholder: str
    options: tuple[SelectOption, ...]
    #: Distinguishes several menus with one action on a message (custom ids must differ).
    group: str = ""

    @property
    def custom_id(self) -> str:
        return customid.button(self.action, self.group)


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to upload with the message (a CSV roster, a PNG chart, a JSON export)."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file a person shared on their platform (a flyer, a permission slip), kept by
    reference only: the platform's file id, the address it serves it from and what the
    platform says it is. The bytes stay on the platform; the bot fetches them when it posts.
    ``permalink`` is a page a reader can open, where the platform gives one."""

    platform: str
    id: str
    filename: str
    size: int
    content_type: str
    url: str
    permalink: str = ""

    def to_json(self) -> dict[str, str | int]:
        return {"platform": self.platform, "id": self.id, "filename": self.filename, "size": self.size,
                "content_type": self.content_type, "url": self.url, "permalink": self.permalink}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileRef:
        return cls(str(data["platform"]), str(data["id"]), str(data["filename"]), int(data["size"]),
                   str(data["content_type"]), str(data["url"]), str(data.get("permalink", "")))


class FileUnavailable(Exception):
    """A shared file the platform no longer serves (deleted, or its address expired), so a
    post that should carry it cannot be made as asked."""

    def __init__(self, file: FileRef, reason: str = "") -> None:
        super().__init__(f"{file.filename}: {reason}" if reason else file.filename)
        self.file = file


@dataclass(frozen=True, slots=True)
class Message:
    """What a cog wants shown. ``text`` is the body; ``title`` and ``fields`` become an embed
    or blocks where the platform has them; ``buttons`` and ``selects`` are interactive parts."""

    text: str = ""
    title: str | None = None
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    #: Select menus (each at most 25 options, the platforms' common limit); long lists use several.
    selects: tuple[Select, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    #: files people shared on the platform, posted with the message (fetched by reference)
    files: tuple[FileRef, ...] = ()
    footer: str | None = None
    tone: Tone = Tone.NORMAL
    #: a channel post that should notify everyone present (each platform's ``@here``)
    notify_channel: bool = False

    def with_text(self, text: str) -> Message:
        return replace(self, text=text)

    def plain_text(self) -> str:
        """Everything a reader sees, as plain text (for platforms or logs without embeds)."""
        parts: list[str] = []
        if self.title:
            parts.append(f"**{self.title}**")
        if self.text:
            parts.append(self.text)
        for f in self.fields:
            parts.append(f"{f.name}: {f.value}")
        if self.footer:
            parts.append(self.footer)
        return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class Form:
    """A form (a platform's modal dialog). Platforms without forms fall back to
    ``name:value`` text, so a form is never the only way to run a command."""

    form_id: str
    title: str
    fields: tuple[FormField, ...] = field(default_factory=tuple)
    value: str = ""
    #: a line shown above the fields (the whole title, when the platform's cap shortened it)
    intro: str = ""
    #: the texts of the submit and close buttons (the core fills them in the reader's language)
    submit: str = ""
    close: str = ""


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    long: bool = False
    required: bool = True
    max_length: int = 4000
    default: str = ""
    #: a file to upload (where a platform's forms take files); its value arrives as a :class:`FileRef`
    file: bool = False
    #: a line under the field saying what to write, and a greyed example inside it
    hint: str = ""
    placeholder: str = ""
