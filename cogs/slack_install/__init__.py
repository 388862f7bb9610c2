"""Slack workspaces installed through OAuth (``[slack] oauth = true``).

This package holds only the tables of slack_sdk's SQLAlchemy installation and OAuth state
stores, in the bot's own database, so migrations, ``homeroom privacy report`` and backups
cover them like every other table. The Slack adapter reads and writes them through the SDK's
stores (adapters/slack/oauth.py); there is no command or listener here, only the daily
purge of install links that expired unused (``cog.py``).
"""

from __future__ import annotations

from bot.api.services import Services
from cogs.slack_install.cog import SlackInstallCog


def setup(core: Services) -> SlackInstallCog:
    return SlackInstallCog(core)
