"""discord.py's real parsing and HTTP code against a local fake REST API, with gateway
payloads fed to the client's connection state. The fake behaves as Discord's developer docs
say the platform does where the bot's correctness depends on it: every request is recorded
with its arrival time; the global limit (50 requests in any second, interaction endpoints
exempt) is enforced with 429 answers shaped as documented; a message created with a ``nonce``
and ``enforce_nonce`` inside the nonce window returns the earlier message instead of a second
one; a person has one DM channel for good. This uses private API (Route.BASE, the
connection state's parsers), so it lives in this one module and discord.py is pinned to 2.7.

Traps handled here: the fake answers ``Content-Type: application/json`` exactly (aiohttp's
json_response adds a charset and discord.py then mis-parses), and it never raises (an
exception would be a 500 that discord.py retries forever).
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import discord
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.discord import DiscordAdapter
from bot.api.emoji import parse
from bot.api.roles import Role
from bot.runtime.core import Core
from tests.conformance.driver import FileToShare, Person, Seen

GUILD_ID = 900000000000000001
APP_ID = 900000000000000002
BOT_ID = 900000000000000003
#: the guild's ``owner_id``: ``person(owner=True)`` is this user
OWNER_ID = 900000000000000004
EVERYONE_ROLE = GUILD_ID
ROLE_IDS = {Role.TEACHER: 900000000000000010, Role.COMMITTEE: 900000000000000011, Role.ADMIN: 900000000000000012}
ROLE_NAMES = {Role.TEACHER: "Teacher", Role.COMMITTEE: "Committee", Role.ADMIN: "Admin"}
#: a role with the Administrator permission (bit 3, 0x8) whose name the config does not list
PRINCIPAL_ROLE = 900000000000000013
ADMINISTRATOR = 1 << 3
CHANNELS = {"announcements": 910000000000000001, "general": 910000000000000002, "committee": 910000000000000003,
            "staff": 910000000000000004}
_ids = itertools.count(920000000000000000)


def snowflake() -> int:
    return next(_ids)


def user_payload(user_id: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "global_name": name, "discriminator": "0", "avatar": None,
            "bot": bot}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """Exactly ``application/json``: with a charset appended discord.py reads the body as text."""
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


#: Discord's global limit: requests per second per bot, across routes (interactions exempt).
GLOBAL_LIMIT = 50
#: Discord keeps nonces for "the past few minutes"; the fake keeps them this long.
NONCE_WINDOW_SECONDS = 120.0
_EXEMPT = ("/interactions/", "/webhooks/")


def max_in_any_second(times: list[float]) -> int:
    """The most requests that arrived inside any window of one second (a count, not a timing)."""
    best, start = 0, 0
    ordered = sorted(times)
    for end, at in enumerate(ordered):
        while at - ordered[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


@dataclass
class FakeDiscord:
    calls: list[tuple[str, str, Any]] = field(default_factory=list)
    #: arrival time (monotonic) of every request, answered or refused, in order
    times: list[float] = field(default_factory=list)
    #: requests refused with 429 because of the global limit
    global_429s: int = 0
    nonce_window: float = NONCE_WINDOW_SECONDS
    #: (author, nonce) → (created at, message id)
    nonces: dict[tuple[int, str], tuple[float, int]] = field(default_factory=dict)
    _accepted: deque[float] = field(default_factory=deque)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    dm_channels: dict[int, int] = field(default_factory=dict)  # dm channel → user
    closed_dms: set[int] = field(default_factory=set)
    #: custom emoji ids that belong to the test guild (any other is "another server's")
    guild_emojis: set[int] = field(default_factory=set)
    rate_limit_once: set[str] = field(default_factory=set)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    reactions: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    #: CDN path → bytes of each file a person uploaded into a command (served until the test ends)
    cdn: dict[str, bytes] = field(default_factory=dict)
    server: TestServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/api/v10"))

    def paced_requests(self) -> list[float]:
        """Arrival times of the requests the global limit counts (interactions are exempt)."""
        return [at for at, (_, path, _) in zip(self.times, self.calls, strict=True) if not path.startswith(_EXEMPT)]

    async def handle(self, request: web.Request) -> web.Response:
        now = time.monotonic()
        path = request.path.removeprefix("/api/v10")
        body: Any = None
        if request.content_type.startswith("multipart"):
            form = await request.post()
            uploaded = [part for key, part in form.items()
                        if key.startswith("files[") and isinstance(part, web.FileField)]
            body = {**json.loads(str(form.get("payload_json") or "{}")), "multipart": True,
                    "_files": [part.filename for part in uploaded],
                    "_file_sizes": {part.filename: len(part.file.read()) for part in uploaded}}
        else:
            raw = await request.read()
            if raw and request.content_type == "application/json":
                body = json.loads(raw)
        self.times.append(now)
        self.calls.append((request.method, path, body))
        if not path.startswith(_EXEMPT):
            refused = self._over_global_limit(now)
            if refused is not None:
                return refused
        try:
            return self.answer(request.method, path, body, dict(request.query))
        except Exception as exc:  # never a 500: discord.py would retry forever
            return json_response({"message": f"fake error: {exc}", "code": 0}, status=400)

    def _over_global_limit(self, now: float) -> web.Response | None:
        """429 as Discord documents it for the global limit: ``global: true`` in the body,
        ``X-RateLimit-Global`` and ``X-RateLimit-Scope: global`` and ``Retry-After`` headers."""
        while self._accepted and now - self._accepted[0] >= 1.0:
            self._accepted.popleft()
        if len(self._accepted) < GLOBAL_LIMIT:
            self._accepted.append(now)
            return None
        self.global_429s += 1
        retry_after = round(max(0.001, 1.0 - (now - self._accepted[0])), 3)
        return json_response({"message": "You are being rate limited.", "retry_after": retry_after, "global": True,
                              "code": 0}, status=429,
                             headers={"Retry-After": str(max(1, round(retry_after))), "X-RateLimit-Global": "true",
                                      "X-RateLimit-Scope": "global", "Via": "1.1 google"})

    def answer(self, method: str, path: str, body: Any, query: dict[str, str]) -> web.Response:
        parts = path.strip("/").split("/")
        key = f"{method} {parts[0]}"
        if key in self.rate_limit_once:
            self.rate_limit_once.discard(key)
            return json_response({"message": "You are being rate limited.", "retry_after": 0.2, "global": False},
                                 status=429,
                                 headers={"Retry-After": "0.2", "X-RateLimit-Scope": "user", "Via": "1.1 google"})
        if path == "/users/@me":
            return json_response(user_payload(BOT_ID, "Homeroom", bot=True))
        if path == "/oauth2/applications/@me":
            return json_response({"id": str(APP_ID), "name": "Homeroom", "icon": None, "description": "",
                                  "bot_public": True, "bot_require_code_grant": False, "verify_key": "k",
                                  "flags": 0, "owner": user_payload(1, "owner"), "summary": ""})
        if parts[0] == "interactions":  # .../{id}/{token}/callback?with_response=true
            return json_response({"interaction": {"id": parts[1], "type": 2,
                                                  "response_message_loading": body.get("type") == 5,
                                                  "response_message_ephemeral": True}})
        if parts[0] == "webhooks":
            if method == "POST":
                return json_response(self._message(0, body, webhook=True))
            return json_response(self._message(0, body, webhook=True))
        if path == "/users/@me/channels":
            recipient = int(body["recipient_id"])
            channel_id = next((c for c, u in self.dm_channels.items() if u == recipient), None) or snowflake()
            self.dm_channels[channel_id] = recipient  # one DM channel per person, for good
            return json_response({"id": str(channel_id), "type": 1,
                                  "recipients": [self.users.get(recipient, user_payload(recipient, "x"))]})
        if parts[0] == "users" and len(parts) == 2:
            return json_response(self.users.get(int(parts[1]), user_payload(int(parts[1]), "someone")))
        if parts[0] == "applications":
            return json_response(body or [])
        if parts[0] == "channels":
            channel_id = int(parts[1])
            if len(parts) == 3 and method == "POST":  # send a message
                recipient = self.dm_channels.get(channel_id)
                if recipient in self.closed_dms:
                    return json_response({"message": "Cannot send messages to this user", "code": 50007}, status=403)
                earlier = self._earlier_with_nonce(body)
                if earlier is not None:
                    return json_response(earlier)
                return json_response(self._message(channel_id, body))
            if len(parts) >= 6 and parts[4] == "reactions":  # .../messages/{id}/reactions/{emoji}/...
                emoji = parts[5]
                message_id = int(parts[3])
                if method == "GET":
                    after = int(query.get("after", "0"))
                    users = sorted(u for u in self.reactions.get((message_id, emoji), []) if u > after)
                    limit = int(query.get("limit", "100"))
                    return json_response([self.users.get(u, user_payload(u, "x")) for u in users[:limit]])
                return web.Response(status=204)
            if len(parts) == 4 and method == "GET":
                return json_response(self.messages.get(int(parts[3]), {}) or self._stub(channel_id, int(parts[3])))
            if len(parts) == 4 and method == "PATCH":
                message = self.messages.get(int(parts[3]), self._stub(channel_id, int(parts[3])))
                message.update({k: v for k, v in (body or {}).items() if k in ("embeds", "components", "content")})
                return json_response(message)
            if len(parts) == 4 and method == "DELETE":  # the message goes, and the files it carries with it
                self.messages.pop(int(parts[3]), None)
                return web.Response(status=204)
            if len(parts) == 2:
                name = next((n for n, c in CHANNELS.items() if c == channel_id), None)
                if name:
                    return json_response({"id": str(channel_id), "type": 0, "name": name, "guild_id": str(GUILD_ID),
                                          "position": 0, "permission_overwrites": []})
                if channel_id in self.dm_channels:
                    return json_response({"id": str(channel_id), "type": 1, "recipients": [
                        self.users.get(self.dm_channels[channel_id], user_payload(1, "x"))]})
        if parts[0] == "guilds" and len(parts) == 4 and parts[2] == "emojis":
            emoji_id = int(parts[3])
            if emoji_id not in self.guild_emojis:
                return json_response({"message": "Unknown Emoji", "code": 10014}, status=404)
            return json_response({"id": str(emoji_id), "name": "ours", "roles": [], "require_colons": True,
                                  "managed": False, "animated": False, "available": True})
        if parts[0] == "guilds" and len(parts) == 4 and parts[2] == "members":
            user = self.users.get(int(parts[3]))
            if user is None:
                return json_response({"message": "Unknown Member", "code": 10007}, status=404)
            return json_response({"user": user, "roles": user.get("_roles", []), "deaf": False, "mute": False,
                                  "joined_at": "2026-01-01T00:00:00+00:00", "flags": 0})
        return json_response({"message": f"no fake for {method} {path}", "code": 0}, status=404)

    def _earlier_with_nonce(self, body: Any) -> dict[str, Any] | None:
        """Discord: with ``enforce_nonce``, "if another message was created by the same author
        with the same nonce, that message will be returned and no new message will be created"
        (within the past few minutes)."""
        if not isinstance(body, dict) or not body.get("enforce_nonce") or body.get("nonce") is None:
            return None
        found = self.nonces.get((BOT_ID, str(body["nonce"])))
        if found is None or time.monotonic() - found[0] > self.nonce_window:
            return None
        method, path, recorded = self.calls[-1]
        self.calls[-1] = (method, path, {**recorded, "_id": str(found[1]), "_deduplicated": True})
        return self.messages[found[1]]

    def messages_in(self, channel_id: int | str) -> list[dict[str, Any]]:
        """What Discord holds in a channel now."""
        return [m for m in self.messages.values() if m["channel_id"] == str(channel_id)]

    def host_upload(self, file: FileToShare) -> dict[str, Any]:
        """A file a person picked for a command's attachment option: Discord stores it on its
        CDN (an ephemeral attachment) and describes it in the interaction's
        ``data.resolved.attachments`` with this object."""
        attachment_id = snowflake()
        path = f"/ephemeral-attachments/{APP_ID}/{attachment_id}/{file.filename}"
        self.cdn[path] = file.content
        assert self.server is not None
        url = str(self.server.make_url(path))
        return {"id": str(attachment_id), "filename": file.filename, "size": len(file.content),
                "content_type": file.content_type, "url": url, "proxy_url": url, "ephemeral": True}

    async def serve_cdn(self, request: web.Request) -> web.Response:
        content = self.cdn.get(request.path)
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content, content_type="application/octet-stream")

    def _stub(self, channel_id: int, message_id: int) -> dict[str, Any]:
        return {"id": str(message_id), "channel_id": str(channel_id), "author": user_payload(BOT_ID, "Homeroom", True),
                "content": "", "timestamp": "2026-09-07T12:00:00+00:00", "edited_timestamp": None, "tts": False,
                "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
                "pinned": False, "type": 0, "components": []}

    def _message(self, channel_id: int, body: Any, webhook: bool = False) -> dict[str, Any]:
        payload = body if isinstance(body, dict) else {}
        message_id = snowflake()
        message = self._stub(channel_id, message_id)
        message.update({k: payload[k] for k in ("content", "embeds", "components") if k in payload})
        sizes = payload.get("_file_sizes") or {}
        message["attachments"] = [{"id": str(snowflake()), "filename": name, "size": sizes.get(name, 0),
                                   "url": f"https://cdn.discordapp.com/attachments/{channel_id}/{message_id}/{name}",
                                   "proxy_url": f"https://media.discordapp.net/attachments/{channel_id}/{message_id}/"
                                                f"{name}"}
                                  for name in payload.get("_files") or []]
        self.messages[message_id] = message
        if payload.get("nonce") is not None:
            self.nonces[(BOT_ID, str(payload["nonce"]))] = (time.monotonic(), message_id)
            message = {**message, "nonce": payload["nonce"]}  # in the create response only
        method, path, body = self.calls[-1]
        self.calls[-1] = (method, path, {**(body if isinstance(body, dict) else {}), "_id": str(message_id)})
        return message

    async def start(self) -> None:
        application = web.Application()
        application.router.add_route("*", "/api/v10/{tail:.*}", self.handle)
        application.router.add_get("/ephemeral-attachments/{tail:.*}", self.serve_cdn)
        self.server = TestServer(application, host="127.0.0.1", port=0)
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()


class DiscordDriver:
    """Conformance driver and harness: the adapter with discord.py's real client."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.fake = FakeDiscord()
        self.adapter: DiscordAdapter | None = None
        self.people: dict[str, Person] = {}
        self.members: dict[int, dict[str, Any]] = {}
        self.tokens: dict[str, Person] = {}

    @property
    def client(self) -> discord.Client:
        assert self.adapter is not None
        return self.adapter.client

    async def start(self) -> None:
        await self.fake.start()
        self.adapter = DiscordAdapter(self.core)
        discord.http.Route.BASE = self.fake.base  # after the adapter applied [discord] api_base_url
        await self.client.login("fake-token")
        self.client._connection.parse_guild_create(self._guild())
        await self.core.start()
        await self.core.platform_ready("discord")

    async def stop(self) -> None:
        await self.core.settle()
        await self.client.close()
        await self.fake.close()

    def _guild(self) -> dict[str, Any]:
        roles = [{"id": str(EVERYONE_ROLE), "name": "@everyone", "permissions": "0", "position": 0, "color": 0,
                  "hoist": False, "managed": False, "mentionable": False, "flags": 0}]
        for role, role_id in ROLE_IDS.items():
            roles.append({"id": str(role_id), "name": ROLE_NAMES[role], "position": 1, "color": 0, "hoist": False,
                          "managed": False, "mentionable": False, "flags": 0,
                          "permissions": str(ADMINISTRATOR if role == Role.ADMIN else 0)})
        roles.append({"id": str(PRINCIPAL_ROLE), "name": "Principal", "position": 2, "color": 0, "hoist": False,
                      "managed": False, "mentionable": False, "flags": 0, "permissions": str(ADMINISTRATOR)})
        channels = [{"id": str(cid), "type": 0, "name": name, "position": n, "guild_id": str(GUILD_ID),
                     "permission_overwrites": []} for n, (name, cid) in enumerate(CHANNELS.items())]
        return {"id": str(GUILD_ID), "name": "Room 12", "owner_id": str(OWNER_ID), "roles": roles, "channels": channels,
                "members": [{"user": user_payload(BOT_ID, "Homeroom", True), "roles": [],
                             "joined_at": "2026-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0}],
                "member_count": 1, "features": [], "emojis": [], "stickers": [], "large": False,
                "unavailable": False, "threads": [], "voice_states": [], "presences": [], "verification_level": 0,
                "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
                "premium_tier": 0, "nsfw_level": 0, "preferred_locale": "en-US", "system_channel_flags": 0}

    # ----- people and gateway payloads -----------------------------------------------------
    async def person(self, name: str, role: Role = Role.FAMILY, language: str | None = None, *,
                     owner: bool = False, administrator: bool = False) -> Person:
        """A guild member with the role named for ``role``; ``owner`` makes them the guild's
        owner, ``administrator`` gives them the "Principal" role (Administrator permission)."""
        user_id = OWNER_ID if owner else snowflake()
        user = user_payload(user_id, name)
        user["_roles"] = [str(ROLE_IDS[role])] if role in ROLE_IDS else []
        if administrator:
            user["_roles"].append(str(PRINCIPAL_ROLE))
        self.fake.users[user_id] = user
        # An interaction's member carries its total permissions; the owner and an
        # Administrator have them all.
        everything = owner or administrator or role == Role.ADMIN
        member = {"user": {k: v for k, v in user.items() if not k.startswith("_")}, "roles": user["_roles"],
                  "joined_at": "2026-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0,
                  "permissions": str(discord.Permissions.all().value if everything else 0)}
        self.members[user_id] = member
        guild = self.client.get_guild(GUILD_ID)
        assert guild is not None
        guild._add_member(discord.Member(data=member, guild=guild, state=self.client._connection))  # type: ignore[arg-type]
        person = Person(name=name, user_id=str(user_id), role=role, language=language)
        self.people[str(user_id)] = person
        return person

    def interaction(self, who: Person, kind: int, data: dict[str, Any], *, channel: str = "general",
                    message: dict[str, Any] | None = None, locale: str | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(snowflake()), "application_id": str(APP_ID), "type": kind, "token": uuid.uuid4().hex,
            "version": 1, "guild_id": str(GUILD_ID), "channel_id": str(CHANNELS[channel]),
            "channel": {"id": str(CHANNELS[channel]), "type": 0, "name": channel, "guild_id": str(GUILD_ID)},
            "member": self.members[int(who.user_id)], "data": data, "locale": locale or who.language or "en-US",
            "guild_locale": "en-US", "app_permissions": "0", "entitlements": [], "context": 0,
            "authorizing_integration_owners": {}, "attachment_size_limit": 10485760,
        }
        if message is not None:
            payload["message"] = message
        self.tokens[payload["token"]] = who
        return payload

    async def feed_interaction(self, payload: dict[str, Any]) -> None:
        self.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        await self.settle()

    async def command(self, who: Person, name: str, /, *, files: Mapping[str, FileToShare] | None = None,
                      **options: str) -> None:
        """A slash command as Discord sends it; each file in ``files`` is uploaded into its
        attachment option (type 11): the option's value is the upload's id and the file is
        described in ``data.resolved.attachments``."""
        root, _, sub = name.partition(" ")
        spec = self.core.commands[name]
        typed = []
        for key, value in options.items():
            opt = spec.option(key)
            kind = {"string": 3, "integer": 4, "boolean": 5, "user": 6, "channel": 7}[opt.type.value]  # type: ignore[union-attr]
            converted: Any = int(value) if kind == 4 else (value.lower() == "true" if kind == 5 else value)
            typed.append({"name": key, "type": kind, "value": converted})
        uploads = {key: self.fake.host_upload(file) for key, file in (files or {}).items()}
        typed += [{"name": key, "type": 11, "value": upload["id"]} for key, upload in uploads.items()]
        data: dict[str, Any] = {"id": str(snowflake()), "name": root, "type": 1, "options": typed}
        if uploads:
            data["resolved"] = {"attachments": {upload["id"]: upload for upload in uploads.values()}}
        if sub:
            data["options"] = [{"name": sub, "type": 1, "options": typed}]
        await self.feed_interaction(self.interaction(who, 2, data))

    def _emoji(self, emoji: str) -> dict[str, Any]:
        parsed = parse(emoji)
        assert parsed is not None
        if parsed.custom_id:
            return {"id": parsed.custom_id, "name": parsed.name}
        return {"id": None, "name": emoji}

    def _channel_of(self, message_id: str) -> int:
        return int(self.fake.messages[int(message_id)]["channel_id"])

    async def react(self, who: Person, message_id: str, emoji: str) -> None:
        self.fake.reactions.setdefault((int(message_id), emoji), []).append(int(who.user_id))
        self.client._connection.parse_message_reaction_add({  # type: ignore[arg-type]
            "user_id": who.user_id, "channel_id": str(self._channel_of(message_id)), "message_id": message_id,
            "guild_id": str(GUILD_ID), "emoji": self._emoji(emoji), "member": self.members[int(who.user_id)],
            "type": 0, "burst": False, "burst_colors": [], "message_author_id": str(BOT_ID)})
        await self.settle()

    async def unreact(self, who: Person, message_id: str, emoji: str) -> None:
        users = self.fake.reactions.get((int(message_id), emoji), [])
        if int(who.user_id) in users:
            users.remove(int(who.user_id))
        self.client._connection.parse_message_reaction_remove({  # type: ignore[arg-type]
            "user_id": who.user_id, "channel_id": str(self._channel_of(message_id)), "message_id": message_id,
            "guild_id": str(GUILD_ID), "emoji": self._emoji(emoji), "type": 0, "burst": False})
        await self.settle()

    def gateway(self, sequence: int, event: str, who: Person, message_id: str, emoji: str) -> None:
        """Feed one reaction as the gateway would: through the parser table, at ``sequence``
        of session "S" (without settling, so several can be in flight at once)."""
        self.client.ws = SimpleNamespace(session_id="S", sequence=sequence)  # type: ignore[assignment]
        data = {"user_id": who.user_id, "channel_id": str(self._channel_of(message_id)), "message_id": message_id,
                "guild_id": str(GUILD_ID), "emoji": self._emoji(emoji), "type": 0, "burst": False}
        if event == "MESSAGE_REACTION_ADD":
            data.update(member=self.members[int(who.user_id)], burst_colors=[], message_author_id=str(BOT_ID))
        try:
            self.client._connection.parsers[event](data)
        finally:
            self.client.ws = None  # type: ignore[assignment]

    async def leave(self, who: Person) -> None:
        """GUILD_MEMBER_REMOVE (sent with the Server Members intent)."""
        self.client._connection.parse_guild_member_remove({  # type: ignore[arg-type]
            "guild_id": str(GUILD_ID), "user": user_payload(int(who.user_id), who.name)})
        await self.settle()

    async def click(self, who: Person, message_id: str, label: str) -> None:
        message = self.fake.messages[int(message_id)]
        for row in message.get("components", []):
            for component in row.get("components", []):
                if component.get("type") == 2 and component.get("label", "").lower().startswith(label.lower()):
                    data = {"custom_id": component["custom_id"], "component_type": 2}
                    channel = next(n for n, c in CHANNELS.items() if c == int(message["channel_id"])) \
                        if int(message["channel_id"]) in CHANNELS.values() else "general"
                    await self.feed_interaction(self.interaction(who, 3, data, channel=channel, message=message))
                    return
        raise AssertionError(f"no button {label!r} on message {message_id}")

    def _dm_payload(self, who: Person, text: str, reference: str | None = None, channel_id: int | None = None) \
            -> dict[str, Any]:
        user = {k: v for k, v in self.fake.users[int(who.user_id)].items() if not k.startswith("_")}
        payload: dict[str, Any] = {
            "id": str(snowflake()), "channel_id": str(channel_id or snowflake()), "author": user, "content": text,
            "timestamp": "2026-09-07T12:00:00+00:00", "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
            "pinned": False, "type": 0 if reference is None else 19, "components": []}
        if reference is not None:
            payload["message_reference"] = {"message_id": reference, "channel_id": payload["channel_id"]}
        return payload

    async def dm(self, who: Person, text: str) -> None:
        self.client._connection.parse_message_create(self._dm_payload(who, text))  # type: ignore[arg-type]
        await self.settle()

    async def reply(self, who: Person, message_id: str, text: str) -> None:
        channel_id = int(self.fake.messages[int(message_id)]["channel_id"])
        self.client._connection.parse_message_create(  # type: ignore[arg-type]
            self._dm_payload(who, text, reference=message_id, channel_id=channel_id))
        await self.settle()

    async def settle(self) -> None:
        """Wait for discord.py's event tasks (it dispatches each event as a task), then for
        the core's due work; repeat until both are quiet."""
        import asyncio

        for _ in range(20):
            await asyncio.sleep(0)
            pending = [t for t in asyncio.all_tasks() if t.get_name().startswith("discord.py:") and not t.done()]
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
            await self.core.settle()
            if not pending:
                return

    def seen(self) -> list[Seen]:
        result: list[Seen] = []
        names = {c: n for n, c in CHANNELS.items()}
        for method, path, body in self.fake.calls:
            parts = path.strip("/").split("/")
            if not isinstance(body, dict):
                body = {}
            callback_message = parts[0] == "interactions" and body.get("type") == 4  # CHANNEL_MESSAGE_WITH_SOURCE
            if callback_message:
                body = body.get("data") or {}
            text = "\n".join(filter(None, [body.get("content") or ""] + [
                "\n".join(filter(None, [e.get("title"), e.get("description"),
                                        *[f"{f['name']}: {f['value']}" for f in e.get("fields", [])],
                                        (e.get("footer") or {}).get("text")]))
                for e in body.get("embeds") or []]))
            buttons = [c.get("label", "") for row in body.get("components") or [] for c in row.get("components", [])
                       if c.get("type") == 2]
            if method == "POST" and parts[0] == "channels" and len(parts) == 3:
                if body.get("_deduplicated") or "_id" not in body:
                    continue  # Discord created nothing (a repeated nonce, a refused request)
                channel_id = int(parts[1])
                message_id = body.get("_id", "")
                if channel_id in self.fake.dm_channels:
                    person = self.people.get(str(self.fake.dm_channels[channel_id]))
                    where = f"dm:{person.name if person else channel_id}"
                else:
                    where = f"channel:{names.get(channel_id, channel_id)}"
                result.append(Seen(where=where, text=text, message_id=message_id, buttons=buttons,
                                   files=list(body.get("_files", [])), file_sizes=dict(body.get("_file_sizes", {}))))
            elif (parts[0] == "webhooks" and method == "POST") or callback_message:
                person = self.tokens.get(parts[2])
                result.append(Seen(where=f"ephemeral:{person.name if person else '?'}", text=text,
                                   message_id=body.get("_id", ""), buttons=buttons,
                                   files=list(body.get("_files", [])), file_sizes=dict(body.get("_file_sizes", {}))))
            elif method == "PATCH" and parts[0] == "channels":
                result.append(Seen(where=f"edit:{parts[3]}", text=text, message_id=parts[3], buttons=buttons,
                                   edited=True))
        return result

    def files_shown(self, where: str) -> list[str]:
        """The attachments of the messages Discord holds there now (a file is part of its
        message: deleting the message deletes the file)."""
        kind, _, name = where.partition(":")
        if kind == "channel":
            channel_ids = [CHANNELS[name]]
        elif kind == "dm":
            channel_ids = [c for c, user in self.fake.dm_channels.items()
                           if (person := self.people.get(str(user))) is not None and person.name == name]
        else:
            raise AssertionError(f"files_shown: {where!r} is no channel or DM")
        return [a["filename"] for channel_id in channel_ids for m in self.fake.messages_in(channel_id)
                for a in m.get("attachments", [])]

    def files_behind(self, link: str) -> list[str]:
        """A message link (https://discord.com/channels/<guild>/<channel>/<message>): the
        files of that message, while Discord holds it."""
        message_id = link.rstrip("/").rsplit("/", 1)[-1]
        message = self.fake.messages.get(int(message_id)) if message_id.isdigit() else None
        return [a["filename"] for a in (message or {}).get("attachments", [])]
