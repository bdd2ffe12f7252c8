"""Print the sync API's OpenAPI schema (``python -m sync.server.openapi > docs/sync-openapi.json``)."""

import json
import sys

from sqlalchemy import create_engine

from sync.server.app import create_app


def schema() -> dict[str, object]:
    engine = create_engine("sqlite://")  # never connected: the schema does not depend on the database
    try:
        return create_app(engine).openapi()
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.stdout.write(json.dumps(schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n")
