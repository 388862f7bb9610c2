"""The tables of slack_sdk's SQLAlchemy installation and OAuth state stores
(slack_bots, slack_installations, slack_oauth_states), declared here column for column as the
SDK builds them (tests/slack/test_oauth.py compares the two), so the bot's migrations create
what the SDK's stores query. A cog imports no platform SDK, hence the copy of the schema.

Every row is scoped to its workspace by ``team_id`` (and ``enterprise_id`` on Enterprise
Grid); an uninstalled workspace's rows are deleted (adapters/slack/adapter.py)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, func

from bot.db.base import Base

slack_bots = Table(
    "slack_bots", Base.metadata,
    Column('id', Integer, primary_key=True, autoincrement=True),
    Column('client_id', String(32), nullable=False),
    Column('app_id', String(32), nullable=False),
    Column('enterprise_id', String(32), nullable=True),
    Column('enterprise_name', String(200), nullable=True),
    Column('team_id', String(32), nullable=True),
    Column('team_name', String(200), nullable=True),
    Column('bot_token', String(200), nullable=True),
    Column('bot_id', String(32), nullable=True),
    Column('bot_user_id', String(32), nullable=True),
    Column('bot_scopes', String(1000), nullable=True),
    Column('bot_refresh_token', String(200), nullable=True),
    Column('bot_token_expires_at', DateTime, nullable=True),
    Column('is_enterprise_install', Boolean, default=False, nullable=False),
    Column('installed_at', DateTime, default=func.now(), nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_installations = Table(
    "slack_installations", Base.metadata,
    Column('id', Integer, primary_key=True, autoincrement=True),
    Column('client_id', String(32), nullable=False),
    Column('app_id', String(32), nullable=False),
    Column('enterprise_id', String(32), nullable=True),
    Column('enterprise_name', String(200), nullable=True),
    Column('enterprise_url', String(200), nullable=True),
    Column('team_id', String(32), nullable=True),
    Column('team_name', String(200), nullable=True),
    Column('bot_token', String(200), nullable=True),
    Column('bot_id', String(32), nullable=True),
    Column('bot_user_id', String(32), nullable=True),
    Column('bot_scopes', String(1000), nullable=True),
    Column('bot_refresh_token', String(200), nullable=True),
    Column('bot_token_expires_at', DateTime, nullable=True),
    Column('user_id', String(32), nullable=False),
    Column('user_token', String(200), nullable=True),
    Column('user_scopes', String(1000), nullable=True),
    Column('user_refresh_token', String(200), nullable=True),
    Column('user_token_expires_at', DateTime, nullable=True),
    Column('incoming_webhook_url', String(200), nullable=True),
    Column('incoming_webhook_channel', String(200), nullable=True),
    Column('incoming_webhook_channel_id', String(200), nullable=True),
    Column('incoming_webhook_configuration_url', String(200), nullable=True),
    Column('is_enterprise_install', Boolean, default=False, nullable=False),
    Column('token_type', String(32), nullable=True),
    Column('installed_at', DateTime, default=func.now(), nullable=False),
    Index("slack_installations_idx", "client_id", "enterprise_id", "team_id", "user_id", "installed_at"),
)

slack_oauth_states = Table(
    "slack_oauth_states", Base.metadata,
    Column('id', Integer, primary_key=True, autoincrement=True),
    Column('state', String(200), nullable=False),
    Column('expire_at', DateTime, nullable=False),
)


class SlackBot(Base):
    """A workspace's bot token and ids (one row per install; the newest is used)."""

    __table__ = slack_bots


class SlackInstallation(Base):
    """A workspace's installation as Slack returned it from oauth.v2.access."""

    __table__ = slack_installations


class SlackOAuthState(Base):
    """An install link's one-time state, until it is used or expires."""

    __table__ = slack_oauth_states
