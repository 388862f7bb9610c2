"""At INFO a start says what is running in one line — version, adapters, database kind,
translation provider — and never a secret, a password or a path."""

from __future__ import annotations

from pathlib import Path

from bot import __version__
from bot.config import parse_config
from bot.startup import startup_line
from tests.operations.run import homeroom, write_config

SECRETS = {
    "DISCORD_TOKEN": "discord-secret-value", "SLACK_BOT_TOKEN": "xoxb-secret-value",
    "SLACK_SIGNING_SECRET": "signing-secret-value", "SLACK_APP_TOKEN": "xapp-secret-value",
    "DEEPL_API_KEY": "deepl-secret-value", "MICROSOFT_TRANSLATOR_KEY": "microsoft-secret-value",
    "LIBRETRANSLATE_API_KEY": "libre-secret-value",
}


def test_a_console_run_logs_one_startup_line_at_info(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[translation]\nprovider = "libre"\nlibre_url = "http://127.0.0.1:9"\n')
    script = tmp_path / "one.txt"
    script.write_text("as Maria lang=es\n", encoding="utf-8")
    result = homeroom(["--config", str(config), "run", "--script", str(script)], cwd=tmp_path, env=SECRETS | {
        "DISCORD_TOKEN": "", "SLACK_BOT_TOKEN": ""})
    assert result.returncode == 0, result.stderr
    starting = [line for line in result.stderr_lines if " starting: " in line]
    assert len(starting) == 1, result.stderr
    assert " INFO " in starting[0]
    assert starting[0].endswith(f"homeroom {__version__} starting: adapters console; database sqlite; "
                                "translation libre")
    for value in (*SECRETS.values(), str(tmp_path)):
        assert value not in starting[0]


def test_the_startup_line_holds_no_secret_password_or_location(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[database]\nurl = "postgresql+asyncpg://bot:db-password-value@db.internal:5432/'
                                    'homeroom"\n[translation]\nprovider = "libre"\n'
                                    'libre_url = "https://user:libre-password-value@libre.internal"\n')
    # The line is logged once the database answers, which this one cannot: check the line
    # the start would log for this configuration.
    from bot.config import load_config

    line = startup_line(__version__, load_config(config), ["discord", "slack"])
    assert line == (f"homeroom {__version__} starting: adapters discord, slack; database postgresql; "
                    "translation libre")
    for value in (*SECRETS.values(), "db-password-value", "libre-password-value", "db.internal", "libre.internal",
                  str(tmp_path)):
        assert value not in line


def test_the_startup_line_names_providers_chosen_per_community() -> None:
    config = parse_config({"translation": {"provider": "google"},
                           "communities": {"discord:1": {"translation_provider": "deepl"}}})
    assert startup_line("1.2.3", config, ["discord"]).endswith("translation google (+deepl in some communities)")
