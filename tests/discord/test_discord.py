"""The Discord adapter through discord.py's real code, a fake REST API and gateway payloads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adapters.console.harness import DEFAULT_START
from adapters.discord.adapter import intents
from adapters.discord.cli import invite_url
from adapters.discord.commands import application_commands
from bot.api.roles import Role
from bot.app import build_core
from bot.config import Config, ConfigError, Secrets, check_adapter_requirements
from bot.db.engine import Database
from bot.db.models import Member, ProcessedEvent
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.discord.harness import BOT_ID, CHANNELS, DiscordDriver


async def test_slash_command_is_deferred_then_answered_ephemerally(driver: DiscordDriver) -> None:
    maria = await driver.person("Maria", language="es-ES")
    await driver.command(maria, "language", name="português")
    callbacks = [body for method, path, body in driver.fake.calls if path.startswith("/interactions/")]
    assert callbacks and callbacks[0]["type"] == 5 and callbacks[0]["data"]["flags"] == 64  # deferred, ephemeral
    reply = driver.seen()[-1]
    assert reply.where == "ephemeral:Maria" and reply.text == "[pt] Done! I will write to you in português."


async def test_family_is_refused_a_teacher_command(driver: DiscordDriver) -> None:
    ana = await driver.person("Ana")
    await driver.command(ana, "announce", text="Party")
    assert "only for teachers and admins" in driver.seen()[-1].text
    assert not [s for s in driver.seen() if s.where.startswith("channel:")]


async def test_teacher_role_by_name_posts_an_announcement_with_buttons(driver: DiscordDriver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    await driver.command(teacher, "announce", text="Picture day Monday")
    post = next(s for s in driver.seen() if s.where == "channel:announcements")
    assert "Picture day Monday" in post.text and post.buttons == ["Translate", "Got it ✓"]


async def test_button_works_after_a_restart(sqlite_db: Database) -> None:
    core = build_core(Config(), secrets=Secrets(discord_token="fake"), db=sqlite_db, clock=ManualClock(DEFAULT_START),
                      translator=FakeTranslator())
    first = DiscordDriver(core)
    await first.start()
    teacher = await first.person("Ms Lee", role=Role.TEACHER)
    ana = await first.person("Ana")
    await first.command(teacher, "announce", text="Book fair")
    post = next(s for s in first.seen() if s.where == "channel:announcements")
    message = first.fake.messages[int(post.message_id)]
    await first.stop()

    restarted_core = build_core(Config(), secrets=Secrets(discord_token="fake"), db=sqlite_db,
                                clock=ManualClock(DEFAULT_START),
                                translator=FakeTranslator())
    second = DiscordDriver(restarted_core)
    await second.start()
    second.fake.messages[int(post.message_id)] = message
    second.fake.users.update(first.fake.users)
    second.members.update(first.members)
    second.people.update(first.people)
    await second.click(ana, post.message_id, "Got it")
    assert second.seen()[-1].text == "Thank you! Your teacher can see that you got announcement #1."
    await second.stop()


async def test_long_text_option_missing_opens_a_modal_and_submit_runs_the_command(driver: DiscordDriver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    data = {"id": "1", "name": "announce", "type": 1, "options": []}
    await driver.feed_interaction(driver.interaction(teacher, 2, data))
    modal = [body for method, path, body in driver.fake.calls if path.startswith("/interactions/")][-1]
    assert modal["type"] == 9 and modal["data"]["custom_id"] == "hr|cmd:announce|"
    submit = {"custom_id": "hr|cmd:announce|", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "text", "value": "From a modal"}]}]}
    await driver.feed_interaction(driver.interaction(teacher, 5, submit))
    assert any("From a modal" in s.text for s in driver.seen() if s.where == "channel:announcements")


async def test_reactions_add_remove_on_an_uncached_message(driver: DiscordDriver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    ana = await driver.person("Ana")
    await driver.command(teacher, "signup create", title="Trip", slots="🚌 Driver x1")
    card = next(s for s in driver.seen() if s.where == "channel:general")
    assert driver.client._connection._get_message(int(card.message_id)) is None  # not in discord.py's cache
    await driver.react(ana, card.message_id, "🚌")
    assert driver.seen()[-1].where == "dm:Ana" and driver.seen()[-1].text.startswith("You're signed up")
    await driver.unreact(ana, card.message_id, "🚌")
    assert driver.seen()[-1].text.startswith("You're no longer signed up")


async def test_custom_emoji_is_matched_by_id(driver: DiscordDriver) -> None:
    driver.fake.guild_emojis.add(123456789012345678)
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    ana = await driver.person("Ana")
    await driver.command(teacher, "signup create", title="Trip", slots="<:bus_custom:123456789012345678> Driver x1")
    card = next(s for s in driver.seen() if s.where == "channel:general")
    await driver.react(ana, card.message_id, "<:renamed:123456789012345678>")
    assert driver.seen()[-1].text.startswith("You're signed up for <:bus_custom:123456789012345678> Driver")


async def test_dm_in_and_answer_out(driver: DiscordDriver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    maria = await driver.person("Maria", language="es")
    await driver.command(teacher, "help")
    await driver.command(maria, "language", name="es")
    await driver.dm(maria, "¿Hay clase mañana?")
    question = next(s for s in driver.seen() if s.where == "dm:Ms Lee")
    assert "¿Hay clase mañana?" in question.text
    await driver.reply(teacher, question.message_id, "Yes")
    assert [s for s in driver.seen() if s.where == "dm:Maria"][-1].text.startswith("[es] Answer to your question")


async def test_a_server_owner_who_is_also_a_teacher_receives_a_familys_question(driver: DiscordDriver) -> None:
    owner = await driver.person("Ms Lee", role=Role.TEACHER, owner=True)
    maria = await driver.person("Maria", language="es")
    await driver.command(owner, "help")
    await driver.command(maria, "help")
    await driver.dm(maria, "¿Hay clase mañana?")
    assert "¿Hay clase mañana?" in [s for s in driver.seen() if s.where == "dm:Ms Lee"][-1].text


async def test_the_server_owner_is_an_admin_and_keeps_their_named_roles(driver: DiscordDriver) -> None:
    owner = await driver.person("Ms Lee", role=Role.COMMITTEE, owner=True)
    await driver.command(owner, "help")
    async with driver.core.db.read() as session:
        member = await session.scalar(select(Member).where(Member.user_id == owner.user_id))
    assert member is not None and member.platform_roles == {Role.ADMIN, Role.COMMITTEE}


async def test_the_administrator_permission_makes_an_admin_whatever_the_role_is_called(
        driver: DiscordDriver) -> None:
    principal = await driver.person("Dr Park", role=Role.TEACHER, administrator=True)
    await driver.command(principal, "help")
    async with driver.core.db.read() as session:
        member = await session.scalar(select(Member).where(Member.user_id == principal.user_id))
    assert member is not None and member.platform_roles == {Role.ADMIN, Role.TEACHER}


async def test_closed_dms_are_reported_once(driver: DiscordDriver) -> None:
    bob = await driver.person("Bob")
    driver.fake.closed_dms.add(int(bob.user_id))
    await driver.command(bob, "delivery", mode="dm")
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    await driver.command(teacher, "announce", text="One")
    await driver.command(teacher, "announce", text="Two")
    opens = [b for m, p, b in driver.fake.calls if p == "/users/@me/channels" and str(b["recipient_id"]) == bob.user_id]
    assert len(opens) == 1  # the second announcement never tried: the member is marked unreachable


async def test_429_is_honoured_and_the_request_succeeds(driver: DiscordDriver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    driver.fake.rate_limit_once.add("POST channels")
    await driver.command(teacher, "announce", text="Snow day")
    target = f"/channels/{CHANNELS['announcements']}/messages"
    posts = [p for m, p, b in driver.fake.calls if m == "POST" and p == target]
    assert len(posts) == 2


async def test_bot_messages_are_ignored(driver: DiscordDriver) -> None:
    await driver.person("Ms Lee", role=Role.TEACHER)
    payload = {"id": "5", "channel_id": "6", "author": {"id": str(BOT_ID), "username": "Homeroom", "bot": True,
                                                        "discriminator": "0", "avatar": None},
               "content": "loop", "timestamp": "2026-09-07T12:00:00+00:00", "edited_timestamp": None, "tts": False,
               "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
               "pinned": False, "type": 0}
    driver.client._connection.parse_message_create(payload)  # type: ignore[arg-type]
    await driver.settle()
    assert driver.seen() == []


def test_application_commands_group_subcommands_and_put_required_options_first() -> None:
    core = build_core(Config(), db=Database("sqlite+aiosqlite:///unused.db"), translator=FakeTranslator(),
                      clock=ManualClock(DEFAULT_START))
    payload = {c["name"]: c for c in application_commands(core.commands)}
    assert {o["name"] for o in payload["signup"]["options"]} >= {"create", "close", "roster"}
    announce = payload["announce"]["options"]
    assert announce[0]["name"] == "text" and announce[0]["required"] is True
    assert payload["language"]["options"][0]["autocomplete"] is True


def test_invite_url_has_exactly_the_needed_scopes() -> None:
    url = invite_url(123)
    assert "scope=bot+applications.commands" in url and "client_id=123" in url


async def test_a_custom_emoji_from_another_server_is_refused_and_nothing_is_posted(driver: DiscordDriver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    await driver.command(teacher, "signup create", title="Trip", slots="<:theirs:223456789012345678> Driver x1")
    assert driver.seen()[-1].where == "ephemeral:Ms Lee"
    assert driver.seen()[-1].text.startswith("The emoji theirs is not available in this community")
    assert not [s for s in driver.seen() if s.where.startswith("channel:")]


def test_no_privileged_intent_is_asked_for_unless_members_is_switched_on() -> None:
    default = intents()
    assert not default.members and not default.message_content and not default.presences
    assert intents(members=True).members


async def test_a_family_that_leaves_the_server_frees_its_place_for_the_waitlist(driver: DiscordDriver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    ana, ben = await driver.person("Ana"), await driver.person("Ben")
    await driver.command(teacher, "signup create", title="Trip", slots="🚌 Driver x1")
    card = next(s for s in driver.seen() if s.where == "channel:general")
    await driver.react(ana, card.message_id, "🚌")
    await driver.react(ben, card.message_id, "🚌")
    await driver.leave(ana)
    assert [s for s in driver.seen() if s.where == "dm:Ben"][-1].text.startswith("Good news")


async def test_a_teacher_who_writes_to_the_bot_privately_stays_a_teacher(driver: DiscordDriver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    maria = await driver.person("Maria", language="es")
    await driver.command(teacher, "help")
    await driver.dm(teacher, "Thanks!")  # a DM carries no server roles
    assert [s for s in driver.seen() if s.where == "dm:Ms Lee"][-1].text.startswith("To answer a family")
    await driver.command(maria, "help")
    await driver.dm(maria, "¿Hay clase mañana?")
    assert "¿Hay clase mañana?" in [s for s in driver.seen() if s.where == "dm:Ms Lee"][-1].text


async def test_a_quick_button_press_is_answered_privately_in_its_response(driver: DiscordDriver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    maria = await driver.person("Maria", language="es")
    await driver.command(teacher, "announce", text="Picture day")
    post = next(s for s in driver.seen() if s.where == "channel:announcements")
    await driver.click(maria, post.message_id, "Translate")
    callbacks = [b for m, p, b in driver.fake.calls if p.startswith("/interactions/") and p.endswith("/callback")]
    assert callbacks[-1]["type"] == 4  # the answer itself, no "thinking" step for quick work
    assert callbacks[-1]["data"]["flags"] & 64  # ephemeral
    assert driver.seen()[-1].where == "ephemeral:Maria" and "[es] Picture day" in driver.seen()[-1].text


async def test_reactions_keep_their_gateway_order_and_each_its_own_key(driver: DiscordDriver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    ana = await driver.person("Ana")
    await driver.command(teacher, "signup create", title="Trip", slots="🚌 Driver x2")
    card = next(s for s in driver.seen() if s.where == "channel:general")
    driver.gateway(11, "MESSAGE_REACTION_ADD", ana, card.message_id, "🚌")
    driver.gateway(12, "MESSAGE_REACTION_REMOVE", ana, card.message_id, "🚌")
    driver.gateway(13, "MESSAGE_REACTION_ADD", ana, card.message_id, "🚌")
    driver.gateway(14, "MESSAGE_REACTION_REMOVE", ana, card.message_id, "🚌")
    await driver.settle()
    notices = [s.text.split(" for ")[0] for s in driver.seen() if s.where == "dm:Ana"]
    assert notices == ["You're signed up", "You're no longer signed up"] * 2
    async with driver.core.db.read() as session:
        keys = set(await session.scalars(select(ProcessedEvent.key).where(ProcessedEvent.key.like("%:S:%"))))
    # each listener of a reaction records its own key, derived from the event's ("<event key>#<listener>")
    assert {key.partition("#")[0].rsplit(":", 1)[1] for key in keys} == {"11", "12", "13", "14"}


async def test_a_family_using_reply_on_the_bots_dm_is_heard(driver: DiscordDriver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    maria = await driver.person("Maria", language="es")
    await driver.command(teacher, "help")
    await driver.command(maria, "language", name="es")
    await driver.dm(maria, "¿Hay clase mañana?")
    question = next(s for s in driver.seen() if s.where == "dm:Ms Lee")
    await driver.reply(teacher, question.message_id, "Yes")
    answer = [s for s in driver.seen() if s.where == "dm:Maria"][-1]
    await driver.reply(maria, answer.message_id, "¿Y a qué hora?")
    assert "¿Y a qué hora?" in [s for s in driver.seen() if s.where == "dm:Ms Lee"][-1].text


def test_thread_relay_on_discord_requires_the_message_content_intent() -> None:
    config = Config.model_validate({"relay": {"mode": "thread"}})
    with pytest.raises(ConfigError, match=r"discord\.message_content_intent"):
        check_adapter_requirements(config, Secrets(discord_token="t"), ["discord"])
    allowed = Config.model_validate({"relay": {"mode": "thread"}, "discord": {"message_content_intent": True}})
    check_adapter_requirements(allowed, Secrets(discord_token="t"), ["discord"])
    assert intents(message_content=True).message_content
