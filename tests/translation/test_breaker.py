"""The circuit breaker's half-open trial: one caller at a time, and a cancelled trial does
not leave the circuit open for good."""

from __future__ import annotations

from bot.translation.breaker import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def opened_breaker(clock: Clock) -> CircuitBreaker:
    breaker = CircuitBreaker(failures=2, reset_seconds=30, clock=clock)
    breaker.failure()
    breaker.failure()
    clock.now = 31  # half-open
    return breaker


def test_only_one_trial_call_at_a_time_when_half_open() -> None:
    breaker = opened_breaker(Clock())
    assert breaker.allow()
    assert not breaker.allow()


def test_an_abandoned_trial_lets_the_next_caller_try() -> None:
    breaker = opened_breaker(Clock())
    assert breaker.allow()
    breaker.abandon()
    assert breaker.allow()


def test_a_successful_trial_closes_the_circuit() -> None:
    breaker = opened_breaker(Clock())
    assert breaker.allow()
    breaker.success()
    assert breaker.state == "closed"
