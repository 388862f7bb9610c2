"""Babel extraction for Homeroom's sources: Babel's own Python extraction, plus every word of
a declared command's name and every option name as a message under the ``command name``
context, so the catalogs can give a command menu names in the reader's language.

A name is declared as a plain string (``@command("signup create", ...)``,
``OptionSpec("title", ...)``) that no keyword can mark by context, so this reads the
declarations from the syntax tree. ``bot.i18n.catalogs`` extracts every domain with it.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

from bot.i18n import COMMAND_NAME

#: the declarations whose first argument is a name a person types
_NAMED = {"command": "command", "OptionSpec": "option"}


def _called(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def declared_names(source: bytes) -> Iterator[tuple[int, str]]:
    """(line, word) of every command-name word and option name declared in ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _called(node) not in _NAMED or not node.args:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            for word in first.value.split():
                yield node.lineno, word


def extract(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str],
            options: Mapping[str, Any]) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Babel's extraction method signature: Python messages, then names as
    ``pgettext(COMMAND_NAME, word)``."""
    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)  # type: ignore[arg-type]
    for lineno, word in declared_names(source):
        yield lineno, "pgettext", (COMMAND_NAME, word), []
