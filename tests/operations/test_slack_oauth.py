"""Many Slack workspaces, as a district runs them: install links that expire unused are
purged, Enterprise Grid installs (one workspace of an org, or the whole org at once) are stored
and found as slack_sdk's store keys them, rotating bot tokens are refreshed before they
expire, and the install pages speak the visitor's language. Against the fake Web API, whose
oauth.v2.access and auth.teams.list answer as Slack documents them; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.api.messages import Message
from bot.api.refs import CommunityRef, UserRef
from bot.app import build_core, run_privacy_report
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.runtime.retention import purge
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from cogs.slack_install import pages
from cogs.slack_install.cog import EXPIRED_STATES
from cogs.slack_install.models import slack_bots, slack_oauth_states
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import SECRET, SlackDriver, signed_headers

CLIENT_ID = "111.222"
ORG, ORG_TEAMS = "E1", ("T1A", "T1B")


class GridSlack(FakeSlack):
    """The fake Web API, plus what Slack's docs give for Enterprise Grid and token rotation:
    oauth.v2.access for an org-wide install (``team`` null, ``enterprise``,
    ``is_enterprise_install``) and for a workspace of an org; ``expires_in`` and
    ``refresh_token`` when the app rotates tokens, and the ``refresh_token`` grant; and
    auth.teams.list, the workspaces an org-wide install covers."""

    #: code → (enterprise id or None, team id or None, seconds the token lasts or None)
    grid_codes: dict[str, tuple[str | None, str | None, int | None]]
    refreshes: int

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        args = {k: v[0] for k, v in parse_qs((await request.read()).decode()).items()}
        if method == "oauth.v2.access" and (args.get("grant_type") == "refresh_token"
                                            or args.get("code") in self.grid_codes):
            self.calls.append((method, args))
            self.tokens.append((method, token))
            return web.json_response(self._access(args))
        if method == "auth.teams.list":
            self.calls.append((method, args))
            self.tokens.append((method, token))
            if token != f"xoxb-{ORG}":
                return web.json_response({"ok": False, "error": "not_allowed_token_type"})
            return web.json_response({"ok": True, "teams": [{"id": t, "name": f"School {t}"} for t in ORG_TEAMS],
                                      "response_metadata": {"next_cursor": ""}})
        if method == "auth.test" and token.startswith(("xoxb-E", "xoxb-T2", "xoxb-T9")):
            self.calls.append((method, args))
            self.tokens.append((method, token))
            who = token.removeprefix("xoxb-").split("-")[0]
            return web.json_response({"ok": True, "user_id": f"UBOT{who}", "bot_id": f"B{who}",
                                      "team_id": None if who.startswith("E") else who,
                                      "enterprise_id": ORG if who.startswith("E") else None, "user": "homeroom",
                                      "is_enterprise_install": who.startswith("E")})
        return await super().handle(request)

    def _access(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("grant_type") == "refresh_token":
            self.refreshes += 1
            team = str(args["refresh_token"]).removeprefix("xoxe-1-").split("-")[0]
            return {"ok": True, "app_id": "A1", "token_type": "bot", "scope": "chat:write,commands",
                    "access_token": f"xoxb-{team}-{self.refreshes}", "refresh_token": f"xoxe-1-{team}-{self.refreshes}",
                    "expires_in": 43200, "bot_user_id": f"UBOT{team}", "team": {"id": team, "name": f"School {team}"},
                    "enterprise": None, "is_enterprise_install": False}
        enterprise, team, lasts = self.grid_codes.pop(str(args["code"]))
        who = team or enterprise
        answer: dict[str, Any] = {
            "ok": True, "app_id": "A1", "token_type": "bot", "scope": "chat:write,commands",
            "access_token": f"xoxb-{who}", "bot_user_id": f"UBOT{who}",
            "team": {"id": team, "name": f"School {team}"} if team else None,
            "enterprise": {"id": enterprise, "name": "Riverside District"} if enterprise else None,
            "is_enterprise_install": team is None, "authed_user": {"id": f"UADMIN{who}"}}
        if lasts is not None:
            answer.update(expires_in=lasts, refresh_token=f"xoxe-1-{who}")
        return answer


@pytest.fixture
async def slack(db: Database) -> AsyncIterator[SlackDriver]:
    config = Config.model_validate({"slack": {"oauth": True, "client_id": CLIENT_ID}})
    core = build_core(config, secrets=Secrets(slack_signing_secret=SECRET, slack_client_secret="shh"), db=db,
                      clock=ManualClock(datetime.now(UTC)), translator=FakeTranslator())
    driver = SlackDriver(core)
    fake = GridSlack()
    fake.grid_codes, fake.refreshes = {}, 0
    fake.add_user("UBOT", "Homeroom", is_bot=True)
    driver.fake = fake
    await driver.start()
    yield driver
    await driver.stop()


async def open_install_page(slack: SlackDriver, language: str = "") -> tuple[int, str, str, str]:
    """(status, page, the state it carries, the browser cookie bolt set)."""
    assert slack.http is not None and slack.server is not None
    headers = {"Accept-Language": language} if language else {}
    async with slack.http.get(slack.server.make_url("/slack/install"), headers=headers) as page:
        body = await page.text()
        cookie = page.headers.get("Set-Cookie", "").split(";", 1)[0]
    state = re.search(r"state=([^&\"']+)", body)
    return page.status, body, state.group(1) if state else "", cookie


async def install(slack: SlackDriver, code: str, *, language: str = "") -> tuple[int, str]:
    """The install page, then Slack's redirect back with ``code`` and the page's state."""
    assert slack.http is not None and slack.server is not None
    _, _, state, cookie = await open_install_page(slack)
    headers = {"Cookie": cookie, **({"Accept-Language": language} if language else {})}
    async with slack.http.get(slack.server.make_url("/slack/oauth_redirect"),
                              params={"code": code, "state": state}, headers=headers) as answer:
        return answer.status, await answer.text()


async def states(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(slack_oauth_states)) or 0)


async def bot_rows(db: Database, **where: object) -> list[dict[str, Any]]:
    async with db.read() as session:
        query = select(slack_bots)
        for column, value in where.items():
            query = query.where(slack_bots.c[column].is_(None) if value is None else slack_bots.c[column] == value)
        return [dict(row) for row in (await session.execute(query)).mappings()]


def tokens_for(slack: SlackDriver, *methods: str) -> set[str]:
    return {token for method, token in slack.fake.tokens if method in methods}


async def command_from(slack: SlackDriver, team: str, *, enterprise: str | None = None, org_wide: bool = False) -> None:
    ana = await slack.person("Ana")
    fields = slack.command_fields(ana, "language", 'name:"español"')
    fields["team_id"] = team
    if enterprise:
        fields.update(enterprise_id=enterprise, is_enterprise_install="true" if org_wide else "false")
    assert await slack.post_form(fields) == 200
    await slack.settle()


# ----- install links that expired unused --------------------------------------------------------

async def test_an_install_link_left_unused_is_purged_once_it_has_expired(slack: SlackDriver) -> None:
    await open_install_page(slack)
    assert await states(slack.core.db) == 1
    assert isinstance(slack.core.clock, ManualClock)
    slack.core.clock.advance(timedelta(minutes=5))
    assert (await purge(slack.core))[EXPIRED_STATES] == 0  # still good: an admin may be on Slack's page
    assert await states(slack.core.db) == 1
    slack.core.clock.advance(timedelta(minutes=6))
    assert (await purge(slack.core))[EXPIRED_STATES] == 1
    assert await states(slack.core.db) == 0


async def test_the_privacy_report_says_the_next_purge_removes_expired_install_links(slack: SlackDriver) -> None:
    await open_install_page(slack)
    await open_install_page(slack)
    later = ManualClock(datetime.now(UTC) + timedelta(minutes=11))
    report = await run_privacy_report(slack.core.config, slack.core.db, later)
    assert re.search(rf"{EXPIRED_STATES}\s+2$", report, re.MULTILINE)


# ----- Enterprise Grid ---------------------------------------------------------------------------

async def test_an_org_wide_install_is_stored_once_for_the_org_without_a_workspace(slack: SlackDriver) -> None:
    slack.fake.grid_codes["org"] = (ORG, None, None)
    status, page = await install(slack, "org")
    assert status == 200 and "Riverside District" in page
    [row] = await bot_rows(slack.core.db)
    assert (row["enterprise_id"], row["team_id"], row["is_enterprise_install"]) == (ORG, None, True)


async def test_a_command_from_a_workspace_of_an_org_wide_install_goes_with_the_orgs_token(
        slack: SlackDriver) -> None:
    slack.fake.grid_codes["org"] = (ORG, None, None)
    await install(slack, "org")
    slack.fake.tokens.clear()
    await command_from(slack, "T1B", enterprise=ORG, org_wide=True)
    assert tokens_for(slack, "users.info") == {f"xoxb-{ORG}"}
    assert "español" in slack.fake.responses[-1]["text"]


async def test_a_dm_to_someone_in_a_workspace_of_the_org_goes_with_the_orgs_token_after_a_restart(
        slack: SlackDriver) -> None:
    slack.fake.grid_codes["org"] = (ORG, None, None)
    await install(slack, "org")
    slack.fake.tokens.clear()
    someone = UserRef("slack", "U0INT1A", CommunityRef("slack", "T1A"))  # known only from the database
    await slack.adapter.send_dm(someone, Message(text="Hello"), key="delivery:grid-1")
    assert tokens_for(slack, "conversations.open", "chat.postMessage") == {f"xoxb-{ORG}"}
    assert tokens_for(slack, "auth.teams.list") == {f"xoxb-{ORG}"}  # which org the workspace is in, asked once


async def test_a_workspace_the_org_wide_install_does_not_cover_never_gets_the_orgs_token(
        slack: SlackDriver) -> None:
    slack.fake.grid_codes["org"] = (ORG, None, None)
    await install(slack, "org")
    slack.fake.tokens.clear()
    stranger = UserRef("slack", "U0ELSE", CommunityRef("slack", "T9OTHER"))
    await slack.adapter.send_dm(stranger, Message(text="Hello"), key="delivery:grid-3")
    assert f"xoxb-{ORG}" not in tokens_for(slack, "conversations.open", "chat.postMessage")


async def test_a_workspace_of_an_org_installed_on_its_own_is_found_with_its_org(slack: SlackDriver) -> None:
    slack.fake.grid_codes["ws"] = ("E2", "T2", None)
    await install(slack, "ws")
    [row] = await bot_rows(slack.core.db)
    assert (row["enterprise_id"], row["team_id"], row["is_enterprise_install"]) == ("E2", "T2", False)
    slack.fake.tokens.clear()
    someone = UserRef("slack", "U0INT2", CommunityRef("slack", "T2"))
    await slack.adapter.send_dm(someone, Message(text="Hello"), key="delivery:grid-2")
    assert tokens_for(slack, "conversations.open", "chat.postMessage") == {"xoxb-T2"}


async def test_uninstalling_an_org_wide_install_deletes_the_orgs_rows(slack: SlackDriver) -> None:
    slack.fake.grid_codes["org"] = (ORG, None, None)
    await install(slack, "org")
    slack.fake.grid_codes["ws"] = ("E2", "T2", None)
    await install(slack, "ws")
    body = json.dumps({"token": "x", "team_id": "T1A", "enterprise_id": ORG, "api_app_id": "A1",
                       "type": "event_callback", "event_id": "EvUNINST1", "event_time": int(time.time()),
                       "is_enterprise_install": True,
                       "authorizations": [{"enterprise_id": ORG, "team_id": None, "is_enterprise_install": True,
                                           "is_bot": True, "user_id": f"UBOT{ORG}"}],
                       "event": {"type": "app_uninstalled"}})
    status, _ = await slack.post_raw(body, signed_headers(body, content_type="application/json"))
    assert status == 200
    await slack.settle()
    assert await bot_rows(slack.core.db, enterprise_id=ORG) == []
    assert len(await bot_rows(slack.core.db, team_id="T2")) == 1  # another org's workspace keeps its install


# ----- token rotation ----------------------------------------------------------------------------

async def test_a_rotating_token_near_its_expiry_is_refreshed_before_a_dm_and_the_new_one_stored(
        slack: SlackDriver) -> None:
    slack.fake.grid_codes["rot"] = (None, "T9", 3600)  # an hour left: inside the refresh window
    await install(slack, "rot")
    slack.fake.tokens.clear()
    someone = UserRef("slack", "U0INT9", CommunityRef("slack", "T9"))
    await slack.adapter.send_dm(someone, Message(text="Hello"), key="delivery:rot-1")
    [refresh] = [args for method, args in slack.fake.calls if method == "oauth.v2.access"
                 and args.get("grant_type") == "refresh_token"]
    assert refresh["refresh_token"] == "xoxe-1-T9"
    assert tokens_for(slack, "conversations.open", "chat.postMessage") == {"xoxb-T9-1"}
    newest = max(await bot_rows(slack.core.db, team_id="T9"), key=lambda row: row["installed_at"])
    assert (newest["bot_token"], newest["bot_refresh_token"]) == ("xoxb-T9-1", "xoxe-1-T9-1")


async def test_a_rotating_token_with_hours_left_is_used_as_it_is(slack: SlackDriver) -> None:
    slack.fake.grid_codes["rot"] = (None, "T9", 43200)
    await install(slack, "rot")
    slack.fake.tokens.clear()
    await slack.adapter.send_dm(UserRef("slack", "U0INT9", CommunityRef("slack", "T9")), Message(text="Hi"),
                                key="delivery:rot-2")
    assert slack.fake.refreshes == 0
    assert tokens_for(slack, "conversations.open", "chat.postMessage") == {"xoxb-T9"}


async def test_a_command_from_a_workspace_whose_token_is_due_is_answered_with_the_refreshed_token(
        slack: SlackDriver) -> None:
    slack.fake.grid_codes["rot"] = (None, "T9", 3600)
    await install(slack, "rot")
    slack.fake.tokens.clear()
    await command_from(slack, "T9")
    assert slack.fake.refreshes == 1  # once, by whichever part of the bot used the token first
    assert tokens_for(slack, "users.info") == {"xoxb-T9-1"}


# ----- the pages in the visitor's language -------------------------------------------------------

SPANISH = {pages.INSTALL_TITLE: "Añadir Homeroom a Slack", pages.INSTALL_BUTTON: "Añadir a Slack",
           pages.INSTALLED_TITLE: "Homeroom está instalado", pages.REFUSED_TITLE: "Homeroom no se instaló",
           pages.REFUSALS["invalid_state"]: "Este enlace de instalación caducó o ya se usó."}


@pytest.fixture
def spanish_catalog(slack: SlackDriver) -> None:
    slack.core.i18n.catalogs = {**slack.core.i18n.catalogs, "es": {**slack.core.i18n.catalogs.get("es", {}),
                                                                   **SPANISH}}


@pytest.mark.usefixtures("spanish_catalog")
async def test_the_install_page_is_in_the_visitors_language(slack: SlackDriver) -> None:
    status, page, state, _ = await open_install_page(slack, "es-MX,es;q=0.9,en;q=0.5")
    assert status == 200 and state
    assert '<html lang="es"' in page and "Añadir Homeroom a Slack" in page and "Añadir a Slack" in page


@pytest.mark.usefixtures("spanish_catalog")
async def test_the_install_page_is_in_english_for_a_language_without_a_catalog(slack: SlackDriver) -> None:
    _, page, _, _ = await open_install_page(slack, "de-DE,de;q=0.9")
    assert '<html lang="en"' in page and "Add Homeroom to Slack" in page


@pytest.mark.usefixtures("spanish_catalog")
async def test_the_installed_page_is_in_the_visitors_language(slack: SlackDriver) -> None:
    slack.fake.grid_codes["ws"] = ("E2", "T2", None)
    status, page = await install(slack, "ws", language="es")
    assert status == 200 and "Homeroom está instalado" in page


@pytest.mark.usefixtures("spanish_catalog")
async def test_an_install_link_used_twice_is_refused_in_the_visitors_language(slack: SlackDriver) -> None:
    assert slack.http is not None and slack.server is not None
    _, _, state, cookie = await open_install_page(slack)
    slack.fake.grid_codes["first"] = ("E2", "T2", None)
    slack.fake.grid_codes["again"] = ("E2", "T2", None)
    url = slack.server.make_url("/slack/oauth_redirect")
    async with slack.http.get(url, params={"code": "first", "state": state}, headers={"Cookie": cookie}) as first:
        assert first.status == 200
    async with slack.http.get(url, params={"code": "again", "state": state},
                              headers={"Cookie": cookie, "Accept-Language": "es"}) as answer:
        status, page = answer.status, await answer.text()
    assert status >= 400 and "Homeroom no se instaló" in page and "caducó" in page and "Traceback" not in page
    assert len(await bot_rows(slack.core.db)) == 1  # nothing more was saved


async def test_an_arabic_reader_gets_a_right_to_left_page(slack: SlackDriver) -> None:
    slack.core.i18n.catalogs = {**slack.core.i18n.catalogs, "ar": {pages.INSTALL_TITLE: "أضف Homeroom إلى Slack"}}
    _, page, _, _ = await open_install_page(slack, "ar")
    assert '<html lang="ar" dir="rtl"' in page and "أضف Homeroom إلى Slack" in page


@pytest.mark.catalogs  # the shipped catalogs, before these pages' words are translated
async def test_a_language_whose_catalog_lacks_the_pages_gets_them_in_english_marked_english(
        slack: SlackDriver) -> None:
    slack.core.i18n.catalogs = {lang: {k: v for k, v in catalog.items() if k != pages.INSTALL_TITLE}
                                for lang, catalog in slack.core.i18n.catalogs.items()}
    _, page, _, _ = await open_install_page(slack, "fr")
    assert '<html lang="en" dir="ltr"' in page and "Add Homeroom to Slack" in page


def test_accept_language_is_read_by_preference_and_q0_is_never_chosen() -> None:
    assert pages.accepted("fr;q=0.5, ES-mx, de;q=0, *;q=0.1") == ["es-mx", "fr"]
