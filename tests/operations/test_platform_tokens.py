"""A token the platform rejects ends the start-up with one line and exit code 2. The
platforms are local fakes answering the way Discord (401 on GET /users/@me) and Slack
(``{"ok": false, "error": "invalid_auth"}`` on auth.test) answer a bad token."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from tests.operations.run import homeroom, write_config


def _json(payload: object, status: int = 200) -> web.Response:
    # Exactly application/json: discord.py mis-parses a response with a charset appended.
    return web.Response(status=status, body=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})


@pytest.fixture
async def fake_platform() -> AsyncIterator[tuple[str, list[str]]]:
    seen: list[str] = []

    async def discord_me(request: web.Request) -> web.Response:
        seen.append(f"discord {request.headers.get('Authorization', '')}")
        return _json({"message": "401: Unauthorized", "code": 0}, status=401)

    async def slack_auth_test(request: web.Request) -> web.Response:
        seen.append(f"slack {request.headers.get('Authorization', '')}")
        return _json({"ok": False, "error": "invalid_auth"})

    app = web.Application()
    app.router.add_get("/discord/api/v10/users/@me", discord_me)
    app.router.add_post("/slack/api/auth.test", slack_auth_test)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


async def test_discord_token_rejected_on_login_is_one_line_exit_2(tmp_path: Path,
                                                                 fake_platform: tuple[str, list[str]]) -> None:
    base, seen = fake_platform
    config = write_config(tmp_path, f'[discord]\napi_base_url = "{base}/discord/api/v10"\n')
    result = await asyncio.to_thread(homeroom, ["--config", str(config), "run", "--adapter", "discord"],
                                     cwd=tmp_path, env={"DISCORD_TOKEN": "not-a-real-token"})
    assert seen == ["discord Bot not-a-real-token"]
    assert result.returncode == 2, result.stderr
    assert len(result.stderr_lines) == 1, result.stderr
    assert result.stderr_lines[0].startswith("homeroom: DISCORD_TOKEN: Discord rejected the token")
    assert "not-a-real-token" not in result.stderr


async def test_slack_token_rejected_by_auth_test_is_one_line_exit_2(tmp_path: Path,
                                                                   fake_platform: tuple[str, list[str]]) -> None:
    base, seen = fake_platform
    config = write_config(tmp_path, f'[slack]\nport = 0\napi_base_url = "{base}/slack/api/"\n')
    result = await asyncio.to_thread(homeroom, ["--config", str(config), "run", "--adapter", "slack"], cwd=tmp_path,
                                     env={"SLACK_BOT_TOKEN": "xoxb-not-real",
                                          "SLACK_SIGNING_SECRET": "not-real-either"})
    assert seen == ["slack Bearer xoxb-not-real"]
    assert result.returncode == 2, result.stderr
    assert len(result.stderr_lines) == 1, result.stderr
    assert result.stderr_lines[0].startswith("homeroom: SLACK_BOT_TOKEN: Slack did not accept the token (invalid_auth)")
    assert "xoxb-not-real" not in result.stderr
