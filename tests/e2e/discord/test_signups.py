"""Sign-ups by reaction through the gateway, as Discord sends reactions: skin tones are
reactions of their own, and nothing is replayed for a session that was lost."""

from __future__ import annotations

from tests.e2e.discord.fake import Person
from tests.e2e.discord.process import quiet, wait_for
from tests.e2e.discord.room import Room

BACKENDS = ["sqlite", "postgresql"]


def _signup(room: Room, title: str, slots: str, **extra: object) -> tuple[Person, dict]:
    teacher = room.fake.person(f"Teacher of {title}", "Teacher")
    room.command(teacher, "signup create", title=title, slots=slots, **extra)
    return teacher, room.card(title)


def _deletions(room: Room, card: dict, who: Person) -> list[str]:
    """The emoji (as in the URL) of every removal of ``who``'s reaction on ``card``."""
    return [r.parts[5] for r in room.fake.seen("DELETE", "channels")
            if len(r.parts) == 7 and r.parts[3] == card["id"] and r.parts[6] == str(who.user_id)]


def test_a_refused_reaction_with_a_skin_tone_is_removed_as_the_family_reacted(room: Room) -> None:
    _, card = _signup(room, "Bake sale", "👍 Helpers x5; 🍪 Snacks x5", per_family=1)
    family = room.fake.person("Ana")
    room.fake.reaction(family, card["id"], "🍪")
    wait_for(lambda: room.dm_texts(family), describe="Ana's confirmation")
    room.fake.reaction(family, card["id"], "👍🏽")
    wait_for(lambda: _deletions(room, card, family), describe="the refused reaction to be removed")
    assert _deletions(room, card, family) == ["👍🏽"]
    assert family.user_id not in room.fake.reactions[(int(card["id"]), "👍🏽")]


def test_two_identical_refused_adds_are_explained_once(room: Room) -> None:
    _, card = _signup(room, "Book fair", "👍 Helpers x5; 🍪 Snacks x5", per_family=1)
    family = room.fake.person("Ben")
    room.fake.reaction(family, card["id"], "🍪")
    wait_for(lambda: room.dm_texts(family), describe="Ben's confirmation")
    room.fake.reaction(family, card["id"], "👍")
    room.fake.reaction(family, card["id"], "👍🏽")
    room.fake.reaction(family, card["id"], "👍", burst=True)
    wait_for(lambda: room.dms_containing(family, "at most 1"), describe="the refusal")
    quiet(room.fake)
    assert len(room.dms_containing(family, "at most 1")) == 1


def test_after_a_lost_session_a_reaction_taken_back_meanwhile_releases_the_place_and_promotes_the_next(
        room: Room) -> None:
    _, card = _signup(room, "Field trip", "🚌 Driver x1")
    first, second = room.fake.person("Chi"), room.fake.person("Dao")
    room.fake.reaction(first, card["id"], "🚌")
    wait_for(lambda: room.dm_texts(first), describe="Chi's confirmation")
    room.fake.reaction(second, card["id"], "🚌")
    wait_for(lambda: room.dm_texts(second), describe="Dao's waitlist notice")
    told = len(room.dm_texts(second))
    identified = room.fake.identifies

    room.fake.drop_socket(lose_session=True)
    room.fake.offline_unreact(first, card["id"], "🚌")  # Discord will never send this removal

    wait_for(lambda: room.fake.identifies > identified, describe="a fresh IDENTIFY")
    wait_for(lambda: len(room.dm_texts(second)) > told, describe="Dao to be told of the place")
    assert "Driver" in room.dm_texts(second)[-1]
    assert any("Driver" in text for text in room.dm_texts(first)[1:])  # Chi is told the place is released
