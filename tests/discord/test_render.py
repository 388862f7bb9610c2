"""Messages as Discord embeds: nothing is silently cut below what one message can carry."""

from __future__ import annotations

from adapters.discord.render import EMBEDS, FIELD_VALUE, TOTAL, to_embeds
from bot.api.messages import Field, Message


def characters(embeds: list) -> int:  # type: ignore[type-arg]
    return sum(len(e.title or "") + len(e.description or "") + len((e.footer.text if e.footer else None) or "")
               + sum(len(f.name) + len(f.value) for f in e.fields) for e in embeds)


def test_a_long_field_continues_in_the_next_field_instead_of_being_cut() -> None:
    question = "¿" + "a" * 1400 + "?"
    embeds = to_embeds(Message(title="Question #1 from Maria", fields=(Field("Original (es)", question),)))
    values = [f.value for e in embeds for f in e.fields]
    assert all(len(v) <= FIELD_VALUE for v in values)
    assert "".join(values) == question


def test_a_long_text_continues_in_a_second_embed() -> None:
    text = "b" * 5000
    embeds = to_embeds(Message(title="Digest", text=text, footer="#1"))
    assert len(embeds) == 2 and "".join(e.description or "" for e in embeds) == text
    assert embeds[-1].footer.text == "#1"


def test_more_than_one_message_can_carry_is_cut_with_a_visible_mark_and_stays_within_limits() -> None:
    fields = tuple(Field(f"Slot {n}", "x" * 900) for n in range(30))
    embeds = to_embeds(Message(title="Sign-up", fields=fields, footer="#7"))
    assert len(embeds) <= EMBEDS and characters(embeds) <= TOTAL
    assert embeds[-1].fields[-1].value.endswith("…")
