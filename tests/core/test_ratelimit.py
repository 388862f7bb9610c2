"""The pacer in front of every platform call: a full window's worth goes at once, the next
request waits for the window, and each key (a channel) has its own window and its own line.

Windows here are a minute long, so "still waiting" can be checked without any timing
assumption: nothing in these tests comes near a minute.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.util.pacing import Pacer


@pytest.fixture
def minute_pacer() -> Pacer:
    return Pacer(3, 60)


async def still_waiting(pacer: Pacer, key: str) -> bool:
    try:
        await asyncio.wait_for(pacer.wait(key), timeout=0.2)
    except TimeoutError:
        return True
    return False


async def test_a_whole_window_of_requests_goes_without_waiting(minute_pacer: Pacer) -> None:
    await asyncio.wait_for(asyncio.gather(*(minute_pacer.wait("general") for _ in range(3))), timeout=30)


async def test_the_request_over_the_limit_waits_for_the_window(minute_pacer: Pacer) -> None:
    for _ in range(3):
        await minute_pacer.wait("general")
    assert await still_waiting(minute_pacer, "general")


async def test_a_busy_key_does_not_hold_up_another(minute_pacer: Pacer) -> None:
    for _ in range(3):
        await minute_pacer.wait("general")
    blocked = asyncio.create_task(minute_pacer.wait("general"))
    await asyncio.wait_for(minute_pacer.wait("homework"), timeout=30)
    assert not blocked.done()
    blocked.cancel()


async def test_burst_caps_how_many_leave_together() -> None:
    pacer = Pacer(10, 60, burst=2)
    await pacer.wait("dm")
    await pacer.wait("dm")
    assert await still_waiting(pacer, "dm")


def test_a_rate_without_requests_or_time_is_refused() -> None:
    with pytest.raises(ValueError):
        Pacer(0, 1)
    with pytest.raises(ValueError):
        Pacer(1, 0)


async def test_old_entries_are_dropped_so_a_long_running_pacer_stays_small() -> None:
    pacer = Pacer(5, 0.01)
    for _ in range(200):
        await pacer.wait("general")
    assert len(pacer._buckets._buckets["general"].items) <= 2 * 5 + 1
