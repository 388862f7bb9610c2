"""Every REST request the Discord adapter makes, through one gate: paced under Discord's
global limit, and drained before the HTTP session closes.

Discord allows a bot 50 requests per second across all routes (the global limit; its
developer docs, "Rate Limits"); interaction endpoints are not bound by it. discord.py only
reacts to a 429, and counts nothing in advance, so the adapter wraps discord.py's one
request method: each request waits its turn in a sliding window (:class:`bot.util.pacing.Pacer`)
and is counted while on the wire. At shutdown the gate stops letting requests out, abandons
the ones still waiting for their turn, lets those on the wire finish (bounded), and only then
may the session close: no request meets a closed session ("Session is closed").

An abandoned request raises :class:`Abandoned` (a ``CancelledError``), so whatever was waiting
for it stops without recording an outcome: a claimed delivery stays claimed, and the process
that starts next resolves it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.util.pacing import Pacer

log = logging.getLogger(__name__)

#: Discord's global limit is 50 requests per second across every route (interactions
#: excepted); the gate counts requests as they leave, Discord as they arrive, so two of the
#: 50 are kept back for network jitter (a measured fan-out touched 50 at the fake at 50).
GLOBAL_PER_SECOND = 48
#: At most this many requests leave in one fifth of a second: a whole second's worth at once
#: would arrive at Discord unevenly (network jitter) and could overlap the next window.
GLOBAL_BURST = 10
#: Added to every wait for the window, so jitter between here and Discord never makes 51.
GLOBAL_MARGIN_MS = 50
#: Route prefixes Discord exempts from the global limit (interaction callbacks, follow-ups).
UNPACED_PREFIXES = ("/interactions/", "/webhooks/")


class Abandoned(asyncio.CancelledError):
    """The adapter is shutting down and this request was never sent (or not waited for)."""


class RestGate:
    """Paces and counts the requests of one discord.py HTTP client."""

    def __init__(self, *, per_second: int = GLOBAL_PER_SECOND, burst: int = GLOBAL_BURST,
                 margin_ms: int = GLOBAL_MARGIN_MS) -> None:
        self.pacer = Pacer(per_second, 1.0, burst=burst, margin_ms=margin_ms)
        self._closing = False
        self._waiting: set[asyncio.Future[Any]] = set()
        self._on_wire: set[asyncio.Future[Any]] = set()

    def install(self, http: Any) -> None:
        """Route every request of discord.py's ``HTTPClient`` through this gate."""
        original: Callable[..., Awaitable[Any]] = http.request

        async def request(route: Any, **kwargs: Any) -> Any:
            paced = not str(route.path).startswith(UNPACED_PREFIXES)
            return await self.run(lambda: original(route, **kwargs), paced=paced)

        http.request = request

    async def wait_turn(self, pacer: Pacer, key: str = "default") -> None:
        """Wait on another pacer (the DM rate) in a way shutdown can abandon."""
        if self._closing:
            raise Abandoned("adapter shutting down")
        await self._tracked(self._waiting, pacer.wait(key))

    async def run(self, send: Callable[[], Awaitable[Any]], *, paced: bool = True) -> Any:
        if self._closing:
            raise Abandoned("adapter shutting down")
        if paced:
            await self._tracked(self._waiting, self.pacer.wait())
            if self._closing:
                raise Abandoned("adapter shutting down")
        return await self._tracked(self._on_wire, send())

    async def _tracked(self, where: set[asyncio.Future[Any]], work: Awaitable[Any]) -> Any:
        future = asyncio.ensure_future(work)
        where.add(future)
        try:
            return await future
        except asyncio.CancelledError:
            if self._closing and future.cancelled():
                raise Abandoned("adapter shutting down") from None
            raise
        finally:
            where.discard(future)

    async def drain(self, grace_seconds: float) -> None:
        """Stop sending: abandon what waits for its turn, let what is on the wire finish for
        up to ``grace_seconds`` (then abandon it too). One log line says what was dropped."""
        self._closing = True
        waiting = list(self._waiting)
        for future in waiting:
            future.cancel()
        cut = 0
        if self._on_wire:
            _, pending = await asyncio.wait(set(self._on_wire), timeout=grace_seconds)
            for future in pending:
                future.cancel()
            cut = len(pending)
        if waiting or cut:
            log.info("discord: shutting down; %d requests abandoned (%d not yet sent, %d unanswered after %.0f s); "
                     "their deliveries stay claimed for the next start", len(waiting) + cut, len(waiting), cut,
                     grace_seconds)
        await asyncio.sleep(0)  # let the abandoned callers see their cancellation first
