"""Which modules define models, so Alembic and ``create_all`` see every table.

The core's model modules are listed here; each cog package's ``models`` module is found by
a folder scan (see bot/discovery.py), so a feature adds its tables without editing this file.
"""

from __future__ import annotations

import importlib

from bot.discovery import cog_names, cog_submodule

#: The core's own model modules.
CORE_MODEL_MODULES: tuple[str, ...] = (
    "bot.db.models",
    "bot.translation.models",
    "bot.delivery.models",
)


def model_modules() -> tuple[str, ...]:
    """The core's model modules, then every cog's (switched-off cogs too: their tables stay
    in the schema, so switching a cog back on finds its data)."""
    found = (cog_submodule(name, "models") for name in cog_names())
    return CORE_MODEL_MODULES + tuple(name for name in found if name)


def import_all_models() -> None:
    for name in model_modules():
        importlib.import_module(name)
