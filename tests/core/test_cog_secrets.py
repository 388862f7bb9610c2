"""A feature declares its own secrets (``SECRETS`` in its ``config.py``), as an adapter does:
read from the environment only, asked for before anything starts while the feature is on,
and never printed. The e-mail feature is the one that has some."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, Secrets, check_cog_requirements, parse_config
from tests.operations.run import homeroom, write_config

LINK_SECRET = "a-link-secret-of-enough-length"


def test_a_cogs_secret_is_read_from_its_environment_variable() -> None:
    secrets = Secrets.from_env({"HOMEROOM_SMTP_PASSWORD": "mail-pass", "HOMEROOM_EMAIL_SECRET": LINK_SECRET})
    assert secrets.smtp_password == "mail-pass"
    assert secrets.email_link_secret == LINK_SECRET
    assert Secrets.environment()["smtp_password"] == "HOMEROOM_SMTP_PASSWORD"


def test_a_cogs_secret_never_shows_in_its_repr() -> None:
    shown = repr(Secrets(smtp_password="mail-pass", email_link_secret=LINK_SECRET))
    assert "mail-pass" not in shown and LINK_SECRET not in shown
    assert "smtp_password=***" in shown


@pytest.mark.parametrize("command", [["check-config"], ["run", "--script", "-"]])
def test_a_missing_cog_secret_stops_the_command_line_with_one_line_and_exit_2(tmp_path: Path,
                                                                              command: list[str]) -> None:
    config = write_config(tmp_path, "[email]\nenabled = true\n")
    done = homeroom(["--config", str(config), *command], cwd=tmp_path, stdin="as Ms Lee role=teacher\n")
    assert done.returncode == 2
    assert done.stderr_lines == ["homeroom: configuration error: HOMEROOM_EMAIL_SECRET: environment variable of "
                                 "at least 16 characters required when email.enabled is true (it signs the links "
                                 "in e-mails)"]
    assert not (tmp_path / "homeroom.db").exists()  # refused before anything started


def test_a_login_without_its_password_is_refused_before_start_up() -> None:
    config = parse_config({"email": {"enabled": True, "username": "office"}})
    with pytest.raises(ConfigError, match=r"^HOMEROOM_SMTP_PASSWORD: environment variable required when "
                                          r"email\.username is set$"):
        check_cog_requirements(config, Secrets(email_link_secret=LINK_SECRET))


def test_a_cog_switched_on_with_its_secrets_set_passes() -> None:
    config = parse_config({"email": {"enabled": True, "username": "office"}})
    check_cog_requirements(config, Secrets(email_link_secret=LINK_SECRET, smtp_password="mail-pass"))


def test_a_switched_off_cogs_secrets_are_not_required(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    for variable in Secrets.environment().values():
        monkeypatch.delenv(variable, raising=False)
    config = write_config(tmp_path, '[cogs]\ndisabled = ["email"]\n\n[email]\nenabled = true\nusername = "office"\n')
    assert main(["check-config", "--config", str(config)]) == 0
    assert capsys.readouterr().out.startswith("configuration OK")


def test_check_config_prints_no_secret_value(tmp_path: Path) -> None:
    values = {variable: f"value-of-{variable.lower()}-0123456789" for variable in Secrets.environment().values()}
    config = write_config(tmp_path, '[email]\nenabled = true\nusername = "office"\n\n'
                                    '[translation]\nprovider = "deepl"\n')
    done = homeroom(["--config", str(config), "--log-level", "DEBUG", "check-config", "--adapter", "all"],
                    cwd=tmp_path, env=values)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("configuration OK")
    printed = done.stdout + done.stderr
    assert [variable for variable, value in values.items() if value in printed] == []
