"""The documented school-week demo (docs/scripts/school-week.txt) runs to the end and shows
each of its features doing what the comments in the script say."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_the_school_week_demo_runs_to_the_end(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parents[2] / "docs" / "scripts" / "school-week.txt"
    config = tmp_path / "homeroom.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "h.db"}"\n'
                      '[translation]\nprovider = "libre"\nlibre_url = "http://127.0.0.1:9"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "run", "--script", str(demo),
                             "--start", "2026-09-07T12:00:00+00:00"], capture_output=True, text=True, timeout=240,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "A reminder about announcement #1 goes to the 2 families who have not seen it" in out
    assert "Families were already reminded about announcement #1 today." in out
    assert "[#announcements] @here\n    **🚨 Emergency alert**" in out
    assert "Emergency alert (sent again: please press Got it)" in out
    assert "(edit of " in out and "not reached yet: 1 of 3 families**\n    Not confirmed yet: Ana" in out
    assert "[#announcements] **Class newsletter**" in out
    assert "es — 1: 0 · 2: 1 · 3: 0" in out
    post = out[out.index("[#announcements] **Announcement**\n    Field trip"):]
    assert "📎 permission-slip.pdf (" in post and "(saved as " in post  # the post carries the PDF
    maria = post[post.index("[DM → Maria]"):]
    assert "Archivos adjuntos: permission-slip.pdf — " in maria  # its link, in her language
    link = maria.split("Archivos adjuntos: permission-slip.pdf — ", 1)[1].split("\n", 1)[0]
    assert Path(link).read_bytes().startswith(b"%PDF-")  # a file she can open
