"""The SDK's own tables (slack_bots, slack_installations, slack_oauth_states), built by the
SDK's table builders on the project's metadata, so they match what the stores query exactly.

Every row is scoped to its workspace by ``team_id`` (and ``enterprise_id`` on Enterprise
Grid); an uninstalled workspace's rows are deleted (adapters/slack/oauth.py)."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import Table

from bot.db.base import Base

BOTS = AsyncSQLAlchemyInstallationStore.default_bots_table_name
INSTALLATIONS = AsyncSQLAlchemyInstallationStore.default_installations_table_name
STATES = AsyncSQLAlchemyOAuthStateStore.default_table_name


def _table(name: str, build: object) -> Table:
    if name in Base.metadata.tables:  # imported twice (tests reload model modules)
        return Base.metadata.tables[name]
    return build(Base.metadata, name)  # type: ignore[operator]


slack_bots = _table(BOTS, AsyncSQLAlchemyInstallationStore.build_bots_table)
slack_installations = _table(INSTALLATIONS, AsyncSQLAlchemyInstallationStore.build_installations_table)
slack_oauth_states = _table(STATES, AsyncSQLAlchemyOAuthStateStore.build_oauth_states_table)


class SlackBot(Base):
    """A workspace's bot token and ids (one row per install; the newest is used)."""

    __table__ = slack_bots


class SlackInstallation(Base):
    """A workspace's installation as Slack returned it from oauth.v2.access."""

    __table__ = slack_installations


class SlackOAuthState(Base):
    """An install link's one-time state, until it is used or expires."""

    __table__ = slack_oauth_states
