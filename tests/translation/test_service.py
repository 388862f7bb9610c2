"""The translation service through deep-translator's real clients and a local fake provider."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import OperationalError

from bot.config import Secrets, TranslationSection
from bot.db.engine import Database
from bot.translation.service import TranslationService
from bot.util.clock import ManualClock
from tests.translation.fake_providers import Behaviour, serve

START = datetime(2026, 9, 7, 12, 0, tzinfo=UTC)


def settings(**overrides: object) -> TranslationSection:
    base = {"provider": "google", "timeout_seconds": 1.0, "retries": 2, "breaker_failures": 3,
            "breaker_reset_seconds": 60.0}
    base.update(overrides)
    return TranslationSection(**base)  # type: ignore[arg-type]


@pytest.fixture
def behaviour() -> Behaviour:
    return Behaviour()


@pytest.fixture
def google_url(behaviour: Behaviour) -> Iterator[str]:
    with serve("google", behaviour) as url:
        yield url


@pytest.fixture
async def service(sqlite_db: Database, google_url: str) -> AsyncIterator[TranslationService]:
    svc = TranslationService(settings(), Secrets(), sqlite_db, ManualClock(START), base_urls={"google": google_url},
                             retry_wait_seconds=0.01)
    yield svc
    await svc.close()


async def test_google_html_page_is_read(service: TranslationService, behaviour: Behaviour) -> None:
    result = await service.translate("The field trip is on Friday.", "es", source="en")
    assert result.ok
    assert result.text == "[es] The field trip is on Friday."
    assert behaviour.requests[0]["tl"] == "es"


async def test_libre_json_api_is_read(sqlite_db: Database) -> None:
    behaviour = Behaviour()
    with serve("libre", behaviour) as url:
        svc = TranslationService(settings(provider="libre", libre_url=url), Secrets(), sqlite_db, ManualClock(START))
        result = await svc.translate("Picture day is Monday.", "fr", source="en")
        await svc.close()
    assert result.ok and result.text == "[fr] Picture day is Monday."
    assert behaviour.requests[0]["target"] == "fr"


async def test_same_language_costs_no_call(service: TranslationService, behaviour: Behaviour) -> None:
    result = await service.translate("Hello", "en", source="en")
    assert result.ok and result.text == "Hello"
    assert behaviour.requests == []


async def test_hanging_provider_times_out_while_the_loop_keeps_ticking(
        service: TranslationService, behaviour: Behaviour) -> None:
    behaviour.script = ["hang"] * 3
    behaviour.hang_seconds = 2.5
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    task = asyncio.create_task(ticker())
    result = await service.translate("Are you there?", "es", source="en")
    task.cancel()
    assert not result.ok
    assert result.text == "Are you there?"
    assert "TimeoutError" in (result.error or "")
    assert ticks >= 10  # the event loop was never blocked
    workers = [t for t in threading.enumerate() if t.name.startswith("translate")]
    assert len(workers) <= 2 * service.settings.max_concurrency  # a bounded pool, never one thread per hang


async def test_429_is_retried_then_succeeds(service: TranslationService, behaviour: Behaviour) -> None:
    behaviour.script = ["429", "429"]
    result = await service.translate("Snacks needed", "vi", source="en")
    assert result.ok and result.text == "[vi] Snacks needed"
    assert len(behaviour.requests) == 3


async def test_persistent_500_gives_the_original_marked_failed(service: TranslationService,
                                                               behaviour: Behaviour) -> None:
    behaviour.script = ["500"] * 10
    result = await service.translate("School closes early", "ko", source="en")
    assert not result.ok
    assert result.text == "School closes early"
    assert len(behaviour.requests) == 3  # one try + two retries


async def test_connection_refused_fails_cleanly(sqlite_db: Database) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    svc = TranslationService(settings(retries=0), Secrets(), sqlite_db, ManualClock(START),
                             base_urls={"google": f"http://127.0.0.1:{port}/"})
    result = await svc.translate("Hello families", "es", source="en")
    await svc.close()
    assert not result.ok and result.text == "Hello families"
    assert "ConnectionError" in (result.error or "")


async def test_malformed_body_fails_cleanly(service: TranslationService, behaviour: Behaviour) -> None:
    behaviour.script = ["garbage"] * 5
    result = await service.translate("Lunch menu", "ar", source="en")
    assert not result.ok and result.text == "Lunch menu"


async def test_long_text_is_split_under_the_google_limit(service: TranslationService, behaviour: Behaviour) -> None:
    sentence = "Please remember to send a signed permission slip with your child by Thursday. "
    text = sentence * 80  # about 6,300 characters
    result = await service.translate(text, "es", source="en")
    assert result.ok
    assert len(behaviour.requests) >= 2
    assert all(len(r["q"]) < 5000 for r in behaviour.requests)
    assert result.text.count("Please remember") == 80


async def test_cjk_text_is_split_under_the_cjk_limit(service: TranslationService, behaviour: Behaviour) -> None:
    text = "请记得星期四之前交回签好的同意书。" * 112  # 1,904 CJK characters
    result = await service.translate(text, "en", source="zh-CN")
    assert result.ok
    assert len(behaviour.requests) >= 2
    assert all(len(r["q"]) <= 1500 for r in behaviour.requests)


async def test_cache_hit_makes_no_request(db: Database, google_url: str, behaviour: Behaviour) -> None:
    svc = TranslationService(settings(), Secrets(), db, ManualClock(START), base_urls={"google": google_url})
    first = await svc.translate("Book fair next week", "so", source="en")
    await svc.flush()  # the cache write runs off the caller's path
    svc.forget_memory()  # the database layer alone must answer
    second = await svc.translate("Book fair next week", "so", source="en")
    await svc.close()
    assert first.ok and second.ok and second.cached
    assert second.text == first.text
    assert len(behaviour.requests) == 1


async def test_breaker_opens_and_fails_fast(service: TranslationService, behaviour: Behaviour) -> None:
    behaviour.script = ["500"] * 100
    for n in range(3):
        await service.translate(f"message {n}", "es", source="en")
    calls = len(behaviour.requests)
    result = await service.translate("one more", "es", source="en")
    assert not result.ok and "circuit open" in (result.error or "")
    assert len(behaviour.requests) == calls


async def test_breaker_lets_a_trial_through_after_reset(service: TranslationService, behaviour: Behaviour) -> None:
    breaker_clock = [0.0]
    behaviour.script = ["500"] * 3  # one translation's three requests open the breaker
    await service.translate("message", "es", source="en")
    breaker = service.breaker("google")
    assert breaker.state == "open"
    breaker.clock = lambda: breaker_clock[0]
    breaker.opened_at = 0.0
    breaker_clock[0] = 61.0
    result = await service.translate("back again", "es", source="en")
    assert result.ok and breaker.state == "closed"


async def test_mentions_links_and_emoji_reach_the_reader_untouched(service: TranslationService,
                                                                   behaviour: Behaviour) -> None:
    text = "Hi <@123> 🚌 see https://school.example/trip or mail office@school.example `code` {name}"
    result = await service.translate(text, "es", source="en")
    for kept in ("<@123>", "🚌", "https://school.example/trip", "office@school.example", "`code`", "{name}"):
        assert kept in result.text
        assert kept not in behaviour.requests[0]["q"]


async def test_a_cached_translation_is_served_inside_a_write_transaction(db: Database, google_url: str) -> None:
    """A card rendered while it is being stored: on SQLite the caller holds the only write
    lock, so the cache must answer without writing (hits are counted afterwards)."""
    svc = TranslationService(settings(), Secrets(), db, ManualClock(START), base_urls={"google": google_url})
    await svc.translate("Snack sign-up", "ar", source="en")
    await svc.flush()  # the stored copy is written
    svc.forget_memory()
    async with db.write():
        inside = await asyncio.wait_for(svc.translate("Snack sign-up", "ar", source="en"), timeout=30)
    await svc.close()
    assert inside.ok and inside.cached


async def test_an_unreadable_cache_falls_back_to_the_provider(service: TranslationService,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(key: str) -> None:
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(service, "_lookup", broken)
    result = await service.translate("Early pickup", "es", source="en")
    assert result.ok and result.text == "[es] Early pickup"
