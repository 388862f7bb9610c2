"""Slack adapter (slack-bolt AsyncApp, HTTP or Socket Mode).

slack-bolt is imported only when the adapter is built (``create``) or its class is asked
for, so the ``homeroom`` command line and the console never load the SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.slack.adapter import SlackAdapter
    from bot.api.engine import Engine


def create(core: Engine) -> SlackAdapter:
    from adapters.slack.adapter import SlackAdapter

    return SlackAdapter(core)


def __getattr__(name: str) -> Any:
    if name == "SlackAdapter":
        from adapters.slack.adapter import SlackAdapter

        return SlackAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["SlackAdapter", "create"]
