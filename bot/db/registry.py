"""Which modules define models, so Alembic and ``create_all`` see every table.

Cogs are loaded by dotted name (the core never imports them directly); each cog package
that stores data has a ``models`` module listed here.
"""

from __future__ import annotations

import importlib

#: Core model modules, then the built-in cogs' model modules.
MODEL_MODULES: tuple[str, ...] = (
    "bot.db.models",
    "bot.translation.models",
    "bot.delivery.models",
    "cogs.announcements.models",
    "cogs.signups.models",
    "cogs.relay.models",
    "cogs.committee.models",
)


def import_all_models() -> None:
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # A module that is not written yet is skipped; a broken import inside one is not.
            if exc.name is None or not name.startswith(exc.name):
                raise
