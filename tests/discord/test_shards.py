"""Several processes share a large Discord deployment by shards: each runs the shards its
configuration names."""

from __future__ import annotations


def test_a_process_runs_the_shards_its_configuration_names() -> None:
    import discord

    from adapters.discord import DiscordAdapter
    from bot.app import build_core
    from bot.config import Secrets, parse_config

    config = parse_config({"discord": {"shard_count": 4, "shard_ids": [1, 3]}})
    adapter = DiscordAdapter(build_core(config, secrets=Secrets(discord_token="x")))
    assert isinstance(adapter.client, discord.AutoShardedClient)
    assert (adapter.client.shard_count, adapter.client.shard_ids) == (4, [1, 3])
