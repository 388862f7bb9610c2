"""Find adapters and cogs without naming them.

Adapters live as sub-packages of one package (``adapters`` by default). The command line
lists them by scanning that package's folder, so ``bot`` names no adapter and a deployment
can add one by dropping a package there. An adapter package may hold ``cli.py`` (its own
subcommands and start-up checks against the platform) and ``config.py`` (its ``Section``, its
secrets and its start-up requirements, see :func:`adapter_config`). A platform SDK is never
loaded for a command that does not use it: neither module may import one at import time.

Cogs are found the same way under ``cogs`` (and from installed packages through the
``homeroom.cogs`` entry-point group): each module or package has ``setup(core)``. A cog
package may also hold ``models.py`` (its tables), ``config.py`` (a ``Section`` model
validating its own ``[<name>]`` section of the configuration, its secrets and its start-up
requirements, see :func:`cog_config`) and ``migrations/`` (its Alembic revisions, a branch
labelled with the cog's name).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

ADAPTER_PACKAGE = "adapters"


class DeclarationError(Exception):
    """An adapter's declaration that cannot work (one line naming the adapters and the problem)."""


@cache
def adapter_names() -> tuple[str, ...]:
    """Every adapter package, sorted (a folder scan: the adapters themselves are not imported)."""
    try:
        package = importlib.import_module(ADAPTER_PACKAGE)
    except ModuleNotFoundError:
        return ()
    return tuple(sorted(info.name for info in pkgutil.iter_modules(package.__path__) if info.ispkg))


@cache
def embedded_adapter() -> str | None:
    """The adapter that needs no tokens and no network, chosen when no platform is configured:
    the one whose package sets ``EMBEDDED = True`` (read from the light package module, which
    loads neither the core nor an SDK)."""
    embedded = [name for name in adapter_names() if getattr(adapter_module(name), "EMBEDDED", False) is True]
    if len(embedded) > 1:
        raise DeclarationError(f"adapters {', '.join(embedded)}: each declares EMBEDDED = True; only one "
                               f"adapter may be the one chosen when no platform is configured")
    return embedded[0] if embedded else None


def platform_adapters() -> list[str]:
    """The adapters that serve a real platform (what ``--adapter all`` starts)."""
    return [name for name in adapter_names() if name != embedded_adapter()]


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


def adapter_config(name: str) -> ModuleType | None:
    """The adapter's optional ``config`` module, or None when it has none.

    It may define ``Section`` (a pydantic model validating the adapter's own ``[<name>]``
    section), ``SECRETS`` (``{attribute: ENVIRONMENT_VARIABLE}``, read into
    :class:`bot.config.Secrets`), ``check_requirements(config, secrets)`` (raises a one-line
    ``ConfigError`` for what the adapter cannot start without) and ``configured(secrets)``
    (whether it starts when no ``--adapter`` is given).
    """
    module_name = f"{ADAPTER_PACKAGE}.{name}.config"
    if name not in adapter_names() or importlib.util.find_spec(module_name) is None:
        return None
    return importlib.import_module(module_name)


# ----- cogs ------------------------------------------------------------------------------
COG_PACKAGE = "cogs"
#: the entry-point group through which an installed package adds its own features
COG_ENTRY_POINTS = "homeroom.cogs"


@cache
def cog_sources() -> dict[str, str]:
    """Every feature by name, with the module that holds it: each module or package under the
    cogs package (a folder scan, so adding a feature is adding a folder and ``bot`` lists
    none of them), then each ``homeroom.cogs`` entry point of an installed package."""
    found: dict[str, str] = {}
    try:
        package = importlib.import_module(COG_PACKAGE)
    except ModuleNotFoundError:
        package = None
    if package is not None:
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
            if not info.name.startswith("_"):
                found[info.name] = f"{COG_PACKAGE}.{info.name}"
    for point in sorted(entry_points(group=COG_ENTRY_POINTS), key=lambda point: point.name):
        found.setdefault(point.name, point.value)
    return found


def cog_names() -> tuple[str, ...]:
    """Every feature's name, in load order."""
    return tuple(cog_sources())


def cog_modules(disabled: frozenset[str] | set[str] = frozenset()) -> tuple[str, ...]:
    """Dotted names of the cogs to load, without those switched off in configuration."""
    return tuple(module for name, module in cog_sources().items() if name not in disabled)


def cog_folder(name: str) -> Path | None:
    """The folder of a cog package (None for a single-module cog or an unknown name)."""
    module = cog_sources().get(name)
    spec = importlib.util.find_spec(module) if module else None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def cog_submodule(name: str, part: str) -> str | None:
    """``<cog module>.<part>`` when that module exists (found without importing it)."""
    folder = cog_folder(name)
    if folder is None or not (folder / f"{part}.py").exists():
        return None
    return f"{cog_sources()[name]}.{part}"


def cog_config(name: str) -> ModuleType | None:
    """The cog's optional ``config`` module, or None when it has none.

    As an adapter's: ``Section`` (its ``[<name>]`` section), ``SECRETS``
    (``{attribute: ENVIRONMENT_VARIABLE}``, read into :class:`bot.config.Secrets`) and
    ``check_requirements(config, secrets)`` (a one-line ``ConfigError`` for what the cog cannot
    start without; asked only while the cog is switched on). It must import nothing heavy.
    """
    module_name = cog_submodule(name, "config")
    return importlib.import_module(module_name) if module_name is not None else None


def cog_migration_folders() -> list[Path]:
    """Each cog's own migrations folder (``<cog>/migrations``), where one exists."""
    folders = []
    for name in cog_names():
        folder = cog_folder(name)
        if folder is not None and (folder / "migrations").is_dir():
            folders.append(folder / "migrations")
    return folders
