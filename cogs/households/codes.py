"""Join codes: ten characters from an alphabet without look-alikes (about 50 bits, so with
a few attempts an hour nobody guesses one), shown in groups, typed in any case or spacing,
kept only as a SHA-256."""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10


def new_code() -> str:
    """A fresh code as it is shown: ``ABCD-EFGH-JK``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise(typed: str) -> str:
    """What a person typed, without spaces or dashes, in capitals (``abcd efgh jk`` works)."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def code_hash(typed: str) -> str:
    return hashlib.sha256(normalise(typed).encode("ascii", "ignore")).hexdigest()
