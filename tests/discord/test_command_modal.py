"""A command's modal when its words in the member's language cannot be had: the English
modal drawn from the declaration still opens, as Discord's first response."""

from __future__ import annotations

from typing import Any

import pytest

from bot.api.roles import Role
from tests.discord.harness import DiscordDriver


async def test_the_english_modal_opens_when_the_members_words_fail(driver: DiscordDriver,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("storage unavailable")

    monkeypatch.setattr(driver.core, "command_form", broken)
    teacher = await driver.person("Sra. Ruiz", role=Role.TEACHER, language="es-ES")
    await driver.command(teacher, "announce")
    callbacks = [body for method, path, body in driver.fake.calls if path.startswith("/interactions/")]
    assert [c["type"] for c in callbacks] == [9]
    modal = callbacks[0]["data"]
    assert modal["title"] == "/announce"
    assert {row["component"]["custom_id"]: row["label"] for row in modal["components"]}["text"] == \
        "What families should know"
