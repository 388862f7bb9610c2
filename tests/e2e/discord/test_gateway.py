"""The gateway as Discord runs it: heartbeats at the interval HELLO gives, a dropped socket
resumed with what was missed replayed (and applied once), DMs to the bot."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

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


def _platforms(room: Room) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{room.bot.http_port}/healthz", timeout=5) as answer:
            return json.loads(answer.read()).get("platforms")
    except urllib.error.HTTPError as refused:  # 503 while a platform is not ready
        return json.loads(refused.read()).get("platforms")
    except (OSError, ValueError):
        return None


def test_healthz_says_discord_is_lost_while_the_gateway_is_down_and_ready_once_resumed(room: Room) -> None:
    wait_for(lambda: _platforms(room) == {"discord": "ready"}, describe="discord ready")
    resumed = room.fake.resumes
    room.fake.gateway_outage(True)
    try:
        room.fake.drop_socket(lose_session=False)
        wait_for(lambda: _platforms(room) == {"discord": "lost"}, describe="discord lost")
    finally:
        room.fake.gateway_outage(False)
    wait_for(lambda: room.fake.resumes > resumed, describe="a RESUME")
    wait_for(lambda: _platforms(room) == {"discord": "ready"}, describe="discord ready again")
