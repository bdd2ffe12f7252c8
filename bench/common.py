"""Helpers shared by the benchmarks: JSON output, timing, synthetic inputs."""

import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # keep this module light: the UI start-up baseline imports it
    from dlso_desktop.services.people import PersonInput

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Ngọc", "Minh", "Thanh", "Quang", "Thu", "Kim"]
GIVEN = ["Đức", "Anh", "Hùng", "Lan", "Hoa", "Hòa", "Dũng", "Hương", "Thủy", "Bình", "An", "Tâm", "Nam", "Mai"]
EDE_GIVEN = ["Mek", "Thông", "Ƀlŭl", "Maryam", "Hen", "Ruah", "Khuê", "Blin"]
EDE_CLAN = ["Niê", "Mlô", "Ayŭn", "Ktla", "Êban", "Byă", "Adrơng", "Kbuôr", "Ksơr"]
PREFIXES = ["032", "033", "034", "035", "036", "037", "038", "039", "086", "090", "091", "093", "097", "098"]


def emit(
    name: str,
    value: float,
    unit: str,
    baseline: float | None = None,
    baseline_name: str = "",
    goal: str = "",
    **extra: Any,
) -> None:
    row: dict[str, Any] = {"figure": name, "value": round(value, 4), "unit": unit}
    if baseline is not None:
        row["baseline"] = round(baseline, 4)
        row["baseline_is"] = baseline_name
        if baseline:
            row["ratio"] = round(value / baseline, 3)
    if goal:
        row["goal"] = goal
    row.update(extra)
    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def person_inputs(n: int, seed: int = 7) -> "list[PersonInput]":
    from dlso_desktop.services.people import PersonInput

    rng = random.Random(seed)
    out = []
    cccds: set[str] = set()
    for _ in range(n):
        female = rng.random() < 0.5
        if rng.random() < 0.7:
            name = f"{rng.choice(FAMILY)} {'Thị' if female else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        else:
            name = f"{'H’' if female else 'Y '}{rng.choice(EDE_GIVEN)} {rng.choice(EDE_CLAN)}"
        year = rng.randint(1945, 2007)
        cccd = None
        if rng.random() < 0.6:  # a citizen ID belongs to one person
            century_sex = (1 if female else 0) if year < 2000 else (3 if female else 2)
            while cccd is None or cccd in cccds:
                cccd = f"066{century_sex}{year % 100:02d}{rng.randint(0, 999_999):06d}"
            cccds.add(cccd)
        out.append(
            PersonInput(
                full_name=name,
                sex="female" if female else "male",
                birth_date=date(year, rng.randint(1, 12), rng.randint(1, 28)),
                phone=rng.choice(PREFIXES) + f"{rng.randint(0, 9_999_999):07d}" if rng.random() < 0.7 else None,
                citizen_id=cccd,
                vneid_level=rng.choice(["none", "level1", "level2", None]),
                has_smartphone=rng.random() < 0.8,
            )
        )
    return out
