"""The console's record of the direct messages it delivered, by delivery key.

On Discord and Slack the platform itself recognises a message sent twice under one key;
the console's "platform" is a terminal, which remembers nothing, so the console keeps that
record itself. Each delivery is written (and flushed to disk) before it is shown: a process
killed between the two has delivered it once, and a restart finds the key and does not
show it again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


class DeliveryJournal:
    """Delivery keys already delivered, kept in a JSON-lines file (or only in memory)."""

    def __init__(self, path: str | os.PathLike[str] = "") -> None:
        self.path = Path(path) if path else None
        self._delivered: dict[str, str] = {}
        if self.path is not None and self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                    self._delivered[str(record["key"])] = str(record["message"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a crash: that delivery never completed

    def get(self, key: str) -> str | None:
        """The message number a key was delivered as, or None."""
        return self._delivered.get(key)

    def record(self, key: str, message: str, to: str) -> None:
        self._delivered[key] = message
        if self.path is None:
            return
        line = json.dumps({"key": key, "message": message, "to": to}, ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
