"""``homeroom slack manifest`` (print the app manifest to paste into api.slack.com/apps), and
the one line an operator sees when Slack rejects a token.

slack-bolt and slack-sdk are imported inside the functions, never when the command line
registers these subcommands.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any


def register_cli(subparsers: Any, load: Callable[[argparse.Namespace], Any]) -> None:
    slack = subparsers.add_parser("slack", help="Slack set-up")
    tasks = slack.add_subparsers(dest="slack_command", metavar="TASK", required=True)
    manifest = tasks.add_parser("manifest", help="print the Slack app manifest (JSON)")
    manifest.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS)

    def run(args: argparse.Namespace) -> int:
        from adapters.slack.manifest import build_manifest
        from bot.app import build_core
        from bot.db.engine import Database
        from bot.testing import FakeTranslator

        config, secrets = load(args)
        # Only the declared commands are needed: nothing connects to the database or a provider.
        core = build_core(config, secrets=secrets, db=Database(config.database.url), translator=FakeTranslator())
        print(json.dumps(build_manifest(config, core.commands), indent=2, ensure_ascii=False))
        return 0

    manifest.set_defaults(func=run)


#: the SDKs log request URLs and payloads (which can carry text) below WARNING
QUIET_LOGGERS = ("slack_sdk", "slack_bolt")


#: auth.test errors that mean "the token is wrong", not "Slack is having a bad day"
_TOKEN_ERRORS = {
    "invalid_auth": "Slack did not accept the token (invalid_auth)",
    "not_authed": "no token reached Slack (not_authed)",
    "account_inactive": "the token belongs to a deleted app or user (account_inactive)",
    "token_revoked": "the token was revoked (token_revoked)",
    "token_expired": "the token has expired (token_expired)",
}


#: apps.connections.open errors that mean "the app-level token is wrong"
_APP_TOKEN_ERRORS = {*_TOKEN_ERRORS, "not_allowed_token_type"}


async def preflight(config: Any, secrets: Any) -> None:
    """Ask Slack who the token belongs to (auth.test) before anything starts: in HTTP mode the
    first request would otherwise be the first time the token is tried. In Socket Mode the
    app-level token is tried too (``apps.connections.open``; the URL it issues is not used):
    the Socket Mode client would otherwise retry a rejected token for ever."""
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    settings = config.section("slack")
    if settings.oauth:  # no token of its own: each workspace's is checked when it installs
        return
    await AsyncWebClient(token=secrets.slack_bot_token, base_url=settings.api_base_url).auth_test()
    if settings.mode == "socket":
        try:
            await AsyncWebClient(token=secrets.slack_app_token, base_url=settings.api_base_url
                                 ).apps_connections_open(app_token=secrets.slack_app_token)
        except SlackApiError as exc:
            if (exc.response.get("error") if exc.response is not None else None) in _APP_TOKEN_ERRORS:
                raise
            # Anything else is Slack having a bad moment: the Socket Mode client retries it.


def describe_startup_error(exc: BaseException) -> str | None:
    """One line for a start-up failure the operator can fix, or None for anything else."""
    import aiohttp
    from slack_sdk.errors import SlackApiError

    if isinstance(exc, aiohttp.ClientConnectionError | TimeoutError):
        return f"slack: cannot reach Slack ({exc or type(exc).__name__}); check the network and proxy settings"
    if isinstance(exc, SlackApiError):
        code = str((exc.response.get("error") if exc.response is not None else "") or "")
        app_token = exc.response is not None and str(getattr(exc.response, "api_url", "")).endswith(
            "apps.connections.open")
        if app_token and code in _APP_TOKEN_ERRORS:
            reason = _TOKEN_ERRORS.get(code, "Slack did not accept it as an app-level token (not_allowed_token_type)")
            return (f"SLACK_APP_TOKEN: {reason}; create an app-level token (xapp-...) with connections:write at "
                    f"api.slack.com/apps > Basic Information > App-Level Tokens")
        if code in _TOKEN_ERRORS:
            return (f"SLACK_BOT_TOKEN: {_TOKEN_ERRORS[code]}; copy the Bot User OAuth Token (xoxb-...) again from "
                    f"api.slack.com/apps > OAuth & Permissions")
    return None
