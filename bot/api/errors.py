"""Errors a person should see, kindly and in their language."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """An expected problem with what someone asked (a past date, a full slot, no permission).

    ``msgid`` is an English message with ``{placeholders}``; the dispatcher localises it and
    answers privately. Nothing is logged as an error and nothing is posted publicly.
    """

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params
