"""Small things a family or teacher notices: being told of a role change, a picked meeting
in the committee's channel, roster times in the school's zone, an erase confirmation that
names the person."""

from __future__ import annotations

import csv
import io

from adapters.console import console_session
from bot.db.engine import Database

TEACHER = "as Ms Lee role=teacher"
COMMITTEE = "as Pat role=committee"


async def test_a_member_is_told_in_their_language_when_given_a_role(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Maria lang=es\n{TEACHER}\n/role user:Maria role:committee")
    assert s.last("DM → Maria").text == ("[es] Ms Lee gave you the [es] committee role in Homeroom. Your roles now: "
                                         "[es] committee.")


async def test_a_member_is_told_when_a_role_is_taken_away(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{TEACHER}\n/role user:Ana role:committee\n/role user:Ana role:committee remove:true")
    assert s.last("DM → Ana").text == "Ms Lee took away your committee role in Homeroom. Your roles now: family."


async def test_nobody_is_told_when_nothing_changed(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{TEACHER}\n/role user:Ana role:committee\n/role user:Ana role:committee")
    assert len(s.find("DM → Ana")) == 1


async def test_a_picked_meeting_is_posted_in_the_committee_channel(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{COMMITTEE}\nin #committee /meeting propose title:"PTA" times:"Tue 7pm; Wed 6:30pm"\n'
                    "/meeting pick id:1 option:2")  # typed in #general
    assert s.find("#general") == []
    assert "The meeting is on Wednesday 9 September 2026, 18:30" in s.last("#committee").text


async def test_roster_times_are_in_the_schools_zone(db: Database) -> None:
    async with console_session(db) as s:  # the clock starts at 12:00 UTC, 08:00 in New York
        await s.run(f'{TEACHER}\n/signup create title:"Zoo" slots:"🚌 Driver x2"\nas Ana\nreact #1 🚌\n'
                    f"{TEACHER}\n/signup roster id:1")
    roster = s.find("DM → Ms Lee")[-1].files[0]
    rows = list(csv.reader(io.StringIO(roster.content.decode())))
    assert rows[1] == ["Ana", "Driver", "confirmed", "2026-09-07T08:00-04:00"]


async def test_an_admins_erase_confirmation_names_the_person(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Linh Tran\nas Principal role=admin\n/privacy delete user:"Linh Tran"')
        confirm = s.last("only Principal")
        await s.run(f"click #{confirm.number} Yes")
    assert confirm.text.startswith("This erases everything Homeroom keeps about Linh Tran:")
    assert "u-linh" not in confirm.text
    assert s.last("only Principal").text == "Done. Everything Homeroom kept about Linh Tran is erased."
