"""Many workspaces from one deployment: slack-bolt's OAuth flow with slack_sdk's SQLAlchemy
installation and state stores on the bot's own database (tables in cogs/slack_install).

bolt serves the install page and the redirect, stores each workspace's installation, and
answers every request with the token of the workspace it came from (its installation-store
authorize). An uninstalled workspace (``app_uninstalled``, or ``tokens_revoked`` for the
bot) loses its installation rows at once.
"""

from __future__ import annotations

import html
import logging

from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.manifest import BOT_SCOPES

log = logging.getLogger(__name__)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
#: an install link is good for ten minutes
STATE_SECONDS = 600

_FAILURES = {
    "invalid_state": "This install link has expired or was already used.",
    "invalid_browser": "This install was started in another browser.",
    "access_denied": "The installation was cancelled in Slack.",
    "invalid_code": "Slack did not accept this installation.",
}


def _page(title: str, text: str, link: str | None = None) -> str:
    more = f'<p><a href="{html.escape(link)}">Start the installation again</a></p>' if link else ""
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>{more}</body></html>")


async def _success(args: AsyncSuccessArgs) -> BoltResponse:
    team = args.installation.team_name or args.installation.team_id or "your workspace"
    log.info("slack: installed in workspace %s", args.installation.team_id)
    return BoltResponse(status=200, headers={"Content-Type": "text/html; charset=utf-8"},
                        body=_page("Homeroom is installed", f"Homeroom is now part of {team}. You can close this "
                                   "page and type /help in Slack."))


async def _failure(args: AsyncFailureArgs) -> BoltResponse:
    """A clear page, never a stack trace: what went wrong and a link to start again."""
    text = _FAILURES.get(args.reason, "The installation could not be completed.")
    log.info("slack: an installation was refused (%s)", args.reason)
    return BoltResponse(status=args.suggested_status_code, headers={"Content-Type": "text/html; charset=utf-8"},
                        body=_page("Homeroom was not installed", text + " Nothing was saved.", INSTALL_PATH))


def installation_store(client_id: str, engine: AsyncEngine) -> AsyncSQLAlchemyInstallationStore:
    return AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine)


def oauth_flow(*, client_id: str, client_secret: str, engine: AsyncEngine, api_base_url: str,
               public_url: str) -> AsyncOAuthFlow:
    """bolt's OAuth flow on the bot's database; oauth.v2.access goes to the configured Web API."""
    settings = AsyncOAuthSettings(
        client_id=client_id, client_secret=client_secret, scopes=BOT_SCOPES,
        redirect_uri=public_url.rstrip("/") + REDIRECT_PATH, install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH, installation_store=installation_store(client_id, engine),
        installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
        state_expiration_seconds=STATE_SECONDS,
        callback_options=AsyncCallbackOptions(success=_success, failure=_failure),
    )
    return AsyncOAuthFlow(client=AsyncWebClient(base_url=api_base_url), settings=settings)
