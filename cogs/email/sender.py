"""From a platform-neutral message to an e-mail, and out through the school's mail server.

The e-mail is text and HTML (multipart/alternative) in the reader's language; the "Got it"
button of a message or a digest becomes a signed link, other buttons are dropped (the
message is already in the family's language). The mail server's answer decides the outcome:
an address refused for good (5xx) is final, anything else is tried again later.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from bot.api.messages import Message
from bot.api.outbound import Delivery, DeliveryStatus
from cogs.email.config import Section

log = logging.getLogger(__name__)

#: the delivery service's "Got it" actions (one message; one digest)
SEEN_ACTIONS = {"delivery.seen": "row", "delivery.seen_digest": "batch"}


@dataclass(frozen=True)
class Links:
    """What a family can click: "Got it" (when the message asks for it) and unsubscribe."""

    seen_url: str | None
    seen_label: str
    unsubscribe_url: str
    unsubscribe_label: str


def subject_of(message: Message) -> str:
    first = message.title or next((line for line in message.text.splitlines() if line.strip()), "")
    first = first.replace("*", "").strip()
    return first if len(first) <= 78 else first[:75] + "..."


def build(message: Message, links: Links, *, sender: str, to: str, key: str) -> EmailMessage:
    body = [message.title or "", message.text, *(f"{f.name}: {f.value}" for f in message.fields),
            message.footer or ""]
    text = "\n\n".join(part for part in body if part)
    if links.seen_url:
        text += f"\n\n{links.seen_label}: {links.seen_url}"
    text += f"\n\n-- \n{links.unsubscribe_label}: {links.unsubscribe_url}\n"
    paragraphs = "".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in body[1:] if part)
    heading = f"<h2>{html.escape(message.title)}</h2>" if message.title else ""
    button = (f'<p><a href="{html.escape(links.seen_url)}" style="background:#2563eb;color:#fff;padding:8px 16px;'
              f'border-radius:6px;text-decoration:none">{html.escape(links.seen_label)}</a></p>'
              if links.seen_url else "")
    footer = (f'<hr><p style="font-size:small"><a href="{html.escape(links.unsubscribe_url)}">'
              f"{html.escape(links.unsubscribe_label)}</a></p>")
    mail = EmailMessage()
    mail["Subject"] = subject_of(message)
    mail["From"] = sender
    mail["To"] = to
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(idstring=key.replace("@", "-")[:40], domain=sender.rsplit("@", 1)[-1])
    mail["List-Unsubscribe"] = f"<{links.unsubscribe_url}>"
    mail.set_content(text)
    mail.add_alternative(f"<!doctype html><html><body>{heading}{paragraphs}{button}{footer}</body></html>",
                         subtype="html")
    return mail


def seen_link(message: Message) -> tuple[str, str] | None:
    """(kind, value) of the message's "Got it" button, if it has one."""
    for button in message.buttons:
        if button.action in SEEN_ACTIONS:
            return SEEN_ACTIONS[button.action], button.value
    return None


async def send(mail: EmailMessage, settings: Section, password: str | None) -> Delivery:
    import aiosmtplib

    try:
        await aiosmtplib.send(mail, hostname=settings.smtp_host, port=settings.smtp_port,
                              username=settings.username or None, password=password or None,
                              start_tls=settings.security == "starttls", use_tls=settings.security == "tls",
                              timeout=settings.timeout_seconds)
    except aiosmtplib.SMTPRecipientsRefused as refused:
        final = all(error.code >= 500 for error in refused.recipients)
        return Delivery(DeliveryStatus.NOT_FOUND if final else DeliveryStatus.FAILED,
                        detail=f"recipient refused ({refused.recipients[0].code})")
    except aiosmtplib.SMTPResponseException as answer:
        # the sender or the message refused: the school's setup, not the family's address
        log.warning("the mail server refused a message (%s)", answer.code)
        return Delivery(DeliveryStatus.FAILED, detail=f"mail server answered {answer.code}")
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        log.warning("the mail server could not be reached (%s)", type(exc).__name__)
        return Delivery(DeliveryStatus.FAILED, detail=type(exc).__name__)
    return Delivery(DeliveryStatus.SENT)
