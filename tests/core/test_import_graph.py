"""The import graph, read from the source: layers point inward and nothing imports in a circle.

Every import counts, also those inside functions (an import moved into a function to dodge a
cycle is still a cycle); only imports under ``if TYPE_CHECKING:`` are left out, because they
never run.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

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


def _internal(module: str) -> set[str]:
    return {name for name in imports_of(module) if name in modules()}


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


def test_the_core_imports_no_cog_and_no_adapter() -> None:
    assert _layer_imports("bot", ("cogs", "adapters")) == {}


def test_the_core_imports_no_platform_sdk() -> None:
    assert _layer_imports("bot", PLATFORM_SDKS) == {}


def test_cogs_import_no_adapter_and_no_platform_sdk() -> None:
    assert _layer_imports("cogs", ("adapters", *PLATFORM_SDKS)) == {}


def test_the_graph_reads_real_imports() -> None:
    """The reader itself: a known import is seen, so the tests above are not vacuous."""
    assert "bot.dispatcher" in imports_of("bot.core")
    assert "bot.context" in imports_of("bot.dispatcher")
