"""Emergency alerts end to end on the console, on SQLite and PostgreSQL: what the channel
and each family actually received."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select

from adapters.console import console_session
from bot.api.events import ButtonPressed
from bot.api.refs import InteractionRef
from bot.db.engine import Database
from bot.db.models import AuditEntry

TEACHER = "as Ms Lee role=teacher"
# 12:00 UTC is 08:00 in New York: inside every family's quiet hours 07:00-09:00.
FAMILIES = """
as Maria lang=es
/quiet-hours 07:00-09:00
as Chen lang=zh-CN
/delivery digest
/quiet-hours 07:00-09:00
as Ana
/delivery dm
/quiet-hours 07:00-09:00
"""


def confirm_button(s) -> int:  # type: ignore[no-untyped-def]
    return s.last("only Ms Lee").number


async def test_an_alert_without_confirmation_sends_nothing(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{FAMILIES}\n{TEACHER}\n/alert text:\"Lockdown drill now\"\nadvance 1h")
        preview = s.find("only Ms Lee")[0]
    assert [b.label for b in preview.message.buttons] == ["Send to every family", "Cancel"]
    assert "Nothing has been sent yet" in preview.text
    assert s.find("#announcements") == [] and s.find("DM →") == []


async def test_a_cancelled_alert_cannot_be_sent_afterwards(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{FAMILIES}\n{TEACHER}\n/alert text:\"Lockdown drill now\"")
        preview = confirm_button(s)
        await s.run(f"click #{preview} Cancel\nclick #{preview} Send")
    replies = [e.text for e in s.find("only Ms Lee")]
    assert replies[-2] == "Alert #1 was cancelled. Nothing was sent."
    assert replies[-1] == "Alert #1 was cancelled earlier, so it cannot be sent. Write a new /alert."
    assert s.find("#announcements") == [] and s.find("DM →") == []


async def test_alert_reaches_channel_dm_and_digest_families_at_once_in_their_languages_in_quiet_hours(
        db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{FAMILIES}\n{TEACHER}\n/alert text:\"Gas leak: pick up your child at the gym door\"")
        await s.run(f"click #{confirm_button(s)} Send")
        post = s.last("#announcements")
        maria, chen, ana = s.last("DM → Maria"), s.last("DM → Chen"), s.last("DM → Ana")
    assert post.message.notify_channel and post.text.startswith("@here\n**🚨 Emergency alert**")
    assert "Gas leak: pick up your child at the gym door" in post.text
    assert maria.text.startswith("**🚨 [es] Emergency alert**\n[es] Gas leak")
    assert chen.text.startswith("**🚨 [zh-CN] Emergency alert**\n[zh-CN] Gas leak")
    assert ana.text.startswith("**🚨 Emergency alert**\nGas leak")
    assert all(m.message.tone == "alert" for m in (maria, chen, ana))
    assert "going out now to 3 families" in s.last("only Ms Lee").text


async def test_follow_up_goes_only_to_families_who_have_not_pressed_got_it(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{FAMILIES}\n{TEACHER}\n/alert text:\"Early closing at noon\"")
        await s.run(f"click #{confirm_button(s)} Send")
        post = s.last("#announcements").number
        await s.run(f"as Maria\nclick #{s.last('DM → Maria').number} [es] Got it\n"
                    f"as Chen\nclick #{post} Got it\nadvance 14m")
        assert [len(s.find(f"DM → {n}")) for n in ("Maria", "Chen", "Ana")] == [1, 1, 1]
        await s.run("advance 2m")
        again = s.find("DM → Ana")
        assert [len(s.find(f"DM → {n}")) for n in ("Maria", "Chen")] == [1, 1]
    assert len(again) == 2 and "sent again: please press Got it" in again[1].text
    unreached = s.last("DM → Ms Lee")
    assert "Alert #1 — not reached yet: 1 of 3 families" in unreached.text
    assert "Not confirmed yet: Ana" in unreached.text


async def test_the_unreached_list_is_edited_as_families_press_got_it(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{FAMILIES}\n{TEACHER}\n/alert text:\"Early closing at noon\"")
        await s.run(f"click #{confirm_button(s)} Send\nadvance 16m")
        listing = s.last("DM → Ms Lee")
        assert "not reached yet: 3 of 3 families" in listing.text
        await s.run(f"as Ana\nclick #{s.last('DM → Ana').number} Got it")
    assert listing.edits == 1
    assert "not reached yet: 2 of 3 families" in listing.text and "Ana" not in listing.text
    assert "Not confirmed yet: Maria, Chen" in listing.text


async def test_a_family_with_closed_dms_is_named_on_the_unreached_list(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Bob dms=closed\nas Ana\n{TEACHER}\n/alert text:\"Flood: school closed\"")
        await s.run(f"click #{confirm_button(s)} Send\nadvance 16m\n/alerts")
    assert "Cannot receive direct messages (please call them): Bob" in s.last("only Ms Lee").text
    assert "I could not deliver a message to Bob" in s.find("DM → Ms Lee")[0].text


async def test_a_second_alert_within_ten_minutes_is_refused_unless_an_admin_overrides(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{TEACHER}\n/alert text:\"One\"")
        await s.run(f"click #{confirm_button(s)} Send\nadvance 5m\n/alert text:\"Two\"")
        refused = s.last("only Ms Lee").text
        await s.run("as Mr Park role=admin\n/alert text:\"Two\" override:true")
        await s.run(f"click #{s.last('only Mr Park').number} Send")
        async with db.read() as session:
            actions = (await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert refused.startswith("An alert went out 5 minutes ago; the next one can go out at")
    assert [e.text.splitlines()[1] for e in s.find("DM → Ana")] == ["One", "Two"]
    assert actions == ["alert.drafted", "alert.sent", "alert.drafted", "alert.sent", "alert.override"]


async def test_only_an_admin_may_override_and_families_may_not_alert(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n/alert text:\"Party\"\n{TEACHER}\n/alert text:\"Now\" override:true")
    assert "only for teachers and admins" in s.last("only Ana").text
    assert s.last("only Ms Lee").text == "Only an admin can send an alert inside the waiting time (override:true)."
    assert s.find("#announcements") == []


async def test_only_the_author_can_confirm_their_alert(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{TEACHER}\n/alert text:\"Now\"")
        preview = confirm_button(s)
        await s.run(f"as Mr Kim role=teacher\nclick #{preview} Send")
    assert s.last("only Mr Kim").text == "Only the person who wrote this alert can send or cancel it."
    assert s.find("DM → Ana") == []


async def test_two_confirmations_at_one_moment_send_one_alert(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{TEACHER}\n/alert text:\"First\"\n/alert text:\"Second\"")
        drafts = [e for e in s.find("only Ms Lee")]
        teacher = s.console.people["ms lee"]

        def press(entry) -> ButtonPressed:  # type: ignore[no-untyped-def]
            return ButtonPressed(key=f"console:{uuid.uuid4().hex}", actor=s.console.actor(teacher),
                                 community=s.console.community, action="alert.confirm",
                                 value=entry.message.buttons[0].value, message=entry.ref,
                                 interaction=InteractionRef("console", uuid.uuid4().hex, token=teacher.user.id,
                                                            channel=entry.ref.channel), received_at=s.clock.now())

        await asyncio.gather(*(s.core.dispatch(press(d)) for d in drafts))
        await s.core.settle()
    assert len(s.find("DM → Ana")) == 1
    assert len(s.find("#announcements")) == 1
    assert sum("An alert went out 0 minutes ago" in e.text for e in s.find("only Ms Lee")) == 1
