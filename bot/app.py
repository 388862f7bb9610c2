"""Composition root: build the :class:`~bot.runtime.core.Core` from configuration and load cogs and
adapters by dotted name (so the core never imports them and a deployment can add its own)."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from types import ModuleType
from typing import Any

from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.discovery import adapter_module, cog_modules
from bot.i18n import Localizer
from bot.runtime.core import Core
from bot.translation import Translator
from bot.util.clock import Clock, SystemClock

log = logging.getLogger(__name__)

#: Load every cog found under the cogs package (see bot/discovery.py) except those the
#: configuration switches off. A caller may pass its own tuple of dotted names instead.
DEFAULT_COGS = None


class CogDeclarationError(Exception):
    """A cog that cannot be loaded as declared, said in one line naming the cog."""


#: where a cog that declares no ``LOAD_ORDER`` loads (after those that do, by name)
DEFAULT_LOAD_ORDER = 100


def _import_cog(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            raise CogDeclarationError(f"{name}: no such cog") from None
        raise


def _load_cog(core: Core, name: str, module: ModuleType) -> None:
    setup = getattr(module, "setup", None)
    if not callable(setup):
        raise CogDeclarationError(f"{name}: a cog module must define setup(core)")
    made = setup(core)
    for cog in made if isinstance(made, list | tuple) else [made]:
        try:
            core.add_cog(cog)
        except ValueError as exc:  # two cogs declaring one command, button or form
            raise CogDeclarationError(f"{name}: {exc}") from None


def build_translator(config: Config, secrets: Secrets, db: Database, clock: Clock) -> Translator:
    """The configured translation service."""
    from bot.translation.service import TranslationService

    return TranslationService(config.translation, secrets, db, clock, config=config)


class DeferredTranslator:
    """The translation service, built on first use.

    Importing it loads deep-translator, requests and BeautifulSoup: a tenth of a console
    start, which a start that translates nothing never needs. Platform starts build the
    service eagerly instead (the first translation should not pay for the import on the
    event loop)."""

    def __init__(self, make: Callable[[], Translator]) -> None:
        self._make = make
        self._service: Translator | None = None

    def peek(self) -> Translator | None:
        """The service if something has used it already, else None (building it just to be
        looked at would load the provider stack for nothing)."""
        return self._service

    def _built(self) -> Any:
        if self._service is None:
            self._service = self._make()
        return self._service

    async def translate(self, *args: Any, **kwargs: Any) -> Any:
        return await self._built().translate(*args, **kwargs)

    async def detect(self, *args: Any, **kwargs: Any) -> Any:
        return await self._built().detect(*args, **kwargs)

    async def close(self) -> None:
        close = getattr(self._service, "close", None)
        if close is not None:
            await close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._built(), name)


def deferred_translator(config: Config, secrets: Secrets, db: Database, clock: Clock) -> DeferredTranslator:
    """The configured translation service, imported and built when first used."""
    return DeferredTranslator(lambda: build_translator(config, secrets, db, clock))


def build_core(
    config: Config,
    *,
    secrets: Secrets | None = None,
    db: Database | None = None,
    clock: Clock | None = None,
    translator: Translator | None = None,
    cogs: tuple[str, ...] | None = DEFAULT_COGS,
) -> Core:
    """A ready-to-start core with every cog loaded (adapters are attached by the caller):
    by default each one found under the cogs package, less those switched off."""
    secrets = secrets or Secrets.from_env()
    clock = clock or SystemClock()
    db = db or Database(config.database.url, echo=config.database.echo, pool_size=config.database.pool_size)
    translator = translator or build_translator(config, secrets, db, clock)
    core = Core(config, db, clock, translator, secrets=secrets, localizer=Localizer(translator))
    names = cog_modules(set(config.cogs.disabled)) if cogs is None else cogs
    modules = [(name, _import_cog(name)) for name in names]
    # A cog's optional LOAD_ORDER sets where it loads, and so where its listeners run among
    # those of the same event (the rest follow by name): stable whatever the folder holds.
    modules.sort(key=lambda item: getattr(item[1], "LOAD_ORDER", DEFAULT_LOAD_ORDER))
    for name, module in modules:
        _load_cog(core, name, module)
    return core


async def run_privacy_report(config: Config, db: Database, clock: Clock) -> str:
    """The text of ``homeroom privacy report``, read through a core built without a translation
    provider (the report makes no provider calls)."""
    from bot.runtime.retention import privacy_report
    from bot.testing import FakeTranslator

    return await privacy_report(build_core(config, db=db, clock=clock, translator=FakeTranslator()))


def load_adapter_module(platform: str) -> ModuleType:
    """The adapter package for a platform (``create(core) -> adapter`` with ``start()``/``stop()``),
    found by name under the adapters package (see bot/discovery.py)."""
    return adapter_module(platform)
