"""The households-scroll benchmark stays runnable: on a tiny database it prints one well-formed figure with
its baseline (speeds are never asserted here: `make bench` measures them on 100,000 households)."""

import json
from pathlib import Path

import pytest

from bench import big_db, ui_bench


def test_scroll_bench_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(big_db, "BENCH_DIR", tmp_path)
    path = ui_bench.scroll_db(households=150)
    ui_bench.run_scroll(path, jumps=6)
    (fig,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert fig["figure"] == "scroll_jump_100k_households"
    assert fig["households"] == 150 and fig["jumps"] == 6 and fig["visible_rows"] > 5
    assert isinstance(fig["value"], float) and isinstance(fig["baseline"], float) and "ratio" in fig
    assert fig["p95_ms"] >= 0 and fig["baseline_p95_ms"] >= 0
