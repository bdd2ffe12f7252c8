"""The documented API is the served API."""

import json
from pathlib import Path

from sync.server.openapi import schema

DOC = Path(__file__).resolve().parents[1] / "docs" / "sync-openapi.json"


def test_committed_openapi_schema_matches_the_app() -> None:
    assert json.loads(DOC.read_text(encoding="utf-8")) == json.loads(json.dumps(schema())), (
        "docs/sync-openapi.json is stale: python -m sync.server.openapi > docs/sync-openapi.json"
    )


def test_every_endpoint_is_documented_in_the_protocol_page() -> None:
    text = (DOC.parent / "SYNC_PROTOCOL.md").read_text(encoding="utf-8")
    paths = json.loads(DOC.read_text(encoding="utf-8"))["paths"]
    assert paths, "the schema lists no endpoint"
    for path in paths:
        assert f"`{path.split('?')[0]}" in text or f"`{path}`" in text, f"{path} missing from SYNC_PROTOCOL.md"
