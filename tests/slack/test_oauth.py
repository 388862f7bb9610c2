"""Many workspaces through OAuth: installs against the fake Web API (oauth.v2.access), then
signed requests answered with the installing workspace's own token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from adapters.slack.manifest import build_manifest
from bot.app import build_core, run_privacy_report
from bot.config import Config, ConfigError, Secrets, check_adapter_requirements, parse_config
from bot.db.engine import Database
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
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


async def test_a_dm_goes_with_the_token_of_the_persons_own_workspace_even_unseen_since_a_restart(
        slack: SlackDriver) -> None:
    from bot.api.messages import Message
    from bot.api.refs import CommunityRef, UserRef

    await install(slack, "TA")
    await install(slack, "TB")
    await command_in(slack, "TA")  # the adapter last worked for workspace A
    slack.fake.tokens.clear()
    someone_in_b = UserRef("slack", "U0NEWINB", CommunityRef("slack", "TB"))  # as the delivery service names them
    await slack.adapter.send_dm(someone_in_b, Message(text="Hello"), key="delivery:9")
    used = {token for method, token in slack.fake.tokens if method in ("conversations.open", "chat.postMessage")}
    assert used == {"xoxb-TB"}


async def test_each_workspace_is_named_from_one_auth_test_with_its_own_token(slack: SlackDriver) -> None:
    from bot.api.refs import CommunityRef

    await install(slack, "TA")
    await install(slack, "TB")
    slack.fake.tokens.clear()
    assert slack.adapter is not None
    for _ in range(2):
        assert await slack.adapter.community_name(CommunityRef("slack", "TA")) == "School TA"
        assert await slack.adapter.community_name(CommunityRef("slack", "TB")) == "School TB"
    await slack.adapter.use_team("TB")
    assert await slack.adapter.bot_user_id() == "UBOTTB"  # the installation's, no question asked
    assert [token for method, token in slack.fake.tokens if method == "auth.test"] == ["xoxb-TA", "xoxb-TB"]


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


async def test_privacy_report_counts_installations(slack: SlackDriver) -> None:
    await install(slack, "TA")
    report = await run_privacy_report(slack.core.config, slack.core.db, ManualClock(START))
    assert re.search(r"slack_bots\s+1$", report, re.MULTILINE)
    assert re.search(r"slack_installations\s+1$", report, re.MULTILINE)


def test_oauth_needs_the_client_secret_from_the_environment() -> None:
    config = parse_config({"slack": {"oauth": True, "client_id": "111.222"}})
    with pytest.raises(ConfigError, match=r"^SLACK_CLIENT_SECRET: environment variable required"):
        check_adapter_requirements(config, Secrets(slack_signing_secret=SECRET), ["slack"])


def test_oauth_needs_a_client_id() -> None:
    config = parse_config({"slack": {"oauth": True}})
    with pytest.raises(ConfigError, match=r"^slack\.client_id: a value is required"):
        check_adapter_requirements(config, Secrets(slack_signing_secret=SECRET, slack_client_secret="s"), ["slack"])


def test_oauth_needs_the_public_url_installs_come_back_to() -> None:
    config = parse_config({"slack": {"oauth": True, "client_id": "111.222"}})
    with pytest.raises(ConfigError, match=r"^slack\.public_url: a value is required when slack\.oauth is true"):
        check_adapter_requirements(config, Secrets(slack_signing_secret=SECRET, slack_client_secret="s"), ["slack"])


def test_oauth_with_its_settings_and_secrets_may_start() -> None:
    config = parse_config({"slack": {"oauth": True, "client_id": "111.222", "public_url": "https://hr.example.org"}})
    check_adapter_requirements(config, Secrets(slack_signing_secret=SECRET, slack_client_secret="s"), ["slack"])


def test_oauth_manifest_names_the_redirect_and_the_uninstall_events() -> None:
    config = parse_config({"slack": {"oauth": True, "client_id": "1.2", "public_url": "https://hr.example.org"}})
    manifest = build_manifest(config, {})
    assert manifest["oauth_config"]["redirect_urls"] == ["https://hr.example.org/slack/oauth_redirect"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(manifest["settings"]["event_subscriptions"]["bot_events"])


def test_token_manifest_has_no_redirect() -> None:
    manifest = build_manifest(Config(), {})
    assert "redirect_urls" not in manifest["oauth_config"]
    assert "app_uninstalled" not in manifest["settings"]["event_subscriptions"]["bot_events"]


@pytest.mark.parametrize("name", ["slack_bots", "slack_installations", "slack_oauth_states"])
def test_install_tables_match_what_the_sdk_builds(name: str) -> None:
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
    from sqlalchemy import MetaData

    from bot.db.base import Base

    builders = {"slack_bots": SQLAlchemyInstallationStore.build_bots_table,
                "slack_installations": SQLAlchemyInstallationStore.build_installations_table,
                "slack_oauth_states": SQLAlchemyOAuthStateStore.build_oauth_states_table}
    sdk, ours = builders[name](MetaData(), name), Base.metadata.tables[name]

    def shape(table: object) -> tuple[object, ...]:
        columns = [(c.name, str(c.type), c.nullable, c.primary_key, c.default is None, c.server_default is None)
                   for c in table.c]  # type: ignore[attr-defined]
        indexes = sorted((i.name, tuple(c.name for c in i.columns), i.unique) for i in table.indexes)  # type: ignore[attr-defined]
        return columns, indexes

    assert shape(ours) == shape(sdk)
