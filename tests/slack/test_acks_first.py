"""The work behind an acknowledged Slack request waits until the requests that came with it
have been answered (bounded, so a stream of requests cannot starve it)."""

from __future__ import annotations

import asyncio

from adapters.slack.acks import AcknowledgementsFirst


async def test_work_waits_until_every_request_of_the_burst_is_answered() -> None:
    acks = AcknowledgementsFirst(grace=0, max_wait=5)
    order: list[str] = []
    answer = asyncio.Event()

    async def request() -> None:
        with acks.answering():
            await answer.wait()
            order.append("answered")

    async def work() -> None:
        await acks.wait_turn()
        order.append("work")

    pending = asyncio.create_task(request())
    await asyncio.sleep(0)
    started = asyncio.create_task(work())
    for _ in range(5):
        await asyncio.sleep(0)
    assert order == []
    answer.set()
    await asyncio.gather(pending, started)
    assert order == ["answered", "work"]


async def test_work_starts_after_the_grace_when_nothing_is_waiting() -> None:
    acks = AcknowledgementsFirst(grace=0, max_wait=5)
    await asyncio.wait_for(acks.wait_turn(), 1)
    assert acks.unanswered == 0


async def test_a_request_that_never_answers_does_not_hold_the_work_past_max_wait() -> None:
    acks = AcknowledgementsFirst(grace=0, max_wait=0.01)
    with acks.answering():
        await acks.wait_turn()  # returns: bounded by max_wait
        assert acks.unanswered == 1
    assert acks.unanswered == 0


async def test_an_answer_that_fails_still_counts_as_answered() -> None:
    acks = AcknowledgementsFirst(grace=0, max_wait=5)
    try:
        with acks.answering():
            raise RuntimeError("the handler failed")
    except RuntimeError:
        pass
    assert acks.unanswered == 0
    await asyncio.wait_for(acks.wait_turn(), 1)
