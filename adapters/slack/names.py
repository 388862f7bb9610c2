"""Slash-command names on Slack: an optional prefix (``[slack] command_prefix``), used the
same way in the manifest, in the listeners bolt registers and in every text the bot sends.

Other apps in a workspace may own ``/poll`` or ``/tasks``; with ``command_prefix = "hr-"``
Homeroom's are ``/hr-poll`` and ``/hr-tasks``. The core and the cogs keep writing ``/poll``
(one catalog for every platform); the adapter rewrites those references on the way out, so
``/help`` lists, error hints and "type this command" fallbacks name commands as they are
typed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from bot.api.messages import Field, Message


class CommandNames:
    def __init__(self, prefix: str, roots: Iterable[str]) -> None:
        self.prefix = prefix
        self.roots = sorted(set(roots), key=lambda r: (-len(r), r))
        # "/poll" as a command, not inside a URL or a longer word ("/polls", "x/poll").
        self._reference = re.compile(r"(?<![\w/:.\-])/(" + "|".join(map(re.escape, self.roots)) + r")(?![\w\-])") \
            if prefix and self.roots else None

    def slash(self, root: str) -> str:
        """``/hr-poll`` for ``poll``."""
        return f"/{self.prefix}{root}"

    def root_of(self, slash: str) -> str:
        """``poll`` for ``/hr-poll`` (what Slack sends as ``command``)."""
        name = slash.lstrip("/")
        return name.removeprefix(self.prefix) if self.prefix else name

    def text(self, text: str) -> str:
        if self._reference is None or "/" not in text:
            return text
        return self._reference.sub(lambda m: self.slash(m.group(1)), text)

    def message(self, message: Message) -> Message:
        """``message`` with every command reference in what people read named as typed here."""
        if self._reference is None:
            return message
        return replace(
            message, text=self.text(message.text), title=self.text(message.title) if message.title else message.title,
            fields=tuple(Field(self.text(f.name), self.text(f.value), f.inline) for f in message.fields),
            footer=self.text(message.footer) if message.footer else message.footer)
