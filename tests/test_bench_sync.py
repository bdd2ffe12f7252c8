"""The sync benchmark stays runnable: at toy sizes it builds its commune through the real services, pushes
it through the real engine to a real uvicorn server process, and prints well-formed figures with baselines.

(Speeds are never asserted here: `make bench` measures them. PostgreSQL is left to `make bench`.)"""

import json
from pathlib import Path

import pytest

from bench import sync_bench


def test_sync_bench_runs_at_tiny_scale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scale = sync_bench.Scale(
        households=12, visits=20, changes=15, laptops=3, communes=2, ops_per_round=11, rounds=2, postgresql=False
    )
    sync_bench.run(scale, bench_dir=tmp_path)
    figs = {f["figure"]: f for f in (json.loads(line) for line in capsys.readouterr().out.splitlines() if line)}
    assert set(figs) == {
        "snapshot_build_commune",
        "first_sync_commune",
        "first_sync_commune_record_by_record",
        "push_15_changes",
        "laptops_3_sqlite",
    }
    first = figs["first_sync_commune"]
    assert first["complete"] is True and first["visits"] == 20 and first["pulled"] >= first["rows"]
    assert first["snapshot"] is True, first["notes"]  # the server had it ready
    by_records = figs["first_sync_commune_record_by_record"]
    assert by_records["complete"] is True and by_records["pulled"] >= by_records["rows"]
    assert figs["snapshot_build_commune"]["db_mb"] > 0 and figs["snapshot_build_commune"]["cursor"] > 0
    assert figs["push_15_changes"]["applied"] == 15 and figs["push_15_changes"]["rejected"] == 0
    many = figs["laptops_3_sqlite"]
    assert many["failed_rounds"] == 0 and many["ops_pushed"] > 0
    for fig in figs.values():
        assert isinstance(fig["value"], float) and isinstance(fig["baseline"], float) and "ratio" in fig
    # the commune is cached under the bench folder, and no server process of this run is left behind
    assert [p.name for p in tmp_path.iterdir()] == [f"{sync_bench.DATA_VERSION}-12hh-20v"]
    assert not _processes_with(str(tmp_path).encode())


def _processes_with(marker: bytes) -> list[int]:
    """Processes whose environment mentions ``marker`` (the servers get their database URL there)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found
