"""Discord command menus in the family's language: the registration Discord receives
carries name and description localizations from the catalogs, in locales Discord lists,
under Discord's naming rules; /help names commands as the reader's menu shows them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest

from adapters.console.harness import DEFAULT_START
from adapters.discord.commands import application_commands
from bot.api.commands import CommandSpec
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.i18n import COMMAND_NAME, Catalog, Localizer, key, load_catalogs
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.discord.harness import GUILD_ID, DiscordDriver
from tests.e2e.discord.fake import command_problems

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


# ----- command and option names ---------------------------------------------------------------
def _name(lang: str, english: str) -> str:
    return load_catalogs()[lang][key(english, COMMAND_NAME)]


async def test_command_names_reach_discord_in_each_menu_language(registered: list[dict[str, Any]]) -> None:
    signup = next(c for c in registered if c["name"] == "signup")
    assert signup["name_localizations"]["es-419"] == _name("es", "signup") == "inscripción"
    assert signup["name_localizations"]["ko"] == _name("ko", "signup")
    create = next(o for o in signup["options"] if o["name"] == "create")
    assert create["name_localizations"]["vi"] == _name("vi", "create")


async def test_option_names_reach_discord_in_each_menu_language(registered: list[dict[str, Any]]) -> None:
    signup = next(c for c in registered if c["name"] == "signup")
    create = next(o for o in signup["options"] if o["name"] == "create")
    title = next(o for o in create["options"] if o["name"] == "title")
    assert title["name_localizations"]["zh-CN"] == _name("zh", "title")
    assert title["name_localizations"]["pt-BR"] == _name("pt", "title")


async def test_every_localized_name_is_one_discord_accepts(registered: list[dict[str, Any]]) -> None:
    """Discord's naming rule and locales, and no two siblings shown alike in any locale
    (checked the way the e2e fake Discord checks a registration)."""
    assert command_problems(registered) == []
    named = [e for e in _entries(registered) if e.get("name_localizations")]
    assert len(named) > 100


def _payload(catalog: dict[str, str]) -> list[dict[str, Any]]:
    commands = {name: CommandSpec(name, "Something") for name in ("ask", "questions", "help", "poll", "poll close")}
    return application_commands(commands, Localizer(catalogs={"es": Catalog(
        {key(word, COMMAND_NAME): text for word, text in catalog.items()})}))


def test_a_name_that_breaks_discords_rules_is_sent_in_english_only() -> None:
    payload = _payload({"help": "Ayuda Ahora", "ask": "preguntar"})
    names = {c["name"]: c["name_localizations"] for c in payload}
    assert names["help"] == {}
    assert names["ask"] == {"es-ES": "preguntar", "es-419": "preguntar"}


def test_two_commands_translated_alike_keep_apart_in_the_menu() -> None:
    names = {c["name"]: c["name_localizations"] for c in _payload({"ask": "preguntas", "questions": "preguntas"})}
    assert names["ask"] == {"es-ES": "preguntas", "es-419": "preguntas"}
    assert names["questions"] == {}


def test_a_translation_that_is_another_commands_english_name_is_not_sent() -> None:
    names = {c["name"]: c["name_localizations"] for c in _payload({"questions": "ask"})}
    assert names["questions"] == {}


def test_the_subcommand_discord_adds_takes_no_name_from_a_declared_one() -> None:
    poll = next(c for c in _payload({"close": "cerrar", "create": "cerrar"}) if c["name"] == "poll")
    subs = {o["name"]: o["name_localizations"] for o in poll["options"]}
    assert subs == {"close": {"es-ES": "cerrar", "es-419": "cerrar"}, "create": {}}


async def test_help_lists_the_names_a_spanish_discord_menu_shows(sqlite_db: Database) -> None:
    core = build_core(Config(), secrets=Secrets(discord_token="fake"), db=sqlite_db,
                      clock=ManualClock(DEFAULT_START), translator=FakeTranslator())
    harness = DiscordDriver(core)
    await harness.start()
    try:
        maria = await harness.person("María", language="es-419")
        await harness.command(maria, "help")
        text = next(s.text for s in harness.seen() if s.where == "ephemeral:María")
    finally:
        await harness.stop()
    assert f"/{_name('es', 'language')} — " in text
    assert f"/{_name('es', 'quiet-hours')} — " in text
    assert "/language — " not in text


async def test_help_lists_english_names_where_the_menu_is_english(sqlite_db: Database) -> None:
    """A Spanish reader whose Discord is in English sees English names in the menu."""
    core = build_core(Config(), secrets=Secrets(discord_token="fake"), db=sqlite_db,
                      clock=ManualClock(DEFAULT_START), translator=FakeTranslator())
    harness = DiscordDriver(core)
    await harness.start()
    try:
        maria = await harness.person("María", language="es")
        await harness.command(maria, "language", name="es")
        payload = harness.interaction(maria, 2, {"id": "1", "name": "help", "type": 1, "options": []},
                                      locale="en-US")
        await harness.feed_interaction(payload)
        text = [s.text for s in harness.seen() if s.where == "ephemeral:María"][-1]
    finally:
        await harness.stop()
    assert text.startswith(load_catalogs()["es"]["Here is what you can use:"])
    assert "/language — " in text
