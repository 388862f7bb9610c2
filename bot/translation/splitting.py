"""Splitting long text under a provider's limits, at sentence boundaries where possible."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?。！？؟।])\s+|(?<=[。！？])|\n+")


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (0x3000 <= code <= 0x30FF or 0xFF00 <= code <= 0xFFEF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
            or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF)


def weight(text: str, max_chars: int, max_cjk: int) -> float:
    """How much of a request's budget ``text`` uses (CJK characters cost more in URLs)."""
    cjk = sum(1 for ch in text if _is_cjk(ch))
    return max((len(text)) / max_chars, cjk / max_cjk if max_cjk else 0.0)


def _hard_split(sentence: str, max_chars: int, max_cjk: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for word in re.split(r"(\s+)", sentence):
        candidate = current + word
        if current and weight(candidate, max_chars, max_cjk) > 1:
            pieces.append(current)
            current = word.lstrip()
        else:
            current = candidate
        while weight(current, max_chars, max_cjk) > 1:  # one "word" too long (CJK has no spaces)
            cut = len(current)
            while cut > 1 and weight(current[:cut], max_chars, max_cjk) > 1:
                cut = max(1, int(cut * 0.9))
            pieces.append(current[:cut])
            current = current[cut:]
    if current:
        pieces.append(current)
    return pieces


def split_text(text: str, max_chars: int, max_cjk: int = 0) -> list[tuple[str, str]]:
    """Chunks that each fit the limits, as (chunk, separator after it) pairs, so that
    ``"".join(chunk + sep)`` over the translated chunks rebuilds the layout."""
    if weight(text, max_chars, max_cjk) <= 1:
        return [(text, "")]
    sentences: list[tuple[str, str]] = []
    position = 0
    for match in _SENTENCE_END.finditer(text):
        sentences.append((text[position:match.start()], match.group(0)))
        position = match.end()
    sentences.append((text[position:], ""))
    chunks: list[tuple[str, str]] = []
    current, current_sep = "", ""
    for sentence, sep in sentences:
        if not sentence:
            current_sep += sep
            continue
        candidate = current + current_sep + sentence if current else sentence
        if weight(candidate, max_chars, max_cjk) <= 1:
            current, current_sep = candidate, sep
            continue
        if current:
            chunks.append((current, current_sep))
        if weight(sentence, max_chars, max_cjk) > 1:
            pieces = _hard_split(sentence, max_chars, max_cjk)
            chunks.extend((piece, " ") for piece in pieces[:-1])
            current, current_sep = pieces[-1], sep
        else:
            current, current_sep = sentence, sep
    if current:
        chunks.append((current, current_sep))
    return chunks
