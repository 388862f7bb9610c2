"""Discord adapter (discord.py)."""

from adapters.discord.adapter import DiscordAdapter
from bot.core import Core


def create(core: Core) -> DiscordAdapter:
    return DiscordAdapter(core)


__all__ = ["DiscordAdapter", "create"]
