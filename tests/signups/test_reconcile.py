"""Reconciliation after downtime: reactions added and removed while the bot was stopped."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from adapters.console import Person, console_session
from bot.api.emoji import parse
from bot.db.engine import Database
from bot.db.models import Member
from cogs.signups.models import Claim


async def test_offline_adds_and_removals_are_applied_once_at_start(db: Database) -> None:
    async with console_session(db) as before:
        await before.run('as Ms Lee role=teacher\n/signup create title:"Trip" slots:"🚌 Driver x1"\n'
                         "as Maria\nreact #1 🚌\nas Ana\nas Ben")
        card = before.entries[0]
        people = dict(before.console.people)
        seen_before = len(before.entries)
    # While the bot is down: Maria removes her reaction, Ana then Ben add theirs.
    bus_key = next(iter(card.reactions))
    users = card.reactions[bus_key][1]
    users.remove(people["maria"].user)
    users.extend([people["ana"].user, people["ben"].user])

    async with console_session(db, ready=False) as after:
        after.console.entries = before.console.entries
        after.console.people.update({k: Person(user=p.user, name=p.name) for k, p in people.items()})
        await after.core.platform_ready("console")
        await after.core.platform_ready("console")  # a second ready event must not reconcile again
        await after.core.settle()
        async with db.read() as session:
            claims = {name: status for name, status in (await session.execute(
                select(Member.display_name, Claim.status).join(Claim, Claim.member_id == Member.id))).all()}
    assert claims == {"Ana": "confirmed", "Ben": "waitlisted"}
    told = Counter(e.where for e in after.entries[seen_before:] if e.where.startswith("DM → "))
    assert told == {"DM → Maria": 1, "DM → Ana": 1, "DM → Ben": 1}
    assert after.last("DM → Ana").text.startswith("You're signed up for 🚌 Driver")
    assert "number 1 on the waitlist" in after.last("DM → Ben").text


async def test_resync_command_applies_missed_reactions(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Ms Lee role=teacher\n/signup create title:"Trip" slots:"🚌 Driver x2"\nas Ana')
        card = s.entries[0]
        card.reactions[next(iter(card.reactions))][1].append(s.console.person_named("Ana").user)  # type: ignore[union-attr]
        await s.run("as Ms Lee\n/signup resync id:1\n/signup resync id:1")
    replies = [e.text for e in s.find("only Ms Lee")]
    assert replies[-2:] == ["Resync done: 1 change applied.", "Resync done: 0 changes applied."]
    assert len(s.find("DM → Ana")) == 1


async def test_offline_reactions_queue_after_families_already_waiting_in_listed_order(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Ms Lee role=teacher\n/signup create title:"Trip" slots:"🚌 Driver x1"\n'
                    "as Ana\nreact #1 🚌\nas Ben\nreact #1 🚌\nas Cleo\nas Dev")
        users = s.entries[0].reactions[next(iter(s.entries[0].reactions))][1]
        users.extend([s.console.person_named("Dev").user, s.console.person_named("Cleo").user])  # type: ignore[union-attr]
        users.remove(s.console.person_named("Ana").user)  # type: ignore[union-attr]
        await s.run("as Ms Lee\n/signup resync id:1")
        async with db.read() as session:
            order = [(name, status) for name, status in (await session.execute(
                select(Member.display_name, Claim.status).join(Claim, Claim.member_id == Member.id)
                .order_by(Claim.status, Claim.claimed_at, Claim.id))).all()]
    assert order == [("Ben", "confirmed"), ("Dev", "waitlisted"), ("Cleo", "waitlisted")]
    assert "number 1 on the waitlist" in s.last("DM → Dev").text
    assert "number 2 on the waitlist" in s.last("DM → Cleo").text


async def test_offline_reactions_that_cannot_count_are_removed_and_explained_once(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Ms Lee role=teacher\n/signup create title:"Trip" slots:"🚌 Driver x3; 🍪 Snacks x3"\n'
                    "as Ana\nreact #1 🚌\nas Ben")
        card = s.entries[0]
        ana, ben = (s.console.person_named(n).user for n in ("Ana", "Ben"))  # type: ignore[union-attr]
        snacks = next(k for k, (e, _) in card.reactions.items() if e.display == "🍪")
        card.reactions[snacks][1].append(ana)  # over her one-slot limit
        party = parse("🎉")
        assert party is not None
        card.reactions[party.key] = (party, [ben])  # not a slot
        await s.run("as Ms Lee\n/signup resync id:1\n/signup resync id:1")
    assert ana not in card.reactions[snacks][1] and ben not in card.reactions[party.key][1]
    assert [e.text for e in s.find("DM → Ana")][-1].startswith("You can sign up for at most 1 slot on")
    assert [e.text for e in s.find("DM → Ben")] == ['🎉 is not one of the slots on "Trip"; I removed it.']


async def test_a_family_moved_twice_by_one_resync_hears_both_changes(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Ms Lee role=teacher\n/signup create title:"Trip" slots:"🚌 Driver x1"\n'
                    "as Ana\nreact #1 🚌\nas Ben\nreact #1 🚌\nas Cleo\nreact #1 🚌")
        card = s.entries[0]
        ana, ben = (s.console.person_named(n).user for n in ("Ana", "Ben"))  # type: ignore[union-attr]
        bus = next(k for k, (e, _) in card.reactions.items() if e.display == "🚌")
        card.reactions[bus][1].remove(ana)  # both gone while the bot was away
        card.reactions[bus][1].remove(ben)
        await s.run("as Ms Lee\n/signup resync id:1")
    ben_heard = [e.text.split(" for ")[0].split(":")[0] for e in s.find("DM → Ben")]
    assert ben_heard[-2:] == ["Good news", "You're no longer signed up"]
    assert "Good news" in s.last("DM → Cleo").text
