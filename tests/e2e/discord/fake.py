"""A fake Discord, written from Discord's developer documentation (API v10), served on
127.0.0.1 from a thread of its own so a real ``homeroom run --adapter discord`` process can
talk to it while the tests drive it.

REST (``/api/v10``): the routes the bot uses, answering what the docs say Discord answers,
with ``Content-Type: application/json`` exactly. Every request is recorded (method, decoded
path segments, query, body, arrival time) so tests assert on what Discord received.

* Rate limits ("Rate Limits" page): at most 50 requests in any second outside interaction
  routes (a global 429 with ``"global": true`` and ``X-RateLimit-Global``/``Scope: global``);
  per-route 429s on demand (:meth:`FakeDiscord.limit_route`) with ``retry_after`` in the
  body and ``Retry-After`` and the ``X-RateLimit-*`` headers.
* Interactions ("Receiving and Responding"): a callback must arrive within 3 s of the
  interaction being sent, and only one (10062 Unknown interaction, 40060 already
  acknowledged); follow-ups and edits go to ``/webhooks/{application}/{token}``. A modal
  (callback 9) is checked as Discord checks one (:func:`modal_problem`: Labels holding text
  inputs or file uploads, component 19), and :func:`modal_submit` answers it as a person
  does, a picked file by its id with the file in ``data.resolved.attachments``.
* Messages: ``nonce`` with ``enforce_nonce`` returns the message already created; a DM to
  a person whose DMs are closed is refused with 403/50007.
* Attachments ("Message Resource", "Uploading Files"; "Application Commands", option type
  11): a file a person picks for an attachment option is uploaded first and arrives as the
  option's value (its id) with the file in ``data.resolved.attachments`` (id, filename, size,
  content_type, url, ephemeral); the url is served by this fake's CDN route. A message with
  files is ``multipart/form-data``: ``payload_json`` and one ``files[n]`` part per file,
  whose bytes are recorded (:meth:`FakeDiscord.uploads_in`). A file larger than the
  channel's upload limit (:attr:`FakeDiscord.upload_limit`) makes the whole message 413/40005
  "Request entity too large", and nothing is created.
* Application commands ("Application Commands"): a bulk overwrite (``PUT .../commands``) is
  checked as Discord checks it — every command, subcommand and option name, localized or
  not, matches Discord's naming pattern and is lowercase, localizations are keyed
  by Discord's locales, descriptions are 1 to 100 characters, and the names siblings show in
  any one locale are unique — or refused with 400/50035 "Invalid Form Body"; an accepted body
  is kept as sent in :attr:`FakeDiscord.registrations`.
* Reactions: the emoji in the path is URL-encoded, a unicode emoji exactly as reacted
  (a skin tone is part of it) or a custom ``name:id`` (matched by id); ``DELETE
  .../{emoji}/{user.id}`` removes that person's reaction, ``@me`` the bot's own.

Gateway (``/gateway``, "Gateway" page): HELLO with ``heartbeat_interval``; IDENTIFY → READY
(``session_id``, ``resume_gateway_url``) then GUILD_CREATE; heartbeats are ACKed; RESUME
replays what the session missed and ends with RESUMED, or is answered INVALID_SESSION
(``d: false``) when the session is gone; dispatches carry an increasing ``s``.

The fake never raises out of a handler: an exception would be a 500, which discord.py
retries without end, so a test would hang instead of failing.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import regex
from aiohttp import WSMsgType, web

GUILD_ID = 930000000000000001
APP_ID = 930000000000000002
BOT_ID = 930000000000000003
OWNER_ID = 930000000000000004
CHANNELS = {"announcements": 931000000000000001, "general": 931000000000000002, "committee": 931000000000000003,
            "staff": 931000000000000004}
ROLES = {"Teacher": 932000000000000010, "Committee": 932000000000000011, "Admin": 932000000000000012}
CUSTOM_EMOJI = {"hr_star": 933000000000000001}
HEARTBEAT_INTERVAL_MS = 41250
INTERACTION_DEADLINE_SECONDS = 3.0
GLOBAL_LIMIT = 50
NONCE_WINDOW_SECONDS = 120.0
EPHEMERAL = 1 << 6
EXEMPT = ("interactions", "webhooks")
_ids = itertools.count(940000000000000000)
#: "Locales" in Discord's API reference
LOCALES = frozenset({"id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no",
                     "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN",
                     "ja", "zh-TW", "ko"})
#: "Application Command Naming" in Discord's API reference
COMMAND_NAME = regex.compile(r"^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$")


def snowflake() -> int:
    return next(_ids)


def _name_problems(name: Any, where: str) -> list[str]:
    if not isinstance(name, str) or not COMMAND_NAME.match(name) or name != name.lower():
        return [f"{where}: invalid name {name!r}"]
    return []


def command_problems(entries: list[dict[str, Any]], where: str = "") -> list[str]:
    """What Discord would refuse in a list of sibling commands (or options), recursively."""
    problems: list[str] = []
    for entry in entries:
        here = f"{where}/{entry.get('name')}"
        problems += _name_problems(entry.get("name"), here)
        localized = entry.get("name_localizations") or {}
        for locale, name in localized.items():
            problems += [f"{here}: unknown locale {locale!r}"] if locale not in LOCALES else []
            problems += _name_problems(name, f"{here} [{locale}]")
        texts = [entry.get("description", ""), *(entry.get("description_localizations") or {}).values()]
        problems += [f"{here}: description length" for text in texts if not 1 <= len(str(text)) <= 100]
        problems += command_problems(entry.get("options", []), here)
    for locale in LOCALES | {""}:
        shown = [(e.get("name_localizations") or {}).get(locale) or e.get("name") for e in entries]
        problems += [f"{where}: {name!r} twice in {locale or 'default'}" for name in set(shown)
                     if shown.count(name) > 1]
    return problems


def modal_problem(data: dict[str, Any]) -> str:
    """Why Discord would refuse a modal ("Component Reference"), or "": a title of 1-45
    characters; 1-5 top-level components, each a Label (18: a label of 1-45 characters, a
    description of at most 100, holding one text input, 4, or file upload, 19) or an action
    row (1) holding one text input with its own label; a file upload only inside a Label,
    holding 0-10 files; custom ids unique."""
    if not 0 < len(str(data.get("title", ""))) <= 45:
        return "title"
    top = data.get("components") or []
    if not 0 < len(top) <= 5:
        return "components"
    ids: list[str] = []
    for position, row in enumerate(top):
        if row.get("type") == 18:
            inner = row.get("component") or {}
            if not 0 < len(str(row.get("label") or "")) <= 45 or len(str(row.get("description") or "")) > 100:
                return f"components.{position}.label"
            if inner.get("type") not in (4, 19):
                return f"components.{position}.component"
            if inner.get("type") == 19 and not 0 <= int(inner.get("min_values", 0)) <= int(
                    inner.get("max_values", 1)) <= 10:
                return f"components.{position}.component.max_values"
        elif row.get("type") == 1:
            children = row.get("components") or []
            if len(children) != 1 or children[0].get("type") != 4 or not children[0].get("label"):
                return f"components.{position}.components"
            inner = children[0]
        else:
            return f"components.{position}.type"
        ids.append(str(inner.get("custom_id", "")))
    return "custom_id" if len(set(ids)) != len(ids) or not all(ids) else ""


def modal_submit(modal: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The ``data`` of the submit of ``modal`` (its callback's ``data``) filled with
    ``values``: text by custom id (a text input left alone submits the ``value`` it was
    pre-filled with), or a file (:meth:`FakeDiscord.upload`) for a file upload, which the
    submit lists by id in ``values`` with the file in ``resolved.attachments``."""
    components: list[dict[str, Any]] = []
    resolved: dict[str, Any] = {}
    for row in modal["components"]:
        inner = row["component"] if row["type"] == 18 else row["components"][0]
        given = values.get(inner["custom_id"])
        if inner["type"] == 19:
            answer = {"type": 19, "id": snowflake() % 1000, "custom_id": inner["custom_id"],
                      "values": [given["id"]] if given else []}
            if given:
                resolved.setdefault("attachments", {})[given["id"]] = given
        else:
            typed = given if inner["custom_id"] in values else inner.get("value")
            answer = {"type": 4, "id": snowflake() % 1000, "custom_id": inner["custom_id"], "value": typed or ""}
        components.append({"type": 18, "id": snowflake() % 1000, "component": answer} if row["type"] == 18
                          else {"type": 1, "components": [answer]})
    data: dict[str, Any] = {"custom_id": modal["custom_id"], "components": components}
    if resolved:
        data["resolved"] = resolved
    return data


def user_payload(user_id: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "global_name": name, "discriminator": "0", "avatar": None,
            "bot": bot}


#: Discord's API answers through Google's load balancer; discord.py reads a 429 without this
#: header as a Cloudflare ban and gives up instead of waiting
VIA = {"Via": "1.1 google"}


def reply(data: Any = None, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    if status == 204 or data is None:
        return web.Response(status=204, headers={**VIA, **(headers or {})})
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **VIA, **(headers or {})})


def error(status: int, code: int, message: str) -> web.Response:
    return reply({"message": message, "code": code}, status=status)


@dataclass
class Request:
    method: str
    parts: list[str]
    query: dict[str, str]
    body: Any
    at: float
    status: int = 0

    @property
    def path(self) -> str:
        return "/" + "/".join(self.parts)


@dataclass
class Person:
    name: str
    user_id: int
    roles: list[str] = field(default_factory=list)
    locale: str = "en-US"
    dms_closed: bool = False

    def member(self) -> dict[str, Any]:
        admin = "Admin" in self.roles
        return {"user": user_payload(self.user_id, self.name), "roles": [str(ROLES[r]) for r in self.roles],
                "joined_at": "2026-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0,
                "permissions": str((1 << 41) - 1 if admin else 0)}


@dataclass
class Session:
    id: str
    events: list[dict[str, Any]] = field(default_factory=list)
    sequence: int = 0
    valid: bool = True


@dataclass
class Interaction:
    id: str
    token: str
    sent_at: float
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    #: (arrival time, callback type) of every callback, accepted or not
    attempts: list[tuple[float, int]] = field(default_factory=list)


class FakeDiscord:
    """Run with :meth:`start`; every public method is safe to call from the test thread."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.gateway_log: list[tuple[float, int, Any]] = []
        self.people: dict[int, Person] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        #: (message id, emoji as Discord keys it) → user ids, in the order they reacted
        self.reactions: dict[tuple[int, str], list[int]] = {}
        self.dm_channels: dict[int, int] = {}  # channel → person
        self.commands: dict[str, list[dict[str, Any]]] = {}
        #: (scope, body) of every accepted bulk overwrite, as the bot sent it
        self.registrations: list[tuple[str, list[dict[str, Any]]]] = []
        self.interactions: dict[str, Interaction] = {}
        self.threads: dict[int, int] = {}  # thread id → parent channel
        #: CDN path → (attachment as Discord describes it, its bytes)
        self.files: dict[str, tuple[dict[str, Any], bytes]] = {}
        self.nonces: dict[str, tuple[float, int]] = {}
        self.translate_delay = 0.0
        self.heartbeat_interval_ms = HEARTBEAT_INTERVAL_MS
        #: seconds each DM takes to be answered (a slow Discord, to hold a fan-out in flight)
        self.dm_delay = 0.0
        #: the largest file a message may carry (Discord's default for a server: 10 MiB)
        self.upload_limit = 10 * 1024 * 1024
        self.translations: list[dict[str, str]] = []
        self.identifies = 0
        self.resumes = 0
        self.global_429s = 0
        self._route_limits: list[tuple[str, str, int, float]] = []
        self._global_refusals = 0
        self._accepted: deque[float] = deque()
        self._session: Session | None = None
        self._gateway_open: asyncio.Event | None = None
        self._ws: web.WebSocketResponse | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._lock = threading.Lock()

    # ----- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            loop.run_until_complete(self._serve())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        threading.Thread(target=serve, name="fake-discord", daemon=True).start()
        assert ready.wait(10), "the fake Discord did not start"

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_post("/translate", self._translate)
        app.router.add_get("/languages", self._languages)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        app.router.add_get("/attachments/{tail:.*}", self._cdn)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _shutdown(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` (a coroutine function or plain function) on the fake's loop, and wait."""
        assert self._loop is not None

        async def run() -> Any:
            result = fn()
            return await result if asyncio.iscoroutine(result) else result

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(15)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/gateway"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    # ----- people, guild --------------------------------------------------------------------
    def person(self, name: str, *roles: str, locale: str = "en-US") -> Person:
        who = Person(name=name, user_id=snowflake(), roles=list(roles), locale=locale)
        self.people[who.user_id] = who
        return who

    def guild(self) -> dict[str, Any]:
        roles = [{"id": str(GUILD_ID), "name": "@everyone", "permissions": "0", "position": 0, "color": 0,
                  "hoist": False, "managed": False, "mentionable": False, "flags": 0}]
        roles += [{"id": str(role_id), "name": name, "position": 1, "color": 0, "hoist": False, "managed": False,
                   "mentionable": False, "flags": 0, "permissions": str(8 if name == "Admin" else 0)}
                  for name, role_id in ROLES.items()]
        channels = [{"id": str(cid), "type": 0, "name": name, "position": n, "guild_id": str(GUILD_ID),
                     "permission_overwrites": []} for n, (name, cid) in enumerate(CHANNELS.items())]
        members = [{"user": user_payload(BOT_ID, "Homeroom", True), "roles": [], "deaf": False, "mute": False,
                    "joined_at": "2026-01-01T00:00:00+00:00", "flags": 0}]
        members += [{k: v for k, v in p.member().items() if k != "permissions"} for p in self.people.values()]
        emojis = [{"id": str(eid), "name": name, "roles": [], "require_colons": True, "managed": False,
                   "animated": False, "available": True} for name, eid in CUSTOM_EMOJI.items()]
        return {"id": str(GUILD_ID), "name": "Room 12", "owner_id": str(OWNER_ID), "roles": roles,
                "channels": channels, "members": members, "member_count": len(members), "features": [],
                "emojis": emojis, "stickers": [], "large": False, "unavailable": False, "threads": [],
                "voice_states": [], "presences": [], "verification_level": 0, "default_message_notifications": 0,
                "explicit_content_filter": 0, "mfa_level": 0, "premium_tier": 0, "nsfw_level": 0,
                "preferred_locale": "en-US", "system_channel_flags": 0, "joined_at": "2026-01-01T00:00:00+00:00"}

    # ----- rate limits on demand ------------------------------------------------------------
    def limit_route(self, method: str, prefix: str, *, times: int = 1, retry_after: float = 0.3) -> None:
        """The next ``times`` requests whose path starts with ``prefix`` get a per-route 429."""
        with self._lock:
            self._route_limits.append((method, prefix, times, retry_after))

    def refuse_globally(self, times: int = 1) -> None:
        """The next ``times`` requests outside interaction routes get a global 429."""
        with self._lock:
            self._global_refusals += times

    # ----- REST -----------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.Response:
        now = time.monotonic()
        raw_tail = request.raw_path.split("?", 1)[0].removeprefix("/api/v10/")
        parts = [unquote(p) for p in raw_tail.split("/") if p]
        body: Any = None
        try:
            if request.content_type.startswith("multipart"):
                form = await request.post()
                uploaded = [v for k, v in form.items() if k.startswith("files")]
                body = {**json.loads(str(form.get("payload_json") or "{}")),
                        "files": [str(getattr(v, "filename", "")) for v in uploaded],
                        "uploads": [{"filename": str(v.filename), "content_type": str(v.content_type),
                                     "content": v.file.read()} for v in uploaded if isinstance(v, web.FileField)]}
            else:
                raw = await request.read()
                if raw:
                    body = json.loads(raw)
        except ValueError:
            body = None
        recorded = Request(request.method, parts, dict(request.query), body, now)
        self.requests.append(recorded)
        if self.dm_delay and request.method == "POST" and len(parts) == 3 and parts[0] == "channels" \
                and parts[2] == "messages" and parts[1].isdigit() and int(parts[1]) in self.dm_channels:
            await asyncio.sleep(self.dm_delay)
        try:
            response = self._limited(recorded, now) or self._answer(recorded)
        except Exception as exc:  # never a 500: discord.py retries those without end
            response = error(400, 0, f"fake error: {type(exc).__name__}: {exc}")
        recorded.status = response.status
        return response

    def _limited(self, req: Request, now: float) -> web.Response | None:
        if req.parts and req.parts[0] in EXEMPT:
            return None
        with self._lock:
            for index, (method, prefix, times, retry_after) in enumerate(self._route_limits):
                if req.method == method and req.path.startswith(prefix):
                    if times <= 1:
                        del self._route_limits[index]
                    else:
                        self._route_limits[index] = (method, prefix, times - 1, retry_after)
                    return self._too_many(retry_after, is_global=False, bucket=prefix)
            while self._accepted and now - self._accepted[0] >= 1.0:
                self._accepted.popleft()
            forced = self._global_refusals > 0
            if forced:
                self._global_refusals -= 1
            if forced or len(self._accepted) >= GLOBAL_LIMIT:
                self.global_429s += 1
                wait = 0.2 if forced else max(0.001, 1.0 - (now - self._accepted[0]))
                return self._too_many(round(wait, 3), is_global=True)
            self._accepted.append(now)
        return None

    @staticmethod
    def _too_many(retry_after: float, *, is_global: bool, bucket: str = "") -> web.Response:
        headers = {"Retry-After": str(max(1, round(retry_after))),
                   "X-RateLimit-Scope": "global" if is_global else "user"}
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        else:
            headers.update({"X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0",
                            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                            "X-RateLimit-Bucket": uuid.uuid5(uuid.NAMESPACE_URL, bucket).hex})
        return reply({"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global,
                      "code": 0}, status=429, headers=headers)

    def _answer(self, req: Request) -> web.Response:
        p, m = req.parts, req.method
        if p == ["users", "@me"]:
            return reply(user_payload(BOT_ID, "Homeroom", bot=True))
        if p == ["oauth2", "applications", "@me"]:
            return reply({"id": str(APP_ID), "name": "Homeroom", "icon": None, "description": "", "bot_public": True,
                          "bot_require_code_grant": False, "verify_key": "k", "flags": 0, "summary": "",
                          "owner": user_payload(OWNER_ID, "owner")})
        if p[:1] == ["gateway"]:
            return reply({"url": self.gateway_url, "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})
        if p[:1] == ["applications"] and p[-1] == "commands" and m == "PUT":
            scope = "global" if len(p) == 3 else p[3]
            problems = command_problems(req.body if isinstance(req.body, list) else [])
            if problems:
                return reply({"message": "Invalid Form Body", "code": 50035, "errors": problems[:20]}, status=400)
            self.registrations.append((scope, req.body))
            stored = [{**c, "id": str(snowflake()), "application_id": str(APP_ID), "version": "1"} for c in req.body]
            self.commands[scope] = stored
            return reply(stored)
        if p[:1] == ["interactions"] and len(p) == 4 and p[3] == "callback":
            return self._callback(p[1], p[2], req)
        if p[:1] == ["webhooks"] and len(p) >= 3:
            return self._webhook(p[2], p[3:], req)
        if p == ["users", "@me", "channels"] and m == "POST":
            recipient = int(req.body["recipient_id"])
            channel = next((c for c, u in self.dm_channels.items() if u == recipient), None) or snowflake()
            self.dm_channels[channel] = recipient
            who = self.people.get(recipient)
            return reply({"id": str(channel), "type": 1, "last_message_id": None,
                          "recipients": [user_payload(recipient, who.name if who else "someone")]})
        if p[:1] == ["channels"] and len(p) >= 2:
            return self._channels(int(p[1]), p[2:], req)
        if p[:2] == ["guilds", str(GUILD_ID)]:
            return self._guilds(p[2:], req)
        return error(404, 0, f"404: Not Found ({m} {req.path})")

    def _callback(self, interaction_id: str, token: str, req: Request) -> web.Response:
        known = self.interactions.get(interaction_id)
        now = time.monotonic()
        if known is None or known.token != token:
            return error(404, 10062, "Unknown interaction")
        known.attempts.append((now, int(req.body.get("type", 0))))
        if now - known.sent_at > INTERACTION_DEADLINE_SECONDS:
            return error(404, 10062, "Unknown interaction")
        if known.callbacks:
            return error(400, 40060, "Interaction has already been acknowledged.")
        kind = int(req.body.get("type", 0))
        data = req.body.get("data") or {}
        if kind == 9:
            problem = modal_problem(data)
            if problem:
                return error(400, 50035, f"Invalid Form Body: {problem}")
        known.callbacks.append(req.body)
        message_id = None
        if kind in (4, 5):  # a message (or its loading state) that edits of @original change
            message = self._create(0, data, author=BOT_ID)
            message["interaction_token"] = token
            message["loading"] = kind == 5
            message_id = message["id"]
        if req.query.get("with_response", "").lower() in ("true", "1"):
            return reply({"interaction": {"id": interaction_id, "type": 2, "response_message_id": message_id,
                                          "response_message_loading": kind == 5,
                                          "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL)}})
        return reply(None, status=204)

    def _webhook(self, token: str, rest: list[str], req: Request) -> web.Response:
        known = next((i for i in self.interactions.values() if i.token == token), None)
        if known is None or not known.callbacks:
            return error(404, 10015, "Unknown Webhook")
        if not rest and req.method == "POST":
            original = self._original(token)
            if original is not None and original.get("loading"):
                # After a deferred "thinking" response the first follow-up replaces it.
                original.update({k: v for k, v in (req.body or {}).items() if k in ("content", "embeds", "components")})
                original["loading"] = False
                return reply(original)
            message = self._create(0, req.body or {}, author=BOT_ID)
            message["interaction_token"] = token
            return reply(message)
        if len(rest) == 2 and rest[0] == "messages":
            target = self._original(token) if rest[1] == "@original" else self.messages.get(int(rest[1]))
            if target is None:
                return error(404, 10008, "Unknown Message")
            if req.method == "PATCH":
                target.update({k: v for k, v in (req.body or {}).items() if k in ("content", "embeds", "components")})
                target["edited"], target["loading"] = True, False
                return reply(target)
            if req.method == "DELETE":
                target["deleted"] = True
                return reply(None, status=204)
            return reply(target)
        return error(404, 0, f"404: Not Found ({req.method} {req.path})")

    def _original(self, token: str) -> dict[str, Any] | None:
        return next((msg for msg in self.messages.values() if msg.get("interaction_token") == token), None)

    def _channels(self, channel_id: int, rest: list[str], req: Request) -> web.Response:
        m = req.method
        if not rest and m == "GET":
            return self._channel(channel_id)
        if rest == ["messages"] and m == "POST":
            recipient = self.dm_channels.get(channel_id)
            if recipient is not None and self.people.get(recipient, Person("", 0)).dms_closed:
                return error(403, 50007, "Cannot send messages to this user")
            body = req.body or {}
            if body.get("enforce_nonce") and body.get("nonce") is not None:
                earlier = self.nonces.get(str(body["nonce"]))
                if earlier is not None and time.monotonic() - earlier[0] < NONCE_WINDOW_SECONDS:
                    return reply(self.messages[earlier[1]])
            if any(len(u["content"]) > self.upload_limit for u in body.get("uploads", [])):
                return error(413, 40005, "Request entity too large")
            message = self._create(channel_id, body, author=BOT_ID)
            if body.get("nonce") is not None:
                self.nonces[str(body["nonce"])] = (time.monotonic(), int(message["id"]))
            return reply(message)
        if len(rest) >= 2 and rest[0] == "messages":
            message = self.messages.get(int(rest[1]))
            if message is None or message.get("deleted"):
                return error(404, 10008, "Unknown Message")
            if len(rest) == 2:
                if m == "GET":
                    return reply(self._with_reactions(message))
                if m == "PATCH":
                    message.update({k: v for k, v in (req.body or {}).items()
                                    if k in ("content", "embeds", "components")})
                    return reply(message)
                if m == "DELETE":
                    message["deleted"] = True
                    return reply(None, status=204)
            if rest[2:3] == ["threads"] and m == "POST":
                self.threads[int(rest[1])] = channel_id
                return reply({"id": rest[1], "type": 11, "name": (req.body or {}).get("name", ""),
                              "guild_id": str(GUILD_ID), "parent_id": str(channel_id), "owner_id": str(BOT_ID),
                              "thread_metadata": {"archived": False, "auto_archive_duration": 1440, "locked": False,
                                                  "archive_timestamp": "2026-01-01T00:00:00+00:00"},
                              "message_count": 0, "member_count": 1, "rate_limit_per_user": 0, "flags": 0})
            if rest[2:3] == ["reactions"] and len(rest) >= 4:
                return self._reactions(int(rest[1]), rest[3], rest[4:], req)
        return error(404, 0, f"404: Not Found ({m} {req.path})")

    def _channel(self, channel_id: int) -> web.Response:
        name = next((n for n, c in CHANNELS.items() if c == channel_id), None)
        if name is not None:
            return reply({"id": str(channel_id), "type": 0, "name": name, "guild_id": str(GUILD_ID), "position": 0,
                          "permission_overwrites": []})
        if channel_id in self.dm_channels:
            recipient = self.dm_channels[channel_id]
            return reply({"id": str(channel_id), "type": 1, "recipients": [user_payload(recipient, "someone")]})
        return error(404, 10003, "Unknown Channel")

    @staticmethod
    def emoji_key(text: str) -> str:
        """How Discord names a reaction in a URL: the unicode exactly, or ``name:id`` (by id)."""
        if ":" in text:
            return "custom:" + text.rsplit(":", 1)[1]
        return text

    def _reactions(self, message_id: int, emoji: str, rest: list[str], req: Request) -> web.Response:
        key = self.emoji_key(emoji)
        if key.startswith("custom:") and int(key.split(":")[1]) not in CUSTOM_EMOJI.values():
            return error(400, 10014, "Unknown Emoji")
        users = self.reactions.setdefault((message_id, key), [])
        if req.method == "GET" and not rest:
            after = int(req.query.get("after", "0"))
            limit = int(req.query.get("limit", "25"))
            page = sorted(u for u in users if u > after)[:limit]
            return reply([user_payload(u, self.people[u].name if u in self.people else "Homeroom", u == BOT_ID)
                          for u in page])
        if len(rest) == 1:
            who = BOT_ID if rest[0] == "@me" else int(rest[0])
            if req.method == "PUT":
                if who not in users:
                    users.append(who)
                return reply(None, status=204)
            if req.method == "DELETE":
                if who in users:
                    users.remove(who)
                return reply(None, status=204)
        return error(404, 0, f"404: Not Found ({req.method} {req.path})")

    def _with_reactions(self, message: dict[str, Any]) -> dict[str, Any]:
        reactions = []
        for (message_id, key), users in self.reactions.items():
            if message_id != int(message["id"]) or not users:
                continue
            emoji = {"id": key.split(":")[1], "name": next(n for n, i in CUSTOM_EMOJI.items()
                                                           if str(i) == key.split(":")[1])} \
                if key.startswith("custom:") else {"id": None, "name": key}
            reactions.append({"count": len(users), "count_details": {"burst": 0, "normal": len(users)},
                              "me": BOT_ID in users, "me_burst": False, "burst_colors": [], "emoji": emoji})
        return {**message, "reactions": reactions}

    def _guilds(self, rest: list[str], req: Request) -> web.Response:
        if rest[:1] == ["members"] and len(rest) == 2:
            who = self.people.get(int(rest[1]))
            if who is None:
                return error(404, 10007, "Unknown Member")
            return reply({k: v for k, v in who.member().items() if k != "permissions"})
        if rest[:1] == ["emojis"] and len(rest) == 2:
            name = next((n for n, i in CUSTOM_EMOJI.items() if str(i) == rest[1]), None)
            if name is None:
                return error(404, 10014, "Unknown Emoji")
            return reply({"id": rest[1], "name": name, "roles": [], "require_colons": True, "managed": False,
                          "animated": False, "available": True})
        if rest == ["roles"]:
            return reply(self.guild()["roles"])
        if rest == ["channels"]:
            return reply(self.guild()["channels"])
        return error(404, 0, f"404: Not Found ({req.method} {req.path})")

    def _create(self, channel_id: int, body: dict[str, Any], *, author: int) -> dict[str, Any]:
        message_id = snowflake()
        message = {"id": str(message_id), "channel_id": str(channel_id),
                   "author": user_payload(author, "Homeroom", True),
                   "content": body.get("content") or "", "timestamp": "2026-09-07T12:00:00+00:00",
                   "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [],
                   "mention_roles": [], "attachments": [self._stored(channel_id, u["filename"], u["content"],
                                                                     u["content_type"])
                                                        for u in body.get("uploads", [])],
                   "embeds": body.get("embeds") or [], "pinned": False, "type": 0,
                   "components": body.get("components") or [], "flags": int(body.get("flags") or 0)}
        self.messages[message_id] = message
        return message

    def _stored(self, channel_id: int, filename: str, content: bytes, content_type: str,
                **extra: Any) -> dict[str, Any]:
        attachment_id = snowflake()
        path = f"/attachments/{channel_id}/{attachment_id}/{filename}"
        payload = {"id": str(attachment_id), "filename": filename, "size": len(content), "content_type": content_type,
                   "url": f"{self.base_url}{path}?ex=0&is=0&hm=0", "proxy_url": f"{self.base_url}{path}", **extra}
        self.files[path] = (payload, content)
        return payload

    async def _cdn(self, request: web.Request) -> web.Response:
        self.requests.append(Request("GET", [p for p in request.path.split("/") if p], dict(request.query), None,
                                     time.monotonic(), 200))
        found = self.files.get(request.path)
        if found is None:
            return web.Response(status=404, text="Not Found")
        payload, content = found
        return web.Response(body=content, content_type=payload["content_type"])

    def expire(self, attachment: dict[str, Any]) -> None:
        """The CDN no longer serves an attachment (Discord deletes an unused upload)."""
        self.files.pop(attachment["proxy_url"].removeprefix(self.base_url), None)

    # ----- translation (a LibreTranslate double on the same server) -------------------------
    async def _translate(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        self.translations.append(query)
        if self.translate_delay:
            await asyncio.sleep(self.translate_delay)
        return reply({"translatedText": f"[{query.get('target')}] {query.get('q', '')}"})

    async def _languages(self, request: web.Request) -> web.Response:
        return reply([{"code": c, "name": c, "targets": []} for c in ("en", "es", "vi", "zh", "ar", "fr")])

    # ----- gateway --------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        assert self._loop is not None
        if self._gateway_open is None:
            self._gateway_open = asyncio.Event()
            self._gateway_open.set()
        await self._gateway_open.wait()  # an outage: the connection hangs until it is over
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._ws = ws
        await self._send(ws, {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None, "t": None})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            self.gateway_log.append((time.monotonic(), payload.get("op"), payload.get("d")))
            op = payload.get("op")
            if op == 1:
                await self._send(ws, {"op": 11, "d": None, "s": None, "t": None})
            elif op == 2:
                await self._identify(ws)
            elif op == 6:
                await self._resume(ws, payload.get("d") or {})
        if self._ws is ws:
            self._ws = None
        return ws

    @staticmethod
    async def _send(ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        if not ws.closed:
            await ws.send_str(json.dumps(payload))

    async def _identify(self, ws: web.WebSocketResponse) -> None:
        self.identifies += 1
        session = Session(id=uuid.uuid4().hex)
        self._session = session
        await self._dispatch_now("READY", {
            "v": 10, "user": {**user_payload(BOT_ID, "Homeroom", True), "verified": True, "mfa_enabled": False,
                              "flags": 0},
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}], "session_id": session.id,
            "resume_gateway_url": self.gateway_url, "shard": [0, 1], "private_channels": [], "relationships": [],
            "application": {"id": str(APP_ID), "flags": 0}})
        await self._dispatch_now("GUILD_CREATE", self.guild())

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self._session
        if session is None or not session.valid or data.get("session_id") != session.id:
            await self._send(ws, {"op": 9, "d": False, "s": None, "t": None})
            return
        self.resumes += 1
        for event in session.events:
            if event["s"] > int(data.get("seq") or 0):
                await self._send(ws, event)
        await self._dispatch_now("RESUMED", {})

    async def _dispatch_now(self, name: str, data: Any, *, send: bool = True) -> None:
        session = self._session
        assert session is not None
        session.sequence += 1
        event = {"op": 0, "t": name, "s": session.sequence, "d": data}
        session.events.append(event)
        if name == "INTERACTION_CREATE":
            self.interactions[data["id"]] = Interaction(data["id"], data["token"], time.monotonic())
        if send and self._ws is not None:
            await self._send(self._ws, event)

    def dispatch(self, name: str, data: Any) -> None:
        """Send one gateway event (kept in the session: a resume replays it)."""
        self._call(lambda: self._dispatch_now(name, data))

    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed

    def drop_socket(self, *, lose_session: bool, missed: list[tuple[str, Any]] | None = None) -> None:
        """Close the socket as Discord does on a server-side problem (4000, resumable);
        with ``lose_session`` the session is gone too, so the RESUME that follows is
        answered INVALID_SESSION and the bot must IDENTIFY again. ``missed`` events happen
        while the socket is down: only a RESUME of this session can deliver them."""

        async def drop() -> None:
            if lose_session and self._session is not None:
                self._session.valid = False
            for name, data in missed or []:
                await self._dispatch_now(name, data, send=False)
            if self._ws is not None:
                ws, self._ws = self._ws, None
                await ws.close(code=4000, message=b"Unknown error")

        self._call(drop)

    def gateway_outage(self, down: bool) -> None:
        """While ``down``, new gateway connections hang (the open one is not touched)."""

        def switch() -> None:
            if self._gateway_open is None:
                self._gateway_open = asyncio.Event()
            if down:
                self._gateway_open.clear()
            else:
                self._gateway_open.set()

        self._call(switch)

    # ----- what the tests send --------------------------------------------------------------
    def upload(self, filename: str, content: bytes, content_type: str) -> dict[str, Any]:
        """A file a person picked for an attachment option, as the client uploads it before
        the interaction (ephemeral: Discord keeps it only for the command)."""
        return self._call(lambda: self._stored(0, filename, content, content_type, ephemeral=True))

    def interaction(self, who: Person, kind: int, data: dict[str, Any], *, channel: str = "general",
                    message: dict[str, Any] | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(snowflake()), "application_id": str(APP_ID), "type": kind, "token": uuid.uuid4().hex,
            "version": 1, "guild_id": str(GUILD_ID), "channel_id": str(CHANNELS[channel]),
            "channel": {"id": str(CHANNELS[channel]), "type": 0, "name": channel, "guild_id": str(GUILD_ID)},
            "member": who.member(), "data": data, "locale": who.locale, "guild_locale": "en-US",
            "app_permissions": str((1 << 41) - 1), "entitlements": [], "context": 0,
            "authorizing_integration_owners": {"0": str(GUILD_ID)}, "attachment_size_limit": 10485760}
        if message is not None:
            payload["message"] = message
        self.dispatch("INTERACTION_CREATE", payload)
        return payload

    def reaction(self, who: Person, message_id: str | int, emoji: str, *, added: bool = True,
                 burst: bool = False, dispatch: bool = True) -> tuple[str, dict[str, Any]]:
        """A person reacts (or takes a reaction back): Discord's state first, then the event.
        ``emoji`` is unicode as the person picked it (skin tone included) or ``name:id``."""
        message = self.messages[int(message_id)]
        key = self.emoji_key(emoji)
        users = self.reactions.setdefault((int(message_id), key), [])
        if added and who.user_id not in users:
            users.append(who.user_id)
        elif not added and who.user_id in users:
            users.remove(who.user_id)
        parsed = {"id": key.split(":")[1], "name": emoji.split(":")[0]} if key.startswith("custom:") \
            else {"id": None, "name": emoji}
        data: dict[str, Any] = {"user_id": str(who.user_id), "channel_id": message["channel_id"],
                                "message_id": str(message_id), "guild_id": str(GUILD_ID), "emoji": parsed,
                                "burst": burst, "type": 1 if burst else 0}
        if added:
            data.update(member={k: v for k, v in who.member().items() if k != "permissions"},
                        message_author_id=str(BOT_ID), burst_colors=["#ff0000"] if burst else [])
        name = "MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE"
        if dispatch:
            self.dispatch(name, data)
        return name, data

    def offline_unreact(self, who: Person, message_id: str | int, emoji: str) -> None:
        """A reaction taken back while no socket is connected: nothing tells the bot."""
        users = self.reactions.get((int(message_id), self.emoji_key(emoji)), [])
        if who.user_id in users:
            users.remove(who.user_id)

    def direct_message(self, who: Person, text: str, *, message_id: int | None = None) -> dict[str, Any]:
        """A person writes to the bot in their DM channel (``message_id`` again: a redelivery)."""
        channel = next((c for c, u in self.dm_channels.items() if u == who.user_id), None) or snowflake()
        self.dm_channels[channel] = who.user_id
        data = {
            "id": str(message_id or snowflake()), "channel_id": str(channel),
            "author": user_payload(who.user_id, who.name), "content": text,
            "timestamp": "2026-09-07T12:00:00+00:00", "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
            "pinned": False, "type": 0, "components": [], "channel_type": 1}
        self.dispatch("MESSAGE_CREATE", data)
        return data

    # ----- reading what Discord received ----------------------------------------------------
    def seen(self, method: str | None = None, *prefix: str) -> list[Request]:
        return [r for r in list(self.requests)
                if (method is None or r.method == method) and r.parts[:len(prefix)] == list(prefix)]

    def uploads_in(self, message: dict[str, Any]) -> list[tuple[str, bytes]]:
        """The files a message was created with, as the bot uploaded them (name, bytes)."""
        return [(a["filename"], self.files[a["proxy_url"].removeprefix(self.base_url)][1])
                for a in self.messages[int(message["id"])].get("attachments", [])]

    def posts_in(self, channel: str | int) -> list[dict[str, Any]]:
        channel_id = str(CHANNELS[channel] if isinstance(channel, str) else channel)
        return [m for m in list(self.messages.values()) if m["channel_id"] == channel_id and not m.get("deleted")]

    def dms_to(self, who: Person) -> list[dict[str, Any]]:
        channels = {str(c) for c, u in self.dm_channels.items() if u == who.user_id}
        return [m for m in list(self.messages.values()) if m["channel_id"] in channels]

    def answers_to(self, interaction: dict[str, Any]) -> list[dict[str, Any]]:
        """Every message the person saw for one interaction (its response and follow-ups),
        as it reads now (edits applied, deleted ones left out)."""
        return [m for m in list(self.messages.values())
                if m.get("interaction_token") == interaction["token"] and not m.get("deleted")]

    def callbacks(self, interaction: dict[str, Any]) -> list[dict[str, Any]]:
        known = self.interactions.get(interaction["id"])
        return list(known.callbacks) if known else []

    def attempts(self, interaction: dict[str, Any]) -> list[tuple[float, int]]:
        known = self.interactions.get(interaction["id"])
        return list(known.attempts) if known else []


def text_of(message: dict[str, Any]) -> str:
    """A message as a person reads it: content, then each embed's title, text and fields."""
    pieces = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        pieces += [embed.get("title") or "", embed.get("description") or ""]
        pieces += [f"{f.get('name')}: {f.get('value')}" for f in embed.get("fields") or []]
        pieces.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(p for p in pieces if p)


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components") or [] for c in row.get("components", []) if c.get("type") == 2]
