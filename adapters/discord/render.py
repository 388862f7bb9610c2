"""Neutral messages as Discord embeds with persistent components (custom ids carry the
action, so buttons keep working after a restart)."""

from __future__ import annotations

import discord

from bot.messages import ButtonStyle, Message

_STYLES = {ButtonStyle.PRIMARY: discord.ButtonStyle.primary, ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
           ButtonStyle.SUCCESS: discord.ButtonStyle.success, ButtonStyle.DANGER: discord.ButtonStyle.danger}


def to_embed(message: Message) -> discord.Embed | None:
    if not (message.title or message.text or message.fields or message.footer):
        return None
    embed = discord.Embed(title=(message.title or None) and message.title[:256],
                          description=message.text[:4096] or None, colour=0x1D4ED8)
    for field in message.fields[:25]:
        embed.add_field(name=field.name[:256] or "\u200b", value=field.value[:1024] or "\u200b", inline=field.inline)
    if message.footer:
        embed.set_footer(text=message.footer[:2048])
    return embed


def to_view(message: Message) -> discord.ui.View | None:
    if not message.buttons and not message.selects:
        return None
    view = discord.ui.View(timeout=None)
    for index, button in enumerate(message.buttons[:25]):
        view.add_item(discord.ui.Button(label=button.label[:80], custom_id=button.custom_id,
                                        style=_STYLES.get(button.style, discord.ButtonStyle.secondary),
                                        row=min(index // 5, 4)))
    for menu in message.selects[: max(0, 5 - (len(message.buttons) + 4) // 5)]:
        view.add_item(discord.ui.Select(custom_id=menu.custom_id, placeholder=menu.placeholder[:150],
                                        options=[discord.SelectOption(label=o.label[:100], value=o.value)
                                                 for o in menu.options[:25]]))
    return view
