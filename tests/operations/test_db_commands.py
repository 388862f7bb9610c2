"""``homeroom db upgrade|downgrade|current|history``: Alembic's commands, with one-line answers."""

from __future__ import annotations

from pathlib import Path

from bot.db.migrate import alembic_config, describe, head_revision, head_revisions, shipped_heads
from tests.operations.run import homeroom, write_config


def _db(tmp_path: Path, *task: str) -> tuple[int, str, str]:
    result = homeroom(["--config", str(write_config(tmp_path)), "db", *task], cwd=tmp_path)
    return result.returncode, result.stdout.strip(), result.stderr.strip()


def test_current_on_a_new_database_says_it_is_empty_and_behind(tmp_path: Path) -> None:
    code, out, _ = _db(tmp_path, "current")
    assert code == 0
    assert out == f"database at revision base (empty) (behind {describe(head_revisions())}: run `homeroom db upgrade`)"


def test_upgrade_then_current_says_newest(tmp_path: Path) -> None:
    assert _db(tmp_path, "upgrade")[1] == f"database at revision {describe(head_revisions())}"
    assert _db(tmp_path, "current")[1] == f"database at revision {describe(head_revisions())} (the newest)"


def test_downgrade_the_core_one_step_takes_the_branches_built_on_it_and_upgrade_again(tmp_path: Path) -> None:
    _db(tmp_path, "upgrade")
    from alembic.script import ScriptDirectory

    previous = ScriptDirectory.from_config(alembic_config()).get_revision(head_revision()).down_revision
    code, out, err = _db(tmp_path, "downgrade", str(previous))
    assert code == 0, err
    assert out == f"database at revision {previous}"
    assert _db(tmp_path, "upgrade")[1] == f"database at revision {describe(head_revisions())}"


def test_downgrade_to_an_unknown_revision_is_one_line_exit_2(tmp_path: Path) -> None:
    _db(tmp_path, "upgrade")
    code, _, err = _db(tmp_path, "downgrade", "nope")
    assert code == 2
    assert len(err.splitlines()) == 1 and "nope" in err and "Traceback" not in err


def test_history_lists_every_shipped_revision_newest_first(tmp_path: Path) -> None:
    code, out, _ = _db(tmp_path, "history")
    assert code == 0
    from alembic.script import ScriptDirectory

    shipped = [script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()]
    lines = out.splitlines()
    assert len(lines) == len(shipped)
    listed = {line.split(" -> ")[1].split(" ")[0].rstrip(":"): " (head): " in line for line in lines}
    assert set(listed) == set(shipped)
    assert {revision for revision, is_head in listed.items() if is_head} == set(head_revisions())
    assert lines[-1].startswith("<base> -> 0001: ")


def test_the_heads_read_from_the_files_are_alembics_heads() -> None:
    assert shipped_heads() == head_revisions()


def test_health_answers_ok_on_a_migrated_database_and_1_before(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    before = homeroom(["--config", str(config), "health"], cwd=tmp_path)
    assert before.returncode == 1 and "homeroom db upgrade" in before.stderr
    homeroom(["--config", str(config), "db", "upgrade"], cwd=tmp_path)
    after = homeroom(["--config", str(config), "health"], cwd=tmp_path)
    assert after.returncode == 0, after.stderr
    assert after.stdout.strip() == f"ok (database at revision {describe(shipped_heads())})"
