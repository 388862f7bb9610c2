"""Slack payloads → core events. Pure functions: the adapter supplies the actor (looked up
through users.info) and the community; everything else comes from the payload."""

from __future__ import annotations

from typing import Any

from adapters.slack.emoji import from_slack
from bot.api import customid
from bot.api.events import (
    Actor,
    ButtonPressed,
    CommandInvoked,
    DirectMessage,
    Event,
    FormSubmitted,
    MemberLeft,
    ReactionAdded,
    ReactionRemoved,
    ThreadReply,
)
from bot.api.messages import FileRef
from bot.api.refs import ChannelRef, CommunityRef, InteractionRef, MessageRef

PLATFORM = "slack"


#: message subtypes that are a person writing (a reply also sent to the channel, a message with
#: a file); edits, deletions, joins and bot messages are not.
PERSON_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


def typed(text: str) -> str:
    """What the person typed: Slack sends ``&``, ``<`` and ``>`` in message and slash-command
    text as ``&amp;``, ``&lt;`` and ``&gt;`` (its control sequences, ``<@U123>`` or
    ``<https://…>``, stay as they are). Stored, translated and shown elsewhere as typed; the
    adapter escapes again on the way out."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def community_of(team_id: str) -> CommunityRef:
    return CommunityRef(PLATFORM, team_id)


def interaction_of(user_id: str, trigger_id: str, response_url: str, channel: ChannelRef | None) -> InteractionRef:
    """Everything needed to answer privately: the user (for chat.postEphemeral), the trigger
    (for views.open) and the response_url."""
    return InteractionRef(PLATFORM, f"{user_id}|{trigger_id}", token=response_url, channel=channel)


def command_event(body: dict[str, Any], actor: Actor, *, name: str | None = None) -> CommandInvoked:
    """A slash command: the core parses ``name:value`` text itself. ``name`` is the command's
    root without the workspace's prefix (``poll`` for ``/hr-poll``); by default the command
    as Slack sent it."""
    community = community_of(body["team_id"])
    channel = ChannelRef(PLATFORM, body["channel_id"], community, is_dm=body.get("channel_name") == "directmessage")
    return CommandInvoked(
        key=f"slack:cmd:{body['trigger_id']}", actor=actor, community=community,
        name=name or body["command"].lstrip("/"), raw_text=typed(body.get("text", "")), channel=channel,
        interaction=interaction_of(body["user_id"], body["trigger_id"], body.get("response_url", ""), channel),
    )


def event_key(body: dict[str, Any]) -> str:
    """Events API redeliveries (X-Slack-Retry-Num) and Socket Mode repeats share event_id."""
    return f"slack:{body['event_id']}"


def reaction_event(body: dict[str, Any], actor: Actor) -> Event | None:
    event = body["event"]
    item = event.get("item", {})
    if item.get("type") != "message":
        return None
    community = community_of(body["team_id"])
    message = MessageRef(ChannelRef(PLATFORM, item["channel"], community), item["ts"])
    kind = ReactionAdded if event["type"] == "reaction_added" else ReactionRemoved
    return kind(key=event_key(body), actor=actor, community=community, message=message,
                emoji=from_slack(event["reaction"]))


def from_a_person(event: dict[str, Any], bot_user_id: str) -> bool:
    """Written by a person: not a bot (ourselves included: no relay loops), not an edit,
    deletion or join."""
    return not event.get("bot_id") and event.get("subtype") in PERSON_SUBTYPES \
        and event.get("user") not in (None, bot_user_id)


def is_for_the_bot(event: dict[str, Any]) -> bool:
    """A DM or a reply in a thread: the only messages that become events (checked before the
    author is looked up, so channel chatter costs no users.info call)."""
    thread_ts = event.get("thread_ts")
    return event.get("channel_type") == "im" or bool(thread_ts and thread_ts != event.get("ts"))


def message_event(body: dict[str, Any], actor: Actor, bot_user_id: str) -> Event | None:
    """A DM to the bot, or a reply in a thread; None for bots, edits and our own messages."""
    event = body["event"]
    if not from_a_person(event, bot_user_id):
        return None
    community = community_of(body.get("team_id") or event.get("team", ""))
    is_dm = event.get("channel_type") == "im"
    channel = ChannelRef(PLATFORM, event["channel"], None if is_dm else community, is_dm=is_dm)
    message = MessageRef(channel, event["ts"])
    thread_ts = event.get("thread_ts")
    if thread_ts and thread_ts != event["ts"]:
        return ThreadReply(key=event_key(body), actor=actor, community=None if is_dm else community,
                           text=typed(event.get("text", "")), parent=MessageRef(channel, thread_ts), message=message)
    if is_dm:
        return DirectMessage(key=event_key(body), actor=actor, community=None, text=typed(event.get("text", "")),
                             message=message)
    return None


def member_left(body: dict[str, Any], actor: Actor) -> MemberLeft:
    return MemberLeft(key=event_key(body), actor=actor, community=community_of(body["team_id"]))


def action_event(body: dict[str, Any], actor: Actor) -> ButtonPressed | None:
    action = body["actions"][0]
    decoded = customid.decode(action.get("action_id", ""))
    if decoded is None or decoded.kind != customid.Kind.BUTTON:
        return None
    name, value = decoded.name, decoded.value
    if action.get("type") == "static_select":
        value = action["selected_option"]["value"]
    community = community_of(body["team"]["id"])
    container = body.get("container", {})
    channel_id = container.get("channel_id") or body.get("channel", {}).get("id")
    channel = ChannelRef(PLATFORM, channel_id, community) if channel_id else None
    message = MessageRef(channel, container["message_ts"]) if channel and container.get("message_ts") else None
    return ButtonPressed(
        key=f"slack:action:{body['trigger_id']}", actor=actor, community=community, action=name, value=value,
        message=message,
        interaction=interaction_of(body["user"]["id"], body["trigger_id"], body.get("response_url", ""), channel),
    )


def shared_file(file: dict[str, Any]) -> FileRef:
    """A Slack file object (a file input's upload, files.info) by reference: its id, the
    address the bot downloads it from with its token, and its permalink."""
    return FileRef(PLATFORM, str(file["id"]), str(file.get("name") or file.get("title") or file["id"]),
                   int(file.get("size") or 0), str(file.get("mimetype") or ""),
                   str(file.get("url_private_download") or file.get("url_private") or ""),
                   str(file.get("permalink") or ""))


def view_values(view: dict[str, Any]) -> dict[str, str | FileRef]:
    values: dict[str, str | FileRef] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for action in actions.values():
            if action.get("type") == "file_input":
                files = action.get("files") or []
                if files:
                    values[block_id] = shared_file(files[0])
                continue
            value = action.get("value")
            if value is None and action.get("selected_option"):
                value = action["selected_option"]["value"]
            if value:
                values[block_id] = value
    return values


def view_event(body: dict[str, Any], actor: Actor) -> Event:
    """A submitted modal: a command's options or a cog's form (told apart by the callback id,
    :mod:`bot.api.customid`)."""
    view = body["view"]
    community = community_of(body["team"]["id"])
    values = view_values(view)
    callback = view.get("callback_id", "")
    user_id = body["user"]["id"]
    interaction = interaction_of(user_id, body.get("trigger_id", ""), "", None)
    key = f"slack:view:{view['id']}:{view.get('hash', '')}"
    route = customid.decode(callback)
    if route is not None and route.kind == customid.Kind.COMMAND:
        return CommandInvoked(key=key, actor=actor, community=community, name=route.name,
                              options=values, interaction=interaction)
    form_id = route.name if route is not None else callback
    value = (route.value if route is not None else "") or view.get("private_metadata", "")
    fields = {name: text for name, text in values.items() if isinstance(text, str)}
    return FormSubmitted(key=key, actor=actor, community=community, form_id=form_id, value=value, fields=fields,
                         interaction=interaction)
