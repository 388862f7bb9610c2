"""Socket Mode with one clear log line per failed connection attempt.

slack_sdk's Socket Mode client retries a failed connection for ever (every ping interval),
logging each attempt with a full traceback and, when ``apps.connections.open`` failed, a
second line before it. The handler here gets a logger of its own whose filter turns each
attempt into one line saying what failed and that it retries.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

#: seconds between connection attempts (and between the client's pings)
PING_INTERVAL = 10.0


class OneLinePerRetry(logging.Filter):
    """Rewrites the client's "Failed to connect" record into one line without a traceback
    and drops the "Failed to retrieve WSS URL" line that precedes it."""

    def __init__(self, interval: float) -> None:
        super().__init__()
        self.interval = interval

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message.startswith("Failed to retrieve WSS URL"):
            return False
        if message.startswith("Failed to connect"):
            reason = _reason(record.exc_info[1] if record.exc_info else None) or message
            record.msg = "slack: cannot connect to Socket Mode (%s); retrying in %s s"
            record.args = (reason, f"{self.interval:g}")
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def _reason(exc: BaseException | None) -> str:
    """What went wrong, in the words an operator can act on (a Slack error code, or the
    kind of network failure)."""
    if exc is None:
        return ""
    response = getattr(exc, "response", None)
    if response is not None:
        try:
            code = response.get("error")
        except AttributeError:
            code = None
        if code:
            return f"Slack answered {code}"
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def socket_logger() -> logging.Logger:
    logger = logging.getLogger(f"{__name__}.client")
    if not any(isinstance(f, OneLinePerRetry) for f in logger.filters):
        logger.addFilter(OneLinePerRetry(PING_INTERVAL))
    return logger


def handler(app: Any, app_token: str) -> Any:
    """bolt's aiohttp Socket Mode handler for ``app`` (whose Web API client, base URL
    included, it uses for ``apps.connections.open``)."""
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    return AsyncSocketModeHandler(app, app_token, logger=socket_logger(), ping_interval=PING_INTERVAL)
