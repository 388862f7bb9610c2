"""Announcements to families who read by DM, as Discord receives them: one message per
family, one request per DM once the DM channel is known, never over the global limit, and
a closed DM (403/50007) reported to the author by name."""

from __future__ import annotations

from tests.e2e.discord.fake import EXEMPT, Person
from tests.e2e.discord.process import quiet, wait_for
from tests.e2e.discord.room import Room

FAMILIES = 60


def max_in_any_second(times: list[float]) -> int:
    best, start = 0, 0
    ordered = sorted(times)
    for end, at in enumerate(ordered):
        while at - ordered[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def _families_by_dm(room: Room, count: int, prefix: str) -> list[Person]:
    families = [room.fake.person(f"{prefix}{n}") for n in range(count)]
    asked = [room.command(f, "delivery", mode="dm") for f in families]
    for interaction in asked:
        room.answer(interaction)
    return families


def test_each_family_gets_the_announcement_once_and_a_known_dm_costs_one_request(room: Room) -> None:
    start, refused_before = len(room.fake.requests), room.fake.global_429s
    teacher = room.fake.person("Ms Wu", "Teacher")
    families = _families_by_dm(room, FAMILIES, "Family ")
    room.command(teacher, "announce", text="School photos are on Tuesday.")
    wait_for(lambda: all(any("School photos" in t for t in room.dm_texts(f)) for f in families),
             timeout=60, describe="every family's DM")
    quiet(room.fake)
    opened = len(room.fake.seen("POST", "users", "@me", "channels"))
    assert all(sum("School photos" in t for t in room.dm_texts(f)) == 1 for f in families)

    since = len(room.fake.requests)
    room.command(teacher, "announce", text="Bring a coat on Friday.")
    wait_for(lambda: all(any("Bring a coat" in t for t in room.dm_texts(f)) for f in families),
             timeout=60, describe="every family's second DM")
    quiet(room.fake)
    later = room.fake.requests[since:]
    dm_channels = {str(c) for c in room.fake.dm_channels}
    dm_posts = [r for r in later if r.method == "POST" and r.parts[:1] == ["channels"] and r.parts[1] in dm_channels]
    assert len(room.fake.seen("POST", "users", "@me", "channels")) == opened  # no channel opened again
    assert not [r for r in later if r.method == "GET" and r.parts[:1] == ["users"]]  # no user look-ups
    assert len(dm_posts) == FAMILIES
    # Discord's global limit (interaction routes exempt) held through both fan-outs
    paced = [r.at for r in room.fake.requests[start:] if r.parts[:1] and r.parts[0] not in EXEMPT]
    assert max_in_any_second(paced) <= 50
    assert room.fake.global_429s == refused_before


def test_after_a_refused_dm_the_bot_stops_sending_to_that_family(room: Room) -> None:
    """Every 403 counts toward Discord's invalid-request limit (10,000 in 10 minutes bans the
    bot for a while), so a family whose DMs are closed is not tried again and again."""
    teacher = room.fake.person("Mr Abe", "Teacher")
    closed, open_ = _families_by_dm(room, 2, "Closed ")
    wait_for(lambda: room.dms_containing(closed, "Welcome to Homeroom"), describe="the welcome, while DMs were open")
    closed.dms_closed = True
    room.command(teacher, "announce", text="The fun run is on Saturday.")
    wait_for(lambda: any("fun run" in t for t in room.dm_texts(open_)), describe="the open family's DM")
    refused = wait_for(lambda: [r for r in room.fake.seen("POST", "channels") if r.status == 403],
                       describe="Discord to refuse the closed family's DM")
    room.command(teacher, "announce", text="The bake sale is on Sunday.")
    wait_for(lambda: any("bake sale" in t for t in room.dm_texts(open_)), describe="the second DM")
    quiet(room.fake)
    assert [r for r in room.fake.seen("POST", "channels") if r.status == 403] == refused
    # only the welcome, sent when the family first met the bot, before they closed their DMs
    assert len(room.dm_texts(closed)) == 1
