"""The files the bot sends, written where a person at the console can open them.

On Discord or Slack a roster CSV or a poll chart is a file in the chat; the console's
"chat" is a terminal, so each file is written to a folder and its path printed under the
message. The path is printed as configured (relative by default), so a script's
transcript is the same wherever it runs; a file sent again under the same name replaces
the earlier one, as a download would.
"""

from __future__ import annotations

from pathlib import Path, PurePath

from adapters.console.config import Section
from bot.messages import Attachment

DEFAULT_FOLDER = "homeroom-files"


def files_dir(section: Section) -> Path:
    """``[console] files_dir``; unset: a folder beside the journal file, or ./homeroom-files."""
    if section.files_dir:
        return Path(section.files_dir)
    if section.journal_file:
        return Path(section.journal_file).parent / DEFAULT_FOLDER
    return Path(DEFAULT_FOLDER)


def safe_name(filename: str) -> str:
    """The attachment's own name, never a path: a name cannot write outside the folder."""
    name = PurePath(filename.replace("\\", "/")).name.strip()
    if not name or name.startswith("."):
        name = f"file-{name.lstrip('.') or 'attachment'}"
    return name


class FileShelf:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def save(self, attachment: Attachment) -> Path:
        """Write one attachment and return the path a person can open."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / safe_name(attachment.filename)
        path.write_bytes(attachment.content)
        return path
