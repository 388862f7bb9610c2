"""Commands as a person types them in Discord: only what the bot registered can be typed,
answers are what the interaction's callback and follow-ups carried."""

from __future__ import annotations

from tests.e2e.discord.fake import CHANNELS, snowflake, text_of
from tests.e2e.discord.process import quiet, wait_for
from tests.e2e.discord.room import Room

BACKENDS = ["sqlite", "postgresql"]


def test_a_poll_can_be_created_although_poll_close_is_a_subcommand(room: Room) -> None:
    organiser = room.fake.person("Mr Ortiz", "Committee")
    asked = room.command(organiser, "poll create", question="Which day for the picnic?", options="Friday; Saturday")
    room.card("Which day for the picnic?")
    assert room.registered("poll close") is not None
    assert "Sorry" not in room.answer(asked)


def test_a_refusal_says_who_may_in_words(room: Room) -> None:
    family = room.fake.person("Eva")
    asked = room.command(family, "signup create", title="Picnic", slots="🍉 Fruit x3")
    answer = room.answer(asked, "Sorry")
    assert "teachers, committee members and admins" in answer
    assert "admin, committee, teacher" not in answer


def test_slots_that_name_no_slot_are_refused_with_the_expected_form(room: Room) -> None:
    teacher = room.fake.person("Ms Ng", "Teacher")
    asked = room.command(teacher, "signup create", title="Nonsense day", slots="nonsense")
    assert 'slots:"🚌 Chaperone x4; 🍪 Snacks x2"' in room.answer(asked, "nonsense")
    quiet(room.fake)
    assert room.posts("Nonsense day") == []


def test_a_made_up_shortcode_is_refused(room: Room) -> None:
    teacher = room.fake.person("Mr Roy", "Teacher")
    asked = room.command(teacher, "signup create", title="Shortcode day", slots=":not_an_emoji: Helpers x2")
    assert ":not_an_emoji: is not an emoji I know" in room.answer(asked, "not_an_emoji")
    quiet(room.fake)
    assert room.posts("Shortcode day") == []


def test_a_server_emoji_by_name_and_id_is_a_slot(room: Room) -> None:
    teacher = room.fake.person("Ms Kay", "Teacher")
    room.command(teacher, "signup create", title="Star helpers", slots="<:hr_star:933000000000000001> Stars x2")
    card = room.card("Star helpers")
    family = room.fake.person("Gus")
    room.fake.reaction(family, card["id"], "hr_star:933000000000000001")
    wait_for(lambda: room.dms_containing(family, "Stars"), describe="Gus's confirmation")


def test_question_numbers_are_suggested_to_the_teacher_as_they_type(room: Room) -> None:
    teacher = room.fake.person("Ms Diaz", "Teacher")
    family = room.fake.person("Hoa")
    room.answer(room.command(teacher, "help"))  # the teacher is known to the bot
    room.command(family, "ask", text="When does the field trip leave?", teacher=str(teacher.user_id))
    wait_for(lambda: room.dms_containing(teacher, "field trip"), describe="the question to reach the teacher")
    typing = room.fake.interaction(teacher, 4, {"id": str(snowflake()), "name": "reply", "type": 1, "options": [
        {"name": "id", "type": 4, "value": "", "focused": True}]})
    callback = wait_for(lambda: room.fake.callbacks(typing), describe="the suggestions")[0]
    assert callback["type"] == 8
    choices = callback["data"]["choices"]
    assert any("field trip" in c["name"] and isinstance(c["value"], int) for c in choices)


def test_a_slow_translation_of_a_press_shows_thinking_within_the_deadline(room: Room) -> None:
    teacher = room.fake.person("Mr Poe", "Teacher")
    family = room.fake.person("Lan")
    room.answer(room.command(family, "language", name="es"))
    room.command(teacher, "announce", text="The library is closed on Monday for repairs.")
    post = room.card("The library is closed on Monday")
    room.fake.translate_delay = 5.0
    try:
        pressed = room.press(family, post, "Translate")
        answer = room.answer(pressed, "[es]")
    finally:
        room.fake.translate_delay = 0.0
    first = room.fake.callbacks(pressed)[0]
    assert first["type"] == 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: "Homeroom is thinking…"
    assert first["data"]["flags"] & 64  # only the person who pressed sees it
    assert "library" in answer
    assert len(room.fake.answers_to(pressed)) == 1  # the answer replaced the thinking message


def test_a_quick_press_that_says_nothing_is_a_silent_deferred_update(room: Room) -> None:
    teacher = room.fake.person("Ms Ray", "Teacher")
    family = room.fake.person("Mai")
    room.command(teacher, "announce", text="Picture day is on Thursday.")
    post = room.card("Picture day is on Thursday")
    pressed = room.press(family, post, "Got it")
    assert wait_for(lambda: room.fake.callbacks(pressed), describe="the acknowledgement")[0]["type"] in (4, 6)


def test_a_per_route_rate_limit_is_waited_out_and_the_post_arrives_once(room: Room) -> None:
    teacher = room.fake.person("Mr Lim", "Teacher")
    room.fake.limit_route("POST", "/channels/", times=1, retry_after=0.4)
    room.command(teacher, "announce", text="Sports day moved to June.")
    room.card("Sports day moved to June")
    quiet(room.fake)
    tries = [r for r in room.fake.seen("POST", "channels") if r.parts[1] == str(CHANNELS["announcements"])
             and "Sports day" in str(r.body)]
    assert [r.status for r in tries] == [429, 200]
    assert tries[1].at - tries[0].at >= 0.4  # Discord's retry_after was respected
    assert len(room.posts("Sports day moved to June")) == 1


def test_a_global_rate_limit_is_waited_out(room: Room) -> None:
    teacher = room.fake.person("Ms Ito", "Teacher")
    before = room.fake.global_429s
    room.fake.refuse_globally(2)
    room.command(teacher, "announce", text="Concert tickets are on sale.")
    room.card("Concert tickets are on sale")
    assert room.fake.global_429s == before + 2
    assert len(room.posts("Concert tickets are on sale")) == 1
    assert all("Concert" not in text_of(m) for m in room.fake.messages.values() if m.get("deleted"))
