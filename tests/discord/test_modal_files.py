"""A modal's file upload (component 19) read from its submit as Discord documents it: the
picked file's id in ``values``, the file itself in ``data.resolved.attachments``."""

from __future__ import annotations

from typing import Any

from adapters.discord import inbound
from bot.api.events import Actor, CommandInvoked, FormSubmitted
from bot.api.messages import FileRef
from bot.api.refs import CommunityRef, InteractionRef, UserRef

ACTOR = Actor(user=UserRef("discord", "42"))
GUILD = CommunityRef("discord", "1")
SLIP = {"id": "777", "filename": "slip.pdf", "size": 2048, "content_type": "application/pdf",
        "url": "https://cdn.discordapp.com/ephemeral-attachments/1/777/slip.pdf", "ephemeral": True}


def _submit(values: list[str], resolved: dict[str, Any] | None = None, custom_id: str = "hr|cmd:announce|") -> Any:
    data = {"custom_id": custom_id, "components": [
        {"type": 18, "id": 1, "component": {"type": 4, "id": 2, "custom_id": "text", "value": "Trip on Friday"}},
        {"type": 18, "id": 3, "component": {"type": 19, "id": 4, "custom_id": "attach", "values": values}}]}
    return inbound.modal(data, ACTOR, GUILD, None, InteractionRef("discord", "9"), "k", resolved=resolved)


def test_a_picked_file_becomes_the_options_file() -> None:
    event = _submit(["777"], {"attachments": {"777": SLIP}})
    assert isinstance(event, CommandInvoked)
    assert event.options["attach"] == FileRef("discord", "777", "slip.pdf", 2048, "application/pdf", SLIP["url"])
    assert event.options["text"] == "Trip on Friday"


def test_no_file_picked_leaves_the_option_out() -> None:
    event = _submit([])
    assert isinstance(event, CommandInvoked)
    assert "attach" not in event.options


def test_a_file_discord_did_not_resolve_stays_text_for_the_core_to_refuse() -> None:
    event = _submit(["778"], {"attachments": {"777": SLIP}})
    assert event.options["attach"] == "778"


def test_a_cog_forms_fields_hold_text_only() -> None:
    event = _submit(["777"], {"attachments": {"777": SLIP}}, custom_id="hr|form:ask|")
    assert isinstance(event, FormSubmitted)
    assert dict(event.fields) == {"text": "Trip on Friday"}
