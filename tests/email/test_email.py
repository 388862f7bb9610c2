"""E-mail for families off the platform, against a real SMTP server (aiosmtpd) on this machine:
what the mail server received is what the family would read."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from adapters.console.harness import console_session
from bot.app import build_core
from bot.config import ConfigError, Secrets, parse_config
from bot.db.engine import Database
from bot.delivery.models import OutboxEntry
from cogs.email.models import EmailContact
from tests.delivery.classes import KIM, LEE, ROOM_12, ROOM_14, enter, two_classes
from tests.net import free_port

TEACHER = "as Ms Lee role=teacher"
REGISTER = '/family email name:"Nguyen family" address:"nguyen@example.org" consent:true language:vi'


class Mailbox:
    """Collects every message the server accepts; refuses the addresses in ``refuse`` with 550."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"



@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


#: what the deployment's environment holds (HOMEROOM_EMAIL_SECRET)
SECRETS = Secrets(email_link_secret="a-test-secret-of-enough-length")


def _config(port: int, **email_settings: Any) -> Any:
    return parse_config({"email": {"enabled": True, "smtp_host": "127.0.0.1", "smtp_port": port,
                                   "security": "none", "public_url": "https://bot.example.org", **email_settings}})


def _text(mail: EmailMessage) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


def _link(mail: EmailMessage, path: str) -> dict[str, str]:
    url = re.search(rf"https://bot\.example\.org{path}\?t=\S+", _text(mail))
    assert url, _text(mail)
    return {key: values[0] for key, values in parse_qs(urlparse(url.group(0)).query).items()}


async def test_a_registered_family_gets_the_days_announcements_by_email_in_their_language(
        db: Database, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    async with console_session(db, secrets=SECRETS, config=_config(port)) as s:
        await s.run(f'{TEACHER}\n{REGISTER}\n/announce text:"Picture day on Friday"\nadvance 10h')
    [mail] = box.received
    assert mail["To"] == "nguyen@example.org"
    assert "[vi] Picture day on Friday" in _text(mail)
    assert "[vi] Picture day on Friday" in mail.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert mail["List-Unsubscribe"].startswith("<https://bot.example.org/email/unsubscribe?t=")


async def test_the_got_it_link_counts_the_family_as_having_seen_it(db: Database, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    async with console_session(db, secrets=SECRETS, config=_config(port)) as s:
        await s.run(f'as Ana\n/help\n{TEACHER}\n{REGISTER}\n/announce text:"Picture day"\nadvance 10h')
        cog = next(c for c in s.core.cogs if c.name == "email")
        status, page = await cog.seen_page(_link(box.received[0], "/email/seen"))
        await s.run("/announcement status")
    assert status == 200 and "Thank you" in page
    assert s.last("only Ms Lee").text.startswith("Announcement #1 — seen: 1 of 2 families.")


async def test_a_changed_link_changes_nothing(db: Database, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    async with console_session(db, secrets=SECRETS, config=_config(port)) as s:
        await s.run(f'{TEACHER}\n{REGISTER}\n/announce text:"Picture day"\nadvance 10h')
        cog = next(c for c in s.core.cogs if c.name == "email")
        token = _link(box.received[0], "/email/seen")["t"]
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        status, _ = await cog.seen_page({"t": forged})
        async with db.read() as session:
            seen = (await session.scalars(select(OutboxEntry.seen_at))).all()
    assert status == 400
    assert all(moment is None for moment in seen)


async def test_a_link_stops_working_after_link_days(db: Database, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    async with console_session(db, secrets=SECRETS, config=_config(port, link_days=1)) as s:
        await s.run(f'{TEACHER}\n{REGISTER}\n/announce text:"Picture day"\nadvance 10h\nadvance 2d')
        cog = next(c for c in s.core.cogs if c.name == "email")
        status, _ = await cog.seen_page(_link(box.received[0], "/email/seen"))
    assert status == 400


async def test_after_unsubscribing_no_more_email_and_the_teacher_sees_who_cannot_be_reached(
        db: Database, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    async with console_session(db, secrets=SECRETS, config=_config(port)) as s:
        await s.run(f'{TEACHER}\n{REGISTER}\n/announce text:"One"\nadvance 10h')
        cog = next(c for c in s.core.cogs if c.name == "email")
        status, page = await cog.unsubscribe_page(_link(box.received[0], "/email/unsubscribe"))
        await s.run('/announce text:"Two"\nadvance 1d\n/announcement status')
    assert status == 200 and "no more e-mails" in page
    assert len(box.received) == 1
    assert "Could not be reached: Nguyen family." in s.last("only Ms Lee").text


async def test_an_address_the_server_refuses_is_recorded_and_not_tried_again(
        db: Database, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    box.refuse.add("nguyen@example.org")
    async with console_session(db, secrets=SECRETS, config=_config(port)) as s:
        await s.run(f'{TEACHER}\n{REGISTER}\n/announce text:"One"\nadvance 10h')
        box.refuse.clear()
        await s.run('/announce text:"Two"\nadvance 1d')
        async with db.read() as session:
            contact = await session.scalar(select(EmailContact))
    assert box.received == []
    assert contact is not None and contact.refused_at is not None


async def test_without_consent_nothing_is_stored(db: Database, mailbox: tuple[Mailbox, int]) -> None:
    _, port = mailbox
    async with console_session(db, secrets=SECRETS, config=_config(port)) as s:
        await s.run(f'{TEACHER}\n{REGISTER.replace("consent:true", "consent:false")}')
        async with db.read() as session:
            stored = (await session.scalars(select(EmailContact))).all()
    assert "only with the family's consent" in s.last("only Ms Lee").text
    assert stored == []


async def test_an_address_that_does_not_validate_is_refused(db: Database, mailbox: tuple[Mailbox, int]) -> None:
    _, port = mailbox
    async with console_session(db, secrets=SECRETS, config=_config(port)) as s:
        await s.run(f'{TEACHER}\n{REGISTER.replace("nguyen@example.org", "nguyen at example")}')
    assert s.last("only Ms Lee").text == '"nguyen at example" is not an e-mail address I can use. Please check it.'


async def test_with_email_off_the_command_says_how_to_turn_it_on(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{REGISTER}")
    assert "[email] section" in s.last("only Ms Lee").text


def test_email_on_without_a_secret_stops_start_up() -> None:
    with pytest.raises(ConfigError, match="HOMEROOM_EMAIL_SECRET"):
        build_core(_config(25), secrets=Secrets())


async def test_erasing_the_family_deletes_its_address(db: Database, mailbox: tuple[Mailbox, int]) -> None:
    _, port = mailbox
    async with console_session(db, secrets=SECRETS, config=_config(port)) as s:
        await s.run(f'{TEACHER}\n{REGISTER}\n/family email-remove name:"Nguyen family"')
        async with db.read() as session:
            stored = (await session.scalars(select(EmailContact))).all()
    assert stored == []
    assert s.last("only Ms Lee").text == "Nguyen family will get no more e-mails; their address was deleted."


# ----- one address in two classes ---------------------------------------------------------
TWO_CLASS_REGISTER = '/family email name:"Nguyen family" address:"{address}" consent:true language:vi'


async def _nguyen_in_two_classes(s, room_12: str = "", room_14: str = "") -> None:  # type: ignore[no-untyped-def]
    await two_classes(s, "\n".join([TWO_CLASS_REGISTER.format(address="nguyen@example.org"), room_12]),
                      "\n".join([TWO_CLASS_REGISTER.format(address="Nguyen@Example.org"), room_14]))


async def test_one_address_in_two_classes_gets_one_email_digest_grouped_by_class_in_its_language(
        db: Database, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    async with console_session(db, secrets=SECRETS, config=_config(port)) as s:
        await _nguyen_in_two_classes(s, '/announce text:"Picture day on Friday"',
                                     '/announce text:"Field trip on Tuesday"')
        await s.run("advance 10h")
    [mail] = box.received
    text = _text(mail)
    assert text.index(ROOM_12) < text.index("[vi] Picture day on Friday") < text.index(ROOM_14) \
        < text.index("[vi] Field trip on Tuesday")
    html = mail.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert ROOM_14 in html and "[vi] Field trip on Tuesday" in html


async def test_the_got_it_link_of_a_two_class_email_counts_in_both_classes(
        db: Database, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    async with console_session(db, secrets=SECRETS, config=_config(port)) as s:
        await _nguyen_in_two_classes(s, '/announce text:"Picture day"', '/announce text:"Field trip"')
        await s.run("advance 10h")
        cog = next(c for c in s.core.cogs if c.name == "email")
        status, _ = await cog.seen_page(_link(box.received[0], "/email/seen"))
        await s.run(f"{KIM}\n/announcement status id:2")
        in_14 = s.last("only Mr Kim").text
        enter(s, "room", "Room 12")
        await s.run(f"{LEE}\n/announcement status id:1")
    assert status == 200
    assert "seen: 1 of 1 family" in in_14 and "seen: 1 of 1 family" in s.last("only Ms Lee").text


async def test_unsubscribing_from_a_two_class_email_stops_the_email_of_both_classes(
        db: Database, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    async with console_session(db, secrets=SECRETS, config=_config(port)) as s:
        await _nguyen_in_two_classes(s, '/announce text:"Picture day"', '/announce text:"Field trip"')
        await s.run("advance 10h")
        cog = next(c for c in s.core.cogs if c.name == "email")
        status, _ = await cog.unsubscribe_page(_link(box.received[0], "/email/unsubscribe"))
        await two_classes(s, '/announce text:"Bake sale"', '/announce text:"Book fair"')
        await s.run("advance 1d")
        async with db.read() as session:
            unsubscribed = (await session.scalars(select(EmailContact.unsubscribed_at))).all()
            later = (await session.scalars(select(OutboxEntry.status).where(OutboxEntry.id > 2))).all()
    assert status == 200 and len(box.received) == 1
    assert all(moment is not None for moment in unsubscribed) and len(unsubscribed) == 2
    assert later == ["unreachable", "unreachable"]
