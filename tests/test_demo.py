"""Tests for dlso_desktop.demo: realistic, deterministic demo data written through the services."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dlso_desktop import demo
from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, HouseholdService
from dlso_desktop.services.views import HouseholdDetail
from dlso_desktop.storage.store import Database, create_database
from dlso_desktop.text import fold
from dlso_desktop.validation import MOBILE_PREFIX_RE, ValidationError, validate_cccd

COMMUNE = 24133  # Phường Buôn Ma Thuột
SEED = 7
HOUSEHOLDS = 300


def _rows(db: Database, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with db.reader() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql, params).all()]


def _people(db: Database) -> Counter[tuple[Any, ...]]:
    return Counter(_rows(db, "SELECT full_name, birth_date, phone, citizen_id FROM person WHERE deleted = 0"))


def _village_names(db: Database) -> list[str]:
    return sorted(r[0] for r in _rows(db, "SELECT name FROM village WHERE deleted = 0"))


def _age(row_birth_date: str | None, birth_year: int, ref: date) -> int:
    if row_birth_date is None:
        return ref.year - birth_year
    born = date.fromisoformat(row_birth_date)
    return ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, dict[str, int]]]:
    db = create_database(tmp_path_factory.mktemp("demo") / "a.sqlite", COMMUNE)
    try:
        counts = demo.generate(db, households=HOUSEHOLDS, seed=SEED, batch=120)
        yield db, counts
    finally:
        db.close()


# ---------------------------------------------------------------------------------------------------------
# Counts and integrity


def test_counts_match_stats(generated: tuple[Database, dict[str, int]]) -> None:
    db, counts = generated
    stats = Services(db).admin.stats()
    assert counts == {
        "villages": stats["village"],
        "households": stats["household"],
        "persons": stats["person"],
        "visits": stats["visit"],
        "training_sessions": stats["training_session"],
        "attendances": stats["attendance"],
        "submissions": stats["assisted_submission"],
    }
    assert counts["households"] == HOUSEHOLDS
    assert 2 <= counts["villages"] <= 5  # one per 60-150 households
    assert 3.4 <= counts["persons"] / HOUSEHOLDS <= 4.5  # mean ~4
    assert 0.6 <= counts["visits"] / HOUSEHOLDS <= 0.8  # ~70% of households visited
    assert 5 <= counts["training_sessions"] <= 10  # ~one per 40 households
    assert 10 * counts["training_sessions"] <= counts["attendances"] <= 25 * counts["training_sessions"]
    assert 0.12 <= counts["submissions"] / HOUSEHOLDS <= 0.28  # ~one per 5 households


def test_check_ok_afterwards(generated: tuple[Database, dict[str, int]]) -> None:
    db, _ = generated
    report = Services(db).admin.check()
    assert report.ok, report.problems


# ---------------------------------------------------------------------------------------------------------
# Determinism


def test_same_seed_gives_the_same_data(generated: tuple[Database, dict[str, int]], tmp_path: Path) -> None:
    db_a, counts_a = generated
    db_b = create_database(tmp_path / "b.sqlite", COMMUNE)
    try:
        counts_b = demo.generate(db_b, households=HOUSEHOLDS, seed=SEED)  # other batch size, same content
        assert counts_b == counts_a
        assert _people(db_b) == _people(db_a)
        assert _village_names(db_b) == _village_names(db_a)
        visits = "SELECT visitor_name, visited_at, notes FROM visit ORDER BY visited_at, visitor_name, notes"
        assert _rows(db_b, visits) == _rows(db_a, visits)
    finally:
        db_b.close()


def test_people_do_not_depend_on_activity(generated: tuple[Database, dict[str, int]], tmp_path: Path) -> None:
    db_a, _ = generated
    db_c = create_database(tmp_path / "c.sqlite", COMMUNE)
    try:
        counts = demo.generate(db_c, households=HOUSEHOLDS, seed=SEED, activity=False)
        assert counts["visits"] == counts["training_sessions"] == counts["attendances"] == counts["submissions"] == 0
        assert Services(db_c).admin.stats()["visit"] == 0
        assert _people(db_c) == _people(db_a)
        assert _village_names(db_c) == _village_names(db_a)
    finally:
        db_c.close()


def test_different_seed_gives_different_names(generated: tuple[Database, dict[str, int]], tmp_path: Path) -> None:
    db_a, _ = generated
    db_d = create_database(tmp_path / "d.sqlite", COMMUNE)
    try:
        demo.generate(db_d, households=HOUSEHOLDS, seed=SEED + 1, activity=False)
        names_a = Counter(k[0] for k in _people(db_a).elements())
        names_d = Counter(k[0] for k in _people(db_d).elements())
        assert names_a != names_d
        assert _people(db_a) != _people(db_d)
    finally:
        db_d.close()


def test_reference_date_is_fixed_and_not_in_the_future() -> None:
    assert demo.reference_date(3) == demo.reference_date(3)
    for seed in range(20):
        ref = demo.reference_date(seed)
        assert ref <= date.today()
        assert ref <= date(2026, 10, 1)


# ---------------------------------------------------------------------------------------------------------
# Names and text


def test_names_stored_nfc_although_some_inputs_were_nfd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[HouseholdInput] = []
    original = HouseholdService.create_many

    def spy(self: HouseholdService, inputs: Sequence[HouseholdInput], **kw: Any) -> list[HouseholdDetail]:
        seen.extend(inputs)
        return original(self, inputs, **kw)

    monkeypatch.setattr(HouseholdService, "create_many", spy)
    db = create_database(tmp_path / "nfd.sqlite", COMMUNE)
    try:
        demo.generate(db, households=200, seed=3, activity=False)
        typed = [m.full_name for h in seen for m in h.members]
        decomposed = [n for n in typed if not unicodedata.is_normalized("NFC", n)]
        assert 0.02 * len(typed) <= len(decomposed) <= 0.09 * len(typed)  # about 5%
        assert any("’" in n for n in typed) and any("'" in n for n in typed)  # both apostrophes typed

        stored = [r[0] for r in _rows(db, "SELECT full_name FROM person")]
        assert len(stored) == len(typed)
        assert all(unicodedata.is_normalized("NFC", n) for n in stored)
        assert not any("’" in n for n in stored)  # stored with straight apostrophes
        assert Counter(stored) == Counter(
            " ".join(unicodedata.normalize("NFC", n).replace("’", "'").split()) for n in typed
        )
        for table, col in (("household", "head_name"), ("household", "address"), ("village", "name")):
            assert all(unicodedata.is_normalized("NFC", r[0]) for r in _rows(db, f"SELECT {col} FROM {table}"))
    finally:
        db.close()


def test_some_persons_have_ede_names_given_first(generated: tuple[Database, dict[str, int]]) -> None:
    db, _ = generated
    rows = _rows(db, "SELECT full_name, sex FROM person WHERE name_order = 'given_first'")
    total = _rows(db, "SELECT count(*) FROM person")[0][0]
    assert 0.2 <= len(rows) / total <= 0.5  # ~35% minority names, most written given first
    ede = [
        name
        for name, _ in rows
        if name.startswith(("Y ", "Y-", "H'", "H ")) and any(name.endswith(" " + c) for c in demo.EDE_CLANS)
    ]
    assert len(ede) >= 20  # Ê Đê is the main group; M'Nông and J'rai names are given first too
    for name, sex in rows:
        assert sex == ("male" if name.startswith(("Y ", "Y-")) else "female"), name


def test_sex_consistent_with_names(generated: tuple[Database, dict[str, int]]) -> None:
    db, _ = generated
    for name, sex, order in _rows(db, "SELECT full_name, sex, name_order FROM person"):
        words = name.split()
        if order == "family_first" and "Thị" in words:
            assert sex == "female", name
        if order == "family_first" and len(words) >= 3 and words[1] == "Văn":
            assert sex == "male", name


def test_kinh_family_names_weighted(generated: tuple[Database, dict[str, int]]) -> None:
    db, _ = generated
    heads = [r[0] for r in _rows(db, "SELECT full_name FROM person WHERE name_order = 'family_first'")]
    share = sum(1 for n in heads if n.startswith("Nguyễn ")) / len(heads)
    assert 0.25 <= share <= 0.5


def test_search_finds_generated_person_typed_without_accents(generated: tuple[Database, dict[str, int]]) -> None:
    db, _ = generated
    svc = Services(db)
    kinh = _rows(
        db,
        "SELECT id, full_name FROM person WHERE name_order = 'family_first' AND full_name LIKE 'Nguyễn %'"
        " ORDER BY sort_key LIMIT 3",
    )
    ede = _rows(
        db,
        "SELECT id, full_name FROM person WHERE name_order = 'given_first' AND full_name LIKE 'H''%'"
        " ORDER BY sort_key LIMIT 3",
    )
    assert kinh and ede
    for pid, name in kinh + ede:
        query = fold(name)
        assert query.isascii() and query != name.lower()
        hits = svc.search.search(query, kinds=("person",), limit=200)
        assert pid in {h.id for h in hits}, (name, query)


# ---------------------------------------------------------------------------------------------------------
# Persons and households


def test_identifiers_are_valid_and_plausible(generated: tuple[Database, dict[str, int]]) -> None:
    db, _ = generated
    ref = demo.reference_date(SEED)
    rows = _rows(db, "SELECT sex, birth_date, birth_year, citizen_id, phone, vneid_level, ethnic_group FROM person")
    adults = [r for r in rows if _age(r[1], r[2], ref) >= 18]
    for sex, birth, year, cid, phone, _, ethnic in rows:
        assert ethnic in (None, "10", "11", "20")  # J'rai, Ê Đê, M'Nông: only with consent (test below)
        if cid is not None:
            born = date.fromisoformat(birth) if birth else None
            assert validate_cccd(cid, sex=sex, birth_date=born) == cid
            assert 1900 + 100 * (int(cid[3]) // 2) + int(cid[4:6]) == year
            assert cid[:3] in {"066", "001", "034", "035", "036", "038", "040", "042", "044", "048", "049",
                               "051", "052", "054", "062", "064", "067", "079"}  # fmt: skip
        if phone is not None:
            assert MOBILE_PREFIX_RE.match(phone), phone
    n = len(adults)
    assert 0.45 <= sum(1 for r in adults if r[3]) / n <= 0.75  # ~60% with a CCCD
    assert 0.55 <= sum(1 for r in adults if r[4]) / n <= 0.85  # ~70% with a mobile
    assert 0.4 <= sum(1 for r in adults if r[5] == "level2") / n <= 0.7  # ~55% VNeID level 2
    assert 0.05 <= sum(1 for r in rows if r[1] is None) / len(rows) <= 0.3  # some only with a birth year


def test_ethnic_group_only_with_recorded_sensitive_consent(generated: tuple[Database, dict[str, int]]) -> None:
    db, _ = generated
    with_group = {r[0]: r[1] for r in _rows(db, "SELECT id, ethnic_group FROM person WHERE ethnic_group IS NOT NULL")}
    persons = len(_rows(db, "SELECT id FROM person"))
    assert 0.02 <= len(with_group) / persons <= 0.2  # some adults of minority households agreed
    statuses = Services(db).consent.statuses(list(with_group))
    assert len(statuses) == len(with_group)
    for status in statuses.values():
        assert status.sensitive_given and status.sensitive is not None
        assert status.sensitive.text_version and status.sensitive.given_at
    consented = {r[0] for r in _rows(db, "SELECT person_id FROM consent WHERE scope = 'sensitive' AND granted = 1")}
    assert consented == set(with_group)


def test_households_are_plausible(generated: tuple[Database, dict[str, int]]) -> None:
    db, _ = generated
    ref = demo.reference_date(SEED)
    members: dict[str, list[tuple[Any, ...]]] = {}
    for row in _rows(db, "SELECT household_id, relationship, full_name, birth_date, birth_year FROM person"):
        members.setdefault(row[0], []).append(row)
    heads = dict(_rows(db, "SELECT id, head_name FROM household"))
    assert set(members) == set(heads)
    ages: dict[str, list[int]] = {}
    for hid, people in members.items():
        assert 1 <= len(people) <= 7
        head = [p for p in people if p[1] == "head"]
        assert len(head) == 1 and head[0][2] == heads[hid]
        head_age = _age(head[0][3], head[0][4], ref)
        for _, rel, name, birth, year in people:
            age = _age(birth, year, ref)
            ages.setdefault(rel, []).append(age)
            if rel in ("head", "spouse", "parent", "other"):
                assert 18 <= age <= 86, (rel, name, age)
            if rel == "child":
                assert 0 <= age <= head_age - 15, (rel, name, age, head_age)
            if rel == "grandchild":
                assert 0 <= age <= head_age - 34, (rel, name, age, head_age)
            if rel == "parent":
                assert age >= head_age + 19, (rel, name, age, head_age)
    minors = sum(1 for a in ages["child"] if a <= 17) / len(ages["child"])
    assert minors >= 0.7  # children are mostly 0-17; some grown-up sons and daughters still live at home
    internet = Counter(r[0] for r in _rows(db, "SELECT internet FROM household"))
    assert set(internet) <= {"fibre", "mobile", "none"} and len(internet) == 3
    smart = _rows(db, "SELECT smartphone_count, phones_2g_only FROM household")
    assert all(0 <= s <= 8 and 0 <= g <= 8 for s, g in smart)
    kinds = Counter(r[0] for r in _rows(db, "SELECT kind FROM village"))
    assert set(kinds) <= {"thon", "buon", "to_dan_pho"}


# ---------------------------------------------------------------------------------------------------------
# Activity


def test_activity_is_plausible_and_never_in_the_future(generated: tuple[Database, dict[str, int]]) -> None:
    db, _ = generated
    ref = demo.reference_date(SEED)
    earliest = ref - timedelta(days=demo.ACTIVITY_DAYS + 1)
    now = datetime.now(UTC)
    for (visited_at,) in _rows(db, "SELECT visited_at FROM visit"):
        at = datetime.fromisoformat(visited_at.replace("Z", "+00:00"))
        assert at <= now and at.date() >= earliest
    for (d,) in _rows(db, "SELECT session_date FROM training_session"):
        assert earliest <= date.fromisoformat(d) <= ref
    for (d,) in _rows(db, "SELECT submitted_on FROM assisted_submission"):
        assert earliest <= date.fromisoformat(d) <= ref
    # every visit has consent and findings; actions and follow-ups come from the catalogue
    assert (
        _rows(db, "SELECT count(*) FROM visit v WHERE NOT EXISTS (SELECT 1 FROM consent c WHERE c.visit_id = v.id)")[0][
            0
        ]
        == 0
    )
    assert _rows(db, "SELECT count(DISTINCT visit_id) FROM visit_finding")[0][0] == len(
        _rows(db, "SELECT id FROM visit")
    )
    from dlso_desktop.catalogue import ACTIONS_DONE, FOLLOW_UPS

    actions = _rows(db, "SELECT kind, code FROM visit_action")
    assert {c for k, c in actions if k == "done"} <= {c for c, _, _ in ACTIONS_DONE}
    assert {c for k, c in actions if k == "follow_up"} <= {c for c, _, _ in FOLLOW_UPS}
    per_visit = Counter(_rows(db, "SELECT visit_id, kind FROM visit_action"))
    assert max(n for (_, k), n in per_visit.items() if k == "done") <= 3
    assert max(n for (_, k), n in per_visit.items() if k == "follow_up") <= 2
    # training results: about 80% passed
    results = Counter(r[0] for r in _rows(db, "SELECT result FROM attendance"))
    assert set(results) <= {"passed", "not_yet"}
    assert 0.65 <= results["passed"] / sum(results.values()) <= 0.92
    # submissions: dossier codes, "toàn trình" only where the procedure allows it, statuses moved forward
    subs = _rows(
        db,
        "SELECT s.dossier_code, s.full_online, p.full_online_available FROM assisted_submission s"
        " JOIN procedure p ON p.id = s.procedure_id",
    )
    assert all(not online or allowed for _, online, allowed in subs)
    coded = [c for c, _, _ in subs if c]
    assert coded and all(
        c.startswith(f"G22.66.{COMMUNE}-") and len(c) == len("G22.66.24133-261015-0001") for c in coded
    )
    statuses = Counter(r[0] for r in _rows(db, "SELECT status FROM submission_status"))
    assert statuses["submitted"] and statuses["received"] and statuses["completed"]
    assert all(s.status in {"prepared", "submitted", "received", "processing", "completed", "rejected"}
               for s in Services(db).submissions.find(limit=1000))  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# Batches, progress, re-runs


def test_progress_after_each_batch(tmp_path: Path) -> None:
    db = create_database(tmp_path / "p.sqlite", COMMUNE)
    calls: list[tuple[int, int]] = []
    try:
        counts = demo.generate(
            db, households=120, seed=2, batch=50, activity=False, progress=lambda d, t: calls.append((d, t))
        )
        assert calls == [(50, 120), (100, 120), (120, 120)]
        assert counts["households"] == 120
    finally:
        db.close()


def test_running_twice_reuses_and_extends_villages(tmp_path: Path) -> None:
    db = create_database(tmp_path / "twice.sqlite", 24235)  # Xã Buôn Đôn: thôn and buôn
    try:
        first = demo.generate(db, households=150, seed=5, activity=False)
        names = _village_names(db)
        before = Services(db).admin.stats()
        # the same seed makes the same people (same CCCDs): refused with a plain message, nothing written
        with pytest.raises(ValidationError) as err:
            demo.generate(db, households=150, seed=5, activity=False)
        assert err.value.field == "seed" and "seed 5" in err.value.message_vi
        assert Services(db).admin.stats() == before
        assert _village_names(db) == names
        more = demo.generate(db, households=400, seed=6, activity=False)
        folded = [fold(n) for n in _village_names(db)]
        assert len(folded) == len(set(folded)) == first["villages"] + more["villages"]
        assert Services(db).admin.stats()["household"] == 550
        assert Services(db).admin.check().ok
    finally:
        db.close()


def test_rural_commune_has_thon_and_buon(tmp_path: Path) -> None:
    db = create_database(tmp_path / "xa.sqlite", 24235)
    try:
        demo.generate(db, households=300, seed=1, activity=False)
        kinds = Counter(r[0] for r in _rows(db, "SELECT kind FROM village"))
        assert kinds["thon"] >= 1 and kinds["buon"] >= 1 and kinds["to_dan_pho"] == 0
        names = _village_names(db)
        assert all(n.startswith(("Thôn ", "Buôn ")) for n in names)
    finally:
        db.close()


def test_zero_households_and_bad_arguments(tmp_path: Path) -> None:
    db = create_database(tmp_path / "z.sqlite", COMMUNE)
    try:
        assert set(demo.generate(db, households=0).values()) == {0}
        with pytest.raises(ValueError):
            demo.generate(db, households=-1)
        with pytest.raises(ValueError):
            demo.generate(db, households=10, batch=0)
        assert Services(db).admin.stats()["village"] == 0
    finally:
        db.close()


def test_citizen_ids_are_never_repeated(tmp_path: Path) -> None:
    # small birth-year buckets make repeats likely if the generator drew serials without remembering them
    people = demo._People(random.Random(3), date(2026, 10, 1), "xa")
    drawn = [people._cccd(demo.KINH, "male", 1990) for _ in range(20_000)]
    assert len(set(drawn)) == len(drawn)
