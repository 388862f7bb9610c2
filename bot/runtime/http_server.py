"""The operator's HTTP endpoints, for every adapter: ``/healthz`` and ``/metrics`` (and the
pages features add to ``core.http_routes``, such as an e-mail's "Got it" link).

``/healthz`` answers 200 only when the bot can do its work: the database answers a round
trip, every attached platform's connection is up, and it says how many jobs are due and how
late the oldest is (a backlog an operator should see). Otherwise 503, with the same JSON
saying what is wrong. ``/metrics`` is Prometheus text: the core's counters and timings
(bot/runtime/metrics.py), the translation service's cache and provider figures and circuit states,
and the job queue's depth and age read from the database at scrape time.

prometheus-client and aiohttp's web server are imported only when this server starts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text

from bot.db.models import Job
from bot.runtime.metrics import DESCRIPTIONS, Histogram

if TYPE_CHECKING:
    from aiohttp import web

    from bot.runtime.core import Core

log = logging.getLogger(__name__)

#: a database that takes longer than this to answer ``SELECT 1`` is reported down
DATABASE_TIMEOUT_SECONDS = 3.0


async def job_backlog(core: Core) -> tuple[int, float]:
    """(jobs due now and not yet done, seconds the oldest of them is late)."""
    now = core.clock.now()
    async with core.db.read() as session:
        count, oldest = (await session.execute(select(func.count(), func.min(Job.run_at)).where(
            Job.status == "pending", Job.run_at <= now))).one()
    if not count or oldest is None:
        return 0, 0.0
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return int(count), max(0.0, (now - oldest).total_seconds())


async def health(core: Core) -> tuple[bool, dict[str, Any]]:
    """Whether the bot is ready, and the report /healthz shows."""
    report: dict[str, Any] = {}
    ready = True
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS):
            async with core.db.read() as session:
                await session.execute(text("SELECT 1"))
            due, late = await job_backlog(core)
        report["database"] = "ok"
        report["jobs"] = {"due": due, "oldest_due_seconds": round(late, 1)}
    except Exception as exc:  # any failure is "not ready", said in words, never a traceback
        ready = False
        report["database"] = f"unavailable ({type(exc).__name__})"
    platforms = core.platform_states()
    report["platforms"] = platforms
    if any(state != "ready" for state in platforms.values()):
        ready = False
    report["status"] = "ok" if ready else "unavailable"
    return ready, report


class _Collector:
    """Turns the bot's own numbers into Prometheus metric families at scrape time."""

    def __init__(self, core: Core, backlog: tuple[int, float] | None) -> None:
        self.core = core
        self.backlog = backlog

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

        metrics = self.core.metrics
        for name, series in sorted(metrics.counters.items()):
            keys = sorted({key for labels in series for key, _ in labels})
            family = CounterMetricFamily(name, DESCRIPTIONS.get(name, name), labels=keys)
            for labels, value in sorted(series.items()):
                shown = dict(labels)
                family.add_metric([shown.get(key, "") for key in keys], value)
            yield family
        for name, histograms in sorted(metrics.histograms.items()):
            keys = sorted({key for labels in histograms for key, _ in labels})
            family = HistogramMetricFamily(name, DESCRIPTIONS.get(name, name), labels=keys)
            for labels, histogram in sorted(histograms.items()):
                shown = dict(labels)
                family.add_metric([shown.get(key, "") for key in keys], histogram.cumulative(), histogram.total)
            yield family
        yield from self._translation()
        if self.backlog is not None:
            due, late = self.backlog
            yield GaugeMetricFamily("homeroom_jobs_due", "Jobs due now and not yet done.", value=due)
            yield GaugeMetricFamily("homeroom_jobs_oldest_due_seconds", "How late the oldest due job is.",
                                    value=late)

    def _translation(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

        translator = self.core.translator
        peek = getattr(translator, "peek", None)
        service = peek() if callable(peek) else translator  # a deferred service not built yet has no figures
        stats = getattr(service, "stats", None)
        if stats is None:
            return
        for field, help_text in (("hits", "Translations answered from the cache."),
                                 ("misses", "Translations not in the cache."),
                                 ("provider_calls", "Requests made to the translation provider."),
                                 ("failures", "Translations that failed (the original was shown)."),
                                 ("coalesced", "Readers who shared a translation already in flight.")):
            yield CounterMetricFamily(f"homeroom_translation_{field}", help_text, value=getattr(stats, field))
        timings = getattr(service, "provider_seconds", None)
        if isinstance(timings, Histogram):
            family = HistogramMetricFamily("homeroom_translation_seconds", DESCRIPTIONS["homeroom_translation_seconds"])
            family.add_metric([], timings.cumulative(), timings.total)
            yield family
        states = getattr(service, "breaker_states", None)
        if callable(states):
            family = GaugeMetricFamily("homeroom_translation_breaker_open",
                                       "1 while a provider's circuit is open (requests refused).", labels=["provider"])
            for provider, state in sorted(states().items()):
                family.add_metric([provider], 1.0 if state == "open" else 0.0)
            yield family


async def metrics_text(core: Core) -> bytes:
    """The Prometheus exposition of everything above."""
    from prometheus_client import CollectorRegistry, generate_latest

    try:
        backlog: tuple[int, float] | None = await job_backlog(core)
    except Exception:
        backlog = None  # the database is down: /healthz says so; the other figures still show
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector(core, backlog))  # type: ignore[arg-type]
    return generate_latest(registry)


class HttpServer:
    """The aiohttp server for the two endpoints, started and stopped with the bot."""

    def __init__(self, core: Core, host: str, port: int) -> None:
        self.core = core
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        from aiohttp import web

        async def healthz(request: web.Request) -> web.Response:
            ready, report = await health(self.core)
            return web.json_response(report, status=200 if ready else 503)

        async def metrics(request: web.Request) -> web.Response:
            body = await metrics_text(self.core)
            return web.Response(body=body, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})

        application = web.Application()
        application.router.add_get("/healthz", healthz)
        application.router.add_get("/metrics", metrics)
        for path, route in self.core.http_routes.items():
            application.router.add_get(path, self._page(route))
        return application

    @staticmethod
    def _page(route: Any) -> Any:
        from aiohttp import web

        async def page(request: web.Request) -> web.Response:
            status, html = await route(dict(request.query))
            return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")

        return page

    async def start(self) -> None:
        from aiohttp import web

        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.info("health and metrics on http://%s:%s/healthz and /metrics", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
