"""Households on the console (SQLite and PostgreSQL): children counted once in announcements
whatever the number of guardians, one place per household on a sign-up, questions about a
child shared with its other guardians, join codes, restrictions and erasure. Assertions are
on what each guardian actually received."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from adapters.console import ConsoleSession, console_session
from bot.api.emoji import parse
from bot.api.events import ReactionAdded
from bot.db.engine import Database
from bot.db.models import AuditEntry, Member
from bot.runtime.privacy import PrivacyService
from cogs.households.models import Child, GuardianLink, JoinAttempt, JoinCode
from cogs.signups.models import Claim

TEACHER = "as Ms Lee role=teacher,admin tz=America/New_York"
MARIA = "as Maria lang=es tz=America/New_York"
LUIS = "as Luis lang=en tz=America/New_York"
PAT = "as Pat lang=fr tz=America/New_York"
ANA = "as Ana tz=America/New_York"


async def class_with_sam(s: ConsoleSession, *extra: str) -> None:
    """Ms Lee's class: Sam with Maria (es) and Luis (en) in two homes, and Ana, linked to no child."""
    await s.run("\n".join([TEACHER, "/help", MARIA, "/help", LUIS, "/help", ANA, "/help", PAT, "/help", TEACHER,
                           "/family link child:Sam guardian:Maria", "/family link child:Sam guardian:Luis", *extra]))


def texts(s: ConsoleSession, where: str) -> list[str]:
    return [e.text for e in s.find(where)]


async def invite_code(s: ConsoleSession, child: str = "Sam") -> str:
    await s.run(f"{TEACHER}\n/family invite child:{child}")
    reply = next(e.text for e in reversed(s.entries) if e.text.startswith(f"Join code for {child}:"))
    return reply.split(": ", 1)[1].split(" ", 1)[0]


# ----- announcements ----------------------------------------------------------------------
async def test_status_counts_a_child_with_two_co_parents_as_one_family(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        await s.run(f'{TEACHER}\n/announce text:"Picture day on Monday"')
        post = s.last("#announcements")
        await s.run(f"{LUIS}\nclick #{post.number} Got it\n{TEACHER}\n/announcement status")
    status = s.last("only Ms Lee").text
    assert "seen: 1 of 3 families" in status  # Sam (two guardians), Ana, Pat
    assert "Not seen yet: Ana, Pat" in status
    assert "Seen: Sam (Luis)" in status


async def test_each_guardian_receives_the_announcement_in_their_own_language(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        await s.run(f"{MARIA}\n/delivery mode:dm\n{LUIS}\n/delivery mode:dm\n{TEACHER}\n"
                    '/announce text:"Picture day on Monday"')
    assert [t.splitlines()[1] for t in texts(s, "DM → Maria")[-1:]] == ["[es] Picture day on Monday"]
    assert [t.splitlines()[1] for t in texts(s, "DM → Luis")[-1:]] == ["Picture day on Monday"]


async def test_guardian_restricted_without_class_wide_news_gets_no_announcement(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s, "/family restrict child:Sam guardian:Pat reason:\"order 7\" class_wide:false")
        await s.run(f"{PAT}\n/delivery mode:dm\n{ANA}\n/delivery mode:dm\n{TEACHER}\n/announce text:\"Fair\"")
    assert not [t for t in texts(s, "DM → Pat") if "Fair" in t]
    assert [t for t in texts(s, "DM → Ana") if "Fair" in t]


async def test_guardian_restricted_with_class_wide_news_still_gets_announcements(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s, "/family restrict child:Sam guardian:Pat reason:\"order 7\" class_wide:true")
        await s.run(f"{PAT}\n/delivery mode:dm\n{TEACHER}\n/announce text:\"Fair\"")
    assert [t for t in texts(s, "DM → Pat") if "Fair" in t]


# ----- sign-ups ---------------------------------------------------------------------------
async def test_co_parents_of_one_household_claiming_at_once_get_one_place(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s, "/family household guardian:Luis with:Maria",
                             '/signup create title:"Zoo" slots:"🚌 Driver x3; 🍪 Baker x3"')
        card, community = s.last("#general").ref, s.console.community
        people = {name: s.console.actor(s.console.person_named(name)) for name in ("Maria", "Luis")}
        await asyncio.gather(*(s.core.dispatch(ReactionAdded(  # type: ignore[arg-type]
            key=f"co-{name}", actor=actor, community=community, message=card, emoji=parse(emoji)))
            for (name, actor), emoji in zip(people.items(), ("🚌", "🍪"), strict=True)))
        await s.core.settle()
        async with db.read() as session:
            places = (await session.scalar(select(func.count()).select_from(Claim)))
    assert places == 1
    told = texts(s, "DM → Maria") + texts(s, "DM → Luis")
    assert len([t for t in told if "signed up for" in t]) == 1
    assert len([t for t in told if "Someone in your family already holds a place" in t]) == 1


async def test_co_parents_in_two_households_each_get_a_place(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s, '/signup create title:"Zoo" slots:"🚌 Driver x3"')
        card = s.last("#general")
        await s.run(f"{MARIA}\nreact #{card.number} 🚌\n{LUIS}\nreact #{card.number} 🚌")
    assert texts(s, "DM → Maria")[-1].startswith("[es] You're signed up")
    assert texts(s, "DM → Luis")[-1].startswith("You're signed up")


async def test_staff_roster_names_the_child_of_each_volunteer(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s, '/signup create title:"Zoo" slots:"🚌 Driver x3"')
        card = s.last("#general")
        await s.run(f"{LUIS}\nreact #{card.number} 🚌\n{ANA}\nreact #{card.number} 🚌\n{TEACHER}\n/signup roster id:1")
    roster = s.last("DM → Ms Lee").message.attachments[0].content.decode("utf-8").splitlines()
    assert roster[0] == "name,slot,status,signed_up_at,family"
    assert [line.split(",")[-1] for line in roster[1:]] == ["Sam", ""]


# ----- relay ------------------------------------------------------------------------------
async def test_teacher_sees_which_child_a_question_is_about(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        await s.run(f"{MARIA}\ndm ¿Sam puede salir temprano?")
    assert s.last("DM → Ms Lee").text.startswith("**Question #1 from Maria about Sam**")


async def test_a_shared_question_reaches_the_other_guardian_in_their_language_but_not_a_restricted_one(
        db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s, "/family link child:Sam guardian:Pat",
                             "/family restrict child:Sam guardian:Pat reason:\"order 7\"")
        await s.run(f"{MARIA}\ndm ¿Sam puede salir temprano?\n{TEACHER}\n/reply id:1 text:\"Yes, at 2pm.\"")
        answer = s.last("DM → Maria")
        assert "[es] Share with the child's other guardians" in [b.label for b in answer.message.buttons]
        await s.run(f"{MARIA}\nclick #{answer.number} [es] Share with the child's other guardians\n"
                    f"{TEACHER}\n/reply id:1 text:\"And bring a coat.\"")
    luis = texts(s, "DM → Luis")
    assert luis[0].startswith("**Maria shared a question about Sam with you**\n[en] ¿Sam puede salir temprano?")
    assert luis[1].startswith("**Answer from Ms Lee about Sam**\nYes, at 2pm.")
    assert luis[2].startswith("**Answer from Ms Lee about Sam**\nAnd bring a coat.")
    assert not [t for t in texts(s, "DM → Pat") if "Sam" in t or "2pm" in t]


async def test_answer_to_a_guardian_restricted_for_the_child_is_withheld_with_a_warning(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        await s.run(f"{LUIS}\ndm How is Sam doing?\n{TEACHER}\n"
                    "/family restrict child:Sam guardian:Luis reason:\"order 7\"\n/reply id:1 text:\"Fine.\"")
        async with db.read() as session:
            audited = (await session.scalars(select(AuditEntry.action))).all()
    assert s.last("only Ms Lee").text.startswith("Careful: an admin restricted Luis from receiving anything about Sam")
    assert not [t for t in texts(s, "DM → Luis") if "Fine." in t]
    assert "households.restrict" in audited


# ----- joining ----------------------------------------------------------------------------
async def test_a_join_code_links_the_guardian_once(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        code = await invite_code(s)
        await s.run(f"{ANA}\n/join code:{code.lower()}\n{PAT}\n/join code:{code}")
        async with db.read() as session:
            guardians = set((await session.scalars(select(Member.display_name).join(
                GuardianLink, GuardianLink.member_id == Member.id))).all())
    assert s.last("only Ana").text == ("Welcome! You are now linked to Sam. Messages about Sam will reach you in your "
                                       "language.")
    assert s.last("only Pat").text.startswith("[fr] That code does not work")
    assert guardians == {"Maria", "Luis", "Ana"}


async def test_an_expired_code_is_refused(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        code = await invite_code(s)
        s.clock.advance(timedelta(days=31))
        await s.run(f"{ANA}\n/join code:{code}")
    assert s.last("only Ana").text.startswith("That code does not work")


async def test_a_revoked_code_is_refused(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        code = await invite_code(s)
        await s.run(f"{TEACHER}\n/family revoke child:Sam\n{ANA}\n/join code:{code}")
    assert s.last("only Ana").text.startswith("That code does not work")


async def test_guessing_codes_is_stopped_after_five_failures_an_hour(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        code = await invite_code(s)
        await s.run("\n".join([ANA, *(f"/join code:WRONG-{n}" for n in range(5)), f"/join code:{code}"]))
        blocked = s.last("only Ana").text
        s.clock.advance(timedelta(minutes=61))
        await s.run(f"{ANA}\n/join code:{code}")
    assert blocked.startswith("Too many codes that did not work.")
    assert s.last("only Ana").text.startswith("Welcome! You are now linked to Sam.")


async def test_the_join_code_is_kept_only_as_a_hash(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        code = await invite_code(s)
        async with db.read() as session:
            stored = (await session.scalars(select(JoinCode.code_hash))).all()
    assert len(stored) == 1 and code.replace("-", "") not in stored[0]


async def test_a_family_member_cannot_run_staff_commands(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        await s.run(f"{ANA}\n/family list\n/family invite child:Ana\n/family restrict child:Sam guardian:Luis "
                    "reason:x")
    refusals = texts(s, "only Ana")[-3:]
    assert all("is only for" in text for text in refusals), refusals


async def test_only_admins_see_the_reason_of_a_restriction(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s, "/family restrict child:Sam guardian:Luis reason:\"order 7\"", "/family list")
        admin_view = s.last("only Ms Lee").text
        await s.run("as Mr Kim role=teacher\n/family list")
    assert "⚠ restricted: order 7" in admin_view
    assert "⚠ restricted" in s.last("only Mr Kim").text and "order 7" not in s.last("only Mr Kim").text


async def test_linking_someone_unknown_in_this_class_is_refused(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        s.console.people["zed"] = s.console.people["ana"].__class__(  # known to the platform, never seen here
            user=s.console.people["ana"].user.__class__("console", "zed"), name="Zed")
        await s.run(f"{TEACHER}\n/family link child:Sam guardian:Zed")
    assert s.last("only Ms Lee").text.startswith("I don't know that person in this class yet")


# ----- privacy ----------------------------------------------------------------------------
async def _member_id(db: Database, name: str) -> int:
    async with db.read() as session:
        found = await session.scalar(select(Member.id).where(Member.display_name == name))
    assert found is not None
    return found


async def test_erasing_a_guardian_removes_the_link_and_keeps_the_child(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        await PrivacyService(s.core).erase(await _member_id(db, "Maria"))
        async with db.read() as session:
            links = (await session.scalars(select(GuardianLink.member_id))).all()
            children = (await session.scalars(select(Child.label))).all()
    assert links == [await _member_id(db, "Luis")]
    assert children == ["Sam"]


async def test_erasing_the_last_guardian_and_the_teacher_erases_the_child(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        service = PrivacyService(s.core)
        for name in ("Maria", "Luis", "Ms Lee"):
            await service.erase(await _member_id(db, name))
        async with db.read() as session:
            children = (await session.scalars(select(Child.label))).all()
    assert children == []


async def test_export_lists_the_guardians_children_without_the_restriction_reason(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s, "/family restrict child:Sam guardian:Luis reason:\"order 7\"")
        document = await PrivacyService(s.core).export(await _member_id(db, "Luis"))
    assert [c["child"] for c in document["households"]["children"]] == ["Sam"]
    assert "order 7" not in str(document)


async def test_co_parents_claiming_through_two_processes_at_once_get_one_place(db: Database) -> None:
    async with console_session(db) as first:
        await class_with_sam(first, "/family household guardian:Luis with:Maria",
                             '/signup create title:"Zoo" slots:"🚌 Driver x3; 🍪 Baker x3"')
        card, community = first.last("#general").ref, first.console.community
        second_db = Database(db.url)  # another process: its own engine and core on the same database
        try:
            async with console_session(second_db, ready=False) as second:
                second.console.entries = first.console.entries
                second.console.people.update(first.console.people)
                maria, luis = (first.console.actor(first.console.person_named(n)) for n in ("Maria", "Luis"))
                await asyncio.gather(
                    first.core.dispatch(ReactionAdded(key="p1", actor=maria, community=community,  # type: ignore[arg-type]
                                                      message=card, emoji=parse("🚌"))),
                    second.core.dispatch(ReactionAdded(key="p2", actor=luis, community=community,  # type: ignore[arg-type]
                                                       message=card, emoji=parse("🍪"))))
                await second.core.settle()
        finally:
            await second_db.dispose()
        await first.core.settle()
        async with db.read() as session:
            places = await session.scalar(select(func.count()).select_from(Claim))
    assert places == 1


async def test_family_join_links_like_join(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        code = await invite_code(s)
        await s.run(f"{ANA}\n/family join code:{code}")
    assert s.last("only Ana").text.startswith("Welcome! You are now linked to Sam.")


async def test_invite_sends_the_teacher_a_printable_png_slip(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        await invite_code(s)
    [slip] = s.last("DM → Ms Lee").message.attachments
    assert slip.filename == "join-Sam.png" and slip.content.startswith(b"\x89PNG")


async def test_failed_join_attempts_are_purged_after_a_day(db: Database) -> None:
    from bot.runtime.retention import purge

    async with console_session(db) as s:
        await class_with_sam(s)
        await s.run(f"{ANA}\n/join code:WRONG")
        s.clock.advance(timedelta(days=2))
        await purge(s.core)
        async with db.read() as session:
            left = await session.scalar(select(func.count()).select_from(JoinAttempt))
    assert left == 0


async def test_the_engagement_report_counts_a_child_with_two_co_parents_as_one_family(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s)
        await s.run(f'{TEACHER}\n/announce text:"Picture day on Monday"')
        post = s.last("#announcements")
        await s.run(f"{LUIS}\nclick #{post.number} Got it\n{TEACHER}\n/announcement report")
    lines = s.last("only Ms Lee").text.splitlines()
    # Sam (of Sam, Ana and Pat) saw it
    assert lines[0] == "Since Monday 10 August 2026: 1 announcement, seen by 33% of families on average."
    assert lines[2] == "Saw none of them: Ana, Pat. Please contact them another way."
