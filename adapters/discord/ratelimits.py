"""Discord's 429s, counted for ``/metrics`` (``homeroom_platform_rate_limited_total``).

discord.py waits out every 429 inside ``HTTPClient.request`` and offers no callback; its one
public signal is a WARNING on the ``discord.http`` logger per 429 ("We are being rate
limited. <method> <url> responded with 429. ..."). A filter on that logger counts those
records. Logging set-up may raise that logger's level above WARNING (an operator who runs at
ERROR), which would hide the records from the filter too, so while installed the logger lets
WARNING through and the filter itself drops what the operator's level would have dropped.

The route label is the URL's path as a template: ids become ``{id}``, interaction and webhook
tokens ``{token}``, a reaction's emoji ``{emoji}``; nothing a person wrote or a secret.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from bot.api.engine import Counters
from bot.api.outbound import RATE_LIMITED

LOGGER = "discord.http"
#: how discord.py's rate-limit warnings begin (one per 429, waited out or given up on)
PREFIX = "We are being rate limited."
_API_PREFIX = re.compile(r"^.*?/api(?:/v\d+)?(?=/)")
_WORD = re.compile(r"^@?[a-z][a-z0-9_-]*$")
#: the segment after one of these (and an id) is a secret token
_TOKEN_AFTER = frozenset({"interactions", "webhooks"})


def route_template(method: str, url: str) -> str:
    """``POST https://discord.com/api/v10/channels/123/messages`` → ``POST /channels/{id}/messages``."""
    path = _API_PREFIX.sub("", urlsplit(url).path)
    parts = [part for part in path.split("/") if part]
    shown: list[str] = []
    for index, part in enumerate(parts):
        if index >= 2 and parts[index - 2] in _TOKEN_AFTER and parts[index - 1].isdigit():
            shown.append("{token}")
        elif index >= 1 and parts[index - 1] == "reactions":
            shown.append("{emoji}")
        elif part.isdigit():
            shown.append("{id}")
        elif _WORD.match(part):
            shown.append(part)
        else:
            shown.append("{}")
    return f"{method.upper()} /{'/'.join(shown)}"


class RateLimitCounter(logging.Filter):
    """Counts each 429 discord.py logs, then lets the record through as logging set-up would."""

    def __init__(self, metrics: Counters) -> None:
        super().__init__()
        self.metrics = metrics
        self._logger = logging.getLogger(LOGGER)
        self._level = self._logger.level
        self._shown_from = self._logger.getEffectiveLevel()

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(PREFIX):
            args = record.args if isinstance(record.args, tuple) else ()
            route = route_template(str(args[0]), str(args[1])) if len(args) >= 2 else "unknown"
            self.metrics.inc(RATE_LIMITED, platform="discord", route=route)
        return record.levelno >= self._shown_from

    def install(self) -> None:
        self._logger.addFilter(self)
        if self._shown_from > logging.WARNING:
            self._logger.setLevel(logging.WARNING)

    def uninstall(self) -> None:
        self._logger.removeFilter(self)
        self._logger.setLevel(self._level)
