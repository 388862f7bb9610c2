"""Commands, the delivery route and the link pages of the e-mail feature."""

from __future__ import annotations

import html
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.cog import Cog, command
from bot.api.commands import OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.messages import Message
from bot.api.outbound import Delivery, DeliveryStatus
from bot.api.roles import STAFF
from bot.api.services import Services
from bot.db.models import Community, Member
from bot.i18n import languages
from cogs.email import links as signed
from cogs.email import sender
from cogs.email.config import Section, check_requirements
from cogs.email.models import EmailContact

USER_PREFIX = "email:"


class EmailCog(Cog):
    name = "email"
    personal_data_models = (EmailContact,)

    def __init__(self, core: Services) -> None:
        super().__init__(core)
        self.settings: Section = core.config.section("email")
        check_requirements(core.config, core.secrets)  # the command line asked already; a core built in code too
        self._secret = (core.secrets.email_link_secret or "").encode()
        if self.settings.enabled:
            core.deliveries.add_route(self)
            core.http_routes["/email/seen"] = self.seen_page
            core.http_routes["/email/unsubscribe"] = self.unsubscribe_page

    # ----- the route ----------------------------------------------------------------------
    def reaches(self, member: Member) -> bool:
        return member.user_id.startswith(USER_PREFIX)

    async def inbox(self, session: AsyncSession, member: Member) -> list[int]:
        """The families at the same address in other classes (one parent, children in two
        classes): they read one e-mail digest. Addresses compare without case; an address
        that unsubscribed or was refused in one class stays on its own there."""
        contact = await session.scalar(select(EmailContact).where(EmailContact.member_id == member.id))
        if contact is None or contact.unsubscribed_at is not None or contact.refused_at is not None:
            return [member.id]  # nothing goes out through this one: it must not carry the others' news
        return list((await session.scalars(select(EmailContact.member_id).join(
            Member, Member.id == EmailContact.member_id).where(
            func.lower(EmailContact.address) == contact.address.lower(), Member.left_at.is_(None),
            EmailContact.unsubscribed_at.is_(None), EmailContact.refused_at.is_(None)))).all())

    async def send(self, community: Community, member: Member, message: Message, *, key: str) -> Delivery:
        async with self.core.db.read() as session:
            contact = await session.scalar(select(EmailContact).where(EmailContact.member_id == member.id))
        if contact is None or contact.unsubscribed_at is not None or contact.refused_at is not None:
            return Delivery(DeliveryStatus.NOT_FOUND, detail="no usable address")
        lang = self.core.language_of(member, community)
        expires = int((self.core.clock.now() + timedelta(days=self.settings.link_days)).timestamp())
        seen = sender.seen_link(message)
        seen_url = self._url("/email/seen", signed.Link(member.id, *seen, expires)) if seen else None
        unsubscribe_url = self._url("/email/unsubscribe", signed.Link(member.id, "unsubscribe", "", 2**31 - 1))
        page_links = sender.Links(seen_url, await self.core.localize(lang, "Got it ✓"), unsubscribe_url,
                                  await self.core.localize(lang, "Stop these e-mails"))
        mail = sender.build(message, page_links, sender=self.settings.from_address, to=contact.address, key=key)
        result = await sender.send(mail, self.settings, self.core.secrets.smtp_password)
        if result.status == DeliveryStatus.NOT_FOUND:
            async with self.core.db.write() as session:
                stored = await session.get(EmailContact, contact.id)
                if stored is not None and stored.refused_at is None:
                    stored.refused_at = self.core.clock.now()
        return result

    def _url(self, path: str, link: signed.Link) -> str:
        return f"{self.settings.public_url}{path}?t={signed.sign(self._secret, link)}"

    # ----- the pages ----------------------------------------------------------------------
    async def seen_page(self, params: Mapping[str, str]) -> tuple[int, str]:
        link = signed.verify(self._secret, params.get("t", ""), self.core.clock.now())
        if link is None or link.kind not in ("row", "batch"):
            return 400, _page("This link is not valid any more. Nothing was changed.")
        async with self.core.db.write() as session:
            member = await session.get(Member, link.member_id)
            if member is None:
                return 404, _page("This link is not valid any more. Nothing was changed.")
            if link.kind == "row" and link.value.isdigit():
                await self.core.deliveries.mark_seen(session, member.id, row_id=int(link.value))
            else:
                await self.core.deliveries.mark_seen(session, member.id, batch=link.value)
            lang = member.language
        return 200, _page(await self.core.localize(lang, "Thank you! Your teacher can see that you got it."))

    async def unsubscribe_page(self, params: Mapping[str, str]) -> tuple[int, str]:
        link = signed.verify(self._secret, params.get("t", ""), self.core.clock.now())
        if link is None or link.kind != "unsubscribe":
            return 400, _page("This link is not valid any more. Nothing was changed.")
        async with self.core.db.write() as session:
            contact = await session.scalar(select(EmailContact).where(EmailContact.member_id == link.member_id))
            member = await session.get(Member, link.member_id)
            if contact is None or member is None:
                return 404, _page("This link is not valid any more. Nothing was changed.")
            # the e-mail may have carried several classes' news: the address stops for all of them
            for member_id in await self.inbox(session, member):
                same = await session.scalar(select(EmailContact).where(EmailContact.member_id == member_id))
                if same is not None and same.unsubscribed_at is None:
                    same.unsubscribed_at = self.core.clock.now()
            lang = member.language
        return 200, _page(await self.core.localize(lang, "You will get no more e-mails from Homeroom. To hear "
                                                         "from school again, ask your child's teacher."))

    # ----- commands -----------------------------------------------------------------------
    def _require_enabled(self) -> None:
        if not self.settings.enabled:
            raise UserError("E-mail is not set up for this school yet: an admin turns it on in the [email] "
                            "section of the configuration.")

    @command("family email", "Reach a family that is not here by e-mail (with their consent)",
             OptionSpec("name", "The family's name, as the class knows it", required=True),
             OptionSpec("address", "Their e-mail address", required=True),
             OptionSpec("consent", "The family agreed to get school messages by e-mail", type=OptionType.BOOLEAN,
                        required=True),
             OptionSpec("language", "The language they read (default: the class's)", autocomplete="languages"),
             allowed=STAFF)
    async def register(self, ctx: Context, name: str, address: str, consent: bool,
                       language: str | None = None) -> None:
        self._require_enabled()
        community, staff = ctx.require_community(), ctx.require_member()
        if not consent:
            raise UserError("E-mail is sent only with the family's consent. Ask them first, then run this again "
                            "with consent:true.")
        name = name.strip()
        if not name or len(name) > 100:
            raise UserError("A family name must be 1 to {max} characters long.", max=100)
        address = _valid_address(address)
        lang = None
        if language:
            lang = languages.normalize(language)
            if lang is None:
                raise UserError("I don't know the language \"{language}\".", language=language)
        async with ctx.write() as session:
            taken = await session.scalar(select(EmailContact.id).join(Member, Member.id == EmailContact.member_id)
                                         .where(Member.community_id == community.id,
                                                EmailContact.address == address, Member.left_at.is_(None)))
            if taken is not None:
                raise UserError("{address} is already registered for a family of this class.", address=address)
            family = Member(community_id=community.id, user_id=f"{USER_PREFIX}{secrets.token_hex(8)}",
                            display_name=name, language=lang, delivery="digest")
            session.add(family)
            await session.flush()
            session.add(EmailContact(member_id=family.id, address=address, consent_at=ctx.now,
                                     consent_by_member_id=staff.id))
            await self.core.audit(session, community.id, staff, "email.register", "member", family.id,
                                  subject_member_id=family.id)
        await ctx.reply("{name} will get the daily digest, reminders and alerts by e-mail at {address}.",
                        name=name, address=address)

    @command("family email-remove", "Stop e-mailing a family",
             OptionSpec("name", "The family's name", required=True), allowed=STAFF)
    async def remove(self, ctx: Context, name: str) -> None:
        community, staff = ctx.require_community(), ctx.require_member()
        async with ctx.write() as session:
            family = await session.scalar(select(Member).join(EmailContact, EmailContact.member_id == Member.id)
                                          .where(Member.community_id == community.id, Member.left_at.is_(None),
                                                 Member.display_name == name.strip()))
            if family is None:
                raise UserError("No family called \"{name}\" gets e-mail from this class.", name=name.strip())
            family.left_at = ctx.now
            contact = await session.scalar(select(EmailContact).where(EmailContact.member_id == family.id))
            if contact is not None:
                await session.delete(contact)
            await self.core.audit(session, community.id, staff, "email.remove", "member", family.id,
                                  subject_member_id=family.id)
        await ctx.reply("{name} will get no more e-mails; their address was deleted.", name=name.strip())

    # ----- privacy ------------------------------------------------------------------------
    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        contact = await session.scalar(select(EmailContact).where(EmailContact.member_id == member.id))
        if contact is None:
            return {}
        return {"email": {"address": contact.address, "consent_recorded_at": contact.consent_at.isoformat(),
                          "unsubscribed_at": contact.unsubscribed_at.isoformat() if contact.unsubscribed_at else None}}

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        contact = await session.scalar(select(EmailContact).where(EmailContact.member_id == member.id))
        if contact is not None:
            await session.delete(contact)
        recorded = (await session.scalars(select(EmailContact).where(
            EmailContact.consent_by_member_id == member.id))).all()
        for row in recorded:
            row.consent_by_member_id = None

    # ----- retention ----------------------------------------------------------------------
    def expired_rows(self, cutoffs: dict[str, datetime]) -> dict[str, tuple[Any, Any]]:
        """Addresses that unsubscribed or were refused longer ago than the deliveries'
        retention: nothing goes to them any more, so nothing needs them (a new
        /family email asks for consent again)."""
        limit = cutoffs["deliveries"]
        return {"email_contacts": (EmailContact, (EmailContact.unsubscribed_at < limit)
                                   | (EmailContact.refused_at < limit))}


def _valid_address(text: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return str(validate_email(text.strip(), check_deliverability=False).normalized)
    except EmailNotValidError:
        raise UserError("\"{address}\" is not an e-mail address I can use. Please check it.",
                        address=text.strip()) from None


def _page(text: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width"><title>Homeroom</title></head><body style="font-family:sans-serif;'
            f'max-width:32rem;margin:3rem auto"><p>{html.escape(text)}</p></body></html>')
