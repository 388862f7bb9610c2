"""The ``homeroom`` command line.

Every configuration or start-up mistake an operator can fix (a typo in the file, a database
that is down, migrations behind, a token the platform rejects) ends with one line on
standard error and exit code 2; a bad script line ends with exit code 1 and its line
number; nothing prints a traceback at an operator.

Imports are deferred to the command that needs them: ``homeroom --version`` loads no
database, translation or platform library, and adapters are found by a folder scan
(bot/discovery.py), so a platform SDK is imported only when its adapter is chosen.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import __version__
from bot.discovery import adapter_cli, adapter_names, embedded_adapter, platform_adapters

if TYPE_CHECKING:
    from datetime import datetime

    from bot.config import Config, Secrets
    from bot.db.engine import Database

log = logging.getLogger("homeroom")

EXIT_CONFIG = 2


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="configuration file (default: ./homeroom.toml or $HOMEROOM_CONFIG)")


def load(args: argparse.Namespace) -> tuple[Config, Secrets]:
    """Configuration and secrets for a command, or a ConfigError."""
    from bot.config import Secrets, find_config_path, load_config

    config = load_config(find_config_path(getattr(args, "config", None)))
    return config, Secrets.from_env()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="homeroom", description="Homeroom: families and schools, together, "
                                     "where they already chat.")
    parser.add_argument("--version", action="version", version=f"homeroom {__version__}")
    _common(parser)
    parser.add_argument("--log-format", choices=("text", "json"), default=None, help="log line format")
    parser.add_argument("--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"), default=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    adapter_choices = (*adapter_names(), "all")
    embedded = embedded_adapter() or "embedded"

    run = sub.add_parser("run", help="start the bot")
    _common(run)
    run.add_argument("--adapter", choices=adapter_choices, default=None,
                     help=f"which platform(s) to serve (default: the {embedded} adapter when no tokens are set)")
    run.add_argument("--script", metavar="FILE", default=None,
                     help=f"run {embedded} lines from FILE (or - for standard input) and exit")
    run.add_argument("--start", metavar="ISO", default=None,
                     help=f"{embedded} clock start for scripts, e.g. 2026-09-07T08:00:00+00:00")
    run.add_argument("--no-migrate", action="store_true",
                     help="do not apply migrations; refuse to start if the database is behind "
                          "(for deployments that run `homeroom db upgrade` as a separate step)")
    run.set_defaults(func=cmd_run)

    db = sub.add_parser("db", help="database tasks (Alembic migrations)")
    db_sub = db.add_subparsers(dest="db_command", metavar="TASK", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply database migrations")
    _common(upgrade)
    upgrade.add_argument("revision", nargs="?", default="head", help="target revision (default: head)")
    upgrade.set_defaults(func=cmd_db_upgrade)
    downgrade = db_sub.add_parser("downgrade", help="undo migrations down to REV (a revision id, -1 or base)")
    _common(downgrade)
    downgrade.add_argument("revision", metavar="REV")
    downgrade.set_defaults(func=cmd_db_downgrade)
    current = db_sub.add_parser("current", help="print the database's revision and whether it is the newest")
    _common(current)
    current.set_defaults(func=cmd_db_current)
    history = db_sub.add_parser("history", help="list the migrations this release ships, newest first")
    _common(history)
    history.set_defaults(func=cmd_db_history)

    health = sub.add_parser("health", help="exit 0 when the database answers and is migrated (container "
                                           "health checks)")
    _common(health)
    health.set_defaults(func=cmd_health)

    check = sub.add_parser("check-config", help="validate the configuration and exit")
    _common(check)
    check.add_argument("--adapter", choices=adapter_choices, default=None)
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

    for name in adapter_names():
        module = adapter_cli(name)
        register = getattr(module, "register_cli", None)
        if register is not None:
            register(sub, load)
    return parser


def _adapters_for(choice: str | None, secrets: Secrets) -> list[str]:
    from bot.config import default_adapters

    if choice is None:
        return default_adapters(secrets)
    if choice == "all":
        return platform_adapters()
    return [choice]


def _configure_logging(config: Config, args: argparse.Namespace) -> None:
    """Log lines as configured; each adapter's ``cli`` module may name its platform library's
    loggers to keep to warnings (``QUIET_LOGGERS``) and warnings that do not apply
    (``IRRELEVANT_WARNINGS``, ``{logger: phrase}``)."""
    from bot.util.logging_setup import configure_logging

    quiet: list[str] = []
    irrelevant: dict[str, str] = {}
    for name in adapter_names():
        module = adapter_cli(name)
        quiet.extend(getattr(module, "QUIET_LOGGERS", ()))
        irrelevant.update(getattr(module, "IRRELEVANT_WARNINGS", {}))
    configure_logging(args.log_level or config.homeroom.log_level, args.log_format or config.homeroom.log_format,
                      quiet=quiet, irrelevant=irrelevant)


# ----- database guard ----------------------------------------------------------------------

@contextlib.asynccontextmanager
async def _database_guard(url: str) -> AsyncIterator[None]:
    """Turns a database that is missing, down or at an unknown revision into one StartupError
    line; anything else (a bug) keeps its traceback."""
    from bot.db.migrate import MigrationError
    from bot.startup import StartupError, check_database_location, describe_database_error

    check_database_location(url)
    try:
        yield
    except MigrationError as exc:
        raise StartupError(f"database: {exc}") from None
    except Exception as exc:
        line = describe_database_error(exc, url)
        if line is None:
            raise
        raise StartupError(line) from None


async def _prepare(db: Database, *, migrate: bool) -> None:
    """The database at the newest schema: migrated, or (``migrate=False``) checked."""
    from bot.db import migrate as migrations
    from bot.startup import StartupError

    async with _database_guard(db.url):
        if migrate:
            await migrations.upgrade(db)
            return
        if not await migrations.is_current(db):
            current = await migrations.current_revisions(db)
            current_text = migrations.describe(current) if current else "empty"
            raise StartupError(f"database: at revision {current_text}, this release needs "
                               f"{migrations.describe(migrations.shipped_heads())}; run `homeroom db upgrade` first")


@contextlib.asynccontextmanager
async def _database(config: Config) -> AsyncIterator[Database]:
    from bot.db.engine import Database

    db = Database(config.database.url)
    try:
        yield db
    finally:
        await db.dispose()


@contextlib.asynccontextmanager
async def _upgraded_database(config: Config) -> AsyncIterator[Database]:
    """The configured database at the newest schema, disposed of afterwards: what every
    one-shot command (translate, privacy report) starts from."""
    async with _database(config) as db:
        await _prepare(db, migrate=True)
        yield db


# ----- commands ----------------------------------------------------------------------------

def cmd_check_config(args: argparse.Namespace) -> int:
    from bot.config import check_adapter_requirements, check_cog_requirements, find_config_path

    config, secrets = load(args)
    adapters = _adapters_for(getattr(args, "adapter", None), secrets)
    check_adapter_requirements(config, secrets, adapters)
    check_cog_requirements(config, secrets)
    source = find_config_path(getattr(args, "config", None))
    print(f"configuration OK ({source or 'built-in defaults'}; adapters: {', '.join(adapters)})")
    return 0


def _run_db(args: argparse.Namespace, task: Callable[[Database], Any]) -> int:
    import asyncio

    config, _ = load(args)
    _configure_logging(config, args)

    async def go() -> int:
        async with _database(config) as db, _database_guard(db.url):
            return int(await task(db) or 0)

    return asyncio.run(go())


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.db.migrate import current_revisions, describe, upgrade

    async def task(db: Database) -> None:
        await upgrade(db, args.revision)
        print(f"database at revision {describe(await current_revisions(db))}")

    return _run_db(args, task)


def cmd_db_downgrade(args: argparse.Namespace) -> int:
    from bot.db.migrate import current_revisions, describe, downgrade

    async def task(db: Database) -> None:
        await downgrade(db, args.revision)
        print(f"database at revision {describe(await current_revisions(db))}")

    return _run_db(args, task)


def cmd_db_current(args: argparse.Namespace) -> int:
    from bot.db.migrate import current_revisions, describe, head_revisions

    async def task(db: Database) -> None:
        current, heads = await current_revisions(db), head_revisions()
        state = "the newest" if current == heads else f"behind {describe(heads)}: run `homeroom db upgrade`"
        print(f"database at revision {describe(current)} ({state})")

    return _run_db(args, task)


def cmd_db_history(args: argparse.Namespace) -> int:
    from bot.db.migrate import history

    print("\n".join(history()))
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    """A database round trip and the schema check: what a container HEALTHCHECK runs. Unhealthy
    is exit code 1 with the reason in one line (Docker reserves exit code 2 in health checks);
    a configuration error is still exit code 2."""
    from bot.db.migrate import describe, shipped_heads
    from bot.startup import StartupError

    async def task(db: Database) -> None:
        await _prepare(db, migrate=False)
        print(f"ok (database at revision {describe(shipped_heads())})")

    try:
        return _run_db(args, task)
    except StartupError as exc:
        print(f"homeroom: unhealthy: {exc}", file=sys.stderr)
        return 1


def cmd_translate(args: argparse.Namespace) -> int:
    import asyncio

    config, secrets = load(args)
    _configure_logging(config, args)

    async def _go() -> int:
        from bot.translation.cli import run_translate_cli
        from bot.util.clock import SystemClock

        async with _upgraded_database(config) as db:
            return await run_translate_cli(config, secrets, db, to=args.to, text=args.text, stats=args.stats,
                                           languages=args.languages, clock=SystemClock())

    return asyncio.run(_go())


def cmd_privacy_report(args: argparse.Namespace) -> int:
    import asyncio

    config, _ = load(args)
    _configure_logging(config, args)

    async def _go() -> int:
        from bot.app import run_privacy_report
        from bot.util.clock import SystemClock

        async with _upgraded_database(config) as db:
            print(await run_privacy_report(config, db, SystemClock()))
        return 0

    return asyncio.run(_go())


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio
    from datetime import UTC, datetime

    from bot.config import ConfigError, check_adapter_requirements, check_cog_requirements

    config, secrets = load(args)
    adapters = _adapters_for(args.adapter, secrets)
    if not adapters:
        raise ConfigError("--adapter: no adapter to start; set a platform's token or choose one with --adapter")
    embedded = embedded_adapter()
    if args.script is not None and adapters != [embedded]:
        raise ConfigError(f"--script: scripts run on the {embedded} adapter only (use --adapter {embedded})")
    check_adapter_requirements(config, secrets, adapters)
    check_cog_requirements(config, secrets)
    start = None
    if args.start:
        try:
            start = datetime.fromisoformat(args.start)
        except ValueError:
            raise ConfigError(f"--start: expected an ISO date and time, got {args.start!r}") from None
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
    _configure_logging(config, args)
    return asyncio.run(_serve(config, secrets, adapters, script=args.script, start=start,
                              migrate=not args.no_migrate))


async def _serve(config: Config, secrets: Secrets, adapters: list[str], *, script: str | None,
                 start: datetime | None, migrate: bool = True) -> int:
    import asyncio

    from bot.app import CogDeclarationError, build_core, deferred_translator, load_adapter_module
    from bot.db.engine import Database
    from bot.startup import StartupError, startup_line
    from bot.util.clock import ManualClock, SystemClock

    embedded = embedded_adapter()
    embedded_only = embedded is not None and adapters == [embedded]
    lines = await _script_lines(script) if embedded_only and script is not None else None
    own = contextlib.ExitStack()  # what a script keeps to itself (its own database)
    script_config = getattr(adapter_cli(embedded), "script_config", None) if lines is not None else None  # type: ignore[arg-type]
    if script_config is not None:
        config = own.enter_context(script_config(config))
    clock = ManualClock(start) if embedded_only else SystemClock()
    db = Database(config.database.url, echo=config.database.echo, pool_size=config.database.pool_size)
    # A script often translates nothing before it is ready: load the provider stack on first use.
    translator = deferred_translator(config, secrets, db, clock) if embedded_only else None
    try:
        core = build_core(config, secrets=secrets, db=db, clock=clock, translator=translator)
    except CogDeclarationError as exc:
        await db.dispose()
        raise StartupError(f"cog {exc}") from None
    http = None
    try:
        await _prepare(core.db, migrate=migrate)
        for name in adapters:
            await _preflight(name, config, secrets)
        if config.http.serves(adapters, embedded):
            http = await _start_http(core, config)
        # Everything an operator can get wrong has been checked: say what is starting.
        log.info("%s", startup_line(__version__, config, adapters))
        if not embedded_only:
            from bot.api.when import warm_up

            await asyncio.to_thread(warm_up)
        started = [load_adapter_module(name).create(core) for name in adapters]
        await core.start()
        if embedded_only:
            await core.platform_ready(embedded)  # type: ignore[arg-type]
            return await adapter_cli(embedded).run_embedded(started[0], lines)  # type: ignore[arg-type,union-attr]
        return await _run_platforms(core, list(zip(adapters, started, strict=True)))
    finally:
        if http is not None:
            await http.stop()
        close = getattr(core.translator, "close", None)
        if close is not None:
            await close()
        await core.db.dispose()
        own.close()


async def _start_http(core: Any, config: Config) -> Any:
    """/healthz and /metrics; a port that cannot be bound is one line naming the setting."""
    from bot.runtime.http_server import HttpServer
    from bot.startup import StartupError

    server = HttpServer(core, config.http.host, config.http.port)
    try:
        await server.start()
    except OSError as exc:
        await server.stop()
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise StartupError(f"http.port: cannot listen on {config.http.host}:{config.http.port} ({reason.lower()}); "
                           f"choose another port or set http.enabled = false") from None
    return server


async def _script_lines(script: str) -> list[str]:
    import asyncio

    from bot.config import ConfigError

    if script == "-":
        return sys.stdin.read().splitlines()
    try:
        return (await asyncio.to_thread(Path(script).read_text, encoding="utf-8")).splitlines()
    except OSError as exc:
        raise ConfigError(f"--script: cannot read {script} ({exc.strerror})") from None


async def _preflight(name: str, config: Config, secrets: Secrets) -> None:
    """The adapter's own start-up check (a token the platform rejects...), if it has one."""
    from bot.startup import StartupError

    check = getattr(adapter_cli(name), "preflight", None)
    if check is None:
        return
    try:
        await check(config, secrets)
    except Exception as exc:
        line = _describe_adapter_failure(name, exc)
        if line is None:
            raise
        raise StartupError(line) from None


def _describe_adapter_failure(name: str, exc: BaseException) -> str | None:
    describe = getattr(adapter_cli(name), "describe_startup_error", None)
    return describe(exc) if describe is not None else None


async def _run_platforms(core: Any, started: list[tuple[str, Any]]) -> int:
    import asyncio
    import signal

    from bot.startup import StartupError

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    tasks = {asyncio.create_task(adapter.start()): name for name, adapter in started}
    jobs = asyncio.create_task(core.jobs.run_forever())
    waiter = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([*tasks, jobs, waiter], return_when=asyncio.FIRST_COMPLETED)
    core.jobs.stop()
    for _, adapter in started:
        with contextlib.suppress(Exception):
            await adapter.stop()
    for task in [*tasks, jobs]:
        task.cancel()
    await asyncio.gather(*tasks, jobs, return_exceptions=True)
    for task in done:
        if task is waiter or task.cancelled() or task.exception() is None:
            continue
        exc = task.exception()
        assert exc is not None
        line = _describe_adapter_failure(tasks[task], exc) if task in tasks else None
        if line is not None:
            raise StartupError(line)
        log.error("an adapter stopped with an error: %s", type(exc).__name__)
        return 1
    return 0


def main(argv: list[str] | None = None, *, out: Callable[[str], None] | None = None) -> int:
    from bot.discovery import DeclarationError

    try:
        parser = build_parser()
    except DeclarationError as exc:
        print(f"homeroom: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    from bot.config import ConfigError
    from bot.startup import StartupError

    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"homeroom: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except StartupError as exc:
        print(f"homeroom: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
