"""Fan-out benchmark: one announcement to 500 families who receive it by DM, through an
adapter double that enforces 50 requests/s and answers "429, retry after" when exceeded.
The pacing comes from the adapter side, with the real adapters' pacer (a sliding window in
front of the platform, :mod:`bot.ratelimit`). Prints wall time as a ratio of the physical floor (500 / 50 = 10 s; goal
<= 1.10x) and the number of requests sent inside a penalty window (goal 0).

    python benchmarks/fanout_bench.py [--families N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bot.app import build_core  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import Config, Secrets  # noqa: E402
from bot.db.engine import Database  # noqa: E402
from bot.db.models import Member  # noqa: E402
from bot.messages import Message  # noqa: E402
from bot.outbound import Delivery, DeliveryStatus  # noqa: E402
from bot.ratelimit import Pacer  # noqa: E402
from bot.refs import ChannelRef, CommunityRef, MessageRef, UserRef  # noqa: E402
from tests.core.recording import RecordingOutbound  # noqa: E402

LIMIT_PER_SECOND = 50


class PlatformDouble:
    """Accepts at most 50 requests in any one-second window; beyond that answers 429 and
    counts every request that arrives while the penalty (retry-after) is running."""

    def __init__(self) -> None:
        self.times: deque[float] = deque()
        self.penalty_until = 0.0
        self.sent = 0
        self.rejected = 0
        self.inside_penalty = 0

    def request(self) -> bool:
        now = time.monotonic()
        if now < self.penalty_until:
            self.inside_penalty += 1
            return False
        while self.times and now - self.times[0] >= 1.0:
            self.times.popleft()
        if len(self.times) >= LIMIT_PER_SECOND:
            self.rejected += 1
            self.penalty_until = now + 1.0
            return False
        self.times.append(now)
        self.sent += 1
        return True


class PacedOutbound(RecordingOutbound):
    """An adapter: paces itself under the platform limit and retries after a 429."""

    platform = "bench"

    def __init__(self, platform: PlatformDouble) -> None:
        super().__init__()
        self.double = platform
        # The adapters' pacer at the platform's limit, at most a fifth of a second's worth at once.
        self.pacer = Pacer(LIMIT_PER_SECOND, 1.0, burst=LIMIT_PER_SECOND // 5)

    async def send_dm(self, user: UserRef, message: Message) -> Delivery:
        while True:
            await self.pacer.wait("dm")
            if self.double.request():
                return Delivery(DeliveryStatus.SENT, MessageRef(ChannelRef("bench", f"dm-{user.id}", None, True),
                                                                str(self.double.sent)))
            await asyncio.sleep(1.0)  # honour retry-after


async def run(families: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        await db.create_all()
        from bot.testing import FakeTranslator

        config = Config.model_validate({"homeroom": {"quiet_hours": "00:00-00:01"}, "jobs": {"batch_size": 100}})
        core = build_core(config, secrets=Secrets(), db=db, clock=SystemClock(), translator=FakeTranslator())
        double = PlatformDouble()
        adapter = PacedOutbound(double)
        core.add_adapter(adapter)
        community = await core.ensure_community(CommunityRef("bench", "school"))
        async with db.write() as session:
            await session.execute(insert(Member), [
                {"community_id": community.id, "user_id": f"f{n}", "display_name": f"Family {n}", "role": "family",
                 "delivery": "dm", "language": "es" if n % 2 else "en", "quiet_hours": "off", "dms_closed": False,
                 "is_bot": False} for n in range(families)])
        from cogs.announcements.models import Announcement

        async with db.write() as session:
            row = Announcement(community_id=community.id, text="Early pickup on Friday at 12:30.", language="en",
                               channel_id="announcements", status="scheduled", scheduled_for=core.clock.now())
            session.add(row)
            await session.flush()
            await core.schedule(session, "announce.publish", {"id": row.id}, core.clock.now())
        start = time.perf_counter()
        while double.sent < families:
            ran = await core.jobs.run_due(concurrency=64)
            if not ran:
                await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - start
        await db.dispose()
    floor = families / LIMIT_PER_SECOND
    print(f"fan-out to {families} DM families at {LIMIT_PER_SECOND} requests/s: {elapsed:.2f} s "
          f"= {elapsed / floor:.3f}x the physical floor of {floor:.1f} s (goal <= 1.10x)")
    print(f"requests sent inside a penalty window: {double.inside_penalty} (goal 0); 429 answers: {double.rejected}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=500)
    args, _ = parser.parse_known_args()
    asyncio.run(run(args.families))
