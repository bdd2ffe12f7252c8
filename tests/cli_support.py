"""Test kit for the `dlso` command line: runs it in-process against a data folder and keeps what it printed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dlso_desktop.cli import main


class Cli:
    """Runs `dlso --data-dir <dir> ...` in-process and keeps what it printed."""

    def __init__(self, data: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.data = data
        self.capsys = capsys
        self.out = ""
        self.err = ""

    def __call__(self, *args: str) -> int:
        self.capsys.readouterr()
        code = main(["--data-dir", str(self.data), *args])
        captured = self.capsys.readouterr()
        self.out, self.err = captured.out, captured.err
        return code

    def json(self, *args: str, expect: int = 0) -> Any:
        code = self("--json", *args)
        assert code == expect, self.err
        return json.loads(self.out)

    @property
    def db_path(self) -> Path:
        return self.data / "dlso.sqlite"
