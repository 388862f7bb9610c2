"""Group commit: what queues while a batch runs goes into the next batch together, and a
failure lands only on the request that causes it."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Sequence

import pytest

from bot.util.batching import GroupCommit


class Recorder:
    """A batch runner that remembers each batch and answers each request with its double."""

    def __init__(self, refuse: frozenset[int] = frozenset(), poison: int | None = None) -> None:
        self.batches: list[tuple[str, list[int]]] = []
        self.refuse = refuse
        self.poison = poison
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, key: str, batch: list[int]) -> Sequence[int | Exception]:
        self.batches.append((key, list(batch)))
        await self.gate.wait()
        if self.poison in batch and len(batch) > 1:
            raise RuntimeError("the whole transaction failed")
        if self.poison in batch:
            raise RuntimeError(f"{self.poison} cannot be applied")
        return [ValueError(n) if n in self.refuse else n * 2 for n in batch]


async def test_a_lone_request_runs_at_once_as_a_batch_of_one() -> None:
    runner = Recorder()
    group: GroupCommit[str, int, int] = GroupCommit(runner)
    assert await group.submit("card", 4) == 8
    assert runner.batches == [("card", [4])]


async def test_requests_queued_while_a_batch_runs_share_the_next_one() -> None:
    runner = Recorder()
    runner.gate.clear()
    group: GroupCommit[str, int, int] = GroupCommit(runner)
    first = asyncio.create_task(group.submit("card", 1))
    await asyncio.sleep(0)
    rest = [asyncio.create_task(group.submit("card", n)) for n in (2, 3, 4)]
    await asyncio.sleep(0)
    runner.gate.set()
    assert await asyncio.gather(first, *rest) == [2, 4, 6, 8]
    assert runner.batches == [("card", [1]), ("card", [2, 3, 4])]


async def test_max_batch_splits_a_long_queue_in_order() -> None:
    runner = Recorder()
    runner.gate.clear()
    group: GroupCommit[str, int, int] = GroupCommit(runner, max_batch=2)
    tasks = [asyncio.create_task(group.submit("card", n)) for n in range(5)]
    await asyncio.sleep(0)
    runner.gate.set()
    await asyncio.gather(*tasks)
    assert [batch for _, batch in runner.batches] == [[0, 1], [2, 3], [4]]


async def test_each_key_has_its_own_queue() -> None:
    runner = Recorder()
    group: GroupCommit[str, int, int] = GroupCommit(runner)
    await asyncio.gather(group.submit("trip", 1), group.submit("fair", 2))
    assert sorted(runner.batches) == [("fair", [2]), ("trip", [1])]


async def test_an_answer_that_is_an_exception_is_raised_to_its_caller_only() -> None:
    runner = Recorder(refuse=frozenset({3}))
    runner.gate.clear()
    group: GroupCommit[str, int, int] = GroupCommit(runner)
    tasks = [asyncio.create_task(group.submit("card", n)) for n in (2, 3, 4)]
    await asyncio.sleep(0)
    runner.gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results[0] == 4 and results[2] == 8
    assert isinstance(results[1], ValueError)


async def test_a_failed_batch_is_retried_one_by_one_so_only_the_culprit_fails() -> None:
    runner = Recorder(poison=3)
    runner.gate.clear()
    group: GroupCommit[str, int, int] = GroupCommit(runner)
    tasks = [asyncio.create_task(group.submit("card", n)) for n in (2, 3, 4)]
    await asyncio.sleep(0)
    runner.gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results[0] == 4 and results[2] == 8
    assert isinstance(results[1], RuntimeError) and "3 cannot be applied" in str(results[1])


async def test_a_caller_that_gives_up_does_not_cancel_the_shared_batch() -> None:
    runner = Recorder()
    runner.gate.clear()
    group: GroupCommit[str, int, int] = GroupCommit(runner)
    impatient = asyncio.create_task(group.submit("card", 1))
    await asyncio.sleep(0)
    impatient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await impatient
    runner.gate.set()
    assert await group.submit("card", 5) == 10
    assert runner.batches[0] == ("card", [1])


async def test_callers_are_answered_when_the_drainer_is_cancelled() -> None:
    runner = Recorder()
    runner.gate.clear()
    group: GroupCommit[str, int, int] = GroupCommit(runner)
    waiting = asyncio.create_task(group.submit("card", 1))
    await asyncio.sleep(0)
    group._drainers["card"].cancel()
    with pytest.raises(RuntimeError, match="shutting down"):
        await asyncio.wait_for(waiting, timeout=30)


async def test_shutting_down_with_nobody_waiting_reports_no_unretrieved_error() -> None:
    runner = Recorder()
    runner.gate.clear()
    group: GroupCommit[str, int, int] = GroupCommit(runner)
    loop = asyncio.get_running_loop()
    reported: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _, context: reported.append(context))
    try:
        impatient = asyncio.create_task(group.submit("card", 1))
        await asyncio.sleep(0)
        impatient.cancel()  # the caller gives up; its request stays queued
        with pytest.raises(asyncio.CancelledError):
            await impatient
        group._drainers["card"].cancel()  # then the process shuts down
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        del impatient
        gc.collect()  # an unretrieved exception is reported when its future is collected
    finally:
        loop.set_exception_handler(None)
    assert not [c for c in reported if "never retrieved" in str(c.get("message", ""))]
