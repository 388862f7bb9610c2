"""The console adapter's settings (``[console]``). It needs no secret and no network, so it
has no start-up requirements. Found by bot/discovery.py."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)

    community_name: str = "Room 12"
    history_file: str = ""
    #: where the console records each direct message it delivered, by delivery key, so a
    #: restart after a crash never delivers one twice ("" keeps the record in memory)
    journal_file: str = ""
    #: folder where the console writes the files the bot sends (a roster, a chart) so a
    #: person can open them ("" means homeroom-files beside the journal, or ./homeroom-files)
    files_dir: str = ""
