"""The console adapter: a community in a terminal, with no tokens and no network.

It is also the in-memory adapter every test layer uses: lines go in (the same syntax for
interactive use, ``--script`` files and tests), numbered transcript entries come out, and
nothing leaves the process. People are created on first use with ``as <name>``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from adapters.console.files import FileShelf, fetch, shared_file
from adapters.console.journal import DeliveryJournal
from adapters.console.people import People, Person
from adapters.console.render import render
from bot.api.commands import CommandSyntaxError, split_words
from bot.api.durations import parse_duration
from bot.api.emoji import Emoji
from bot.api.emoji import parse as parse_emoji
from bot.api.engine import Engine
from bot.api.events import (
    Actor,
    ButtonPressed,
    ChannelMessage,
    CommandInvoked,
    DirectMessage,
    ReactionAdded,
    ReactionRemoved,
    ThreadReply,
)
from bot.api.messages import Attachment, FileRef, Form, Message
from bot.api.outbound import Capabilities, Delivery, DeliveryStatus, MemberInfo, Outbound
from bot.api.refs import ChannelRef, CommunityRef, InteractionRef, MessageRef, UserRef
from bot.api.roles import Role
from bot.i18n import languages

CONSOLE = "console"
CHANNEL_NAMES = ("announcements", "general", "committee", "staff")


class ScriptError(Exception):
    """A line the console cannot run (bad syntax, unknown message number...)."""


def parse_roles(text: str) -> frozenset[Role]:
    """The console's ``role=`` setting: one role or several (``role=teacher,admin``); these
    are the person's platform roles, as a Discord server's roles would be."""
    roles: set[Role] = set()
    for word in text.split(","):
        parsed = Role.parse(word)
        if parsed is None:
            raise ScriptError(f"as: unknown role {word.strip()!r} (family, committee, teacher or admin)")
        roles.add(parsed)
    return frozenset(roles - {Role.FAMILY})


@dataclass
class Entry:
    """One numbered thing the bot did. ``where`` is "#channel", "DM → name",
    "only name sees", or "thread of #n"."""

    number: int
    where: str
    message: Message
    ref: MessageRef
    audience: str | None = None  # the person a DM or ephemeral reply is for
    edits: int = 0
    deleted: bool = False
    reactions: dict[str, tuple[Emoji, list[UserRef]]] = field(default_factory=dict)
    files: list[Attachment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(render(self.message))


class ConsoleAdapter(Outbound):
    platform = CONSOLE
    capabilities = Capabilities(
        buttons=True, selects=True, forms=False, threads=True, ephemeral=True, file_upload=True,
        reactions=True, remove_others_reactions=True, edit_dm=True, max_reactions_per_message=20,
        max_buttons_per_message=25, max_select_options=25, max_text_length=4000,
        # one terminal: a person is the same person in every console community
        dms_span_communities=True,
    )

    def __init__(self, core: Engine, *, out: Callable[[str], None] = print, community_name: str = "",
                 files_dir: Path | None = None) -> None:
        self.core = core
        self.out = out
        #: where sent files are written for a person to open (None: kept in the transcript only)
        self.files = FileShelf(files_dir) if files_dir is not None else None
        self.community = CommunityRef(CONSOLE, "room")
        self.community_name = community_name or core.config.section("console").community_name
        self.channels = {name: ChannelRef(CONSOLE, name, self.community) for name in CHANNEL_NAMES}
        self.people: People = People()
        self.current: Person | None = None
        self.entries: list[Entry] = []
        self.bot_user = UserRef(CONSOLE, "homeroom-bot")
        self.journal = DeliveryJournal(core.config.section("console").journal_file)
        core.add_adapter(self)

    # ----- transcript ---------------------------------------------------------------------
    def _emit(self, header: str, message: Message) -> None:
        lines = render(message)
        self.out(f"{header} {lines[0]}")
        for line in lines[1:]:
            self.out(f"    {line}")

    def _new_entry(self, where: str, message: Message, channel: ChannelRef, audience: str | None = None) -> Entry:
        if message.files:  # shared files are read when posted, as a platform fetches an upload
            message = replace(message, files=(), attachments=(*message.attachments, *map(fetch, message.files)))
        number = len(self.entries) + 1
        entry = Entry(number=number, where=where, message=message, ref=MessageRef(channel, str(number)),
                      audience=audience, files=list(message.attachments))
        self.entries.append(entry)
        self._emit(f"#{number} [{where}]", message)
        if self.files is not None:
            for attachment in message.attachments:
                self.out(f"    (saved as {self.files.save(attachment)})")
        return entry

    def entry(self, ref_or_number: MessageRef | int | str) -> Entry:
        number = ref_or_number.id if isinstance(ref_or_number, MessageRef) else ref_or_number
        try:
            index = int(str(number).lstrip("#")) - 1
        except ValueError:
            raise ScriptError(f"not a message number: {number}") from None
        if not 0 <= index < len(self.entries):
            raise ScriptError(f"there is no message #{index + 1}")
        return self.entries[index]

    def person_named(self, name: str) -> Person | None:
        return self.people.get(name.strip().lstrip("@").lower())

    def _person_of(self, user: UserRef) -> Person | None:
        return self.people.by_user(user)

    def _name_of(self, user: UserRef) -> str:
        person = self._person_of(user)
        return person.name if person else user.id

    # ----- Outbound -----------------------------------------------------------------------
    async def post(self, channel: ChannelRef, message: Message) -> MessageRef:
        return self._new_entry(f"#{channel.id}", message, channel).ref

    async def post_in_thread(self, parent: MessageRef, message: Message) -> MessageRef:
        parent_entry = self.entry(parent)
        thread = ChannelRef(CONSOLE, f"thread-{parent_entry.number}", self.community)
        return self._new_entry(f"thread of #{parent_entry.number}", message, thread,
                               audience=parent_entry.audience).ref

    async def edit(self, ref: MessageRef, message: Message) -> None:
        entry = self.entry(ref)
        entry.message = message
        entry.edits += 1
        self._emit(f"(edit of #{entry.number}) [{entry.where}]", message)

    async def delete(self, ref: MessageRef) -> None:
        entry = self.entry(ref)
        entry.deleted = True
        self.out(f"(#{entry.number} deleted)")

    async def send_dm(self, user: UserRef, message: Message, *, key: str | None = None, resend: bool = False,
                      dm_channel: str | None = None) -> Delivery:
        person = self._person_of(user)
        if person is None:
            return Delivery(DeliveryStatus.NOT_FOUND, detail="no such person")
        if person.dms_closed:
            return Delivery(DeliveryStatus.DMS_CLOSED)
        channel = ChannelRef(CONSOLE, f"dm-{user.id}", None, is_dm=True)
        if key is not None:
            earlier = self.journal.get(key)
            if earlier is not None:  # delivered before a crash: the record says so, no second copy
                return Delivery(DeliveryStatus.SENT, message=MessageRef(channel, earlier), detail="already delivered")
            self.journal.record(key, str(len(self.entries) + 1), person.name)
        entry = self._new_entry(f"DM → {person.name}", message, channel, audience=person.name)
        return Delivery(DeliveryStatus.SENT, message=entry.ref)

    async def reply_private(self, interaction: InteractionRef, message: Message) -> None:
        name = self._name_of(UserRef(CONSOLE, interaction.token))
        channel = interaction.channel or self.channels["general"]
        self._new_entry(f"only {name} sees", message, channel, audience=name)

    async def open_form(self, interaction: InteractionRef, form: Form) -> bool:
        return False

    async def add_reaction(self, ref: MessageRef, emoji: Emoji) -> None:
        entry = self.entry(ref)
        entry.reactions.setdefault(emoji.key, (emoji, []))
        users = entry.reactions[emoji.key][1]
        if self.bot_user not in users:
            users.append(self.bot_user)
        self.out(f"    (#{entry.number} +{emoji.display})")

    async def remove_reaction(self, ref: MessageRef, emoji: Emoji, user: UserRef) -> None:
        entry = self.entry(ref)
        if emoji.key in entry.reactions and user in entry.reactions[emoji.key][1]:
            entry.reactions[emoji.key][1].remove(user)
            self.out(f"    (Homeroom removed {self._name_of(user)}'s {emoji.display} from #{entry.number})")

    async def read_reactions(self, ref: MessageRef) -> dict[str, tuple[Emoji, list[UserRef]]]:
        try:
            entry = self.entry(ref)
        except ScriptError:
            raise LookupError(f"message {ref.id} is not in this console's transcript") from None
        return {key: (emoji, [u for u in users if u != self.bot_user])
                for key, (emoji, users) in entry.reactions.items()}

    async def lookup_member(self, community: CommunityRef, user: UserRef) -> MemberInfo | None:
        person = self._person_of(user)
        if person is None:
            return None
        return MemberInfo(user=user, display_name=person.name, locale=person.locale,
                          platform_roles=person.roles)

    async def upload_file(self, destination: ChannelRef | UserRef, attachment: Attachment,
                          message: Message | None = None) -> MessageRef | None:
        base = message or Message()
        with_file = Message(text=base.text, title=base.title, fields=base.fields, attachments=(attachment,))
        if isinstance(destination, UserRef):
            delivery = await self.send_dm(destination, with_file)
            return delivery.message
        return await self.post(destination, with_file)

    async def resolve_channel(self, community: CommunityRef, text: str) -> ChannelRef | None:
        return self.channels.get(text.strip().lstrip("#").lower())

    async def resolve_file(self, community: CommunityRef, text: str) -> FileRef | None:
        return shared_file(text)

    async def resolve_user(self, community: CommunityRef, text: str) -> UserRef | None:
        person = self.person_named(text)
        return person.user if person else None

    def mention(self, user: UserRef) -> str:
        return f"@{self._name_of(user)}"

    # ----- people -------------------------------------------------------------------------
    async def act_as(self, name: str, *, role: str | None = None, lang: str | None = None,
                     tz: str | None = None, dms: str | None = None) -> Person:
        """Switch the current person, creating them on first use."""
        key = name.strip().lower()
        if not key:
            raise ScriptError("as: a name is required")
        person = self.people.get(key)
        if person is None:
            slug = re.sub(r"[^a-z0-9]+", "-", key).strip("-") or uuid.uuid4().hex[:6]
            person = Person(user=UserRef(CONSOLE, f"u-{slug}"), name=name.strip())
            self.people[key] = person
        if role is not None:
            person.roles = parse_roles(role)
        if lang is not None:
            code = languages.normalize(lang)
            if code is None:
                raise ScriptError(f"as: unknown language {lang!r}")
            person.locale = code
        if tz is not None:
            from zoneinfo import ZoneInfo

            try:
                ZoneInfo(tz)
            except Exception:
                raise ScriptError(f"as: unknown time zone {tz!r}") from None
            person.timezone = tz
        if dms is not None:
            if dms not in ("open", "closed"):
                raise ScriptError("as: dms must be open or closed")
            person.dms_closed = dms == "closed"
        self.current = person
        await self._sync_profile(person, explicit_lang=lang is not None, explicit_tz=tz is not None)
        return person

    async def _sync_profile(self, person: Person, *, explicit_lang: bool, explicit_tz: bool) -> None:
        """The console is the platform here: its people's locale and zone are platform facts."""
        community = await self.core.ensure_community(self.community, self.community_name)
        member = await self.core.ensure_member(community, self.actor(person))
        changes: dict[str, object] = {}
        if explicit_lang and person.locale:
            changes["language"] = person.locale
        if explicit_tz and person.timezone:
            changes["timezone"] = person.timezone
        if changes:
            await self.core.update_member(member.id, **changes)

    def actor(self, person: Person) -> Actor:
        return Actor(user=person.user, display_name=person.name, locale=person.locale,
                     platform_roles=person.roles)

    def _require_person(self) -> Person:
        if self.current is None:
            raise ScriptError("say who you are first: as <name> [role=...] [lang=...] [tz=...]")
        return self.current

    # ----- input lines ----------------------------------------------------------------------
    @staticmethod
    def _key() -> str:
        return f"console:{uuid.uuid4().hex}"

    async def execute(self, line: str) -> None:
        """Run one console line (see the README for the syntax)."""
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            return  # blank lines and comments
        word, _, rest = stripped.partition(" ")
        rest = rest.strip()
        channel = self.channels["general"]
        if word == "in":
            target, _, rest_line = rest.partition(" ")
            found = self.channels.get(target.lstrip("#").lower())
            if found is None:
                raise ScriptError(f"in: unknown channel {target}")
            channel = found
            word, _, rest = rest_line.strip().partition(" ")
            rest = rest.strip()
        if word.startswith("/"):
            await self._command(word[1:], rest, channel)
        elif word == "as":
            await self._as(rest)
        elif word == "dm":
            await self._dm(rest)
        elif word == "say":
            await self._say(rest)
        elif word in ("react", "unreact"):
            await self._react(rest, add=word == "react")
        elif word == "click":
            await self._click(rest)
        elif word == "reply":
            await self._reply(rest)
        elif word == "advance":
            await self._advance(rest)
        else:
            raise ScriptError(f"unknown console command {word!r}")
        await self.core.settle()

    async def _as(self, rest: str) -> None:
        try:
            words = split_words(rest)
        except CommandSyntaxError as exc:
            raise ScriptError(str(exc)) from None
        name_words = [w for w in words if "=" not in w]
        options = dict(w.split("=", 1) for w in words if "=" in w)
        unknown = set(options) - {"role", "lang", "tz", "dms"}
        if unknown:
            raise ScriptError(f"as: unknown setting {sorted(unknown)[0]!r} (role, lang, tz, dms)")
        await self.act_as(" ".join(name_words), role=options.get("role"), lang=options.get("lang"),
                          tz=options.get("tz"), dms=options.get("dms"))

    async def _command(self, name: str, rest: str, channel: ChannelRef) -> None:
        person = self._require_person()
        if not name:
            raise ScriptError("a command name is required after /")
        interaction = InteractionRef(CONSOLE, uuid.uuid4().hex, token=person.user.id, channel=channel)
        await self.core.dispatch(CommandInvoked(
            key=self._key(), actor=self.actor(person), community=self.community, name=name.lower(),
            raw_text=rest, channel=channel, interaction=interaction, received_at=self.core.clock.now(),
        ))

    async def _dm(self, text: str) -> None:
        person = self._require_person()
        if not text:
            raise ScriptError("dm: write the message after dm")
        channel = ChannelRef(CONSOLE, f"dm-{person.user.id}", None, is_dm=True)
        await self.core.dispatch(DirectMessage(
            key=self._key(), actor=self.actor(person), community=None, text=text,
            message=MessageRef(channel, uuid.uuid4().hex), received_at=self.core.clock.now(),
        ))

    async def _say(self, rest: str) -> None:
        person = self._require_person()
        target, _, text = rest.partition(" ")
        channel = self.channels.get(target.lstrip("#").lower())
        if channel is None or not target.startswith("#"):
            raise ScriptError(f"say: unknown channel {target!r}")
        await self.core.dispatch(ChannelMessage(
            key=self._key(), actor=self.actor(person), community=self.community, text=text.strip(),
            message=MessageRef(channel, uuid.uuid4().hex), received_at=self.core.clock.now(),
        ))

    async def _react(self, rest: str, *, add: bool) -> None:
        person = self._require_person()
        target, _, emoji_text = rest.partition(" ")
        entry = self.entry(target)
        emoji = parse_emoji(emoji_text)
        if emoji is None:
            raise ScriptError(f"not an emoji: {emoji_text!r}")
        users = entry.reactions.setdefault(emoji.key, (emoji, []))[1]
        if add:
            if person.user in users:
                return  # the platform ignores a second identical reaction
            users.append(person.user)
            event_type: type[ReactionAdded] | type[ReactionRemoved] = ReactionAdded
        else:
            if person.user not in users:
                raise ScriptError(f"{person.name} has not reacted {emoji.display} on #{entry.number}")
            users.remove(person.user)
            event_type = ReactionRemoved
        await self.core.dispatch(event_type(
            key=self._key(), actor=self.actor(person), community=self.community if entry.audience is None else None,
            message=entry.ref, emoji=emoji, received_at=self.core.clock.now(),
        ))

    async def _click(self, rest: str) -> None:
        person = self._require_person()
        target, _, label = rest.partition(" ")
        entry = self.entry(target)
        wanted = label.strip().strip('"').lower()
        if not wanted:
            raise ScriptError("click: say which button")
        action = value = None
        for button in entry.message.buttons:
            if button.label.lower() == wanted or button.label.lower().startswith(wanted):
                action, value = button.action, button.value
                break
        for menu in entry.message.selects if action is None else ():
            for option in menu.options:
                if option.label.lower() == wanted or option.label.lower().startswith(wanted):
                    action, value = menu.action, option.value
                    break
            if action is not None:
                break
        if action is None:
            labels = ", ".join(b.label for b in entry.message.buttons) or "none"
            raise ScriptError(f"#{entry.number} has no button {label.strip()!r} (buttons: {labels})")
        interaction = InteractionRef(CONSOLE, uuid.uuid4().hex, token=person.user.id, channel=entry.ref.channel)
        community = self.community
        await self.core.dispatch(ButtonPressed(
            key=self._key(), actor=self.actor(person), community=community, action=action, value=value,
            message=entry.ref, interaction=interaction, received_at=self.core.clock.now(),
        ))

    async def _reply(self, rest: str) -> None:
        person = self._require_person()
        target, _, text = rest.partition(" ")
        entry = self.entry(target)
        if not text.strip():
            raise ScriptError("reply: write the reply after the message number")
        thread = ChannelRef(CONSOLE, f"thread-{entry.number}", self.community)
        await self.core.dispatch(ThreadReply(
            key=self._key(), actor=self.actor(person), community=None if entry.audience else self.community,
            text=text.strip(), parent=entry.ref, message=MessageRef(thread, uuid.uuid4().hex),
            received_at=self.core.clock.now(),
        ))

    async def _advance(self, rest: str) -> None:
        delta = parse_duration(rest)
        if delta is None:
            raise ScriptError(f"advance: not a duration: {rest!r} (try 25h, 3d, 90m)")
        await advance_clock(self.core, delta)
        self.out(f"(clock: {self.core.clock.now().astimezone(self.core.zone_of(None, None)):%a %Y-%m-%d %H:%M %Z})")


async def advance_clock(core: Engine, delta: timedelta) -> None:
    """Move a manual clock forward, stopping at each due job in order so every job runs at
    its own time (a week of digests runs as seven digests, not one)."""
    clock = core.clock
    if not hasattr(clock, "set"):
        raise ScriptError("advance needs the console clock")
    target = clock.now() + delta
    while True:
        await core.settle()
        due = await core.jobs.next_due()
        if due is None or due > target:
            break
        clock.set(due)  # type: ignore[attr-defined]
        await core.jobs.run_due()
    clock.set(target)  # type: ignore[attr-defined]
    await core.settle()
