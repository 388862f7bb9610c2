"""Expected conditions, said once in words on the console instead of a log line per call.

A console with no network (or a translation server that is down) would otherwise print a
WARNING for every message it fails to translate, in the middle of the transcript. That is
not a fault but a known state the bot already handles (families get the original with a
note), so the console says so once, as a line of the transcript, and keeps the repeated
records out of the way (still there at ``--log-level debug``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: logger prefix -> the sentence the console prints the first time it speaks
CONDITIONS = {
    "bot.translation": "(translation is not available right now: people get the original text with a short note, "
                       "and Homeroom keeps trying)",
}


class ExpectedConditions(logging.Filter):
    """Turns warnings about an expected condition into one printed sentence per session;
    the records themselves drop to DEBUG."""

    def __init__(self, out: Callable[[str], None]) -> None:
        super().__init__()
        self.out = out
        self.said: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        decided = getattr(record, "homeroom_expected", None)
        if decided is not None:  # another handler already looked at this record
            return bool(decided)
        if record.levelno != logging.WARNING:
            return True
        for prefix, sentence in CONDITIONS.items():
            if record.name == prefix or record.name.startswith(prefix + "."):
                if prefix not in self.said:
                    self.said.add(prefix)
                    self.out(sentence)
                record.levelno, record.levelname = logging.DEBUG, "DEBUG"
                record.homeroom_expected = logging.getLogger().isEnabledFor(logging.DEBUG)
                return bool(record.homeroom_expected)
        return True


@contextmanager
def expected_conditions(out: Callable[[str], None]) -> Iterator[ExpectedConditions]:
    """While the console runs, every handler of the root logger hears expected conditions
    through one :class:`ExpectedConditions` (so each is said once, whichever handler)."""
    notes = ExpectedConditions(out)
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(notes)
    try:
        yield notes
    finally:
        for handler in handlers:
            handler.removeFilter(notes)
