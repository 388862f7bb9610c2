"""``homeroom slack manifest``: print the app manifest to paste into api.slack.com/apps."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any


def register_cli(subparsers: Any, load: Callable[[argparse.Namespace], Any]) -> None:
    slack = subparsers.add_parser("slack", help="Slack set-up")
    tasks = slack.add_subparsers(dest="slack_command", metavar="TASK", required=True)
    manifest = tasks.add_parser("manifest", help="print the Slack app manifest (JSON)")
    manifest.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS)

    def run(args: argparse.Namespace) -> int:
        from adapters.slack.manifest import build_manifest
        from bot.app import build_core
        from bot.db.engine import Database
        from bot.testing import FakeTranslator

        config, secrets = load(args)
        # Only the declared commands are needed: nothing connects to the database or a provider.
        core = build_core(config, secrets=secrets, db=Database(config.database.url), translator=FakeTranslator())
        print(json.dumps(build_manifest(config, core.commands), indent=2, ensure_ascii=False))
        return 0

    manifest.set_defaults(func=run)
