"""The encryption benchmark stays runnable: at toy sizes its first-sync figures build a commune through the real
services, push it to a real uvicorn server process, and time fresh encrypted and unencrypted laptops pulling it.

(Speeds are never asserted here: `make bench` measures them. The write and search figures are run by
tests/test_encryption.py::test_encryption_bench_runs.)"""

import json
from pathlib import Path

import pytest
from test_bench_sync import _processes_with

from bench import encryption_bench, sync_bench


def test_encryption_bench_first_sync_runs_at_tiny_scale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scale = sync_bench.Scale(households=12, visits=20, changes=0, laptops=0, communes=0, postgresql=False)
    before = sync_bench.BENCH_DIR
    encryption_bench.run(n=200, rounds=1, first_sync=scale, bench_dir=tmp_path)
    assert before == sync_bench.BENCH_DIR  # the sync bench's own cache folder is left as it was
    figs = {f["figure"]: f for f in (json.loads(line) for line in capsys.readouterr().out.splitlines() if line)}
    assert set(figs) == {
        "encrypted_write_200_persons",
        "encrypted_search_median_200_persons",
        "encrypted_first_sync_commune",
        "encrypted_first_sync_commune_record_by_record",
    }
    for fig in figs.values():
        assert fig["value"] > 0 and fig["baseline"] > 0 and "ratio" in fig and fig["goal"]
    for name in ("encrypted_first_sync_commune", "encrypted_first_sync_commune_record_by_record"):
        fig = figs[name]
        assert fig["complete"] is True and fig["visits"] == 20 and fig["rounds"] == 1, fig
        assert len(fig["encrypted_s"]) == len(fig["plain_s"]) == 1
    snap = figs["encrypted_first_sync_commune"]
    assert snap["plain_took_snapshot"] == [True]  # the server had the snapshot ready
    assert snap["encrypted_took_snapshot"] == [True], snap["encrypted_notes"]  # encrypted as it arrived
    assert snap["snapshot_download_mb"] > 0 and snap["ratio_with_download_at_10_mbit_s"] > 0
    # the least encryption can add, measured in the same run, and what the baseline would be with it added
    # (the floor rounded to 4 decimals, the ratio to 3: at this toy size they may be 0 and 1)
    assert snap["crypto_floor_s"] >= 0 and snap["floor_ratio"] >= 1
    assert snap["floor_ratio"] == pytest.approx(
        (snap["baseline"] + snap["crypto_floor_s"]) / snap["baseline"], abs=2e-3
    )
    assert "crypto_floor_s" not in figs["encrypted_first_sync_commune_record_by_record"]
    # the commune is cached under the bench folder, the run's laptops are gone, no server process is left behind
    assert [p.name for p in tmp_path.iterdir()] == [f"{sync_bench.DATA_VERSION}-12hh-20v"]
    assert not _processes_with(str(tmp_path).encode())


def test_a_smaller_run_leaves_the_first_sync_out_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    encryption_bench.run(n=100, rounds=1)  # "auto": only the full run (n == N) adds the first sync
    assert [json.loads(line)["figure"] for line in capsys.readouterr().out.splitlines()] == [
        "encrypted_write_100_persons",
        "encrypted_search_median_100_persons",
    ]
    assert encryption_bench.FIRST_SYNC.households == 3_000 and encryption_bench.FIRST_SYNC.visits == 20_000


def test_the_crypto_floor_is_measured() -> None:
    assert encryption_bench.crypto_floor(1 << 20, repeats=1) > 0  # one native pass over 1 MB takes some time
