"""A feature sees the engine only through bot.api.services.Services: every ``core.<name>`` a
cog or the API uses is declared there, the engine provides every declared name, and no cog
imports the engine's Core."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.api.services import Services
from bot.runtime.core import Core

ROOT = Path(__file__).resolve().parents[2]


def declared() -> set[str]:
    return {name for name in vars(Services) if not name.startswith("_")} | set(Services.__annotations__)


def _sources() -> list[Path]:
    return sorted([*ROOT.glob("cogs/**/*.py"), *(p for p in ROOT.glob("bot/api/*.py") if p.name != "services.py")])


def used_on_core(path: Path) -> set[tuple[str, int]]:
    """``name`` of every ``core.name``, ``self.core.name`` and ``ctx.core.name`` in a file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute):
            continue
        holder = node.value
        if (isinstance(holder, ast.Name) and holder.id == "core") or \
                (isinstance(holder, ast.Attribute) and holder.attr == "core"):
            found.add((node.attr, node.lineno))
    return found


def provided_by_core() -> set[str]:
    """What the engine's Core has: its class members and what its __init__ assigns."""
    names = set(dir(Core))
    tree = ast.parse((ROOT / "bot/runtime/core.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        target = node.target if isinstance(node, ast.AnnAssign) else None
        targets = node.targets if isinstance(node, ast.Assign) else [target] if target is not None else []
        for t in targets:
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                names.add(t.attr)
    return names


def test_every_service_a_feature_uses_is_declared() -> None:
    names = declared()
    undeclared = sorted(f"{path.relative_to(ROOT)}:{line} core.{attr}"
                        for path in _sources() for attr, line in used_on_core(path) if attr not in names)
    assert not undeclared, "declare these in bot/api/services.py or stop using them:\n" + "\n".join(undeclared)


def test_the_engine_provides_every_declared_service() -> None:
    missing = sorted(declared() - provided_by_core())
    assert not missing, f"bot.runtime.core.Core lacks {missing}"


def test_the_reader_finds_what_features_use() -> None:
    used = {attr for path in _sources() for attr, _ in used_on_core(path)}
    assert {"db", "deliveries", "localize", "clock"} <= used


def test_no_feature_imports_the_engine_core() -> None:
    offenders = []
    for path in ROOT.glob("cogs/**/*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "bot.runtime.core":
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"import Context from bot.api.context and Services from bot.api.services: {offenders}"
