"""Languages come from the configured provider: ``homeroom translate --languages`` lists
what a LibreTranslate server says it offers, and /language tells a family, in their
language, when the provider cannot translate what they chose."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.console import console_session
from adapters.console.harness import DEFAULT_START
from bot.config import Config, Secrets, TranslationSection
from bot.db.engine import Database
from bot.i18n import load_catalogs
from bot.translation import offered
from bot.translation.cli import run_translate_cli
from bot.util.clock import ManualClock

pytestmark = pytest.mark.catalogs

#: what LibreTranslate's GET /languages answers (its API docs: code, name, targets)
SERVER_LANGUAGES = [
    {"code": "en", "name": "English", "targets": ["es", "so", "ht", "tl", "vi"]},
    {"code": "es", "name": "Spanish", "targets": ["en"]},
    {"code": "so", "name": "Somali", "targets": ["en"]},
    {"code": "ht", "name": "Haitian", "targets": ["en"]},
    {"code": "tl", "name": "Tagalog", "targets": ["en"]},
    {"code": "vi", "name": "Vietnamese", "targets": ["en"]},
]


@pytest.fixture
async def libre_url() -> AsyncIterator[str]:
    async def languages(request: web.Request) -> web.Response:
        return web.json_response(SERVER_LANGUAGES)

    app = web.Application()
    app.router.add_get("/languages", languages)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    offered._cache.clear()
    yield str(server.make_url("/"))
    await server.close()
    offered._cache.clear()


def libre_config(url: str) -> Config:
    return Config(translation=TranslationSection(provider="libre", libre_url=url))


async def test_languages_lists_what_the_libre_server_offers_in_one_naming_style(
        libre_url: str, sqlite_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code = await run_translate_cli(libre_config(libre_url), Secrets(), sqlite_db, to=None, text=None, stats=False,
                                   languages=True, clock=ManualClock(DEFAULT_START))
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "  so     Somali — Soomaali" in lines
    assert "  ht     Haitian Creole — créole haïtien" in lines or any(line.startswith("  ht ") for line in lines)
    assert any(line.startswith("  tl ") for line in lines)
    assert "  es     Spanish — español" in lines
    assert not any("(" in line for line in lines[1:])  # no "native (English)" beside "english"


async def test_languages_says_so_when_the_provider_cannot_be_asked(
        sqlite_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    offered._cache.clear()
    code = await run_translate_cli(Config(translation=TranslationSection(provider="libre")), Secrets(), sqlite_db,
                                   to=None, text=None, stats=False, languages=True, clock=ManualClock(DEFAULT_START))
    assert code == 1
    assert "could not ask the provider" in capsys.readouterr().out


async def test_choosing_a_language_the_provider_lacks_warns_in_that_language(libre_url: str,
                                                                           sqlite_db: Database) -> None:
    async with console_session(sqlite_db, config=libre_config(libre_url)) as s:
        await s.run("as Nadia\n/language ko")
    text = s.last("only Nadia").text
    korean = load_catalogs()["ko"]
    assert korean["Done! I will write to you in {language}."].format(language="한국어") in text
    assert korean["Note: the translation service here cannot translate into {language}, so what teachers and "
                  "other families write will reach you as they wrote it."].format(language="한국어") in text


async def test_choosing_a_language_the_provider_offers_gives_no_warning(libre_url: str, sqlite_db: Database) -> None:
    async with console_session(sqlite_db, config=libre_config(libre_url)) as s:
        await s.run("as Hodan\n/language Somali")
    assert s.last("only Hodan").text == load_catalogs()["so"]["Done! I will write to you in {language}."].format(
        language="Soomaali")
