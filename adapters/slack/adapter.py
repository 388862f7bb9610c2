"""The Slack adapter: slack-bolt's AsyncApp in HTTP mode (aiohttp, /slack/events and
/healthz) or Socket Mode, the Web API through slack_sdk's AsyncWebClient.

Bolt does not de-duplicate: redeliveries (X-Slack-Retry-Num, Socket Mode envelopes repeated
with retry_attempt 0) carry the same ``event_id`` and are caught by the core's
de-duplication. Every listener acknowledges first and works after. Rate limits: the SDK's
rate-limit retry handler honours Retry-After (and counts each 429 for /metrics);
chat.postMessage is paced to one message per second per channel here.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import inbound, socket_mode
from adapters.slack.acks import AcknowledgementsFirst
from adapters.slack.blocks import ID_LIMIT as SLACK_ID_LIMIT
from adapters.slack.blocks import fallback_text, to_blocks, to_modal
from adapters.slack.emoji import from_slack, to_slack_name
from adapters.slack.names import CommandNames
from adapters.slack.ratelimits import CountingRateLimitHandler
from adapters.slack.verification import SignedRequestsOnly
from bot.api import customid
from bot.api.commands import CommandSpec
from bot.api.emoji import Emoji
from bot.api.engine import Engine
from bot.api.events import Actor, Event
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

if TYPE_CHECKING:
    from slack_sdk.oauth.installation_store.models.bot import Bot

    from adapters.slack.oauth import WorkspaceBots

log = logging.getLogger(__name__)
#: bolt's own loggers hang under "slack_bolt", which logging set-up keeps at WARNING
BOLT_LOGGER = "slack_bolt.homeroom"
#: seconds a response_url post may take before the answer goes through chat.postEphemeral
RESPONSE_URL_TIMEOUT = 10.0
#: seconds to download one shared file before posting it
DOWNLOAD_TIMEOUT = 60.0

SHUTDOWN_GRACE_SECONDS = 10.0

_USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
#: a Slack file id, alone or inside its link (/files/U123/F0ABC/flyer.pdf)
_FILE_ID = re.compile(r"(?:^|/)(F[A-Z0-9]{6,})(?:/|$)")
_CHANNEL_MENTION = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")
_CLOSED = {"cannot_dm_bot", "user_disabled", "account_inactive", "not_allowed_token_type", "messages_tab_disabled"}
_MISSING = {"user_not_found", "users_not_found", "channel_not_found"}
#: answers to a post that only a person can fix (invite the bot, unarchive, allow it to post)
_CLOSED_CHANNEL = {"channel_not_found", "is_archived", "restricted_action", "cannot_reply_to_message"}
USER_CACHE_SECONDS = 300
#: Message metadata (invisible to people) that carries a delivery's key, so a resend finds it.
DELIVERY_EVENT = "homeroom_delivery"
#: Message metadata of a post made with files: the ids of the file shares that belong to it.
POST_FILES_EVENT = "homeroom_post_files"
#: Recent DM messages read before a resend: the message a crashed process sent is among the
#: last few (the bot writes nothing else to that person meanwhile but this delivery).
RESEND_LOOKBACK = 20


def _files_metadata(key: str | None, file_ids: list[str]) -> dict[str, Any] | None:
    """The metadata of a message the bot sends: a DM's delivery key (what a resend looks for)
    with its files' ids beside it, or a post's file ids alone."""
    files: dict[str, Any] = {"files": file_ids} if file_ids else {}
    if key is not None:
        return {"event_type": DELIVERY_EVENT, "event_payload": {"key": key, **files}}
    return {"event_type": POST_FILES_EVENT, "event_payload": files} if files else None


def _files_of(metadata: dict[str, Any] | None) -> list[str]:
    return [str(i) for i in ((metadata or {}).get("event_payload") or {}).get("files", [])]


def _message_at(response: Any, ts: str) -> dict[str, Any] | None:
    """The message with ``ts`` among those a conversations.history/replies answer holds."""
    return next((m for m in response.get("messages", []) if m.get("ts") == ts), None)


class SlackAdapter(Outbound):
    platform = "slack"
    capabilities = Capabilities(
        buttons=True, selects=True, forms=True, threads=True, ephemeral=True, file_upload=True, reactions=True,
        # reactions.remove removes only the calling app's own reaction, never a person's.
        remove_others_reactions=False, edit_dm=True,
        # Slack shows at most 23 distinct emoji reactions on one message.
        max_reactions_per_message=23, max_buttons_per_message=25, max_select_options=100,
        max_text_length=3000,
        # a DM goes with one workspace's token to that workspace's user id
        dms_span_communities=False,
    )

    def __init__(self, core: Engine, *, base_url: str | None = None, process_before_response: bool = False,
                 post_interval: float = 1.0) -> None:
        self.core = core
        secrets = core.secrets
        settings = core.config.section("slack")
        self.names = CommandNames(settings.command_prefix, (spec.root for spec in core.commands.values()))
        # The app builds its own Web API client from the token (given a client and a token, or
        # a client while SLACK_BOT_TOKEN is set, bolt warns at every start that the token is
        # unused); the client is then pointed at the configured Web API.
        signing_secret = secrets.slack_signing_secret or "unset"
        self.api_base_url = base_url or settings.api_base_url
        self.oauth = settings.oauth
        flow = None
        #: OAuth mode: each workspace's bot, found (and refreshed) for work the bot starts itself
        self._bots: WorkspaceBots | None = None
        if self.oauth:  # many workspaces: each one's token comes from the installation store
            from adapters.slack.oauth import WorkspaceBots, oauth_flow

            flow = oauth_flow(client_id=settings.client_id, client_secret=secrets.slack_client_secret or "",
                              engine=core.db.writer_engine, api_base_url=self.api_base_url,
                              public_url=settings.public_url, localizer=core.i18n)
            self._bots = WorkspaceBots(flow, self.api_base_url)
        self.app = AsyncApp(token=None if self.oauth else secrets.slack_bot_token, signing_secret=signing_secret,
                            oauth_flow=flow,
                            process_before_response=process_before_response, logger=logging.getLogger(BOLT_LOGGER),
                            request_verification_enabled=False, before_authorize=SignedRequestsOnly(signing_secret))
        self._app_client: AsyncWebClient = self.app.client
        self._app_client.base_url = self.api_base_url
        self._app_client.retry_handlers.append(CountingRateLimitHandler(core.metrics))
        #: OAuth mode: one Web API client per workspace, and the workspace the current work is for
        self._team_clients: dict[str, AsyncWebClient] = {}
        self._team_bots: dict[str, Bot] = {}
        self._team: contextvars.ContextVar[str | None] = contextvars.ContextVar("slack_team", default=None)
        self._user_teams: dict[str, str] = {}
        self.post_interval = post_interval
        # Slack: about one message per second per channel.
        self._pacer = Pacer(1, post_interval)
        self._users: dict[str, tuple[float, dict[str, Any]]] = {}
        self._channels: dict[str, str] = {}
        self._dm_channels: dict[str, str] = {}
        self._bot_user_ids: dict[str | None, str] = {}
        #: auth.test's answer per workspace (None: token mode's one workspace), asked once
        self._whoami: dict[str | None, dict[str, Any]] = {}
        self._whoami_locks: dict[str | None, asyncio.Lock] = {}
        self._runner: web.AppRunner | None = None
        self._socket: Any = None
        self.port: int | None = None
        self._stopped = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._acks = AcknowledgementsFirst()
        self._register()
        core.add_adapter(self)

    # ----- workspaces -------------------------------------------------------------------------
    @property
    def client(self) -> AsyncWebClient:
        """The Web API client of the workspace the current work is for (OAuth mode), or the
        one token's client (single-workspace mode)."""
        team = self._team.get()
        return self._team_clients.get(team, self._app_client) if team else self._app_client

    async def use_team(self, team_id: str | None) -> None:
        """Send what follows with ``team_id``'s bot token, read from the installation store."""
        if not self.oauth or not team_id:
            return
        known = self._team_bots.get(team_id)
        assert self._bots is not None
        if known is None or self._bots.expiring(known):  # new, or its rotating token is due
            bot = await self._bots.find(team_id)
            if bot is None:
                log.warning("slack: no installation for workspace %s", team_id)
                self._team.set(None)
                return
            client = AsyncWebClient(token=bot.bot_token, base_url=self.api_base_url)
            client.retry_handlers.append(CountingRateLimitHandler(self.core.metrics))
            self._team_clients[team_id] = client
            self._team_bots[team_id] = bot
            if bot.bot_user_id:
                self._bot_user_ids[team_id] = bot.bot_user_id
        self._team.set(team_id)

    async def _use_for(self, ref: ChannelRef | UserRef | MessageRef | CommunityRef | None) -> None:
        if isinstance(ref, MessageRef):
            ref = ref.channel
        if isinstance(ref, ChannelRef):
            ref = ref.community
        if isinstance(ref, UserRef):
            # the community the core knows the person from; else the workspace they were last seen in
            known = ref.community.id if ref.community is not None and ref.community.platform == "slack" else None
            await self.use_team(known or self._user_teams.get(ref.id))
        elif isinstance(ref, CommunityRef) and ref.platform == "slack":
            await self.use_team(ref.id)

    async def _uninstalled(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """The workspace removed the app or revoked its bot token: its installation rows go."""
        team = body.get("team_id")
        if self._bots is None or not team:
            return
        if event["type"] == "tokens_revoked" and not event.get("tokens", {}).get("bot"):
            return  # only people's tokens: this app holds none
        for gone in {team, *await self._bots.forget(body)}:  # an org-wide install: every workspace of it
            self._team_clients.pop(gone, None)
            self._team_bots.pop(gone, None)
            self._bot_user_ids.pop(gone, None)
            self._whoami.pop(gone, None)
        log.info("slack: workspace %s uninstalled; its installation was deleted", team)

    # ----- wiring ------------------------------------------------------------------------------
    def _register(self) -> None:
        roots = sorted({spec.root for spec in self.core.commands.values()})
        for root in roots:
            self.app.command(self.names.slash(root))(self._on_command)
        self.app.action(customid.OURS)(self._on_action)
        self.app.view(customid.OURS)(self._on_view)
        self.app.event("reaction_added")(self._on_event)
        self.app.event("reaction_removed")(self._on_event)
        self.app.event("message")(self._on_event)
        self.app.event("user_change")(self._on_user_change)
        if self.oauth:
            self.app.event("app_uninstalled")(self._uninstalled)
            self.app.event("tokens_revoked")(self._uninstalled)

    def _current_team(self) -> str | None:
        """The workspace the current work is for (None in token mode: its one workspace)."""
        return self._team.get() if self.oauth else None

    async def _who_we_are(self) -> dict[str, Any]:
        """``auth.test``'s answer for the current workspace (the bot's user id, the workspace's
        name), asked once per workspace and shared by every caller: neither changes when a
        rotating token is renewed, and concurrent first callers wait for the one question."""
        team = self._current_team()
        known = self._whoami.get(team)
        if known is None:
            async with self._whoami_locks.setdefault(team, asyncio.Lock()):
                known = self._whoami.get(team)
                if known is None:
                    answer = await self.client.auth_test()
                    known = self._whoami[team] = dict(answer.data) if isinstance(answer.data, dict) else {}
        return known

    async def bot_user_id(self) -> str:
        team = self._current_team()
        if team not in self._bot_user_ids:  # OAuth: usually known from the installation
            self._bot_user_ids[team] = str((await self._who_we_are())["user_id"])
        return self._bot_user_ids[team]

    async def community_name(self, community: CommunityRef) -> str | None:
        """The workspace's name as Slack shows it (``auth.test``'s ``team``, from the answer the
        bot's user id came from); None when Slack does not say."""
        await self._use_for(community)
        try:
            auth = await self._who_we_are()
        except SlackApiError:
            return None
        return str(auth.get("team") or "") or None

    async def _dispatch_later(self, make: Callable[[], Awaitable[Event | None]]) -> None:
        async def run() -> None:
            if not self.app._process_before_response:
                await self._acks.wait_turn()  # the burst's acknowledgements go out first
            try:
                event = await make()
                if event is not None:
                    await self.core.dispatch(event)
            except Exception:
                log.exception("slack event handling failed")

        if self.app._process_before_response:  # tests: finish before answering
            await run()
        else:
            # Kept until done, and awaited at shutdown: Slack was already answered, so it
            # will not send the event again if we drop it.
            task = asyncio.create_task(run())
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _on_command(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        await ack()
        await self.use_team(body.get("team_id"))
        name, text = self.names.root_of(body["command"]), body.get("text", "").strip()
        spec = self._modal_spec(name, text)
        if spec is not None:
            try:
                actor = await self.actor(body["team_id"], body["user_id"])
                form = await self.core.command_form(spec.name, inbound.community_of(body["team_id"]), actor)
                if form is not None:  # None: not theirs to use, so the core refuses it as typed
                    await self.client.views_open(trigger_id=body["trigger_id"], view=to_modal(
                        self._named(form), customid.command_form(spec.name, limit=SLACK_ID_LIMIT)))
                    return
            except SlackApiError:
                log.warning("slack: could not open the form for /%s; running the command as typed", spec.name,
                            exc_info=True)
        # As typed: a missing option is answered privately by the core, naming what is needed.
        await self._dispatch_later(lambda: self._command(body))

    def _modal_spec(self, root: str, text: str) -> CommandSpec | None:
        """A command typed without arguments whose options are needed gets a form."""
        if text:
            return None
        specs = [s for s in self.core.commands.values() if s.root == root]
        if len(specs) == 1 and any(o.required for o in specs[0].options):
            return specs[0]
        return None

    async def _command(self, body: dict[str, Any]) -> Event:
        actor = await self.actor(body["team_id"], body["user_id"])
        return inbound.command_event(body, actor, name=self.names.root_of(body["command"]))

    async def _on_action(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        await ack()
        await self.use_team(body.get("team", {}).get("id"))

        async def make() -> Event | None:
            return inbound.action_event(body, await self.actor(body["team"]["id"], body["user"]["id"]))

        await self._dispatch_later(make)

    async def _on_view(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        await ack()
        await self.use_team(body.get("team", {}).get("id"))

        async def make() -> Event | None:
            return inbound.view_event(body, await self.actor(body["team"]["id"], body["user"]["id"]))

        await self._dispatch_later(make)

    async def _on_event(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        await self.use_team(body.get("team_id"))

        async def make() -> Event | None:
            user = event.get("user")
            if not user:
                return None
            if event["type"] == "message":
                bot_id = await self.bot_user_id()
                if not inbound.from_a_person(event, bot_id) or not inbound.is_for_the_bot(event):
                    return None  # checked before the author's look-up: no users.info for chatter
                return inbound.message_event(body, await self.actor(body["team_id"], user), bot_id)
            return inbound.reaction_event(body, await self.actor(body["team_id"], user))

        await self._dispatch_later(make)

    async def _on_user_change(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """A deactivated account has left the workspace: the core cancels what was going to them."""
        await self.use_team(body.get("team_id"))
        user = event.get("user", {})
        self._users.pop(user.get("id", ""), None)
        if not user.get("deleted"):
            return

        async def make() -> Event | None:
            return inbound.member_left(body, Actor(user=UserRef("slack", user["id"]),
                                                   display_name=self._name(user)))

        await self._dispatch_later(make)

    # ----- people ------------------------------------------------------------------------------
    async def _user(self, user_id: str) -> dict[str, Any]:
        cached = self._users.get(user_id)
        if cached and time.monotonic() - cached[0] < USER_CACHE_SECONDS:
            return cached[1]
        response = await self.client.users_info(user=user_id, include_locale=True)
        user = dict(response["user"])
        self._users[user_id] = (time.monotonic(), user)
        return user

    def _roles(self, user: dict[str, Any]) -> frozenset[Role]:
        """Every platform role the person has: workspace admins and owners (users.info) and
        the configured ids, each adding its own role."""
        settings = self.core.config.section("slack")
        roles: set[Role] = set()
        if user.get("is_admin") or user.get("is_owner") or user["id"] in settings.admin_users:
            roles.add(Role.ADMIN)
        if user["id"] in settings.teacher_users:
            roles.add(Role.TEACHER)
        if user["id"] in settings.committee_users:
            roles.add(Role.COMMITTEE)
        return frozenset(roles)

    @staticmethod
    def _name(user: dict[str, Any]) -> str:
        profile = user.get("profile", {})
        return profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name", "")

    async def actor(self, team_id: str, user_id: str) -> Actor:
        self._user_teams[user_id] = team_id  # a later DM to this person goes with this workspace's token
        try:
            user = await self._user(user_id)
        except SlackApiError:
            return Actor(user=UserRef("slack", user_id))
        return Actor(user=UserRef("slack", user_id), display_name=self._name(user),
                     is_bot=bool(user.get("is_bot")) or user_id in self._bot_user_ids.values(),
                     locale=user.get("locale"),
                     platform_roles=self._roles(user))

    # ----- Outbound ----------------------------------------------------------------------------
    async def _post(self, channel_id: str, message: Message, thread_ts: str | None = None,
                    metadata: dict[str, Any] | None = None) -> str:
        await self._pacer.wait(channel_id)
        message = self.names.message(message)

        async def post() -> str:
            response = await self.client.chat_postMessage(channel=channel_id, text=fallback_text(message),
                                                          blocks=to_blocks(message), thread_ts=thread_ts,
                                                          metadata=metadata)
            return str(response["ts"])

        try:
            return await post()
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error in _CLOSED_CHANNEL:
                raise ChannelClosed(channel_id, str(error)) from exc
            if error != "not_in_channel":
                raise
            if not await self._join(channel_id):
                raise ChannelClosed(channel_id, "not_in_channel") from exc
        return await post()

    async def _join(self, channel_id: str) -> bool:
        """Join a public channel the bot was not invited to (``channels:join``); a private one
        needs a person's invitation, so that stays an error."""
        try:
            await self.client.conversations_join(channel=channel_id)
        except SlackApiError as exc:
            log.warning("slack: not in channel %s and cannot join it (%s); invite the bot there", channel_id,
                        exc.response.get("error"))
            return False
        log.info("slack: joined channel %s to post there", channel_id)
        return True

    async def post(self, channel: ChannelRef, message: Message) -> MessageRef:
        await self._use_for(channel)
        return await self._post_with_files(channel, message, None)

    async def post_in_thread(self, parent: MessageRef, message: Message) -> MessageRef:
        await self._use_for(parent)
        return await self._post_with_files(parent.channel, message, parent.id)

    async def _post_with_files(self, channel: ChannelRef, message: Message, thread_ts: str | None) -> MessageRef:
        """A post and the files people shared for it, as one thing. chat.postMessage carries
        no files, so each file is fetched and uploaded first (files.getUploadURLExternal gives
        its id before anyone sees it), the post names those ids in its metadata, and only then
        are the files shared beside it (files.completeUploadExternal). :meth:`delete` reads the
        ids back from the post and deletes the files with it, so nothing is left behind, even
        after a restart. A file Slack refuses once the post is out is reported on the returned
        reference (``files_missing``), never a reason to post again."""
        downloaded = [(file, await self._download(file)) for file in message.files]
        staged: list[tuple[FileRef, str]] = []
        missing: list[FileRef] = []
        for file, content in downloaded:
            file_id = await self._stage(channel.id, file.filename, content, label=file.id)
            if file_id is None:
                missing.append(file)
            else:
                staged.append((file, file_id))
        metadata = _files_metadata(None, [i for _, i in staged])
        ts, shared = await self._post_staged(channel.id, message, [(f.filename, i) for f, i in staged],
                                             thread_ts=thread_ts, metadata=metadata)
        if not shared:
            missing.extend(file for file, _ in staged)
        return MessageRef(channel, ts, files_missing=tuple(missing))

    async def _post_staged(self, channel_id: str, message: Message, staged: list[tuple[str, str]], *,
                           thread_ts: str | None = None, metadata: dict[str, Any] | None,
                           under_it: bool = False) -> tuple[str, bool]:
        """chat.postMessage, then the staged files (title, id) shared beside it: in the same
        thread, or in the post's own thread when ``under_it``. Returns the post's ts and whether
        its files were shared. A post that fails takes its uploads down: shared nowhere, they
        would stay on Slack unseen."""
        try:
            ts = await self._post(channel_id, message, thread_ts=thread_ts, metadata=metadata)
        except Exception:
            for _, file_id in staged:
                try:
                    await self.client.files_delete(file=file_id)
                except (SlackApiError, aiohttp.ClientError):
                    log.warning("slack: could not delete the unshared upload %s", file_id)
            raise
        if not staged:
            return ts, True
        try:
            await self.client.files_completeUploadExternal(
                files=[{"id": file_id, "title": title} for title, file_id in staged],
                channel_id=channel_id, thread_ts=ts if under_it else thread_ts)
        except (SlackApiError, aiohttp.ClientError) as exc:
            self._unposted(channel_id, ts, [i for _, i in staged], exc)
            return ts, False
        return ts, True

    async def _stage(self, channel_id: str, filename: str, content: bytes, *, label: str) -> str | None:
        """Upload a file's bytes without sharing it yet; its new id, or None when Slack refused
        (logged under ``label``, the shared file's id or the attachment's name, and counted)."""
        try:
            ticket = await self.client.files_getUploadURLExternal(filename=filename, length=len(content))
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT)) as session, \
                    session.post(str(ticket["upload_url"]), data=content) as response:
                if response.status != 200:
                    raise aiohttp.ClientResponseError(response.request_info, (), status=response.status)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            self._unposted(channel_id, None, [label], exc)
            return None
        return str(ticket["file_id"])

    def _unposted(self, channel_id: str, ts: str | None, file_ids: list[str], exc: BaseException) -> None:
        """One log line with ids only, and the count for /metrics."""
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("slack: files %s not shared with post %s in %s (%s)", ",".join(file_ids), ts or "(not yet posted)",
                    channel_id, error)
        self.core.metrics.inc(FILES_UNPOSTED, len(file_ids), platform="slack")

    async def _download(self, file: FileRef) -> bytes:
        """A shared file's bytes, fetched with the bot's token (``files:read``) before anything
        is posted, so a file Slack no longer serves stops the post instead of half-making it.
        Slack answers a download it does not authorise with its sign-in page, not an error."""
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT)) as session, \
                    session.get(file.url, headers={"Authorization": f"Bearer {self.client.token}"}) as response:
                if response.status != 200:
                    raise FileUnavailable(file, f"HTTP {response.status}")
                if response.content_type == "text/html" and not file.content_type.startswith("text/html"):
                    raise FileUnavailable(file, "Slack answered with a web page (is files:read granted?)")
                return await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise FileUnavailable(file, type(exc).__name__) from exc

    async def permalink(self, ref: MessageRef) -> str | None:
        await self._use_for(ref)
        response = await self.client.chat_getPermalink(channel=ref.channel.id, message_ts=ref.id)
        return str(response.get("permalink") or "") or None

    async def resolve_file(self, community: CommunityRef, text: str) -> FileRef | None:
        """``attach:`` with a file's link ("Copy link to file") or its id: files.info."""
        found = _FILE_ID.search(text)
        if found is None:
            return None
        await self._use_for(community)
        try:
            response = await self.client.files_info(file=found.group(1))
        except SlackApiError:
            return None
        return inbound.shared_file(response["file"])

    async def edit(self, ref: MessageRef, message: Message) -> None:
        """chat.update; a message made with files (a post's, a DM's attachments) keeps naming
        them (its metadata, delivery key included, is sent again), so a later :meth:`delete`
        still finds them whatever an update does to metadata."""
        await self._use_for(ref)
        metadata = await self._our_metadata(ref) if message.files or message.attachments else None
        message = self.names.message(message)
        await self.client.chat_update(channel=ref.channel.id, ts=ref.id, text=fallback_text(message),
                                      blocks=to_blocks(message), metadata=metadata)

    async def delete(self, ref: MessageRef) -> None:
        """The message and the files shared with it (their ids are in its metadata): a file
        share is a message of its own, which would otherwise stay in the conversation."""
        await self._use_for(ref)
        for file_id in _files_of(await self._our_metadata(ref)):
            try:
                await self.client.files_delete(file=file_id)
            except SlackApiError as exc:
                if exc.response.get("error") not in ("file_not_found", "file_deleted"):
                    raise
        await self.client.chat_delete(channel=ref.channel.id, ts=ref.id)

    async def _our_metadata(self, ref: MessageRef) -> dict[str, Any] | None:
        """The metadata the bot put on one of its messages (a post's files, a DM's key and
        files), or None. conversations.history finds a post or a DM in one call (both methods
        are Tier 3); a thread reply is not in it, so only then is conversations.replies asked,
        which takes the ts of any message in a thread. Its limit leaves room for the thread's
        parent before the reply. Either refused (Slack's reference says a bot token may lack
        the right to read a channel's threads): nothing is found, and only the message goes."""
        window: dict[str, Any] = {"channel": ref.channel.id, "latest": ref.id, "oldest": ref.id, "inclusive": True,
                                  "include_all_metadata": True}
        try:
            found = _message_at(await self.client.conversations_history(**window, limit=1), ref.id)
            if found is None:
                found = _message_at(await self.client.conversations_replies(**window, ts=ref.id, limit=2), ref.id)
        except SlackApiError:
            return None
        metadata = (found or {}).get("metadata") or {}
        return dict(metadata) if metadata.get("event_type") in (POST_FILES_EVENT, DELIVERY_EVENT) else None

    async def _dm_channel(self, user: UserRef) -> str:
        """The DM channel with a person: opened once (conversations.open is a Tier 3 method, so
        a fan-out must not call it per message) and remembered, as Slack keeps it for good."""
        known = self._dm_channels.get(user.id)
        if known is None:
            response = await self.client.conversations_open(users=user.id)
            known = self._dm_channels[user.id] = str(response["channel"]["id"])
        return known

    async def send_dm(self, user: UserRef, message: Message, *, key: str | None = None, resend: bool = False,
                      dm_channel: str | None = None) -> Delivery:
        """chat.postMessage with the key (and the ids of its attachments, shared in its thread)
        in the message's metadata. A resend first reads the DM's recent history with metadata
        and returns the message already there, if any, files and all."""
        await self._use_for(user)
        if dm_channel is not None:
            self._dm_channels[user.id] = dm_channel
        try:
            channel_id = await self._dm_channel(user)
            if resend and key is not None:
                found = await self._delivered(channel_id, key)
                if found is not None:
                    return Delivery(DeliveryStatus.SENT, MessageRef(ChannelRef("slack", channel_id, None, True), found))
            # chat.postMessage carries no files: they are staged first, so the one message
            # names them beside its key, and shared under it once it is out
            staged = await self._stage_attachments(channel_id, message)
            ts, _ = await self._post_staged(channel_id, message, staged, under_it=True,
                                            metadata=_files_metadata(key, [i for _, i in staged]))
        except SlackApiError as exc:
            error = str(exc.response.get("error", ""))
            if error in _CLOSED:
                return Delivery(DeliveryStatus.DMS_CLOSED, detail=error)
            if error in _MISSING:
                return Delivery(DeliveryStatus.NOT_FOUND, detail=error)
            return Delivery(DeliveryStatus.FAILED, detail=error)
        except aiohttp.ClientError as exc:
            return Delivery(DeliveryStatus.FAILED, detail=type(exc).__name__)
        return Delivery(DeliveryStatus.SENT, MessageRef(ChannelRef("slack", channel_id, None, True), ts))

    async def _stage_attachments(self, channel_id: str, message: Message) -> list[tuple[str, str]]:
        """A message's files (a calendar file, a roster) uploaded, not shared yet: (name, id)
        each. One Slack refuses is logged and counted, and the message goes without it."""
        staged: list[tuple[str, str]] = []
        for attachment in message.attachments:
            file_id = await self._stage(channel_id, attachment.filename, attachment.content, label=attachment.filename)
            if file_id is not None:
                staged.append((attachment.filename, file_id))
        return staged

    async def _delivered(self, channel_id: str, key: str) -> str | None:
        """The ts of the bot's own message in this DM that carries ``key``, if one is among the
        most recent (conversations.history returns metadata only when asked for all of it)."""
        bot = await self.bot_user_id()
        response = await self.client.conversations_history(channel=channel_id, limit=RESEND_LOOKBACK,
                                                           include_all_metadata=True)
        for found in response.get("messages", []):
            metadata = found.get("metadata") or {}
            if (found.get("user") == bot and metadata.get("event_type") == DELIVERY_EVENT
                    and (metadata.get("event_payload") or {}).get("key") == key):
                return str(found["ts"])
        return None

    async def reply_private(self, interaction: InteractionRef, message: Message) -> None:
        user_id = interaction.id.split("|", 1)[0]
        await self._use_for(UserRef("slack", user_id))
        message = self.names.message(message)
        if interaction.token and await self._respond(interaction.token, message):
            return
        if interaction.channel is not None and not interaction.channel.is_dm:
            await self.client.chat_postEphemeral(channel=interaction.channel.id, user=user_id,
                                                 text=fallback_text(message), blocks=to_blocks(message))
            return
        await self.send_dm(UserRef("slack", user_id), message)

    async def _respond(self, response_url: str, message: Message) -> bool:
        """An ephemeral answer through the interaction's response_url; False when Slack
        refused it or could not be reached (the caller then uses chat.postEphemeral)."""
        body = {"response_type": "ephemeral", "replace_original": False, "text": fallback_text(message),
                "blocks": to_blocks(message)}
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=RESPONSE_URL_TIMEOUT)) as session, \
                    session.post(response_url, json=body) as response:
                if response.status < 300:
                    return True
                log.warning("slack: response_url answered HTTP %s; answering with chat.postEphemeral", response.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("slack: response_url could not be reached (%s); answering with chat.postEphemeral",
                        type(exc).__name__)
        return False

    async def open_form(self, interaction: InteractionRef, form: Form) -> bool:
        trigger = interaction.id.split("|", 1)[1] if "|" in interaction.id else ""
        if not trigger:
            return False
        await self.client.views_open(trigger_id=trigger, view=to_modal(
            self._named(form), customid.form(form.form_id, form.value, limit=SLACK_ID_LIMIT)))
        return True

    def _named(self, form: Form) -> Form:
        """``form`` with every command it mentions named as typed here (``/hr-ask``)."""
        return replace(form, title=self.names.text(form.title), intro=self.names.text(form.intro),
                       fields=tuple(replace(f, label=self.names.text(f.label), hint=self.names.text(f.hint))
                                    for f in form.fields))

    async def add_reaction(self, ref: MessageRef, emoji: Emoji) -> None:
        await self._use_for(ref)
        try:
            await self.client.reactions_add(channel=ref.channel.id, timestamp=ref.id, name=to_slack_name(emoji))
        except SlackApiError as exc:
            if exc.response.get("error") != "already_reacted":
                raise

    async def remove_reaction(self, ref: MessageRef, emoji: Emoji, user: UserRef) -> None:
        """Slack lets an app remove only its own reactions; the family is told privately instead."""
        await self._use_for(ref)
        if user.id == await self.bot_user_id():
            await self.client.reactions_remove(channel=ref.channel.id, timestamp=ref.id, name=to_slack_name(emoji))

    async def read_reactions(self, ref: MessageRef) -> dict[str, tuple[Emoji, list[UserRef]]]:
        await self._use_for(ref)
        try:
            response = await self.client.reactions_get(channel=ref.channel.id, timestamp=ref.id, full=True)
        except SlackApiError as exc:
            if exc.response.get("error") in ("message_not_found", "channel_not_found"):
                raise LookupError(ref.id) from None
            raise
        bot = await self.bot_user_id()
        result: dict[str, tuple[Emoji, list[UserRef]]] = {}
        for reaction in response.get("message", {}).get("reactions", []):
            emoji = from_slack(reaction["name"])
            users = result.setdefault(emoji.key, (emoji, []))[1]
            users.extend(UserRef("slack", u) for u in reaction.get("users", []) if u != bot
                         and UserRef("slack", u) not in users)
        return result

    async def lookup_member(self, community: CommunityRef, user: UserRef) -> MemberInfo | None:
        await self._use_for(community)
        try:
            info = await self._user(user.id)
        except SlackApiError:
            return None
        return MemberInfo(user=user, display_name=self._name(info), is_bot=bool(info.get("is_bot")),
                          locale=info.get("locale"), platform_roles=self._roles(info),
                          in_community=not info.get("deleted", False))

    async def upload_file(self, destination: ChannelRef | UserRef, attachment: Attachment,
                          message: Message | None = None) -> MessageRef | None:
        await self._use_for(destination)
        channel_id = await self._dm_channel(destination) if isinstance(destination, UserRef) else destination.id
        await self.client.files_upload_v2(channel=channel_id, content=attachment.content, filename=attachment.filename,
                                          initial_comment=fallback_text(self.names.message(message)) if message
                                          else None)
        return None

    async def resolve_channel(self, community: CommunityRef, text: str) -> ChannelRef | None:
        await self._use_for(community)
        text = text.strip()
        mention = _CHANNEL_MENTION.match(text)
        if mention:
            return ChannelRef("slack", mention.group(1), community)
        name = f"{community.id}:{text.lstrip('#').lower()}"
        if name not in self._channels:
            cursor = None
            while True:
                response = await self.client.conversations_list(types="public_channel,private_channel", limit=200,
                                                                cursor=cursor)
                for channel in response.get("channels", []):
                    self._channels[f"{community.id}:{channel['name'].lower()}"] = channel["id"]
                cursor = response.get("response_metadata", {}).get("next_cursor")
                if not cursor:
                    break
        channel_id = self._channels.get(name)
        return ChannelRef("slack", channel_id, community) if channel_id else None

    async def resolve_user(self, community: CommunityRef, text: str) -> UserRef | None:
        text = text.strip()
        mention = _USER_MENTION.match(text)
        if mention:
            return UserRef("slack", mention.group(1))
        if re.fullmatch(r"[UW][A-Z0-9]{2,}", text):
            return UserRef("slack", text)
        return None

    def mention(self, user: UserRef) -> str:
        return f"<@{user.id}>"

    # ----- serving ----------------------------------------------------------------------------
    def web_app(self) -> web.Application:
        """/slack/events (signed requests only) and /healthz."""

        async def events(request: web.Request) -> web.StreamResponse:
            with self._acks.answering():  # written before the work it acknowledges starts
                bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
                response = await to_aiohttp_response(bolt_response)
                await response.prepare(request)
                await response.write_eof()
            return response

        async def health(_: web.Request) -> web.Response:
            return web.json_response({"ok": True})

        application = web.Application()
        application.router.add_post("/slack/events", events)
        application.router.add_get("/healthz", health)
        flow = self.app.oauth_flow
        if flow is not None:  # the install page and Slack's redirect after a workspace installs
            async def install(request: web.Request) -> web.Response:
                return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

            async def redirect(request: web.Request) -> web.Response:
                return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

            application.router.add_get(flow.install_path, install)
            application.router.add_get(flow.redirect_uri_path, redirect)
        return application

    async def start(self) -> None:
        settings = self.core.config.section("slack")
        if not self.oauth:  # OAuth: each workspace's bot is known from its installation
            await self.bot_user_id()
        if settings.mode == "socket":
            self._socket = socket_mode.handler(self.app, self.core.secrets.slack_app_token or "")
            await self._socket.connect_async()
        else:
            self._runner = web.AppRunner(self.web_app())
            await self._runner.setup()
            site = web.TCPSite(self._runner, settings.host, settings.port)
            await site.start()
            sockets = getattr(site._server, "sockets", None) or []
            self.port = sockets[0].getsockname()[1] if sockets else settings.port
            log.info("slack: listening on %s:%s", settings.host, self.port)
        await self.core.platform_ready("slack")
        await self._stopped.wait()

    async def stop(self) -> None:
        if self._in_flight:  # events already acknowledged: finish them (bounded) before closing
            await asyncio.wait(set(self._in_flight), timeout=SHUTDOWN_GRACE_SECONDS)
        self._stopped.set()
        if self._socket is not None:
            await self._socket.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
