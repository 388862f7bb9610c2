"""A Slack workspace's name, as ``auth.test`` gives it (Slack stores no name with a
community): asked once, and used where a class is named to people (the digest's class
headings, the households join slip)."""

from __future__ import annotations

import asyncio

from bot.api.refs import CommunityRef
from bot.db.models import Community
from tests.slack.harness import TEAM, SlackDriver


async def test_the_workspace_name_comes_from_auth_test_once(slack: SlackDriver) -> None:
    assert slack.adapter is not None
    before = len(slack.fake.called("auth.test"))
    assert await slack.adapter.community_name(CommunityRef("slack", TEAM)) == "Room 12 families"
    assert await slack.adapter.community_name(CommunityRef("slack", TEAM)) == "Room 12 families"
    assert len(slack.fake.called("auth.test")) == before + 1


async def test_the_bots_user_id_and_the_workspace_name_share_one_auth_test(slack: SlackDriver) -> None:
    assert slack.adapter is not None
    assert await slack.adapter.bot_user_id() == "UBOT"
    assert await slack.adapter.community_name(CommunityRef("slack", TEAM)) == "Room 12 families"
    assert await slack.adapter.bot_user_id() == "UBOT"
    assert len(slack.fake.called("auth.test")) == 1


async def test_callers_arriving_together_wait_for_one_auth_test(slack: SlackDriver) -> None:
    assert slack.adapter is not None
    names = await asyncio.gather(*(slack.adapter.community_name(CommunityRef("slack", TEAM)) for _ in range(5)),
                                 slack.adapter.bot_user_id())
    assert names == ["Room 12 families"] * 5 + ["UBOT"]
    assert len(slack.fake.called("auth.test")) == 1


async def test_a_class_without_a_stored_name_is_called_by_its_workspace_name(slack: SlackDriver) -> None:
    community = await slack.core.ensure_community(CommunityRef("slack", TEAM))
    assert not community.name
    assert await slack.core.community_name(community, "Homeroom") == "Room 12 families"


async def test_a_stored_name_wins_over_the_platforms(slack: SlackDriver) -> None:
    community = Community(platform="slack", external_id=TEAM, name="Ms Lee's class")
    assert await slack.core.community_name(community) == "Ms Lee's class"
