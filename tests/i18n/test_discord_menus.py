"""Discord command menus in the family's language: the registration Discord receives
carries description localizations from the catalogs, in locales Discord lists."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest

from adapters.console.harness import DEFAULT_START
from bot.app import build_core
from bot.clock import ManualClock
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.i18n import load_catalogs
from bot.testing import FakeTranslator
from tests.discord.harness import GUILD_ID, DiscordDriver

pytestmark = pytest.mark.catalogs
DISCORD_LOCALES = {locale.value for locale in discord.Locale}


@pytest.fixture
async def registered(sqlite_db: Database) -> AsyncIterator[list[dict[str, Any]]]:
    """The command list the bot sends Discord, as the fake server received it."""
    core = build_core(Config(), secrets=Secrets(discord_token="fake"), db=sqlite_db,
                      clock=ManualClock(DEFAULT_START), translator=FakeTranslator())
    harness = DiscordDriver(core)
    await harness.start()
    try:
        with contextlib.suppress(discord.HTTPException):  # what the fake answers does not matter here
            await harness.adapter.sync_commands([GUILD_ID])  # type: ignore[union-attr]
        bodies = [body for method, path, body in harness.fake.calls
                  if method == "PUT" and path.endswith(f"/guilds/{GUILD_ID}/commands")]
        assert bodies, "no command registration reached Discord"
        yield bodies[-1]
    finally:
        await harness.stop()


def _entries(commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every command, subcommand and option in the payload."""
    found: list[dict[str, Any]] = []
    pending = list(commands)
    while pending:
        entry = pending.pop()
        found.append(entry)
        pending.extend(entry.get("options", []))
    return found


async def test_each_command_description_reaches_discord_in_spanish(registered: list[dict[str, Any]]) -> None:
    spanish = load_catalogs()["es"]
    language = next(c for c in registered if c["name"] == "language")
    assert language["description_localizations"]["es-ES"] == spanish[language["description"]]
    assert language["description_localizations"]["es-419"] == spanish[language["description"]]


async def test_options_and_subcommands_carry_localizations(registered: list[dict[str, Any]]) -> None:
    signup = next(c for c in registered if c["name"] == "signup")
    create = next(o for o in signup["options"] if o["name"] == "create")
    assert create["description_localizations"]["vi"] == load_catalogs()["vi"][create["description"]]
    title = next(o for o in create["options"] if o["name"] == "title")
    assert title["description_localizations"]["zh-CN"] == load_catalogs()["zh"][title["description"]]


async def test_every_localized_entry_uses_discord_locales_and_limits(registered: list[dict[str, Any]]) -> None:
    localized = [e for e in _entries(registered) if e.get("description_localizations")]
    assert len(localized) > 50
    for entry in localized:
        assert set(entry["description_localizations"]) <= DISCORD_LOCALES, entry["name"]
        assert all(1 <= len(text) <= 100 for text in entry["description_localizations"].values()), entry["name"]


async def test_every_catalog_language_discord_offers_is_localized(registered: list[dict[str, Any]]) -> None:
    """Spanish (Spain and Latin America), French, Korean, Brazilian Portuguese, Russian,
    Vietnamese and simplified Chinese; Discord has no locale for Arabic, Somali, Haitian
    Creole or Tagalog."""
    help_command = next(c for c in registered if c["name"] == "help")
    assert set(help_command["description_localizations"]) == {"es-ES", "es-419", "fr", "ko", "pt-BR", "ru", "vi",
                                                               "zh-CN"}


async def test_role_choices_are_named_in_the_readers_language(registered: list[dict[str, Any]]) -> None:
    role = next(c for c in registered if c["name"] == "role")
    choices = {c["value"]: c for c in next(o for o in role["options"] if o["name"] == "role")["choices"]}
    assert choices["teacher"]["name_localizations"]["es-419"] == load_catalogs()["es"]["teacher"]
    assert choices["teacher"]["value"] == "teacher"  # what comes back in the interaction stays English
