"""Drives the real slack-bolt app over signed HTTP, with the Web API pointed at a local fake."""

from __future__ import annotations

import json
import math
import time
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp.test_utils import TestServer
from slack_sdk.signature import SignatureVerifier

from adapters.slack import SlackAdapter
from adapters.slack.emoji import to_slack_name
from bot.api.emoji import parse
from bot.api.roles import Role
from bot.runtime.core import Core
from tests.conformance.driver import FileToShare, Person, Seen
from tests.slack.fake_api import CHANNELS, FakeSlack

SECRET = "test-signing-secret"
TEAM = "T1"


def signed_headers(body: str, *, age: int = 0, content_type: str, secret: str = SECRET) -> dict[str, str]:
    """Headers as Slack signs them, for a request ``age`` seconds old when sent (rounded so
    it is never older than that: Slack's verifier counts whole seconds)."""
    timestamp = str(math.ceil(time.time()) - age)
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature, "Content-Type": content_type}


class SlackDriver:
    """Conformance driver and test harness for Slack."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.fake = FakeSlack()
        self.fake.add_user("UBOT", "Homeroom", is_bot=True)
        self.people: dict[str, Person] = {}
        self.adapter: SlackAdapter | None = None
        self.server: TestServer | None = None
        self.http: aiohttp.ClientSession | None = None
        self._seen_index = 0

    async def start(self) -> None:
        await self.fake.start()
        self.adapter = SlackAdapter(self.core, base_url=f"{self.fake.url}api/", process_before_response=True,
                                    post_interval=0.001)
        self.server = TestServer(self.adapter.web_app(), host="127.0.0.1", port=0)
        await self.server.start_server()
        self.http = aiohttp.ClientSession()
        await self.core.start()
        await self.core.platform_ready("slack")

    async def stop(self) -> None:
        await self.core.settle()
        if self.http:
            await self.http.close()
        if self.server:
            await self.server.close()
        await self.fake.close()

    # ----- raw requests -----------------------------------------------------------------------
    async def post_raw(self, body: str, headers: dict[str, str]) -> tuple[int, str]:
        assert self.http is not None and self.server is not None
        async with self.http.post(self.server.make_url("/slack/events"), data=body.encode(), headers=headers) as r:
            return r.status, await r.text()

    async def post_form(self, fields: dict[str, str], *, age: int = 0, retry: int | None = None) -> int:
        body = urlencode(fields)
        headers = signed_headers(body, age=age, content_type="application/x-www-form-urlencoded")
        if retry is not None:
            headers["X-Slack-Retry-Num"] = str(retry)
        status, _ = await self.post_raw(body, headers)
        return status

    async def post_event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None,
                         age: int = 0, team: str = TEAM) -> int:
        body = json.dumps({"token": "x", "team_id": team, "api_app_id": "A1", "type": "event_callback",
                           "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}", "event_time": int(time.time()),
                           "event": event})
        headers = signed_headers(body, age=age, content_type="application/json")
        if retry is not None:
            headers["X-Slack-Retry-Num"] = str(retry)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        status, _ = await self.post_raw(body, headers)
        return status

    async def post_payload(self, payload: dict[str, Any]) -> int:
        return await self.post_form({"payload": json.dumps(payload)})

    def command_fields(self, who: Person, command: str, text: str, channel: str = "general") -> dict[str, str]:
        return {"token": "x", "team_id": TEAM, "team_domain": "school", "channel_id": CHANNELS[channel],
                "channel_name": channel, "user_id": who.user_id, "user_name": who.name, "command": f"/{command}",
                "text": text, "api_app_id": "A1",
                "response_url": f"{self.fake.url}response/{who.user_id}-{uuid.uuid4().hex[:8]}",
                "trigger_id": f"trig.{uuid.uuid4().hex}"}

    # ----- Driver protocol --------------------------------------------------------------------
    async def person(self, name: str, role: Role = Role.FAMILY, language: str | None = None, *,
                     owner: bool = False) -> Person:
        """A workspace member; ``owner`` makes them the workspace owner (users.info then says
        ``is_owner`` and ``is_admin``), whatever ``role`` adds."""
        user_id = f"U{name.upper().replace(' ', '')[:8]}"
        extra: dict[str, Any] = {"locale": language} if language else {}
        if role == Role.ADMIN or owner:
            extra["is_admin"] = True
        if owner:
            extra["is_owner"] = True
        self.fake.add_user(user_id, name, **extra)
        settings = self.core.config.section("slack")
        if role == Role.TEACHER:
            settings.teacher_users.append(user_id)
        elif role == Role.COMMITTEE:
            settings.committee_users.append(user_id)
        person = Person(name=name, user_id=user_id, role=role, language=language)
        self.people[user_id] = person
        return person

    def share(self, who: Person, file: FileToShare) -> str:
        """The file uploaded to Slack by that person; its link ("Copy link to file") as a
        slash command's text carries a pasted link (``<…>``)."""
        return f"<{self.fake.share_file(who.user_id, file.filename, file.content, file.content_type)['permalink']}>"

    async def command(self, who: Person, name: str, /, *, files: Mapping[str, FileToShare] | None = None,
                      **options: str) -> None:
        """A slash command; a slash command carries no file, so each of ``files`` is uploaded
        to Slack first and its link given after the option's name, as a person pastes it."""
        root, _, sub = name.partition(" ")
        text = " ".join([sub, *(f'{k}:"{v}"' for k, v in options.items()),
                         *(f"{k}:{self.share(who, file)}" for k, file in (files or {}).items())]).strip()
        await self.post_form(self.command_fields(who, root, text))
        await self.settle()

    def _message(self, message_id: str) -> tuple[str, str]:
        channel, _, ts = message_id.partition("/")
        return channel, ts

    async def react(self, who: Person, message_id: str, emoji: str) -> None:
        channel, ts = self._message(message_id)
        name = to_slack_name(parse(emoji))  # type: ignore[arg-type]
        self.fake.reactions.setdefault((channel, ts), {}).setdefault(name, []).append(who.user_id)
        await self.post_event({"type": "reaction_added", "user": who.user_id, "reaction": name,
                               "item": {"type": "message", "channel": channel, "ts": ts}, "event_ts": ts})
        await self.settle()

    async def unreact(self, who: Person, message_id: str, emoji: str) -> None:
        channel, ts = self._message(message_id)
        name = to_slack_name(parse(emoji))  # type: ignore[arg-type]
        users = self.fake.reactions.get((channel, ts), {}).get(name, [])
        if who.user_id in users:
            users.remove(who.user_id)
        await self.post_event({"type": "reaction_removed", "user": who.user_id, "reaction": name,
                               "item": {"type": "message", "channel": channel, "ts": ts}, "event_ts": ts})
        await self.settle()

    async def click(self, who: Person, message_id: str, label: str) -> None:
        channel, ts = self._message(message_id)
        blocks = self._blocks(channel, ts)
        for block in blocks:
            for element in block.get("elements", []):
                if element.get("type") == "button" and element["text"]["text"].lower().startswith(label.lower()):
                    await self.post_payload({
                        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": who.user_id},
                        "api_app_id": "A1", "trigger_id": f"trig.{uuid.uuid4().hex}",
                        "container": {"type": "message", "message_ts": ts, "channel_id": channel},
                        "channel": {"id": channel},
                        "response_url": f"{self.fake.url}response/{who.user_id}-{uuid.uuid4().hex[:8]}",
                        "actions": [{"type": "button", "action_id": element["action_id"],
                                     "value": element.get("value", ""), "action_ts": str(time.time())}]})
                    await self.settle()
                    return
        raise AssertionError(f"no button {label!r} on {message_id}")

    def _blocks(self, channel: str, ts: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for method, args in self.fake.calls:
            if method in ("chat.postMessage", "chat.update") and args.get("channel") == channel and (
                    args.get("ts") == ts or args.get("_ts") == ts):
                blocks = args.get("blocks")
                found = json.loads(blocks) if isinstance(blocks, str) else (blocks or [])
        return found

    async def dm(self, who: Person, text: str) -> None:
        ts = self.fake.next_ts()
        await self.post_event({"type": "message", "channel_type": "im", "channel": f"D{who.user_id}",
                               "user": who.user_id, "text": text, "ts": ts, "event_ts": ts})
        await self.settle()

    async def reply(self, who: Person, message_id: str, text: str) -> None:
        channel, ts = self._message(message_id)
        own_ts = self.fake.next_ts()
        await self.post_event({"type": "message", "channel_type": "im" if channel.startswith("D") else "channel",
                               "channel": channel, "user": who.user_id, "text": text, "ts": own_ts,
                               "thread_ts": ts, "event_ts": own_ts})
        await self.settle()

    async def settle(self) -> None:
        await self.core.settle()

    def seen(self) -> list[Seen]:
        """What the bot sent, reconstructed from recorded Web API calls and response_url posts.
        Files shared for a post (in its thread, or beside it with their ids in its metadata)
        are that post's files."""
        result: list[Seen] = []
        names = {v: k for k, v in CHANNELS.items()}
        posted_with: dict[str, Seen] = {}  # file id named in a post's metadata → that post
        counted: set[str] = set()  # file ids already shown (a retried completion shares a file once)
        for method, args in self.fake.calls:
            if method == "files.completeUploadExternal":
                files = args.get("files") or "[]"
                ids = [f["id"] for f in (json.loads(files) if isinstance(files, str) else files)]
                if not ids or any(i in counted or self.fake.uploaded.get(i) is None
                                  or self.fake.uploaded[i].channel is None for i in ids):
                    continue  # refused (shared nowhere), or the retry of one already shown
                counted.update(ids)
                shared = [self.fake.uploaded[i].filename for i in ids]
                sizes = {self.fake.uploaded[i].filename: len(self.fake.uploaded[i].content or b"") for i in ids}
                channel = args.get("channel_id", "")
                under = next((seen for seen in result if args.get("thread_ts")
                              and seen.message_id == f"{channel}/{args['thread_ts']}"), None) \
                    or next((posted_with[i] for i in ids if i in posted_with), None)
                if under is not None:  # a message's own files
                    under.files.extend(shared)
                    under.file_sizes.update(sizes)
                    continue
                if channel.startswith("D"):
                    person = self.people.get(channel[1:])
                    where = f"dm:{person.name if person else channel}"
                else:
                    where = f"channel:{names.get(channel, channel)}"
                result.append(Seen(where=where, text=args.get("initial_comment", ""), message_id="", files=shared,
                                   file_sizes=sizes))
            elif method == "chat.postMessage":
                channel = args["channel"]
                if channel.startswith("D"):
                    person = self.people.get(channel[1:])
                    where = f"dm:{person.name if person else channel}"
                elif args.get("thread_ts"):
                    where = f"thread:{channel}/{args['thread_ts']}"
                else:
                    where = f"channel:{names.get(channel, channel)}"
                result.append(Seen(where=where, text=args.get("text", ""), message_id=f"{channel}/{args.get('_ts')}",
                                   buttons=_buttons(args)))
                posted_with.update({i: result[-1] for i in _metadata_files(args)})
            elif method in ("chat.postEphemeral", "response_url"):
                user = args.get("user") or args.get("_path", "").split("-", 1)[0]
                person = self.people.get(user)
                result.append(Seen(where=f"ephemeral:{person.name if person else user}",
                                   text=args.get("text", ""), message_id="", buttons=_buttons(args)))
        return result

    def files_shown(self, where: str) -> list[str]:
        """The bot's uploads still shared there (files.delete takes a file out of every conversation)."""
        kind, _, name = where.partition(":")
        if kind == "channel":
            channel = CHANNELS[name]
        elif kind == "dm":
            channel = f"D{next(p.user_id for p in self.people.values() if p.name == name)}"
        else:
            raise AssertionError(f"files_shown: {where!r} is no channel or DM")
        return [upload.filename for upload in self.fake.shared_in(channel)]

    def files_behind(self, link: str) -> list[str]:
        """A message's permalink (…/archives/<channel>/p<ts>): the files shared with that post
        (named in its metadata) while Slack holds it; a file's own link: that file."""
        parts = link.strip("<>").rstrip("/").split("/")
        if "archives" in parts:
            channel, stamp = parts[parts.index("archives") + 1], parts[parts.index("archives") + 2]
            post = self.fake.message(channel, f"{stamp[1:-6]}.{stamp[-6:]}")
            ids = _metadata_files(post) if post is not None else []
            return [self.fake.uploaded[i].filename for i in ids
                    if i in self.fake.uploaded and self.fake.uploaded[i].channel and not self.fake.uploaded[i].deleted]
        hosted = next((file for file, _ in self.fake.hosted.values() if file["permalink"] == link), None)
        return [hosted["name"]] if hosted is not None else []


def _metadata_files(args: dict[str, Any]) -> list[str]:
    """The file ids a post names in its metadata (the adapter's record of the files it shares beside it)."""
    metadata = args.get("metadata") or {}
    if isinstance(metadata, str):
        metadata = json.loads(metadata)
    return [str(i) for i in (metadata.get("event_payload") or {}).get("files", [])]


def _buttons(args: dict[str, Any]) -> list[str]:
    blocks = args.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [e["text"]["text"] for b in blocks for e in b.get("elements", []) if e.get("type") == "button"]
