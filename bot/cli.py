"""The ``homeroom`` command line.

Every configuration mistake ends with one line on standard error and exit code 2; a bad
console script line ends with exit code 1 and its line number; nothing prints a traceback
at an operator.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import __version__
from bot.config import (
    Config,
    ConfigError,
    Secrets,
    check_adapter_requirements,
    default_adapters,
    find_config_path,
    load_config,
)

if TYPE_CHECKING:
    from bot.db.engine import Database

log = logging.getLogger("homeroom")

EXIT_CONFIG = 2
ADAPTER_CLI_MODULES = ("adapters.discord.cli", "adapters.slack.cli")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="configuration file (default: ./homeroom.toml or $HOMEROOM_CONFIG)")


def load(args: argparse.Namespace) -> tuple[Config, Secrets]:
    """Configuration and secrets for a command, or a ConfigError."""
    config = load_config(find_config_path(getattr(args, "config", None)))
    return config, Secrets.from_env()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="homeroom", description="Homeroom: families and schools, together, "
                                     "in Discord and Slack.")
    parser.add_argument("--version", action="version", version=f"homeroom {__version__}")
    _common(parser)
    parser.add_argument("--log-format", choices=("text", "json"), default=None, help="log line format")
    parser.add_argument("--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"), default=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="start the bot")
    _common(run)
    run.add_argument("--adapter", choices=("console", "discord", "slack", "all"), default=None,
                     help="which platform(s) to serve (default: the console when no tokens are set)")
    run.add_argument("--script", metavar="FILE", default=None,
                     help="run console lines from FILE (or - for standard input) and exit")
    run.add_argument("--start", metavar="ISO", default=None,
                     help="console clock start for scripts, e.g. 2026-09-07T08:00:00+00:00")
    run.set_defaults(func=cmd_run)

    db = sub.add_parser("db", help="database tasks")
    db_sub = db.add_subparsers(dest="db_command", metavar="TASK", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply database migrations")
    _common(upgrade)
    upgrade.set_defaults(func=cmd_db_upgrade)

    check = sub.add_parser("check-config", help="validate the configuration and exit")
    _common(check)
    check.add_argument("--adapter", choices=("console", "discord", "slack", "all"), default=None)
    check.set_defaults(func=cmd_check_config)

    translate = sub.add_parser("translate", help="try the translation provider")
    _common(translate)
    translate.add_argument("--to", metavar="LANG", default=None, help="target language (code or name)")
    translate.add_argument("--stats", action="store_true", help="show translation cache statistics")
    translate.add_argument("--languages", action="store_true", help="list languages the provider supports")
    translate.add_argument("text", nargs="?", default=None)
    translate.set_defaults(func=cmd_translate)

    privacy = sub.add_parser("privacy", help="privacy tasks")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", metavar="TASK", required=True)
    report = privacy_sub.add_parser("report", help="what is held and what the next purge removes")
    _common(report)
    report.set_defaults(func=cmd_privacy_report)

    for module_name in ADAPTER_CLI_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and module_name.startswith(exc.name):
                continue
            raise
        module.register_cli(sub, load)
    return parser


def _adapters_for(choice: str | None, secrets: Secrets) -> list[str]:
    if choice is None:
        return default_adapters(secrets)
    if choice == "all":
        return ["discord", "slack"]
    return [choice]


def _configure_logging(config: Config, args: argparse.Namespace) -> None:
    level = args.log_level or config.homeroom.log_level
    fmt = args.log_format or config.homeroom.log_format
    try:
        from bot.logging_setup import configure_logging
    except ImportError:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    else:
        configure_logging(level, fmt)
    # Alembic announces its plugins at INFO on every start; operators need only its warnings.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLevelName(level)))


# ----- commands ----------------------------------------------------------------------------

def cmd_check_config(args: argparse.Namespace) -> int:
    config, secrets = load(args)
    adapters = _adapters_for(getattr(args, "adapter", None), secrets)
    check_adapter_requirements(config, secrets, adapters)
    source = find_config_path(getattr(args, "config", None))
    print(f"configuration OK ({source or 'built-in defaults'}; adapters: {', '.join(adapters)})")
    return 0


@contextlib.asynccontextmanager
async def _upgraded_database(config: Config) -> AsyncIterator[Database]:
    """The configured database at the newest schema, disposed of afterwards: what every
    one-shot command (migrate, translate, privacy report) starts from."""
    from bot.db.engine import Database
    from bot.db.migrate import upgrade

    db = Database(config.database.url)
    try:
        await upgrade(db)
        yield db
    finally:
        await db.dispose()


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    config, _ = load(args)
    _configure_logging(config, args)

    async def _go() -> None:
        from bot.db.migrate import current_revision

        async with _upgraded_database(config) as db:
            print(f"database at revision {await current_revision(db)}")

    asyncio.run(_go())
    return 0


def cmd_translate(args: argparse.Namespace) -> int:
    config, secrets = load(args)
    _configure_logging(config, args)

    async def _go() -> int:
        from bot.clock import SystemClock
        from bot.translation.cli import run_translate_cli

        async with _upgraded_database(config) as db:
            return await run_translate_cli(config, secrets, db, to=args.to, text=args.text, stats=args.stats,
                                           languages=args.languages, clock=SystemClock())

    return asyncio.run(_go())


def cmd_privacy_report(args: argparse.Namespace) -> int:
    config, _ = load(args)
    _configure_logging(config, args)

    async def _go() -> int:
        from bot.clock import SystemClock
        from bot.retention import run_privacy_report

        async with _upgraded_database(config) as db:
            print(await run_privacy_report(config, db, SystemClock()))
        return 0

    return asyncio.run(_go())


def cmd_run(args: argparse.Namespace) -> int:
    config, secrets = load(args)
    adapters = _adapters_for(args.adapter, secrets)
    if args.script is not None and adapters != ["console"]:
        raise ConfigError("--script: scripts run on the console adapter only (use --adapter console)")
    check_adapter_requirements(config, secrets, adapters)
    start = None
    if args.start:
        try:
            start = datetime.fromisoformat(args.start)
        except ValueError:
            raise ConfigError(f"--start: expected an ISO date and time, got {args.start!r}") from None
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
    _configure_logging(config, args)
    return asyncio.run(_serve(config, secrets, adapters, script=args.script, start=start))


async def _serve(config: Config, secrets: Secrets, adapters: list[str], *, script: str | None,
                 start: datetime | None) -> int:
    from bot.app import build_core, load_adapter_module
    from bot.clock import ManualClock, SystemClock
    from bot.db.migrate import upgrade
    from bot.when import warm_up

    console_only = adapters == ["console"]
    clock = ManualClock(start) if console_only else SystemClock()
    core = build_core(config, secrets=secrets, clock=clock)
    try:
        await upgrade(core.db)
        await asyncio.to_thread(warm_up)
        started = [load_adapter_module(name).create(core) for name in adapters]
        await core.start()
        if console_only:
            return await _run_console(core, started[0], script)
        return await _run_platforms(core, started)
    finally:
        close = getattr(core.translator, "close", None)
        if close is not None:
            await close()
        await core.db.dispose()


async def _run_console(core: Any, console: Any, script: str | None) -> int:
    from adapters.console.runner import run_interactive, run_script

    await core.platform_ready("console")
    if script is None:
        return await run_interactive(console, core.config.console.history_file)
    if script == "-":
        lines = sys.stdin.read().splitlines()
    else:
        try:
            lines = (await asyncio.to_thread(Path(script).read_text, encoding="utf-8")).splitlines()
        except OSError as exc:
            raise ConfigError(f"--script: cannot read {script} ({exc.strerror})") from None
    return await run_script(console, lines)


async def _run_platforms(core: Any, started: list[Any]) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    tasks = [asyncio.create_task(adapter.start()) for adapter in started]
    tasks.append(asyncio.create_task(core.jobs.run_forever()))
    waiter = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([*tasks, waiter], return_when=asyncio.FIRST_COMPLETED)
    core.jobs.stop()
    for adapter in started:
        with contextlib.suppress(Exception):
            await adapter.stop()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        if task is not waiter and task.exception() is not None:
            log.error("an adapter stopped with an error: %s", type(task.exception()).__name__)
            return 1
    return 0


def main(argv: list[str] | None = None, *, out: Callable[[str], None] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"homeroom: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
