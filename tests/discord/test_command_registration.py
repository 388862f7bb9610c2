"""Every declared command can be typed on Discord: the registered application commands,
read back the way an interaction arrives, name each declared command exactly once."""

from __future__ import annotations

from adapters.discord.commands import SUB_COMMAND, application_commands, parse_invocation
from bot.app import build_core
from bot.config import Config
from bot.testing import FakeTranslator


def _invocable(payload: list[dict]) -> list[dict]:
    """What a person can run: a root without subcommands, or each subcommand of a group."""
    found = []
    for root in payload:
        subs = [o for o in root.get("options", []) if o.get("type") == SUB_COMMAND]
        if not subs:
            found.append({"name": root["name"], "type": 1, "options": []})
        found += [{"name": root["name"], "type": 1, "options": [{"name": s["name"], "type": SUB_COMMAND,
                                                                 "options": []}]} for s in subs]
    return found


def test_every_declared_command_is_invocable_on_discord_exactly_once() -> None:
    commands = build_core(Config(), translator=FakeTranslator()).commands
    reached = [parse_invocation(data, commands)[0] for data in _invocable(application_commands(commands))]
    assert sorted(reached) == sorted(commands)


def test_a_plain_command_beside_its_group_is_the_groups_create_subcommand() -> None:
    commands = build_core(Config(), translator=FakeTranslator()).commands
    poll = next(c for c in application_commands(commands) if c["name"] == "poll")
    assert sorted(o["name"] for o in poll["options"]) == ["close", "create"]
    create = next(o for o in poll["options"] if o["name"] == "create")
    assert {o["name"] for o in create["options"]} >= {"question", "options"}


def test_an_integer_option_with_a_completion_source_asks_discord_for_autocomplete() -> None:
    commands = build_core(Config(), translator=FakeTranslator()).commands
    reply = next(c for c in application_commands(commands) if c["name"] == "reply")
    assert next(o for o in reply["options"] if o["name"] == "id")["autocomplete"] is True
