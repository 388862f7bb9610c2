"""Private notices to families, queued as durable jobs in the same transaction as the
change they describe.

The dedupe key names the cause (the event's key, a resync run, an erasure) and the family
and slot, so each family hears exactly once about each change of its own state: a
redelivered event is stopped by the dispatcher's de-duplication before it reaches here, and
a job scheduled twice with the same key is a no-op.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Core
from bot.db.models import Community, Member
from cogs.signups.models import Signup, Slot
from cogs.signups.store import Change

#: msgids (English, with placeholders) for each change of a family's own state.
NOTICES = {
    "confirmed": "You're signed up for {slot} on \"{title}\". Thank you!",
    "waitlisted": "\"{slot}\" on \"{title}\" is full, so you are number {position} on the waitlist. "
                  "I'll tell you if a place opens.",
    "promoted": "Good news: a place opened and you are now signed up for {slot} on \"{title}\"!",
    "cancelled": "You're no longer signed up for {slot} on \"{title}\".",
    "left_waitlist": "You left the waitlist for {slot} on \"{title}\".",
}

NOTICE_JOB = "signup.notice"
REFUSAL_JOB = "signup.refused"


def slot_label(slot: Slot) -> str:
    return f"{slot.emoji_display} {slot.label}".strip()


def notice_items(signup_id: int, changes: list[Change], cause: str,
                 at: datetime) -> list[tuple[dict[str, Any], datetime, str]]:
    """One notice job per family whose state changed, keyed by cause, family, slot and kind
    (one cause may move a family twice: a resync promotes and then releases the same family)."""
    return [({"signup": signup_id, "slot": change.slot_id, "member": change.member_id, "kind": change.kind,
              "position": change.position}, at,
             f"signup:notice:{cause}:{change.member_id}:{change.slot_id}:{change.kind}")
            for change in changes]


def refusal_item(member_id: int, msgid: str, params: dict[str, Any], dedupe_key: str,
                 at: datetime) -> tuple[dict[str, Any], datetime, str]:
    """Tell a family why their reaction was removed (closed, not a slot, over the cap),
    durably and once per cause."""
    return {"member": member_id, "msgid": msgid, "params": params}, at, dedupe_key


async def queue_changes(core: Core, session: AsyncSession, signup_id: int, changes: list[Change],
                        cause: str) -> None:
    """Queue the notices for ``changes`` in the caller's transaction, in one statement."""
    if changes:
        await core.schedule_many(session, NOTICE_JOB, notice_items(signup_id, changes, cause, core.clock.now()))


async def queue_refusal(core: Core, session: AsyncSession, member_id: int, msgid: str, params: dict[str, Any],
                        dedupe_key: str) -> None:
    await core.schedule_many(session, REFUSAL_JOB, [refusal_item(member_id, msgid, params, dedupe_key,
                                                                 core.clock.now())])


async def send_notice(core: Core, payload: dict[str, Any]) -> None:
    """The body of a notice job: read fresh names, write in the family's language, after
    the family's earlier notices (the line is taken before anything else waits)."""
    async with core.line(f"signup-notices:{payload['member']}"):
        async with core.db.read() as session:
            signup = await session.get(Signup, payload["signup"])
            slot = await session.get(Slot, payload["slot"])
            member = await session.get(Member, payload["member"])
            community = await session.get(Community, member.community_id) if member else None
        if signup is None or slot is None or member is None or community is None:
            return
        await core.notify(community, member, NOTICES[payload["kind"]], slot=slot_label(slot), title=signup.title,
                          position=payload.get("position") or "")


async def send_refusal(core: Core, payload: dict[str, Any]) -> None:
    async with core.line(f"signup-notices:{payload['member']}"):
        async with core.db.read() as session:
            member = await session.get(Member, payload["member"])
            community = await session.get(Community, member.community_id) if member else None
        if member is None or community is None:
            return
        await core.notify(community, member, payload["msgid"], **payload.get("params", {}))
