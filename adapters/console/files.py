"""The files the bot sends, written where a person at the console can open them.

On Discord or Slack a roster CSV or a poll chart is a file in the chat; the console's
"chat" is a terminal, so each file is written to a folder and its path printed under the
message. The path is printed as configured (relative by default), so a script's
transcript is the same wherever it runs; a file sent again under the same name replaces
the earlier one, as a download would.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePath

from adapters.console.config import Section
from bot.api.messages import Attachment, FileRef, FileUnavailable

DEFAULT_FOLDER = "homeroom-files"
CONSOLE = "console"

#: how the kinds of file a school sends begin (a platform tells their type; here the bytes do,
#: so a renamed program is not taken for a PDF)
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
              (b"GIF89a", "image/gif"), (b"%PDF-", "application/pdf"))


def sniff(head: bytes, filename: str) -> str:
    """The media type of a file from its first bytes; a kind not known here by its name."""
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    # a name promising one of the kinds above whose bytes are not that kind is not that kind
    return "application/octet-stream" if guessed in {kind for _, kind in SIGNATURES} | {"image/webp"} else guessed


#: files shipped with the console for its demo scripts (a permission slip), attached by name
SAMPLES = Path(__file__).parent / "samples"


def shared_file(text: str) -> FileRef | None:
    """``attach:PATH``: the file at that path, by reference (the path as written, so a
    script reads the same anywhere), or None when it is no file the bot can read. A bare
    name that is no file here but one of the console's samples (``permission-slip.pdf``)
    is that sample (linked where it is installed), so a demo script attaches it wherever it
    runs."""
    path = Path(text).expanduser()
    where = path
    if not path.is_file() and path.name == text and (SAMPLES / text).is_file():
        where = SAMPLES / text
    try:
        if not where.is_file():
            return None
        with where.open("rb") as handle:
            head = handle.read(16)
        size = where.stat().st_size
    except OSError:
        return None
    return FileRef(CONSOLE, str(where), path.name, size, sniff(head, path.name), str(where))


def fetch(file: FileRef) -> Attachment:
    """A shared file's bytes when it is posted; gone or unreadable by then: FileUnavailable."""
    try:
        content = Path(file.id).expanduser().read_bytes()
    except OSError as exc:
        raise FileUnavailable(file, exc.strerror or type(exc).__name__) from exc
    return Attachment(file.filename, content, file.content_type)


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
