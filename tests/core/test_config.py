"""Configuration: every mistake is one line naming the key, exit code 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import (
    Config,
    ConfigError,
    Secrets,
    check_adapter_requirements,
    default_adapters,
    load_config,
    parse_config,
    section_model,
    section_names,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "homeroom.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file() -> None:
    config = load_config(None)
    assert config.database.url.startswith("sqlite+aiosqlite://")
    assert config.translation.provider == "google"


def test_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    config = load_config(example)
    assert isinstance(config, Config)


def test_unknown_key_suggests_the_closest_name() -> None:
    with pytest.raises(ConfigError, match=r"^translation\.provder: unknown key \(did you mean 'provider'\?\)$"):
        parse_config({"translation": {"provder": "google"}})


def test_unknown_section_suggests_the_closest_name() -> None:
    with pytest.raises(ConfigError, match=r"^transltion: unknown key \(did you mean 'translation'\?\)$"):
        parse_config({"transltion": {}})


def test_wrong_type_names_key_and_expectation() -> None:
    with pytest.raises(ConfigError, match=r"^jobs\.poll_seconds: expected a valid number"):
        parse_config({"jobs": {"poll_seconds": "soon"}})


def test_bad_time_zone_is_named() -> None:
    with pytest.raises(ConfigError, match=r"^homeroom\.timezone: expected an IANA time zone"):
        parse_config({"homeroom": {"timezone": "Mars/Olympus"}})


def test_secret_in_file_is_refused_with_where_to_put_it() -> None:
    with pytest.raises(ConfigError, match=r"^discord\.token: secrets are not read from the config file"):
        parse_config({"discord": {"token": "abc"}})


def test_libre_provider_requires_its_url() -> None:
    config = parse_config({"translation": {"provider": "libre"}})
    with pytest.raises(ConfigError, match=r"^translation\.libre_url: a value is required"):
        check_adapter_requirements(config, Secrets(), ["console"])


def test_discord_adapter_requires_token_from_environment() -> None:
    with pytest.raises(ConfigError, match=r"^DISCORD_TOKEN: environment variable required"):
        check_adapter_requirements(Config(), Secrets(), ["discord"])


def test_secrets_never_show_their_values() -> None:
    secrets = Secrets.from_env({"DISCORD_TOKEN": "very-secret-token"})
    assert "very-secret-token" not in repr(secrets)
    assert "very-secret-token" not in str(secrets)
    assert secrets.discord_token == "very-secret-token"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[translation]\nprovder = "google"\n', "translation.provder: unknown key (did you mean 'provider'?)"),
        ('[jobs]\nmax_attempts = "many"\n', "jobs.max_attempts: expected a valid integer"),
        ("[homeroom\n", "not valid TOML"),
        ('[homeroom]\nquiet_hours = "9pm"\n', "homeroom.quiet_hours: expected a range of two times"),
        ('[database]\nurl = "mysql://x"\n', "database.url: expected a URL starting with"),
        ('[discord]\ndm_per_minut = 30\n', "discord.dm_per_minut: unknown key (did you mean 'dm_per_minute'?)"),
        ('[slack]\nmode = "websocket"\n', "slack.mode: expected 'http' or 'socket'"),
        ('[slack]\nbot_token = "xoxb-1"\n', "slack.bot_token: secrets are not read from the config file"),
        ('[console]\ncommunity = "Room 4"\n', "console.community: unknown key (did you mean 'community_name'?)"),
        ('[slak]\nmode = "http"\n', "slak: unknown key (did you mean 'slack'?)"),
    ],
)
def test_check_config_prints_one_line_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  text: str, expected: str) -> None:
    path = write(tmp_path, text)
    assert main(["check-config", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert expected in err
    assert "Traceback" not in err


def test_missing_config_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "configuration file not found" in capsys.readouterr().err


def test_config_from_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, '[homeroom]\ntimezone = "Europe/Madrid"\n')
    monkeypatch.setenv("HOMEROOM_CONFIG", str(path))
    assert main(["check-config"]) == 0
    assert str(path) in capsys.readouterr().out


@pytest.mark.parametrize(("adapter", "text", "expected"), [
    ("discord", "", "DISCORD_TOKEN: environment variable required for the discord adapter"),
    ("slack", "", "SLACK_BOT_TOKEN: environment variable required for the slack adapter"),
    ("slack", '[slack]\noauth = true\nclient_id = "1.2"\n', "SLACK_CLIENT_SECRET: environment variable required"),
])
def test_an_adapters_missing_secret_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str], adapter: str,
                                                           text: str, expected: str) -> None:
    for variable in Secrets.environment().values():
        monkeypatch.delenv(variable, raising=False)
    assert main(["check-config", "--config", str(write(tmp_path, text)), "--adapter", adapter]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"homeroom: configuration error: {expected}")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_socket_mode_needs_the_app_level_token() -> None:
    config = parse_config({"slack": {"mode": "socket"}})
    with pytest.raises(ConfigError, match=r"^SLACK_APP_TOKEN: environment variable required when slack\.mode"):
        check_adapter_requirements(config, Secrets(slack_bot_token="xoxb-1"), ["slack"])


def test_an_adapter_section_is_validated_when_a_config_is_built_in_code() -> None:
    with pytest.raises(ConfigError, match=r"^discord\.dm_per_minute: expected greater than or equal to 1"):
        Config.model_validate({"discord": {"dm_per_minute": 0}})


def test_an_adapter_section_is_read_with_its_defaults_when_the_file_has_none() -> None:
    config = parse_config({"slack": {"mode": "socket"}})
    assert config.section("slack").mode == "socket"
    assert config.section("discord").dm_per_minute == 60
    assert config.section("console").community_name == "Room 12"


def test_the_adapters_started_by_default_follow_the_secrets_each_declares() -> None:
    assert default_adapters(Secrets.from_env({})) == ["console"]
    assert default_adapters(Secrets.from_env({"SLACK_CLIENT_SECRET": "s"})) == ["slack"]
    assert default_adapters(Secrets.from_env({"DISCORD_TOKEN": "t", "SLACK_BOT_TOKEN": "xoxb-1"})) == ["discord",
                                                                                                      "slack"]


def test_secrets_are_every_declared_variable_and_nothing_else() -> None:
    assert {"DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_SECRET",
            "DEEPL_API_KEY"} <= set(Secrets.environment().values())
    with pytest.raises(TypeError, match="no adapter or cog declares a secret called 'discord_tokn'"):
        Secrets(discord_tokn="t")
    with pytest.raises(AttributeError):
        Secrets().discord_token = "t"  # type: ignore[misc]


def test_run_with_missing_token_exits_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("HOMEROOM_CONFIG", raising=False)
    assert main(["run", "--adapter", "discord"]) == 2
    assert "DISCORD_TOKEN" in capsys.readouterr().err


def _documented_keys(text: str) -> set[str]:
    keys: set[str] = set()
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and not line.startswith("[communities"):
            section = line.strip("[]")
        elif "=" in line and not line.startswith("#") and section:
            keys.add(f"{section}.{line.split('=', 1)[0].strip()}")
    return keys


def test_example_config_documents_every_key() -> None:
    example = (Path(__file__).resolve().parents[2] / "config.example.toml").read_text(encoding="utf-8")
    expected = {f"{name}.{key}" for name, section in Config.model_fields.items() if name != "communities"
                for key in section.annotation.model_fields}  # type: ignore[union-attr]
    expected |= {f"{name}.{key}" for name in section_names() if (model := section_model(name))
                 for key in model.model_fields}
    assert _documented_keys(example) == expected


def test_shard_ids_without_a_shard_count_is_one_line() -> None:
    with pytest.raises(ConfigError, match=r"^discord: expected shard_count set with shard_ids"):
        parse_config({"discord": {"shard_ids": [0]}})


def test_a_shard_id_past_the_count_is_one_line() -> None:
    with pytest.raises(ConfigError, match=r"^discord: expected every shard id below shard_count 2 \(got 2\)"):
        parse_config({"discord": {"shard_ids": [2], "shard_count": 2}})
