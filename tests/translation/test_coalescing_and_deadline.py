"""What one announcement to many families costs the provider, and what a dead or silent
provider costs a caller."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
import requests
from deep_translator.exceptions import ServerException
from urllib3.exceptions import MaxRetryError, NameResolutionError, ProtocolError

from bot.config import Secrets, TranslationSection
from bot.db.engine import Database
from bot.translation.providers import Provider
from bot.translation.service import TranslationService, _is_retryable
from bot.util.clock import ManualClock
from tests.translation.fake_providers import Behaviour, serve

START = datetime(2026, 9, 7, 12, 0, tzinfo=UTC)
LANGUAGES = ["es", "zh-CN", "vi", "ar", "so", "pt", "fr", "ko", "ru", "tl", "ht", "hmn"]
POST = "The field trip to the science museum is next Friday; please sign the permission slip."


def settings(**overrides: object) -> TranslationSection:
    base = {"provider": "google", "timeout_seconds": 10.0, "retries": 3, "breaker_failures": 5,
            "breaker_reset_seconds": 60.0}
    base.update(overrides)
    return TranslationSection(**base)  # type: ignore[arg-type]


@pytest.fixture
def behaviour() -> Behaviour:
    return Behaviour(delay=0.05)


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


def announcement_to(families: int) -> list[str]:
    """Each family's language, as an announcement's fan-out asks for them (ten per language)."""
    return [LANGUAGES[n % len(LANGUAGES)] for n in range(families)]


async def test_concurrent_misses_for_the_same_text_and_language_make_one_request_each(
        service: TranslationService, behaviour: Behaviour) -> None:
    results = await asyncio.gather(*(service.translate(POST, lang, source="en") for lang in announcement_to(120)))
    assert all(result.ok for result in results)
    assert len(behaviour.requests) == len(LANGUAGES)
    assert sorted(r["tl"] for r in behaviour.requests) == sorted(
        {"zh-CN" if lang == "zh-CN" else lang for lang in LANGUAGES})
    assert {result.text for result in results if result.target == "es"} == {f"[es] {POST}"}


async def test_a_repeated_announcement_is_served_from_cache_without_a_request(
        service: TranslationService, behaviour: Behaviour) -> None:
    await asyncio.gather(*(service.translate(POST, lang, source="en") for lang in announcement_to(120)))
    before = len(behaviour.requests)
    again = await asyncio.gather(*(service.translate(POST, lang, source="en") for lang in announcement_to(120)))
    assert len(behaviour.requests) == before
    assert all(result.ok and result.cached for result in again)


async def test_a_reader_who_gives_up_does_not_cancel_the_translation_others_wait_for(
        service: TranslationService, behaviour: Behaviour) -> None:
    impatient = asyncio.create_task(service.translate(POST, "es", source="en"))
    patient = asyncio.create_task(service.translate(POST, "es", source="en"))
    await asyncio.sleep(0)
    impatient.cancel()
    result = await patient
    assert result.ok and result.text == f"[es] {POST}"
    assert len(behaviour.requests) == 1


class FakeMonotonic:
    """The deadline's clock; sleeping and provider requests move it, nothing else does."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


class SlowProvider:
    """A provider double that takes ``takes`` seconds per request (on the fake clock) and then
    answers ``outcome``, or hangs until the request's own timeout if it is slower than that."""

    def __init__(self, clock: FakeMonotonic, takes: float, outcome: BaseException) -> None:
        self.clock, self.takes, self.outcome = clock, takes, outcome
        self.budgets: list[float] = []

    async def attempt(self, provider: Provider, source: str | None, target: str, text: str,
                      deadline: float) -> str:
        remaining = deadline - self.clock()
        self.budgets.append(remaining)
        if remaining <= 0:
            raise TimeoutError("no time left")
        if self.takes >= remaining:
            self.clock.now += remaining
            raise TimeoutError("did not answer")
        self.clock.now += self.takes
        raise self.outcome


def service_on(clock: FakeMonotonic, db: Database, **overrides: object) -> TranslationService:
    return TranslationService(settings(**overrides), Secrets(), db, ManualClock(START), retry_wait_seconds=0.5,
                              monotonic=clock, sleep=clock.sleep)


async def test_a_hanging_provider_costs_at_most_one_timeout_in_total(sqlite_db: Database,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeMonotonic()
    svc = service_on(clock, sqlite_db, timeout_seconds=10.0, retries=3)
    hanging = SlowProvider(clock, takes=float("inf"), outcome=TimeoutError())
    monkeypatch.setattr(svc, "_attempt", hanging.attempt)
    started = clock()
    result = await svc.translate("Are you there?", "es", source="en")
    await svc.close()
    assert not result.ok and result.text == "Are you there?"
    assert clock() - started <= 10.0
    assert hanging.budgets == [10.0]  # no retry starts once the deadline has passed


async def test_retries_share_the_translation_deadline(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A provider that answers 503 after 3 s: four attempts would take 12 s plus backoff; the
    deadline gives the later attempts only what is left of 10 s."""
    clock = FakeMonotonic()
    svc = service_on(clock, sqlite_db, timeout_seconds=10.0, retries=3)
    slow = SlowProvider(clock, takes=3.0, outcome=ServerException(503))
    monkeypatch.setattr(svc, "_attempt", slow.attempt)
    started = clock()
    result = await svc.translate("Snack sign-up", "vi", source="en")
    await svc.close()
    assert not result.ok
    assert clock() - started <= 10.0
    assert len(slow.budgets) >= 2  # it was retried...
    assert slow.budgets == sorted(slow.budgets, reverse=True)  # ...each attempt with less time left
    assert all(budget <= 10.0 for budget in slow.budgets)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_refused_connection_is_not_retried(sqlite_db: Database) -> None:
    svc = TranslationService(settings(retries=3), Secrets(), sqlite_db, ManualClock(START),
                             base_urls={"google": f"http://127.0.0.1:{closed_port()}/"})
    result = await svc.translate("Hello families", "es", source="en")
    await svc.close()
    assert not result.ok and "ConnectionError" in (result.error or "")
    assert svc.stats.provider_calls == 1


async def test_refused_connections_open_the_breaker_by_requests(sqlite_db: Database) -> None:
    svc = TranslationService(settings(retries=3, breaker_failures=3), Secrets(), sqlite_db, ManualClock(START),
                             base_urls={"google": f"http://127.0.0.1:{closed_port()}/"})
    for n in range(3):
        await svc.translate(f"Hello families {n}", "es", source="en")
    assert svc.breaker("google").state == "open"
    result = await svc.translate("One more", "es", source="en")
    await svc.close()
    assert not result.ok and "circuit open" in (result.error or "")
    assert svc.stats.provider_calls == 3


async def test_a_server_error_counts_once_per_request_on_the_breaker(service: TranslationService,
                                                                      behaviour: Behaviour) -> None:
    behaviour.script = ["500"] * 4
    result = await service.translate("Early pickup", "es", source="en")  # retries=3: four requests
    assert not result.ok
    assert len(behaviour.requests) == 4
    assert service.breaker("google").consecutive == 4


def test_an_unknown_host_is_not_retried() -> None:
    resolution = NameResolutionError("translate.google.com", None,  # type: ignore[arg-type]
                                     socket.gaierror(-2, "Name or service not known"))
    error = requests.exceptions.ConnectionError(MaxRetryError(None, "/", reason=resolution))  # type: ignore[arg-type]
    assert not _is_retryable(error)


def test_a_dropped_connection_and_a_timeout_are_retried() -> None:
    dropped = requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError()))
    assert _is_retryable(dropped)
    assert _is_retryable(requests.exceptions.ReadTimeout())
    assert _is_retryable(requests.exceptions.ConnectTimeout())


async def test_cached_answers_from_earlier_translations_without_a_request(
        service: TranslationService, behaviour: Behaviour) -> None:
    assert await service.cached("Picture day", "es", source="en") is None
    assert behaviour.requests == []
    await service.translate("Picture day", "es", source="en")
    assert await service.cached("Picture day", "es", source="en") == "[es] Picture day"
    assert len(behaviour.requests) == 1
