"""A local fake of the Slack Web API that records every call (and a response_url sink).

Messages posted with chat.postMessage are kept per channel, with their ``metadata`` (and a
thread reply with its ``thread_ts``); conversations.history and conversations.replies answer
as Slack documents them (:mod:`tests.slack_conversations`); chat.update keeps or replaces a
message's metadata; chat.delete removes one.

Files as Slack documents them: a file a person shared (:meth:`FakeSlack.share_file`) is a
file object (``url_private_download``, ``permalink``, ``mimetype``, ``size``) that files.info
describes and that downloads only with a bot token (without one Slack answers its sign-in
page). The bot's own upload gets its id from files.getUploadURLExternal, its bytes at the
upload URL, and is shared in a channel by files.completeUploadExternal; files.delete takes
it out of every conversation."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests import slack_conversations as conversations

CHANNELS = {"announcements": "CANN", "general": "CGEN", "staff": "CSTAFF", "committee": "CCOMM"}
#: the workspace's address (auth.test's ``url``), which permalinks begin with
WORKSPACE_URL = "https://room12.slack.com/"
SIGN_IN_PAGE = "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>"


@dataclass
class Upload:
    """A file the bot uploads: named when its upload URL is asked for, its bytes once sent
    there, shared in ``channel`` (a thread of it with ``thread_ts``) once completed."""

    filename: str
    length: int
    content: bytes | None = None
    channel: str | None = None
    thread_ts: str | None = None
    deleted: bool = False


@dataclass
class FakeSlack:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    uploads: list[bytes] = field(default_factory=list)
    #: file id → each file the bot uploaded (files.getUploadURLExternal), shared or not
    uploaded: dict[str, Upload] = field(default_factory=dict)
    #: file id → (file object as Slack describes it, its bytes): files people shared
    hosted: dict[str, tuple[dict[str, Any], bytes]] = field(default_factory=dict)
    rate_limit_once: set[str] = field(default_factory=set)
    closed_dms: set[str] = field(default_factory=set)
    reactions: dict[tuple[str, str], dict[str, list[str]]] = field(default_factory=dict)
    #: channel → messages posted there, oldest first
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: (method, bot token) of every Web API call, as the Authorization header carried it
    tokens: list[tuple[str, str]] = field(default_factory=list)
    #: OAuth: code → team id that oauth.v2.access installs (token ``xoxb-<team>``)
    install_codes: dict[str, str] = field(default_factory=dict)
    server: TestServer | None = None
    _ts: int = 1000

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/"))

    def add_user(self, user_id: str, name: str, **extra: Any) -> None:
        self.users[user_id] = {"id": user_id, "name": name.lower(), "real_name": name,
                               "profile": {"display_name": name, "real_name": name}, **extra}

    def share_file(self, user: str, name: str, content: bytes, mimetype: str) -> dict[str, Any]:
        """A file ``user`` uploaded to Slack (shared in no channel yet), as files.info
        describes it; a person's "Copy link to file" gives its ``permalink``."""
        file_id = f"F{uuid.uuid4().hex[:9].upper()}"
        file = {"id": file_id, "name": name, "title": name, "mimetype": mimetype, "filetype": name.rsplit(".", 1)[-1],
                "user": user, "size": len(content), "is_external": False, "mode": "hosted",
                "url_private": f"{self.url}files-pri/T1-{file_id}/{name}",
                "url_private_download": f"{self.url}files-pri/T1-{file_id}/download/{name}",
                "permalink": f"{WORKSPACE_URL}files/{user}/{file_id}/{name}"}
        self.hosted[file_id] = (file, content)
        return file

    def shared_in(self, channel: str) -> list[Upload]:
        """The bot's uploads shown in ``channel`` now (its threads included), oldest first."""
        return [u for u in self.uploaded.values() if u.channel == channel and not u.deleted]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The message at ``ts`` in ``channel`` while Slack holds it."""
        return next((m for m in self.history.get(channel, []) if m["ts"] == ts), None)

    def called(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args in self.calls if name == method]

    def next_ts(self) -> str:
        self._ts += 1
        return f"1700000000.{self._ts:06d}"

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.read()
        if request.content_type == "application/json":
            args: dict[str, Any] = json.loads(raw or b"{}")
        else:
            args = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        args.update({k: v for k, v in request.query.items()})
        self.calls.append((method, args))
        self.tokens.append((method, request.headers.get("Authorization", "").removeprefix("Bearer ")))
        if method == "oauth.v2.access":  # Slack's documented answer for a bot install
            team = self.install_codes.pop(str(args.get("code")), None)
            if team is None:
                return web.json_response({"ok": False, "error": "invalid_code"})
            return web.json_response({"ok": True, "app_id": "A1", "token_type": "bot", "scope": "chat:write,commands",
                                      "access_token": f"xoxb-{team}", "bot_user_id": f"UBOT{team}",
                                      "team": {"id": team, "name": f"School {team}"}, "enterprise": None,
                                      "is_enterprise_install": False, "authed_user": {"id": f"UADMIN{team}"}})
        if method == "auth.test" and self.install_codes is not None and self.tokens[-1][1].startswith("xoxb-T"):
            team = self.tokens[-1][1].removeprefix("xoxb-")
            return web.json_response({"ok": True, "user_id": f"UBOT{team}", "bot_id": f"B{team}", "team_id": team,
                                      "team": f"School {team}", "user": "homeroom"})
        if method in self.rate_limit_once:
            self.rate_limit_once.discard(method)
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"})
        answer = self.answer(method, args)
        if method == "chat.postMessage" and answer.get("ok"):
            args["_ts"] = answer["ts"]
        if method == "files.getUploadURLExternal" and answer.get("ok"):
            args["_file_id"] = answer["file_id"]
        return web.json_response(answer)

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://room12.slack.com/", "team": "Room 12 families", "user_id": "UBOT",
                    "bot_id": "BBOT", "team_id": "T1", "user": "homeroom"}
        if method == "users.info":
            user = self.users.get(args.get("user", ""))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.open":
            user = args.get("users", "")
            if user in self.closed_dms:
                return {"ok": False, "error": "cannot_dm_bot"}
            return {"ok": True, "channel": {"id": f"D{user}"}}
        if method == "chat.postMessage":
            ts = self.next_ts()
            stored: dict[str, Any] = {"type": "message", "ts": ts, "user": "UBOT", "bot_id": "BBOT",
                                      "text": args.get("text", "")}
            metadata = args.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            if metadata:
                stored["metadata"] = metadata
            if args.get("thread_ts"):
                stored["thread_ts"] = str(args["thread_ts"])
            self.history.setdefault(str(args.get("channel")), []).append(stored)
            return {"ok": True, "channel": args.get("channel"), "ts": ts}
        if method == "chat.postEphemeral":
            return {"ok": True, "channel": args.get("channel"), "ts": self.next_ts()}
        if method == "conversations.history":
            return conversations.history(self.history.get(str(args.get("channel")), []), args)
        if method == "conversations.replies":
            return conversations.replies(self.history.get(str(args.get("channel")), []), args)
        if method == "chat.update":
            found = self.message(str(args.get("channel")), str(args.get("ts")))
            if found is not None and "metadata" in args:  # without it the message keeps its metadata
                metadata = args["metadata"]
                found["metadata"] = json.loads(metadata) if isinstance(metadata, str) else metadata
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "chat.delete":
            found = self.message(str(args.get("channel")), str(args.get("ts")))
            if found is not None:
                self.history[str(args.get("channel"))].remove(found)
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "chat.getPermalink":
            ts = str(args.get("message_ts", ""))
            return {"ok": True, "channel": args.get("channel"),
                    "permalink": f"{WORKSPACE_URL}archives/{args.get('channel')}/p{ts.replace('.', '')}"}
        if method == "reactions.get":
            found = self.reactions.get((args["channel"], args["timestamp"]), {})
            return {"ok": True, "type": "message", "message": {"reactions": [
                {"name": name, "users": users, "count": len(users)} for name, users in found.items()]}}
        if method == "files.completeUploadExternal":
            return self._complete_upload(args)
        if method == "files.info":
            found = self.hosted.get(str(args.get("file", "")))
            return {"ok": True, "file": found[0]} if found else {"ok": False, "error": "file_not_found"}
        if method == "files.delete":
            upload = self.uploaded.get(str(args.get("file", "")))
            if upload is None or upload.deleted:
                return {"ok": False, "error": "file_not_found" if upload is None else "file_deleted"}
            upload.deleted = True
            return {"ok": True}
        if method == "views.open":
            view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
            too_long = [b for b in view.get("blocks", []) if b.get("element", {}).get("max_length", 0) > 3000]
            if too_long or len(view["title"]["text"]) > 24:  # Block Kit's limits, as Slack checks them
                return {"ok": False, "error": "invalid_arguments"}
            return {"ok": True}
        if method in ("reactions.add", "reactions.remove"):
            return {"ok": True}
        if method == "files.getUploadURLExternal":
            file_id = f"F{uuid.uuid4().hex[:9].upper()}"
            self.uploaded[file_id] = Upload(str(args.get("filename", "")), int(args.get("length", 0)))
            return {"ok": True, "upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}
        if method == "conversations.list":
            return {"ok": True, "channels": [{"id": cid, "name": name} for name, cid in CHANNELS.items()],
                    "response_metadata": {"next_cursor": ""}}
        return {"ok": False, "error": f"unknown_method:{method}"}

    def _complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        """Each uploaded file is shared in ``channel_id`` (in the thread of ``thread_ts``)."""
        files = args.get("files") or "[]"
        listed = json.loads(files) if isinstance(files, str) else files
        if any(self.uploaded.get(f.get("id", "")) is None or self.uploaded[f["id"]].content is None
               for f in listed):
            return {"ok": False, "error": "file_not_found"}
        for f in listed:
            upload = self.uploaded[f["id"]]
            upload.channel, upload.thread_ts = args.get("channel_id") or None, args.get("thread_ts") or None
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title") or self.uploaded[f["id"]].filename}
                                      for f in listed]}

    async def upload(self, request: web.Request) -> web.Response:
        content = await request.read()
        self.uploads.append(content)
        found = self.uploaded.get(request.match_info["file"])
        if found is not None:
            found.content = content
        return web.Response(text="OK")

    async def download(self, request: web.Request) -> web.Response:
        """A shared file's bytes for a request with a bot token; Slack answers any other
        with its sign-in page (status 200, HTML), not an error."""
        file_id = request.match_info["file"].rsplit("-", 1)[-1]
        found = self.hosted.get(file_id)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not token.startswith("xoxb-"):
            return web.Response(text=SIGN_IN_PAGE, content_type="text/html")
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[1], content_type=found[0]["mimetype"])

    async def response_url(self, request: web.Request) -> web.Response:
        payload = await request.json()
        payload["_path"] = request.match_info["id"]
        self.responses.append(payload)
        self.calls.append(("response_url", payload))
        return web.json_response({"ok": True})

    async def start(self) -> None:
        application = web.Application()
        application.router.add_post("/api/{method}", self.handle)
        application.router.add_get("/api/{method}", self.handle)
        application.router.add_post("/upload/{file}", self.upload)
        application.router.add_get("/files-pri/{file}/{tail:.*}", self.download)
        application.router.add_post("/response/{id}", self.response_url)
        self.server = TestServer(application, host="127.0.0.1", port=0)
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()
