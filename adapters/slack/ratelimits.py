"""Slack's 429s, counted for ``/metrics`` (``homeroom_platform_rate_limited_total``).

slack_sdk retries a rate-limited call through the retry handlers of its Web API client (its
public hook, ``slack_sdk.http_retry``); this one is the SDK's own rate-limit handler (it
waits ``Retry-After`` and tries again) that also counts every 429 it is shown, including the
last one when the retries are used up. bolt copies the app client's handlers into the
client of each request, so every call the bot makes is counted.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.api.engine import Counters
from bot.api.outbound import RATE_LIMITED

#: Web API method names: words joined by dots (chat.postMessage, admin.users.session.reset)
_METHOD = re.compile(r"^[a-zA-Z]+(?:\.[a-zA-Z]+)+$")
#: tries after the first 429 before the call fails with the ``ratelimited`` error
MAX_RETRIES = 3


def api_method(url: str) -> str:
    """``https://slack.com/api/chat.postMessage`` → ``chat.postMessage`` (else ``other``)."""
    name = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return name if _METHOD.match(name) else "other"


class CountingRateLimitHandler(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's rate-limit retries, counting each 429 by API method."""

    def __init__(self, metrics: Counters, max_retry_count: int = MAX_RETRIES, **kwargs: Any) -> None:
        super().__init__(max_retry_count=max_retry_count, **kwargs)
        self.metrics = metrics

    async def can_retry_async(self, *, state: RetryState, request: HttpRequest,
                              response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        if response is not None and response.status_code == 429:
            self.metrics.inc(RATE_LIMITED, platform="slack", route=api_method(request.url))
        return await super().can_retry_async(state=state, request=request, response=response, error=error)
