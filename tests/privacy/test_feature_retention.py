"""Retention reaches the features' own tables: emergency alerts (and who confirmed them),
closed surveys (and who took part), newsletter editions (and their items) and e-mail
addresses that stopped receiving are removed once older than ``[retention]
deliveries_days``; what is newer, still open or still in use stays. Counted first by the
privacy report. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from adapters.console.harness import DEFAULT_START
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.db.models import Community, Member
from bot.runtime.core import Core
from bot.runtime.retention import held_and_expiring, purge
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from cogs.alerts.models import Alert, AlertAck
from cogs.email.models import EmailContact
from cogs.newsletter.models import Newsletter, NewsletterEdition, NewsletterItem
from cogs.surveys.models import Survey, SurveyParticipant

DAYS = 30
OLD = DEFAULT_START - timedelta(days=DAYS, seconds=1)
NEW = DEFAULT_START - timedelta(days=DAYS) + timedelta(seconds=1)


def core_for(db: Database) -> Core:
    config = Config.model_validate({"retention": {"deliveries_days": DAYS}})
    return build_core(config, secrets=Secrets(), db=db, clock=ManualClock(DEFAULT_START), translator=FakeTranslator())


async def a_class(db: Database) -> tuple[int, list[int]]:
    """A community with four members; their ids."""
    async with db.write() as session:
        community = Community(platform="console", external_id="room", name="", default_language="en",
                              timezone="UTC", settings={}, created_at=OLD)
        session.add(community)
        await session.flush()
        people = [Member(community_id=community.id, user_id=f"u{n}", display_name=f"P{n}") for n in range(4)]
        session.add_all(people)
        await session.flush()
        return community.id, [p.id for p in people]


async def count(db: Database, model: type) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_alerts_older_than_the_policy_go_with_their_confirmations(db: Database) -> None:
    community, people = await a_class(db)
    async with db.write() as session:
        for label, at in (("old", OLD), ("new", NEW)):
            alert = Alert(community_id=community, text=label, channel_id="general", status="sent", created_at=at)
            session.add(alert)
            await session.flush()
            session.add(AlertAck(alert_id=alert.id, member_id=people[0], at=at))
    counts = await purge(core_for(db))
    async with db.read() as session:
        assert (await session.scalars(select(Alert.text))).all() == ["new"]
    assert counts["alerts"] == 1
    assert await count(db, AlertAck) == 1


async def test_a_closed_survey_goes_and_an_open_one_of_the_same_age_stays(db: Database) -> None:
    community, people = await a_class(db)
    async with db.write() as session:
        for question, status in (("closed one", "closed"), ("open one", "open")):
            survey = Survey(community_id=community, question=question, options={"options": ["Yes", "No"]},
                            status=status, channel_id="general", created_at=OLD)
            session.add(survey)
            await session.flush()
            session.add(SurveyParticipant(survey_id=survey.id, member_id=people[1]))
    counts = await purge(core_for(db))
    async with db.read() as session:
        assert (await session.scalars(select(Survey.question))).all() == ["open one"]
    assert counts["surveys"] == 1
    assert await count(db, SurveyParticipant) == 1


async def test_old_newsletter_editions_go_with_their_items_and_unsent_items_stay(db: Database) -> None:
    community, people = await a_class(db)
    async with db.write() as session:
        letter = Newsletter(community_id=community, weekday=4, at_time="15:00", timezone="UTC",
                            channel_id="general", created_at=OLD)
        session.add(letter)
        await session.flush()
        editions = {}
        for label, due in (("old", OLD), ("new", NEW)):
            edition = NewsletterEdition(newsletter_id=letter.id, due_at=due, status="posted", posted_at=due)
            session.add(edition)
            await session.flush()
            editions[label] = edition.id
        for label, edition_id in (("in old", editions["old"]), ("in new", editions["new"]), ("unsent", None)):
            session.add(NewsletterItem(newsletter_id=letter.id, author_member_id=people[2], section="this_week",
                                       text=label, created_at=OLD, edition_id=edition_id))
    counts = await purge(core_for(db))
    async with db.read() as session:
        assert sorted((await session.scalars(select(NewsletterItem.text))).all()) == ["in new", "unsent"]
        assert (await session.scalars(select(NewsletterEdition.id))).all() == [editions["new"]]
    assert counts["newsletter_items"] == 1 and counts["newsletter_editions"] == 1
    assert await count(db, Newsletter) == 1  # the schedule stays


async def test_an_address_that_stopped_long_ago_goes_and_one_in_use_stays(db: Database) -> None:
    _, people = await a_class(db)
    async with db.write() as session:
        session.add_all([
            EmailContact(member_id=people[0], address="gone@example.org", consent_at=OLD, unsubscribed_at=OLD),
            EmailContact(member_id=people[1], address="bounced@example.org", consent_at=OLD, refused_at=OLD),
            EmailContact(member_id=people[2], address="recent@example.org", consent_at=OLD, unsubscribed_at=NEW),
            EmailContact(member_id=people[3], address="reading@example.org", consent_at=OLD),
        ])
    counts = await purge(core_for(db))
    async with db.read() as session:
        left = sorted((await session.scalars(select(EmailContact.address))).all())
    assert left == ["reading@example.org", "recent@example.org"]
    assert counts["email_contacts"] == 2


async def test_the_privacy_report_counts_what_the_next_purge_removes_from_each_feature(db: Database) -> None:
    community, people = await a_class(db)
    async with db.write() as session:
        session.add(Alert(community_id=community, text="old", channel_id="general", status="sent", created_at=OLD))
        session.add(EmailContact(member_id=people[0], address="gone@example.org", consent_at=OLD,
                                 unsubscribed_at=OLD))
    _, expiring = await held_and_expiring(core_for(db))
    assert expiring["alerts"] == 1 and expiring["email_contacts"] == 1
    assert expiring["surveys"] == 0 and expiring["newsletter_editions"] == 0
    assert await count(db, Alert) == 1  # counting removes nothing
