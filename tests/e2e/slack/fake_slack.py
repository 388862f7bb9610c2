"""A local Slack, written from Slack's API documentation, for the real ``homeroom`` process.

It serves, on one 127.0.0.1 port and from its own thread (so one fake outlives the tests
that share a process):

* the Web API at ``/api/<method>`` (docs.slack.dev/reference/methods): ``auth.test``,
  ``chat.postMessage/postEphemeral/update/delete/getPermalink``,
  ``conversations.open/history/replies/info/members/list/join``, ``users.info/list``,
  ``reactions.add/remove/get``, ``views.open/update/publish``, the external file upload
  (``files.getUploadURLExternal``, the upload, ``files.completeUploadExternal``, which shares
  each file as a message of its own), ``files.delete`` (the file's message goes with it),
  ``files.info`` and ``apps.connections.open``. Every request is recorded (method, arguments, token) before it is
  answered. Answers are HTTP 200 with ``{"ok": false, "error": ...}`` for errors, as Slack
  answers, except ``ratelimited``: HTTP 429 with ``Retry-After``. Blocks are checked with
  slack_sdk's Block Kit models, so a message Slack would refuse is refused (``invalid_blocks``);
* files people share (:meth:`FakeSlack.share_file`, as a modal's file input or a message
  uploads them): a file object as the docs describe it (``url_private_download``, ``permalink``,
  ``mimetype``, ``size``), downloadable at ``/files-pri/…`` with the bot token in the
  ``Authorization`` header (without it Slack answers its sign-in page, HTML, status 200);
* ``response_url`` endpoints (``/response/<id>``), recording what was posted;
* Socket Mode (docs.slack.dev/apis/events-api/using-socket-mode): ``apps.connections.open``
  hands out ``ws://…/link?ticket=N``; a connection gets ``hello``, envelopes are sent with an
  ``envelope_id`` and the acknowledgements received are recorded; ``disconnect`` with a reason
  (``refresh_requested``) makes the client fetch a new URL;
* LibreTranslate's ``/translate`` (``[target] text``), so the process translates without
  the internet.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from aiohttp import WSMsgType, web
from slack_sdk.models.blocks import Block

from tests import slack_conversations as conversations

TEAM = "T0E2E"
BOT_USER = "UBOT"
BOT_ID = "BBOT"
APP_ID = "A0E2E"
BOT_TOKEN = "xoxb-e2e-bot-token"
APP_TOKEN = "xapp-e2e-app-token"
SIGNING_SECRET = "e2e-signing-secret"
CHANNELS = {"announcements": "C0ANN", "general": "C0GEN", "committee": "C0COMM", "staff": "C0STAFF"}


@dataclass(frozen=True)
class Call:
    """One request the fake received, as the platform saw it."""

    method: str
    args: dict[str, Any]
    token: str
    at: float


@dataclass
class Fault:
    """An answer to give instead of the normal one, ``times`` times."""

    error: str
    status: int = 200
    retry_after: int | None = None
    times: int = 1
    when: Callable[[dict[str, Any]], bool] = lambda args: True


@dataclass
class Socket:
    ws: web.WebSocketResponse
    ticket: str
    received: list[dict[str, Any]] = field(default_factory=list)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: list[tuple[str, dict[str, Any]]] = []
        self.uploads: dict[str, bytes] = {}
        #: file id → the file the bot is uploading or uploaded (files.getUploadURLExternal)
        self.pending: dict[str, dict[str, Any]] = {}
        #: file id → (file object as Slack describes it, its bytes): files people shared
        self.files: dict[str, tuple[dict[str, Any], bytes]] = {}
        #: each download of a shared file: (path, token it carried)
        self.downloads: list[tuple[str, str]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {
            cid: {"id": cid, "name": name, "is_channel": True, "is_private": False, "is_member": True,
                  "members": [BOT_USER]}
            for name, cid in CHANNELS.items()}
        #: channel → messages, oldest first (as Slack stores them; history answers newest first)
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.closed_dms: set[str] = set()
        #: ``apps.connections.open`` answers this error while set (Socket Mode that cannot connect)
        self.refuse_socket: str | None = None
        self.sockets: list[Socket] = []
        self.acks: list[dict[str, Any]] = []
        self.tickets: list[str] = []
        self.translations: list[dict[str, str]] = []
        #: OAuth: code → team that oauth.v2.access installs; the bot token it issued → its team
        self.install_codes: dict[str, str] = {}
        self.team_tokens: dict[str, str] = {}
        self._ts = itertools.count(1)
        self._views = itertools.count(1)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.add_user(BOT_USER, "Homeroom", is_bot=True)

    # ----- set-up ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def api_url(self) -> str:
        return f"{self.url}api/"

    def add_user(self, user_id: str, name: str, **extra: Any) -> dict[str, Any]:
        """A workspace member as users.info describes one."""
        user = {"id": user_id, "team_id": TEAM, "name": name.lower().replace(" ", "."), "real_name": name,
                "deleted": False, "is_bot": False, "is_admin": False, "is_owner": False, "tz": "America/New_York",
                "profile": {"display_name": name, "real_name": name}, **extra}
        self.users[user_id] = user
        for channel in self.channels.values():
            if user_id not in channel["members"]:
                channel["members"].append(user_id)
        return user

    def fail(self, method: str, error: str, *, status: int = 200, retry_after: int | None = None, times: int = 1,
             when: Callable[[dict[str, Any]], bool] = lambda args: True) -> None:
        """Answer the next ``times`` calls of ``method`` (that match ``when``) with ``error``."""
        self.faults.setdefault(method, []).append(Fault(error, status, retry_after, times, when))

    def share_file(self, user: str, name: str, content: bytes, mimetype: str) -> dict[str, Any]:
        """A file ``user`` uploaded (a file input in a modal): hosted, shared in no channel yet."""
        file_id = f"F{uuid.uuid4().hex[:9].upper()}"
        path = f"/files-pri/{TEAM}-{file_id}/download/{name}"
        file = {"id": file_id, "created": int(time.time()), "timestamp": int(time.time()), "name": name,
                "title": name, "mimetype": mimetype, "filetype": name.rsplit(".", 1)[-1], "user": user,
                "user_team": TEAM, "size": len(content), "mode": "hosted", "is_external": False, "is_public": False,
                "url_private": f"{self.url.rstrip('/')}/files-pri/{TEAM}-{file_id}/{name}",
                "url_private_download": f"{self.url.rstrip('/')}{path}",
                "permalink": f"https://school.slack.com/files/{user}/{file_id}/{name}",
                "channels": [], "groups": [], "ims": []}
        with self._lock:
            self.files[file_id] = (file, content)
        return file

    def shared_in(self, channel: str) -> list[tuple[str, bytes]]:
        """Files the bot uploaded to ``channel`` (files.completeUploadExternal), with their bytes."""
        found = []
        for args in self.called("files.completeUploadExternal"):
            if args.get("channel_id") != channel:
                continue
            files = args.get("files")
            for file in json.loads(files) if isinstance(files, str) else files or []:
                found.append((str(file.get("title", "")), self.uploads.get(file["id"], b"")))
        return found

    # ----- what was received -------------------------------------------------------------------
    def called(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in list(self.calls) if c.method == method]

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        """chat.postMessage requests that Slack accepted, in order."""
        return [c.args for c in list(self.calls) if c.method == "chat.postMessage" and c.args.get("_ts")
                and (channel is None or c.args["channel"] == channel)]

    def ephemerals(self, user: str) -> list[str]:
        """The text of every private answer ``user`` saw: response_url posts and chat.postEphemeral."""
        seen = [body.get("text", "") for path, body in list(self.responses) if path.startswith(user)]
        seen += [c.args.get("text", "") for c in list(self.calls)
                 if c.method == "chat.postEphemeral" and c.args.get("user") == user and c.args.get("_ok")]
        return seen

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        for found in self.messages.get(channel, []):
            if found["ts"] == ts:
                return found
        return None

    # ----- Web API -----------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.read()
        if request.content_type == "application/json":
            args: dict[str, Any] = json.loads(raw or b"{}")
        else:
            args = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        args.update(request.query)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or str(args.get("token", ""))
        self.calls.append(Call(method, args, token, time.monotonic()))
        if method == "oauth.v2.access":  # authenticated with the app's client id and secret, not a token
            return _json(self._oauth_v2_access(args))
        if not token:
            return _json({"ok": False, "error": "not_authed"})
        if token in self.team_tokens:  # an installed workspace's bot token
            if method == "auth.test":
                team = self.team_tokens[token]
                return _json({"ok": True, "team_id": team, "user_id": f"UBOT{team}", "bot_id": f"B{team}",
                              "user": "homeroom", "is_enterprise_install": False})
            token = BOT_TOKEN  # otherwise answered like the one-workspace bot
        wanted = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if token != wanted:
            return _json({"ok": False, "error": "not_allowed_token_type" if token in (APP_TOKEN, BOT_TOKEN)
                          else "invalid_auth"})
        fault = self._fault(method, args)
        if fault is not None:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            return _json({"ok": False, "error": fault.error}, status=fault.status, headers=headers)
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return _json({"ok": False, "error": "unknown_method"})
        with self._lock:
            answer = handler(args)
        if answer.get("ok"):
            args["_ok"] = True
            if method == "chat.postMessage":
                args["_ts"] = answer["ts"]
        return _json(answer)

    def _fault(self, method: str, args: dict[str, Any]) -> Fault | None:
        for fault in self.faults.get(method, []):
            if fault.times > 0 and fault.when(args):
                fault.times -= 1
                return fault
        return None

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    @staticmethod
    def _blocks(args: dict[str, Any]) -> tuple[list[dict[str, Any]] | None, str | None]:
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        try:
            for block in blocks or []:
                parsed = Block.parse(block)
                if parsed is None:
                    return None, f"unknown block type {block.get('type')!r}"
                parsed.validate_json()
        except Exception as exc:  # slack_sdk raises SlackObjectFormationError
            return None, str(exc)
        return blocks, None

    def _channel_for_write(self, channel_id: str) -> tuple[dict[str, Any] | None, str | None]:
        if channel_id.startswith("D"):
            return {"id": channel_id}, None
        channel = self.channels.get(channel_id)
        if channel is None:
            return None, "channel_not_found"
        if not channel["is_member"]:
            return None, "not_in_channel"
        return channel, None

    def _oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        """Slack's documented answer to a bot install's code exchange (each code works once)."""
        team = self.install_codes.pop(str(args.get("code", "")), None)
        if team is None:
            return {"ok": False, "error": "invalid_code"}
        token = f"xoxb-{team}-{uuid.uuid4().hex[:8]}"
        self.team_tokens[token] = team
        return {"ok": True, "app_id": "A0E2E", "token_type": "bot", "access_token": token, "scope": "chat:write",
                "bot_user_id": f"UBOT{team}", "team": {"id": team, "name": f"School {team}"}, "enterprise": None,
                "is_enterprise_install": False, "authed_user": {"id": f"UADMIN{team}"}}

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://school.slack.com/", "team": "School", "user": "homeroom",
                "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, error = self._channel_for_write(str(args.get("channel", "")))
        if error:
            return {"ok": False, "error": error}
        assert channel is not None
        blocks, problem = self._blocks(args)
        if problem:
            return {"ok": False, "error": "invalid_blocks", "errors": [problem]}
        if not args.get("text") and not blocks:
            return {"ok": False, "error": "no_text"}
        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        message = {"type": "message", "ts": self._next_ts(), "user": BOT_USER, "bot_id": BOT_ID, "team": TEAM,
                   "text": args.get("text", ""), "blocks": blocks or [], "metadata": metadata}
        if args.get("thread_ts"):
            parent = self.message(channel["id"], str(args["thread_ts"]))
            if parent is None:
                return {"ok": False, "error": "thread_not_found"}
            message["thread_ts"] = args["thread_ts"]
        self.messages.setdefault(channel["id"], []).append(message)
        return {"ok": True, "channel": channel["id"], "ts": message["ts"], "message": message}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, error = self._channel_for_write(str(args.get("channel", "")))
        if error:
            return {"ok": False, "error": error}
        if args.get("user") not in self.users:
            return {"ok": False, "error": "user_not_found"}
        if channel is not None and "members" in channel and args["user"] not in channel["members"]:
            return {"ok": False, "error": "user_not_in_channel"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        found = self.message(str(args.get("channel", "")), str(args.get("ts", "")))
        if found is None:
            return {"ok": False, "error": "message_not_found"}
        blocks, problem = self._blocks(args)
        if problem:
            return {"ok": False, "error": "invalid_blocks", "errors": [problem]}
        found.update(text=args.get("text", found["text"]), blocks=blocks or found["blocks"])
        if "metadata" in args:  # without it the message keeps its metadata; {} removes it
            metadata = json.loads(args["metadata"]) if isinstance(args["metadata"], str) else args["metadata"]
            found["metadata"] = metadata or None
        return {"ok": True, "channel": args["channel"], "ts": args["ts"], "text": found["text"]}

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        messages = self.messages.get(str(args.get("channel", "")), [])
        for found in messages:
            if found["ts"] == args.get("ts"):
                messages.remove(found)
                return {"ok": True, "channel": args["channel"], "ts": args["ts"]}
        return {"ok": False, "error": "message_not_found"}

    def _chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.message(str(args.get("channel", "")), str(args.get("message_ts", ""))) is None:
            return {"ok": False, "error": "message_not_found"}
        ts = str(args["message_ts"]).replace(".", "")
        return {"ok": True, "channel": args["channel"], "permalink": f"https://school.slack.com/archives/"
                f"{args['channel']}/p{ts}"}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("users", ""))
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        if user in self.closed_dms:
            return {"ok": False, "error": "messages_tab_disabled"}
        return {"ok": True, "channel": {"id": f"D{user}"}}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if not channel.startswith("D") and channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        return conversations.history(self.messages.get(channel, []), args)

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if not channel.startswith("D") and channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        return conversations.replies(self.messages.get(channel, []), args)

    def _conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        """A bot may join a public channel by itself; a private one needs an invitation."""
        channel = self.channels.get(str(args.get("channel", "")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if channel["is_private"]:
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        channel["is_member"] = True
        if BOT_USER not in channel["members"]:
            channel["members"].append(BOT_USER)
        return {"ok": True, "channel": {k: v for k, v in channel.items() if k != "members"}}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(args.get("channel", "")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": {k: v for k, v in channel.items() if k != "members"}}

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(args.get("channel", "")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "members": list(channel["members"]), "response_metadata": {"next_cursor": ""}}

    def _conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        """Paged one channel at a time, so a client that ignores ``next_cursor`` misses some."""
        ids = sorted(self.channels)
        start = ids.index(args["cursor"]) if args.get("cursor") in ids else 0
        page = ids[start:start + 1]
        cursor = ids[start + 1] if start + 1 < len(ids) else ""
        return {"ok": True, "channels": [{k: v for k, v in self.channels[c].items() if k != "members"} for c in page],
                "response_metadata": {"next_cursor": cursor}}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        shown = dict(user)
        if str(args.get("include_locale", "")).lower() not in ("1", "true"):
            shown.pop("locale", None)
        return {"ok": True, "user": shown}

    def _users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "members": list(self.users.values()), "response_metadata": {"next_cursor": ""}}

    def _reaction_target(self, args: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
        found = self.message(str(args.get("channel", "")), str(args.get("timestamp", "")))
        return (found, None) if found is not None else (None, "message_not_found")

    def react(self, channel: str, ts: str, name: str, user: str) -> None:
        """A person reacts (Slack stores it; the test then sends the reaction_added event)."""
        found = self.message(channel, ts)
        assert found is not None, f"no message {channel}/{ts}"
        with self._lock:
            self._add_reaction(found, name, user)

    def unreact(self, channel: str, ts: str, name: str, user: str) -> None:
        found = self.message(channel, ts)
        assert found is not None
        with self._lock:
            self._remove_reaction(found, name, user)

    @staticmethod
    def _add_reaction(message: dict[str, Any], name: str, user: str) -> bool:
        reactions = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["name"] == name:
                if user in reaction["users"]:
                    return False
                reaction["users"].append(user)
                reaction["count"] += 1
                return True
        reactions.append({"name": name, "users": [user], "count": 1})
        return True

    @staticmethod
    def _remove_reaction(message: dict[str, Any], name: str, user: str) -> bool:
        for reaction in message.get("reactions", []):
            if reaction["name"] == name and user in reaction["users"]:
                reaction["users"].remove(user)
                reaction["count"] -= 1
                if not reaction["users"]:
                    message["reactions"].remove(reaction)
                return True
        return False

    def _reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        found, error = self._reaction_target(args)
        if error:
            return {"ok": False, "error": error}
        assert found is not None
        if not self._add_reaction(found, str(args.get("name", "")), BOT_USER):
            return {"ok": False, "error": "already_reacted"}
        return {"ok": True}

    def _reactions_remove(self, args: dict[str, Any]) -> dict[str, Any]:
        """Only the caller's own reaction can be removed (an app cannot remove a person's)."""
        found, error = self._reaction_target(args)
        if error:
            return {"ok": False, "error": error}
        assert found is not None
        if not self._remove_reaction(found, str(args.get("name", "")), BOT_USER):
            return {"ok": False, "error": "no_reaction"}
        return {"ok": True}

    def _reactions_get(self, args: dict[str, Any]) -> dict[str, Any]:
        found, error = self._reaction_target(args)
        if error:
            return {"ok": False, "error": error}
        assert found is not None
        return {"ok": True, "type": "message", "channel": args["channel"],
                "message": {"ts": found["ts"], "reactions": json.loads(json.dumps(found.get("reactions", [])))}}

    def _view(self, args: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
        view = args.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
            return None, "invalid_arguments"
        title = (view.get("title") or {}).get("text", "")
        if view["type"] == "modal" and not 0 < len(title) <= 24:
            return None, "invalid_arguments"
        return {**view, "id": f"V{next(self._views):05d}", "hash": uuid.uuid4().hex[:8], "team_id": TEAM}, None

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        view, error = self._view(args)
        return {"ok": True, "view": view} if view else {"ok": False, "error": error}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        if not (args.get("view_id") or args.get("external_id")):
            return {"ok": False, "error": "not_found"}
        view, error = self._view(args)
        return {"ok": True, "view": view} if view else {"ok": False, "error": error}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("user_id") not in self.users:
            return {"ok": False, "error": "user_not_found"}
        view, error = self._view(args)
        return {"ok": True, "view": view} if view else {"ok": False, "error": error}

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        """Step one of an upload: the file gets its id now, shared nowhere until completed."""
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{uuid.uuid4().hex[:8].upper()}"
        self.pending[file_id] = {"id": file_id, "name": str(args["filename"]), "size": int(args["length"])}
        return {"ok": True, "upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        """Step three: each uploaded file is shared in ``channel_id`` (in the thread of
        ``thread_ts``, a parent's ts) as a message of its own that shows the file."""
        files = args.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        if not files:
            return {"ok": False, "error": "invalid_arguments"}
        for file in files:
            if file.get("id") not in self.pending or file["id"] not in self.uploads:
                return {"ok": False, "error": "file_not_found"}
        shown = [{**self.pending[f["id"]], "title": f.get("title") or self.pending[f["id"]]["name"]} for f in files]
        channel_id = args.get("channel_id")
        if channel_id:
            _, error = self._channel_for_write(str(channel_id))
            if error:
                return {"ok": False, "error": error}
            message: dict[str, Any] = {"type": "message", "ts": self._next_ts(), "user": BOT_USER, "bot_id": BOT_ID,
                                       "team": TEAM, "text": str(args.get("initial_comment", "")), "blocks": [],
                                       "upload": True, "files": shown, "metadata": None}
            if args.get("thread_ts"):
                if self.message(str(channel_id), str(args["thread_ts"])) is None:
                    return {"ok": False, "error": "thread_not_found"}
                message["thread_ts"] = args["thread_ts"]
            self.messages.setdefault(str(channel_id), []).append(message)
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in shown]}

    def _files_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        """A deleted file leaves every conversation: a message that only showed it goes too."""
        file_id = str(args.get("file", ""))
        if file_id not in self.pending:
            return {"ok": False, "error": "file_not_found"}
        del self.pending[file_id]
        self.uploads.pop(file_id, None)
        for messages in self.messages.values():
            for found in list(messages):
                kept = [f for f in found.get("files", []) if f["id"] != file_id]
                if len(kept) == len(found.get("files", [])):
                    continue
                if kept or found.get("text"):
                    found["files"] = kept
                else:
                    messages.remove(found)
        return {"ok": True}

    def files_in(self, channel: str) -> list[tuple[str, bytes]]:
        """Files shown in ``channel`` now (its messages and their threads), with their bytes."""
        return [(str(f["title"]), self.uploads.get(f["id"], b"")) for m in list(self.messages.get(channel, []))
                for f in m.get("files", [])]

    def _files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        found = self.files.get(str(args.get("file", "")))
        return {"ok": True, "file": found[0]} if found else {"ok": False, "error": "file_not_found"}

    async def _download(self, request: web.Request) -> web.Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.downloads.append((request.path, token))
        if token != BOT_TOKEN and token not in self.team_tokens:
            return web.Response(text="<html><body>Sign in to Slack</body></html>", content_type="text/html")
        file_id = request.path.split("/")[2].rsplit("-", 1)[-1]
        found = self.files.get(file_id)
        if found is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=found[1], content_type=found[0]["mimetype"])

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.refuse_socket:
            return {"ok": False, "error": self.refuse_socket}
        ticket = uuid.uuid4().hex[:12]
        self.tickets.append(ticket)
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={APP_ID}"}

    # ----- response_url, uploads, translation ----------------------------------------------------
    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append((request.match_info["id"], body))
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["id"]] = await request.read()
        return web.Response(text="OK - uploaded")

    async def _translate(self, request: web.Request) -> web.Response:
        params = dict(request.query)
        if request.content_type == "application/x-www-form-urlencoded":
            params.update({k: v[0] for k, v in parse_qs((await request.read()).decode()).items()})
        self.translations.append(params)
        return _json({"translatedText": f"[{params.get('target')}] {params.get('q', '')}"})

    # ----- Socket Mode ---------------------------------------------------------------------------
    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self.tickets:
            raise web.HTTPUnauthorized()
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        socket = Socket(ws, ticket)
        self.sockets.append(socket)
        await ws.send_json({"type": "hello", "num_connections": len(self.open_sockets()),
                            "debug_info": {"host": "fake-slack", "build_number": 1,
                                           "approximate_connection_time": 18060},
                            "connection_info": {"app_id": APP_ID}})
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                data = json.loads(frame.data)
                socket.received.append(data)
                if "envelope_id" in data:
                    self.acks.append(data)
        return ws

    def open_sockets(self) -> list[Socket]:
        return [s for s in self.sockets if not s.ws.closed]

    def send_envelope(self, kind: str, payload: dict[str, Any], *, envelope_id: str | None = None,
                      retry_attempt: int = 0, retry_reason: str = "") -> str:
        """Send one envelope on the newest open connection; returns its envelope_id."""
        envelope_id = envelope_id or str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "payload": payload, "type": kind,
                    "accepts_response_payload": kind != "events_api", "retry_attempt": retry_attempt,
                    "retry_reason": retry_reason}
        self.run(self.open_sockets()[-1].ws.send_json(envelope))
        return envelope_id

    def send_disconnect(self, reason: str = "refresh_requested") -> None:
        self.run(self.open_sockets()[-1].ws.send_json({"type": "disconnect", "reason": reason,
                                                       "debug_info": {"host": "fake-slack"}}))

    # ----- running -------------------------------------------------------------------------------
    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run ``coro`` on the fake's loop (from the test's thread)."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    def start(self) -> None:
        ready = threading.Event()

        def serve() -> None:
            loop = self._loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_post("/api/{method}", self._api)
            app.router.add_get("/api/{method}", self._api)
            app.router.add_post("/response/{id}", self._response)
            app.router.add_post("/upload/{id}", self._upload)
            app.router.add_get("/files-pri/{tail:.*}", self._download)
            app.router.add_post("/translate", self._translate)
            app.router.add_get("/link/", self._link)
            self._runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-slack", daemon=True)
        self._thread.start()
        ready.wait(10)

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            for socket in self.open_sockets():
                self.run(socket.ws.close())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)


def _json(payload: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=json.dumps(payload).encode(),
                        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
