"""The container files, checked without a container daemon: compose.yaml is well-formed and
everything it references exists, and the Dockerfile's commands are real ``homeroom``
commands that work when run from a virtual environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Secrets, load_config
from tests.operations.run import ROOT, write_config

COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"


def _compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def _exec_form(instruction: str) -> list[str]:
    value = next(arg for name, arg in _instructions() if name == instruction)
    if instruction == "HEALTHCHECK":
        value = value.split("CMD", 1)[1]
    parsed = json.loads(value.strip())
    assert isinstance(parsed, list), f"{instruction} should use the exec form"
    return parsed


def _venv_run(command: list[str], cwd: Path, config: Path) -> subprocess.CompletedProcess[str]:
    venv_bin = Path(sys.executable).parent
    assert (venv_bin / command[0]).exists(), f"{command[0]} is not installed in the virtual environment"
    env = {k: v for k, v in os.environ.items() if k not in Secrets.environment().values()}
    env.update(PATH=f"{venv_bin}{os.pathsep}{env.get('PATH', '')}", HOMEROOM_CONFIG=str(config))
    return subprocess.run(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120, check=False)


def _bots(compose: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The services that run ``homeroom`` (built from this checkout)."""
    services = (compose or _compose())["services"]
    return {name: service for name, service in services.items() if service.get("build") is not None}


def _mounted_config(service: dict[str, Any]) -> tuple[Path, str]:
    """(the configuration file on the host, where the container reads it)."""
    source, target = next((v.split(":")[0], v.split(":")[1]) for v in service["volumes"] if v.endswith(":ro"))
    return ROOT / source, target


def _upstreams() -> list[str]:
    """The host:port pairs the Slack proxy's ``reverse_proxy`` directive balances over."""
    text = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    directive = next(line.split() for line in text.splitlines() if line.strip().startswith("reverse_proxy"))
    return [word for word in directive[1:] if word != "{"]


def test_compose_runs_two_bot_processes_from_the_same_image() -> None:
    bots = _bots()
    assert len(bots) == 2
    assert len({str(service["build"]) for service in bots.values()}) == 1
    assert len({service["image"] for service in bots.values()}) == 1


def test_every_bot_process_starts_after_postgresql_is_healthy() -> None:
    services = _compose()["services"]
    assert "healthcheck" in services["db"] and "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    for name, service in _bots().items():
        assert service["depends_on"]["db"]["condition"] == "service_healthy", name


def test_one_process_migrates_and_the_others_wait_for_it_and_never_migrate() -> None:
    bots = _bots()
    migrating = [name for name, service in bots.items() if "--no-migrate" not in service["command"]]
    assert migrating == ["homeroom"]  # the service docs/deploying.md runs one-off commands in
    for name, service in bots.items():
        assert service["command"][0] == "run", name
        if name != "homeroom":
            assert service["depends_on"]["homeroom"]["condition"] == "service_healthy", name


def test_the_processes_split_discords_shards_between_them_without_overlap() -> None:
    configs = [load_config(_mounted_config(service)[0]) for service in _bots().values()]
    counts = {config.section("discord").shard_count for config in configs}
    assert len(counts) == 1
    shards = [shard for config in configs for shard in config.section("discord").shard_ids]
    assert sorted(shards) == list(range(counts.pop()))  # every shard run once, none twice


def test_the_processes_configurations_differ_only_in_their_shard_ids() -> None:
    first, *others = [load_config(_mounted_config(service)[0]) for service in _bots().values()]
    first_discord = first.section("discord")
    for other in others:
        aligned = other.section("discord").model_copy(update={"shard_ids": first_discord.shard_ids})
        assert aligned == first_discord
        others_sections = {name: other.section(name) for name in other.model_extra if name != "discord"}
        assert others_sections == {name: first.section(name) for name in first.model_extra if name != "discord"}
        assert other.model_dump(include=set(type(other).model_fields)) == first.model_dump(
            include=set(type(first).model_fields))  # the core's sections alike


def test_the_processes_share_one_postgresql_database() -> None:
    urls = {load_config(_mounted_config(service)[0]).database.url for service in _bots().values()}
    assert urls == {"postgresql+asyncpg://homeroom@db:5432/homeroom"}
    assert "db" in _compose()["services"]


def test_the_slack_proxy_balances_over_every_bot_process_on_slacks_port() -> None:
    compose = _compose()
    bots = _bots(compose)
    ports = {load_config(_mounted_config(service)[0]).section("slack").port for service in bots.values()}
    assert sorted(_upstreams()) == sorted(f"{name}:{port}" for name in bots for port in ports)
    proxy = compose["services"]["slack-proxy"]
    assert proxy["ports"] == [f"127.0.0.1:{port}:{port}" for port in ports]  # only the host itself
    assert set(proxy["depends_on"]) == set(bots)
    for name, service in bots.items():
        assert "ports" not in service, f"{name} is reached through the proxy only"


def test_the_slack_proxy_skips_a_process_whose_slack_server_does_not_answer() -> None:
    text = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert "health_uri /healthz" in text  # the Slack server's own health page


def test_compose_keeps_postgresql_data_in_a_declared_volume() -> None:
    compose = _compose()
    volume = next(v.split(":")[0] for v in compose["services"]["db"]["volumes"]
                  if v.endswith("/var/lib/postgresql/data"))
    assert volume in compose["volumes"]


def test_libretranslate_starts_only_with_its_profile() -> None:
    assert _compose()["services"]["libretranslate"]["profiles"] == ["libretranslate"]


def test_every_file_compose_references_exists() -> None:
    compose = _compose()
    for name, service in compose["services"].items():
        build = service.get("build")
        if build is not None:
            context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            assert (context / dockerfile).is_file(), f"{name}: {context / dockerfile} is missing"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), f"{name}: {source} is missing"
            else:
                assert source in compose.get("volumes", {}), f"{name}: volume {source} is not declared"


def test_compose_passes_every_secret_to_every_process_as_an_environment_variable() -> None:
    for name, service in _bots().items():
        environment = service["environment"]
        assert set(Secrets.environment().values()) <= set(environment), name
        for key, value in environment.items():  # each one comes from .env or the shell, none is written here
            assert str(value).startswith("${") or key == "HOMEROOM_CONFIG", f"{name}: {key}"


def test_the_configuration_each_process_mounts_is_valid_and_holds_no_password() -> None:
    for name, service in _bots().items():
        source, target = _mounted_config(service)
        assert service["environment"]["HOMEROOM_CONFIG"] == target, name
        config = load_config(source)
        assert config.database.url.startswith("postgresql+asyncpg://homeroom@db:"), name
        assert config.section("slack").host == "0.0.0.0" and config.http.host == "0.0.0.0", name


def test_dockerfile_uses_slim_python_311_and_a_non_root_user() -> None:
    steps = _instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    users = [arg for name, arg in steps if name == "USER"]
    assert users and users[-1] not in ("root", "0")


def test_dockerfile_copies_only_files_that_exist_and_are_not_ignored() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    for name, arg in _instructions():
        if name == "COPY":
            *sources, _ = arg.split()
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: missing"
                assert source not in ignored, f"COPY {source}: excluded by .dockerignore"


@pytest.fixture
def data_dir(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path, write_config(tmp_path)


def test_entrypoint_with_its_default_command_starts_and_ends_cleanly_without_input(
        data_dir: tuple[Path, Path]) -> None:
    folder, config = data_dir
    command = _exec_form("ENTRYPOINT") + _exec_form("CMD")
    assert command == ["homeroom", "run"]
    result = _venv_run(command, folder, config)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_healthcheck_command_passes_once_the_database_is_migrated(data_dir: tuple[Path, Path]) -> None:
    folder, config = data_dir
    command = _exec_form("HEALTHCHECK")
    assert command == ["homeroom", "health"]
    assert _venv_run(command, folder, config).returncode == 1  # nothing migrated yet: unhealthy
    assert _venv_run([*_exec_form("ENTRYPOINT"), "db", "upgrade"], folder, config).returncode == 0
    result = _venv_run(command, folder, config)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_the_second_process_command_refuses_an_unmigrated_database_and_starts_on_a_migrated_one(
        data_dir: tuple[Path, Path]) -> None:
    folder, config = data_dir
    entrypoint = _exec_form("ENTRYPOINT")
    command = entrypoint + _bots()["homeroom-2"]["command"]
    refused = _venv_run(command, folder, config)
    assert refused.returncode == 2 and "homeroom db upgrade" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert _venv_run(entrypoint + _bots()["homeroom"]["command"], folder, config).returncode == 0  # migrates
    started = _venv_run(command, folder, config)
    assert started.returncode == 0, started.stderr
    assert "Traceback" not in started.stderr
