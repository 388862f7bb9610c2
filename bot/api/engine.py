"""What a platform adapter may ask of the bot: the one interface an adapter sees of the engine.

An adapter is handed an object satisfying :class:`Engine` — at run time the engine's
:class:`~bot.runtime.core.Core`, in a test anything with these members — and turns platform
traffic into events for it and its outbound calls into platform requests. It holds no
business rule, so it needs little: the configuration and secrets, the command table to draw
menus, the clock, a way in (``dispatch``), the words of a command's form, suggestions, the
member look-ups a platform's profile facts update, and the platform's connection state.
``tests/core/test_engine.py`` reads every ``core.<name>`` an adapter uses and fails when a name
is not declared here, checks that the engine provides every name declared here, and refuses
an adapter importing ``bot.runtime``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from bot.api.commands import CommandSpec
    from bot.api.events import Actor, Event
    from bot.api.forms import Form
    from bot.api.outbound import Outbound
    from bot.api.refs import CommunityRef
    from bot.config import Config, Secrets
    from bot.db.engine import Database
    from bot.db.models import Community, Member
    from bot.i18n import Localizer
    from bot.util.clock import Clock


class Counters(Protocol):
    """The engine's metrics, as an adapter adds to them (a 429 answered, a file refused)."""

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None: ...


class DueJobs(Protocol):
    """The job queue, as the console's ``advance`` drives it through simulated time."""

    async def next_due(self) -> datetime | None: ...

    async def run_due(self, *, concurrency: int = 8) -> int: ...


class Engine(Protocol):
    """The bot as a platform adapter sees it."""

    # ----- configuration ------------------------------------------------------------------
    config: Config
    secrets: Secrets
    #: the database, for a platform's own records kept beside ours (its app installations)
    db: Database
    clock: Clock
    #: the bot's own words (a platform's install pages)
    i18n: Localizer
    metrics: Counters
    jobs: DueJobs
    #: every declared command, by name (menus, option types, forms)
    commands: Mapping[str, CommandSpec]

    # ----- the adapter's place --------------------------------------------------------------
    def add_adapter(self, outbound: Outbound) -> None:
        """Register the adapter as the way out to its platform."""
        ...

    async def start(self) -> None: ...

    async def dispatch(self, event: Event) -> None:
        """One platform event in: the engine routes it, once, however often it is delivered."""
        ...

    async def settle(self) -> None:
        """Wait until the work the events so far started is done (the console, tests)."""
        ...

    async def platform_ready(self, platform: str, session: str | None = None) -> None: ...

    def platform_lost(self, platform: str) -> None: ...

    # ----- words and suggestions an adapter draws ---------------------------------------------
    async def command_form(self, name: str, community: CommunityRef, actor: Actor) -> Form | None: ...

    async def command_form_expired(self, name: str, community: CommunityRef | None, actor: Actor) -> str: ...

    async def complete(self, source: str, community: CommunityRef | None, actor: Actor, typed: str) -> list[Any]: ...

    # ----- platform facts about people ----------------------------------------------------------
    async def ensure_community(self, ref: CommunityRef, name: str = "") -> Community: ...

    async def ensure_member(self, community: Community, actor: Actor, *, present: bool = True,
                            known: Member | None = None, looked_up: bool = False) -> Member: ...

    async def update_member(self, member_id: int, **changes: Any) -> Member | None: ...

    def zone_of(self, member: Member | None, community: Community | None) -> ZoneInfo: ...
