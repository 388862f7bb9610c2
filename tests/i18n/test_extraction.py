"""The documented extract/update workflow keeps every live translation.

The commands are read from docs/translating.md and run as written (with Babel's own command
line), so the guide and the test cannot drift apart. Every message the bot looks up while a
family and a teacher use it must be in the extracted template: a message missing there would
be dropped (made obsolete) by the next ``pybabel update``.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from adapters.console import console_session
from bot.db.engine import Database
from bot.i18n import LOCALE_DIR, Localizer, key
from bot.testing import FakeTranslator

pytestmark = pytest.mark.catalogs
ROOT = Path(__file__).resolve().parents[2]
PYBABEL = [sys.executable, "-c", "import sys; from babel.messages.frontend import main; sys.exit(main())"]


def documented_commands() -> list[list[str]]:
    """The ``pybabel`` lines of the guide's first shell block (backslash continuations joined)."""
    guide = (ROOT / "docs" / "translating.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", guide, re.S)
    assert block is not None, "docs/translating.md lost its shell block"
    joined = block.group(1).replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("pybabel "):
            commands.append(shlex.split(line))
    return commands


def run_documented(verb: str, cwd: Path) -> None:
    for words in documented_commands():
        if words[1] == verb:
            subprocess.run([*PYBABEL, *words[1:]], cwd=cwd, check=True, capture_output=True)
            return
    raise AssertionError(f"docs/translating.md has no `pybabel {verb}` line")


def _key(message: Message) -> str:
    """A message as the bot looks it up: its singular msgid, under its context if it has one."""
    return key(message.id if isinstance(message.id, str) else message.id[0], message.context)


def msgids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {_key(m) for m in read_po(handle) if m.id}


def translated(path: Path) -> set[str]:
    """Messages with every form translated and not fuzzy."""
    with path.open("rb") as handle:
        return {_key(m) for m in read_po(handle)
                if m.id and not m.fuzzy and m.string and all(m.string if isinstance(m.string, tuple) else [m.string])}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sources and catalogs, with the documented extract and update run in it."""
    work = tmp_path_factory.mktemp("extract")
    for name in ("bot", "cogs", "adapters"):
        shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "babel.cfg", work / "babel.cfg")
    run_documented("extract", work)
    run_documented("update", work)
    return work


def test_the_committed_template_is_what_extraction_produces(workspace: Path) -> None:
    assert msgids(workspace / "bot/locale/homeroom.pot") == msgids(LOCALE_DIR / "homeroom.pot")


def test_update_keeps_every_translation(workspace: Path) -> None:
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/homeroom.po")):
        after = workspace / po.relative_to(ROOT)
        lost = translated(po) - translated(after)
        assert not lost, (po.parent.parent.name, sorted(lost)[:5])


def test_every_command_and_option_description_is_extracted(sqlite_db: Database) -> None:
    from bot.app import build_core
    from bot.config import Config, Secrets

    core = build_core(Config(), secrets=Secrets(), db=sqlite_db, translator=FakeTranslator())
    template = msgids(LOCALE_DIR / "homeroom.pot")
    missing = [text for spec in core.commands.values()
               for text in (spec.description, *(opt.description for opt in spec.options)) if text not in template]
    assert not missing


SCRIPT = """
as Ms Rivera role=teacher
/office-hours Mon-Fri 8:00-16:00
/help
as Maria lang=es tz=America/Chicago
/help
/delivery dm
/delivery digest
/delivery channel
/quiet-hours 21:00-07:00
/quiet-hours off
/quiet-hours nonsense
/timezone Chicago
/timezone Atlantis
/language Klingon
/announce text:"Hello"
/nosuchcommand
/signup close
as Ana lang=vi
as Ms Rivera
/announce text:"Field trip to the science museum on Friday! Please pack a lunch." when:"tomorrow 7:30am"
/announce text:"Past" when:"yesterday"
/signup create title:"Museum trip" slots:"🚌 Chaperone x1; 🍪 Snacks x1" when:"Friday 9am"
/poll question:"Picnic day?" options:"Friday; Saturday"
/task add title:"Buy juice" due:"Friday 5pm"
/glossary list
as Maria
react #18 🚌
react #18 🍪
react #18 🎈
as Ana
react #18 🚌
as Maria
unreact #18 🚌
as Ana
dm Can my son bring his inhaler on the bus?
/privacy delete
as Ms Rivera
/questions
reply #31 Yes, please put it in his backpack.
advance 1d
as Ana
click #36 Got it
as Ms Rivera
/announcement status
/signup roster id:1
/signup close id:1
/poll close id:1
/tasks
advance 3d
"""


async def test_every_message_the_bot_looks_up_is_extracted(sqlite_db: Database,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A family and a teacher go through the common commands, errors included."""
    used: set[str] = set()
    text, sync_text = Localizer.text, Localizer.sync_text

    async def recording_text(self: Localizer, lang: str | None, msgid: str, **params: Any) -> str:
        used.add(msgid)
        return await text(self, lang, msgid, **params)

    def recording_sync(self: Localizer, lang: str, msgid: str, **params: Any) -> str:
        used.add(msgid)
        return sync_text(self, lang, msgid, **params)

    monkeypatch.setattr(Localizer, "text", recording_text)
    monkeypatch.setattr(Localizer, "sync_text", recording_sync)
    translator = FakeTranslator()
    translator.fail = True
    async with console_session(sqlite_db, translator=translator) as s:
        assert await s.run_script(SCRIPT) == 0
    assert len(used) > 40  # the script really spoke
    missing = used - msgids(LOCALE_DIR / "homeroom.pot")
    assert not missing, sorted(missing)
