"""Platform-neutral messages as Slack Block Kit (with a plain-text fallback, always)."""

from __future__ import annotations

import re
from typing import Any

from bot.api import customid
from bot.api.forms import SHORT_LIMIT, fit
from bot.api.messages import Button, Form, FormField, Message, Tone

SECTION_LIMIT = 3000
#: Block Kit's cap on an ``action_id`` or a view's ``callback_id``.
ID_LIMIT = 255
#: Block Kit's cap on a button's ``value``.
VALUE_LIMIT = 2000
HEADER_LIMIT = 150
ACTIONS_LIMIT = 25


#: Slack's control sequences, which mrkdwn must keep as they are: mentions, channels,
#: ``<!here>``-style commands and links (what Slack itself sends for them).
_CONTROL = re.compile(r"<(?:[@#!][^<>\s]*|(?:https?|mailto):[^<>\s]*)>")


def escape(text: str) -> str:
    """Text for a mrkdwn field: ``&``, ``<`` and ``>`` as Slack's three entities (Slack reads
    a bare ``<`` as the start of a control sequence), Slack's own control sequences kept."""
    parts, last = [], 0
    for found in _CONTROL.finditer(text):
        parts.append(_entities(text[last:found.start()]))
        parts.append(found.group(0))
        last = found.end()
    parts.append(_entities(text[last:]))
    return "".join(parts)


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chunks(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def _button(b: Button) -> dict[str, Any]:
    style = {"style": "danger"} if b.style == "danger" else {"style": "primary"} if b.style in (
        "primary", "success") else {}
    return {"type": "button", "text": {"type": "plain_text", "text": b.label[:75]},
            "action_id": customid.checked(b.custom_id, limit=ID_LIMIT, what="Slack action_id"),
            "value": customid.checked(b.value, limit=VALUE_LIMIT, what="Slack button value") or "-", **style}


def fallback_text(message: Message) -> str:
    """The message's top-level ``text``: what notifications and screen readers show. Slack
    reads it as mrkdwn, where bold is ``*bold*`` (Markdown's ``**bold**`` shows its stars)."""
    parts: list[str] = []
    if message.title:
        parts.append(f"*{escape(message.title)}*")
    if message.text:
        parts.append(escape(message.text))
    parts.extend(f"*{escape(f.name)}*: {escape(f.value)}" for f in message.fields)
    if message.footer:
        parts.append(escape(message.footer))
    return "\n".join(parts) or " "


def to_blocks(message: Message) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    alert = message.tone == Tone.ALERT
    if message.title or alert:
        title = (":rotating_light: " if alert else "") + (message.title or "")
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": title[:HEADER_LIMIT], "emoji": True}})
    if message.notify_channel:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "<!here>"}})
    if message.text:
        for chunk in _chunks(escape(message.text), SECTION_LIMIT):
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    for start in range(0, len(message.fields), 10):
        fields = message.fields[start:start + 10]
        blocks.append({"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*{escape(f.name)}*\n{escape(f.value)}"[:2000]} for f in fields]})
    elements: list[dict[str, Any]] = [_button(b) for b in message.buttons]
    for menu in message.selects:
        elements.append({"type": "static_select",
                         "action_id": customid.checked(menu.custom_id, limit=ID_LIMIT, what="Slack action_id"),
                         "placeholder": {"type": "plain_text", "text": menu.placeholder[:150]},
                         "options": [{"text": {"type": "plain_text", "text": o.label[:75]}, "value": o.value}
                                     for o in menu.options[:100]]})
    for start in range(0, len(elements), ACTIONS_LIMIT):
        blocks.append({"type": "actions", "elements": elements[start:start + ACTIONS_LIMIT]})
    if message.footer:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(message.footer)[:2000]}]})
    return blocks


#: Block Kit's cap on a plain-text input (a larger max_length makes Slack refuse the whole view).
MAX_INPUT_LENGTH = 3000


def to_modal(form: Form, callback_id: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": customid.checked(callback_id, limit=ID_LIMIT, what="Slack callback_id"),
        "private_metadata": form.value,
        "title": _plain(form.title or "Homeroom", SHORT_LIMIT),
        "submit": _plain(form.submit or "OK", SHORT_LIMIT),
        **({"close": _plain(form.close, SHORT_LIMIT)} if form.close else {}),
        "blocks": [
            *([{"type": "section", "text": _plain(form.intro, 3000)}] if form.intro else []),
            *({"type": "input", "block_id": field.name, "optional": not field.required,
               "label": _plain(field.label, 2000), "element": _input_element(field),
               **({"hint": _plain(field.hint, 2000)} if field.hint else {})}
              for field in form.fields),
        ],
    }


def _plain(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object within Block Kit's cap (the core already fitted short texts; this
    only guards the cap, never cutting inside a letter and its marks)."""
    return {"type": "plain_text", "text": fit(text, limit), "emoji": True}


def _input_element(field: FormField) -> dict[str, Any]:
    """Text, or one file (Block Kit's file input; its files arrive in the submission's state)."""
    if field.file:
        return {"type": "file_input", "action_id": "value", "max_files": 1}
    return {"type": "plain_text_input", "action_id": "value", "multiline": field.long,
            "max_length": min(field.max_length, MAX_INPUT_LENGTH),
            **({"placeholder": _plain(field.placeholder, 150)} if field.placeholder else {}),
            **({"initial_value": field.default[:MAX_INPUT_LENGTH]} if field.default else {})}
