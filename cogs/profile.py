"""Each member's own settings — language, time zone, quiet hours — plus roles and /help.

Families choose the language they read in ("español", "Spanish" and "es" all work) and may
say which language they write in when detection would guess wrong.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy.ext.asyncio import AsyncSession

from bot.api import preferences
from bot.api.cog import Cog, command
from bot.api.command_names import menu_names
from bot.api.commands import Choice, OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.messages import Message
from bot.api.refs import UserRef
from bot.api.roles import RANK, ROLE_NAMES, STAFF, Role
from bot.api.services import Services
from bot.db.models import Community, Member
from bot.delivery import Content, Phrase, Reach, Words
from bot.i18n import N_, format_list, languages
from bot.translation.offered import can_translate_into, offered_codes

#: loads before features with a higher number (see bot/app.py)
LOAD_ORDER = 10

MSG_ROLE_GIVEN = N_("{name} gave you the {role} role in Homeroom. Your roles now: {roles}.")
MSG_ROLE_REMOVED = N_("{name} took away your {role} role in Homeroom. Your roles now: {roles}.")
MSG_ROLES_CLEARED = N_("{name} took away the roles you were given in Homeroom. Your roles now: {roles}.")


@cache
def _zones_by_city() -> dict[str, str]:
    index: dict[str, str] = {}
    for zone in available_timezones():
        if "/" not in zone or zone.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            continue
        city = zone.rsplit("/", 1)[1].replace("_", " ").lower()
        index.setdefault(city, zone)
    return index


def find_zone(text: str) -> str | None:
    """An IANA zone from "America/Chicago", "chicago", "Los Angeles" or "UTC"."""
    cleaned = text.strip()
    if not cleaned:
        return None
    for candidate in (cleaned, cleaned.replace(" ", "_")):
        if candidate in available_timezones():
            return candidate
    lowered = {zone.lower(): zone for zone in available_timezones()}
    if cleaned.lower().replace(" ", "_") in lowered:
        return lowered[cleaned.lower().replace(" ", "_")]
    return _zones_by_city().get(cleaned.lower())


_CLOCK = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*$", re.IGNORECASE)


def parse_clock_text(text: str) -> str | None:
    """"21:00", "9pm", "7:30am" → "HH:MM"; None when unreadable."""
    match = _CLOCK.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower().replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def parse_quiet_hours(text: str) -> str | None:
    """"21:00-07:00", "9pm-7am" or "off" → canonical form; None when unreadable."""
    cleaned = text.strip().lower()
    if cleaned in ("off", "none", "no"):
        return preferences.QUIET_OFF
    parts = re.split(r"\s*(?:-|–|to)\s*", cleaned)
    if len(parts) != 2:
        return None
    start, end = parse_clock_text(parts[0]), parse_clock_text(parts[1])
    if start is None or end is None or start == end:
        return None
    return f"{start}-{end}"


class ProfileCog(Cog):
    name = "profile"
    personal_data_models = (Member,)

    @command("language", "Choose the language you read (and optionally write) in",
             OptionSpec("name", "A language: español, Spanish, es, 中文, Tiếng Việt... (none: show yours)",
                        autocomplete="languages"),
             OptionSpec("writes", "The language you write in, if different", autocomplete="languages"))
    async def language(self, ctx: Context, name: str | None = None, writes: str | None = None) -> None:
        member = ctx.require_member()
        if not name and not writes:
            await self._show_language(ctx, member)
            return
        name = name or ctx.language
        chosen = languages.lookup(name)
        if chosen is None:
            raise UserError("I don't know the language \"{name}\". Did you mean: {suggestions}?",
                            name=name, suggestions=self._suggestions(name))
        changes: dict[str, Any] = {"language": chosen.code}
        if writes:
            writes_lang = languages.lookup(writes)
            if writes_lang is None:
                raise UserError("I don't know the language \"{name}\". Did you mean: {suggestions}?",
                                name=writes, suggestions=self._suggestions(writes))
            changes["writes_in"] = writes_lang.code
        async with ctx.write() as session:
            row = await session.get(Member, member.id)
            assert row is not None
            for field, value in changes.items():
                setattr(row, field, value)
        ctx.language = chosen.code
        done = await ctx.t("Done! I will write to you in {language}.", language=chosen.native)
        warning = await self._untranslatable(ctx, chosen)
        await ctx.reply_message(Message(text=f"{done}\n{warning}" if warning else done))

    async def _untranslatable(self, ctx: Context, chosen: languages.Language) -> str | None:
        """A note, in the chosen language, when the translation provider cannot translate into
        it (people's words then arrive as written), with the closest languages it offers."""
        if chosen.code == "en":
            return None
        offered = await offered_codes(self.core.config.translation, self.core.secrets)
        if offered is None or can_translate_into(chosen.code, offered):
            return None
        close = [lang for lang in languages.suggest(chosen.english)
                 if lang.code != chosen.code and can_translate_into(lang.code, offered)]
        if not close:
            return await ctx.t("Note: the translation service here cannot translate into {language}, so what "
                               "teachers and other families write will reach you as they wrote it.",
                               language=chosen.native)
        return await ctx.t("Note: the translation service here cannot translate into {language}, so what "
                           "teachers and other families write will reach you as they wrote it. Languages close to "
                           "it that it can translate into: {suggestions}.", language=chosen.native,
                           suggestions=", ".join(lang.label() for lang in close[:3]))

    @staticmethod
    async def _show_language(ctx: Context, member: Member) -> None:
        """The setting itself, for a command given no value: what it is and how to change it."""
        reads = languages.lookup(ctx.language)
        shown = reads.native if reads else ctx.language
        written = languages.lookup(member.writes_in) if member.writes_in else None
        if written is not None and written.code != ctx.language:
            await ctx.reply("I write to you in {language}, and you write in {writes}. To change it: "
                            "/language español (or any language).", language=shown, writes=written.native)
        else:
            await ctx.reply("I write to you in {language}. To change it: /language español (or any language).",
                            language=shown)

    @staticmethod
    def _suggestions(text: str) -> str:
        found = languages.suggest(text) or [lang for lang in languages.all_languages()
                                            if lang.code in ("es", "zh-CN", "vi", "ar", "fr")]
        return ", ".join(lang.label() for lang in found[:5])

    @command("timezone", "Set your time zone (a city or a zone such as America/Chicago)",
             OptionSpec("zone", "A city or IANA zone (none: show yours)"))
    async def timezone(self, ctx: Context, zone: str | None = None) -> None:
        member = ctx.require_member()
        if not zone:
            current = self.core.zone_of(member, ctx.community)
            await ctx.reply("Your time zone is {zone} (it is {time} there). To change it: /timezone Chicago "
                            "(or a big city near you).", zone=current.key,
                            time=ctx.now.astimezone(current).strftime("%H:%M"))
            return
        found = find_zone(zone)
        if found is None:
            raise UserError("I don't know the time zone \"{zone}\". Try a big city near you (\"Chicago\") "
                            "or a zone like America/Chicago.", zone=zone)
        async with ctx.write() as session:
            row = await session.get(Member, member.id)
            assert row is not None
            row.timezone = found
        local = ctx.now.astimezone(ZoneInfo(found))
        await ctx.reply("Your time zone is now {zone} (it is {time} there).", zone=found,
                        time=local.strftime("%H:%M"))

    @command("quiet-hours", "Hours when I should not send you direct messages",
             OptionSpec("hours", "From-to, e.g. 21:00-07:00 or 9pm-7am, or off (none: show yours)"))
    async def quiet_hours(self, ctx: Context, hours: str | None = None) -> None:
        member = ctx.require_member()
        if not hours:
            current = self.core.quiet_hours_of(member)
            if not current or current == preferences.QUIET_OFF or "-" not in current:
                await ctx.reply("Quiet hours are off: messages reach you at any time. To set them: "
                                "/quiet-hours 21:00-07:00.")
            else:
                start, end = current.split("-", 1)
                await ctx.reply("Your quiet hours: no direct messages from {start} to {end}, except urgent ones. "
                                "To change them: /quiet-hours 21:00-07:00, or /quiet-hours off.",
                                start=start, end=end)
            return
        parsed = parse_quiet_hours(hours)
        if parsed is None:
            raise UserError("Please write quiet hours as from-to, for example 21:00-07:00 or 9pm-7am, "
                            "or \"off\".")
        await preferences.keep(ctx, quiet_hours=parsed)
        await ctx.reply_message(Message(text=await preferences.quiet_hours_set(ctx, parsed)))

    @command("role", "Give a member a role, or take one away (teachers and admins only)",
             OptionSpec("user", "The member", type=OptionType.USER, required=True),
             OptionSpec("role", "family, committee, teacher or admin", required=True,
                        choices=tuple(Choice(r.value, r.value) for r in Role)),
             OptionSpec("remove", "Take this role away instead of giving it", type=OptionType.BOOLEAN),
             allowed=STAFF)
    async def role(self, ctx: Context, user: UserRef, role: str, remove: bool = False) -> None:
        """Roles given here add to what the platform gives (a member holds a set); "family"
        takes away every role given here. Roles the platform gives are changed there."""
        community = ctx.require_community()
        new_role = Role(role)
        if new_role == Role.ADMIN and not ctx.has_role(Role.ADMIN):
            raise UserError("Only an admin can make someone an admin.")
        info = await ctx.outbound.lookup_member(self.core.community_ref(community), user)
        if info is None:
            raise UserError("I can't find {who} in this community.", who=user.id)
        target = await self.core.ensure_member_from(community, user, info)
        if remove and new_role in target.platform_roles:
            raise UserError("{name} is {role} through the platform's own roles; change it there.",
                            name=info.display_name, role=new_role.value)
        async with ctx.write() as session:
            row = await session.get(Member, target.id)
            assert row is not None
            before = row.granted_roles
            if new_role == Role.FAMILY:
                row.granted_roles = frozenset()
            elif remove:
                row.granted_roles = row.granted_roles - {new_role}
            else:
                row.granted_roles = row.granted_roles | {new_role}
            held, changed = row.roles, row.granted_roles != before
            await self.core.audit(session, community.id, ctx.member, "role.remove" if remove else "role.set",
                                  "member", target.id, subject_member_id=target.id)
            if changed and row.id != ctx.require_member().id:
                await self._tell_role_change(session, community, row, ctx, new_role, remove=remove)
        names = [await ctx.t(msgid) for msgid in role_words(held)]
        await ctx.reply("{name} is now {role}.", name=info.display_name, role=format_list(names, ctx.language))

    async def _tell_role_change(self, session: AsyncSession, community: Community, target: Member, ctx: Context,
                                role: Role, *, remove: bool) -> None:
        """The member hears of it, in their language, through the delivery service (once per
        command: the event's key is the cause), so nobody discovers a new or lost role by
        surprise."""
        by = ctx.require_member()
        if role == Role.FAMILY:
            msgid = MSG_ROLES_CLEARED
        else:
            msgid = MSG_ROLE_REMOVED if remove else MSG_ROLE_GIVEN
        await self.core.deliveries.enqueue(
            session, community, [target], topic="profile.role", subject=f"member:{target.id}:roles",
            cause=f"role:{ctx.event.key}", reach=Reach.PERSONAL, sender=by,
            content=Content(body=Phrase.of(msgid, name=by.display_name or "?", role=Words((ROLE_NAMES[role],)),
                                           roles=Words(role_words(target.roles)))))

    @command("help", "What I can do for you")
    async def help(self, ctx: Context) -> None:
        """Each command as this reader's menu names it (Discord shows names in the client's
        language where a catalog has them; elsewhere the English name is what one types)."""
        lines = [await ctx.t("Here is what you can use:")]
        menu = ctx.event.actor.menu_language
        shown = menu_names(self.core.i18n, menu, self.core.commands) if menu else {}
        for spec in self.core.commands_for(ctx.roles):
            description = await ctx.t(spec.description)
            lines.append(f"/{shown.get(spec.name, spec.name)} — {description}")
        await ctx.reply_message(Message(text="\n".join(lines)))

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        return {
            "user_id": member.user_id, "display_name": member.display_name,
            "roles": describe_roles(member.roles),
            "roles_from_the_platform": sorted(r.value for r in member.platform_roles),
            "roles_given_here": sorted(r.value for r in member.granted_roles),
            "language": member.language, "writes_in": member.writes_in, "timezone": member.timezone,
            "quiet_hours": member.quiet_hours, "delivery": member.delivery,
            "direct_messages_closed": member.dms_closed,
            "joined_at": member.joined_at.isoformat() if member.joined_at else None,
        }


def role_words(roles: frozenset[Role]) -> tuple[str, ...]:
    """The catalog names of a member's roles, most capable first (read in the reader's
    language: "administrador y maestro/a")."""
    return tuple(ROLE_NAMES[r] for r in sorted(roles, key=lambda r: -RANK[r]))


def describe_roles(roles: frozenset[Role]) -> str:
    """A member's roles for people to read, most capable first ("teacher, admin" reads as
    "admin, teacher")."""
    return ", ".join(r.value for r in sorted(roles, key=lambda r: -RANK[r]))


def setup(core: Services) -> ProfileCog:
    return ProfileCog(core)
