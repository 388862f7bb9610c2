"""E-mail for families who are not on Discord or Slack.

A teacher or admin registers such a family with their address and the consent the school
holds (``/family email``). The family becomes a member of the class like any other — counted
in "seen by N of M", reached by every feature through the delivery service — but its messages
go by e-mail: the daily digest (announcements, reminders, everything a digest carries),
personal messages and alerts at once, in the family's language, as text and HTML, with a
signed one-click "Got it" link and an unsubscribe link answered by the bot's HTTP server.
An address that is refused or unsubscribed is reported like closed DMs: the sender is told.
"""

from __future__ import annotations

from bot.api.services import Services
from cogs.email.cog import EmailCog


def setup(core: Services) -> EmailCog:
    return EmailCog(core)
