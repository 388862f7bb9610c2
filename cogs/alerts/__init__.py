"""Emergency alerts: confirmed first, every family at once in its language, a follow-up to
those who have not pressed "Got it", and a live list of who is still unreached."""

from cogs.alerts.cog import AlertsCog, setup

__all__ = ["AlertsCog", "setup"]
