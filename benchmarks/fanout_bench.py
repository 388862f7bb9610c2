"""Fan-out benchmark: the Discord adapter's real ``send_dm`` (discord.py's HTTP code, the
adapter's pacers) against a local fake of Discord's REST API that records every request and
answers "429, global" past 50 requests in any second, as Discord does.

The adapter is built from config.example.toml's shipped ``[discord]`` settings as they are
(any setting changed is printed). A first pass opens the DM channels of every family (stored,
as the core stores them from each delivery); the measured runs then send one DM to each family
with its stored channel, each run in a fresh adapter (a new process remembers nothing).

Printed per run series (min / median / max over the runs), each with PASS or FAIL:
requests per DM (goal <= 1), most requests in any one second at the fake (goal <= 50),
429 answers (goal 0), wall time against the floor at the configured DM rate (goal <= 1.10x;
the floor for N DMs is (N - 1) / rate: the first leaves at once, each later one a step after).
At the shipped rate a run of 500 families takes minutes, so runs use fewer families when 500
would not fit the time budget; the count is printed on every line and the floor scales.

    python benchmarks/fanout_bench.py [--families N] [--runs N] [--budget-seconds S]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from adapters.discord import DiscordAdapter  # noqa: E402
from bot.api.messages import Message  # noqa: E402
from bot.api.refs import UserRef  # noqa: E402
from bot.app import build_core  # noqa: E402
from bot.config import Config, Secrets, load_config  # noqa: E402
from bot.db.engine import Database  # noqa: E402
from bot.testing import FakeTranslator  # noqa: E402
from bot.util.clock import SystemClock  # noqa: E402
from tests.discord.harness import GLOBAL_LIMIT, FakeDiscord, max_in_any_second, snowflake, user_payload  # noqa: E402

GOAL_RATIO = 1.10
MESSAGE = Message(title="Early pickup", text="Early pickup on Friday at 12:30.")


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _spread(values: list[float], fmt: str) -> str:
    return "/".join(format(v, fmt) for v in (min(values), statistics.median(values), max(values)))


def _shipped() -> Config:
    return load_config(ROOT / "config.example.toml")


async def _adapter(config: Config, db: Database) -> DiscordAdapter:
    core = build_core(config, secrets=Secrets(discord_token="bench"), db=db, clock=SystemClock(),
                      translator=FakeTranslator())
    adapter = DiscordAdapter(core)
    await adapter.client.login("bench")
    return adapter


async def _send_all(adapter: DiscordAdapter, users: list[UserRef], tag: str,
                    channels: dict[str, str] | None) -> dict[str, str]:
    deliveries = await asyncio.gather(*(
        adapter.send_dm(user, MESSAGE, key=f"{tag}:{user.id}",
                        dm_channel=(channels or {}).get(user.id)) for user in users))
    failed = [d for d in deliveries if not d.ok]
    if failed:
        raise SystemExit(f"{len(failed)} DMs failed: {failed[0]}")
    return {user.id: d.message.channel.id for user, d in zip(users, deliveries, strict=True) if d.message}


async def run(families: int, runs: int, budget_seconds: float) -> int:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord.client").setLevel(logging.ERROR)  # "voice will NOT be supported"
    shipped = _shipped()
    rate = shipped.section("discord").dm_per_minute / 60  # DMs per second
    per_run = families
    if runs * families / rate > budget_seconds:
        per_run = max(1, min(families, int(budget_seconds * rate / runs)))
    fake = FakeDiscord()
    await fake.start()
    # the adapter points discord.py at its configured REST base: here, the fake's
    shipped = shipped.with_section("discord", shipped.section("discord").model_copy(update={"api_base_url": fake.base}))
    users = []
    for _ in range(families):
        user_id = snowflake()
        fake.users[user_id] = user_payload(user_id, f"family-{user_id}")
        users.append(UserRef("discord", str(user_id)))
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        print(f"[discord] settings from config.example.toml as shipped: dm_per_minute="
              f"{shipped.section('discord').dm_per_minute} ({rate:g} DM/s); "
              f"changed: database.url -> a temporary SQLite file, discord.api_base_url -> the local fake")
        if per_run < families:
            print(f"runs use {per_run} families, not {families}: {runs} runs of {families} at {rate:g} DM/s would "
                  f"take {runs * families / rate:.0f} s (budget {budget_seconds:.0f} s; --budget-seconds to change)")

        # First pass: open every family's DM channel (two requests each), at the fastest rate the
        # configuration allows, so the global pacer is what holds the line.
        fastest = shipped.with_section("discord", shipped.section("discord").model_copy(update={"dm_per_minute": 3000}))
        print(f"first pass (not timed against a floor): changed discord.dm_per_minute "
              f"{shipped.section('discord').dm_per_minute} -> 3000 for this pass only")
        adapter = await _adapter(fastest, db)
        mark = len(fake.times)
        started = time.perf_counter()
        channels = await _send_all(adapter, users, "first", None)
        elapsed = time.perf_counter() - started
        await adapter.stop()
        arrivals = fake.times[mark:]
        peak = max_in_any_second(arrivals)
        print(f"first pass, {families} families, no channel known: {len(arrivals) / families:.2f} requests per DM "
              f"(goal <= 2) {_verdict(len(arrivals) <= 2 * families)}; max {peak} requests in any second "
              f"(goal <= {GLOBAL_LIMIT}) {_verdict(peak <= GLOBAL_LIMIT)}; 429s {fake.global_429s} (goal 0) "
              f"{_verdict(fake.global_429s == 0)}; {elapsed:.1f} s")

        per_dm: list[float] = []
        peaks: list[float] = []
        ratios: list[float] = []
        refused: list[float] = []
        floor = max(per_run - 1, 1) / rate
        for number in range(runs):
            adapter = await _adapter(shipped, db)
            mark, before = len(fake.times), fake.global_429s
            started = time.perf_counter()
            await _send_all(adapter, users[:per_run], f"run{number}", channels)
            elapsed = time.perf_counter() - started
            await adapter.stop()
            arrivals = fake.times[mark:]
            per_dm.append(len(arrivals) / per_run)
            peaks.append(max_in_any_second(arrivals))
            ratios.append(elapsed / floor)
            refused.append(fake.global_429s - before)
        await db.dispose()
    await fake.close()
    label = f"{runs} runs x {per_run} families, DM channels stored"
    print(f"{label}: requests per DM min/median/max {_spread(per_dm, '.2f')} (goal <= 1) "
          f"{_verdict(max(per_dm) <= 1)}")
    print(f"{label}: max requests in any second {_spread(peaks, '.0f')} (goal <= {GLOBAL_LIMIT}) "
          f"{_verdict(max(peaks) <= GLOBAL_LIMIT)}")
    print(f"{label}: 429 answers {_spread(refused, '.0f')} (goal 0) {_verdict(max(refused) == 0)}")
    print(f"{label}: wall time {_spread(ratios, '.3f')}x the floor of {floor:.1f} s ({per_run} DMs at "
          f"{rate:g} DM/s; goal <= {GOAL_RATIO:.2f}x) {_verdict(max(ratios) <= GOAL_RATIO)}")
    return 0


def main(argv: list[str] | None = None) -> Any:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget-seconds", type=float, default=300.0,
                        help="time the measured runs may take together at the configured rate")
    args, _ = parser.parse_known_args(argv)
    return asyncio.run(run(args.families, args.runs, args.budget_seconds))


if __name__ == "__main__":
    sys.exit(main())
