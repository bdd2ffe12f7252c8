"""The benchmarks stay runnable: each one, on tiny sizes, prints well-formed JSON figures with baselines.

(Speeds are never asserted here: `make bench` measures them.)"""

import json
from pathlib import Path

import pytest

from bench import big_db, write_path


def _figures(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_write_path_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    write_path.run(300)
    (fig,) = _figures(capsys.readouterr().out)
    assert fig["figure"] == "write_path_50k_persons" and fig["persons"] == 300
    assert isinstance(fig["value"], float) and isinstance(fig["baseline"], float) and "ratio" in fig


def test_search_and_open_bench_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(big_db, "BENCH_DIR", tmp_path)
    path = big_db.big_database(households=120)
    assert path.exists() and not list(tmp_path.glob("*.building*"))
    big_db.run_search(path)
    big_db.run_open(path)
    figs = {f["figure"]: f for f in _figures(capsys.readouterr().out)}
    assert set(figs) == {"search_median_1m_persons", "search_p95_1m_persons", "open_1m_person_db"}
    assert figs["search_median_1m_persons"]["answered"] == "100/100"  # every drawn query finds someone
    assert all("baseline" in f for f in figs.values())


def test_certificate_session_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import cert_pdf_bench

    cert_pdf_bench.run_session(12)
    (fig,) = _figures(capsys.readouterr().out)
    assert fig["figure"] == "cert_session_500" and fig["certificates"] == 12
    assert isinstance(fig["value"], float) and isinstance(fig["baseline"], float)
