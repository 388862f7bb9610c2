"""The translated question relay between families and teachers."""

from cogs.relay.cog import RelayCog, setup

#: loads before features with a higher number (see bot/app.py)
LOAD_ORDER = 50

__all__ = ["RelayCog", "setup"]
