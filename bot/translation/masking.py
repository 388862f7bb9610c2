"""Masking what must survive translation byte-for-byte.

Mentions, channel links, URLs, e-mail addresses, emoji (unicode and custom), code spans,
``{placeholders}`` in the bot's own templates and a community's glossary terms are replaced
by numbered tokens before the text reaches a provider and restored afterwards. Providers
sometimes add spaces inside or around tokens, or change their case; restoration tolerates
that, and a token a provider dropped is appended rather than lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import emoji as emoji_lib

_PATTERNS = [
    r"```.*?```",                                   # code blocks
    r"`[^`\n]+`",                                   # code spans
    r"<[@#!][^<>\s]*>",                             # mentions, channels, <!here>
    r"<a?:[A-Za-z0-9_~\-]+:\d+>",                   # custom emoji written as <:name:id>
    r"<(?:https?|mailto):[^<>\s]+>",                # links wrapped in angle brackets
    r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]",   # URLs
    r"\bwww\.[^\s<>\"']+[^\s<>\"'.,;:!?)\]]",
    r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}",  # e-mail addresses
    r"(?<![\w:]):[a-z0-9_+\-]+(?:::skin-tone-\d)?:(?![\w:])",  # :shortcodes:
    r"\{[A-Za-z_][A-Za-z0-9_]*\}",                  # template placeholders
    r"@[A-Za-z0-9_.\-]+",                           # console-style @mentions
]
_MASKABLE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.DOTALL)
_TOKEN = "⟦{}⟧"
_TOKEN_BACK = re.compile(r"⟦\s*(\d+)\s*⟧")


@dataclass(frozen=True, slots=True)
class Masked:
    text: str
    originals: tuple[str, ...]


def _glossary_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    cleaned = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in cleaned), re.IGNORECASE)


def mask(text: str, glossary: Iterable[str] = ()) -> Masked:
    """Replace everything that must not be translated with numbered tokens."""
    originals: list[str] = []

    def _keep(match: re.Match[str]) -> str:
        originals.append(match.group(0))
        return _TOKEN.format(len(originals) - 1)

    # Existing token lookalikes in the input are masked too, so restoration is unambiguous.
    text = re.sub(r"⟦[^⟧]*⟧", _keep, text)
    text = _MASKABLE.sub(_keep, text)
    glossary_re = _glossary_pattern(glossary)
    if glossary_re is not None:
        parts = re.split(r"(⟦\d+⟧)", text)
        text = "".join(part if _TOKEN_BACK.fullmatch(part) else glossary_re.sub(_keep, part) for part in parts)
    text = _mask_emoji(text, _keep)
    return Masked(text=text, originals=tuple(originals))


def prepare() -> None:
    """Build the emoji tokenizer's search tree now (about 15-60 ms of pure Python on its first
    use): the translation service does it in its start-up thread, not in the event loop when
    the first family writes."""
    emoji_lib.emoji_list("🙂")


def _mask_emoji(text: str, keep: object) -> str:
    found = emoji_lib.emoji_list(text)
    if not found:
        return text
    out: list[str] = []
    position = 0
    for item in found:
        start, end = item["match_start"], item["match_end"]
        out.append(text[position:start])
        out.append(keep(re.match(r"(?s).+", text[start:end])))  # type: ignore[operator]
        position = end
    out.append(text[position:])
    return "".join(out)


def unmask(translated: str, masked: Masked) -> str:
    """Put the originals back; tokens the provider lost are appended, never dropped."""
    used: set[int] = set()

    def _restore(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if 0 <= index < len(masked.originals):
            used.add(index)
            return masked.originals[index]
        return match.group(0)

    restored = _TOKEN_BACK.sub(_restore, translated)
    missing = [masked.originals[i] for i in range(len(masked.originals)) if i not in used]
    if missing:
        restored = restored.rstrip() + " " + " ".join(missing)
    return restored
