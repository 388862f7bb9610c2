"""Privacy: export is complete, erasure leaves no trace, retention purges on time, and logs
never carry families' words."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import String, Text, select

from adapters.console import console_session
from adapters.console.harness import DEFAULT_START
from bot.app import build_core
from bot.config import Config, Secrets, TranslationSection
from bot.db.base import Base
from bot.db.engine import Database
from bot.db.models import AuditEntry, Member
from bot.db.registry import import_all_models
from bot.runtime.privacy import CORE_PERSONAL_MODELS, PrivacyService
from bot.runtime.retention import purge
from bot.testing import FakeTranslator
from bot.translation.models import CachedTranslation
from bot.translation.service import TranslationService
from bot.util.clock import ManualClock
from bot.util.logging_setup import JsonFormatter, RedactingFilter
from cogs.signups.models import Claim
from tests.translation.fake_providers import Behaviour, serve

NAME = "Zyxwanda Quorpel"
SECRET_TEXT = "Glimmerfax pickup note"

SCENARIO = f"""
as {NAME} lang=es
/delivery dm
as Ms Lee role=teacher
/announce text:"Trip Friday"
/signup create title:"Fair" slots:"🚌 Driver x1" when:"in 3 days"
as {NAME}
click #3 Got it
react #5 🚌
dm {SECRET_TEXT}
as Ben
react #5 🚌
as Ms Lee
/reply id:1 text:"Thanks {NAME}"
"""


def test_every_model_holding_member_data_is_covered() -> None:
    import_all_models()
    core = build_core(Config(), secrets=Secrets(), db=Database("sqlite+aiosqlite:///unused.db"),
                      clock=ManualClock(DEFAULT_START), translator=FakeTranslator(), )
    covered = set(CORE_PERSONAL_MODELS)
    for cog in core.cogs:
        covered |= {model.__tablename__ for model in cog.personal_data_models}
    holding = {table.name for table in Base.metadata.sorted_tables
               if any(fk.column.table.name == "members" for fk in table.foreign_keys)}
    assert holding - covered == set(), "models with member data that no cog exports and deletes"


async def _member(db: Database, name: str) -> Member:
    async with db.read() as session:
        member = await session.scalar(select(Member).where(Member.display_name == name))
    assert member is not None
    return member


async def test_export_contains_everything_seeded(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(SCENARIO + f"as {NAME}\n/privacy export")
        export = s.last(f"DM → {NAME}").files[0]
    document = json.loads(export.content)
    assert document["profile"]["display_name"] == NAME
    assert document["announcements"]["acknowledged"][0]["announcement"] == 1
    assert document["delivery"]["messages_to_you"][0]["status"] == "sent"
    assert "Trip Friday" in json.dumps(document["delivery"]["messages_to_you"][0]["said"])  # what it said
    assert document["signups"]["volunteering"][0]["slot"] == "Driver"
    assert document["relay"]["questions_asked"][0]["messages"][0]["text"] == SECRET_TEXT
    assert "[es] Thanks" in document["relay"]["questions_asked"][0]["messages"][1]["translation"]
    assert {entry["action"] for entry in document["access_log"]} >= {"relay.delivered", "relay.answer"}


async def _all_text(db: Database) -> str:
    import_all_models()
    chunks: list[str] = []
    async with db.read() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text) or c.name == "payload"]
            if not columns:
                continue
            for row in (await session.execute(select(*columns))).all():
                chunks.extend(str(value) for value in row if value is not None)
    return "\n".join(chunks)


async def test_delete_leaves_no_trace_and_promotes_the_waitlist(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(SCENARIO)
        assert NAME in await _all_text(db)
        await s.run(f"as {NAME}\n/privacy delete")
        confirm = s.last(f"only {NAME}")
        assert "cannot be undone" in confirm.text
        await s.run(f"click #{confirm.number} [es] Yes")
        remaining = await _all_text(db)
        async with db.read() as session:
            claims = (await session.scalars(select(Claim))).all()
            audit = (await session.scalars(select(AuditEntry))).all()
    assert NAME not in remaining and SECRET_TEXT not in remaining
    assert [c.status for c in claims] == ["confirmed"]  # Ben promoted into the freed place
    assert "Good news" in s.last("DM → Ben").text
    assert all(a.subject_member_id is None or a.actor_label != "" for a in audit)


async def test_delete_needs_the_confirmation(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(SCENARIO + f"as {NAME}\n/privacy delete")
    assert NAME in await _all_text(db)


async def test_admin_erases_a_member_who_left_but_a_family_cannot(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(SCENARIO + f'as Ben\n/privacy delete user:"{NAME}"')
        assert s.last("only Ben").text == "Only an admin can erase someone else's data."
        await s.run(f'as Principal role=admin\n/privacy delete user:"{NAME}"')
        await s.run(f"click #{s.last('only Principal').number} Yes")
    assert NAME not in await _all_text(db)


async def test_retention_purge_removes_exactly_what_is_older_than_the_policy(db: Database) -> None:
    config = Config.model_validate({"retention": {"audit_days": 10}})
    clock = ManualClock(DEFAULT_START)
    core = build_core(config, secrets=Secrets(), db=db, clock=clock, translator=FakeTranslator())
    from bot.db.models import Community

    async with db.write() as session:
        community = Community(platform="console", external_id="r", name="", default_language="en",
                              timezone="UTC", settings={}, created_at=clock.now())
        session.add(community)
        await session.flush()
        boundary = clock.now() - timedelta(days=10)
        for label, at in (("older", boundary - timedelta(seconds=1)), ("newer", boundary + timedelta(seconds=1))):
            session.add(AuditEntry(community_id=community.id, actor_label=label, action="x", at=at))
    counts = await purge(core)
    async with db.read() as session:
        left = (await session.scalars(select(AuditEntry.actor_label))).all()
    assert left == ["newer"]
    assert counts["audit"] == 1


async def test_member_who_leaves_gets_nothing_more(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Ana\n/delivery dm\n/quiet-hours 07:00-09:00\nas Ms Lee role=teacher\n/announce text:\"Hi\"")
        from bot.api.events import MemberLeft

        ana = s.console.person_named("Ana")
        await s.core.dispatch(MemberLeft(key="left-ana", actor=s.console.actor(ana), community=s.console.community))  # type: ignore[arg-type]
        await s.run("advance 3h")
    assert s.find("DM → Ana") == []


async def test_logs_never_contain_names_or_texts(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        async with console_session(db) as s:
            await s.run(SCENARIO + "as Ms Lee\n/announcement status\n/questions all")
    formatter = JsonFormatter()
    rendered = "\n".join(formatter.format(r) for r in caplog.records if r.levelno >= logging.INFO)
    assert NAME not in rendered and SECRET_TEXT not in rendered and "Trip Friday" not in rendered


def test_email_addresses_are_scrubbed_from_log_records() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "mail %s failed", ("parent@example.org",), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "mail <email> failed"


async def test_erasing_a_family_drops_the_cached_translations_of_their_conversation(db: Database) -> None:
    with serve("google", Behaviour()) as url:
        service = TranslationService(TranslationSection(provider="google", timeout_seconds=2.0), Secrets(), db,
                                     ManualClock(DEFAULT_START), base_urls={"google": url})
        async with console_session(db, translator=service) as s:
            await s.run('as Ms Lee role=teacher\nas Maria lang=es tz=America/New_York\n/ask text:"¿Hay clase?"\n'
                        'as Ms Lee\n/reply id:1 text:"Yes, school opens at nine"')
            await service.close()  # cache writes done
            async with db.read() as session:
                maria = await session.scalar(select(Member.id).where(Member.display_name == "Maria"))
            assert maria is not None
            await PrivacyService(s.core).erase(maria)
    async with db.read() as session:
        texts = list(await session.scalars(select(CachedTranslation.text)))
    assert not [t for t in texts if "opens at nine" in t or "Hay clase" in t]
