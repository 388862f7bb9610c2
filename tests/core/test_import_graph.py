"""The import graph, read from the source: layers point inward and nothing imports in a circle.

Every import counts, also those inside functions (an import moved into a function to dodge a
cycle is still a cycle); only imports under ``if TYPE_CHECKING:`` are left out, because they
never run. The core's code also names no adapter at all: not in an import, a string, an
attribute or a variable; and its prose (comments and docstrings) names no platform either,
describing the capability instead ("a platform that cannot edit a DM").
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from functools import cache
from pathlib import Path

from bot.discovery import adapter_names, platform_adapters

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "cogs", "adapters")
PLATFORM_SDKS = ("discord", "slack_bolt", "slack_sdk")


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


@cache
def imports_of(module: str) -> frozenset[str]:
    """Every module named by an import in ``module``: ``from a import b`` is ``a.b`` when that
    is a module, else ``a``."""
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    named: set[str] = set()
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            if isinstance(child, ast.Import):
                named.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for alias in child.names:
                    full = f"{child.module}.{alias.name}"
                    named.add(full if full in modules() else child.module)
            pending.append(child)
    return frozenset(named - {module})


def _packages_run_by(name: str) -> set[str]:
    """Importing ``a.b.c`` runs ``a/__init__.py`` and ``a/b/__init__.py`` first: those count too."""
    parts = name.split(".")
    return {".".join(parts[:end]) for end in range(1, len(parts))}


def _internal(module: str) -> set[str]:
    named = {name for name in imports_of(module) if name in modules()}
    named |= {package for name in named for package in _packages_run_by(name)}
    return {name for name in named if name in modules() and name != module
            and not module.startswith(f"{name}.")}


def _cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in _internal(node):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in sorted(modules()):
        if name not in index:
            visit(name)
    return groups


def _layer_imports(layer: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for name in modules():
        if name == layer or name.startswith(f"{layer}."):
            bad = sorted(target for target in imports_of(name)
                         if any(target == f or target.startswith(f"{f}.") for f in forbidden))
            if bad:
                found[name] = bad
    return found


def test_no_module_imports_another_in_a_circle() -> None:
    assert _cycles() == []


def test_the_api_imports_nothing_of_the_runtime_or_the_edge() -> None:
    """What a feature imports stands without the engine behind it (types under TYPE_CHECKING aside)."""
    assert _layer_imports("bot.api", ("bot.runtime", "bot.app", "bot.cli")) == {}


def test_localisation_sits_below_the_api() -> None:
    """The API's roles and commands are worded through bot.i18n, so bot.i18n cannot need them."""
    assert _layer_imports("bot.i18n", ("bot.api", "bot.runtime", "bot.app", "bot.cli")) == {}


def test_utilities_import_nothing_of_the_project() -> None:
    assert _layer_imports("bot.util", PACKAGES) == {}


def test_the_runtime_imports_neither_the_composition_root_nor_the_command_line() -> None:
    assert _layer_imports("bot.runtime", ("bot.app", "bot.cli")) == {}


def runtime_modules_cogs_import() -> dict[str, list[str]]:
    """Which engine modules each cog reaches into (none: a feature sees the engine through
    bot.api.services.Services and the rest of the API)."""
    found: dict[str, set[str]] = {}
    for name in modules():
        if name.startswith("cogs."):
            for target in imports_of(name):
                if target.startswith("bot.runtime."):
                    found.setdefault(target, set()).add(name.split(".")[1])
    return {target: sorted(cogs) for target, cogs in sorted(found.items())}


def test_cogs_import_nothing_of_the_engine() -> None:
    assert runtime_modules_cogs_import() == {}


def test_the_core_imports_no_cog_and_no_adapter() -> None:
    assert _layer_imports("bot", ("cogs", "adapters")) == {}


def test_the_core_imports_no_platform_sdk() -> None:
    assert _layer_imports("bot", PLATFORM_SDKS) == {}


def test_cogs_import_no_adapter_and_no_platform_sdk() -> None:
    assert _layer_imports("cogs", ("adapters", *PLATFORM_SDKS)) == {}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value,
                                                                                                   str):
                found.add(id(first.value))
    return found


def _names_in_code(source: str) -> list[tuple[int, str]]:
    """Every word of the code (names, attributes, arguments, imports, string literals other than
    docstrings), split at underscores and dots, with its line."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    words: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        texts: list[str] = []
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            texts.append(node.value)
        elif isinstance(node, ast.Name):
            texts.append(node.id)
        elif isinstance(node, ast.Attribute):
            texts.append(node.attr)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            texts.append(node.name)
        elif isinstance(node, ast.arg):
            texts.append(node.arg)
        elif isinstance(node, ast.keyword) and node.arg:
            texts.append(node.arg)
        elif isinstance(node, ast.alias):
            texts.extend(filter(None, (node.name, node.asname)))
        elif isinstance(node, ast.ImportFrom) and node.module:
            texts.append(node.module)
        line = getattr(node, "lineno", 0)
        words.extend((line, word) for text in texts for word in re.split(r"[\W_]+", text.lower()) if word)
    return words


def _adapter_names_in(source: str) -> list[tuple[int, str]]:
    names = set(adapter_names())
    return [(line, word) for line, word in _names_in_code(source) if word in names]


def test_the_core_names_no_adapter_in_its_code() -> None:
    found = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        hits = _adapter_names_in(path.read_text(encoding="utf-8"))
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    assert found == {}


def test_the_adapter_name_reader_sees_names_in_code_but_not_in_prose() -> None:
    """The reader itself: names in code are found, prose is not, so the test above is not vacuous."""
    source = '''"""Works on Discord."""
# as on Slack
import discord.http
def start(slack_token: str) -> None:
    """A console."""
    run(mode="console", platform=CONSOLE_ADAPTER)
'''
    assert set(adapter_names()) >= {"console", "discord", "slack"}
    hits = _adapter_names_in(source)
    assert {line for line, _ in hits} == {3, 4, 6}
    assert {word for _, word in hits} == {"discord", "slack", "console"}


def _prose(source: str) -> list[tuple[int, str]]:
    """Every comment and docstring of a module, with the line it starts on."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = [(node.lineno, node.value) for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and id(node) in docstrings]
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    found += [(token.start[0], token.string) for token in tokens if token.type == tokenize.COMMENT]
    return sorted(found)


def _platforms_in_prose(source: str) -> list[tuple[int, str]]:
    names = set(platform_adapters())
    return [(line, word) for line, text in _prose(source) for word in re.split(r"[\W_]+", text.lower())
            if word in names]


def test_the_cores_comments_and_docstrings_name_no_platform() -> None:
    found = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        hits = _platforms_in_prose(path.read_text(encoding="utf-8"))
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    assert found == {}


def test_the_prose_reader_sees_comments_and_docstrings_but_not_code() -> None:
    """The reader itself: a platform named in prose is found, so the test above is not vacuous."""
    source = '''"""Works on Discord."""
import discord  # as on Slack's API
def start() -> None:
    """Posts
    to a Slack channel."""
    run("discord")
'''
    assert set(platform_adapters()) >= {"discord", "slack"}
    assert _platforms_in_prose(source) == [(1, "discord"), (2, "slack"), (4, "slack")]


def test_the_graph_counts_the_packages_an_import_runs() -> None:
    """The reader itself: importing a module of a package runs the package's ``__init__`` first,
    so a package whose ``__init__`` imports back is a circle."""
    assert "bot.i18n" in _internal("bot.api.when")
    assert "bot.i18n" not in _internal("bot.i18n.languages")


def test_the_layer_reader_sees_a_forbidden_import() -> None:
    """The reader itself: the runtime imports the API, so asking for it finds it."""
    assert "bot.runtime.core" in _layer_imports("bot.runtime", ("bot.api",))


def test_the_graph_reads_real_imports() -> None:
    """The reader itself: a known import is seen, so the tests above are not vacuous."""
    assert "bot.runtime.dispatcher" in imports_of("bot.runtime.core")
    assert "bot.api.context" in imports_of("bot.runtime.dispatcher")


if __name__ == "__main__":  # python tests/core/test_import_graph.py: the engine modules cogs import (none)
    for target, cogs in runtime_modules_cogs_import().items():
        print(f"{target}: {', '.join(cogs)}")
