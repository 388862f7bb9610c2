"""The translation service: every translation in Homeroom goes through here.

deep-translator is synchronous and sets no timeouts, so calls run in a bounded thread pool
with bounded concurrency. Each translation has one deadline, ``timeout_seconds`` from its
start, shared by every request and retry it makes (each request's own timeout, and the
socket timeout of the worker's requests, is what is left of it), so a silent provider costs
a caller at most that long in total. A 429, a 5xx, a timeout or a dropped connection is
retried with backoff (tenacity) while the deadline allows; a provider that cannot be reached
at all (unknown host, connection refused) is not retried: that does not fix itself in a
second, and the circuit breaker, which counts every failed request, takes over. Long text
is split under each provider's limits; mentions, links, emoji, code, placeholders and
glossary terms are masked and restored exactly. Results are cached in memory (LRU) and in
the database, so a repeated text costs no provider call, and callers that miss the cache
for the same text at the same moment (one announcement to 120 families in 12 languages)
share one translation: provider calls follow distinct (text, language) pairs, not readers.
A failure returns the original text with ``ok=False``: callers deliver it with a note,
never drop it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import wraps
from typing import Any

import requests
from deep_translator import exceptions as dt_errors
from sqlalchemy import select, update
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, wait_exponential_jitter
from urllib3.exceptions import NewConnectionError

from bot.config import Config, Secrets, TranslationSection
from bot.db.engine import Database
from bot.i18n import languages
from bot.runtime.metrics import Histogram
from bot.translation import TranslationResult
from bot.translation.breaker import CircuitBreaker
from bot.translation.detection import Detector
from bot.translation.masking import mask, unmask
from bot.translation.masking import prepare as prepare_masking
from bot.translation.models import CachedTranslation, GlossaryTerm
from bot.translation.providers import Provider, build_provider
from bot.translation.splitting import split_text
from bot.util.clock import Clock

log = logging.getLogger(__name__)

_worker_timeout = threading.local()
_patch_lock = threading.Lock()
_patched = False


def _install_request_timeout() -> None:
    """Give requests made from our worker threads a socket timeout (deep-translator sets
    none), so a silent server cannot hold a worker forever. Other threads are untouched."""
    global _patched
    with _patch_lock:
        if _patched:
            return
        original = requests.sessions.Session.request

        @wraps(original)
        def request(self: Any, method: str, url: str, **kwargs: Any) -> Any:
            timeout = getattr(_worker_timeout, "seconds", None)
            if timeout is not None and kwargs.get("timeout") is None:
                kwargs["timeout"] = timeout
            return original(self, method, url, **kwargs)

        requests.sessions.Session.request = request  # type: ignore[method-assign]
        _patched = True


class ProviderUnavailable(Exception):
    """The provider's circuit is open: no request was made."""


_RETRYABLE = (dt_errors.TooManyRequests, dt_errors.RequestError, dt_errors.ServerException, TimeoutError,
              requests.exceptions.ConnectionError, requests.exceptions.Timeout)


def _unreachable(exc: BaseException) -> bool:
    """No connection could be made at all: the name does not resolve or the port refuses.
    requests wraps urllib3's NewConnectionError (NameResolutionError is one) in a
    MaxRetryError in its ConnectionError; a dropped or reset connection is not this."""
    if isinstance(exc, requests.exceptions.Timeout):
        return False  # a connect timeout is a slow network, retried while the deadline allows
    if isinstance(exc, ConnectionError):  # the built-in family: ConnectionRefusedError and kin
        return True
    current: BaseException | None = exc
    for _ in range(6):  # requests → MaxRetryError → NewConnectionError; never a long chain
        if current is None:
            break
        if isinstance(current, NewConnectionError):
            return True
        reason = getattr(current, "reason", None)
        nested = [arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException)]
        current = reason if isinstance(reason, BaseException) else (nested[0] if nested else current.__cause__)
    return False


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, _RETRYABLE) and not _unreachable(exc)


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    provider_calls: int = 0
    failures: int = 0
    coalesced: int = 0  # readers who shared a translation already in flight

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


def cache_key(text: str, source: str, target: str, provider: str) -> str:
    digest = hashlib.sha256()
    for part in (provider, source, target, text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


class TranslationService:
    """Implements :class:`bot.translation.Translator`."""

    def __init__(
        self,
        settings: TranslationSection,
        secrets: Secrets,
        db: Database,
        clock: Clock,
        *,
        config: Config | None = None,
        base_urls: Mapping[str, str] | None = None,
        retry_wait_seconds: float = 0.5,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.secrets = secrets
        self.db = db
        self.clock = clock
        self.config = config
        self.base_urls = dict(base_urls or {})
        self.retry_wait_seconds = retry_wait_seconds
        self.monotonic = monotonic  # the deadline's clock; tests pass a fake one
        self.sleep = sleep  # the backoff's sleep, on the same clock
        self.stats = CacheStats()
        #: how long provider requests take (for /metrics)
        self.provider_seconds = Histogram()
        self._inflight: dict[str, asyncio.Task[TranslationResult]] = {}
        self._memory: OrderedDict[str, str] = OrderedDict()
        self._writes: dict[str, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._lookups: dict[str, list[asyncio.Future[str | None]]] = {}
        self._lookup_task: asyncio.Task[None] | None = None
        self._providers: dict[str, Provider] = {}
        self._breakers: dict[str, CircuitBreaker] = {}
        self._semaphore = asyncio.Semaphore(settings.max_concurrency)
        # Twice the concurrency: abandoned (timed-out) workers can finish while new calls run.
        self._pool = ThreadPoolExecutor(max_workers=settings.max_concurrency * 2, thread_name_prefix="translate")
        self.detector = Detector(settings.detection_min_relative_distance)
        # Built now, off the event loop, so the first family's message does not pay for it.
        self._detector_ready = threading.Thread(target=self._prepare, name="detector-build", daemon=True)
        self._detector_ready.start()
        _install_request_timeout()

    def _prepare(self) -> None:
        """What the first detection would otherwise build in the event loop: the detector
        (with its first detection) and the emoji tokenizer's search tree."""
        self.detector.build()
        prepare_masking()

    async def warm(self) -> None:
        """Wait until the language detector is built (it starts building with the service)."""
        await asyncio.to_thread(self._detector_ready.join)

    async def flush(self) -> None:
        """Wait for the cache writes and hit counts still in flight (they run off the
        caller's path), so what was translated is in the persistent cache."""
        if self._writes or self._background:
            await asyncio.gather(*self._writes.values(), *self._background, return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._inflight.values()):
            task.cancel()
        if self._inflight:
            await asyncio.gather(*self._inflight.values(), return_exceptions=True)
        await self.flush()
        self._pool.shutdown(wait=False, cancel_futures=True)

    # ----- providers -----------------------------------------------------------------------
    async def provider_for(self, community_id: int | None) -> Provider:
        name = self.settings.provider
        if community_id is not None and self.config is not None and self.config.communities:
            from bot.db.models import Community

            try:
                async with self.db.read() as session:
                    community = await session.get(Community, community_id)
            except Exception:  # the database is unreadable: the default provider still works
                log.warning("could not read community %s; using the default provider", community_id, exc_info=True)
                community = None
            if community is not None:
                name = self.config.community(community.key).translation_provider or name
        if name not in self._providers:
            self._providers[name] = build_provider(name, self.settings, self.secrets, self.base_urls)
            self._breakers[name] = CircuitBreaker(self.settings.breaker_failures, self.settings.breaker_reset_seconds)
        return self._providers[name]

    def breaker(self, provider: str) -> CircuitBreaker:
        return self._breakers[provider]

    def _call_blocking(self, provider: Provider, source: str | None, target: str, text: str,
                       timeout: float) -> str:
        _worker_timeout.seconds = timeout
        try:
            result = provider.client(source, target).translate(text)
        finally:
            _worker_timeout.seconds = None
        if not isinstance(result, str) or (text.strip() and not result.strip()):
            raise dt_errors.TranslationNotFound(text)
        return result

    async def _attempt(self, provider: Provider, source: str | None, target: str, text: str,
                       deadline: float) -> str:
        """One provider request, given whatever is left of the translation's deadline."""
        loop = asyncio.get_running_loop()
        async with self._semaphore:
            remaining = deadline - self.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{provider.name} did not answer in {self.settings.timeout_seconds}s")
            self.stats.provider_calls += 1
            future = loop.run_in_executor(self._pool, self._call_blocking, provider, source, target, text, remaining)
            started = self.monotonic()
            try:
                return await asyncio.wait_for(future, timeout=remaining)
            except TimeoutError:
                raise TimeoutError(f"{provider.name} did not answer in {self.settings.timeout_seconds}s") from None
            finally:
                self.provider_seconds.observe(self.monotonic() - started)

    def breaker_states(self) -> dict[str, str]:
        """Each provider's circuit: "closed", "open" or "half-open" (for /metrics)."""
        return {name: breaker.state for name, breaker in self._breakers.items()}

    async def _attempt_through_breaker(self, provider: Provider, source: str | None, target: str, text: str,
                                       deadline: float) -> str:
        """The breaker sees every request, so five refused connections open it, not five
        translations of four requests each."""
        breaker = self._breakers[provider.name]
        if not breaker.allow():
            raise ProviderUnavailable("provider temporarily unavailable (circuit open)")
        try:
            result = await self._attempt(provider, source, target, text, deadline)
        except asyncio.CancelledError:
            breaker.abandon()  # a cancelled trial call decides nothing; the next caller may try
            raise
        except Exception:
            breaker.failure()
            raise
        breaker.success()
        return result

    async def _call_with_retries(self, provider: Provider, source: str | None, target: str, text: str,
                                 deadline: float) -> str:
        def past_deadline(state: RetryCallState) -> bool:
            return self.monotonic() + state.upcoming_sleep >= deadline

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.retries + 1) | past_deadline,
            wait=wait_exponential_jitter(multiplier=self.retry_wait_seconds, max=8, jitter=self.retry_wait_seconds),
            retry=retry_if_exception(_is_retryable),
            sleep=self.sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._attempt_through_breaker(provider, source, target, text, deadline)
        raise AssertionError("unreachable")

    # ----- glossary and cache --------------------------------------------------------------
    async def glossary(self, community_id: int | None) -> list[str]:
        if community_id is None:
            return []
        async with self.db.read() as session:
            return list((await session.scalars(
                select(GlossaryTerm.term).where(GlossaryTerm.community_id == community_id))).all())

    def _remember(self, key: str, text: str) -> None:
        if self.settings.cache_memory_entries <= 0:
            return
        self._memory[key] = text
        self._memory.move_to_end(key)
        while len(self._memory) > self.settings.cache_memory_entries:
            self._memory.popitem(last=False)

    def forget_memory(self) -> None:
        """Drop the in-memory layer (after a privacy erasure of cached rows)."""
        self._memory.clear()

    async def _cached(self, key: str) -> str | None:
        if key in self._memory:
            self._memory.move_to_end(key)
            return self._memory[key]
        # Never wait here for a cache write (ours or a hit count): the caller may be inside a
        # write transaction (a card rendered while it is stored), and on SQLite that write would
        # wait for the very lock the caller holds.
        try:
            text = await self._lookup(key)
        except Exception:
            log.warning("translation cache unreadable; treating it as a miss", exc_info=True)
            return None
        if text is None:
            return None
        self._in_background(self._count_hit(key))
        self._remember(key, text)
        return text

    async def _count_hit(self, key: str) -> None:
        try:
            async with self.db.write() as session:
                await session.execute(update(CachedTranslation).where(CachedTranslation.key == key)
                                      .values(hits=CachedTranslation.hits + 1, last_used_at=self.clock.now()))
        except Exception:
            log.debug("could not record a cache hit", exc_info=True)

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _lookup(self, key: str) -> str | None:
        """Look a key up in the persistent cache. Look-ups made in the same moment (one
        announcement into twelve languages) share one query instead of twelve."""
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self._lookups.setdefault(key, []).append(future)
        if self._lookup_task is None:
            self._lookup_task = asyncio.create_task(self._run_lookups())
        return await future

    async def _run_lookups(self) -> None:
        await asyncio.sleep(0)  # let the callers of this moment queue their keys
        batch, self._lookups, self._lookup_task = self._lookups, {}, None
        try:
            async with self.db.read() as session:
                rows = dict((await session.execute(select(CachedTranslation.key, CachedTranslation.text)
                                                   .where(CachedTranslation.key.in_(list(batch))))).all())
        except Exception as exc:
            for futures in batch.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(exc)
            return
        for key, futures in batch.items():
            for future in futures:
                if not future.done():
                    future.set_result(rows.get(key))

    def _store_later(self, key: str, provider: str, source: str, target: str, text: str,
                     community_id: int | None, owner_member_id: int | None) -> None:
        """Remember now; write the persistent cache off the caller's path (a reader should not
        wait for a cache write, and SQLite serialises writes)."""
        self._remember(key, text)
        task = asyncio.create_task(self._store(key, provider, source, target, text, community_id, owner_member_id))
        self._writes[key] = task
        task.add_done_callback(lambda _: self._writes.pop(key, None))

    async def _store(self, key: str, provider: str, source: str, target: str, text: str,
                     community_id: int | None, owner_member_id: int | None) -> None:
        builder = self.db.insert
        now = self.clock.now()
        values = {"key": key, "provider": provider, "source": source, "target": target, "text": text, "hits": 0,
                  "owner_member_id": owner_member_id, "community_id": community_id, "created_at": now,
                  "last_used_at": now}

        async def _insert(session: Any) -> None:
            await session.execute(builder(CachedTranslation).values(**values)
                                  .on_conflict_do_nothing(index_elements=["key"]))

        try:
            await self.db.write_retrying(_insert)
        except Exception:
            log.warning("could not store a translation in the cache", exc_info=True)

    # ----- the Translator interface ----------------------------------------------------------
    async def translate(self, text: str, target: str, *, source: str | None = None,
                        community_id: int | None = None, owner_member_id: int | None = None) -> TranslationResult:
        target = languages.normalize(target) or target
        source = languages.normalize(source) if source else None
        if source is not None and languages.base(source) == languages.base(target) and source[:2] != "zh":
            return TranslationResult(text=text, ok=True, target=target, source=source, provider="none")
        if source == target or not text.strip():
            return TranslationResult(text=text, ok=True, target=target, source=source, provider="none")
        provider = await self.provider_for(community_id)
        key = cache_key(text, source or "auto", target, provider.name)
        if key in self._memory:
            self._memory.move_to_end(key)
            self.stats.hits += 1
            return TranslationResult(text=self._memory[key], ok=True, target=target, source=source,
                                     provider=provider.name, cached=True)
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(self._resolve(key, provider, text, source, target, community_id,
                                                     owner_member_id))
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._settled(key, done))
        else:
            self.stats.coalesced += 1
        # Shielded: one reader giving up (a cancelled handler) must not cancel the others' result.
        return await asyncio.shield(task)

    async def cached(self, text: str, target: str, *, source: str | None = None) -> str | None:
        target = languages.normalize(target) or target
        source = languages.normalize(source) if source else None
        provider = await self.provider_for(None)
        return await self._cached(cache_key(text, source or "auto", target, provider.name))

    def _settled(self, key: str, task: asyncio.Task[TranslationResult]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]

    async def _resolve(self, key: str, provider: Provider, text: str, source: str | None, target: str,
                       community_id: int | None, owner_member_id: int | None) -> TranslationResult:
        """The one translation every concurrent reader of ``key`` shares: cache, then provider."""
        deadline = self.monotonic() + self.settings.timeout_seconds
        cached = await self._cached(key)
        if cached is not None:
            self.stats.hits += 1
            return TranslationResult(text=cached, ok=True, target=target, source=source, provider=provider.name,
                                     cached=True)
        self.stats.misses += 1
        try:
            translated = await self._translate_text(provider, text, source, target, community_id, deadline)
        except ProviderUnavailable as exc:
            self.stats.failures += 1
            return TranslationResult(text=text, ok=False, target=target, source=source, provider=provider.name,
                                     error=str(exc))
        except Exception as exc:
            self.stats.failures += 1
            log.warning("translation via %s to %s failed: %s", provider.name, target, type(exc).__name__)
            return TranslationResult(text=text, ok=False, target=target, source=source, provider=provider.name,
                                     error=f"{type(exc).__name__}: {exc}"[:300])
        self._store_later(key, provider.name, source or "auto", target, translated, community_id, owner_member_id)
        return TranslationResult(text=translated, ok=True, target=target, source=source, provider=provider.name)

    async def _translate_text(self, provider: Provider, text: str, source: str | None, target: str,
                              community_id: int | None, deadline: float) -> str:
        masked = mask(text, await self.glossary(community_id))
        chunks = split_text(masked.text, provider.max_chars, provider.max_cjk)

        async def _one(chunk: str) -> str:
            if not chunk.strip() or all(not ch.isalpha() for ch in _strip_tokens(chunk)):
                return chunk  # only tokens, numbers and punctuation: nothing to translate
            leading = chunk[:len(chunk) - len(chunk.lstrip())]
            trailing = chunk[len(chunk.rstrip()):]
            return leading + await self._call_with_retries(provider, source, target, chunk.strip(),
                                                           deadline) + trailing

        translated = await asyncio.gather(*(_one(chunk) for chunk, _ in chunks))
        joined = "".join(part + sep for part, (_, sep) in zip(translated, chunks, strict=True))
        return unmask(joined, masked)

    async def detect(self, text: str, *, candidates: Iterable[str], fallback: str) -> str:
        masked = mask(text)
        plain = _strip_tokens(masked.text)
        return await asyncio.to_thread(self.detector.detect, plain, list(candidates), fallback)


def _strip_tokens(text: str) -> str:
    import re

    return re.sub(r"⟦\d+⟧", " ", text)
