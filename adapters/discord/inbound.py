"""discord.py objects and raw payloads → core events (pure: the adapter supplies the actor)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import discord

from adapters.discord.emoji import from_discord
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

PLATFORM = "discord"
#: the application command option type of a file (its value is the attachment's id)
ATTACHMENT = 11
#: the component type of a modal's file upload (its submit lists the files' ids in ``values``)
FILE_UPLOAD = 19


def community(guild_id: int | None) -> CommunityRef | None:
    return CommunityRef(PLATFORM, str(guild_id)) if guild_id else None


def reaction(payload: discord.RawReactionActionEvent, actor: Actor, *, added: bool, gateway: str) -> Event:
    """Raw events work for messages the cache never saw; custom emoji match by id. The key
    carries the gateway session and sequence: a replay repeats it, a later re-add does not."""
    guild = community(payload.guild_id)
    channel = ChannelRef(PLATFORM, str(payload.channel_id), guild, is_dm=guild is None)
    emoji = from_discord(payload.emoji.name or "", payload.emoji.id)
    sign = "+" if added else "-"
    key = f"discord:reaction{sign}:{payload.message_id}:{payload.user_id}:{emoji.key}:{gateway}"
    kind = ReactionAdded if added else ReactionRemoved
    return kind(key=key, actor=actor, community=guild, message=MessageRef(channel, str(payload.message_id)),
                emoji=emoji)


def message(msg: discord.Message, actor: Actor, parent_id: int | None) -> Event | None:
    guild = community(msg.guild.id if msg.guild else None)
    channel = ChannelRef(PLATFORM, str(msg.channel.id), guild, is_dm=guild is None)
    ref = MessageRef(channel, str(msg.id))
    key = f"discord:message:{msg.id}"
    if parent_id is not None:
        parent_channel = channel
        if isinstance(msg.channel, discord.Thread) and msg.channel.parent_id:
            parent_channel = ChannelRef(PLATFORM, str(msg.channel.parent_id), guild)
        return ThreadReply(key=key, actor=actor, community=guild, text=msg.content,
                           parent=MessageRef(parent_channel, str(parent_id)), message=ref)
    if guild is None:
        return DirectMessage(key=key, actor=actor, community=None, text=msg.content, message=ref)
    return None


def attachment(value: object, resolved: dict[str, Any]) -> FileRef | str:
    """An attachment option: Discord sends the file's id as the value and the file itself
    (name, size, type, CDN address) in ``data.resolved.attachments``. An id Discord did not
    resolve stays text, which the core refuses as a file it cannot open."""
    found = resolved.get("attachments", {}).get(str(value))
    if not isinstance(found, dict):
        return str(value)
    return FileRef(PLATFORM, str(found["id"]), str(found.get("filename", "")), int(found.get("size", 0)),
                   str(found.get("content_type") or ""), str(found.get("url", "")))


def option_values(options: Iterable[dict[str, Any]], resolved: dict[str, Any] | None = None) -> dict[str, object]:
    """Each option's value as Discord sent it (a string, an integer, a boolean; a user's or
    channel's id as a string; a file as its resolved attachment): the core reads and checks
    them against the declaration."""
    return {option["name"]: attachment(option.get("value"), resolved or {})
            if option.get("type") == ATTACHMENT else option.get("value") for option in options}


def command(name: str, options: list[dict[str, Any]], actor: Actor, guild: CommunityRef | None,
            channel: ChannelRef | None, interaction: InteractionRef, key: str,
            resolved: dict[str, Any] | None = None) -> CommandInvoked:
    return CommandInvoked(key=key, actor=actor, community=guild, name=name, options=option_values(options, resolved),
                          channel=channel, interaction=interaction)


def button(action: str, value: str, actor: Actor, guild: CommunityRef | None, message_ref: MessageRef | None,
           interaction: InteractionRef, key: str) -> ButtonPressed:
    return ButtonPressed(key=key, actor=actor, community=guild, action=action, value=value, message=message_ref,
                         interaction=interaction)


def modal(data: dict[str, Any], actor: Actor, guild: CommunityRef | None, channel: ChannelRef | None,
          interaction: InteractionRef, key: str, resolved: dict[str, Any] | None = None,
          typed: Mapping[str, object] | None = None) -> Event:
    """A modal's submit: text inputs by their value; a file upload (component 19, inside a
    Label) by the ids it lists in ``values``, with the files in ``data.resolved.attachments``,
    read as an attachment option's file is. A command's modal adds the options ``typed`` with
    the command (:func:`option_values`), which its fields never hold."""
    values: dict[str, str | FileRef] = {}
    for row in data.get("components", []):
        for component in row.get("components", [row.get("component", {})]):
            if not component.get("custom_id"):
                continue
            if component.get("type") == FILE_UPLOAD:
                picked = component.get("values") or []
                if picked:
                    values[component["custom_id"]] = attachment(picked[0], resolved or {})
            elif component.get("value") is not None:
                values[component["custom_id"]] = component["value"]
    route = customid.decode(str(data.get("custom_id", "")))
    if route is not None and route.kind == customid.Kind.COMMAND:
        return CommandInvoked(key=key, actor=actor, community=guild, name=route.name,
                              options={**(typed or {}), **{k: v for k, v in values.items() if v}}, channel=channel,
                              interaction=interaction)
    form_id, value = (route.name, route.value) if route is not None else ("", "")
    return FormSubmitted(key=key, actor=actor, community=guild, form_id=form_id, value=value,
                         fields={k: v for k, v in values.items() if isinstance(v, str)}, interaction=interaction)


def member_left(guild_id: int, actor: Actor, gateway: str) -> MemberLeft:
    return MemberLeft(key=f"discord:left:{guild_id}:{actor.user.id}:{gateway}", actor=actor,
                      community=community(guild_id))
