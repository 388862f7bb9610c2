"""Private notices to families, queued with the delivery service in the same transaction as
the change they describe.

The cause names what moved the family (the event's key, a resync run, an erasure) with the
family, slot and kind, so each family hears exactly once about each change of its own state:
a redelivered event is stopped by the dispatcher's de-duplication before it reaches here, and
a second enqueue with the same cause is a no-op. The service keeps each family's messages in
order, respects their quiet hours and writes the notice in their language: the sign-up's
title and slot are the organiser's words (:class:`~bot.delivery.Written`), translated.

Release notes: rows of the old ``signup.notice`` / ``signup.refused`` jobs still pending in a
database are turned into deliveries by :func:`legacy_notice` and :func:`legacy_refusal`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.messages import FileRef
from bot.api.services import Services
from bot.db.models import Community, Member
from bot.delivery import Content, Item, Phrase, Reach, Written, attached
from bot.delivery.content import Param
from bot.i18n import N_
from cogs.signups.models import Signup, Slot
from cogs.signups.store import Change

#: msgids (English, with placeholders) for each change of a family's own state.
NOTICES = {
    "confirmed": N_("You're signed up for {slot} on \"{title}\". Thank you!"),
    "waitlisted": N_("\"{slot}\" on \"{title}\" is full, so you are number {position} on the waitlist. "
                     "I'll tell you if a place opens."),
    "promoted": N_("Good news: a place opened and you are now signed up for {slot} on \"{title}\"!"),
    "cancelled": N_("You're no longer signed up for {slot} on \"{title}\"."),
    "left_waitlist": N_("You left the waitlist for {slot} on \"{title}\"."),
    "given_up": N_("Someone in your family took a free place on \"{title}\", so your place on the waitlist for "
                   "{slot} was given up (places count for the whole family)."),
}

TOPIC_NOTICE = "signup.notice"
TOPIC_REFUSAL = "signup.refused"
#: old job kinds, kept so rows queued by an earlier release still reach the family
NOTICE_JOB = "signup.notice"
REFUSAL_JOB = "signup.refused"


def slot_label(slot: Slot) -> str:
    return f"{slot.emoji_display} {slot.label}".strip()


def subject_of(signup_id: int) -> str:
    return f"signup:{signup_id}"


def title_of(signup: Signup) -> Written:
    return Written(signup.title, signup.language)


MSG_ATTACHED = N_("Attached")
#: the notices of a family that holds a place now: they carry the card's files (a permission
#: slip to sign, a flyer saying what to bring)
WITH_FILES = frozenset({"confirmed", "promoted"})


def files_of(signup: Signup) -> tuple[FileRef, ...]:
    return tuple(FileRef.from_json(data) for data in signup.files or ())


def files_field(signup: Signup) -> tuple[Item, ...]:
    """"Attached: name — link" for the card's files, linking the card itself where it can."""
    return attached(MSG_ATTACHED, files_of(signup), signup.card_link)


def notice_content(signup: Signup, slot: Slot, kind: str, position: int | None) -> Content:
    return Content(body=Phrase.of(NOTICES[kind], slot=Written(slot_label(slot), signup.language),
                                  title=title_of(signup), position=position or ""),
                   fields=files_field(signup) if kind in WITH_FILES else ())


def notice_cause(cause: str, change: Change) -> str:
    """One cause may move a family twice (a resync promotes and then releases the same
    family), so the slot and kind are part of it."""
    return f"signup:notice:{cause}:{change.member_id}:{change.slot_id}:{change.kind}"


async def _by_id(session: AsyncSession, model: type[Member] | type[Slot], ids: Iterable[int],
                 known: Iterable[Member] | Iterable[Slot]) -> dict[int, Any]:
    """Rows by id: those the caller already holds, the others read in one query."""
    found: dict[int, Any] = {row.id: row for row in known}
    missing = sorted(set(ids) - set(found))
    if missing:
        found.update({row.id: row for row in (await session.scalars(
            select(model).where(model.id.in_(missing)))).all()})
    return found


async def queue_changes(core: Services, session: AsyncSession, signup_id: int, changes: list[Change],
                        cause: str) -> None:
    """Queue the notices for ``changes`` in the caller's transaction, in their order."""
    await queue_notices(core, session, signup_id, [(cause, change) for change in changes])


async def queue_notices(core: Services, session: AsyncSession, signup_id: int, items: Sequence[tuple[str, Change]], *,
                        slots: Iterable[Slot] = (), members: Iterable[Member] = ()) -> None:
    """Queue (cause, change) notices of one sign-up in order, reading the sign-up, its
    slots and the families once (a burst of reactions shares one transaction); ``slots``
    and ``members`` the caller already holds are not read again."""
    if not items:
        return
    signup = await session.get(Signup, signup_id)
    community = await core.community_by_id(session, signup.community_id) if signup else None
    if signup is None or community is None:
        return
    slot_rows = await _by_id(session, Slot, (c.slot_id for _, c in items), slots)
    member_rows = await _by_id(session, Member, (c.member_id for _, c in items), members)
    notices = [(member_rows[change.member_id],
                notice_content(signup, slot_rows[change.slot_id], change.kind, change.position),
                notice_cause(cause, change))
               for cause, change in items if change.slot_id in slot_rows and change.member_id in member_rows]
    await core.deliveries.enqueue_each(session, community, notices, topic=TOPIC_NOTICE,
                                       subject=subject_of(signup_id), reach=Reach.PERSONAL)


def refusal_params(signup: Signup, params: dict[str, Any]) -> dict[str, Param]:
    """The sign-up's title is the organiser's words; other parameters (an emoji, a limit) as they are."""
    return {name: title_of(signup) if name == "title" else value for name, value in params.items()}


def refusal_cause(signup_id: int, member_id: int, emoji_key: str, reason: str, held: list[int]) -> str:
    """One refusal per sign-up, family, emoji, reason and the places the family holds."""
    digest = hashlib.sha256(f"{emoji_key}|{reason}|{held}".encode()).hexdigest()[:16]
    return f"signup:refused:{signup_id}:{member_id}:{digest}"


async def queue_refusal(core: Services, session: AsyncSession, signup_id: int, member_id: int, msgid: str,
                        params: dict[str, Any], cause: str, *, member: Member | None = None) -> None:
    """Tell a family why their reaction was removed (closed, not a slot, over the cap), once
    per cause (``member``: their row, when the caller holds it)."""
    signup = await session.get(Signup, signup_id)
    member = member or await session.get(Member, member_id)
    community = await core.community_by_id(session, signup.community_id) if signup else None
    if signup is None or member is None or community is None:
        return
    await core.deliveries.enqueue(session, community, [member], topic=TOPIC_REFUSAL, subject=subject_of(signup_id),
                                  cause=cause, content=Content(body=Phrase.of(msgid, **refusal_params(signup, params))),
                                  reach=Reach.PERSONAL)


async def legacy_notice(core: Services, payload: dict[str, Any], job_id: int) -> None:
    """A ``signup.notice`` job queued by an earlier release: becomes a delivery (its old
    dedupe key is not known here, so the job's own id makes the cause)."""
    change = Change(payload["member"], payload["slot"], payload["kind"], payload.get("position"))
    await core.db.write_retrying(lambda session: queue_changes(core, session, payload["signup"], [change],
                                                               f"legacy-job:{job_id}"))


async def legacy_refusal(core: Services, payload: dict[str, Any], job_id: int) -> None:
    """A ``signup.refused`` job queued by an earlier release: becomes a delivery. Its
    parameters were plain text then, so they are sent as they are."""
    async def work(session: AsyncSession) -> None:
        member = await session.get(Member, payload["member"])
        community = await session.get(Community, member.community_id) if member else None
        if member is None or community is None:
            return
        await core.deliveries.enqueue(
            session, community, [member], topic=TOPIC_REFUSAL, subject=f"signup:legacy-refusal:{job_id}",
            cause=f"signup:refused:legacy:{job_id}",
            content=Content(body=Phrase.of(payload["msgid"], **payload.get("params", {}))))

    await core.db.write_retrying(work)
