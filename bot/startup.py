"""What an operator sees when Homeroom starts: one INFO line saying what is running, and one
line (exit code 2) for every start-up failure they can fix — never a traceback.

Nothing here names an adapter: platform failures are described by the adapter's own ``cli``
module (``describe_startup_error``), see bot/discovery.py.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config


class StartupError(Exception):
    """A start-up failure the operator can fix, in one line that says what to do."""


def database_kind(url: str) -> str:
    """``sqlite`` or ``postgresql``: what the start-up line shows instead of the URL."""
    return url.split(":", 1)[0].split("+", 1)[0]


def safe_url(url: str) -> str:
    """The database URL without its password, fit for an error line."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return database_kind(url) + "://..."


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for any other database)."""
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    return Path(database) if database else None


def check_database_location(url: str) -> None:
    """A SQLite file whose folder is missing fails here, before any connection is tried."""
    path = sqlite_path(url)
    if path is None:
        return
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise StartupError(f"database.url: the folder {folder} for the SQLite file does not exist; "
                           f"create it (mkdir -p {folder}) or point database.url elsewhere")


def describe_database_error(exc: BaseException, url: str) -> str | None:
    """One line for a database that cannot be reached or opened, or None when ``exc`` is
    something else (a bug, which keeps its traceback)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    where = f"database at {safe_url(url)}"
    original: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    while original.__cause__ is not None and not isinstance(original, OSError):  # the driver's own error
        original = original.__cause__
    name = type(original).__name__
    sqlstate = getattr(original, "sqlstate", None)
    if isinstance(original, socket.gaierror):
        return f"{where}: the host name does not resolve ({original.strerror}); check database.url"
    if isinstance(original, ConnectionRefusedError):
        return f"{where}: connection refused; is the server running and listening on that port?"
    if isinstance(original, TimeoutError):
        return f"{where}: no answer in time; check the host, port and firewall"
    if name == "InvalidCatalogNameError" or sqlstate == "3D000":
        return f"{where}: the database does not exist; create it (createdb) or fix database.url"
    if name in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError") or sqlstate in ("28P01", "28000"):
        return f"{where}: the server refused the user or password; check database.url"
    if isinstance(original, OSError):
        reason = original.strerror or str(original) or name
        return f"{where}: cannot connect ({reason})"
    if isinstance(exc, OperationalError | InterfaceError):
        message = str(original).splitlines()[0] if str(original) else name
        return f"{where}: cannot open it ({message})"
    return None


def startup_line(version: str, config: Config, adapters: list[str]) -> str:
    """The one INFO line logged when Homeroom starts. Only names and kinds: no URL, no path,
    no token, no key."""
    providers = {config.translation.provider} | {
        c.translation_provider for c in config.communities.values() if c.translation_provider}
    shown = config.translation.provider + (
        f" (+{', '.join(sorted(providers - {config.translation.provider}))} in some communities)"
        if len(providers) > 1 else "")
    return (f"homeroom {version} starting: adapters {', '.join(adapters)}; database "
            f"{database_kind(config.database.url)}; translation {shown}")
