"""Rate limits of the provincial server's public doors (docs/SYNC_PROTOCOL.md, "Security"; docs/DEPLOY.md).

In-process token buckets, per worker process, keyed by the client's IP address (:func:`client_ip`: the peer,
or ``X-Forwarded-For`` only when the peer is a proxy listed in ``$DLSO_SERVER_TRUSTED_PROXIES``):

- ``POST /sync/v1/enroll``: every request takes a token of the ``enroll`` bucket (default 10 a minute), and
  every *failed* enrollment (any 4xx answer: unknown, used or expired code, another commune...) one of the
  ``enroll_failures`` bucket (default a burst of 10, then 30 an hour): guessing codes is impractical.
- ``GET /v/{payload}`` and ``GET /sync/v1/certificates/trust``: the ``public`` bucket (default 60 a minute,
  bursts of 60). A request carrying a *valid* device token is counted per device instead of per IP, so the
  laptops of one commune office behind one address never use up each other's allowance.

The authenticated sync endpoints (state, push, pull, verify, snapshot, the commune key, serials) are not
limited here: a device token is the limit (one laptop), and fifty laptops behind one address are normal.

Over a limit: 429 with ``Retry-After`` (seconds) and the usual error JSON (``rate_limited``); the verification
page answers a Vietnamese HTML page unless the client asked for JSON. Nothing is counted when the limits are
off (``DLSO_SERVER_RATE_LIMITS=off``, for benchmarks and tests).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from html import escape
from typing import Any, Final
from urllib.parse import parse_qs

import anyio.to_thread

from sync import protocol as P

__all__ = [
    "ENV_ENROLL",
    "ENV_ENROLL_FAILURES",
    "ENV_PUBLIC",
    "ENV_SWITCH",
    "ENV_TRUSTED_PROXIES",
    "Config",
    "Rate",
    "RateLimitMiddleware",
    "TokenBuckets",
    "client_ip",
    "parse_rate",
]

ENV_SWITCH: Final = "DLSO_SERVER_RATE_LIMITS"  # "off" (or 0, false, no): no rate limit at all
ENV_ENROLL: Final = "DLSO_SERVER_RATE_ENROLL"
ENV_ENROLL_FAILURES: Final = "DLSO_SERVER_RATE_ENROLL_FAILURES"
ENV_PUBLIC: Final = "DLSO_SERVER_RATE_PUBLIC"
ENV_TRUSTED_PROXIES: Final = "DLSO_SERVER_TRUSTED_PROXIES"

DEFAULT_ENROLL: Final = "10/minute"
DEFAULT_ENROLL_FAILURES: Final = "30/hour,burst=10"
DEFAULT_PUBLIC: Final = "60/minute,burst=60"

#: Keys each limiter remembers at most (about 150 bytes each); the least recently seen goes first
MAX_KEYS: Final = 20_000

_OFF: Final = frozenset({"off", "0", "false", "no", "none"})
_UNITS: Final = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
_RATE_RE: Final = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*([a-z]+?)s?\s*(?:,\s*burst\s*=\s*(\d+)\s*)?$")

ENROLL_PATH: Final = f"{P.PREFIX}/enroll"
TRUST_PATH: Final = f"{P.PREFIX}/certificates/trust"
PAGE_PREFIX: Final = "/v/"

MESSAGE_VI: Final = "Quá nhiều yêu cầu từ địa chỉ này; hãy thử lại sau {seconds} giây."
MESSAGE_EN: Final = "Too many requests from this address; try again in {seconds} seconds."


@dataclass(frozen=True, slots=True)
class Rate:
    """``count`` tokens every ``per_seconds``, at most ``burst`` saved up."""

    count: float
    per_seconds: float
    burst: float

    @property
    def per_second(self) -> float:
        return self.count / self.per_seconds


def parse_rate(text: str) -> Rate | None:
    """``"10/minute"``, ``"30/hour,burst=10"``, ``"5/s"``: a :class:`Rate` (burst: the count unless given);
    ``"off"`` or ``"0"``: None (no limit). ValueError for anything else."""
    value = text.strip().lower()
    if value in _OFF:
        return None
    match = _RATE_RE.match(value)
    unit = _UNITS.get(match.group(2)) if match else None
    if match is None or unit is None:
        raise ValueError(f"not a rate: {text!r} (e.g. '10/minute', '30/hour,burst=10', 'off')")
    count = float(match.group(1))
    burst = float(match.group(3)) if match.group(3) else count
    if count <= 0 or burst < 1:
        raise ValueError(f"not a rate: {text!r} (the count and the burst must be at least 1)")
    return Rate(count, float(unit), burst)


class TokenBuckets:
    """One token bucket per key, thread-safe, bounded memory.

    A key's bucket refills at ``rate.per_second`` up to ``rate.burst``. Keys are kept least recently seen
    first: a bucket idle long enough to be full again is the same as no bucket and is dropped, and beyond
    ``max_keys`` the least recently seen key is dropped anyway (an address seen again starts full)."""

    def __init__(self, rate: Rate, *, max_keys: int = MAX_KEYS, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.max_keys = max_keys
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, list[float]] = OrderedDict()  # key -> [tokens, at]

    def __len__(self) -> int:
        return len(self._buckets)

    def _level(self, key: str, now: float) -> list[float]:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = [self.rate.burst, now]
            self._buckets[key] = bucket
        else:
            bucket[0] = min(self.rate.burst, bucket[0] + (now - bucket[1]) * self.rate.per_second)
            bucket[1] = now
            self._buckets.move_to_end(key)
        return bucket

    def _evict(self, now: float) -> None:
        for _ in range(2):  # a few idle ones per call: amortised, never a sweep of everything
            oldest = next(iter(self._buckets.items()), None)
            if oldest is None:
                break
            tokens, at = oldest[1]
            if tokens + (now - at) * self.rate.per_second < self.rate.burst:
                break
            del self._buckets[oldest[0]]
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)

    def _wait(self, tokens: float, cost: float) -> float:
        return (cost - tokens) / self.rate.per_second

    def take(self, key: str, cost: float = 1.0) -> float:
        """Take ``cost`` tokens: 0.0 when there were enough, else the seconds until there will be (nothing
        taken)."""
        with self._lock:
            now = self._clock()
            bucket = self._level(key, now)
            if bucket[0] >= cost:
                bucket[0] -= cost
                wait = 0.0
            else:
                wait = self._wait(bucket[0], cost)
            self._evict(now)
            return wait

    def peek(self, key: str, cost: float = 1.0) -> float:
        """Like :meth:`take` without taking anything."""
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                return 0.0
            tokens = min(self.rate.burst, bucket[0] + (self._clock() - bucket[1]) * self.rate.per_second)
            return 0.0 if tokens >= cost else self._wait(tokens, cost)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(text: str) -> tuple[Network, ...]:
    out: list[Network] = []
    for part in re.split(r"[\s,]+", text.strip()):
        if part:
            try:
                out.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"{ENV_TRUSTED_PROXIES}: not an IP address or network: {part!r}") from None
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Config:
    """Which limits apply (None: that one is off) and which proxies' ``X-Forwarded-For`` is believed."""

    enroll: Rate | None = field(default_factory=lambda: parse_rate(DEFAULT_ENROLL))
    enroll_failures: Rate | None = field(default_factory=lambda: parse_rate(DEFAULT_ENROLL_FAILURES))
    public: Rate | None = field(default_factory=lambda: parse_rate(DEFAULT_PUBLIC))
    trusted_proxies: tuple[Network, ...] = ()

    @classmethod
    def off(cls, trusted_proxies: tuple[Network, ...] = ()) -> Config:
        return cls(None, None, None, trusted_proxies)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """The limits from the environment (ValueError, naming the variable, for a value that makes no sense)."""
        env = os.environ if environ is None else environ
        proxies = _networks(env.get(ENV_TRUSTED_PROXIES, ""))
        if env.get(ENV_SWITCH, "").strip().lower() in _OFF:
            return cls.off(proxies)

        def rate(name: str, default: str) -> Rate | None:
            try:
                return parse_rate(env.get(name, "").strip() or default)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None

        return cls(
            rate(ENV_ENROLL, DEFAULT_ENROLL),
            rate(ENV_ENROLL_FAILURES, DEFAULT_ENROLL_FAILURES),
            rate(ENV_PUBLIC, DEFAULT_PUBLIC),
            proxies,
        )

    @property
    def enabled(self) -> bool:
        return any(r is not None for r in (self.enroll, self.enroll_failures, self.public))


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _header(scope: Scope, name: bytes) -> str | None:
    values = [v for k, v in scope.get("headers", []) if k.lower() == name]
    return b",".join(values).decode("latin-1") if values else None


def _in(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address in n for n in networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(scope: Scope, trusted_proxies: tuple[Network, ...] = ()) -> str:
    """The address requests are counted under: the peer's, unless the peer is a trusted proxy; then the
    right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy (each proxy appends the address it
    saw: entries to the left of the first untrusted one are the client's to write, and are not believed)."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    peer_address = _address(peer)
    if not trusted_proxies or peer_address is None or not _in(peer_address, trusted_proxies):
        return peer
    forwarded = _header(scope, b"x-forwarded-for")
    if not forwarded:
        return peer
    found = peer
    for entry in reversed(forwarded.split(",")):
        address = _address(entry)
        if address is None:
            break  # garbage: believe no further
        found = str(address)
        if not _in(address, trusted_proxies):
            break
    return found


def _wants_json(scope: Scope) -> bool:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    accept = (_header(scope, b"accept") or "").lower()
    return any(v.lower() == "json" for v in query.get("format", [])) or "application/json" in accept


def _page(seconds: int) -> bytes:
    text = escape(MESSAGE_VI.format(seconds=seconds))
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">'
        "<title>Quá nhiều yêu cầu - Xác thực giấy chứng nhận</title></head>"
        '<body style="font-family:sans-serif;max-width:34rem;margin:0 auto;padding:1rem">'
        f"<h1>Quá nhiều yêu cầu</h1><p>{text}</p>"
        f"<p>{escape(MESSAGE_EN.format(seconds=seconds))}</p></body></html>\n"
    ).encode()


async def _too_many(send: Send, wait: float, html: bool) -> None:
    seconds = max(1, math.ceil(wait))
    if html:
        body = _page(seconds)
        kind = b"text/html; charset=utf-8"
    else:
        error = P.ErrorResponse(
            error="rate_limited",
            message_vi=MESSAGE_VI.format(seconds=seconds),
            message_en=MESSAGE_EN.format(seconds=seconds),
        )
        body = error.model_dump_json().encode()
        kind = b"application/json"
    headers = [
        (b"content-type", kind),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(seconds).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RateLimitMiddleware:
    """Applies :class:`Config` to the enrollment endpoint and the public certificate endpoints (ASGI)."""

    def __init__(self, app: ASGIApp, config: Config, authenticate: Callable[[str], str | None] | None = None) -> None:
        """``authenticate(token)``: the id of the (not revoked) device holding the token, else None."""
        self.app = app
        self.config = config
        self.authenticate = authenticate
        self.enroll = TokenBuckets(config.enroll) if config.enroll else None
        self.enroll_failures = TokenBuckets(config.enroll_failures) if config.enroll_failures else None
        self.public = TokenBuckets(config.public) if config.public else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.config.enabled:
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        method: str = scope.get("method", "")
        if path == ENROLL_PATH and method == "POST":
            await self._enroll(scope, receive, send)
        elif (
            self.public is not None
            and method in ("GET", "HEAD")
            and (path == TRUST_PATH or path.startswith(PAGE_PREFIX))
        ):
            key = await self._public_key(scope)
            wait = self.public.take(key)
            if wait > 0:
                await _too_many(send, wait, html=path.startswith(PAGE_PREFIX) and not _wants_json(scope))
                return
            await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _public_key(self, scope: Scope) -> str:
        authorization = _header(scope, b"authorization")
        if self.authenticate is not None and authorization and authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
            if token:
                device = await anyio.to_thread.run_sync(self.authenticate, token)
                if device is not None:
                    return "device:" + hashlib.sha256(device.encode()).hexdigest()[:32]
        return "ip:" + client_ip(scope, self.config.trusted_proxies)

    async def _enroll(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = client_ip(scope, self.config.trusted_proxies)
        failures = self.enroll_failures
        if failures is not None:
            wait = failures.peek(key)
            if wait > 0:
                await _too_many(send, wait, html=False)
                return
        if self.enroll is not None:
            wait = self.enroll.take(key)
            if wait > 0:
                await _too_many(send, wait, html=False)
                return
        if failures is None:
            await self.app(scope, receive, send)
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if 400 <= status < 500:
            failures.take(key)  # a failed enrollment: a wrong, used or expired code, or a malformed request
