"""Local HTTP servers that speak translation providers' APIs, for deep-translator's real
client code: Google's HTML page and LibreTranslate's JSON API."""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


@dataclass
class Behaviour:
    """What the fake does next: ``script`` is consumed one entry per request
    ("ok", "429", "500", "hang", "garbage"); when empty, every request is "ok"."""

    script: list[str] = field(default_factory=list)
    delay: float = 0.0
    requests: list[dict[str, str]] = field(default_factory=list)
    hang_seconds: float = 3.0

    def next(self) -> str:
        return self.script.pop(0) if self.script else "ok"


def fake_translation(text: str, target: str) -> str:
    return f"[{target}] {text}"


class _Handler(BaseHTTPRequestHandler):
    behaviour: Behaviour
    kind: str

    def log_message(self, format: str, *args: object) -> None:
        return

    def _answer(self, status: int, body: str, content_type: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, params: dict[str, str]) -> None:
        behaviour = self.behaviour
        behaviour.requests.append(params)
        action = behaviour.next()
        if behaviour.delay:
            time.sleep(behaviour.delay)
        if action == "hang":
            time.sleep(behaviour.hang_seconds)
            return
        if action == "429":
            self._answer(429, "{}", "application/json")
            return
        if action == "500":
            self._answer(500, "{}", "application/json")
            return
        if self.kind == "google":
            text, target = params.get("q", ""), params.get("tl", "")
            body = "<html><body>nothing here</body></html>" if action == "garbage" else (
                f'<html><body><div class="result-container">{html.escape(fake_translation(text, target))}'
                "</div></body></html>")
            self._answer(200, body, "text/html; charset=utf-8")
        else:
            text, target = params.get("q", ""), params.get("target", "")
            body = "not json" if action == "garbage" else json.dumps(
                {"translatedText": fake_translation(text, target)})
            self._answer(200, body, "application/json")

    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query)
        self._handle({k: v[0] for k, v in query.items()})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length).decode("utf-8")
        query = parse_qs(urlparse(self.path).query)
        params = {k: v[0] for k, v in query.items()}
        if raw:
            try:
                params.update(json.loads(raw))
            except ValueError:
                params.update({k: v[0] for k, v in parse_qs(raw).items()})
        self._handle(params)


class _Server(ThreadingHTTPServer):
    # The standard library's listen backlog is 5: a sixth simultaneous connection waits for a
    # SYN retransmit (one second), which a real provider's server would never make a client do.
    request_queue_size = 128


@contextmanager
def serve(kind: str, behaviour: Behaviour) -> Iterator[str]:
    """Serve a fake ``kind`` ("google" or "libre") on 127.0.0.1, an ephemeral port; yields its URL."""
    handler = type("Handler", (_Handler,), {"behaviour": behaviour, "kind": kind})
    server = _Server(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
