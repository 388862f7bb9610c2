"""What conversations.history and conversations.replies answer, as Slack's reference describes
them, for both fake Slacks (the in-process one and the one the real process talks to): each
keeps a conversation's messages oldest first, a thread reply with its parent's ``thread_ts``.

* ``latest``/``oldest`` bound the messages shown, ends included only with ``inclusive``;
* a message's ``metadata`` is shown only with ``include_all_metadata``;
* history is the conversation itself, newest first: thread replies are not in it;
* replies takes the ts of a thread's parent or of any message in the thread and answers the
  parent first, then the replies in order (a message without replies: just that message);
  a ts that names no message is ``thread_not_found``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _flag(args: dict[str, Any], name: str) -> bool:
    return str(args.get(name, "")).lower() in ("1", "true")


def within(args: dict[str, Any]) -> Callable[[str], bool]:
    """Whether a ts lies between ``oldest`` and ``latest`` (ends only when ``inclusive``)."""
    inclusive = _flag(args, "inclusive")
    latest, oldest = float(args.get("latest") or "inf"), float(args.get("oldest") or 0)

    def keep(ts: str) -> bool:
        return (oldest <= float(ts) <= latest) if inclusive else (oldest < float(ts) < latest)

    return keep


def shown(messages: list[dict[str, Any]], args: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages as the answer shows them: metadata only when all of it was asked for."""
    if _flag(args, "include_all_metadata"):
        return list(messages)
    return [{k: v for k, v in m.items() if k != "metadata"} for m in messages]


def history(messages: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    """conversations.history's answer over one conversation's messages."""
    keep, limit = within(args), int(args.get("limit", 100))
    found = [m for m in messages if m.get("thread_ts") in (None, m["ts"]) and keep(m["ts"])]
    newest_first = list(reversed(found))[:limit]
    return {"ok": True, "messages": shown(newest_first, args), "has_more": len(found) > limit}


def replies(messages: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    """conversations.replies' answer over one conversation's messages."""
    ts = str(args.get("ts", ""))
    named = next((m for m in messages if m["ts"] == ts), None)
    if named is None:
        return {"ok": False, "error": "thread_not_found"}
    root = str(named.get("thread_ts") or named["ts"])
    thread = [m for m in messages if m["ts"] == root] + [m for m in messages
                                                         if m.get("thread_ts") == root and m["ts"] != root]
    keep, limit = within(args), int(args.get("limit", 1000))
    found = [m for m in thread if keep(m["ts"])]
    return {"ok": True, "messages": shown(found[:limit], args), "has_more": len(found) > limit,
            "response_metadata": {"next_cursor": ""}}
