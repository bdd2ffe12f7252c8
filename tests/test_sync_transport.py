"""The laptop's HTTP client against a small real HTTP server on 127.0.0.1: retries with backoff and jitter for
what is worth retrying, none for refusals, gzip both ways, and a timeout on every call."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from sync.transport import HttpTransport, Refused, TransportError


class Script:
    """What the server answers, one entry per request: (status, body) — or "hang" to never answer in time."""

    def __init__(self) -> None:
        self.answers: list[Any] = []
        self.requests: list[dict[str, Any]] = []


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.headers.get("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            script.requests.append(
                {"path": self.path, "body": raw, "headers": dict(self.headers), "method": self.command}
            )
            answer = script.answers.pop(0) if script.answers else (200, {"ok": True})
            if answer == "hang":
                threading.Event().wait(1.5)
                answer = (200, {"late": True})
            status, body = answer
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout test)

        do_GET = _answer
        do_POST = _answer

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    httpd.shutdown()
    httpd.server_close()


def test_server_errors_are_retried_with_growing_jittered_delays(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(503, {}), (500, {}), (429, {}), (200, {"done": 1})]
    slept: list[float] = []
    t = HttpTransport(url, "tok", retries=4, backoff=0.5, sleep=slept.append)
    assert t.get("/x") == {"done": 1}
    assert len(script.requests) == 4
    assert len(slept) == 3
    for i, delay in enumerate(slept):  # 0.5, 1, 2 seconds, each jittered by ±50 %
        assert 0.25 * 2**i <= delay <= 0.75 * 2**i
    assert script.requests[0]["headers"]["Authorization"] == "Bearer tok"


def test_gives_up_after_the_retries_and_says_why(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(503, {})] * 3
    t = HttpTransport(url, retries=2, sleep=lambda _s: None)
    with pytest.raises(TransportError, match="503"):
        t.get("/x")
    assert len(script.requests) == 3


def test_a_refusal_is_not_retried_and_keeps_the_vietnamese_message(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(403, {"error": "revoked", "message_vi": "Máy này đã bị thu hồi", "message_en": "revoked"})]
    t = HttpTransport(url, retries=4, sleep=lambda _s: pytest.fail("a refusal must not be retried"))
    with pytest.raises(Refused) as exc:
        t.post("/x", {"a": 1})
    assert (exc.value.status, exc.value.code, exc.value.message_vi) == (403, "revoked", "Máy này đã bị thu hồi")
    assert len(script.requests) == 1


def test_big_bodies_travel_gzipped_and_every_call_has_a_timeout(server: tuple[str, Script]) -> None:
    url, script = server
    body = {"ops": [{"text": "Nguyễn Thị Hoa " * 10}] * 200}
    t = HttpTransport(url, retries=0, timeout=(1.0, 0.5))
    assert t.post("/push", body) == {"ok": True}
    sent = script.requests[-1]
    assert sent["headers"]["Content-Encoding"] == "gzip"
    assert json.loads(sent["body"]) == body
    script.answers = ["hang"]
    with pytest.raises(TransportError, match="Timeout"):
        t.get("/slow")  # the read timeout (0.5 s) ends the wait; a network that hangs never hangs the laptop
