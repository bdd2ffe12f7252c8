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
            answer: Any = script.answers.pop(0) if script.answers else (200, {"ok": True})
            if answer == "hang":
                threading.Event().wait(1.5)
                answer = (200, {"late": True})
            extra: dict[str, str] = {"Content-Type": "application/json"}
            if len(answer) == 3:  # (status, raw bytes, headers)
                status, data, extra = answer
            else:
                status, body = answer
                data = json.dumps(body).encode()
            try:
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
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


def test_a_file_downloads_gzip_decoded_and_checked(server: tuple[str, Script], tmp_path: Any) -> None:
    import hashlib

    url, script = server
    payload = b"SQLite format 3\x00" + bytes(range(256)) * 4000
    good = {"Content-Encoding": "gzip", "X-DLSO-Sha256": hashlib.sha256(payload).hexdigest()}
    good["X-DLSO-Size"] = str(len(payload))
    script.answers = [
        (200, gzip.compress(payload), good),
        (200, gzip.compress(payload[:-1] + b"!"), good),  # damaged on the way
        (200, gzip.compress(payload[:5000]), {**good, "X-DLSO-Sha256": ""}),  # cut short
        (404, {"error": "snapshot_unavailable", "message_vi": "Chưa có.", "message_en": "Not yet."}),
    ]
    seen: list[tuple[int, int]] = []
    t = HttpTransport(url, "tok", sleep=lambda _s: None)
    dest = tmp_path / "file"
    headers = t.download("/f", {"schema": "x"}, dest, lambda done, total: seen.append((done, total)))
    assert dest.read_bytes() == payload and headers["x-dlso-size"] == str(len(payload))
    assert seen[-1] == (len(payload), len(payload))
    assert script.requests[0]["headers"]["Authorization"] == "Bearer tok"
    assert "schema=x" in script.requests[0]["path"]
    with pytest.raises(TransportError, match="damaged"):
        t.download("/f", {}, dest)
    with pytest.raises(TransportError, match="incomplete"):
        t.download("/f", {}, dest)
    with pytest.raises(Refused) as refused:
        t.download("/f", {}, dest)
    assert refused.value.code == "snapshot_unavailable" and len(script.requests) == 4  # never retried
