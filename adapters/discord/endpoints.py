"""Where discord.py sends its requests and opens its gateway, from ``[discord]`` settings.

discord.py keeps both on its classes (``Route.BASE``, ``DiscordWebSocket.DEFAULT_GATEWAY``),
so they are process-wide; they are set before any client of this process talks to Discord.
After READY the gateway itself names where to resume (``resume_gateway_url``).
"""

from __future__ import annotations

from typing import Any


def use_endpoints(settings: Any) -> None:
    import discord
    import yarl

    discord.http.Route.BASE = str(settings.api_base_url).rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(str(settings.gateway_url))
