"""The fakes' conversations.history and conversations.replies follow Slack's reference: the
tests that lean on them are only as good as these answers."""

from __future__ import annotations

from typing import Any

from tests.slack_conversations import history, replies

META = {"event_type": "homeroom_post_files", "event_payload": {"files": ["F1"]}}


def _channel() -> list[dict[str, Any]]:
    """A post with two replies, then a post on its own, oldest first."""
    return [{"ts": "100.000001", "text": "parent", "metadata": META},
            {"ts": "100.000002", "text": "first reply", "thread_ts": "100.000001"},
            {"ts": "100.000003", "text": "second reply", "thread_ts": "100.000001", "metadata": META},
            {"ts": "100.000004", "text": "alone"}]


def _texts(answer: dict[str, Any]) -> list[str]:
    return [m["text"] for m in answer["messages"]]


def test_replies_to_a_reply_answer_the_parent_first_then_the_replies_in_order() -> None:
    assert _texts(replies(_channel(), {"ts": "100.000003"})) == ["parent", "first reply", "second reply"]


def test_replies_to_a_message_without_replies_answer_just_that_message() -> None:
    assert _texts(replies(_channel(), {"ts": "100.000004"})) == ["alone"]


def test_replies_keep_only_the_messages_between_oldest_and_latest_inclusive() -> None:
    window = {"ts": "100.000001", "oldest": "100.000002", "latest": "100.000002"}
    assert _texts(replies(_channel(), {**window, "inclusive": "true"})) == ["first reply"]
    assert _texts(replies(_channel(), window)) == []


def test_replies_show_metadata_only_when_all_of_it_is_asked_for() -> None:
    assert all("metadata" not in m for m in replies(_channel(), {"ts": "100.000001"})["messages"])
    shown = replies(_channel(), {"ts": "100.000003", "include_all_metadata": "true"})["messages"]
    assert shown[-1]["metadata"] == META


def test_replies_to_an_unknown_ts_are_thread_not_found() -> None:
    assert replies(_channel(), {"ts": "999.000001"}) == {"ok": False, "error": "thread_not_found"}


def test_history_holds_the_conversation_newest_first_without_thread_replies() -> None:
    assert _texts(history(_channel(), {})) == ["alone", "parent"]
