"""Commands for children, guardians and households: join codes and /join, direct links,
the staff's list, households, restrictions (admins, audited) and the audit trail."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.cog import Cog, command
from bot.api.commands import OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.messages import Attachment, Message
from bot.api.refs import UserRef
from bot.api.roles import STAFF, Role
from bot.api.services import Services
from bot.api.when import format_when
from bot.db.models import AuditEntry, Member
from bot.i18n import N_, P_, languages
from cogs.households.codes import code_hash, new_code
from cogs.households.models import Child, GuardianLink, Household, HouseholdMember, JoinAttempt, JoinCode
from cogs.households.slip import render_slip

LABEL_LIMIT = 40
AUDIT_LIMIT = 20
ATTEMPTS_KEPT = timedelta(days=1)
ADMINS = frozenset({Role.ADMIN})

HOW_TO = (N_("1. Open Homeroom in your class's server or workspace."),
          N_("2. Type /join code:{code} (or /family join code:{code}) — only you see it."))
NO_CHILD = N_("There is no child \"{label}\" in this class. /family list shows the children.")
BAD_CODE = N_("That code does not work: it is unknown, expired, revoked or already used. Please check it with "
              "your child's teacher.")
TOO_MANY = N_("Too many codes that did not work. Please try again in an hour, or ask your child's teacher.")


def checked_label(label: str) -> str:
    label = " ".join(label.split())
    if not label:
        raise UserError("Please give the child's first name or initials after child:")
    if len(label) > LABEL_LIMIT:
        raise UserError("Please use a shorter label for the child (at most {limit} characters): a first name or "
                        "initials.", limit=LABEL_LIMIT)
    return label


class HouseholdsCog(Cog):
    name = "households"
    personal_data_models = (Child, HouseholdMember, GuardianLink, JoinCode, JoinAttempt)

    def __init__(self, core: Services) -> None:
        super().__init__(core)
        self.settings = core.config.section("households")

    # ----- look-ups ----------------------------------------------------------------------
    async def _child(self, session: AsyncSession, community_id: int, label: str) -> Child:
        child = await session.scalar(select(Child).where(Child.community_id == community_id,
                                                         func.lower(Child.label) == checked_label(label).lower()))
        if child is None:
            raise UserError(NO_CHILD, label=label)
        return child

    async def _member(self, session: AsyncSession, community_id: int, user: UserRef) -> Member:
        """The guardian named in a command: a member of *this* community (someone from
        another server or workspace is never found here)."""
        member = await session.scalar(select(Member).where(Member.community_id == community_id,
                                                           Member.user_id == user.id))
        if member is None:
            raise UserError("I don't know that person in this class yet: they need to use Homeroom here once "
                            "(for example /help).")
        return member

    async def _child_or_new(self, session: AsyncSession, ctx: Context, label: str) -> Child:
        community, member = ctx.require_community(), ctx.require_member()
        label = checked_label(label)
        child = await session.scalar(select(Child).where(Child.community_id == community.id,
                                                         func.lower(Child.label) == label.lower()))
        if child is None:
            child = Child(community_id=community.id, label=label, teacher_member_id=member.id, created_at=ctx.now)
            session.add(child)
            await session.flush()
        return child

    async def _household_of(self, session: AsyncSession, community_id: int, member_id: int) -> int:
        """The guardian's household, a new one of their own on first link."""
        home = await session.get(HouseholdMember, member_id)
        if home is not None:
            return home.household_id
        household = Household(community_id=community_id, created_at=self.core.clock.now())
        session.add(household)
        await session.flush()
        session.add(HouseholdMember(member_id=member_id, household_id=household.id))
        return household.id

    async def _link(self, session: AsyncSession, child: Child, member: Member, *, receives: bool | None = None,
                    may_book: bool | None = None) -> bool:
        """Link a guardian to a child (once); False when they already were. ``receives`` and
        ``may_book`` set the link's flags when given (a new link: both yes unless said)."""
        existing = await session.scalar(select(GuardianLink).where(GuardianLink.child_id == child.id,
                                                                  GuardianLink.member_id == member.id))
        if existing is not None:
            if receives is not None:
                existing.receives = receives
            if may_book is not None:
                existing.may_book = may_book
            await session.flush()
            return False
        await self._household_of(session, child.community_id, member.id)
        session.add(GuardianLink(child_id=child.id, member_id=member.id, created_at=self.core.clock.now(),
                                 receives=True if receives is None else receives,
                                 may_book=True if may_book is None else may_book))
        await session.flush()
        return True

    # ----- join codes ---------------------------------------------------------------------
    @command("family invite", "A join code (and a printable slip) for a child's guardians",
             OptionSpec("child", "The child's first name or initials", required=True),
             OptionSpec("language", "A second language for the slip, e.g. es", autocomplete="languages"),
             allowed=STAFF)
    async def invite(self, ctx: Context, child: str, language: str | None = None) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        second = languages.normalize(language) if language else None
        if language and not second:
            raise UserError("I don't know the language \"{name}\". Try a code like es or vi.", name=language)
        code = new_code()
        expires = ctx.now + timedelta(days=self.settings.code_days)

        async def work(session: AsyncSession) -> str:
            row = await self._child_or_new(session, ctx, child)
            session.add(JoinCode(community_id=community.id, child_id=row.id, code_hash=code_hash(code),
                                 created_by_member_id=member.id, created_at=ctx.now, expires_at=expires))
            await self.core.audit(session, community.id, member, "households.invite", "child", row.id)
            return row.label

        label = await ctx.transaction(work)
        how_to = []
        for lang in dict.fromkeys(x for x in (community.default_language, second) if x):
            how_to += [await self.core.localize(lang, line, code=code) for line in HOW_TO]
        zone = self.core.zone_of(member, community)
        text = await ctx.t("Join code for {child}: {code} (valid until {when}). A guardian types /join code:{code} "
                           "privately to be linked. Revoke it with /family revoke child:{child}.",
                           child=label, code=code, when=format_when(expires, ctx.language, zone))
        await ctx.reply_message(Message(text=text))
        slip = render_slip(await self.core.community_name(community, "Homeroom"), label, code, how_to)
        try:
            await ctx.outbound.upload_file(ctx.user, Attachment(f"join-{label}.png", slip, "image/png"),
                                           Message(text=await ctx.t("A printable slip for {child}.", child=label)))
        except Exception:
            await ctx.reply("I couldn't send you the printable slip by direct message; the code above works all the "
                            "same.")

    @command("join", "Link yourself to your child with the code from their teacher",
             OptionSpec("code", "The code on the slip", required=True))
    # Slack keeps /join for joining channels, so the same command also lives under /family.
    @command("family join", "Link yourself to your child with the code from their teacher",
             OptionSpec("code", "The code on the slip", required=True))
    async def join(self, ctx: Context, code: str) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        hour_ago = ctx.now - timedelta(hours=1)
        outcome: dict[str, Any] = {}

        async def work(session: AsyncSession) -> None:
            failed = await session.scalar(select(func.count()).select_from(JoinAttempt).where(
                JoinAttempt.member_id == member.id, JoinAttempt.at > hour_ago))
            if int(failed or 0) >= self.settings.join_attempts_per_hour:
                outcome["error"] = TOO_MANY
                return
            row = await session.scalar(select(JoinCode).where(JoinCode.code_hash == code_hash(code),
                                                              JoinCode.community_id == community.id))
            usable = (row is not None and row.revoked_at is None and row.used_at is None
                      and row.expires_at > ctx.now)
            if not usable:
                session.add(JoinAttempt(member_id=member.id, at=ctx.now))
                outcome["error"] = BAD_CODE
                return
            assert row is not None
            child = await session.get(Child, row.child_id)
            assert child is not None
            claimed = await session.execute(update(JoinCode).where(JoinCode.id == row.id, JoinCode.used_at.is_(None))
                                            .values(used_at=ctx.now, used_by_member_id=member.id))
            if not getattr(claimed, "rowcount", 0):
                session.add(JoinAttempt(member_id=member.id, at=ctx.now))
                outcome["error"] = BAD_CODE
                return
            outcome["new"] = await self._link(session, child, member)
            outcome["child"] = child.label
            await self.core.audit(session, community.id, member, "households.join", "child", child.id,
                                  subject_member_id=member.id)

        await ctx.transaction(work)
        if "error" in outcome:
            raise UserError(outcome["error"])
        if outcome["new"]:
            await ctx.reply("Welcome! You are now linked to {child}. Messages about {child} will reach you in your "
                            "language.", child=outcome["child"])
        else:
            await ctx.reply("You were already linked to {child}.", child=outcome["child"])

    @command("family revoke", "Revoke a child's join codes that were not used yet",
             OptionSpec("child", "The child's first name or initials", required=True), allowed=STAFF)
    async def revoke(self, ctx: Context, child: str) -> None:
        community = ctx.require_community()

        async def work(session: AsyncSession) -> tuple[str, int]:
            row = await self._child(session, community.id, child)
            result = await session.execute(update(JoinCode).where(
                JoinCode.child_id == row.id, JoinCode.used_at.is_(None), JoinCode.revoked_at.is_(None))
                .values(revoked_at=ctx.now))
            await self.core.audit(session, community.id, ctx.member, "households.revoke", "child", row.id)
            return row.label, int(getattr(result, "rowcount", 0) or 0)

        label, count = await ctx.transaction(work)
        await ctx.reply(P_("{count} unused code for {child} no longer works.",
                           "{count} unused codes for {child} no longer work."), count=count, child=label)

    # ----- links ---------------------------------------------------------------------------
    @command("family link", "Link a guardian to a child directly",
             OptionSpec("child", "The child's first name or initials", required=True),
             OptionSpec("guardian", "The guardian", type=OptionType.USER, required=True),
             OptionSpec("with", "Someone the guardian lives with (same household)", type=OptionType.USER),
             OptionSpec("receives", "Messages about the child reach this guardian (default: yes)",
                        type=OptionType.BOOLEAN),
             OptionSpec("may_book", "This guardian may book conferences for the child (default: yes)",
                        type=OptionType.BOOLEAN),
             allowed=STAFF)
    async def link(self, ctx: Context, child: str, guardian: UserRef, **options: Any) -> None:
        community = ctx.require_community()
        partner: UserRef | None = options.get("with")
        receives: bool | None = options.get("receives")
        may_book: bool | None = options.get("may_book")

        async def work(session: AsyncSession) -> tuple[str, str, bool]:
            row = await self._child_or_new(session, ctx, child)
            person = await self._member(session, community.id, guardian)
            if partner is not None:
                other = await self._member(session, community.id, partner)
                await self._move(session, community.id, person, other)
            new = await self._link(session, row, person, receives=receives, may_book=may_book)
            await self.core.audit(session, community.id, ctx.member, "households.link", "child", row.id,
                                  subject_member_id=person.id)
            return row.label, person.display_name, new

        label, name, new = await ctx.transaction(work)
        if new:
            await ctx.reply("{name} is now a guardian of {child}.", name=name, child=label)
        elif receives is not None or may_book is not None:
            await ctx.reply("{name}'s link to {child} is updated.", name=name, child=label)
        else:
            await ctx.reply("{name} was already a guardian of {child}.", name=name, child=label)
        if receives is False:
            await ctx.reply("{name} receives nothing about {child}.", name=name, child=label)
        if may_book is False:
            await ctx.reply("{name} may not book conferences for {child}.", name=name, child=label)

    async def _move(self, session: AsyncSession, community_id: int, person: Member, other: Member) -> None:
        """Put ``person`` in ``other``'s household (a household left empty is removed)."""
        if person.id == other.id:
            return
        home = await self._household_of(session, community_id, other.id)
        current = await session.get(HouseholdMember, person.id)
        if current is None:
            session.add(HouseholdMember(member_id=person.id, household_id=home))
            return
        previous, current.household_id = current.household_id, home
        await session.flush()
        await self._drop_empty_household(session, previous)

    @staticmethod
    async def _drop_empty_household(session: AsyncSession, household_id: int) -> None:
        left = await session.scalar(select(func.count()).select_from(HouseholdMember).where(
            HouseholdMember.household_id == household_id))
        if not left:
            await session.execute(delete(Household).where(Household.id == household_id))

    @command("family household", "Say that a guardian lives with another (one household)",
             OptionSpec("guardian", "The guardian", type=OptionType.USER, required=True),
             OptionSpec("with", "Who they live with", type=OptionType.USER, required=True), allowed=STAFF)
    async def household(self, ctx: Context, guardian: UserRef, **options: Any) -> None:
        community = ctx.require_community()
        partner: UserRef = options["with"]

        async def work(session: AsyncSession) -> tuple[str, str]:
            person = await self._member(session, community.id, guardian)
            other = await self._member(session, community.id, partner)
            await self._move(session, community.id, person, other)
            await self.core.audit(session, community.id, ctx.member, "households.household", "member", other.id,
                                  subject_member_id=person.id)
            return person.display_name, other.display_name

        name, other = await ctx.transaction(work)
        await ctx.reply("{name} and {other} are one household now.", name=name, other=other)

    @command("family unlink", "Remove a guardian from a child",
             OptionSpec("child", "The child's first name or initials", required=True),
             OptionSpec("guardian", "The guardian", type=OptionType.USER, required=True), allowed=STAFF)
    async def unlink(self, ctx: Context, child: str, guardian: UserRef) -> None:
        community = ctx.require_community()

        async def work(session: AsyncSession) -> tuple[str, str, int]:
            row = await self._child(session, community.id, child)
            person = await self._member(session, community.id, guardian)
            result = await session.execute(delete(GuardianLink).where(GuardianLink.child_id == row.id,
                                                                      GuardianLink.member_id == person.id))
            await self.core.audit(session, community.id, ctx.member, "households.unlink", "child", row.id,
                                  subject_member_id=person.id)
            return row.label, person.display_name, int(getattr(result, "rowcount", 0) or 0)

        label, name, removed = await ctx.transaction(work)
        if removed:
            await ctx.reply("{name} is no longer a guardian of {child}.", name=name, child=label)
        else:
            await ctx.reply("{name} was not a guardian of {child}.", name=name, child=label)

    @command("family list", "Children and their guardians (staff only)", allowed=STAFF)
    async def list_families(self, ctx: Context) -> None:
        community = ctx.require_community()
        admin = ctx.has_role(Role.ADMIN)
        async with self.core.db.write() as session:
            children = list((await session.scalars(select(Child).where(Child.community_id == community.id)
                                                   .order_by(Child.label))).all())
            links = (await session.execute(
                select(GuardianLink, Member, HouseholdMember.household_id)
                .join(Member, Member.id == GuardianLink.member_id)
                .outerjoin(HouseholdMember, HouseholdMember.member_id == Member.id)
                .where(GuardianLink.child_id.in_([c.id for c in children] or [0])).order_by(GuardianLink.id))).all()
            await self.core.audit(session, community.id, ctx.member, "households.list", "children", community.id)
        if not children:
            await ctx.reply("No children are linked yet. Start with /family invite child:\"Sam\".")
            return
        lines = [await ctx.t("Children and guardians ({count}):", count=len(children))]
        for child in children:
            people = []
            for link, member, household in links:
                if link.child_id != child.id:
                    continue
                lang = self.core.language_of(member, community)
                note = f"{member.display_name} ({lang}, " + await ctx.t("household {n}", n=household or "?") + ")"
                if link.restricted:
                    note += " ⚠ " + await ctx.t("restricted")
                    if admin and link.restriction_reason:
                        note += f": {link.restriction_reason}"
                if not link.receives:
                    note += " — " + await ctx.t("receives nothing")
                if not link.may_book:
                    note += " — " + await ctx.t("may not book conferences")
                people.append(note)
            lines.append(f"{child.label}: " + (", ".join(people) or await ctx.t("no guardian yet")))
        await ctx.reply_message(Message(text="\n".join(lines)))

    # ----- restrictions --------------------------------------------------------------------
    @command("family restrict", "Admins: a guardian receives nothing about a child (audited)",
             OptionSpec("child", "The child's first name or initials", required=True),
             OptionSpec("guardian", "The guardian", type=OptionType.USER, required=True),
             OptionSpec("reason", "Why (only admins see it), e.g. the order's reference", long=True),
             OptionSpec("class_wide", "Still receive class-wide announcements (default yes)",
                        type=OptionType.BOOLEAN),
             OptionSpec("lift", "Lift the restriction", type=OptionType.BOOLEAN),
             allowed=ADMINS)
    async def restrict(self, ctx: Context, child: str, guardian: UserRef, reason: str | None = None,
                       class_wide: bool = True, lift: bool = False) -> None:
        community = ctx.require_community()
        if not lift and not (reason or "").strip():
            raise UserError("Please give a reason after reason: (only admins see it).")

        async def work(session: AsyncSession) -> tuple[str, str]:
            row = await self._child(session, community.id, child)
            person = await self._member(session, community.id, guardian)
            link = await session.scalar(select(GuardianLink).where(GuardianLink.child_id == row.id,
                                                                   GuardianLink.member_id == person.id))
            if link is None:
                if lift:
                    raise UserError("{name} is not a guardian of {child}.", name=person.display_name,
                                    child=row.label)
                await self._household_of(session, community.id, person.id)
                link = GuardianLink(child_id=row.id, member_id=person.id, created_at=ctx.now)
                session.add(link)
            link.restricted = not lift
            link.restriction_reason = None if lift else (reason or "").strip()
            link.class_wide = True if lift else bool(class_wide)
            await self.core.audit(session, community.id, ctx.member,
                                  "households.unrestrict" if lift else "households.restrict", "child", row.id,
                                  subject_member_id=person.id)
            return row.label, person.display_name

        label, name = await ctx.transaction(work)
        if lift:
            await ctx.reply("{name} receives messages about {child} again.", name=name, child=label)
        elif class_wide:
            await ctx.reply("{name} will receive nothing about {child}; class-wide announcements still reach them. "
                            "This was recorded in the audit trail.", name=name, child=label)
        else:
            await ctx.reply("{name} will receive nothing about {child}, and no class-wide announcements. This was "
                            "recorded in the audit trail.", name=name, child=label)

    # ----- audit -----------------------------------------------------------------------------
    @command("audit", "Admins: who read, answered, exported, erased or restricted what",
             OptionSpec("action", "Only this kind, e.g. relay.answer or households.restrict"),
             OptionSpec("user", "Only what this person did", type=OptionType.USER),
             allowed=ADMINS)
    async def audit_trail(self, ctx: Context, action: str | None = None, user: UserRef | None = None) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        query = select(AuditEntry, Member.display_name).outerjoin(
            Member, Member.id == AuditEntry.actor_member_id).where(AuditEntry.community_id == community.id)
        if action:
            query = query.where(AuditEntry.action.startswith(action.strip(), autoescape=True))
        async with self.core.db.write() as session:
            if user is not None:
                actor = await self._member(session, community.id, user)
                query = query.where(AuditEntry.actor_member_id == actor.id)
            rows = (await session.execute(query.order_by(AuditEntry.id.desc()).limit(AUDIT_LIMIT))).all()
            await self.core.audit(session, community.id, member, "audit.read", "audit", action or "")
        if not rows:
            await ctx.reply("Nothing in the audit trail matches.")
            return
        zone = self.core.zone_of(member, community)
        lines = [await ctx.t("Audit trail (newest first):")]
        for entry, name in rows:
            who = name or entry.actor_label or "system"
            lines.append(f"{format_when(entry.at, ctx.language, zone)} — {who} — {entry.action} "
                         f"{entry.subject_type} {entry.subject_id}".rstrip())
        await ctx.reply_message(Message(text="\n".join(lines)))

    # ----- privacy -------------------------------------------------------------------------
    async def purge_expired(self, session: AsyncSession, cutoffs: dict[str, datetime]) -> dict[str, int]:
        """Failed join attempts only matter for the hour's rate limit: a day is plenty."""
        result = await session.execute(delete(JoinAttempt).where(
            JoinAttempt.at < self.core.clock.now() - ATTEMPTS_KEPT))
        return {"join_attempts": int(getattr(result, "rowcount", 0) or 0)}

    async def count_expired(self, session: AsyncSession, cutoffs: dict[str, datetime]) -> dict[str, int]:
        count = await session.scalar(select(func.count()).select_from(JoinAttempt).where(
            JoinAttempt.at < self.core.clock.now() - ATTEMPTS_KEPT))
        return {"join_attempts": int(count or 0)}

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = (await session.execute(select(GuardianLink, Child.label).join(Child, Child.id == GuardianLink.child_id)
                                      .where(GuardianLink.member_id == member.id))).all()
        home = await session.get(HouseholdMember, member.id)
        created = (await session.scalars(select(Child.label).where(Child.teacher_member_id == member.id))).all()
        return {"children": [{"child": label, "receives": link.receives, "may_book": link.may_book,
                              "restricted": link.restricted, "since": link.created_at.isoformat()}
                             for link, label in rows],
                "household": home.household_id if home else None,
                "children_added": list(created)} if rows or home or created else {}

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        """The guardian's links and household place go; a child left with no guardian and
        no teacher is erased with its codes."""
        children = set((await session.scalars(select(GuardianLink.child_id).where(
            GuardianLink.member_id == member.id))).all())
        children |= set((await session.scalars(select(Child.id).where(Child.teacher_member_id == member.id))).all())
        await session.execute(delete(GuardianLink).where(GuardianLink.member_id == member.id))
        await session.execute(delete(JoinAttempt).where(JoinAttempt.member_id == member.id))
        await session.execute(update(JoinCode).where(JoinCode.created_by_member_id == member.id)
                              .values(created_by_member_id=None))
        await session.execute(update(JoinCode).where(JoinCode.used_by_member_id == member.id)
                              .values(used_by_member_id=None))
        await session.execute(update(Child).where(Child.teacher_member_id == member.id).values(teacher_member_id=None))
        home = await session.get(HouseholdMember, member.id)
        if home is not None:
            household = home.household_id
            await session.delete(home)
            await session.flush()
            await self._drop_empty_household(session, household)
        for child_id in sorted(children):
            child = await session.get(Child, child_id)
            guardians = await session.scalar(select(func.count()).select_from(GuardianLink).where(
                GuardianLink.child_id == child_id))
            if child is not None and child.teacher_member_id is None and not guardians:
                await session.delete(child)
