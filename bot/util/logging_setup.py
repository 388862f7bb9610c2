"""Structured logging that keeps families' words out of the logs.

Homeroom logs ids, never names or message texts, at INFO and above. As a safety net a filter
scrubs e-mail addresses from every record, and ``--log-format json`` emits one JSON object
per line for log collectors, with the context the line was written in: the platform,
community and event being handled, or the job being run, and a duration where one was
measured. The context is kept in a context variable (:func:`log_context`), so every line a
handler or a library writes while handling an event carries it without being passed along.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


#: fields describing what is being handled now (ids only: never a name or a text)
_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar("homeroom_log_context", default=None)
#: measured extras a log call may pass (``extra={"duration_ms": 12.5}``)
EXTRA_FIELDS = ("duration_ms",)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Lines logged inside this block (and in tasks it starts) carry ``fields``."""
    current = _CONTEXT.get() or {}
    token = _CONTEXT.set({**current, **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def current_context() -> dict[str, Any]:
    return dict(_CONTEXT.get() or {})


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
    """Drops warnings about features Homeroom never uses (an adapter names them: a library's
    logger and a phrase of its warning), which would otherwise greet every operator at
    start-up as if something were wrong."""

    def __init__(self, irrelevant: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.irrelevant = dict(irrelevant or {})

    def filter(self, record: logging.LogRecord) -> bool:
        return not any(record.name.startswith(logger) and phrase in str(record.msg)
                       for logger, phrase in self.irrelevant.items())


class ContextFilter(logging.Filter):
    """Stamps each record with the context it was logged in (formatting may happen later,
    elsewhere)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.homeroom_context = current_context()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "homeroom_context", None) or current_context())
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "text", *, quiet: Iterable[str] = (),
                      irrelevant: Mapping[str, str] | None = None) -> None:
    """``quiet``: more loggers kept to warnings (an adapter's platform library); ``irrelevant``:
    warnings to drop, by logger and phrase (see :class:`IrrelevantWarningFilter`)."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.addFilter(ContextFilter())
    handler.addFilter(IrrelevantWarningFilter(irrelevant))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Third-party libraries log request URLs (which can carry text) at DEBUG/INFO.
    # Alembic announces its plugins and every step at INFO; operators need only its warnings.
    for noisy in ("urllib3", "requests", "aiohttp.access", "alembic", *quiet):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
