"""The attachment option kind, read in the core: a platform's own file passes through the
size and type rules, text is the adapter's to resolve, and the rules come from the
configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.console import console_session
from bot.api.commands import (
    MSG_FILE_TOO_LARGE,
    MSG_FILE_TYPE,
    MSG_NO_FILE,
    CommandSpec,
    CommandSyntaxError,
    FileRules,
    OptionSpec,
    OptionType,
    read_options,
)
from bot.api.messages import FileRef
from bot.api.refs import ChannelRef, UserRef
from bot.config import Config
from bot.db.engine import Database

SPEC = CommandSpec("post", "Post", (OptionSpec("text", "Text", required=True),
                                    OptionSpec("attach", "A file", type=OptionType.ATTACHMENT)))


def pdf(platform: str = "discord", size: int = 1000, content_type: str = "application/pdf") -> FileRef:
    return FileRef(platform, "1", "slip.pdf", size, content_type, "https://cdn.example/slip.pdf")


class Files:
    """An adapter that knows one file by one name."""

    def __init__(self, known: dict[str, FileRef]) -> None:
        self.known = known

    async def user(self, text: str) -> UserRef | None:
        return None

    async def channel(self, text: str) -> ChannelRef | None:
        return None

    async def file(self, text: str) -> FileRef | None:
        return self.known.get(text)


async def test_a_platforms_own_file_reaches_the_handler_as_it_came() -> None:
    values = await read_options(SPEC, [], {"text": "hi", "attach": pdf()}, Files({}), platform="discord")
    assert values["attach"] == pdf()


async def test_a_media_type_with_parameters_and_capitals_is_its_plain_type() -> None:
    file = pdf(content_type="Application/PDF; name=slip.pdf")
    values = await read_options(SPEC, [], {"text": "hi", "attach": file}, Files({}), platform="discord")
    assert values["attach"] is file


async def test_text_is_the_adapters_to_resolve() -> None:
    file = pdf("console")
    values = await read_options(SPEC, ["text:hi", "attach:slip.pdf"], {}, Files({"slip.pdf": file}),
                                platform="console")
    assert values["attach"] == file


async def test_a_file_of_another_platform_is_no_file_here() -> None:
    with pytest.raises(CommandSyntaxError) as refused:
        await read_options(SPEC, [], {"text": "hi", "attach": pdf("slack")}, Files({}), platform="discord")
    assert refused.value.msgid == MSG_NO_FILE


async def test_the_size_limit_is_the_rules_and_says_both_sizes() -> None:
    with pytest.raises(CommandSyntaxError) as refused:
        await read_options(SPEC, [], {"text": "hi", "attach": pdf(size=3 * 1024 * 1024)}, Files({}),
                           platform="discord", files=FileRules(max_bytes=2 * 1024 * 1024))
    assert refused.value.msgid == MSG_FILE_TOO_LARGE
    assert refused.value.params == {"file": "slip.pdf", "size": "3 MB", "limit": "2 MB"}


async def test_a_type_the_rules_leave_out_is_refused_naming_the_allowed_ones() -> None:
    with pytest.raises(CommandSyntaxError) as refused:
        await read_options(SPEC, [], {"text": "hi", "attach": pdf()}, Files({}), platform="discord",
                           files=FileRules(types=frozenset({"image/png", "image/jpeg"})))
    assert refused.value.msgid == MSG_FILE_TYPE
    assert refused.value.params == {"file": "slip.pdf", "type": "PDF", "allowed": "JPEG, PNG"}


async def test_the_configured_limit_applies_to_a_command(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "slip.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * 3000)
    config = Config.model_validate({"attachments": {"max_bytes": 2048}})
    async with console_session(db, config=config) as s:
        await s.run(f'as Ms Lee role=teacher\n/announce text:"Slip" attach:{path}')
        assert "slip.pdf is 3 KB; a file can be at most 2 KB" in s.last("only Ms Lee").text
        assert s.find("#announcements") == []
