"""Neutral messages as Discord embeds with persistent components (custom ids carry the
action, so buttons keep working after a restart)."""

from __future__ import annotations

import discord

from bot.api.messages import ButtonStyle, Message, Tone

_STYLES = {ButtonStyle.PRIMARY: discord.ButtonStyle.primary, ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
           ButtonStyle.SUCCESS: discord.ButtonStyle.success, ButtonStyle.DANGER: discord.ButtonStyle.danger}


#: Discord's embed limits: per description, field value, fields per embed, embeds per
#: message, and characters across all of a message's embeds.
DESCRIPTION, FIELD_VALUE, FIELDS, EMBEDS, TOTAL = 4096, 1024, 25, 10, 6000
CUT = "…"
#: embed colours: everyday blue, and red for an alert (the title also carries a siren)
COLOURS = {Tone.NORMAL: 0x1D4ED8, Tone.ALERT: 0xDC2626}


def _pieces(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def to_embeds(message: Message) -> list[discord.Embed]:
    """The message as embeds within Discord's limits: a long description or field value
    continues in the next embed or field instead of being cut; only beyond what one message
    can carry (10 embeds, 6,000 characters) is the rest cut, with a visible mark."""
    if not (message.title or message.text or message.fields or message.footer):
        return []
    colour = COLOURS[message.tone]
    title = (("🚨 " if message.tone == Tone.ALERT else "") + (message.title or ""))[:256]
    footer = (message.footer or "")[:2048]
    budget = TOTAL - len(title) - len(footer)
    embeds = [discord.Embed(title=title or None, colour=colour)]

    def room(wanted: int) -> int:
        return max(0, min(wanted, budget))

    for number, piece in enumerate(_pieces(message.text, DESCRIPTION)):
        if number and len(embeds) < EMBEDS:
            embeds.append(discord.Embed(colour=colour))
        take = room(len(piece))
        embeds[-1].description = piece[:take] if take == len(piece) else piece[:max(0, take - 1)] + CUT
        budget -= len(embeds[-1].description)
    for field in message.fields:
        name = field.name[:256] or "\u200b"
        for number, piece in enumerate(_pieces(field.value, FIELD_VALUE) or [""]):
            if len(embeds[-1].fields) >= FIELDS:
                if len(embeds) >= EMBEDS:
                    break
                embeds.append(discord.Embed(colour=colour))
            label = name if number == 0 else "\u200b"
            take = room(len(piece) + len(label)) - len(label)
            if take <= 0:
                break
            value = piece if take >= len(piece) else piece[:take - 1] + CUT
            embeds[-1].add_field(name=label, value=value or "\u200b", inline=field.inline and number == 0)
            budget -= len(label) + len(value)
    if footer:
        embeds[-1].set_footer(text=footer)
    return embeds


def mention(message: Message) -> dict[str, object]:
    """``@here`` for a post that must notify the channel (an alert), allowed explicitly:
    nothing else a message says can ping anyone."""
    if not message.notify_channel:
        return {}
    return {"content": "@here", "allowed_mentions": discord.AllowedMentions(everyone=True, users=False, roles=False,
                                                                                  replied_user=False)}


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
