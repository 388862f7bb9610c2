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


def test_compose_runs_homeroom_after_postgresql_is_healthy() -> None:
    services = _compose()["services"]
    assert services["homeroom"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in services["db"] and "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])


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


def test_compose_passes_every_secret_as_an_environment_variable() -> None:
    environment = _compose()["services"]["homeroom"]["environment"]
    assert set(Secrets.environment().values()) <= set(environment)
    for value in environment.values():  # each one comes from .env or the shell, none is written here
        assert str(value).startswith("${") or value == "/etc/homeroom/homeroom.toml"


def test_the_configuration_compose_mounts_is_valid_and_holds_no_password() -> None:
    homeroom = _compose()["services"]["homeroom"]
    source, target = next((v.split(":")[0], v.split(":")[1]) for v in homeroom["volumes"] if v.endswith(":ro"))
    assert homeroom["environment"]["HOMEROOM_CONFIG"] == target
    config = load_config(ROOT / source)
    assert config.database.url.startswith("postgresql+asyncpg://homeroom@db:")
    assert config.section("slack").host == "0.0.0.0"


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
