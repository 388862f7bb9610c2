"""The command menu in the family's language, as Discord received it: the bulk overwrite
the fake accepted under Discord's rules carries localized names, and /help lists the names a
Spanish Discord shows."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import COMMAND_NAME
from bot.i18n.catalogs import translations
from tests.e2e.discord.fake import GUILD_ID
from tests.e2e.discord.room import Room

ROOT = Path(__file__).resolve().parents[3]


def _spanish(word: str) -> str:
    """The name's Spanish translation, from whichever catalog owns it."""
    return str(translations(ROOT)["es"][(COMMAND_NAME, word)])


def _registered(room: Room) -> list[dict]:
    scope, body = room.fake.registrations[-1]
    assert scope == str(GUILD_ID)
    return body


def test_the_registration_names_commands_and_options_in_each_menu_language(room: Room) -> None:
    signup = next(c for c in _registered(room) if c["name"] == "signup")
    assert signup["name_localizations"]["es-ES"] == _spanish("signup")
    create = next(o for o in signup["options"] if o["name"] == "create")
    title = next(o for o in create["options"] if o["name"] == "title")
    assert title["name_localizations"]["es-419"] == _spanish("title")
    assert set(title["name_localizations"]) == {"es-ES", "es-419", "fr", "ko", "pt-BR", "ru", "vi", "zh-CN"}


def test_a_localized_command_still_arrives_under_its_english_name(room: Room) -> None:
    """Discord sends the default name in the interaction, whatever the menu showed."""
    teresa = room.fake.person("Teresa", locale="es-ES")
    asked = room.command(teresa, "quiet-hours", hours="21:00-07:00")
    assert "21:00" in room.answer(asked, "21:00")


def test_help_lists_the_names_a_spanish_discord_menu_shows(room: Room) -> None:
    lucia = room.fake.person("Lucía", locale="es-419")
    answer = room.answer(room.command(lucia, "help"), "/")
    assert f"/{_spanish('quiet-hours')} — " in answer
    assert "/quiet-hours — " not in answer
