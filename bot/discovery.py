"""Find adapter packages without importing them.

Adapters live as sub-packages of one package (``adapters`` by default). The command line
lists them by scanning that package's folder, so ``bot`` names no adapter and a deployment
can add one by dropping a package there. Only a chosen adapter is imported; a platform SDK
is never loaded for a command that does not use it.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

ADAPTER_PACKAGE = "adapters"
#: the adapter that needs no tokens and no network: chosen when no platform is configured
EMBEDDED_ADAPTER = "console"


@cache
def adapter_names() -> tuple[str, ...]:
    """Every adapter package, sorted (a folder scan: the adapters themselves are not imported)."""
    try:
        package = importlib.import_module(ADAPTER_PACKAGE)
    except ModuleNotFoundError:
        return ()
    return tuple(sorted(info.name for info in pkgutil.iter_modules(package.__path__) if info.ispkg))


def platform_adapters() -> list[str]:
    """The adapters that serve a real platform (what ``--adapter all`` starts)."""
    return [name for name in adapter_names() if name != EMBEDDED_ADAPTER]


def adapter_module(name: str) -> ModuleType:
    """The adapter package itself (``create(core)`` lives there)."""
    return importlib.import_module(f"{ADAPTER_PACKAGE}.{name}")


def adapter_cli(name: str) -> ModuleType | None:
    """The adapter's optional ``cli`` module, or None when it has none.

    It may define ``register_cli(subparsers, load)`` (its own subcommands) and
    ``describe_startup_error(exc) -> str | None`` (one line for a failure an operator can fix,
    such as a token the platform rejected). It must not import its platform SDK at import time.
    """
    module_name = f"{ADAPTER_PACKAGE}.{name}.cli"
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
