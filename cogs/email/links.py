"""Signed links in e-mails: "Got it" and "unsubscribe", answered without a login.

A token names one family and what the link does, with an expiry, and is signed with
HMAC-SHA256 under the deployment's secret: a link cannot be changed to act for another
family or another message, and stops working after ``link_days``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Link:
    member_id: int
    #: "row" (one message), "batch" (one digest) or "unsubscribe"
    kind: str
    value: str
    expires: int


def sign(secret: bytes, link: Link) -> str:
    body = f"{link.member_id}|{link.kind}|{link.value}|{link.expires}".encode()
    mac = hmac.new(secret, body, hashlib.sha256).digest()[:18]
    return f"{_b64(body)}.{_b64(mac)}"


def verify(secret: bytes, token: str, now: datetime) -> Link | None:
    """The link a token carries, or None when it is forged, damaged or expired."""
    try:
        body_text, mac_text = token.split(".", 1)
        body, mac = _unb64(body_text), _unb64(mac_text)
    except ValueError:
        return None
    if not hmac.compare_digest(hmac.new(secret, body, hashlib.sha256).digest()[:18], mac):
        return None
    try:
        member, kind, value, expires = body.decode().split("|", 3)
        link = Link(int(member), kind, value, int(expires))
    except ValueError:
        return None
    if link.kind not in ("row", "batch", "unsubscribe") or link.expires < now.timestamp():
        return None
    return link


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64") from exc
