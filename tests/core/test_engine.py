"""A platform adapter sees the engine only through bot.api.engine.Engine: every ``core.<name>``
an adapter uses is declared there, the engine provides every declared name, and no adapter
imports the engine's runtime (the console's session harness, which builds a whole bot for
scripts and tests as bot.app does, aside)."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.api.engine import Engine
from tests.core.test_services import provided_by_core, used_on_core

ROOT = Path(__file__).resolve().parents[2]
#: builds and drives a whole bot (a composition root, like bot.app), so it may hold the Core
COMPOSITION = {Path("adapters/console/harness.py")}


def declared() -> set[str]:
    return {name for name in vars(Engine) if not name.startswith("_")} | set(Engine.__annotations__)


def _adapter_sources() -> list[Path]:
    return sorted(p for p in ROOT.glob("adapters/**/*.py") if p.relative_to(ROOT) not in COMPOSITION)


def test_every_engine_member_an_adapter_uses_is_declared() -> None:
    names = declared()
    undeclared = sorted(f"{path.relative_to(ROOT)}:{line} core.{attr}"
                        for path in _adapter_sources() for attr, line in used_on_core(path) if attr not in names)
    assert not undeclared, "declare these in bot/api/engine.py or stop using them:\n" + "\n".join(undeclared)


def test_the_engine_provides_every_member_declared_for_adapters() -> None:
    missing = sorted(declared() - provided_by_core())
    assert not missing, f"bot.runtime.core.Core lacks {missing}"


def test_the_reader_finds_what_adapters_use() -> None:
    used = {attr for path in _adapter_sources() for attr, _ in used_on_core(path)}
    assert {"dispatch", "commands", "config", "platform_ready"} <= used


def test_no_adapter_imports_the_runtime() -> None:
    offenders = []
    for path in _adapter_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            offenders += [f"{path.relative_to(ROOT)}: {m}" for m in modules if m.startswith("bot.runtime")]
    assert not offenders, f"adapters take the engine as bot.api.engine.Engine: {offenders}"
