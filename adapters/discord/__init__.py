"""Discord adapter (discord.py).

discord.py is imported only when the adapter is built (``create``) or its class is asked
for, so the ``homeroom`` command line and the console never load the SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.discord.adapter import DiscordAdapter
    from bot.api.engine import Engine


def create(core: Engine) -> DiscordAdapter:
    from adapters.discord.adapter import DiscordAdapter

    return DiscordAdapter(core)


def __getattr__(name: str) -> Any:
    if name == "DiscordAdapter":
        from adapters.discord.adapter import DiscordAdapter

        return DiscordAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DiscordAdapter", "create"]
