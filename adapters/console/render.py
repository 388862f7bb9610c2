"""How the console prints a platform-neutral message: plain text, one block per message."""

from __future__ import annotations

from bot.api.messages import Message, Tone


def render(message: Message) -> list[str]:
    lines: list[str] = []
    if message.notify_channel:
        lines.append("@here")
    alert = "🚨 " if message.tone == Tone.ALERT else ""
    if message.title:
        lines.append(f"**{alert}{message.title}**")
    elif alert:
        lines.append(alert.strip())
    if message.text:
        lines.extend(message.text.splitlines() or [""])
    for field in message.fields:
        lines.append(f"{field.name}: {field.value}")
    if message.footer:
        lines.append(f"— {message.footer}")
    if message.buttons:
        lines.append(" ".join(f"[{b.label}]" for b in message.buttons))
    for menu in message.selects:
        options = " | ".join(o.label for o in menu.options)
        lines.append(f"{{{menu.placeholder}: {options}}}")
    for attachment in message.attachments:
        lines.append(f"📎 {attachment.filename} ({len(attachment.content)} bytes)")
    return lines or [""]
