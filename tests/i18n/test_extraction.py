"""The documented extract/update/split workflow keeps every live translation.

The commands are read from docs/translating.md and run as written, so the guide and the test
cannot drift apart. Every message the bot looks up while a family and a teacher use it must
be in an extracted template: a message missing there would be dropped by the next update.
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
from babel.messages.pofile import read_po, write_po

from adapters.console import console_session
from bot.db.engine import Database
from bot.i18n import COMMAND_NAME, LOCALE_DIR, Localizer, key
from bot.i18n.catalogs import count, domains, languages
from bot.testing import FakeTranslator

pytestmark = pytest.mark.catalogs
ROOT = Path(__file__).resolve().parents[2]
TOOL = "python -m bot.i18n.catalogs "


def documented_commands() -> list[list[str]]:
    """The ``python -m bot.i18n.catalogs`` lines of the guide's first shell block."""
    guide = (ROOT / "docs" / "translating.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", guide, re.S)
    assert block is not None, "docs/translating.md lost its shell block"
    commands = []
    for line in block.group(1).replace("\\\n", " ").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith(TOOL):
            commands.append(shlex.split(line)[3:])
    return commands


def run_documented(verb: str, cwd: Path) -> str:
    for words in documented_commands():
        if words[0] == verb:
            done = subprocess.run([sys.executable, "-m", "bot.i18n.catalogs", *words], cwd=cwd, check=True,
                                  capture_output=True, text=True)
            return done.stdout
    raise AssertionError(f"docs/translating.md has no `{TOOL}{verb}` line")


def _key(message: Message) -> str:
    """A message as the bot looks it up: its singular msgid, under its context if it has one."""
    return key(message.id if isinstance(message.id, str) else message.id[0], message.context)


def msgids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {_key(m) for m in read_po(handle) if m.id}


def translated(path: Path) -> dict[str, object]:
    """Messages with every form translated and not fuzzy, with their translation."""
    with path.open("rb") as handle:
        return {_key(m): m.string for m in read_po(handle)
                if m.id and not m.fuzzy and m.string and all(m.string if isinstance(m.string, tuple) else [m.string])}


def templates(root: Path) -> list[Path]:
    return [d.template for d in domains(root) if d.template.is_file()]


def all_templates(root: Path) -> set[str]:
    return set().union(*(msgids(path) for path in templates(root)))


def catalogs(root: Path) -> list[Path]:
    return [d.catalog(lang) for d in domains(root) for lang in languages(root) if d.catalog(lang).is_file()]


def _copy(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    work = tmp_path_factory.mktemp(name)
    for folder in ("bot", "cogs", "adapters", "docs"):
        shutil.copytree(ROOT / folder, work / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return work


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sources and catalogs, with the documented extract and update run in it."""
    work = _copy(tmp_path_factory, "extract")
    run_documented("extract", work)
    run_documented("update", work)
    return work


def test_the_committed_templates_are_what_extraction_produces(workspace: Path) -> None:
    assert [p.relative_to(workspace) for p in templates(workspace)] == [p.relative_to(ROOT) for p in templates(ROOT)]
    for path in templates(ROOT):
        assert msgids(workspace / path.relative_to(ROOT)) == msgids(path), path


def test_extract_and_update_on_committed_catalogs_change_no_file(workspace: Path) -> None:
    """Run on a tree whose catalogs are current, the workflow rewrites nothing (no date churn,
    no re-wrapping), so a branch that only changed code merges without catalog conflicts."""
    for path in [*templates(ROOT), *catalogs(ROOT)]:
        assert (workspace / path.relative_to(ROOT)).read_bytes() == path.read_bytes(), path.relative_to(ROOT)


def test_a_literal_percent_is_not_taken_for_a_printf_directive(workspace: Path) -> None:
    """"% of families" is brace-formatted text: no catalog flags it python-format, so msgfmt -c
    does not demand that translations keep a "% o" directive."""
    def flags(path: Path) -> set[str]:
        return {flag.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#,")
                for flag in line[2:].split(",")}

    assert "% of families" in msgids(workspace / "cogs" / "announcements" / "locale" / "announcements.pot")
    flagged = [path.relative_to(workspace) for path in [*templates(workspace), *catalogs(workspace)]
               if "python-format" in flags(path)]
    assert not flagged


def test_each_cog_owns_the_messages_only_it_uses() -> None:
    core = msgids(LOCALE_DIR / "homeroom.pot")
    signups = msgids(ROOT / "cogs" / "signups" / "locale" / "signups.pot")
    assert "Sign-up #{id} is cancelled; {count} family will be told." in signups
    assert "Sign-up #{id} is cancelled; {count} family will be told." not in core
    assert "Here is what you can use:" in core
    assert not core & signups


def test_update_keeps_every_translation(workspace: Path) -> None:
    for po in catalogs(ROOT):
        after = translated(workspace / po.relative_to(ROOT))
        lost = set(translated(po)) - set(after)
        assert not lost, (po.relative_to(ROOT), sorted(lost)[:5])


def _merged_back(work: Path) -> None:
    """The central catalogs as a branch that predates the cog catalogs leaves them: every
    cog's translations in ``bot/i18n/locale``, no cog catalogs."""
    for lang in languages(work):
        core_path = domains(work)[0].catalog(lang)
        with core_path.open("rb") as handle:
            core = read_po(handle)
        for domain in domains(work)[1:]:
            if domain.catalog(lang).is_file():
                with domain.catalog(lang).open("rb") as handle:
                    for message in read_po(handle):
                        if message.id and core.get(message.id, context=message.context) is None:
                            core[message.id] = message
        with core_path.open("wb") as handle:
            write_po(handle, core, width=76, no_location=True, sort_output=True)
    for domain in domains(work)[1:]:
        shutil.rmtree(domain.locale_dir, ignore_errors=True)


def test_split_after_a_merge_moves_every_translation_to_its_cog(tmp_path_factory: pytest.TempPathFactory) -> None:
    work = _copy(tmp_path_factory, "split")
    _merged_back(work)
    before = count(work)
    printed = run_documented("split", work)
    assert count(work) == before == count(ROOT)
    assert f"es\t{before['es']} → {before['es']} translated" in printed
    for po in catalogs(ROOT):
        assert translated(work / po.relative_to(ROOT)) == translated(po), po.relative_to(ROOT)


def test_every_command_and_option_description_is_extracted(sqlite_db: Database) -> None:
    from bot.app import build_core
    from bot.config import Config, Secrets

    core = build_core(Config(), secrets=Secrets(), db=sqlite_db, translator=FakeTranslator())
    template = all_templates(ROOT)
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
    missing = used - all_templates(ROOT)
    assert not missing, sorted(missing)


def test_split_takes_translations_from_another_branchs_catalog(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A merge resolved with one side's central catalog: the other side's file fills the gaps."""
    work = _copy(tmp_path_factory, "split-extra")
    spanish = domains(work)[0].catalog("es")
    other_side = work / "other-es.po"
    shutil.copy(spanish, other_side)
    with spanish.open("rb") as handle:
        catalog = read_po(handle)
    message = catalog.get("help", context=COMMAND_NAME)
    assert message is not None and message.string
    message.string = ""
    with spanish.open("wb") as handle:
        write_po(handle, catalog, width=76, no_location=True, sort_output=True)
    subprocess.run([sys.executable, "-m", "bot.i18n.catalogs", "split", str(other_side)], cwd=work, check=True,
                   capture_output=True)
    assert translated(spanish)[key("help", COMMAND_NAME)] == translated(LOCALE_DIR / "es/LC_MESSAGES/homeroom.po")[
        key("help", COMMAND_NAME)]
