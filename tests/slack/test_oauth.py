"""Many workspaces through OAuth: installs against the fake Web API (oauth.v2.access), then
signed requests answered with the installing workspace's own token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.app import build_core
from bot.clock import ManualClock
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.testing import FakeTranslator
from cogs.slack_install.models import slack_bots, slack_installations
from tests.slack.harness import SECRET, SlackDriver

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
async def slack(db: Database) -> AsyncIterator[SlackDriver]:
    config = Config.model_validate({"slack": {"oauth": True, "client_id": "111.222"}})
    core = build_core(config, secrets=Secrets(slack_signing_secret=SECRET, slack_client_secret="shh"), db=db,
                      clock=ManualClock(START), translator=FakeTranslator())
    driver = SlackDriver(core)
    await driver.start()
    yield driver
    await driver.stop()


async def install(slack: SlackDriver, team: str) -> tuple[int, str]:
    """The install page, then Slack's redirect back with a code and the page's state."""
    assert slack.http is not None and slack.server is not None
    async with slack.http.get(slack.server.make_url("/slack/install")) as page:
        body = await page.text()
        cookie = page.headers.get("Set-Cookie", "").split(";", 1)[0]
    state = re.search(r"state=([^&\"']+)", body)
    assert state is not None
    slack.fake.install_codes[f"code-{team}"] = team
    async with slack.http.get(slack.server.make_url("/slack/oauth_redirect"),
                              params={"code": f"code-{team}", "state": state.group(1)},
                              headers={"Cookie": cookie}) as answer:
        return answer.status, await answer.text()


async def rows(db: Database, table: object, team: str) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(table).where(table.c.team_id == team)))  # type: ignore[attr-defined]


async def command_in(slack: SlackDriver, team: str) -> None:
    ana = await slack.person("Ana")
    fields = slack.command_fields(ana, "language", 'name:"español"')
    fields["team_id"] = team
    assert await slack.post_form(fields) == 200
    await slack.settle()


async def test_install_exchanges_the_code_and_stores_the_workspace(slack: SlackDriver) -> None:
    status, page = await install(slack, "TA")
    assert status == 200 and "installed" in page
    [exchange] = slack.fake.called("oauth.v2.access")
    assert exchange["code"] == "code-TA"
    assert await rows(slack.core.db, slack_bots, "TA") == 1


async def test_command_from_installed_workspace_uses_its_token(slack: SlackDriver) -> None:
    await install(slack, "TA")
    await command_in(slack, "TA")
    assert ("users.info", "xoxb-TA") in slack.fake.tokens
    assert "español" in slack.fake.responses[-1]["text"]


async def test_second_workspace_is_answered_with_its_own_token(slack: SlackDriver) -> None:
    await install(slack, "TA")
    await install(slack, "TB")
    slack.fake.tokens.clear()
    await command_in(slack, "TB")
    used = {token for method, token in slack.fake.tokens if method != "oauth.v2.access"}
    assert used == {"xoxb-TB"}


async def test_uninstall_deletes_the_workspace_rows(slack: SlackDriver) -> None:
    await install(slack, "TA")
    await install(slack, "TB")
    assert await slack.post_event({"type": "app_uninstalled"}, team="TA") == 200
    assert await rows(slack.core.db, slack_bots, "TA") == 0
    assert await rows(slack.core.db, slack_installations, "TA") == 0
    assert await rows(slack.core.db, slack_bots, "TB") == 1


async def test_unknown_state_is_refused_with_a_clear_page(slack: SlackDriver) -> None:
    assert slack.http is not None and slack.server is not None
    slack.fake.install_codes["code-TA"] = "TA"
    async with slack.http.get(slack.server.make_url("/slack/oauth_redirect"),
                              params={"code": "code-TA", "state": "forged"}) as answer:
        status, page = answer.status, await answer.text()
    assert status >= 400 and "Homeroom was not installed" in page and "Traceback" not in page
    assert slack.fake.called("oauth.v2.access") == []
