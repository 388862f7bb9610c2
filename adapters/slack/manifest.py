"""The Slack app manifest, generated from the commands the cogs declare.

Every command root is one slash command, named with ``[slack] command_prefix`` exactly as the
adapter registers it (:class:`adapters.slack.names.CommandNames`). The App Home messages tab
is on and writable: without it many workspaces give families no way to write to the bot.

Two modes: one workspace (the default: install the app there and give the bot its
SLACK_BOT_TOKEN), or many (``[slack] oauth = true``: the manifest names the redirect URL and
turns on the uninstall events, each workspace installs through ``<public_url>/slack/install``
once the app's distribution is activated at api.slack.com/apps > Manage Distribution)."""

from __future__ import annotations

from typing import Any

from adapters.slack.names import CommandNames
from bot.api.commands import CommandSpec
from bot.config import Config

BOT_SCOPES = [
    "chat:write", "commands", "reactions:read", "reactions:write", "im:history", "im:read", "im:write",
    "channels:read", "groups:read", "channels:history", "groups:history", "users:read", "files:write",
    # read the files people share: a modal's file input, a file linked in attach:
    "files:read",
    # join a public channel before posting there, instead of failing with not_in_channel
    "channels:join",
]
BOT_EVENTS = ["reaction_added", "reaction_removed", "message.im", "message.channels", "message.groups", "user_change"]
#: OAuth mode: an uninstalled workspace's installation is deleted when these arrive
UNINSTALL_EVENTS = ["app_uninstalled", "tokens_revoked"]


def build_manifest(config: Config, commands: dict[str, CommandSpec]) -> dict[str, Any]:
    settings = config.section("slack")
    url = settings.public_url.rstrip("/") + "/slack/events"
    socket = settings.mode == "socket"
    roots: dict[str, list[CommandSpec]] = {}
    for spec in commands.values():
        roots.setdefault(spec.root, []).append(spec)
    names = CommandNames(settings.command_prefix, roots)
    slash = []
    for root, specs in sorted(roots.items()):
        if len(specs) == 1 and specs[0].subcommand is None:
            description = specs[0].description
            hint = " ".join(f"{o.name}:…" if o.required else f"[{o.name}:…]" for o in specs[0].options)
        else:
            subs = sorted(s.subcommand or "" for s in specs)
            description = f"Homeroom {names.slash(root)}: {', '.join(s for s in subs if s)}"
            hint = "|".join(s for s in subs if s) + " [option:value …]"
        entry: dict[str, Any] = {"command": names.slash(root), "description": description[:100],
                                 "usage_hint": hint[:1000], "should_escape": True}
        if not socket:
            entry["url"] = url
        slash.append(entry)
    oauth = settings.oauth
    app_settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": BOT_EVENTS + (UNINSTALL_EVENTS if oauth else [])},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket,
        "token_rotation_enabled": False,
    }
    if not socket:
        app_settings["event_subscriptions"]["request_url"] = url
        app_settings["interactivity"]["request_url"] = url
    oauth_config: dict[str, Any] = {"scopes": {"bot": BOT_SCOPES}}
    if oauth:
        oauth_config["redirect_urls"] = [settings.public_url.rstrip("/") + "/slack/oauth_redirect"]
    return {
        "display_information": {"name": "Homeroom", "description": "Families and schools, together, in every "
                                "family's language.", "background_color": "#1d4ed8"},
        "features": {"bot_user": {"display_name": "Homeroom", "always_online": True}, "slash_commands": slash,
                     "app_home": {"home_tab_enabled": False, "messages_tab_enabled": True,
                                  "messages_tab_read_only_enabled": False}},
        "oauth_config": oauth_config,
        "settings": app_settings,
    }
