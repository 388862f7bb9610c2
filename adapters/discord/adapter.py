"""The Discord adapter on discord.py: minimal intents, raw reaction events, application
commands parsed from interactions (no in-memory views), embeds with persistent components.

Every slash command is acknowledged at once (a deferred ephemeral "thinking" response, or a
modal when a long option is missing) and answered with follow-ups after the core has worked;
a button press is answered by its own reply when that is quick, and gets the thinking
response when its work is still running after QUICK_PRESS_SECONDS. A fresh gateway session
(READY after an IDENTIFY) reconciles sign-ups and polls again: nothing missed is replayed. Every REST
request goes through one gate under Discord's global limit (:mod:`adapters.discord.rest`);
direct messages are paced under a per-minute cap on top, cost one request when the DM channel
is known, and carry a nonce derived from the delivery key (see :func:`nonce_for`); a DM
refused with 50007 is reported as "DMs closed".
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

import aiohttp
import discord

from adapters.discord import inbound
from adapters.discord.carried import NOTHING, CarriedOptions, Typed
from adapters.discord.commands import application_commands, parse_invocation
from adapters.discord.emoji import from_discord
from adapters.discord.endpoints import use_endpoints
from adapters.discord.locales import menu_language
from adapters.discord.ratelimits import RateLimitCounter
from adapters.discord.render import mention, to_embeds, to_view
from adapters.discord.rest import RestGate
from bot.api import customid
from bot.api.commands import CommandSpec, OptionSpec, OptionType
from bot.api.emoji import Emoji
from bot.api.engine import Engine
from bot.api.events import Actor, Event
from bot.api.forms import fit
from bot.api.messages import Attachment, FileRef, FileUnavailable, Form, Message
from bot.api.outbound import (
    FILES_UNPOSTED,
    Capabilities,
    ChannelClosed,
    Delivery,
    DeliveryStatus,
    MemberInfo,
    Outbound,
)
from bot.api.refs import ChannelRef, CommunityRef, InteractionRef, MessageRef, UserRef
from bot.api.roles import Role
from bot.util.pacing import Pacer

log = logging.getLogger(__name__)
DMS_CLOSED_CODE = 50007
#: "Request entity too large": the files exceed what the channel accepts (HTTP 413)
TOO_LARGE_CODE = 40005
#: the longest label Discord shows above a modal's input, and the longest modal title
LABEL_LIMIT = 45
TITLE_LIMIT = 45
#: the longest description under a modal's label, and the longest placeholder
DESCRIPTION_LIMIT = 100
#: the longest text a modal's text input holds (a longer typed option is carried instead)
TEXT_INPUT_LIMIT = 4000
#: the most components a modal holds
MODAL_COMPONENTS = 5
#: How long the words of a command's modal may take to come (the member's language is read
#: from storage); the modal must be the initial response, within Discord's 3 s.
FORM_WORDS_SECONDS = 1.5
#: Seconds in-flight requests may take to finish at shutdown before they are abandoned.
SHUTDOWN_GRACE_SECONDS = 10.0
#: How long a button's work may take before its press is acknowledged with a "thinking"
#: response (Discord wants an answer within 3 s; the rest of them cover the network).
QUICK_PRESS_SECONDS = 1.5
#: Discord's nonce is at most 25 characters.
NONCE_LENGTH = 25
#: How long Discord keeps a nonce for ``enforce_nonce``: its docs say only "the past few
#: minutes". Nothing else in a message as GET /channels/{id}/messages returns it can carry a
#: delivery key without showing it to the family (the nonce itself is not returned there), so
#: a resend is idempotent only inside this window: the core must resend a claimed delivery
#: well before it passes (its claim lease shorter than this).
NONCE_WINDOW_ASSUMED_SECONDS = 120
_ID = re.compile(r"^<[@#]!?(\d{15,25})>$|^(\d{15,25})$")


#: events whose key is their place in the gateway stream (they carry no id of their own)
GATEWAY_KEYED_EVENTS = ("MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE", "GUILD_MEMBER_REMOVE")
_GATEWAY_POSITION: ContextVar[str | None] = ContextVar("homeroom_discord_gateway_position", default=None)


def intents(*, members: bool = False, message_content: bool = False) -> discord.Intents:
    """Guilds, reactions, DMs and guild messages (for replies in threads). No privileged
    intents by default: slash commands and DMs do not need message content. ``members``
    (the privileged Server Members intent, switched on in the developer portal too) lets the
    bot hear when a family leaves the server, so their places and pending DMs are released."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_reactions = True
    chosen.dm_messages = True
    chosen.guild_messages = True
    chosen.members = members
    chosen.message_content = message_content
    return chosen


class DiscordAdapter(Outbound):
    platform = "discord"
    capabilities = Capabilities(
        buttons=True, selects=True, forms=True, threads=True, ephemeral=True, file_upload=True, reactions=True,
        # Removing another member's reaction needs Manage Messages, which the install asks for.
        remove_others_reactions=True, edit_dm=True, max_reactions_per_message=20, max_buttons_per_message=25,
        max_select_options=25, max_text_length=4000,
        # a user id is global and a DM channel belongs to no guild
        dms_span_communities=True,
    )

    def __init__(self, core: Engine, *, client: discord.Client | None = None) -> None:
        self.core = core
        settings = core.config.section("discord")
        use_endpoints(settings)
        if client is None:
            bot_intents = intents(members=settings.members_intent, message_content=settings.message_content_intent)
            if settings.sharded or settings.shard_ids or settings.shard_count:
                client = discord.AutoShardedClient(intents=bot_intents, shard_ids=settings.shard_ids or None,
                                                   shard_count=settings.shard_count or None)
            else:
                client = discord.Client(intents=bot_intents)
        self.client = client
        # Every REST request under Discord's global limit, drained before the session closes.
        self._gate = RestGate()
        self._gate.install(client.http)
        self._rate_limits: RateLimitCounter | None = None
        # DMs one at a time (no burst that anti-spam heuristics would notice), at the full
        # configured rate over any minute.
        self._dm_pacer = Pacer(settings.dm_per_minute, 60, burst=1)
        #: person → DM channel id (Discord keeps one DM channel per person for good)
        self._dm_channels: dict[str, str] = {}
        self._interactions: dict[str, discord.Interaction] = {}
        self._response_locks: dict[str, asyncio.Lock] = {}
        #: interactions answered while their event was being handled
        self._answered: set[str] = set()
        #: options typed with a command whose modal is open
        self._carried = CarriedOptions()
        self._register()
        self._capture_gateway_positions()
        core.add_adapter(self)

    # ----- gateway events -------------------------------------------------------------------
    def _register(self) -> None:
        client = self.client

        @client.event
        async def on_ready() -> None:
            # READY follows every IDENTIFY, so a new session id means a session was lost and
            # whatever happened meanwhile (reactions added or taken back) was never sent: the
            # core reconciles once per session. A RESUME replays what was missed and fires no
            # ready.
            session = getattr(self.client.ws, "session_id", None) or uuid.uuid4().hex
            await self.core.platform_ready("discord", session)

        @client.event
        async def on_disconnect() -> None:
            self.core.platform_lost("discord")  # /healthz says so until the gateway is back

        @client.event
        async def on_resumed() -> None:
            # The same session, with what was missed replayed: up again, nothing to reconcile.
            await self.core.platform_ready("discord", getattr(self.client.ws, "session_id", None))

        @client.event
        async def on_interaction(interaction: discord.Interaction) -> None:
            await self.handle_interaction(interaction)

        @client.event
        async def on_raw_reaction_add(payload: discord.RawReactionActionEvent) -> None:
            await self._reaction(payload, added=True)

        @client.event
        async def on_raw_reaction_remove(payload: discord.RawReactionActionEvent) -> None:
            await self._reaction(payload, added=False)

        @client.event
        async def on_message(message: discord.Message) -> None:
            await self._message(message)

        @client.event
        async def on_raw_member_remove(payload: discord.RawMemberRemoveEvent) -> None:
            actor = Actor(user=UserRef("discord", str(payload.user.id)))
            await self._dispatch(inbound.member_left(payload.guild_id, actor, self._gateway_key()))

    def _capture_gateway_positions(self) -> None:
        """Remember, for the events keyed by their place in the gateway stream, that place
        at the moment the event is parsed. discord.py runs each handler as a task created
        right after parsing; the task copies the context, so the handler reads the position
        of its own event — not the websocket's position when the handler gets to run, which
        by then may belong to a later event (two events would share a key and one would be
        dropped as a duplicate)."""
        parsers = self.client._connection.parsers
        for name in GATEWAY_KEYED_EVENTS:
            original = parsers.get(name)
            if original is None:
                continue

            def parse(data: Any, _original: Callable[[Any], None] = original) -> None:
                token = _GATEWAY_POSITION.set(self._gateway_position(data))
                try:
                    _original(data)
                finally:
                    _GATEWAY_POSITION.reset(token)

            parsers[name] = parse

    def _gateway_position(self, data: Any) -> str | None:
        ws = getattr(self.client, "ws", None)
        if ws is None and isinstance(data, dict) and data.get("guild_id") and self.client.shard_count:
            shard = self.client.get_shard((int(data["guild_id"]) >> 22) % self.client.shard_count) \
                if isinstance(self.client, discord.AutoShardedClient) else None
            ws = getattr(getattr(shard, "_parent", None), "ws", None)
        session, sequence = getattr(ws, "session_id", None), getattr(ws, "sequence", None)
        return f"{session}:{sequence}" if session and sequence else None

    def _gateway_key(self) -> str:
        """The parsed event's place in the gateway stream (a replay after a resume repeats
        it); a fresh id where it is unknown, which can never make two events one."""
        return _GATEWAY_POSITION.get() or uuid.uuid4().hex

    async def _dispatch(self, event: Event | None) -> None:
        if event is None:
            return
        try:
            await self.core.dispatch(event)
        except Exception:
            log.exception("discord event handling failed")

    def _roles(self, member: discord.Member | discord.User | None) -> frozenset[Role]:
        """Every platform role the person has, not the highest: the server owner and the
        Administrator permission make an admin, and each configured role name adds its role."""
        if not isinstance(member, discord.Member):
            return frozenset()
        settings = self.core.config.section("discord")
        names = {role.name for role in member.roles}
        roles: set[Role] = set()
        owner = member.guild.owner_id == member.id
        if owner or member.guild_permissions.administrator or names & set(settings.admin_roles):
            roles.add(Role.ADMIN)
        if names & set(settings.teacher_roles):
            roles.add(Role.TEACHER)
        if names & set(settings.committee_roles):
            roles.add(Role.COMMITTEE)
        return frozenset(roles)

    def actor(self, user: discord.Member | discord.User, locale: str | None = None) -> Actor:
        return Actor(user=UserRef("discord", str(user.id)), display_name=user.display_name, is_bot=user.bot,
                     locale=locale, menu_language=menu_language(locale), platform_roles=self._roles(user),
                     roles_known=isinstance(user, discord.Member))

    async def _reaction(self, payload: discord.RawReactionActionEvent, *, added: bool) -> None:
        if self.client.user is not None and payload.user_id == self.client.user.id:
            return
        # No REST look-up here: a removal carries no member, and waiting for one would let
        # a later add overtake it. Roles do not matter to a reaction; the stored ones stand.
        member: discord.Member | discord.User | None = payload.member
        if member is None and payload.guild_id:
            guild = self.client.get_guild(payload.guild_id)
            member = guild.get_member(payload.user_id) if guild is not None else None
        actor = self.actor(member) if member is not None else Actor(user=UserRef("discord", str(payload.user_id)),
                                                                   roles_known=False)
        await self._dispatch(inbound.reaction(payload, actor, added=added, gateway=self._gateway_key()))

    async def _message(self, message: discord.Message) -> None:
        if message.author.bot or (self.client.user is not None and message.author.id == self.client.user.id):
            return  # never our own or another bot's: no relay loops
        parent_id: int | None = None
        if message.reference is not None and message.reference.message_id:
            referenced = message.reference.resolved
            if isinstance(referenced, discord.Message) and self.client.user is not None and \
                    referenced.author.id != self.client.user.id:
                parent_id = None
            else:
                parent_id = message.reference.message_id
        elif isinstance(message.channel, discord.Thread):
            parent_id = message.channel.id  # a thread's id is its starter message's id
        if message.guild is not None and not message.content and not message.attachments:
            return  # a server message we may not read (no Message Content intent): nothing to act on
        await self._dispatch(inbound.message(message, self.actor(message.author), parent_id))

    # ----- interactions ---------------------------------------------------------------------
    async def handle_interaction(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        kind = interaction.type
        if kind == discord.InteractionType.autocomplete:
            await self._autocomplete(interaction, data)
            return
        user = interaction.user
        actor = self.actor(user, str(interaction.locale) if interaction.locale else None)
        community = CommunityRef("discord", str(interaction.guild_id)) if interaction.guild_id else None
        channel = ChannelRef("discord", str(interaction.channel_id), community,
                             is_dm=interaction.guild_id is None) if interaction.channel_id else None
        ref = InteractionRef("discord", str(interaction.id), token=interaction.token, channel=channel)
        self._interactions[ref.id] = interaction
        key = f"discord:interaction:{interaction.id}"
        try:
            if kind == discord.InteractionType.application_command:
                name, raw = parse_invocation(data, self.core.commands)
                spec = self.core.commands.get(name)
                modal = await self._command_modal(spec, raw, data.get("resolved") or {}, community, actor) \
                    if spec is not None and self._needs_form(spec, raw) else None
                if modal is not None:  # None: no form needed, or the command is not theirs to use
                    await interaction.response.send_modal(modal)
                    return
                await interaction.response.defer(ephemeral=True, thinking=True)
                await self._dispatch(inbound.command(name, raw, actor, community, channel, ref, key,
                                                     resolved=data.get("resolved")))
                await self._clear_thinking(interaction, ref)
            elif kind == discord.InteractionType.component:
                decoded = customid.decode(str(data.get("custom_id", "")))
                if decoded is None or decoded.kind != customid.Kind.BUTTON:
                    await interaction.response.defer()
                    return
                action, value = decoded.name, decoded.value
                if data.get("values"):
                    value = str(data["values"][0])
                message_ref = MessageRef(channel, str(interaction.message.id)) if (
                    channel is not None and interaction.message is not None) else None
                await self._press(interaction, ref,
                                  inbound.button(action, value, actor, community, message_ref, ref, key))
            elif kind == discord.InteractionType.modal_submit:
                spec, typed = self._typed_with(data)
                await interaction.response.defer(ephemeral=True, thinking=True)
                if spec is not None and typed is None:
                    await self._form_expired(spec, community, actor, ref)
                else:
                    await self._dispatch(inbound.modal(data, actor, community, channel, ref, key,
                                                       resolved=data.get("resolved"),
                                                       typed=inbound.option_values(typed.options, typed.resolved)
                                                       if typed is not None else None))
                await self._clear_thinking(interaction, ref)
        finally:
            self._answered.discard(ref.id)
            self._response_locks.pop(ref.id, None)
            asyncio.get_running_loop().call_later(900, self._interactions.pop, ref.id, None)

    async def _press(self, interaction: discord.Interaction, ref: InteractionRef, event: Event) -> None:
        """A press is answered by its own work when that is quick (the reply, a form, or a
        silent deferred update when it says nothing); work still running after
        QUICK_PRESS_SECONDS gets a deferred "thinking" response at once, so the person sees
        that something is happening and Discord's 3 s deadline is kept, and its answer then
        replaces the thinking message."""
        work = asyncio.create_task(self._dispatch(event))
        await asyncio.wait({work}, timeout=QUICK_PRESS_SECONDS)
        thinking = False
        async with self._responding(ref.id):
            if not interaction.response.is_done():
                thinking = not work.done()
                if thinking:
                    await interaction.response.defer(ephemeral=True, thinking=True)
                else:
                    await interaction.response.defer()
        await work
        if thinking:
            await self._clear_thinking(interaction, ref)

    def _responding(self, interaction_id: str) -> asyncio.Lock:
        """One initial response per interaction: whoever holds this decides it."""
        return self._response_locks.setdefault(interaction_id, asyncio.Lock())

    async def _clear_thinking(self, interaction: discord.Interaction, ref: InteractionRef) -> None:
        """A handled command that said nothing (a duplicate delivery, say) must not leave
        "Homeroom is thinking…" on the screen: remove the deferred response."""
        if ref.id in self._answered:
            return
        try:
            await interaction.delete_original_response()
        except discord.HTTPException:
            log.debug("could not remove the deferred response of interaction %s", ref.id)

    async def _command_modal(self, spec: CommandSpec, raw: list[dict[str, Any]], resolved: dict[str, Any],
                             community: CommunityRef | None, actor: Actor) -> discord.ui.Modal | None:
        """The modal asking for the command's missing text, in the member's language: a text
        option already typed is filled in, every other typed option (a channel, a file, …)
        is carried to the submit. Words that are not ready in time (or fail) give today's
        English modal instead: Discord takes a modal only as the first response. None when
        the core says the command is not the member's to use (it is then run as typed, and
        refused at once rather than after the form)."""
        form: Form | None = None
        if community is not None:
            try:
                form = await asyncio.wait_for(self.core.command_form(spec.name, community, actor), FORM_WORDS_SECONDS)
            except Exception:
                log.warning("discord: the form of /%s in the member's language failed; opening it in English",
                            spec.name, exc_info=True)
            else:
                if form is None:
                    return None
        typed_names = {str(o.get("name")) for o in raw}
        drawn = _drawn(spec, typed_names)
        shown = {o.name for o in drawn}
        prefilled = {str(o["name"]): str(o.get("value", "")) for o in raw
                     if o.get("name") in shown and len(str(o.get("value", ""))) <= TEXT_INPUT_LIMIT}
        carried = Typed(tuple(o for o in raw if o.get("name") not in prefilled), resolved)
        custom_id = self._carried.custom_id(spec.name, carried)
        return _modal(spec, custom_id, drawn, prefilled, form)

    def _typed_with(self, data: dict[str, Any]) -> tuple[CommandSpec | None, Typed | None]:
        """The command a modal's submit belongs to and the options typed with it (None when
        they are gone); no command for a cog's form."""
        route = customid.decode(str(data.get("custom_id", "")))
        spec = self.core.commands.get(route.name) if route is not None and route.kind == customid.Kind.COMMAND \
            else None
        if spec is None or route is None:
            return None, NOTHING
        return spec, self._carried.take(spec, route.value)

    async def _form_expired(self, spec: CommandSpec, community: CommunityRef | None, actor: Actor,
                            ref: InteractionRef) -> None:
        """A command's modal came back naming options this process no longer holds (it
        restarted, or the interaction's time ran out): say so privately; nothing runs."""
        log.info("discord: the modal of /%s came back without its typed options; asked to type it again", spec.name)
        try:
            text = await self.core.command_form_expired(spec.name, community, actor)
            await self.reply_private(ref, Message(text=text))
        except Exception:
            log.exception("discord: could not answer the expired modal of /%s", spec.name)

    @staticmethod
    def _needs_form(spec: CommandSpec, raw: list[dict[str, Any]]) -> bool:
        given = {o["name"] for o in raw}
        return any(o.long and o.required and o.name not in given for o in spec.options)

    async def _autocomplete(self, interaction: discord.Interaction, data: dict[str, Any]) -> None:
        """Suggestions from the option's declared source, whichever it is (the core finds the
        cog that offers it); an integer option gets integer values, as Discord requires."""
        name, raw = parse_invocation(data, self.core.commands)
        focused = next((o for o in raw if o.get("focused")), None)
        spec = self.core.commands.get(name)
        option = spec.option(str(focused.get("name"))) if spec is not None and focused is not None else None
        choices: list[discord.app_commands.Choice[Any]] = []
        if option is not None and option.autocomplete:
            community = CommunityRef("discord", str(interaction.guild_id)) if interaction.guild_id else None
            actor = self.actor(interaction.user, str(interaction.locale) if interaction.locale else None)
            try:
                suggestions = await self.core.complete(option.autocomplete, community, actor,
                                                       str(focused.get("value", "")) if focused else "")
            except Exception:
                log.exception("discord: completing /%s %s failed", name, option.name)
                suggestions = []
            integer = option.type == OptionType.INTEGER
            for suggestion in suggestions:
                value: Any = suggestion.value
                if integer:
                    try:
                        value = int(value)
                    except (TypeError, ValueError):
                        continue
                choices.append(discord.app_commands.Choice(name=suggestion.label[:100], value=value))
        await interaction.response.autocomplete(choices)

    # ----- Outbound -------------------------------------------------------------------------
    async def _channel(self, channel_id: str) -> Any:
        channel = self.client.get_channel(int(channel_id))
        if channel is None:
            channel = await self.client.fetch_channel(int(channel_id))
        return channel

    @staticmethod
    def _kwargs(message: Message) -> dict[str, Any]:
        kwargs: dict[str, Any] = dict(mention(message))
        embeds = to_embeds(message)
        if embeds:
            kwargs["embeds"] = embeds
        view = to_view(message)
        if view is not None:
            kwargs["view"] = view
        if message.attachments:
            kwargs["files"] = [discord.File(io.BytesIO(a.content), filename=a.filename) for a in message.attachments]
        return kwargs

    async def _with_files(self, message: Message) -> dict[str, Any]:
        """The send arguments, with each shared file fetched from Discord's CDN and uploaded
        again with the post (an option's upload is not a channel's attachment)."""
        kwargs = self._kwargs(message)
        fetched = []
        for file in message.files:
            try:
                content = await self.client.http.get_from_cdn(file.url)
            except (discord.HTTPException, aiohttp.ClientError) as exc:
                raise FileUnavailable(file, str(getattr(exc, "status", type(exc).__name__))) from exc
            fetched.append(discord.File(io.BytesIO(content), filename=file.filename))
        if fetched:
            kwargs["files"] = [*kwargs.get("files", []), *fetched]
        return kwargs

    async def post(self, channel: ChannelRef, message: Message) -> MessageRef:
        kwargs = await self._with_files(message)
        try:
            target = await self._channel(channel.id)
            sent, missing = await self._send_with_files(target, message, kwargs)
        except (discord.Forbidden, discord.NotFound) as exc:  # missing access or permission, or gone
            raise ChannelClosed(channel.id, f"{exc.status} {exc.code}") from exc
        return MessageRef(channel, str(sent.id), files_missing=missing)

    async def post_in_thread(self, parent: MessageRef, message: Message) -> MessageRef:
        kwargs = await self._with_files(message)
        channel = await self._channel(parent.channel.id)
        thread = self.client.get_channel(int(parent.id))
        if thread is None:
            starter = channel.get_partial_message(int(parent.id))
            try:
                thread = await starter.create_thread(name=(message.title or "Homeroom")[:100])
            except discord.HTTPException:
                thread = await self.client.fetch_channel(int(parent.id))
        sent, missing = await self._send_with_files(thread, message, kwargs)
        return MessageRef(ChannelRef("discord", str(thread.id), parent.channel.community), str(sent.id),
                          files_missing=missing)

    async def _send_with_files(self, target: Any, message: Message,
                               kwargs: dict[str, Any]) -> tuple[discord.Message, tuple[FileRef, ...]]:
        """The post with its files in one request, as Discord shows them: one message. When
        Discord refuses the files as too large for the channel (413, 40005; nothing was
        created), the post goes out without them and they are named for the caller, who tells
        whoever shared them; the news is not held back for a file."""
        try:
            return await target.send(**kwargs), ()
        except discord.HTTPException as exc:
            if not message.files or (exc.status != 413 and exc.code != TOO_LARGE_CODE):
                raise
            log.warning("discord: files %s refused with a post in channel %s (%s %s); posted without them",
                        ",".join(f.id for f in message.files), getattr(target, "id", "?"), exc.status, exc.code)
            self.core.metrics.inc(FILES_UNPOSTED, len(message.files), platform="discord")
        return await target.send(**self._kwargs(message)), message.files

    async def permalink(self, ref: MessageRef) -> str | None:
        """The message's link as Discord shows it ("Copy Message Link")."""
        guild = ref.channel.community.id if ref.channel.community is not None else "@me"
        return f"https://discord.com/channels/{guild}/{ref.channel.id}/{ref.id}"

    async def edit(self, ref: MessageRef, message: Message) -> None:
        channel = await self._channel(ref.channel.id)
        kwargs = self._kwargs(message)
        kwargs.setdefault("view", None)
        await channel.get_partial_message(int(ref.id)).edit(**kwargs)

    async def delete(self, ref: MessageRef) -> None:
        channel = await self._channel(ref.channel.id)
        await channel.get_partial_message(int(ref.id)).delete()

    async def send_dm(self, user: UserRef, message: Message, *, key: str | None = None, resend: bool = False,
                      dm_channel: str | None = None) -> Delivery:
        """One request when the DM channel is known (given, or opened earlier by this process),
        two the first time (POST /users/@me/channels, then the message). With a ``key`` the
        message carries its nonce with ``enforce_nonce``: a resend inside Discord's nonce
        window gets the message already created back instead of a second copy, so ``resend``
        needs no extra look-up here (see NONCE_WINDOW_ASSUMED_SECONDS)."""
        await self._gate.wait_turn(self._dm_pacer, "dm")
        kwargs = self._kwargs(message)
        if key is not None:
            kwargs["nonce"] = nonce_for(key)
        channel_id = dm_channel or self._dm_channels.get(user.id)
        opened = channel_id is None
        try:
            if channel_id is None:
                channel_id = await self._open_dm(user)
            try:
                sent = await self._dm_target(channel_id).send(**kwargs)
            except discord.NotFound:
                if opened:
                    raise
                # A stored channel Discord no longer knows: open the DM again (same nonce).
                self._dm_channels.pop(user.id, None)
                channel_id = await self._open_dm(user)
                sent = await self._dm_target(channel_id).send(**kwargs)
        except discord.Forbidden as exc:
            if exc.code == DMS_CLOSED_CODE:
                return Delivery(DeliveryStatus.DMS_CLOSED, detail="50007")
            return Delivery(DeliveryStatus.FAILED, detail=str(exc.code))
        except discord.NotFound:
            return Delivery(DeliveryStatus.NOT_FOUND)
        except discord.HTTPException as exc:
            return Delivery(DeliveryStatus.FAILED, detail=str(exc.status))
        self._dm_channels[user.id] = channel_id
        return Delivery(DeliveryStatus.SENT, MessageRef(ChannelRef("discord", channel_id, None, True),
                                                        str(sent.id)))

    async def _open_dm(self, user: UserRef) -> str:
        """POST /users/@me/channels (Discord returns the same channel every time); no user fetch."""
        channel = await self.client.create_dm(discord.Object(id=int(user.id)))
        self._dm_channels[user.id] = str(channel.id)
        return str(channel.id)

    def _dm_target(self, channel_id: str) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(int(channel_id), type=discord.ChannelType.private)

    async def reply_private(self, interaction: InteractionRef, message: Message) -> None:
        live = self._interactions.get(interaction.id)
        kwargs = self._kwargs(message)
        self._answered.add(interaction.id)
        if live is not None:
            async with self._responding(interaction.id):
                if not live.response.is_done():
                    await live.response.send_message(ephemeral=True, **kwargs)
                    return
            await live.followup.send(ephemeral=True, **kwargs)
            return
        user_id = interaction.token if interaction.token.isdigit() else None
        if user_id:
            await self.send_dm(UserRef("discord", user_id), message)

    async def open_form(self, interaction: InteractionRef, form: Form) -> bool:
        live = self._interactions.get(interaction.id)
        if live is None:
            return False
        async with self._responding(interaction.id):
            if live.response.is_done():
                return False
            await live.response.send_modal(self._form_modal(form))
        return True

    @staticmethod
    def _form_modal(form: Form) -> discord.ui.Modal:
        modal = discord.ui.Modal(title=form.title[:45], custom_id=customid.form(form.form_id, form.value))
        for field in form.fields[:5]:
            modal.add_item(discord.ui.TextInput(label=field.label[:45], custom_id=field.name, required=field.required,
                                                style=discord.TextStyle.long if field.long else discord.TextStyle.short,
                                                max_length=min(field.max_length, 4000)))
        return modal

    @staticmethod
    def _emoji(emoji: Emoji) -> str | discord.PartialEmoji:
        """The emoji as Discord names it: a person's 👍🏽 is another reaction than 👍."""
        if emoji.custom_id:
            return discord.PartialEmoji(name=emoji.name or "_", id=int(emoji.custom_id))
        return emoji.reacted or emoji.display

    async def add_reaction(self, ref: MessageRef, emoji: Emoji) -> None:
        channel = await self._channel(ref.channel.id)
        await channel.get_partial_message(int(ref.id)).add_reaction(self._emoji(emoji))

    async def remove_reaction(self, ref: MessageRef, emoji: Emoji, user: UserRef) -> None:
        channel = await self._channel(ref.channel.id)
        try:
            await channel.get_partial_message(int(ref.id)).remove_reaction(self._emoji(emoji),
                                                                            discord.Object(id=int(user.id)))
        except discord.HTTPException:
            log.info("could not remove a reaction on message %s", ref.id)

    async def read_reactions(self, ref: MessageRef) -> dict[str, tuple[Emoji, list[UserRef]]]:
        channel = await self._channel(ref.channel.id)
        try:
            message = await channel.fetch_message(int(ref.id))
        except discord.NotFound:
            raise LookupError(ref.id) from None
        me = self.client.user.id if self.client.user else None
        result: dict[str, tuple[Emoji, list[UserRef]]] = {}
        for reaction in message.reactions:
            raw = reaction.emoji
            emoji = from_discord(raw.name, raw.id) if not isinstance(raw, str) else from_discord(raw)
            users = result.setdefault(emoji.key, (emoji, []))[1]
            async for user in reaction.users(limit=None):  # pages of 100 through every user
                if user.id != me and UserRef("discord", str(user.id)) not in users:
                    users.append(UserRef("discord", str(user.id)))
        return result

    async def lookup_member(self, community: CommunityRef, user: UserRef) -> MemberInfo | None:
        guild = self.client.get_guild(int(community.id))
        if guild is None:
            return None
        member = guild.get_member(int(user.id))
        if member is None:
            try:
                member = await guild.fetch_member(int(user.id))
            except discord.HTTPException:
                return None
        return MemberInfo(user=user, display_name=member.display_name, is_bot=member.bot,
                          platform_roles=self._roles(member))

    async def community_name(self, community: CommunityRef) -> str | None:
        guild = self.client.get_guild(int(community.id)) if community.id.isdigit() else None
        return guild.name if guild is not None else None

    async def emoji_available(self, community: CommunityRef, emoji: Emoji) -> bool | None:
        """A custom emoji is usable on a card only if it belongs to this server: the cached
        guild's emoji list, else Discord's answer for this guild (404: another server's)."""
        if not emoji.is_custom:
            return True
        if not emoji.custom_id:
            # ":name:" that no standard emoji has: on Discord a custom emoji always has an id
            # (the emoji menu types it as <:name:id>), so this names nothing a family can use.
            return False
        guild = self.client.get_guild(int(community.id))
        if guild is None:
            return None
        if any(own.id == int(emoji.custom_id) for own in guild.emojis):
            return True
        try:
            await guild.fetch_emoji(int(emoji.custom_id))
        except discord.NotFound:
            return False
        except discord.HTTPException:
            return None  # cannot tell: accept, as on platforms that cannot check
        return True

    async def upload_file(self, destination: ChannelRef | UserRef, attachment: Attachment,
                          message: Message | None = None) -> MessageRef | None:
        with_file = Message(text=(message.text if message else ""), title=message.title if message else None,
                            attachments=(attachment,))
        if isinstance(destination, UserRef):
            delivery = await self.send_dm(destination, with_file)
            return delivery.message
        return await self.post(destination, with_file)

    async def resolve_channel(self, community: CommunityRef, text: str) -> ChannelRef | None:
        match = _ID.match(text.strip())
        if match:
            return ChannelRef("discord", match.group(1) or match.group(2), community)
        guild = self.client.get_guild(int(community.id))
        if guild is None:
            return None
        name = text.strip().lstrip("#").lower()
        for channel in guild.text_channels:
            if channel.name.lower() == name:
                return ChannelRef("discord", str(channel.id), community)
        return None

    async def resolve_user(self, community: CommunityRef, text: str) -> UserRef | None:
        match = _ID.match(text.strip())
        return UserRef("discord", match.group(1) or match.group(2)) if match else None

    def mention(self, user: UserRef) -> str:
        return f"<@{user.id}>"

    # ----- lifecycle ------------------------------------------------------------------------
    async def sync_commands(self, guild_ids: list[int] | None = None) -> int:
        """Register every declared command: per guild (instant) or globally."""
        payload = application_commands(self.core.commands)
        app_id = self.client.application_id
        assert app_id is not None, "log in first"
        if guild_ids:
            for guild_id in guild_ids:
                await self.client.http.bulk_upsert_guild_commands(app_id, guild_id, payload)
        else:
            await self.client.http.bulk_upsert_global_commands(app_id, payload)
        return len(payload)

    async def start(self) -> None:
        token = self.core.secrets.discord_token
        assert token, "DISCORD_TOKEN is required"
        # discord.py waits out 429s itself; its log line per 429 is the count /metrics shows.
        self._rate_limits = RateLimitCounter(self.core.metrics)
        self._rate_limits.install()
        await self.client.login(token)
        settings = self.core.config.section("discord")
        if settings.sync != "off":
            count = await self.sync_commands(settings.guild_ids if settings.sync == "guild" else None)
            log.info("discord: %d commands synced (%s)", count, settings.sync)
        await self.client.connect(reconnect=True)

    async def stop(self) -> None:
        """Let requests on the wire finish (bounded), abandon the rest, then close the session."""
        await self._gate.drain(SHUTDOWN_GRACE_SECONDS)
        await self.client.close()
        if self._rate_limits is not None:
            self._rate_limits.uninstall()
            self._rate_limits = None


def nonce_for(key: str) -> str:
    """The message nonce for a delivery key: the same key always gives the same nonce, within
    Discord's 25 characters (a SHA-256 digest, hex, cut to length)."""
    return hashlib.sha256(key.encode()).hexdigest()[:NONCE_LENGTH]


def _drawn(spec: CommandSpec, typed: set[str]) -> list[OptionSpec]:
    """The options a command's modal shows: its text options and the file options not given
    with the command (a file upload cannot be filled in), as many as a modal holds."""
    return [o for o in spec.options if o.type == OptionType.STRING or (
        o.type == OptionType.ATTACHMENT and o.name not in typed)][:MODAL_COMPONENTS]


def _modal(spec: CommandSpec, custom_id: str, drawn: list[OptionSpec], prefilled: Mapping[str, str],
           form: Form | None = None) -> discord.ui.Modal:
    """The ``drawn`` options as text inputs (``prefilled`` with what was typed) and file
    uploads (Discord's component 19: optional unless the option is required, one file), each
    in a Label; the words are the ``form``'s (the member's language), else the command's
    English declaration. A label longer than Discord shows is cut at a word and given whole
    below it; the submit's files arrive resolved, as an option's file does."""
    fields = {f.name: f for f in form.fields} if form is not None else {}
    # a command form's title is fitted to the strictest platform, its whole text then the intro
    title = fit(form.intro or form.title, TITLE_LIMIT) if form is not None else f"/{spec.name}"[:TITLE_LIMIT]
    modal = discord.ui.Modal(title=title, custom_id=custom_id)
    for option in drawn:
        field = fields.get(option.name)
        words = field.label if field is not None and field.label else option.description
        label = fit(words, LABEL_LIMIT)
        below = (field.hint if field is not None else "") or ("" if label == words else words)
        placeholder = field.placeholder if field is not None else ""
        component: discord.ui.Item[Any]
        if option.type == OptionType.ATTACHMENT:
            component = discord.ui.FileUpload(custom_id=option.name, required=option.required,
                                              min_values=1 if option.required else 0, max_values=1)
        else:
            component = discord.ui.TextInput(custom_id=option.name, required=option.required,
                                             style=discord.TextStyle.long if option.long else discord.TextStyle.short,
                                             default=prefilled.get(option.name) or None,
                                             placeholder=fit(placeholder, DESCRIPTION_LIMIT) or None)
        modal.add_item(discord.ui.Label(text=label, component=component,
                                        description=fit(below, DESCRIPTION_LIMIT) or None))
    return modal
