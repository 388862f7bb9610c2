"""Homework reminders: a teacher posts an assignment with a due date, every family gets one
reminder the evening before in their own language, and anyone can list what is due.

Everything this feature needs lives in this folder: its table (``models.py``), its
configuration section ``[homework]`` (``config.py``), its migrations (``migrations/``) and its
commands and reminder job (``cog.py``). Nothing outside it names it.
"""

from __future__ import annotations

from bot.api.services import Services
from cogs.homework.cog import HomeworkCog


def setup(core: Services) -> HomeworkCog:
    return HomeworkCog(core)
