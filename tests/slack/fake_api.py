"""A local fake of the Slack Web API that records every call (and a response_url sink).

Messages posted with chat.postMessage are kept per channel, with their ``metadata`` (and a
thread reply with its ``thread_ts``); conversations.history and conversations.replies answer
as Slack documents them (:mod:`tests.slack_conversations`). A file the bot uploads
(files.getUploadURLExternal, then files.completeUploadExternal) is shared as a message of its
own, and files.delete takes that message with the file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests import slack_conversations as conversations

CHANNELS = {"announcements": "CANN", "general": "CGEN", "staff": "CSTAFF", "committee": "CCOMM"}


@dataclass
class FakeSlack:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    uploads: list[bytes] = field(default_factory=list)
    #: file id → its name, for a file the bot is uploading or uploaded (until files.delete)
    files: dict[str, str] = field(default_factory=dict)
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
        if method == "reactions.get":
            found = self.reactions.get((args["channel"], args["timestamp"]), {})
            return {"ok": True, "type": "message", "message": {"reactions": [
                {"name": name, "users": users, "count": len(users)} for name, users in found.items()]}}
        if method == "files.completeUploadExternal":
            return self.complete_upload(args)
        if method == "views.open":
            view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
            too_long = [b for b in view.get("blocks", []) if b.get("element", {}).get("max_length", 0) > 3000]
            if too_long or len(view["title"]["text"]) > 24:  # Block Kit's limits, as Slack checks them
                return {"ok": False, "error": "invalid_arguments"}
            return {"ok": True}
        if method in ("reactions.add", "reactions.remove"):
            return {"ok": True}
        if method == "files.delete":
            return self.delete_file(str(args.get("file", "")))
        if method == "files.getUploadURLExternal":
            file_id = f"F{self.next_ts().rsplit('.', 1)[1]}"  # unique, as Slack's are
            self.files[file_id] = str(args.get("filename", ""))
            return {"ok": True, "upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}
        if method == "conversations.list":
            return {"ok": True, "channels": [{"id": cid, "name": name} for name, cid in CHANNELS.items()],
                    "response_metadata": {"next_cursor": ""}}
        return {"ok": False, "error": f"unknown_method:{method}"}

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.history.get(channel, []) if m["ts"] == ts), None)

    def complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        """Each file is shared in ``channel_id`` (in the thread of ``thread_ts``) as a message
        of its own that shows it."""
        files = args.get("files") or "[]"
        files = json.loads(files) if isinstance(files, str) else files
        if not files or any(f.get("id") not in self.files for f in files):
            return {"ok": False, "error": "file_not_found"}
        shown = [{"id": f["id"], "title": f.get("title") or self.files[f["id"]]} for f in files]
        if args.get("channel_id"):
            share: dict[str, Any] = {"type": "message", "ts": self.next_ts(), "user": "UBOT", "bot_id": "BBOT",
                                     "text": "", "upload": True, "files": shown}
            if args.get("thread_ts"):
                share["thread_ts"] = str(args["thread_ts"])
            self.history.setdefault(str(args["channel_id"]), []).append(share)
        return {"ok": True, "files": shown}

    def delete_file(self, file_id: str) -> dict[str, Any]:
        """A deleted file leaves every conversation: a message that only showed it goes too."""
        if self.files.pop(file_id, None) is None:
            return {"ok": False, "error": "file_not_found"}
        for messages in self.history.values():
            for found in list(messages):
                kept = [f for f in found.get("files", []) if f["id"] != file_id]
                if len(kept) == len(found.get("files", [])):
                    continue
                if kept or found.get("text"):
                    found["files"] = kept
                else:
                    messages.remove(found)
        return {"ok": True}

    def files_in(self, channel: str) -> list[str]:
        """The names of the files shown in ``channel`` now, its threads included."""
        return [f["title"] for m in self.history.get(channel, []) for f in m.get("files", [])]

    async def upload(self, request: web.Request) -> web.Response:
        self.uploads.append(await request.read())
        return web.Response(text="OK")

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
        application.router.add_post("/response/{id}", self.response_url)
        self.server = TestServer(application, host="127.0.0.1", port=0)
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()
