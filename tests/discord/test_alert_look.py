"""An emergency alert on Discord, as the fake REST API received it: a red embed with a siren,
``@here`` in the channel with the everyone mention allowed, and the same look in each DM."""

from __future__ import annotations

from adapters.discord.render import COLOURS, mention, to_embeds
from bot.api.messages import Message, Tone
from bot.api.roles import Role
from tests.discord.harness import CHANNELS, DiscordDriver


async def test_a_confirmed_alert_reaches_discord_red_with_here_in_the_channel_and_in_each_dm(
        driver: DiscordDriver) -> None:
    maria = await driver.person("Maria", language="es-ES")
    await driver.command(maria, "language", name="español")  # she is known to Homeroom
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    await driver.command(teacher, "alert", text="Shelter in place")
    preview = driver.seen()[-1]
    assert preview.where == "ephemeral:Ms Lee" and preview.buttons == ["Send to every family", "Cancel"]
    assert not driver.fake.messages_in(CHANNELS["announcements"])  # nothing before the confirmation
    await driver.click(teacher, preview.message_id, "Send to every family")
    [post] = driver.fake.messages_in(CHANNELS["announcements"])
    assert post["content"] == "@here"
    channel_path = f"/channels/{CHANNELS['announcements']}/messages"
    [sent] = [b for m, p, b in driver.fake.calls if m == "POST" and p == channel_path]
    assert sent["allowed_mentions"] == {"parse": ["everyone"]}  # only @here/@everyone can ping
    assert post["embeds"][0]["color"] == 0xDC2626 and post["embeds"][0]["title"].startswith("🚨")
    dm = next(s for s in driver.seen() if s.where == "dm:Maria")
    assert "[es] Shelter in place" in dm.text and dm.text.startswith("🚨")
    dm_bodies = [b for m, p, b in driver.fake.calls if m == "POST" and p.startswith("/channels/")
                 and isinstance(b, dict) and "[es] Shelter in place" in str(b.get("embeds"))]
    assert dm_bodies and dm_bodies[0]["embeds"][0]["color"] == 0xDC2626 and not dm_bodies[0].get("content")


def test_only_a_channel_alert_may_mention_everyone() -> None:
    assert mention(Message(text="Book fair")) == {}
    allowed = mention(Message(text="Evacuate", tone=Tone.ALERT, notify_channel=True))["allowed_mentions"]
    assert allowed.to_dict()["parse"] == ["everyone"]  # type: ignore[attr-defined]
    assert to_embeds(Message(text="Book fair"))[0].colour.value == COLOURS[Tone.NORMAL]
