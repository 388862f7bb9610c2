"""Slack adapter (slack-bolt AsyncApp, HTTP or Socket Mode)."""

from adapters.slack.adapter import SlackAdapter
from bot.core import Core


def create(core: Core) -> SlackAdapter:
    return SlackAdapter(core)


__all__ = ["SlackAdapter", "create"]
