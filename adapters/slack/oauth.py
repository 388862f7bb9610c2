"""Many workspaces from one deployment: slack-bolt's OAuth flow with slack_sdk's SQLAlchemy
installation and state stores on the bot's own database (tables in cogs/slack_install).

bolt serves the install page and the redirect, stores each workspace's installation, and
answers every request with the token of the workspace it came from (its installation-store
authorize, which also rotates a token that expires when the app has token rotation turned
on). An uninstalled workspace (``app_uninstalled``, or ``tokens_revoked`` for the bot) loses
its installation rows at once.

Work the bot starts itself (a DM from a job, a post after a restart) finds the workspace's bot
through :class:`WorkspaceBots`, the way slack_sdk's store keys installations:

* a workspace outside Enterprise Grid: ``enterprise_id`` None, its ``team_id``;
* a workspace of a Grid org installed on its own: the org's ``enterprise_id`` and its ``team_id``;
* an org-wide install (``is_enterprise_install``): one row for the whole org, ``team_id`` None;
  which org a workspace belongs to is asked once of Slack (``auth.teams.list``).

The pages are in the visitor's language (cogs/slack_install/pages.py, Accept-Language).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import and_, desc, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.manifest import BOT_SCOPES
from bot.i18n import Localizer
from cogs.slack_install import pages

log = logging.getLogger(__name__)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
#: an install link is good for ten minutes
STATE_SECONDS = 600
#: with token rotation on, a bot token (12 hours) is refreshed when it has less than this left
ROTATE_MINUTES_BEFORE = 120
_HTML = {"Content-Type": "text/html; charset=utf-8"}


def _visitor_language(request: AsyncBoltRequest, localizer: Localizer) -> str:
    values = request.headers.get("accept-language") or []
    return pages.page_language(", ".join(values), localizer)


class HomeroomOAuthFlow(AsyncOAuthFlow):
    """bolt's flow with Homeroom's install page, in the visitor's language."""

    localizer: Localizer

    async def build_install_page_html(self, url: str, request: AsyncBoltRequest) -> str:
        return pages.install_page(self.localizer, _visitor_language(request, self.localizer), url)


def _callbacks(localizer: Localizer) -> AsyncCallbackOptions:
    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        where = installation.team_name or installation.enterprise_name
        log.info("slack: installed in %s %s", "org" if installation.is_enterprise_install else "workspace",
                 installation.enterprise_id if installation.is_enterprise_install else installation.team_id)
        lang = _visitor_language(args.request, localizer)
        return BoltResponse(status=200, headers=_HTML, body=pages.installed_page(localizer, lang, where))

    async def failure(args: AsyncFailureArgs) -> BoltResponse:
        """A clear page, never a stack trace: what went wrong and a link to start again."""
        log.info("slack: an installation was refused (%s)", args.reason)
        lang = _visitor_language(args.request, localizer)
        return BoltResponse(status=args.suggested_status_code, headers=_HTML,
                            body=pages.refused_page(localizer, lang, args.reason, INSTALL_PATH))

    return AsyncCallbackOptions(success=success, failure=failure)


def installation_store(client_id: str, engine: AsyncEngine) -> AsyncSQLAlchemyInstallationStore:
    return AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine)


def oauth_flow(*, client_id: str, client_secret: str, engine: AsyncEngine, api_base_url: str,
               public_url: str, localizer: Localizer) -> HomeroomOAuthFlow:
    """bolt's OAuth flow on the bot's database; oauth.v2.access (installs and token refreshes)
    goes to the configured Web API."""
    store = installation_store(client_id, engine)
    settings = AsyncOAuthSettings(
        client_id=client_id, client_secret=client_secret, scopes=BOT_SCOPES,
        redirect_uri=public_url.rstrip("/") + REDIRECT_PATH, install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH, installation_store=store, installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
        state_expiration_seconds=STATE_SECONDS, token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE,
        callback_options=_callbacks(localizer),
    )
    # the settings' own authorize refreshes tokens through slack.com whatever the configured Web API
    settings.authorize = AsyncInstallationStoreAuthorize(
        client_id=client_id, client_secret=client_secret, installation_store=store, bot_only=True,
        token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE, client=AsyncWebClient(base_url=api_base_url),
        logger=logging.getLogger("slack_bolt.homeroom.authorize"))
    flow = HomeroomOAuthFlow(client=AsyncWebClient(base_url=api_base_url), settings=settings)
    flow.localizer = localizer
    return flow


class WorkspaceBots:
    """Each workspace's bot for work the bot starts itself, refreshed before its token expires."""

    def __init__(self, flow: AsyncOAuthFlow, api_base_url: str) -> None:
        store = flow.settings.installation_store
        assert isinstance(store, AsyncSQLAlchemyInstallationStore)
        self.store = store
        self.api_base_url = api_base_url
        self.rotator = AsyncTokenRotator(client_id=flow.settings.client_id, client_secret=flow.settings.client_secret,
                                         client=AsyncWebClient(base_url=api_base_url))
        #: workspace → its Grid org ("" when it is in none), learnt from the store or Slack
        self._enterprise: dict[str, str] = {}

    @staticmethod
    def expiring(bot: Bot) -> bool:
        """Whether the token must be refreshed before use (never, without token rotation)."""
        expires = bot.bot_token_expires_at
        return expires is not None and expires <= time.time() + ROTATE_MINUTES_BEFORE * 60

    async def find(self, team_id: str, enterprise_id: str | None = None) -> Bot | None:
        """The workspace's bot with a token good for now, or None when it is not installed."""
        if enterprise_id is not None:
            self._enterprise[team_id] = enterprise_id
        bot = await self._find(team_id)
        if bot is None or bot.bot_refresh_token is None:
            return bot
        try:
            refreshed = await self.rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE)
        except SlackTokenRotationError as exc:
            log.warning("slack: the bot token of workspace %s could not be refreshed (%s)", team_id,
                        exc.api_error.response.get("error"))
            return bot if (bot.bot_token_expires_at or 0) > time.time() else None  # good until it expires
        if refreshed is None:
            return bot
        await self.store.async_save_bot(refreshed)
        log.info("slack: the bot token of %s %s was refreshed", "org" if bot.is_enterprise_install else "workspace",
                 bot.enterprise_id if bot.is_enterprise_install else team_id)
        return refreshed

    async def _find(self, team_id: str) -> Bot | None:
        enterprise = self._enterprise.get(team_id)
        if enterprise is None:
            enterprise = await self._enterprise_in_store(team_id)
        if enterprise is not None:
            bot = await self.store.async_find_bot(enterprise_id=enterprise or None, team_id=team_id)
            if bot is not None:
                return bot
        for org in await self._org_installs():
            if enterprise == org or (enterprise is None and await self._org_has(org, team_id)):
                self._enterprise[team_id] = org
                return await self.store.async_find_bot(enterprise_id=org, team_id=None, is_enterprise_install=True)
        return None

    async def _enterprise_in_store(self, team_id: str) -> str | None:
        """The org of a workspace installed on its own ("" outside Grid), from its newest row."""
        bots = self.store.bots
        query = (select(bots.c.enterprise_id).where(and_(bots.c.client_id == self.store.client_id,
                                                          bots.c.team_id == team_id))
                 .order_by(desc(bots.c.installed_at)).limit(1))
        async with self.store.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        self._enterprise[team_id] = row[0] or ""
        return self._enterprise[team_id]

    async def _org_installs(self) -> list[str]:
        bots = self.store.bots
        query = select(bots.c.enterprise_id).distinct().where(and_(
            bots.c.client_id == self.store.client_id, bots.c.is_enterprise_install.is_(True),
            bots.c.team_id.is_(None), bots.c.enterprise_id.is_not(None)))
        async with self.store.engine.connect() as conn:
            return sorted(str(row[0]) for row in await conn.execute(query))

    async def _org_has(self, enterprise_id: str, team_id: str) -> bool:
        """Whether an org-wide install covers the workspace (Slack's auth.teams.list)."""
        bot = await self.store.async_find_bot(enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True)
        if bot is None:
            return False
        client = AsyncWebClient(token=bot.bot_token, base_url=self.api_base_url)
        cursor: str | None = None
        try:
            while True:
                answer = await client.auth_teams_list(limit=1000, cursor=cursor)
                teams = [str(team.get("id")) for team in answer.get("teams") or []]
                for team in teams:
                    self._enterprise.setdefault(team, enterprise_id)
                if team_id in teams:
                    return True
                cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    return False
        except SlackApiError as exc:
            log.warning("slack: the workspaces of org %s could not be listed (%s)", enterprise_id,
                        exc.response.get("error"))
            return False

    async def forget(self, body: dict[str, Any]) -> list[str]:
        """An uninstall: delete the installation it names (the org's for an org-wide install);
        returns the workspaces whose cached clients must go."""
        enterprise = body.get("enterprise_id") or (body.get("enterprise") or {}).get("id")
        team = body.get("team_id")
        org_wide = bool(body.get("is_enterprise_install")) or any(
            a.get("is_enterprise_install") for a in body.get("authorizations") or [])
        if org_wide and enterprise:
            await self.store.async_delete_all(enterprise_id=enterprise, team_id=None)
            gone = [t for t, e in self._enterprise.items() if e == enterprise]
        else:
            await self.store.async_delete_all(enterprise_id=enterprise, team_id=team)
            gone = [team] if team else []
        for workspace in gone:
            self._enterprise.pop(workspace, None)
        return gone
