"""Slack benchmark: how fast a signed slash command is acknowledged while the translator is
slow, against a bare slack-bolt app served the same way, measured in the same run.

The project side is the Slack adapter's own ``web_app()`` (slack-bolt's AsyncApp behind
aiohttp, as ``homeroom run`` serves it) on a core with every cog, config.example.toml as
shipped, and the real translation service whose provider (a local Google-shaped server in its
own process) answers every request after 10 s. Each request is a family's ``/ask`` in Spanish,
which the relay translates for the teacher after the acknowledgement. The baseline is a bare
AsyncApp whose ``/ask`` listener only acknowledges, behind the same aiohttp server, signed
with the same secret. Requests go 20 at a time over real HTTP; a run is 10 waves for each
side, interleaved; the figure per run is p99 (project) / p99 (bare). Goal <= 1.2x.

Then one announcement to 1,000 families through the real announcements cog, delivery service
and translation service (console adapter; the local provider answers at once) under asyncio debug mode with
``loop.slow_callback_duration = 0.05``: the number of callbacks asyncio reported as slower
than 50 ms (goal 0), per run.

    python benchmarks/slack_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request  # noqa: E402
from slack_bolt.async_app import AsyncApp  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from adapters.slack import SlackAdapter  # noqa: E402
from bot.app import build_core  # noqa: E402
from bot.config import Secrets, load_config  # noqa: E402
from bot.db.engine import Database  # noqa: E402
from bot.translation.service import TranslationService  # noqa: E402
from bot.util.clock import SystemClock  # noqa: E402
from tests.slack.fake_api import CHANNELS, FakeSlack  # noqa: E402
from tests.slack.harness import SECRET, TEAM, signed_headers  # noqa: E402

GOAL_RATIO = 1.2
CONCURRENT = 20
WAVES = 10
PROVIDER_SECONDS = 10.0

PROVIDER_SCRIPT = """
import sys
from tests.translation.fake_providers import Behaviour, serve
with serve("google", Behaviour(delay=float(sys.argv[1]))) as url:
    print(url, flush=True)
    sys.stdin.read()
"""


@contextmanager
def provider(delay: float) -> Iterator[str]:
    """A local Google-shaped provider in its own process answering after ``delay`` s; its URL."""
    child = subprocess.Popen([sys.executable, "-c", PROVIDER_SCRIPT, str(delay)], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        yield child.stdout.readline().strip()
    finally:
        if child.stdin:
            child.stdin.close()
        child.wait(timeout=30)


def _spread(values: list[float], fmt: str) -> str:
    return "/".join(format(v, fmt) for v in (min(values), statistics.median(values), max(values)))


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Served as the adapter serves itself (aiohttp AppRunner + TCPSite), on 127.0.0.1."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/slack/events"


def _bare_app(api: str) -> web.Application:
    bolt = AsyncApp(client=AsyncWebClient(token="xoxb-bench", base_url=api), signing_secret=SECRET,
                    request_verification_enabled=True)

    @bolt.command("/ask")
    async def ask(ack, body):  # type: ignore[no-untyped-def]
        await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    application = web.Application()
    application.router.add_post("/slack/events", events)
    return application


def _ask(user_id: str, api_root: str) -> str:
    return urlencode({"token": "x", "team_id": TEAM, "team_domain": "school", "channel_id": CHANNELS["general"],
                      "channel_name": "general", "user_id": user_id, "user_name": user_id, "command": "/ask",
                      "text": f'text:"¿Puede Sam salir temprano el viernes? ({uuid.uuid4().hex[:6]})"',
                      "api_app_id": "A1", "response_url": f"{api_root}response/{user_id}-{uuid.uuid4().hex[:8]}",
                      "trigger_id": f"trig.{uuid.uuid4().hex}"})


async def _waves(http: aiohttp.ClientSession, url: str, users: list[str], api_root: str) -> list[float]:
    """Ack times of ``WAVES`` waves of ``CONCURRENT`` simultaneous signed /ask requests."""
    times: list[float] = []

    async def one(user_id: str) -> None:
        body = _ask(user_id, api_root)
        headers = signed_headers(body, content_type="application/x-www-form-urlencoded")
        start = time.perf_counter()
        async with http.post(url, data=body.encode(), headers=headers) as response:
            await response.read()
            if response.status != 200:
                raise SystemExit(f"slash command answered {response.status}")
        times.append(time.perf_counter() - start)

    for wave in range(WAVES):
        await asyncio.gather(*(one(users[(wave * CONCURRENT + n) % len(users)]) for n in range(CONCURRENT)))
    return times


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


async def ack_ratios(runs: int, provider_url: str) -> list[tuple[float, float]]:
    config = load_config(ROOT / "config.example.toml")
    fake = FakeSlack()
    fake.add_user("UBOT", "Homeroom", is_bot=True)
    fake.add_user("UTEACHER", "Ms Lee")
    config.section("slack").teacher_users.append("UTEACHER")
    users = [f"UFAM{n:03d}" for n in range(CONCURRENT * WAVES)]
    for user_id in users:
        fake.add_user(user_id, f"Family {user_id}", locale="es-ES")
    await fake.start()
    results: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'slack.db'}")
        await db.create_all()
        clock = SystemClock()
        translator = TranslationService(config.translation, Secrets(), db, clock, config=config,
                                        base_urls={"google": provider_url})
        await translator.warm()
        core = build_core(config, secrets=Secrets(slack_bot_token="xoxb-bench", slack_signing_secret=SECRET),
                          db=db, clock=clock, translator=translator)
        adapter = SlackAdapter(core, base_url=f"{fake.url}api/")
        await core.start()
        await adapter.bot_user_id()
        await core.platform_ready("slack")
        project, project_url = await _serve(adapter.web_app())
        bare, bare_url = await _serve(_bare_app(f"{fake.url}api/"))
        async with aiohttp.ClientSession() as http:
            body = _ask("UTEACHER", fake.url).replace("%2Fask", "%2Fhelp")  # the teacher is met first
            async with http.post(project_url, data=body.encode(), headers=signed_headers(
                    body, content_type="application/x-www-form-urlencoded")) as response:
                assert response.status == 200
            await asyncio.sleep(1)
            await _waves(http, bare_url, users, fake.url)  # warm-up: connections, first requests
            await _waves(http, project_url, users, fake.url)
            for _ in range(runs):
                bare_p99 = _p99(await _waves(http, bare_url, users, fake.url))
                project_p99 = _p99(await _waves(http, project_url, users, fake.url))
                results.append((project_p99, bare_p99))
        await adapter.stop()
        await project.cleanup()
        await bare.cleanup()
        await translator.close()
        await db.dispose()
    await fake.close()
    return results


class _SlowCallbacks(logging.Handler):
    """Counts asyncio's "Executing <...> took N seconds" warnings (debug mode)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.worst = ""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Executing") and " took " in message:
            self.count += 1
            self.worst = message[:300]


async def _announce(families: int, provider_url: str) -> None:
    from benchmarks.announcing import room

    config = load_config(ROOT / "config.example.toml")
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'translations.db'}")
        await db.create_all()
        translator = TranslationService(config.translation, Secrets(), db, SystemClock(), config=config,
                                        base_urls={"google": provider_url})
        await translator.warm()  # as a platform start does, before traffic
        async with room(families, translator, db) as r:
            loop = asyncio.get_running_loop()
            loop.set_debug(True)
            loop.slow_callback_duration = 0.05
            await r.announce()
            loop.set_debug(False)
        await translator.close()
        await db.dispose()


def slow_callbacks(families: int, provider_url: str) -> tuple[int, str]:
    handler = _SlowCallbacks()
    logger = logging.getLogger("asyncio")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False  # counted here, not printed one by one
    try:
        asyncio.run(_announce(families, provider_url))
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return handler.count, handler.worst


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--families", type=int, default=1000)
    args, _ = parser.parse_known_args()
    runs = max(5, args.runs)
    logging.basicConfig(level=logging.ERROR)
    print(f"[slack] config.example.toml as shipped; changed: database.url -> a temporary SQLite file, "
          f"deep-translator's Google endpoint -> a local server answering after {PROVIDER_SECONDS:g} s")
    with provider(PROVIDER_SECONDS) as url:
        results = asyncio.run(ack_ratios(runs, url))
    ratios = [p / b for p, b in results]
    ok_ack = statistics.median(ratios) <= GOAL_RATIO
    print(f"slash command ack p99, {CONCURRENT} concurrent x {WAVES} waves, translator taking "
          f"{PROVIDER_SECONDS:g} s: {_spread([p * 1000 for p, _ in results], '.1f')} ms vs bare bolt "
          f"{_spread([b * 1000 for _, b in results], '.1f')} ms = {_spread(ratios, '.2f')}x (min/median/max of "
          f"{runs} runs; goal: median <= {GOAL_RATIO}x) {_verdict(ok_ack)}")
    counts = []
    worst = ""
    with provider(0.0) as url:
        found = [slow_callbacks(args.families, url) for _ in range(runs)]
    for count, message in found:
        counts.append(count)
        worst = message or worst
    ok_slow = max(counts) == 0
    print(f"announcement to {args.families} families (real translation service, local provider answering at once) "
          f"under asyncio debug (slow_callback_duration 0.05 s): "
          f"callbacks over 50 ms {_spread([float(c) for c in counts], '.0f')} (min/median/max of {runs} runs; "
          f"goal 0) {_verdict(ok_slow)}")
    if worst:
        print(f"  slowest reported: {worst}")
    return 0 if ok_ack and ok_slow else 1


if __name__ == "__main__":
    sys.exit(main())
