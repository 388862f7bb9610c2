"""CPU benchmark: process CPU time (user + system, every thread) per family of one
announcement, from ``/announce`` until every family's DM is delivered, through the real
announcements cog and delivery service, on a console adapter that records each DM (the
counting fake platform) and the fake translator (no provider time in the figure).

Sizes 100, 1,000 and 5,000 families (who chose DMs, ten languages), each in its own process
state: a fresh database, one warm-up announcement, then the measured ones. Goals: <= 5 ms per
family at every size, and flat: per-family CPU at 5,000 <= 1.5x the figure at 100.

    python benchmarks/cpu_bench.py [--runs N] [--sizes 100,1000,5000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.announcing import room  # noqa: E402

GOAL_MS = 5.0
GOAL_FLAT = 1.5


def _spread(values: list[float], fmt: str) -> str:
    return "/".join(format(v, fmt) for v in (min(values), statistics.median(values), max(values)))


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


async def per_family(families: int, runs: int) -> list[float]:
    """CPU ms per family of each of ``runs`` announcements (after one warm-up)."""
    async with room(families) as r:
        await r.announce()
        return [(await r.announce())[0] * 1000 / families for _ in range(runs)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="100,1000,5000")
    args, _ = parser.parse_known_args()
    runs = max(5, args.runs)
    sizes = [int(size) for size in args.sizes.split(",")]
    print("[cpu] config defaults (console adapter, fake translator, temporary SQLite file); families chose DMs")
    figures = {size: asyncio.run(per_family(size, runs)) for size in sizes}
    ok = True
    for size, values in figures.items():
        passed = statistics.median(values) <= GOAL_MS
        ok &= passed
        print(f"announcement to {size} families: CPU per family {_spread(values, '.2f')} ms (min/median/max of "
              f"{runs} runs; goal: median <= {GOAL_MS:g} ms) {_verdict(passed)}")
    small, large = statistics.median(figures[sizes[0]]), statistics.median(figures[sizes[-1]])
    flat = large / small <= GOAL_FLAT
    ok &= flat
    print(f"CPU per family at {sizes[-1]} / at {sizes[0]} families: {large / small:.2f}x (medians; goal <= "
          f"{GOAL_FLAT:g}x) {_verdict(flat)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
