"""People hold a set of roles: what the platform says (kept current) and what /role gave
(kept apart), and every look-up of "who is a teacher / a family" reads both."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from adapters.console import ScriptError, console_session
from bot.api.cog import Cog, command, listener
from bot.api.events import Actor, CommandInvoked, DirectMessage
from bot.api.refs import ChannelRef, CommunityRef, InteractionRef, MessageRef, UserRef
from bot.api.roles import STAFF, Role
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.db.members import members_with_role
from bot.db.models import Member
from bot.runtime.core import Context, Core
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.core.recording import RecordingOutbound

START = datetime(2026, 9, 7, 12, 0, tzinfo=UTC)
COMMUNITY = CommunityRef("test", "school")
ADMIN_ONLY = frozenset({Role.ADMIN})


class RolesCog(Cog):
    name = "roles-probe"

    def __init__(self, core: Core) -> None:
        super().__init__(core)
        self.dm_roles: list[frozenset[Role]] = []

    @command("admin-only", "Admins only", allowed=ADMIN_ONLY)
    async def admin_only(self, ctx: Context) -> None:
        await ctx.reply("Hello admin.")

    @command("staff-only", "Teachers only", allowed=STAFF)
    async def staff_only(self, ctx: Context) -> None:
        await ctx.reply("Hello staff.")

    @listener(DirectMessage)
    async def on_dm(self, ctx: Context, event: DirectMessage) -> None:
        self.dm_roles.append(ctx.roles)


def make_core(db: Database) -> tuple[Core, RolesCog, RecordingOutbound]:
    core = build_core(Config(), secrets=Secrets(), db=db, clock=ManualClock(START), translator=FakeTranslator(),
                      cogs=())
    cog = RolesCog(core)
    core.add_cog(cog)
    outbound = RecordingOutbound()
    core.add_adapter(outbound)
    return core, cog, outbound


def invoke(name: str, key: str, roles: frozenset[Role], user: str = "pat") -> CommandInvoked:
    channel = ChannelRef("test", "general", COMMUNITY)
    return CommandInvoked(key=key, actor=Actor(user=UserRef("test", user), display_name=user, platform_roles=roles),
                          community=COMMUNITY, name=name, channel=channel,
                          interaction=InteractionRef("test", key, token=user, channel=channel))


def direct_message(key: str, user: str = "pat") -> DirectMessage:
    channel = ChannelRef("test", "dm", None, is_dm=True)
    return DirectMessage(key=key, actor=Actor(user=UserRef("test", user), display_name=user, roles_known=False),
                         community=None, text="hello", message=MessageRef(channel, key))


async def stored(db: Database, user: str) -> Member:
    async with db.read() as session:
        member = await session.scalar(select(Member).where(Member.user_id == user))
    assert member is not None
    return member


async def test_a_member_keeps_every_role_the_platform_gives(db: Database) -> None:
    core, _, outbound = make_core(db)
    await core.dispatch(invoke("staff-only", "k1", frozenset({Role.TEACHER, Role.ADMIN})))
    assert (await stored(db, "pat")).platform_roles == {Role.TEACHER, Role.ADMIN}
    assert outbound.private[-1][1].text == "Hello staff."


async def test_a_member_whose_platform_admin_role_was_removed_loses_admin_on_their_next_event(db: Database) -> None:
    core, _, outbound = make_core(db)
    await core.dispatch(invoke("admin-only", "k1", frozenset({Role.ADMIN})))
    assert outbound.private[-1][1].text == "Hello admin."
    await core.dispatch(invoke("admin-only", "k2", frozenset()))
    assert "only for admin" in outbound.private[-1][1].text
    assert (await stored(db, "pat")).roles == {Role.FAMILY}


async def test_a_direct_message_does_not_clear_platform_roles(db: Database) -> None:
    core, cog, _ = make_core(db)
    await core.dispatch(invoke("staff-only", "k1", frozenset({Role.TEACHER, Role.ADMIN})))
    await core.dispatch(direct_message("dm1"))
    assert cog.dm_roles == [{Role.TEACHER, Role.ADMIN}]
    assert (await stored(db, "pat")).platform_roles == {Role.TEACHER, Role.ADMIN}


async def test_roles_given_with_role_survive_a_platform_refresh(db: Database) -> None:
    async with console_session(db, cogs=("cogs.profile",)) as s:
        await s.run("as Lee role=committee\nas Pat role=admin\n/role user:Lee role:teacher\nas Lee role=family")
        lee = await stored(db, "u-lee")
        assert (lee.granted_roles, lee.platform_roles) == ({Role.TEACHER}, frozenset())
        await s.run("/role user:Pat role:committee")
    assert s.last("only Lee sees").text == "Pat is now admin and committee."


async def test_role_family_takes_away_only_the_roles_given_here(db: Database) -> None:
    async with console_session(db, cogs=("cogs.profile",)) as s:
        await s.run("as Lee role=teacher\nas Pat role=admin\n/role user:Lee role:admin\n/role user:Lee role:family")
    lee = await stored(db, "u-lee")
    assert (lee.granted_roles, lee.platform_roles) == (frozenset(), {Role.TEACHER})
    assert s.last("only Pat sees").text == "Lee is now teacher."


async def test_a_role_can_be_taken_away_on_its_own(db: Database) -> None:
    async with console_session(db, cogs=("cogs.profile",)) as s:
        await s.run("as Lee\nas Pat role=admin\n/role user:Lee role:committee\n/role user:Lee role:teacher\n"
                    "/role user:Lee role:committee remove:true")
    assert (await stored(db, "u-lee")).granted_roles == {Role.TEACHER}
    assert s.last("only Pat sees").text == "Lee is now teacher."


async def test_a_role_the_platform_gives_cannot_be_taken_away_here(db: Database) -> None:
    async with console_session(db, cogs=("cogs.profile",)) as s:
        await s.run("as Lee role=teacher\nas Pat role=admin\n/role user:Lee role:teacher remove:true")
    assert (await stored(db, "u-lee")).platform_roles == {Role.TEACHER}
    assert s.last("only Pat sees").text == "Lee is teacher through the platform's own roles; change it there."


async def test_the_console_accepts_several_roles(db: Database) -> None:
    async with console_session(db, cogs=("cogs.profile",)) as s:
        await s.run("as Ms Rivera role=teacher,admin")
    assert (await stored(db, "u-ms-rivera")).platform_roles == {Role.TEACHER, Role.ADMIN}


async def test_the_console_refuses_an_unknown_role_among_several(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, cogs=("cogs.profile",)) as s:
        with pytest.raises(ScriptError, match="unknown role 'wizard'"):
            await s.run("as Ms Rivera role=teacher,wizard")


async def test_teachers_are_found_by_platform_and_by_granted_role(db: Database) -> None:
    core, _, _ = make_core(db)
    community = await core.ensure_community(COMMUNITY)
    owner = await core.ensure_member(community, Actor(user=UserRef("test", "owner"),
                                                      platform_roles=frozenset({Role.ADMIN, Role.TEACHER})))
    granted = await core.ensure_member(community, Actor(user=UserRef("test", "granted")))
    await core.ensure_member(community, Actor(user=UserRef("test", "admin"), platform_roles=frozenset({Role.ADMIN})))
    async with db.write() as session:
        row = await session.get(Member, granted.id)
        assert row is not None
        row.granted_roles = frozenset({Role.TEACHER})
    async with db.read() as session:
        teachers = await members_with_role(session, community.id, Role.TEACHER)
    assert [m.user_id for m in teachers] == [owner.user_id, granted.user_id]


async def test_families_are_those_who_hold_no_other_role(db: Database) -> None:
    core, _, _ = make_core(db)
    community = await core.ensure_community(COMMUNITY)
    await core.ensure_member(community, Actor(user=UserRef("test", "owner"),
                                              platform_roles=frozenset({Role.ADMIN, Role.TEACHER})))
    await core.ensure_member(community, Actor(user=UserRef("test", "chair"),
                                              platform_roles=frozenset({Role.COMMITTEE})))
    ana = await core.ensure_member(community, Actor(user=UserRef("test", "ana"),
                                                    platform_roles=frozenset({Role.FAMILY})))
    async with db.read() as session:
        families = await members_with_role(session, community.id, Role.FAMILY)
    assert [m.user_id for m in families] == [ana.user_id]


async def test_an_announcement_is_not_for_a_teacher_who_is_also_an_admin(db: Database) -> None:
    async with console_session(db, cogs=("cogs.profile", "cogs.announcements")) as s:
        await s.run('as Maria\nas Ms Rivera role=teacher,admin\n/announce text:"Picture day"\n/announcement status')
    assert "seen: 0 of 1 family" in s.last("only Ms Rivera sees").text
