"""``homeroom run --adapter slack`` with ``[slack] oauth = true``: workspaces install through
/slack/install and /slack/oauth_redirect (the code exchanged at the fake's oauth.v2.access),
and each one's requests are answered with the token Slack issued to it."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlencode

import requests

from tests.e2e.slack.process import Slack, eventually, signed_headers

SLACK_CONFIG = 'oauth = true\nclient_id = "1111.2222"\npublic_url = "https://homeroom.school.example"\n'
PROCESS_ENV = {"SLACK_CLIENT_SECRET": "e2e-client-secret"}


def _install(slack: Slack, team: str) -> requests.Response:
    base = slack.process.url.removesuffix("/slack/events")
    browser = requests.Session()
    page = browser.get(f"{base}/slack/install", timeout=30)
    state = re.search(r"state=([^&\"']+)", page.text)
    assert page.status_code == 200 and state is not None
    slack.fake.install_codes[f"code-{team}"] = team
    # bolt's state cookie is Secure (Slack redirects to https): sent back as the browser would
    cookie = page.headers.get("Set-Cookie", "").split(";", 1)[0]
    return browser.get(f"{base}/slack/oauth_redirect", params={"code": f"code-{team}", "state": state.group(1)},
                       headers={"Cookie": cookie}, timeout=30)


def _command_from(slack: Slack, team: str) -> str:
    user = f"U{uuid.uuid4().hex[:9].upper()}"
    slack.fake.add_user(user, f"Family {user[-4:]}")
    fields = slack.command_body(user, "/language", 'name:"español"')
    fields["team_id"] = team
    body = urlencode(fields)
    assert slack.post(body, signed_headers(body, "application/x-www-form-urlencoded")).status_code == 200
    return user


def _tokens_for(slack: Slack, method: str, user: str) -> set[str]:
    return {c.token for c in slack.fake.calls if c.method == method and c.args.get("user") == user}


def test_installed_workspace_is_answered_with_its_own_token(slack: Slack) -> None:
    assert _install(slack, "TOAUTHA").status_code == 200
    [issued] = [t for t, team in slack.fake.team_tokens.items() if team == "TOAUTHA"]
    user = _command_from(slack, "TOAUTHA")
    eventually(lambda: _tokens_for(slack, "users.info", user) or None, "users.info for the command's author")
    assert _tokens_for(slack, "users.info", user) == {issued}


def test_second_workspace_gets_its_own_token(slack: Slack) -> None:
    _install(slack, "TOAUTHB1")
    assert _install(slack, "TOAUTHB2").status_code == 200
    [issued] = [t for t, team in slack.fake.team_tokens.items() if team == "TOAUTHB2"]
    user = _command_from(slack, "TOAUTHB2")
    eventually(lambda: _tokens_for(slack, "users.info", user) or None, "users.info for the command's author")
    assert _tokens_for(slack, "users.info", user) == {issued}


def test_reused_install_link_is_refused_with_a_page(slack: Slack) -> None:
    base = slack.process.url.removesuffix("/slack/events")
    slack.fake.install_codes["code-TOAUTHC"] = "TOAUTHC"
    answer = requests.get(f"{base}/slack/oauth_redirect", params={"code": "code-TOAUTHC", "state": "expired"},
                          timeout=30)
    assert answer.status_code >= 400 and "Homeroom was not installed" in answer.text
    assert "TOAUTHC" not in slack.fake.team_tokens.values()
