"""The provincial server's HTTP API (FastAPI): ``/sync/v1/...``; the schema at ``/sync/v1/openapi.json``.

Every endpoint but ``time``, ``enroll``, ``certificates/trust`` and the public verification page ``/v/<payload>``
(sync/server/certs.py) needs ``Authorization: Bearer <device token>``; the commune always
comes from the token's device, never from the request. Request bodies may be gzip-compressed
(``Content-Encoding: gzip``); responses are gzip-compressed when the client accepts it. Refusals are
:class:`sync.protocol.ErrorResponse` JSON with a Vietnamese and an English message; no stack trace is ever
sent.
"""

import json
import logging
import os
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from fastapi import FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection, Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from dlso_desktop import __version__
from dlso_desktop.ids import utc_now
from dlso_desktop.storage import schema as laptop_schema
from dlso_desktop.validation import ValidationError
from sync import protocol as P
from sync.server import admin, apply, limits
from sync.server import audit as audit_copy  # its table is on the server's metadata
from sync.server.db import FifoSemaphore, read_only, writing

log = logging.getLogger("dlso.server")

#: How many requests work on the database at once, per worker process ($DLSO_SERVER_MAX_CONCURRENT overrides;
#: 0: no limit). SQLite has one writer and the work is CPU under one GIL: a few. PostgreSQL requests spend
#: much of their time waiting for the database (round trips, commit flushes, a commune's counter lock): more.
MAX_CONCURRENT = {"sqlite": 4, "postgresql": 12}
ENV_MAX_CONCURRENT = "DLSO_SERVER_MAX_CONCURRENT"
#: Threads for the endpoints (anyio's default is 40): requests queued for a slot or for SQLite's writer wait in
#: a thread, and with 40 of them waiting a short request could not even start
THREADS = 200

#: Largest request body accepted, compressed and after decompression.
MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_INFLATED_BYTES = 64 * 1024 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ApiError(Exception):
    def __init__(self, status: int, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


def _error_response(status: int, code: str, vi: str, en: str) -> JSONResponse:
    body = P.ErrorResponse(error=code, message_vi=vi, message_en=en)
    return JSONResponse(status_code=status, content=body.model_dump())


class BodyLimitMiddleware:
    """Refuses bodies over the limit (413) and inflates gzip-encoded bodies (bounded: no zip bombs)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                await _send_json(send, 413, "too_large", "Dữ liệu gửi lên quá lớn.", "Request body too large.")
                return
            chunks.append(chunk)
            more = bool(message.get("more_body"))
        body = b"".join(chunks)
        if headers.get(b"content-encoding", b"").strip().lower() == b"gzip":
            try:
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                body = inflater.decompress(body, MAX_INFLATED_BYTES)
                if inflater.unconsumed_tail:
                    raise ValueError("too large")
            except (zlib.error, ValueError, EOFError):
                await _send_json(
                    send, 400, "bad_request", "Dữ liệu nén bị hỏng hoặc quá lớn.", "Bad or oversized gzip body."
                )
                return
            raw = [(k, v) for k, v in scope["headers"] if k.lower() not in (b"content-encoding", b"content-length")]
            scope = {**scope, "headers": [*raw, (b"content-length", str(len(body)).encode())]}
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _send_json(send: Send, status: int, code: str, vi: str, en: str) -> None:
    response = _error_response(status, code, vi, en)
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": response.body})


def max_concurrent(dialect: str) -> int:
    text = os.environ.get(ENV_MAX_CONCURRENT, "").strip()
    return int(text) if text.isdigit() else MAX_CONCURRENT.get(dialect, 4)


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
    yield


def create_app(
    engine: Engine,
    *,
    concurrent: int | None = None,
    snapshot_folder: Path | None = None,
    rate_limits: limits.Config | None = None,
) -> FastAPI:
    """The API on ``engine``; at most ``concurrent`` requests (default :func:`max_concurrent`) at work at once;
    the rate limits of the public doors ``rate_limits`` (default: :meth:`limits.Config.from_env`).

    The endpoints run in threads under one GIL: a burst of fifty pushes all at work at once makes each of them
    as slow as the whole burst, while a few at a time, in arrival order, finish the early ones early and the
    burst no later. Short requests (state, pull) go before the queued pushes."""
    slots = FifoSemaphore(concurrent if concurrent is not None else max_concurrent(engine.dialect.name) or 1_000_000)
    app = FastAPI(
        title="DLSO provincial sync server",
        version=__version__,
        description="Offline-first sync for Đắk Lắk's community digital technology teams (docs/SYNC_PROTOCOL.md).",
        openapi_url=f"{P.PREFIX}/openapi.json",
        docs_url=f"{P.PREFIX}/docs",
        redoc_url=None,
        lifespan=_lifespan,
    )
    # level 1: most of level 9's saving on JSON (slow village links) at a small part of its CPU on big pulls
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=1)
    app.add_middleware(BodyLimitMiddleware)

    def token_device(token: str) -> str | None:
        with read_only(engine) as conn:
            found = admin.device_for_token(conn, token)
        return None if found is None or found.revoked else found.id

    # outermost: a refused request costs no body read, no database work
    app.add_middleware(
        limits.RateLimitMiddleware,
        config=rate_limits if rate_limits is not None else limits.Config.from_env(),
        authenticate=token_device,
    )
    app.state.engine = engine

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _error_response(exc.status, exc.code, exc.message_vi, exc.message_en)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(
            ".".join(str(p) for p in e.get("loc", ())) + ": " + str(e.get("msg", "")) for e in exc.errors()
        )
        return _error_response(
            400, "bad_request", f"Yêu cầu không hợp lệ: {where[:500]}", f"Bad request: {where[:500]}"
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI's own refusals (a body it cannot decode, an unknown path or method) in the same shape
        if exc.status_code == 400:
            return _error_response(400, "bad_request", "Yêu cầu không hợp lệ.", f"Bad request: {exc.detail}")
        return _error_response(
            exc.status_code,
            "not_found" if exc.status_code == 404 else "http_error",
            f"Yêu cầu không được phục vụ (mã {exc.status_code}).",
            f"{exc.detail} (HTTP {exc.status_code})",
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _error_response(500, "server_error", "Lỗi máy chủ; hãy thử lại sau.", "Server error; try again later.")

    # Every endpoint commits its transaction *before* its answer is sent: an answer always describes
    # committed data (a dependency with yield could commit after the response has gone).
    def device(conn: Connection, authorization: str | None) -> apply.DeviceInfo:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise ApiError(401, "unauthorized", "Máy chưa được đăng ký với máy chủ.", "No device token.")
        found = admin.device_for_token(conn, authorization[7:].strip())
        if found is None:
            raise ApiError(401, "unauthorized", "Mã truy cập của máy không đúng.", "Unknown device token.")
        if found.revoked:
            raise ApiError(
                403,
                "revoked",
                "Máy này đã bị thu hồi quyền đồng bộ. Hãy liên hệ cán bộ xã.",
                "This device was revoked. Contact the commune office.",
            )
        return apply.DeviceInfo(found.id, found.commune_code)

    Auth = Annotated[str | None, Header(description="Bearer <device token>")]
    errors: dict[int | str, dict[str, Any]] = {
        400: {"model": P.ErrorResponse},
        401: {"model": P.ErrorResponse},
        403: {"model": P.ErrorResponse},
    }

    @app.get(f"{P.PREFIX}/time", response_model=P.TimeResponse, tags=["sync"])
    def server_time() -> P.TimeResponse:
        """The server's clock (laptops far off get a warning; clocks never decide conflicts)."""
        return P.TimeResponse(server_time=utc_now(), schema_version=laptop_schema.SCHEMA_VERSION)

    limited: dict[int | str, dict[str, Any]] = {
        429: {
            "model": P.ErrorResponse,
            "description": "Too many requests from this address (``rate_limited``); see the Retry-After header",
            "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
        }
    }

    @app.post(f"{P.PREFIX}/enroll", response_model=P.EnrollResponse, responses={**errors, **limited}, tags=["sync"])
    def enroll(body: P.EnrollRequest) -> P.EnrollResponse:
        """Exchange a one-time enrollment code for a device token (shown once). Rate-limited per client address,
        failed attempts especially (429 ``rate_limited``)."""
        try:
            with writing(engine, short=True) as conn, slots.slot(urgent=True):
                done = admin.enroll(
                    conn, body.code, body.device_id, body.commune_code, body.device_name, body.app_version
                )
        except admin.AdminError as exc:
            raise ApiError(400, exc.code, exc.message_vi, exc.message_en) from None
        except ValidationError as exc:
            raise ApiError(400, "bad_request", exc.message_vi, exc.message_en) from None
        return P.EnrollResponse(
            device_id=done.device_id,
            commune_code=done.commune_code,
            commune_name=done.commune_name,
            token=done.token,
            server_time=utc_now(),
        )

    @app.get(f"{P.PREFIX}/state", response_model=P.StateResponse, responses=errors, tags=["sync"])
    def state(authorization: Auth = None) -> P.StateResponse:
        """The last op the server holds from this device (resend what is missing) and the high-water mark."""
        with slots.slot(urgent=True), read_only(engine) as conn:
            dev = device(conn, authorization)
            return P.StateResponse(
                device_id=dev.id,
                commune_code=dev.commune_code,
                last_op_id=apply.last_op_id(conn, dev.id),
                high_water=apply.high_water(conn, dev.commune_code),
                server_time=utc_now(),
            )

    @app.post(f"{P.PREFIX}/push", response_model=P.PushResponse, responses=errors, tags=["sync"])
    def push(body: P.PushRequest, authorization: Auth = None) -> Response:
        """Apply a batch of outbox ops in op-id order; one answer per op; idempotent by (device, op id)."""
        # SQLite: the write lock first, then a slot, so that pushes waiting for the single writer leave the
        # slots to the requests that can work meanwhile; PostgreSQL: the same for the commune's counter lock
        prepared = apply.prepare_push(body)  # before the locks: they are held for less time
        with writing(engine) as conn:
            dev = device(conn, authorization)
            # PostgreSQL: wait for the commune's other pushes (its counter's row lock, kept by apply_push until
            # commit) before taking a slot, not in one: five laptops of a commune pushing at once would
            # otherwise hold slots doing nothing while other communes' requests queue for them
            counter = apply.lock_counter(conn, dev.commune_code)
            with slots.slot():
                response = apply.apply_push(conn, dev, body, utc_now(), prepared, counter=counter)
        # serialised here, once (FastAPI would validate the 2,000 results again against the response model)
        # ``waiting`` only when set: laptops older than it refuse an answer holding a field they do not know
        content = response.model_dump_json(exclude={"waiting"} if response.waiting is None else None)
        return Response(content=content, media_type="application/json")

    @app.get(f"{P.PREFIX}/pull", response_model=P.PullResponse, responses=errors, tags=["sync"])
    def pull(
        authorization: Auth = None,
        cursor: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=P.MAX_PULL_LIMIT)] = 1000,
    ) -> Response:
        """The commune's records changed after ``cursor``, oldest change first, up to the safe high-water mark."""
        now = utc_now()
        if engine.dialect.name != "sqlite":
            # one transaction reads the page and records the served cursor, committed before the answer leaves
            # just the same: half the round trips (SQLite reads without its write lock, then writes below)
            with slots.slot(urgent=True), engine.begin() as conn:
                dev = device(conn, authorization)
                body, served, pulled_to = apply.serve_pull(conn, dev, cursor, limit, now)
                if served > pulled_to:
                    apply.record_served(conn, dev, served, now)
            return Response(content=body, media_type="application/json")
        with slots.slot(urgent=True), read_only(engine) as conn:
            dev = device(conn, authorization)
            body, served, pulled_to = apply.serve_pull(conn, dev, cursor, limit, now)
        if served > pulled_to:
            # committed before the answer leaves: a cursor a laptop holds was always recorded as served
            # (the write lock before the slot, as every writer takes them: never the other way round)
            with writing(engine, short=True) as conn, slots.slot(urgent=True):
                apply.record_served(conn, dev, served, now)
        return Response(content=body, media_type="application/json")

    @app.get(f"{P.PREFIX}/verify", response_model=P.VerifyResponse, responses=errors, tags=["sync"])
    def verify(authorization: Auth = None) -> P.VerifyResponse:
        """Count and digest per table of the commune's live records, to compare with a laptop's."""
        with slots.slot(), read_only(engine) as conn:
            dev = device(conn, authorization)
            digests = apply.commune_digests(conn, dev.commune_code)
            high = apply.high_water(conn, dev.commune_code)
        return P.VerifyResponse(
            tables={t: P.TableDigest(count=n, digest=d) for t, (n, d) in digests.items()},
            high_water=high,
            server_time=utc_now(),
        )

    from sync.server import certs, snapshot

    snapshot.install(app, engine, device, snapshot_folder or snapshot.snapshot_dir(engine.url.render_as_string()))
    certs.install(app, engine, device, slots=slots)
    audit_copy.install(app, engine, device, slots=slots)

    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _refusals_are_400(generate())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    return app


_ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}


def _refusals_are_400(schema: dict[str, Any]) -> None:
    """The schema as the app answers: a request that does not validate gets 400 ``bad_request`` (ErrorResponse,
    see ``_bad_request``), never FastAPI's 422 it documents by default (the fuzz test checks every answer's
    status against the schema)."""
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.get("responses", {})
            if responses.pop("422", None) is None:
                continue
            responses.setdefault(
                "400",
                {
                    "description": "Bad request (``bad_request``): a parameter or the body does not validate",
                    "content": {"application/json": {"schema": dict(_ERROR_REF)}},
                },
            )
    components = schema.get("components", {}).get("schemas", {})
    text = json.dumps(schema.get("paths", {}))
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{unused}" not in text:
            components.pop(unused, None)


def app_from_env() -> FastAPI:
    """``uvicorn --factory sync.server.app:app_from_env``: the database from ``$DLSO_SERVER_DATABASE_URL``
    (else the embedded SQLite file), migrated first."""
    from sync.server.db import database_url, make_engine, migrate

    engine = make_engine(database_url(), background_checkpoints=True)
    migrate(engine)
    return create_app(engine)
