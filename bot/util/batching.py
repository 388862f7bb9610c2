"""Group commit: requests that arrive while a transaction is running share the next one.

A burst (three hundred families reacting to a new sign-up card, or meeting the bot for the
first time at once) would otherwise be one transaction per request, each waiting for the
locks, reads and commit of every one ahead of it. Here requests queue per key (a sign-up, a
community); one drainer per key takes everything queued, up to ``max_batch``, into a single
call of ``run_batch``, which does the work in one transaction and answers each request in
order. A lone request is a batch of one: nothing waits for company.

If a batch fails as a whole, its requests are run again one at a time, so the failure lands
only on the request that causes it. ``run_batch`` may answer an individual request with an
exception (a duplicate event, say); that request's caller gets it raised.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")
T = TypeVar("T")

BatchRunner = Callable[[K, list[R]], Awaitable[Sequence["T | Exception"]]]


class GroupCommit(Generic[K, R, T]):
    def __init__(self, run_batch: BatchRunner[K, R, T], *, max_batch: int = 64) -> None:
        self._run_batch = run_batch
        self.max_batch = max_batch
        self._queues: dict[K, list[tuple[R, asyncio.Future[T]]]] = {}
        self._drainers: dict[K, asyncio.Task[None]] = {}

    async def submit(self, key: K, request: R) -> T:
        """Run ``request`` in the next transaction for ``key`` and return its answer."""
        answer: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        queue = self._queues.setdefault(key, [])
        queue.append((request, answer))
        drainer = self._drainers.get(key)
        if drainer is None or drainer.done():
            drainer = self._drainers[key] = asyncio.create_task(
                self._drain(key, queue), name=f"group-commit {getattr(self._run_batch, '__qualname__', 'batch')}")
            drainer.add_done_callback(functools.partial(self._drained, key))
        # Shielded: a caller that gives up does not cancel work other requests share.
        return await asyncio.shield(answer)

    async def _drain(self, key: K, queue: list[tuple[R, asyncio.Future[T]]]) -> None:
        while queue:  # a request stays queued until it is answered
            batch = queue[:self.max_batch]
            await self._run(key, batch)
            del queue[:len(batch)]

    def _drained(self, key: K, task: asyncio.Task[None]) -> None:
        """Forget a finished drainer; if it was cancelled (shutting down) or broke, answer
        whoever is still waiting instead of leaving them hanging."""
        if self._drainers.get(key) is not task:
            return  # a newer drainer already took over this key
        del self._drainers[key]
        queue = self._queues.pop(key, [])
        error = RuntimeError("shutting down") if task.cancelled() else task.exception()
        for _, future in queue:
            _settle(future, error if isinstance(error, Exception) else RuntimeError("request not run"))
            if not future.cancelled():
                # a caller that gave up (shutting down) no longer awaits it: not an error to
                # report; a caller still waiting gets it raised all the same
                future.exception()

    async def _run(self, key: K, batch: list[tuple[R, asyncio.Future[T]]]) -> None:
        try:
            answers = await self._run_batch(key, [request for request, _ in batch])
            if len(answers) != len(batch):
                raise RuntimeError(f"a batch of {len(batch)} got {len(answers)} answers")
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][1], exc)
                return
            for item in batch:  # one at a time: the failure belongs to one of them
                await self._run(key, [item])
            return
        for (_, future), answer in zip(batch, answers, strict=True):
            _settle(future, answer)


def _settle(future: asyncio.Future[T], answer: T | BaseException) -> None:
    if future.done():
        return
    if isinstance(answer, BaseException):
        future.set_exception(answer)
    else:
        future.set_result(answer)
