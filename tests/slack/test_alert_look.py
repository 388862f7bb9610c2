"""An emergency alert on Slack, as the fake Web API received it: a siren header, ``<!here>``
in the channel post only, and Block Kit that Slack accepts."""

from __future__ import annotations

import time
import uuid
from typing import Any

from slack_sdk.models.blocks import Block

from adapters.slack.blocks import to_blocks
from bot.api.messages import Message, Tone
from bot.api.roles import Role
from tests.slack.harness import TEAM, SlackDriver


def _button(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    return next(e for b in blocks for e in b.get("elements", []) if e.get("text", {}).get("text") == label)


async def test_a_confirmed_alert_reaches_slack_with_a_siren_header_and_here_in_the_channel(slack: SlackDriver) -> None:
    maria = await slack.person("Maria", language="es-ES")
    await slack.command(maria, "language", name="español")  # she is known to Homeroom
    teacher = await slack.person("Ms Lee", role=Role.TEACHER)
    await slack.command(teacher, "alert", text="Shelter in place")
    preview = slack.fake.responses[-1]
    assert preview["blocks"][0]["text"]["text"] == ":rotating_light: Emergency alert"
    assert slack.fake.called("chat.postMessage") == []  # nothing before the confirmation
    send = _button(preview["blocks"], "Send to every family")
    await slack.post_payload({
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": teacher.user_id}, "api_app_id": "A1",
        "trigger_id": f"trig.{uuid.uuid4().hex}", "container": {"type": "ephemeral"}, "channel": {"id": "C-general"},
        "response_url": f"{slack.fake.url}response/{teacher.user_id}-{uuid.uuid4().hex[:8]}",
        "actions": [{"type": "button", "action_id": send["action_id"], "value": send["value"],
                     "action_ts": str(time.time())}]})
    await slack.settle()
    posts = slack.fake.called("chat.postMessage")
    channel_post = next(p for p in posts if "<!here>" in str(p.get("blocks")))
    dm = next(p for p in posts if "[es] Shelter in place" in str(p.get("blocks")))
    assert channel_post["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                                                    "text": ":rotating_light: Emergency alert"}}
    assert channel_post["blocks"][1]["text"]["text"] == "<!here>"
    assert dm["blocks"][0]["text"]["text"] == ":rotating_light: [es] Emergency alert"
    assert "<!here>" not in str(dm["blocks"])


def test_alert_blocks_are_block_kit_slack_accepts() -> None:
    for block in to_blocks(Message(title="Emergency alert", text="Evacuate", tone=Tone.ALERT, notify_channel=True)):
        Block.parse(block).validate_json()  # type: ignore[union-attr]
