"""What a delivery says, stored as data and put into words only when it is sent.

A delivery waits (quiet hours, a digest, a retry) and the reader may change their language
or time zone meanwhile, so a cog describes its message as :class:`Content` — catalog
messages with their parameters, and words a person wrote — and the delivery service renders
it in the reader's language and zone at the moment it goes out. Content round-trips through
JSON so it lives in the outbox row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.api.messages import ButtonStyle, FileRef, Tone


@dataclass(frozen=True, slots=True)
class When:
    """A moment, shown in the reader's language and time zone; ``day_only`` shows just the
    day (a due date: "Friday 2 October 2026")."""

    moment: datetime
    day_only: bool = False


@dataclass(frozen=True, slots=True)
class Written:
    """Words a person wrote (a sign-up title, an announcement): machine-translated into the
    reader's language, the original kept when translation fails."""

    text: str
    source: str | None = None
    #: whose words these are, so erasing that member also drops the cached translation
    owner_member_id: int | None = None


@dataclass(frozen=True, slots=True)
class Words:
    """Catalog messages used inside another message (role names): each is put into the
    reader's language and the list joined the reader's way ("administrador y comité")."""

    msgids: tuple[str, ...]


Param = str | int | When | Written | Words


@dataclass(frozen=True, slots=True)
class Phrase:
    """One piece of text: a catalog message with parameters, a person's own words (translated
    for the reader), or ``literal`` text shown exactly as it is (a quoted original)."""

    msgid: str = ""
    params: Mapping[str, Param] = field(default_factory=dict)
    written: Written | None = None
    literal: str | None = None

    @classmethod
    def of(cls, msgid: str, **params: Param) -> Phrase:
        return cls(msgid=msgid, params=params)

    @classmethod
    def words(cls, text: str, source: str | None = None, owner_member_id: int | None = None) -> Phrase:
        return cls(written=Written(text, source, owner_member_id))

    @classmethod
    def exact(cls, text: str) -> Phrase:
        """Text shown as it is, in every language (an original quoted next to its translation)."""
        return cls(literal=text)


@dataclass(frozen=True, slots=True)
class Item:
    """A named field of the delivered message (an embed field where the platform has them)."""

    name: Phrase
    value: Phrase


@dataclass(frozen=True, slots=True)
class Action:
    """A button on the delivered message (its label is a catalog message)."""

    label: str
    action: str
    value: str = ""
    style: ButtonStyle = ButtonStyle.SECONDARY
    #: the label is shown as it is (a number), not looked up as a catalog message
    exact: bool = False
    #: shown only beside a translation ("Show original"): a reader who already reads the
    #: person's words as written (their own language, or translation failed) does not get it
    with_translation: bool = False


@dataclass(frozen=True, slots=True)
class Attach:
    """A file made when the message is sent (a calendar file in the reader's zone): ``kind``
    names the maker a feature registered (``DeliveryService.on_attachment``), ``value`` its
    argument."""

    kind: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Menu:
    """A select menu on the delivered message: the placeholder is a catalog message; each
    option is (label, value), its label shown as it is (a language named in itself)."""

    placeholder: str
    action: str
    options: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Content:
    """A message to one person, in no language yet."""

    body: Phrase
    title: Phrase | None = None
    actions: tuple[Action, ...] = ()
    #: a fixed string, or a phrase put into the reader's language
    footer: str | Phrase | None = None
    fields: tuple[Item, ...] = ()
    attachments: tuple[Attach, ...] = ()
    tone: Tone = Tone.NORMAL
    menu: Menu | None = None


def file_links(files: Iterable[FileRef], post_link: str | None = None) -> str:
    """Each file's name and where a reader opens it: the channel post that carries it (the
    author's own upload may be private to them), else the platform's page for the file,
    else its address; one line each."""
    return "\n".join(f"{f.filename} — {post_link or f.permalink or f.url}" for f in files)


def attached(label: str, files: Iterable[FileRef], post_link: str | None = None) -> tuple[Item, ...]:
    """The "Attached: name — link" field of a delivered message (none without files), so a
    family reading by DM or digest can open the flyer or the form the channel post carries.
    ``label`` is the feature's catalog message for "Attached" (each feature's catalog keeps
    the words it uses)."""
    links = file_links(files, post_link)
    return (Item(Phrase.of(label), Phrase.exact(links)),) if links else ()


# ----- JSON ---------------------------------------------------------------------------------
def _param_json(value: Param) -> Any:
    if isinstance(value, When):
        return {"$when": value.moment.isoformat(), **({"day": True} if value.day_only else {})}
    if isinstance(value, Written):
        return {"$written": value.text, "source": value.source, "owner": value.owner_member_id}
    if isinstance(value, Words):
        return {"$words": list(value.msgids)}
    return value


def _param_from(value: Any) -> Param:
    if isinstance(value, dict) and "$when" in value:
        return When(datetime.fromisoformat(value["$when"]), bool(value.get("day")))
    if isinstance(value, dict) and "$written" in value:
        return Written(value["$written"], value.get("source"), value.get("owner"))
    if isinstance(value, dict) and "$words" in value:
        return Words(tuple(str(msgid) for msgid in value["$words"]))
    return value  # type: ignore[no-any-return]


def _phrase_json(phrase: Phrase) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if phrase.msgid:
        data["msgid"] = phrase.msgid
        data["params"] = {name: _param_json(value) for name, value in phrase.params.items()}
    if phrase.written is not None:
        data["written"] = _param_json(phrase.written)
    if phrase.literal is not None:
        data["literal"] = phrase.literal
    return data


def _phrase_from(data: dict[str, Any]) -> Phrase:
    written = _param_from(data["written"]) if "written" in data else None
    return Phrase(msgid=data.get("msgid", ""),
                  params={name: _param_from(value) for name, value in data.get("params", {}).items()},
                  written=written if isinstance(written, Written) else None, literal=data.get("literal"))


def to_json(content: Content) -> dict[str, Any]:
    return {
        "body": _phrase_json(content.body),
        "title": _phrase_json(content.title) if content.title is not None else None,
        "actions": [{"label": a.label, "action": a.action, "value": a.value, "style": a.style.value,
                     **({"exact": True} if a.exact else {}),
                     **({"with_translation": True} if a.with_translation else {})} for a in content.actions],
        "footer": {"phrase": _phrase_json(content.footer)} if isinstance(content.footer, Phrase) else content.footer,
        **({"fields": [{"name": _phrase_json(i.name), "value": _phrase_json(i.value)} for i in content.fields]}
           if content.fields else {}),
        **({"attachments": [{"kind": a.kind, "value": a.value} for a in content.attachments]}
           if content.attachments else {}),
        **({"tone": content.tone.value} if content.tone != Tone.NORMAL else {}),
        **({"menu": {"placeholder": content.menu.placeholder, "action": content.menu.action,
                     "options": [list(option) for option in content.menu.options]}} if content.menu else {}),
    }


def from_json(data: dict[str, Any]) -> Content:
    return Content(
        body=_phrase_from(data["body"]),
        title=_phrase_from(data["title"]) if data.get("title") else None,
        actions=tuple(Action(a["label"], a["action"], a.get("value", ""), ButtonStyle(a.get("style", "secondary")),
                             bool(a.get("exact", False)), bool(a.get("with_translation", False)))
                       for a in data.get("actions", [])),
        footer=_footer_from(data.get("footer")),
        fields=tuple(Item(_phrase_from(i["name"]), _phrase_from(i["value"])) for i in data.get("fields", [])),
        attachments=tuple(Attach(a["kind"], a.get("value", "")) for a in data.get("attachments", [])),
        tone=Tone(data.get("tone", "normal")),
        menu=_menu_from(data.get("menu")),
    )


def _menu_from(value: Any) -> Menu | None:
    if not isinstance(value, dict):
        return None
    options = tuple((str(label), str(code)) for label, code in value["options"])
    return Menu(value["placeholder"], value["action"], options)


def _footer_from(value: Any) -> str | Phrase | None:
    if isinstance(value, dict) and "phrase" in value:
        return _phrase_from(value["phrase"])
    return value if isinstance(value, str) else None
