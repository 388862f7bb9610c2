"""A platform that takes a post but refuses its files (Slack refusing the upload, Discord's
413 for a file too large for the channel), played on the console: what every feature must
handle when a post goes out without the file someone shared for it."""

from __future__ import annotations

from dataclasses import replace

from adapters.console import ConsoleSession
from bot.api.messages import Message
from bot.api.refs import ChannelRef, MessageRef


def refuse_files(session: ConsoleSession) -> None:
    """From now on the console posts without a message's shared files and names them on the
    reference it returns, as an adapter does when the platform refused them."""
    post = session.console.post

    async def without_files(channel: ChannelRef, message: Message) -> MessageRef:
        ref = await post(channel, replace(message, files=()))
        return replace(ref, files_missing=message.files)

    session.console.post = without_files  # type: ignore[method-assign]
