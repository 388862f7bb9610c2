"""The question relay end to end on the console (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from adapters.console import console_session
from bot.api.events import DirectMessage
from bot.api.refs import ChannelRef, MessageRef
from bot.db.engine import Database
from bot.db.models import AuditEntry
from bot.delivery.models import OutboxEntry
from cogs.relay.models import RelayMessage

TEACHER = "as Ms Lee role=teacher"
FAMILY = "as Maria lang=es tz=America/Los_Angeles"  # 05:00 there at the sessions' start: quiet hours
FAMILY_AWAKE = "as Maria lang=es tz=America/New_York"  # 08:00 there


async def test_question_answer_follow_up_and_resolve_in_two_languages(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{FAMILY_AWAKE}\ndm ¿Puede mi hijo traer almuerzo mañana?")
        question = s.last("DM → Ms Lee")
        assert question.text == ("**Question #1 from Maria**\nOriginal (es): ¿Puede mi hijo traer almuerzo mañana?\n"
                                 "Translation: [en] ¿Puede mi hijo traer almuerzo mañana?\n"
                                 "— Reply to this message, or use /reply id:1 text:...")
        assert s.last("DM → Maria").text == ("[es] Your question #1 was sent to Ms Lee. The answer will come here, "
                                              "in your language.")
        await s.run(f"{TEACHER}\nreply #{question.number} Yes, of course!")
        answer = s.last("DM → Maria")
        assert answer.text.startswith("**[es] Answer to your question #1 from Ms Lee**\n[es] Yes, of course!")
        await s.run(f"{FAMILY_AWAKE}\ndm ¿Y a qué hora es la salida?")
        follow_up = s.last("DM → Ms Lee")
        assert "Question #1 from Maria" in follow_up.text and "¿Y a qué hora es la salida?" in follow_up.text
        await s.run(f"{FAMILY_AWAKE}\nclick #{answer.number} [es] Show original\n{TEACHER}\n/resolve id:1\n/questions")
    assert s.last("only Maria").text == "**[es] Original (en)**\nYes, of course!"
    assert s.last("only Ms Lee").text == "No questions here."
    assert s.find("#") == []  # nothing ever reached a public channel


async def test_duplicate_delivery_of_one_dm_relays_once(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{FAMILY}")
        channel = ChannelRef("console", "dm-maria", None, is_dm=True)
        event = DirectMessage(key="console:dm-once", actor=s.console.actor(s.console.current),  # type: ignore[arg-type]
                              community=None, text="¿Hay clase el lunes?", message=MessageRef(channel, "m1"))
        for _ in range(4):
            await s.core.dispatch(event)
        await s.core.settle()
    assert len(s.find("DM → Ms Lee")) == 1
    assert len(s.find("DM → Maria")) == 1


async def test_restart_between_receipt_and_relay_relays_exactly_once(db: Database) -> None:
    async with console_session(db) as before:
        await before.run(f"{TEACHER}\n{FAMILY}")
        before.core.settle = _no_settle  # type: ignore[method-assign]  # the process dies before running jobs
        await before.console.execute("dm ¿Hay tarea hoy?")
        assert before.find("DM → Ms Lee") == []
        people = dict(before.console.people)
    async with console_session(db) as after:
        after.console.people.update(people)
        await after.core.settle()
        await after.core.settle()
    assert len(after.find("DM → Ms Lee")) == 1


async def _no_settle() -> None:
    return None


async def test_translation_failure_relays_original_then_adds_translation(db: Database) -> None:
    async with console_session(db) as s:
        s.core.translator.fail = True  # type: ignore[attr-defined]
        await s.run(f"{TEACHER}\n{FAMILY}\ndm ¿Hay excursión?")
        first = s.last("DM → Ms Lee").text
        assert "¿Hay excursión?" in first and "Translation unavailable right now" in first
        s.core.translator.fail = False  # type: ignore[attr-defined]
        await s.run("advance 11m")
        async with db.read() as session:
            stored = (await session.scalars(select(RelayMessage))).one()
    assert s.last("DM → Ms Lee").text == "**Translation of question #1**\n[en] ¿Hay excursión?"
    assert stored.translated_text == "[en] ¿Hay excursión?"


async def test_other_families_and_other_teachers_cannot_read_or_answer(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\nas Mr Kim role=teacher\n{FAMILY}\n/ask text:\"¿Hay clase?\" teacher:\"Ms Lee\"")
        await s.run('as Ana\n/reply id:1 text:"no"\nas Mr Kim\n/reply id:1 text:"no"\n/resolve id:1')
    assert "only for teachers and admins" in s.last("only Ana").text
    kim = [e.text for e in s.find("only Mr Kim")]
    assert kim == ["Only the teacher this question was addressed to (or an admin) can read or answer it."] * 2
    assert s.last("only Maria").text.startswith("[es] Your question #1 was sent to Ms Lee")


async def test_family_chooses_among_several_teachers(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\nas Mr Kim role=teacher\n{FAMILY}\ndm Hola")
        prompt = s.last("DM → Maria")
        assert [b.label for b in prompt.message.buttons] == ["Ms Lee", "Mr Kim"]
        await s.run(f"click #{prompt.number} Mr Kim")
    assert len(s.find("DM → Mr Kim")) == 1 and s.find("DM → Ms Lee") == []


async def test_office_hours_auto_reply_shows_the_familys_time_zone(db: Database) -> None:
    async with console_session(db) as s:
        # 12:00 UTC Monday = 08:00 New York; office hours start at 10:00 New York = 07:00 Los Angeles.
        await s.run(f"{TEACHER}\n/office-hours Mon-Fri 10:00-16:00\n{FAMILY}\ndm ¿Pregunta?")
    replies = [e.text for e in s.find("DM → Maria")]
    assert replies[-1] == ("[es] Ms Lee is outside office hours right now. Expect an answer after lunes 7 septiembre "
                           "2026, 07:00 (America/Los_Angeles).")
    assert len(s.find("DM → Ms Lee")) == 1  # nothing held back from the teacher


async def test_faq_publish_never_names_the_family(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n{FAMILY}\ndm ¿Almuerzo?\n{TEACHER}\n/faq publish id:1 text:"maria asked about lunch"\n'
                    '/faq publish id:1 text:"Children may bring lunch from home."')
    posts = s.find("#announcements")
    assert len(posts) == 1
    assert "Maria" not in posts[0].text and "maria" not in posts[0].text
    assert [b.label for b in posts[0].message.buttons] == ["Translate"]


async def test_rate_limit_on_new_questions_is_kind(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{FAMILY}")
        for n in range(6):
            await s.run(f'/ask text:"Pregunta {n}"\n{TEACHER}\n/resolve id:{n + 1}\n{FAMILY}')
    assert "You have asked 5 new questions in the last hour" in s.last("only Maria").text
    assert len(s.find("DM → Ms Lee")) == 5


async def test_answers_and_reads_are_audited(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n{FAMILY}\ndm ¿Hola?\n{TEACHER}\n/reply id:1 text:"Hello"\n/questions all')
        async with db.read() as session:
            actions = sorted((await session.scalars(select(AuditEntry.action))).all())
    assert actions == ["relay.answer", "relay.delivered", "relay.list"]


async def test_a_teachers_direct_message_is_not_taken_for_a_question(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\ndm Thanks, I'll answer tomorrow\n/questions")
    assert s.find("DM → Ms Lee")[0].text.startswith("To answer a family, reply to their question")
    assert s.last("only Ms Lee").text == "No questions here."


async def test_a_teacher_who_takes_up_an_unassigned_question_receives_it_and_the_family_its_answer(
        db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\nas Mr Kim role=teacher\n{FAMILY_AWAKE}\ndm ¿Mi hijo puede faltar mañana?")
        prompt = s.last("DM → Maria")
        await s.run('as Mr Kim\n/reply id:1 text:"Yes, get well soon"')
        await s.run(f"{FAMILY_AWAKE}\nclick #{prompt.number} Ms Lee")
    assert "¿Mi hijo puede faltar mañana?" in s.last("DM → Mr Kim").text
    assert s.find("DM → Ms Lee") == []
    assert "[es] Yes, get well soon" in s.find("DM → Maria")[1].text
    assert s.last("only Maria").text == ("[es] A teacher has already taken up your question #1. "
                                         "The answer will come here.")


async def test_an_answer_written_late_at_night_waits_for_the_end_of_the_familys_quiet_hours(db: Database) -> None:
    async with console_session(db) as s:  # 12:00 UTC = 05:00 in Los Angeles: quiet hours until 07:00
        await s.run(f"{TEACHER}\n{FAMILY}\ndm ¿Hay excursión?\n{TEACHER}\n/reply id:1 text:\"Yes, on Friday\"")
        assert len(s.find("DM → Maria")) == 1  # only the receipt of the question
        await s.run("advance 2h")
    answer = s.last("DM → Maria")
    assert answer.text.startswith("**[es] Answer to your question #1 from Ms Lee**\n[es] Yes, on Friday")
    assert [b.label for b in answer.message.buttons] == ["[es] Show original"]


async def test_a_teacher_is_told_by_name_when_the_answer_cannot_reach_the_family(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\nas Maria lang=es\n/ask text:\"¿Hay clase?\"\nas Maria dms=closed\n"
                    f"{TEACHER}\n/reply id:1 text:\"Yes\"")
    assert s.last("DM → Ms Lee").text == ("I could not deliver a message to Maria: they do not accept direct "
                                          "messages from me. Please reach them another way.")
    assert s.find("DM → Maria") == []


async def test_a_family_whose_dms_are_known_closed_is_not_promised_the_answer_by_dm(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\nas Maria lang=es dms=closed\n/ask text:\"¿Hay clase?\"\n"
                    f"{TEACHER}\n/reply id:1 text:\"Yes\"\n/resolve id:1\n"  # the failed answer shows DMs closed
                    "as Maria\n/ask text:\"¿Y mañana?\"")
    told = s.last("only Maria").text
    assert told == ("[es] Your question #2 was sent to Ms Lee. I can't send you direct messages, so your teacher's "
                    "answer can't reach you here. Please open your direct messages from this server, or ask your "
                    "teacher in class.")
    assert len(s.find("DM → Ms Lee")) == 3  # both questions reached the teacher, and the report about the answer


async def test_a_teacher_answers_by_replying_to_the_delivered_question(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{FAMILY_AWAKE}\ndm ¿Hay clase?")
        question = s.last("DM → Ms Lee")
        await s.run(f"{TEACHER}\nreply #{question.number} Yes")
        async with db.read() as session:
            rows = (await session.scalars(select(OutboxEntry).order_by(OutboxEntry.id))).all()
    assert [(row.topic, row.subject, row.status) for row in rows] == [
        ("relay.question", "relay:message:1", "sent"), ("relay.answer", "relay:message:2", "sent")]
    assert rows[0].dm_message_id == question.ref.id
    assert s.last("DM → Maria").text.startswith("**[es] Answer to your question #1 from Ms Lee**\n[es] Yes")


async def test_a_published_faq_reaches_dm_families_by_dm_and_digest_families_in_the_digest(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Bob lang=fr\n/delivery dm\nas Chen lang=zh-CN\n/delivery digest\n{TEACHER}\n{FAMILY_AWAKE}\n"
                    f"dm ¿Almuerzo?\n{TEACHER}\n/faq publish id:1 text:\"Children may bring lunch from home.\"")
        by_dm = s.last("DM → Bob")
        assert s.find("DM → Chen") == []
        await s.run("advance 10h")  # 08:00 → 18:00 New York: the digest time
        digests = s.find("DM → Chen")
    assert by_dm.text == "**[fr] Question from a family**\n[fr] Children may bring lunch from home.\n— FAQ #1\n" \
        "[[fr] Got it ✓]"
    assert len(digests) == 1 and "[zh-CN] Children may bring lunch from home." in digests[0].text
    assert not any("lunch" in e.text for e in s.find("DM → Maria"))  # she reads the channel post


async def test_faq_list_shows_the_published_entries_in_the_readers_language(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{FAMILY_AWAKE}\ndm ¿Almuerzo?\n{TEACHER}\n"
                    "/faq publish id:1 text:\"Children may bring lunch from home.\"\n"
                    "/faq publish id:1 text:\"School starts at 8:00.\"\nas Bob lang=fr\n/faq list")
    assert s.last("only Bob").text == ("[fr] Published questions and answers (2):\n#2 — [fr] School starts at 8:00.\n"
                                       "#1 — [fr] Children may bring lunch from home.")


async def test_faq_list_says_kindly_when_nothing_is_published(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Bob\n/faq list")
    assert s.last("only Bob").text == "No questions have been published for the class yet."


async def test_a_teacher_is_told_again_when_a_later_answer_meets_dms_already_known_closed(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\nas Maria lang=es dms=closed\n/ask text:\"¿Hay clase?\"\n"
                    f"{TEACHER}\n/reply id:1 text:\"Yes\"\n/reply id:1 text:\"From 8:00\"")
        async with db.read() as session:
            answers = (await session.scalars(select(OutboxEntry.status).where(
                OutboxEntry.topic == "relay.answer"))).all()
    reports = [e.text for e in s.find("DM → Ms Lee") if e.text.startswith("I could not deliver a message to Maria")]
    assert answers == ["unreachable", "unreachable"]
    assert len(reports) == 2


async def test_a_spanish_question_from_an_english_locale_family_is_relayed_as_spanish(db: Database) -> None:
    """Nobody in the class has chosen Spanish and the family's platform says en-US: the
    question is still recognised as Spanish, so the teacher gets it translated."""
    from bot.translation.detection import Detector

    detector = Detector(0.25)

    async def detect(text: str, *, candidates: Iterable[str], fallback: str) -> str:
        return detector.detect(text, list(candidates), fallback)

    async with console_session(db) as s:
        s.core.translator.detect = detect  # type: ignore[method-assign]  # the real offline detector
        await s.run(f"{TEACHER}\nas Ana lang=en tz=America/New_York\n"
                    "dm ¿Puede mi hijo salir temprano el viernes para ir al médico?")
        async with db.read() as session:
            stored = (await session.scalars(select(RelayMessage))).one()
    assert stored.source_language == "es"
    assert "Original (es)" in s.last("DM → Ms Lee").text
