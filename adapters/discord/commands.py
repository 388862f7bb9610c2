"""Declared commands as Discord application-command JSON (sync without discord.py's tree,
so interactions are parsed by the adapter and no in-memory callbacks are needed)."""

from __future__ import annotations

from typing import Any

from adapters.discord.locales import description_localizations, name_localizations
from bot.api.commands import CommandSpec, OptionSpec, OptionType
from bot.i18n import Localizer

_TYPES = {OptionType.STRING: 3, OptionType.INTEGER: 4, OptionType.BOOLEAN: 5, OptionType.USER: 6,
          OptionType.CHANNEL: 7, OptionType.ATTACHMENT: 11}
SUB_COMMAND = 1


def option_type(kind: OptionType) -> int:
    """Discord's number for an option type (what an interaction's option object carries)."""
    return _TYPES[kind]


def _option(opt: OptionSpec, names: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {"type": _TYPES[opt.type], "name": opt.name, "name_localizations": names,
                            "description": opt.description[:100],
                            "description_localizations": description_localizations(opt.description),
                            "required": opt.required}
    if opt.choices:
        data["choices"] = [{"name": c.name[:100], "value": c.value,
                            "name_localizations": description_localizations(c.name)} for c in opt.choices[:25]]
    elif opt.autocomplete and opt.type in (OptionType.STRING, OptionType.INTEGER):
        data["autocomplete"] = True
    if opt.min_value is not None:
        data["min_value"] = opt.min_value
    if opt.max_value is not None:
        data["max_value"] = opt.max_value
    return data


def _options(spec: CommandSpec, localizer: Localizer) -> list[dict[str, Any]]:
    # Discord wants required options first.
    ordered = sorted(spec.options, key=lambda o: not o.required)
    names = name_localizations((o.name for o in spec.options), localizer)
    return [_option(o, names[o.name]) for o in ordered]


#: On Discord a command with subcommands cannot itself be run, so a plain command whose name
#: is also a group's root ("poll" beside "poll close") becomes the first free one of these
#: subcommands ("/poll create").
PLAIN_SUBCOMMANDS = ("create", "new", "start", "run")


def _roots(commands: dict[str, CommandSpec]) -> dict[str, list[CommandSpec]]:
    roots: dict[str, list[CommandSpec]] = {}
    for spec in commands.values():
        roots.setdefault(spec.root, []).append(spec)
    return roots


def plain_subcommand(root: str, specs: list[CommandSpec]) -> str:
    taken = {s.subcommand for s in specs}
    return next(name for name in PLAIN_SUBCOMMANDS if name not in taken)


def application_commands(commands: dict[str, CommandSpec], localizer: Localizer | None = None
                         ) -> list[dict[str, Any]]:
    """One chat-input command per root; "signup create" becomes a subcommand of /signup. Every
    name carries ``name_localizations`` and every description ``description_localizations``."""
    localizer = localizer or Localizer()
    roots = _roots(commands)
    root_names = name_localizations(roots, localizer)
    payload = []
    for root, specs in sorted(roots.items()):
        plain = [s for s in specs if s.subcommand is None]
        if plain and len(specs) == 1:
            payload.append({"name": root, "name_localizations": root_names[root], "type": 1,
                            "description": plain[0].description[:100],
                            "description_localizations": description_localizations(plain[0].description),
                            "options": _options(plain[0], localizer), "dm_permission": False})
            continue
        plain_name = plain_subcommand(root, specs) if plain else None
        sub_names = name_localizations((s.subcommand for s in specs if s.subcommand), localizer, extra=plain_name)
        named = [(s.subcommand or plain_name or "", s) for s in specs]
        subs = [{"type": SUB_COMMAND, "name": name, "name_localizations": sub_names[name],
                 "description": s.description[:100],
                 "description_localizations": description_localizations(s.description),
                 "options": _options(s, localizer)} for name, s in sorted(named, key=lambda pair: pair[0])]
        payload.append({"name": root, "name_localizations": root_names[root], "type": 1,
                        "description": f"Homeroom /{root}"[:100], "options": subs, "dm_permission": False})
    return payload


def parse_invocation(data: dict[str, Any], commands: dict[str, CommandSpec] | None = None
                     ) -> tuple[str, list[dict[str, Any]]]:
    """The command name ("signup create") and its raw option objects from interaction data;
    with the declared ``commands``, "/poll create" is read back as the plain "poll"."""
    name = data["name"]
    options = data.get("options", [])
    if options and options[0].get("type") == SUB_COMMAND:
        root, sub = name, options[0]["name"]
        name = f"{root} {sub}"
        options = options[0].get("options", [])
        if commands is not None and name not in commands and root in commands:
            specs = _roots(commands).get(root, [])
            if sub == plain_subcommand(root, specs):
                name = root
    return name, options
