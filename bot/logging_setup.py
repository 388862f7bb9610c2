"""Structured logging that keeps families' words out of the logs.

Homeroom logs ids, never names or message texts, at INFO and above. As a safety net a filter
scrubs e-mail addresses from every record, and ``--log-format json`` emits one JSON object
per line for log collectors.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


class RedactingFilter(logging.Filter):
    """Replaces e-mail addresses in the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.INFO:
            message = record.getMessage()
            if EMAIL.search(message):
                record.msg = EMAIL.sub("<email>", message)
                record.args = None
        return True


class IrrelevantWarningFilter(logging.Filter):
    """Drops warnings about features Homeroom never uses (discord.py's voice support), which
    would otherwise greet every operator at start-up as if something were wrong."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("discord") and "voice will NOT be supported" in str(record.msg))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.addFilter(IrrelevantWarningFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Third-party libraries log request URLs (which can carry text) at DEBUG/INFO.
    # Alembic announces its plugins and every step at INFO; operators need only its warnings.
    for noisy in ("urllib3", "requests", "aiohttp.access", "discord.http", "slack_sdk", "slack_bolt", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
