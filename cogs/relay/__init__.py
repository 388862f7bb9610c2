"""The translated question relay between families and teachers."""

from cogs.relay.cog import RelayCog, setup

__all__ = ["RelayCog", "setup"]
