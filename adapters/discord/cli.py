"""``homeroom discord invite`` and ``homeroom discord sync``, and the one line an operator
sees when Discord rejects the token.

discord.py is imported inside the functions: the command line registers these subcommands
on every start, and must not pay for the SDK unless a Discord command actually runs.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

SCOPES = ("bot", "applications.commands")
#: discord.py logs request URLs (which can carry text) below WARNING
QUIET_LOGGERS = ("discord.http",)
#: Homeroom never uses voice: discord.py's warning that it is unsupported would greet every operator
IRRELEVANT_WARNINGS = {"discord": "voice will NOT be supported"}


def permissions() -> Any:
    """Exactly what Homeroom uses: see, send (also in threads), create threads, embed, attach,
    react, read history (reconciliation), manage messages (remove reactions on closed sign-ups)."""
    import discord

    return discord.Permissions(
        view_channel=True, send_messages=True, send_messages_in_threads=True, create_public_threads=True,
        create_private_threads=True, embed_links=True, attach_files=True, add_reactions=True,
        read_message_history=True, manage_messages=True, use_application_commands=True,
    )


def invite_url(application_id: int | str) -> str:
    import discord

    return discord.utils.oauth_url(application_id, permissions=permissions(), scopes=SCOPES)


async def preflight(config: Any, secrets: Any) -> None:
    """Ask Discord who the token belongs to (GET /users/@me, what login does) before anything
    starts, so a rejected token ends the start-up with one line instead of surfacing from the
    gateway task later. A bare HTTP client: a full Client would log voice and intent warnings."""
    import asyncio

    from discord.http import HTTPClient

    from adapters.discord.endpoints import use_endpoints

    use_endpoints(config.section("discord"))
    http = HTTPClient(asyncio.get_running_loop())
    try:
        await http.static_login(secrets.discord_token)
    finally:
        await http.close()


def describe_startup_error(exc: BaseException) -> str | None:
    """One line for a start-up failure the operator can fix, or None for anything else."""
    import aiohttp
    import discord

    if isinstance(exc, aiohttp.ClientConnectionError | TimeoutError):
        return f"discord: cannot reach Discord ({exc or type(exc).__name__}); check the network and proxy settings"
    if isinstance(exc, discord.LoginFailure):
        return "DISCORD_TOKEN: Discord rejected the token (401 Unauthorized); copy the bot token again from the " \
               "developer portal (Bot > Reset Token)"
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return "discord: a privileged intent is switched on in the configuration but not in the developer portal " \
               "(Bot > Privileged Gateway Intents)"
    return None


def register_cli(subparsers: Any, load: Callable[[argparse.Namespace], Any]) -> None:
    group = subparsers.add_parser("discord", help="Discord set-up")
    tasks = group.add_subparsers(dest="discord_command", metavar="TASK", required=True)
    invite = tasks.add_parser("invite", help="print the OAuth2 URL that adds the bot to a server")
    invite.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS)
    invite.add_argument("--application-id", default=os.environ.get("DISCORD_APPLICATION_ID"))
    sync = tasks.add_parser("sync", help="register the slash commands now")
    sync.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS)
    sync.add_argument("--guild", type=int, action="append", default=None, help="guild id (repeatable); default: global")

    def run_invite(args: argparse.Namespace) -> int:
        import asyncio

        from bot.config import ConfigError

        app_id = args.application_id
        if not app_id:
            from adapters.discord.endpoints import use_endpoints

            config, secrets = load(args)
            if not secrets.discord_token:
                raise ConfigError("DISCORD_APPLICATION_ID: set it (or DISCORD_TOKEN, to look it up)")
            use_endpoints(config.section("discord"))
            app_id = asyncio.run(_application_id(secrets.discord_token))
        print(invite_url(app_id))
        return 0

    def run_sync(args: argparse.Namespace) -> int:
        import asyncio

        from adapters.discord.adapter import DiscordAdapter
        from adapters.discord.config import check_requirements
        from bot.app import build_core
        from bot.testing import FakeTranslator

        config, secrets = load(args)
        check_requirements(config, secrets)

        async def go() -> int:
            from bot.db.engine import Database

            core = build_core(config, secrets=secrets, db=Database(config.database.url), translator=FakeTranslator())
            adapter = DiscordAdapter(core)
            await adapter.client.login(secrets.discord_token)
            try:
                count = await adapter.sync_commands(args.guild or config.section("discord").guild_ids or None)
            finally:
                await adapter.client.close()
            print(f"{count} commands registered ({'guilds ' + str(args.guild) if args.guild else 'global'})")
            return 0

        return asyncio.run(go())

    invite.set_defaults(func=run_invite)
    sync.set_defaults(func=run_sync)


async def _application_id(token: str) -> int:
    import discord

    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(token)
        return int(client.application_id or 0)
    finally:
        await client.close()
