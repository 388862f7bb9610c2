"""The gateway as Discord runs it: heartbeats at the interval HELLO gives, a dropped socket
resumed with what was missed replayed (and applied once), DMs to the bot."""

from __future__ import annotations

from tests.e2e.discord.process import quiet, wait_for
from tests.e2e.discord.room import Room

#: short, so a test sees several heartbeats (Discord's is about 41 s)
HEARTBEAT_INTERVAL_MS = 400


def test_heartbeats_follow_hello_and_are_acknowledged_so_the_session_stays(room: Room) -> None:
    wait_for(lambda: sum(1 for _, op, _ in room.fake.gateway_log if op == 1) >= 3, describe="three heartbeats")
    assert room.fake.identifies == 1
    assert room.fake.connected()


def test_a_reaction_made_while_the_socket_was_down_is_replayed_on_resume_and_counted_once(room: Room) -> None:
    teacher = room.fake.person("Ms Bo", "Teacher")
    room.command(teacher, "signup create", title="Car wash", slots="🧽 Sponges x3")
    card = room.card("Car wash")
    family = room.fake.person("Ivy")
    identified, resumed = room.fake.identifies, room.fake.resumes
    missed = room.fake.reaction(family, card["id"], "🧽", dispatch=False)
    room.fake.drop_socket(lose_session=False, missed=[missed])
    wait_for(lambda: room.fake.resumes > resumed, describe="a RESUME")
    wait_for(lambda: room.dms_containing(family, "Sponges"), describe="Ivy's confirmation")
    room.fake.dispatch(*missed)  # Discord may deliver an event again: it must not count twice
    quiet(room.fake)
    assert len(room.dms_containing(family, "Sponges")) == 1
    assert room.fake.identifies == identified  # resumed, not a new session


def test_a_direct_message_to_the_bot_is_answered_once_however_often_it_is_delivered(room: Room) -> None:
    teacher = room.fake.person("Mr Oak", "Teacher")
    room.answer(room.command(teacher, "help"))
    family = room.fake.person("Jae")
    room.answer(room.command(family, "help"))
    sent = room.fake.direct_message(family, "Hello, is there school on Monday?")
    wait_for(lambda: room.dm_texts(family), describe="an answer in Jae's DM")
    quiet(room.fake)
    answered = len(room.dm_texts(family))
    room.fake.direct_message(family, sent["content"], message_id=int(sent["id"]))
    quiet(room.fake)
    assert len(room.dm_texts(family)) == answered
