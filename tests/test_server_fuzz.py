"""The server's public API fuzzed with schemathesis against its own served OpenAPI schema (issue 6).

A real app on a temporary SQLite database, called directly as an ASGI app; every operation of
``/sync/v1/openapi.json`` gets a bounded number of generated requests (valid and invalid ones), once with no
token and once with the valid token of an enrolled device. Every answer must: not be a 5xx; hold no Python
stack trace; have a status, a content type, headers and a body the schema documents for that operation.

The examples are derandomised (the same requests every run: ``make test`` never flakes); set
``DLSO_FUZZ_EXAMPLES=200`` and ``DLSO_FUZZ_RANDOM=1`` to search harder and differently locally. The rate limits
are off here (they would turn later requests into 429s); tests/test_server_security.py tests them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sync import protocol as P
from sync.server import admin, limits
from sync.server.app import create_app
from sync.server.db import make_engine, migrate

COMMUNE = 24133
EXAMPLES = int(os.environ.get("DLSO_FUZZ_EXAMPLES", "25"))
RANDOM = os.environ.get("DLSO_FUZZ_RANDOM", "") not in ("", "0")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: invalid requests (wrong types, missing fields, out-of-range numbers) must be refused with a 4xx
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]

TRACEBACK_MARKS = (b"Traceback (most recent call last)", b'File "', b"sqlalchemy.exc", b"psycopg.")


class Target:
    def __init__(self, tmp: Path) -> None:
        self.engine = make_engine(f"sqlite:///{tmp / 'server.sqlite'}")
        migrate(self.engine)
        self.app = create_app(self.engine, snapshot_folder=tmp / "snapshots", rate_limits=limits.Config.off())
        with self.engine.begin() as conn:
            code = admin.create_enrollment_code(conn, COMMUNE).code
            self.token = admin.enroll(conn, code, "fuzz-device-0001", COMMUNE, "fuzz", "0").token
        self.schema = schemathesis.openapi.from_asgi(f"{P.PREFIX}/openapi.json", self.app)

    def close(self) -> None:
        self.app.state.snapshots.join()
        self.engine.dispose()


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    t = Target(tmp_path_factory.mktemp("fuzz"))
    try:
        yield t
    finally:
        t.close()


def _operations(*, invalid: bool = False) -> list[str]:
    """The operations the served schema lists (read from a throwaway app at collection time); with
    ``invalid``, those an invalid request can be made for (a body, or a path or query parameter: a header that
    takes any text cannot be wrong)."""
    from sqlalchemy import create_engine

    app = create_app(create_engine("sqlite://"), rate_limits=limits.Config.off())
    return sorted(
        f"{method.upper()} {path}"
        for path, methods in app.openapi()["paths"].items()
        for method, operation in methods.items()
        if method in ("get", "post", "put", "patch", "delete")
        and (
            not invalid
            or "requestBody" in operation
            or any(p.get("in") in ("path", "query") for p in operation.get("parameters", []))
        )
    )


def _no_traceback(response: Any) -> None:
    body = response.content if isinstance(response.content, bytes) else str(response.content).encode()
    for mark in TRACEBACK_MARKS:
        assert mark not in body, f"{response.status_code}: a stack trace in the answer: {body[:2000]!r}"


def _fuzz(target: Target, label: str, *, authorized: bool, negative: bool) -> None:
    from schemathesis import GenerationMode

    method, path = label.split(" ", 1)
    operation = target.schema[path][method]
    mode = GenerationMode.NEGATIVE if negative else GenerationMode.POSITIVE
    headers = {"Authorization": f"Bearer {target.token}"} if authorized else None
    checks = NEGATIVE_CHECKS if negative else CHECKS

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        if authorized and case.headers:
            case.headers.pop("authorization", None)
            case.headers.pop("Authorization", None)
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        _no_traceback(response)
        case.validate_response(response, checks=checks, headers=headers)

    statuses: list[int] = []
    run()
    if authorized:  # the token did its work: not every answer was "who are you?"
        assert any(status != 401 for status in statuses), statuses


@pytest.mark.parametrize("label", _operations())
@pytest.mark.parametrize("authorized", [False, True], ids=["anonymous", "device"])
def test_valid_requests_get_documented_answers(target: Target, label: str, authorized: bool) -> None:
    _fuzz(target, label, authorized=authorized, negative=False)


@pytest.mark.parametrize("label", _operations(invalid=True))
def test_invalid_requests_are_refused_with_documented_4xx(target: Target, label: str) -> None:
    _fuzz(target, label, authorized=True, negative=True)
