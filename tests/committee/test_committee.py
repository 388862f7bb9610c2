"""Committee tools end to end on the console (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import io
from collections import Counter

from sqlalchemy import inspect, select

from adapters.console import Person, console_session
from bot.api.emoji import parse
from bot.api.events import Actor, ReactionAdded
from bot.api.refs import UserRef
from bot.db.engine import Database
from bot.db.models import Member
from bot.delivery.models import OutboxEntry
from cogs.committee.chart import render_chart
from cogs.committee.models import Poll, Vote

COMMITTEE = "as Pat role=committee"
POLL = 'in #committee /poll question:"Bake sale day?" options:"Fri; Sat; Sun"'


async def test_poll_vote_switch_close_with_chart(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{COMMITTEE}\n{POLL}\nas Ana\nreact #1 1️⃣\nreact #1 2️⃣\nas Ben\nreact #1 2️⃣\n"
                    f"{COMMITTEE}\n/poll close id:1")
        card, results = s.entries[0], s.last("#committee")
    assert "2️⃣ Sat — 2" in card.text and "1️⃣ Fri — 0" in card.text and "This poll is closed." in card.text
    assert results.text.startswith("**🗳️ Bake sale day?**\nResults of poll #1 (2 votes):\n• Sat: 2 (100%)")
    png = results.files[0]
    assert png.filename == "poll-1.png" and png.content.startswith(b"\x89PNG\r\n\x1a\n")
    ana = s.console.person_named("Ana").user  # type: ignore[union-attr]
    assert all(ana not in users for key, (emoji, users) in card.reactions.items() if emoji.display == "1️⃣")


async def test_hidden_results_stay_hidden_until_close(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{COMMITTEE}\nin #committee /poll question:"Q" options:"A; B" hide_results:true\n'
                    "as Ana\nclick #1 1. A")
        open_card = s.entries[0]
        open_text = open_card.text
        await s.run(f"{COMMITTEE}\n/poll close id:1")
    assert open_card.reactions == {}  # no reaction counts to read the results from
    assert "— 1" not in open_text and "1 vote so far" in open_text
    assert "1. A — 1" in s.entries[0].text


async def test_anonymous_poll_rows_hold_no_member_identity(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{COMMITTEE}\nin #committee /poll question:"Q" options:"A; B" anonymous:true\n'
                    "as Ana\nclick #1 1. A\nclick #1 2. B\nas Ben\nclick #1 2. B")
        async with db.read() as session:
            votes = (await session.scalars(select(Vote))).all()
            assert sorted(v.option_index for v in votes) == [1, 1]  # Ana's vote switched
            assert all(v.member_id is None for v in votes)
        await s.run(f"{COMMITTEE}\n/poll close id:1")
        async with db.read() as session:
            votes = (await session.scalars(select(Vote))).all()
            poll = (await session.scalars(select(Poll))).one()
    for vote in votes:
        state = inspect(vote)
        values = {attr.key: attr.value for attr in state.attrs}
        assert values["member_id"] is None and values["voter_code"] is None
    assert poll.secret is None and poll.final_counts == {"counts": [0, 2]}
    assert "Anonymous: no names are stored" in s.entries[0].text


async def test_concurrent_votes_keep_one_vote_per_member(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{COMMITTEE}\n{POLL}")
        card = s.entries[0].ref
        events = []
        for n in range(20):
            actor = Actor(user=UserRef("console", f"voter-{n}"), display_name=f"Voter {n}")
            s.console.people[f"voter {n}"] = Person(user=actor.user, name=f"Voter {n}")
            for k, number in enumerate(["1️⃣", "2️⃣", "3️⃣"]):
                events.append(ReactionAdded(key=f"v{n}-{k}", actor=actor, community=s.console.community,
                                            message=card, emoji=parse(number)))  # type: ignore[arg-type]
        await asyncio.gather(*(s.core.dispatch(e) for e in events))
        await s.core.settle()
        async with db.read() as session:
            per_member = Counter((await session.scalars(select(Vote.member_id))).all())
    assert len(per_member) == 20 and set(per_member.values()) == {1}


async def test_bad_poll_input_posts_nothing(db: Database) -> None:
    options = "; ".join(f"o{n}" for n in range(26))
    async with console_session(db) as s:
        await s.run(f'{COMMITTEE}\n/poll question:"Q" options:"A"\n/poll question:"Q" options:"{options}"\n'
                    '/poll question:"Q" options:"A; a"\n/poll question:"Q" options:"A; B" closes:"yesterday"\n'
                    'as Ana\n/poll question:"Q" options:"A; B"')
    replies = [e.text for e in s.find("only Pat")]
    assert replies[0] == replies[1] == 'A poll needs between 2 and 25 options, separated by ";".'
    assert replies[2] == "Two options are the same; please make each option different."
    assert "is in the past" in replies[3]
    assert "only for teachers, committee members and admins" in s.last("only Ana").text
    assert s.find("#") == []


async def test_many_options_use_buttons(db: Database) -> None:
    options = "; ".join(f"Option {n}" for n in range(12))
    async with console_session(db) as s:
        await s.run(f'{COMMITTEE}\nin #committee /poll question:"Q" options:"{options}"\n'
                    "as Ana\nclick #1 11. Option 10")
    assert "11. Option 10 — 1" in s.entries[0].text
    assert s.entries[0].reactions == {}


async def test_task_reminder_overdue_and_done(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'as Ana\n{COMMITTEE}\n/task add title:"Buy flour" owner:Ana due:"in 3 days"\n'
                    "/task add title:\"x\" owner:Nobody\nadvance 2d1h")
        assert s.last("DM → Ana").text.startswith('Reminder: task #1 "Buy flour" is due')
        await s.run("advance 1d\nas Ana\n/tasks\n/task done id:1\nadvance 3d")
    assert s.find("DM → Ana")[-1].text.startswith('Task #1 "Buy flour" is overdue.')
    assert "#1 Buy flour — Ana" in s.find("only Ana")[0].text
    assert s.last("only Ana").text == "Task #1 is done. Thank you!"
    assert "can't find Nobody" in s.find("only Pat")[1].text


async def test_meeting_propose_pick_and_local_time(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{COMMITTEE}\nin #committee /meeting propose title:"PTA" times:"Tue 7pm; Wed 6:30pm"\n'
                    "as Ana tz=Europe/Madrid lang=es\nreact #1 2️⃣\n"
                    f"{COMMITTEE}\nin #committee /meeting pick id:1 option:2")
        announcement = s.last("#committee")
        await s.run(f"as Ana\nclick #{announcement.number} Show\nadvance 9d")
    assert "Wednesday 9 September 2026, 18:30 (America/New_York)" in announcement.text
    assert s.find("only Ana")[-1].text == ('[es] "PTA" is on jueves 10 septiembre 2026, 00:30 (Europe/Madrid) '
                                           "for you.")
    # 24 h before: 00:30 in Madrid, quiet hours, held until 07:00 (still before the meeting).
    # 1 h before: 23:30 in Madrid, quiet hours that end after the meeting began: dropped.
    reminders = [e.text for e in s.find("DM → Ana") if "Reminder" in e.text]
    assert reminders == ['[es] Reminder: "[es] PTA" is on jueves 10 septiembre 2026, 00:30 (Europe/Madrid).']


async def test_decisions_export_as_csv(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{COMMITTEE}\n/decision record text:"Bake sale on Saturday"\n/decisions export:csv')
    csv_file = s.last("DM → Pat").files[0]
    assert csv_file.filename == "decisions.csv"
    assert csv_file.content.decode().splitlines()[1].endswith(",Bake sale on Saturday")


def test_chart_bars_match_the_counts_and_decode_as_png() -> None:
    import matplotlib.image

    chart = render_chart("Q", ["A", "B", "C"], [3, 0, 5])
    assert chart.bars == (3.0, 0.0, 5.0)
    pixels = matplotlib.image.imread(io.BytesIO(chart.png), format="png")
    assert pixels.shape[0] > 100 and pixels.shape[1] > 300


async def test_votes_by_reaction_made_while_the_bot_was_away_are_counted_at_start(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{COMMITTEE}\nin #committee /poll question:"Bake sale day?" options:"Fri; Sat"\n'
                    "as Ana\nreact #1 1️⃣\nas Ben\nreact #1 1️⃣\nas Cleo")
        card = s.entries[0]
        ana, ben, cleo = (s.console.person_named(n).user for n in ("Ana", "Ben", "Cleo"))  # type: ignore[union-attr]
        one, two = (parse(n).key for n in ("1️⃣", "2️⃣"))  # type: ignore[union-attr]
        card.reactions[one][1].remove(ben)  # Ben withdrew, Cleo voted Sat, Ana also reacted Sat
        card.reactions[two] = (parse("2️⃣"), [cleo, ana])  # type: ignore[assignment]
        cog = next(c for c in s.core.cogs if c.name == "polls")
        await cog.reconciler.on_platform_ready("console")  # type: ignore[attr-defined]
        await s.core.settle()
        async with db.read() as session:
            votes = sorted((await session.execute(select(Member.display_name, Vote.option_index)
                                                  .join(Member, Member.id == Vote.member_id))).all())
    assert [tuple(v) for v in votes] == [("Ana", 0), ("Cleo", 1)]  # Ana's recorded vote stands


async def test_task_reminder_falling_due_at_2am_arrives_when_the_owners_quiet_hours_end(db: Database) -> None:
    async with console_session(db) as s:  # Monday 14:00 in Madrid
        await s.run("as Ana tz=Europe/Madrid lang=es\nas Pat role=committee tz=Europe/Madrid\n"
                    '/task add title:"Buy flour" owner:Ana due:"Thursday 2am"\n'
                    "advance 1d16h")  # Wednesday 06:00 in Madrid: the reminder fell due at 02:00
        held = [e.text for e in s.find("DM → Ana") if "Reminder" in e.text]
        async with db.read() as session:
            waiting = (await session.scalars(select(OutboxEntry.status).where(
                OutboxEntry.topic == "task.reminder"))).all()
        await s.run("advance 1h")  # 07:00 in Madrid has passed
    assert held == [] and list(waiting) == ["waiting"]
    reminders = [e.text for e in s.find("DM → Ana") if "Reminder" in e.text]
    assert reminders == ['[es] Reminder: task #1 "[es] Buy flour" is due jueves 10 septiembre 2026, 02:00 '
                         "(Europe/Madrid)."]


async def test_task_owner_is_told_when_a_task_is_assigned_to_them(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'as Ana\n{COMMITTEE}\n/task add title:"Buy flour"\n/task assign id:1 owner:Ana\n'
                    "/task assign id:1 owner:Ana")  # the same owner again: nothing new to tell
    assert [e.text for e in s.find("DM → Ana")] == ['Pat gave you task #1 "Buy flour".']


async def test_nobody_is_told_about_a_task_they_gave_themselves(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{COMMITTEE}\n/task add title:"Buy flour" owner:Pat due:"in 3 days"')
    assert s.find("DM → Pat") == []
