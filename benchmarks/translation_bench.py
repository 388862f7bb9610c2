"""Translation benchmark: one 600-character announcement into 12 languages against a local
provider that answers in 200 ms, as a ratio of one call (goal <= 1.3x; sequential would be
12x); the same again from cache (goal: 0 provider calls); and memory (RSS) of offline
detection with 6 and with 20 candidate languages, each measured in a fresh process.

    python benchmarks/translation_bench.py
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.clock import SystemClock  # noqa: E402
from bot.config import Secrets, TranslationSection  # noqa: E402
from bot.db.engine import Database  # noqa: E402
from bot.translation.service import TranslationService  # noqa: E402

TARGETS = ["es", "zh-CN", "vi", "ar", "ht", "so", "pt", "fr", "ko", "ru", "tl", "hmn"]
TEXT = ("Dear families, our class field trip to the science museum is next Friday. Please sign and return "
        "the permission slip by Wednesday, pack a lunch and a water bottle, and make sure your child wears "
        "comfortable shoes. The bus leaves at 8:30 and we will be back by 2:45. If you can chaperone, please "
        "react on the sign-up card in the announcements channel. Thank you for helping our students learn "
        "outside the classroom! Questions? Just send me a message in any language and I will answer soon.")[:600]

DETECT_SCRIPT = """
import os, psutil
from bot.translation.detection import Detector
langs = {langs!r}
d = Detector(0.25)
before = psutil.Process(os.getpid()).memory_info().rss
d.detect("My son will be absent tomorrow because he has a fever.", langs, "en")
after = psutil.Process(os.getpid()).memory_info().rss
print(after // (1024 * 1024), (after - before) // (1024 * 1024))
"""


PROVIDER_SCRIPT = """
import sys, time
from tests.translation.fake_providers import Behaviour, serve
behaviour = Behaviour(delay=0.2)
with serve("google", behaviour) as url:
    print(url, flush=True)
    sys.stdin.read()  # until the benchmark closes our standard input
    print(len(behaviour.requests), flush=True)
"""


def start_provider() -> tuple[subprocess.Popen[str], str]:
    """The provider runs in its own process, as a real one would: it must not share this
    process's interpreter lock with the bot being measured."""
    provider = subprocess.Popen([sys.executable, "-c", PROVIDER_SCRIPT], cwd=ROOT, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
    assert provider.stdout is not None
    return provider, provider.stdout.readline().strip()


async def translation_figures(url: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        await db.create_all()
        service = TranslationService(TranslationSection(max_concurrency=16), Secrets(), db, SystemClock(),
                                     base_urls={"google": url})
        # A running bot has warm database connections and worker threads: warm them the same way.
        await asyncio.gather(*(service.translate("Warm-up.", lang, source="en") for lang in TARGETS))
        baselines = []
        for n in range(3):  # the median of three single calls
            start = time.perf_counter()
            await service.translate(f"Baseline {n}: one call.", "es", source="en")
            baselines.append(time.perf_counter() - start)
        one_call = sorted(baselines)[1]
        calls_before = service.stats.provider_calls
        start = time.perf_counter()
        results = await asyncio.gather(*(service.translate(TEXT, lang, source="en") for lang in TARGETS))
        fan_out = time.perf_counter() - start
        fan_out_calls = service.stats.provider_calls - calls_before
        start = time.perf_counter()
        cached = await asyncio.gather(*(service.translate(TEXT, lang, source="en") for lang in TARGETS))
        from_cache = time.perf_counter() - start
        cache_calls = service.stats.provider_calls - calls_before - fan_out_calls
        await service.close()
        await db.dispose()
    assert all(r.ok for r in results) and all(r.cached for r in cached)
    print(f"one provider call:                 {one_call * 1000:7.1f} ms (baseline)")
    print(f"600 chars into {len(TARGETS)} languages:      {fan_out * 1000:7.1f} ms = "
          f"{fan_out / one_call:.2f}x one call (goal <= 1.3x; sequential would be {len(TARGETS)}x), "
          f"{fan_out_calls} provider calls")
    print(f"the same again from cache:         {from_cache * 1000:7.1f} ms = {from_cache / one_call:.2f}x one call, "
          f"{cache_calls} provider calls (goal 0)")


def detection_figures() -> None:
    six = ["en", "es", "zh-CN", "vi", "ar", "fr"]
    twenty = [*six, "pt", "ko", "ru", "tl", "so", "de", "it", "pl", "uk", "fa", "hi", "ja", "tr", "sw"]
    for langs in (six, twenty):
        output = subprocess.run([sys.executable, "-c", DETECT_SCRIPT.format(langs=langs)], capture_output=True,
                                text=True, cwd=ROOT, check=True).stdout.split()
        print(f"detection RSS with {len(langs):2} candidate languages: {output[0]} MB total "
              f"({output[1]} MB for the detector)")


if __name__ == "__main__":
    process, address = start_provider()
    try:
        asyncio.run(translation_figures(address))
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=10)
    detection_figures()
