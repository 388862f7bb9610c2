"""Only requests Slack signed reach the app; a refused one is logged without its body.

bolt's own verification logs every refused request at INFO with its full body (a family's
message text, in the logs). This middleware takes its place, in the same position of the
chain (before authorisation, so an unsigned request costs no ``auth.test``), checks the v0
signature with slack_sdk's verifier (which also refuses requests older than five minutes)
and logs one line that says what happened and nothing a person wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)


class SignedRequestsOnly(AsyncMiddleware):
    def __init__(self, signing_secret: str) -> None:
        self._verifier = SignatureVerifier(signing_secret=signing_secret)

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse,
                            next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
        if req.mode == "socket_mode":  # arrived over the app's own authenticated websocket
            return await next()
        timestamp = req.headers.get("x-slack-request-timestamp", ["0"])[0]
        signature = req.headers.get("x-slack-signature", [""])[0]
        if self._verifier.is_valid(req.raw_body, timestamp, signature):
            return await next()
        log.info("slack: refused a request whose signature is missing, wrong or too old (timestamp %s, %d bytes); "
                 "check SLACK_SIGNING_SECRET if this repeats", timestamp[:20], len(req.raw_body))
        return BoltResponse(status=401, body={"error": "invalid request"})
