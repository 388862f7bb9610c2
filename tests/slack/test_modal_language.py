"""A Slack modal speaks the language of the member who opens it: title, buttons, labels and
placeholders, within Block Kit's caps (24 characters for the title and the buttons)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.slack.blocks import to_modal
from bot.api.commands import Choice, CommandSpec, OptionSpec, OptionType
from bot.api.forms import command_form, fit
from bot.api.roles import Role
from bot.i18n import load_catalogs
from tests.slack.harness import SlackDriver

pytestmark = pytest.mark.catalogs
SPANISH = load_catalogs()["es"]


def opened_view(slack: SlackDriver) -> dict[str, Any]:
    opened = slack.fake.called("views.open")[-1]
    view = opened["view"]
    return json.loads(view) if isinstance(view, str) else view


def inputs(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in view["blocks"] if block["type"] == "input"]


async def test_a_spanish_family_opening_ask_gets_the_modal_in_spanish(slack: SlackDriver) -> None:
    maria = await slack.person("Maria", language="es-ES")
    await slack.post_form(slack.command_fields(maria, "ask", ""))
    view = opened_view(slack)
    assert view["submit"]["text"] == SPANISH["Send"] == "Enviar"
    assert view["close"]["text"] == SPANISH["Cancel"]
    assert [block["label"]["text"] for block in inputs(view)] == [
        SPANISH["Your question"], SPANISH["Which teacher (if your class has several)"],
        SPANISH["Which child it is about (if you have several in the class)"]]
    description = SPANISH["Ask your child's teacher a private question, in any language"]
    assert view["title"]["text"] == fit(description) and len(view["title"]["text"]) <= 24
    assert view["blocks"][0] == {"type": "section", "text": {"type": "plain_text", "text": description,
                                                             "emoji": True}}


async def test_the_language_a_member_chose_wins_over_their_slack_locale(slack: SlackDriver) -> None:
    ana = await slack.person("Ana", language="en-US")
    await slack.command(ana, "language", name="español")
    await slack.post_form(slack.command_fields(ana, "ask", ""))
    assert opened_view(slack)["submit"]["text"] == "Enviar"


async def test_an_english_teacher_gets_english_within_slacks_caps(slack: SlackDriver) -> None:
    teacher = await slack.person("Ms Lee", role=Role.TEACHER)
    await slack.post_form(slack.command_fields(teacher, "announce", ""))
    view = opened_view(slack)
    assert (view["submit"]["text"], view["close"]["text"]) == ("Send", "Cancel")
    assert view["title"]["text"] == "Post an announcement to…"
    assert all(len(view[key]["text"]) <= 24 for key in ("title", "submit", "close"))
    assert inputs(view)[0]["label"]["text"] == "What families should know"


class Words:
    """The core's localize, as a stub: Spanish for the words of these tests."""

    WORDS = {"Send": "Enviar", "Cancel": "Cancelar", "Pick": "Elegir", "Format": "Formato", "How many": "Cuántos"}

    async def localize(self, lang: str | None, msgid: str, **params: object) -> str:
        return self.WORDS.get(msgid, msgid)


async def test_a_placeholder_shows_the_values_to_type_as_typed() -> None:
    spec = CommandSpec("pick", "Pick", (
        OptionSpec("format", "Format", required=True, choices=(Choice("md", "md"), Choice("csv", "csv"))),
        OptionSpec("count", "How many", type=OptionType.INTEGER, min_value=1, max_value=9)))
    form = await command_form(Words(), spec, "es")  # type: ignore[arg-type]
    assert [(f.label, f.placeholder) for f in form.fields] == [("Formato", "md / csv"), ("Cuántos", "1–9")]
    assert (form.title, form.submit, form.close, form.intro) == ("Elegir", "Enviar", "Cancelar", "")
    view = to_modal(form, "hr|cmd:pick|")
    assert view["blocks"][0]["element"]["placeholder"]["text"] == "md / csv"


def test_a_long_title_is_cut_at_a_word_and_marked() -> None:
    assert fit("Hacer una pregunta privada al maestro") == "Hacer una pregunta…"


def test_a_cut_never_separates_a_letter_from_its_accent() -> None:
    text = "e\u0301" * 30  # é written as e + combining acute
    cut = fit(text)
    assert len(cut) <= 24 and cut.endswith("…")
    assert cut[:-1] == "e\u0301" * ((len(cut) - 1) // 2)


def test_a_short_title_is_kept_whole() -> None:
    assert fit("Preguntar") == "Preguntar"


async def test_a_family_typing_a_staff_command_is_refused_at_once_not_after_a_form(slack: SlackDriver) -> None:
    maria = await slack.person("Maria", language="es-ES")
    await slack.post_form(slack.command_fields(maria, "announce", ""))
    await slack.settle()
    assert slack.fake.called("views.open") == []
    [refusal] = [s for s in slack.seen() if s.where == "ephemeral:Maria"]
    assert "/announce" in refusal.text
    assert not [s for s in slack.seen() if s.where.startswith("channel:")]
