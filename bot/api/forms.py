"""Forms (modals) in the reader's language.

A form reaches a platform with every word already in the language of the person who opens
it — its title, its buttons, each field's label, hint and placeholder — the way replies are:
the core knows that person's language, the adapter only draws the form. A command typed
without the options it needs gets a form built from its declaration (labels are the
options' descriptions, which are catalog messages); a cog's own form holds msgids and is
put into the reader's language the same way. Platforms cap a form's title and buttons
(the strictest at 24 characters), so those are fitted without cutting a letter from its accents, and
a title that had to be shortened is given whole at the top of the form.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.api.commands import CommandSpec, OptionType
from bot.api.messages import Form, FormField
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.api.services import Services

#: the strictest platform cap on a form's title and button texts
SHORT_LIMIT = 24
MSG_SUBMIT = N_("Send")
MSG_CLOSE = N_("Cancel")
#: a command's form that outlived the options typed with the command (see Core.command_form_expired)
MSG_FORM_EXPIRED = N_("Sorry, this form waited too long and lost what you typed with /{command}, so nothing "
                      "was done. Please type /{command} again.")
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}


def _joined_to_previous(char: str) -> bool:
    """A mark, a joiner or a variation selector: cutting before it would split what a reader
    sees as one letter or one emoji."""
    return bool(unicodedata.combining(char)) or char in _JOINERS or unicodedata.category(char) == "Mn" or (
        "\U0001f3fb" <= char <= "\U0001f3ff")


def fit(text: str, limit: int = SHORT_LIMIT) -> str:
    """``text`` in at most ``limit`` characters: whole when it fits, else cut at a word where
    there is one near the end (an ellipsis says so), never inside a letter and its marks."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = limit - 1
    while cut > 0 and (_joined_to_previous(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    head = text[:cut]
    space = head.rfind(" ")
    if text[cut] != " " and space >= limit // 2:  # the cut falls inside a word: end at the one before
        head = head[:space]
    return head.rstrip(" ,;:.—–-(") + "…"


def _placeholder(option_type: OptionType, choices: tuple[str, ...], low: int | None, high: int | None) -> str:
    """What to type, without words: a choice's values (typed as written), a number's range."""
    if choices:
        return " / ".join(choices)
    if option_type is OptionType.INTEGER and low is not None and high is not None:
        return f"{low}–{high}"
    return ""


async def _buttons_and_title(core: Services, form: Form, lang: str, title: str) -> Form:
    """The form with its title fitted (given whole at the top when shortened) and its buttons
    in ``lang``."""
    fitted = fit(title)
    intro = form.intro or ("" if fitted == title else title)
    return replace(form, title=fitted, intro=intro,
                   submit=fit(await core.localize(lang, form.submit or MSG_SUBMIT)),
                   close=fit(await core.localize(lang, form.close or MSG_CLOSE)))


async def command_form(core: Services, spec: CommandSpec, lang: str) -> Form:
    """The form of a command's options in ``lang``: its title the command's description, a
    field per option labelled with the option's description; a placeholder shows the values
    to type (as typed, so never translated)."""
    fields = tuple([
        FormField(name=o.name, label=await core.localize(lang, o.description), long=o.long, required=o.required,
                  file=o.type == OptionType.ATTACHMENT,
                  placeholder=_placeholder(o.type, tuple(c.value for c in o.choices), o.min_value, o.max_value))
        for o in spec.options])
    form = Form(form_id=spec.name, title=spec.description, fields=fields)
    return await _buttons_and_title(core, form, lang, await core.localize(lang, spec.description))


async def localized(core: Services, form: Form, lang: str) -> Form:
    """A cog's ``form``, whose words are msgids, in ``lang``."""

    async def t(msgid: str) -> str:
        return await core.localize(lang, msgid) if msgid else ""

    fields = tuple([replace(f, label=await t(f.label), hint=await t(f.hint), placeholder=await t(f.placeholder))
                    for f in form.fields])
    form = replace(form, fields=fields, intro=await t(form.intro))
    return await _buttons_and_title(core, form, lang, await t(form.title))
