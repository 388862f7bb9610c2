"""The sign-up card, rendered from the database so any process can redraw it.

Reaction cards list each slot's emoji; when a platform allows fewer reactions than there
are slots (or a slot has no emoji) the card carries one button per slot, or select menus
when buttons would not fit. Pressing a slot again cancels it. Whatever the control, the
same transaction (:meth:`cogs.signups.cog.SignupsCog.apply`) applies.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.messages import Button, Field, Message, Select, SelectOption
from bot.api.outbound import Capabilities
from bot.api.when import format_when
from bot.db.models import Member
from bot.i18n import N_
from cogs.signups.models import Claim, Signup, Slot

Localize = Callable[..., Awaitable[str]]


async def slots_of(session: AsyncSession, signup_id: int) -> list[Slot]:
    return list((await session.scalars(select(Slot).where(Slot.signup_id == signup_id).order_by(Slot.position))).all())


async def _as_written(text: str) -> str:
    return text


async def render_card(session: AsyncSession, signup: Signup, t: Localize, zone: ZoneInfo, lang: str,
                      caps: Capabilities, *, words: Callable[[str], Awaitable[str]] = _as_written) -> Message:
    """The card in ``lang``; ``words`` puts the organiser's own words (title, description,
    slot labels) into the reader's language for a translated copy."""
    slots = await slots_of(session, signup.id)
    claims = list((await session.execute(
        select(Claim, Member.display_name).outerjoin(Member, Member.id == Claim.member_id)
        .where(Claim.signup_id == signup.id).order_by(Claim.claimed_at, Claim.id))).all())
    fields = []
    for slot in slots:
        confirmed = [name or "?" for claim, name in claims if claim.slot_id == slot.id and claim.status == "confirmed"]
        waiting = sum(1 for claim, _ in claims if claim.slot_id == slot.id and claim.status == "waitlisted")
        name = f"{slot.emoji_display} {await words(slot.label)}".strip() + f" — {len(confirmed)}/{slot.capacity}"
        value = ", ".join(confirmed) if confirmed else await t("nobody yet")
        if waiting:
            value += " · " + await t("waitlist: {count}", count=waiting)
        fields.append(Field(name=name, value=value))
    lines = []
    if signup.when_at:
        lines.append(await t("When: {when}", when=format_when(signup.when_at, lang, zone)))
    if signup.description:
        lines.append(await words(signup.description))
    if signup.status == "open":
        if signup.closes_at:
            lines.append(await t("Sign-ups close {when}.", when=format_when(signup.closes_at, lang, zone)))
        how = (N_("React with a slot's emoji to sign up; remove your reaction to cancel.") if signup.mode == "reactions"
               else N_("Press a slot to sign up; press it again to cancel."))
        lines.append(await t(how))
    elif signup.status == "closed":
        lines.append(await t("Sign-ups are closed."))
    else:
        lines.append(await t("This sign-up was cancelled."))
    buttons = [Button(await t("Translate"), "signup.translate", str(signup.id))]
    menus: list[Select] = []
    if signup.mode == "buttons" and signup.status == "open":
        per_menu = max(1, caps.max_select_options)
        if not caps.selects or len(slots) + 1 <= caps.max_buttons_per_message:
            buttons += [Button(f"{s.emoji_display} {s.label}".strip()[:80], "signup.toggle", f"{signup.id}:{s.id}")
                        for s in slots]
        else:
            placeholder = await t("Choose a slot (again to cancel)")
            for start in range(0, len(slots), per_menu):
                options = tuple(SelectOption(f"{s.emoji_display} {s.label}".strip()[:100], f"{signup.id}:{s.id}")
                                for s in slots[start:start + per_menu])
                menus.append(Select("signup.toggle", f"{placeholder} ({start + 1}-{start + len(options)})", options,
                                    group=str(start)))
    return Message(title=f"📋 {await words(signup.title)}", text="\n".join(lines), fields=tuple(fields),
                   buttons=tuple(buttons), selects=tuple(menus), footer=f"#{signup.id}")
