"""Services over a real database: the unit of work is all-or-nothing, the outbox/audit trail is exact,
validation rejects bad input before writing anything, events are insert-only, read models are plain values."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from conftest import Snapshot, take_snapshot
from sqlmodel import SQLModel

from dlso_desktop import models
from dlso_desktop.services import Services
from dlso_desktop.services.activity import (
    ConsentInput,
    FindingInput,
    SessionInput,
    SubmissionInput,
    VisitInput,
)
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.views import HouseholdDetail, VillageView
from dlso_desktop.storage import schema
from dlso_desktop.storage.store import Database
from dlso_desktop.storage.uow import synced_fields
from dlso_desktop.validation import ValidationError, ValidationErrors

STEPS = ("record", "search", "audit", "outbox", "commit")
LOCAL_ONLY = {"pin_hash", "sort_key", "search_rowid"}
TODAY = date(2026, 2, 5)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def family(village_id: str, head: str = "Phạm Văn Khôi", spouse: str = "Trần Thị Mai") -> HouseholdInput:
    return HouseholdInput(
        village_id=village_id,
        address="45 Y Jút",
        phone="0912 345 678",
        smartphone_count=2,
        internet="mobile",
        members=[
            PersonInput(head, sex="male", birth_year=1975, relationship="head", phone="0987000111"),
            PersonInput(spouse, sex="female", birth_date=date(1980, 5, 17), relationship="spouse"),
        ],
    )


def consent() -> ConsentInput:
    return ConsentInput(given=True)


def scalar(db: Database, sql: str, *params: Any) -> Any:
    with db.reader() as conn:
        return conn.exec_driver_sql(sql, params).scalar()


def rows(db: Database, sql: str, *params: Any) -> list[dict[str, Any]]:
    with db.reader() as conn:
        return [dict(r) for r in conn.exec_driver_sql(sql, params).mappings()]


def outbox_after(db: Database, op_id: int) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM outbox WHERE op_id > ? ORDER BY op_id", op_id)


def max_op(db: Database) -> int:
    return int(scalar(db, "SELECT coalesce(max(op_id), 0) FROM outbox"))


def max_audit(db: Database) -> int:
    return int(scalar(db, "SELECT coalesce(max(seq), 0) FROM audit_entry"))


def fts_count(db: Database, kind: str, query: str) -> int:
    return int(scalar(db, f"SELECT count(*) FROM fts_{kind} WHERE fts_{kind} MATCH ?", query))


def key_counts(db: Database) -> dict[str, int]:
    out = {
        t: int(scalar(db, f"SELECT count(*) FROM {t}"))
        for t in (
            "household",
            "person",
            "visit",
            "visit_finding",
            "consent",
            "audit_entry",
            "outbox",
        )
    }
    for token in ("khoi", "khai", "mai", "kh*"):
        out[f"fts_person:{token}"] = fts_count(db, "person", token)
        out[f"fts_household:{token}"] = fts_count(db, "household", token)
    return out


def rejected(db: Database, fn: Callable[[], object]) -> ValidationError:
    """Call ``fn``, which must raise a ValidationError with a Vietnamese message and write nothing."""
    before = take_snapshot(db)
    with pytest.raises(ValidationError) as exc:
        fn()
    assert take_snapshot(db) == before
    err = exc.value
    for e in err.errors if isinstance(err, ValidationErrors) else [err]:
        assert e.message_vi and e.message_en and e.message_vi != e.message_en
        assert not e.message_vi.isascii(), e.message_vi  # Vietnamese, with its diacritics
    return err


# ---------------------------------------------------------------------------------------------------------
# Unit of work: all or nothing


Operation = Callable[[Services, VillageView], tuple[Callable[[], object], Callable[[object], set[tuple[str, str]]]]]


def op_household_create(services: Services, village: VillageView) -> Any:
    def act() -> object:
        return services.households.create(family(village.id))

    def changed(result: object) -> set[tuple[str, str]]:
        assert isinstance(result, HouseholdDetail)
        return {("household", result.household.id)} | {("person", m.id) for m in result.members}

    return act, changed


def op_person_update(services: Services, village: VillageView) -> Any:
    hh = services.households.create(family(village.id))
    head = hh.members[0]
    new = PersonInput("Phạm Văn Khải", sex="male", birth_year=1975, relationship="head", phone="0987000111")

    def act() -> object:
        return services.persons.update(head.id, new)

    def changed(_result: object) -> set[tuple[str, str]]:
        return {("person", head.id), ("household", hh.household.id)}  # the head's name is the household's too

    return act, changed


def op_visit_record(services: Services, village: VillageView) -> Any:
    hh = services.households.create(family(village.id))
    head = hh.members[0]
    inp = VisitInput(
        household_id=hh.household.id,
        visitor_name="Nguyễn Thị Lan",
        findings=[FindingInput(head.id, vneid_level="level2", has_smartphone=True)],
        consent=consent(),
    )

    def act() -> object:
        return services.visits.record(inp)

    def changed(result: object) -> set[tuple[str, str]]:
        visit_id = getattr(result, "id")  # noqa: B009
        db = services.ctx.db
        finding = rows(db, "SELECT id FROM visit_finding WHERE visit_id = ?", visit_id)
        given = rows(db, "SELECT id FROM consent WHERE visit_id = ?", visit_id)
        assert len(finding) == 1 and len(given) == 1
        return {
            ("visit", visit_id),
            ("visit_finding", finding[0]["id"]),
            ("consent", given[0]["id"]),
            ("person", head.id),  # the finding updates the person's digital status
        }

    return act, changed


def op_household_delete(services: Services, village: VillageView) -> Any:
    hh = services.households.create(family(village.id))

    def act() -> object:
        services.households.delete(hh.household.id)
        return None

    def changed(_result: object) -> set[tuple[str, str]]:
        return {("household", hh.household.id)} | {("person", m.id) for m in hh.members}

    return act, changed


def op_village_rename(services: Services, village: VillageView) -> Any:
    hh = services.households.create(family(village.id))

    def act() -> object:
        return services.villages.rename(village.id, "Buôn Ea Khanh")

    def changed(_result: object) -> set[tuple[str, str]]:
        assert [h.id for h in services.search.search("ea khanh", kinds=("household",))] == [hh.household.id]
        return {("village", village.id)}  # the households' search documents are local: no op for them

    return act, changed


OPERATIONS: dict[str, Operation] = {
    "village_rename": op_village_rename,
    "household_create": op_household_create,
    "person_update": op_person_update,
    "visit_record": op_visit_record,
    "household_delete": op_household_delete,
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_a_fault_at_any_step_leaves_nothing(
    db: Database, services: Services, village: VillageView, operation: str
) -> None:
    """The same call fails at each step in turn (record, search, audit, outbox, commit): nothing is kept."""
    act, changed = OPERATIONS[operation](services, village)
    before = take_snapshot(db)
    counts_before = key_counts(db)
    # a visit changes only digital-status fields of persons: their search documents stay as they are
    steps = [s for s in STEPS if not (operation == "visit_record" and s == "search")]
    for step in steps:
        seen: list[str] = []

        def hook(name: str, step: str = step, seen: list[str] = seen) -> None:
            seen.append(name)
            if name == step:
                raise RuntimeError(f"fault at {name}")

        db.fault_hook = hook
        with pytest.raises(RuntimeError, match=f"fault at {step}"):
            act()
        assert seen[-1] == step
        assert key_counts(db) == counts_before, step
        assert take_snapshot(db) == before, step

    # the same call without the fault succeeds, with one audit entry and one outbox op per changed row
    db.fault_hook = None
    op0, audit0 = max_op(db), max_audit(db)
    result = act()
    expected = changed(result)
    ops = outbox_after(db, op0)
    audits = rows(db, "SELECT * FROM audit_entry WHERE seq > ? ORDER BY seq", audit0)
    assert sorted((o["table_name"], o["row_id"]) for o in ops) == sorted(expected)
    assert sorted((a["table_name"], a["row_id"]) for a in audits) == sorted(expected)
    assert take_snapshot(db) != before


def test_a_fault_does_not_poison_the_connection_pool(db: Database, services: Services, village: VillageView) -> None:
    def hook(name: str) -> None:
        if name == "outbox":
            raise RuntimeError("disk full")

    db.fault_hook = hook
    for _ in range(10):  # more than the pool holds: every connection went back clean
        with pytest.raises(RuntimeError):
            services.households.create(family(village.id))
    db.fault_hook = None
    services.households.create(family(village.id))
    assert scalar(db, "SELECT count(*) FROM household") == 1
    assert services.admin.check().ok


def test_service_that_raises_midway_keeps_nothing(db: Database, services: Services, village: VillageView) -> None:
    """Households are all or none: one bad village among several rejects the whole batch."""
    before = take_snapshot(db)
    with pytest.raises(ValidationError) as exc:
        services.households.create_many([family(village.id), family("01900000-0000-7000-8000-000000000000")])
    assert exc.value.field == "village_id"
    assert take_snapshot(db) == before


# ---------------------------------------------------------------------------------------------------------
# Outbox and audit trail


def test_outbox_ops_carry_identity_and_group_by_transaction(
    db: Database, services: Services, village: VillageView, user_id: str
) -> None:
    op0 = max_op(db)
    hh = services.households.create(family(village.id))
    services.persons.update(
        hh.members[1].id, PersonInput("Trần Thị Mai", sex="female", birth_date=date(1980, 5, 17), phone="0978123456")
    )
    services.villages.create("Thôn 2")
    ops = outbox_after(db, op0)
    assert len(ops) == 5
    ids = [o["op_id"] for o in ops]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    txns = [o["txn_id"] for o in ops]
    assert txns[0] == txns[1] == txns[2]  # household + two members: one unit of work
    assert len({txns[0], txns[3], txns[4]}) == 3  # three units of work, three transaction ids
    for o in ops:
        assert o["device_id"] == db.device_id
        assert o["schema_version"] == schema.SCHEMA_VERSION
        assert o["author_id"] == user_id
        assert o["status"] is None  # pending
        assert o["txn_id"][14] == "7"
    assert [o["kind"] for o in ops] == ["insert", "insert", "insert", "update", "insert"]


def test_update_op_has_only_changed_fields_and_the_base_version(
    db: Database, services: Services, village: VillageView
) -> None:
    hh = services.households.create(family(village.id))
    spouse = hh.members[1]
    with db.unit_of_work(None) as uow:  # as if the server had seen this row at version 7
        uow.conn.exec_driver_sql("UPDATE person SET version = 7 WHERE id = ?", (spouse.id,))
        uow.commit()
    op0 = max_op(db)
    services.persons.update(
        spouse.id,
        PersonInput(
            "Trần Thị Mai", sex="female", birth_date=date(1980, 5, 17), relationship="spouse", phone="0978123456"
        ),
    )
    (op,) = outbox_after(db, op0)
    assert (op["table_name"], op["row_id"], op["kind"]) == ("person", spouse.id, "update")
    assert json.loads(op["changes"]) == {"phone": [None, "0978123456"]}
    assert op["base_version"] == 7
    # the same values again change nothing: no op, no audit entry
    op1, audit1 = max_op(db), max_audit(db)
    services.persons.update(
        spouse.id,
        PersonInput(
            "Trần Thị Mai", sex="female", birth_date=date(1980, 5, 17), relationship="spouse", phone="0978123456"
        ),
    )
    assert max_op(db) == op1 and max_audit(db) == audit1


def test_insert_op_changes_are_the_new_values(db: Database, services: Services, village: VillageView) -> None:
    op0 = max_op(db)
    hh = services.households.create(family(village.id))
    ops = {o["row_id"]: o for o in outbox_after(db, op0)}
    op = ops[hh.household.id]
    changes = json.loads(op["changes"])
    assert op["kind"] == "insert" and op["base_version"] == 0
    # an insert carries {field: new value} (models.OutboxOp); only updates carry [old, new]
    assert changes["head_name"] == "Phạm Văn Khôi"
    assert changes["village_id"] == village.id
    assert changes["phone"] == "0912345678"
    assert changes["internet"] == "mobile"
    assert changes["smartphone_count"] == 2
    spouse = json.loads(ops[hh.members[1].id]["changes"])
    assert spouse["birth_date"] == "1980-05-17"
    assert spouse["household_id"] == hh.household.id
    assert spouse["full_name"] == "Trần Thị Mai"


def test_only_synced_fields_travel(db: Database, services: Services, village: VillageView) -> None:
    """Local-only fields (PIN hash, sort keys, search rowids) and row metadata never appear in an op."""
    services.users.create("Y Mek Ê Nuôl", "team_head", "975310")
    hh = services.households.create(family(village.id))
    services.persons.update(hh.members[0].id, PersonInput("Phạm Văn Khải", relationship="head"))
    services.villages.rename(village.id, "Buôn Ea Tu")
    other = services.villages.create("Thôn 9")
    services.villages.merge(other.id, village.id)
    services.households.delete(hh.household.id)
    ops = rows(db, "SELECT table_name, kind, changes FROM outbox")
    assert {o["table_name"] for o in ops} >= {"app_user", "village", "household", "person"}
    for o in ops:
        keys = set(json.loads(o["changes"]))
        assert keys, o
        assert not keys & LOCAL_ONLY, o
        assert not keys & models.ROW_META_FIELDS, o
        assert keys <= set(synced_fields(o["table_name"])), o


def test_audit_entries_name_user_device_and_action(
    db: Database, services: Services, village: VillageView, user_id: str
) -> None:
    audit0 = max_audit(db)
    hh = services.households.create(family(village.id))
    services.households.delete(hh.household.id)
    entries = rows(db, "SELECT * FROM audit_entry WHERE seq > ? ORDER BY seq", audit0)
    assert [e["action"] for e in entries] == ["create"] * 3 + ["delete"] * 3
    assert {e["user_id"] for e in entries} == {user_id}
    assert {e["device_id"] for e in entries} == {db.device_id}


def test_delete_household_tombstones_it_and_its_members(db: Database, services: Services, village: VillageView) -> None:
    keep = services.households.create(family(village.id, head="Lê Văn Khôi", spouse="Đỗ Thị Mai"))
    hh = services.households.create(family(village.id))
    assert {h.id for h in services.search.search("pham van khoi")} >= {hh.household.id, hh.members[0].id}
    indexed_before = scalar(db, "SELECT count(*) FROM person WHERE search_rowid IS NOT NULL")
    op0 = max_op(db)
    services.households.delete(hh.household.id)

    assert scalar(db, "SELECT deleted FROM household WHERE id = ?", hh.household.id) == 1
    members = rows(db, "SELECT id, deleted, search_rowid FROM person WHERE household_id = ?", hh.household.id)
    assert {m["id"] for m in members} == {m.id for m in hh.members}
    assert all(m["deleted"] == 1 for m in members)
    assert scalar(db, "SELECT count(*) FROM person WHERE search_rowid IS NOT NULL") == indexed_before - 2
    assert fts_count(db, "person", "khoi") == 1  # only the kept household's head is still in the index
    ops = outbox_after(db, op0)
    assert sorted((o["table_name"], o["kind"]) for o in ops) == [
        ("household", "delete"),
        ("person", "delete"),
        ("person", "delete"),
    ]
    assert all(json.loads(o["changes"]) == {"deleted": [False, True]} for o in ops)
    assert len({o["txn_id"] for o in ops}) == 1

    found = {h.id for h in services.search.search("khoi")} | {h.id for h in services.search.search("mai")}
    assert not found & ({hh.household.id} | {m.id for m in hh.members})
    assert keep.household.id in found and keep.members[0].id in found
    with pytest.raises(ValidationError) as exc:
        services.households.get(hh.household.id)
    assert exc.value.field == "household_id"
    with pytest.raises(ValidationError):
        services.persons.get(hh.members[0].id)
    assert services.admin.stats()["household"] == 1
    assert services.admin.check().ok


def test_ids_are_uuid7_in_time_order(services: Services, village: VillageView) -> None:
    made: list[str] = [village.id]
    for i in range(5):
        hh = services.households.create(family(village.id, head=f"Phạm Văn Khôi {i}"))
        made += [hh.household.id, *(m.id for m in hh.members)]
    for rid in made:
        assert len(rid) == 36 and rid[14] == "7" and rid[19] in "89ab"
    assert made == sorted(made)
    assert len(set(made)) == len(made)


# ---------------------------------------------------------------------------------------------------------
# Validation: rejected before anything is written


@pytest.fixture
def fixed(db: Database, user_id: str) -> Services:
    """Services whose clock says 05/02/2026."""
    return Services(db, user_id=user_id, today=lambda: TODAY)


def test_empty_name(db: Database, services: Services, village: VillageView) -> None:
    err = rejected(db, lambda: services.persons.create(PersonInput(" \u200b ")))
    assert err.field == "full_name"
    err = rejected(db, lambda: services.households.create(HouseholdInput(village.id, members=[PersonInput("")])))
    assert isinstance(err, ValidationErrors)
    assert set(err.fields) == {"head_name", "members.0.full_name"}


def test_bad_phone(db: Database, services: Services, village: VillageView) -> None:
    assert rejected(db, lambda: services.persons.create(PersonInput("Lê Văn Tám", phone="12345"))).field == "phone"
    err = rejected(db, lambda: services.households.create(HouseholdInput(village.id, "Lê Văn Tám", phone="12345")))
    assert err.field == "phone"


BAD_CCCD: list[tuple[str | None, date | None, int | None, str]] = [
    ("female", date(1985, 3, 2), None, "066085001234"),  # 0 = male, 1900s
    ("male", date(1990, 3, 2), None, "066085001234"),  # encodes 1985
    ("male", None, 1990, "066085001234"),  # only the year is known
    ("male", date(2005, 1, 1), None, "066305001234"),  # 3 = female, 2000s
    (None, None, None, "06608500123"),  # 11 digits
    (None, None, None, "06608500123a"),
]


def test_bad_citizen_id(db: Database, fixed: Services) -> None:
    for sex, birth_date, birth_year, cccd in BAD_CCCD:
        inp = PersonInput("Lê Thị Hồng", sex=sex, birth_date=birth_date, birth_year=birth_year, citizen_id=cccd)
        assert rejected(db, lambda inp=inp: fixed.persons.create(inp)).field == "citizen_id", cccd  # type: ignore[misc]


def test_matching_citizen_id_is_accepted(db: Database, fixed: Services) -> None:
    p = fixed.persons.create(
        PersonInput("Lê Thị Hồng", sex="female", birth_date=date(2003, 7, 9), citizen_id="066 303 001 234")
    )
    assert fixed.persons.get(p.id).citizen_id == "066303001234"


def test_future_or_impossible_birth(db: Database, fixed: Services) -> None:
    tomorrow = TODAY + timedelta(days=1)
    assert rejected(db, lambda: fixed.persons.create(PersonInput("Lê Văn Tám", birth_date=tomorrow))).field == (
        "birth_date"
    )
    assert rejected(db, lambda: fixed.persons.create(PersonInput("Lê Văn Tám", birth_year=2027))).field == "birth_year"
    assert rejected(db, lambda: fixed.persons.create(PersonInput("Lê Văn Tám", birth_year=1850))).field == "birth_year"


def test_village_of_another_commune_or_unknown(db: Database, services: Services) -> None:
    with db.unit_of_work(None) as uow:
        uow.conn.exec_driver_sql(
            "INSERT INTO village (id, commune_code, created_at, created_device, updated_at, updated_device, version,"
            " deleted, name, kind, sort_key) VALUES ('01900000-0000-7000-8000-0000000000aa', 99999,"
            " '2026-01-01T00:00:00.000Z', 'x', '2026-01-01T00:00:00.000Z', 'x', 0, 0, 'Thôn Lạ', 'thon', '')"
        )
        uow.commit()
    for vid in ("01900000-0000-7000-8000-0000000000aa", "01900000-0000-7000-8000-0000000000bb"):
        err = rejected(db, lambda v=vid: services.households.create(family(v)))  # type: ignore[misc]
        assert err.field == "village_id"
    assert services.villages.list_all() == []  # another commune's village is not listed either


def test_bad_household_choices(db: Database, services: Services, village: VillageView) -> None:
    def make(**kw: Any) -> Callable[[], object]:
        return lambda: services.households.create(HouseholdInput(village.id, "Lê Văn Tám", **kw))

    assert rejected(db, make(internet="wifi")).field == "internet"
    assert rejected(db, make(smartphone_count=-1)).field == "smartphone_count"
    assert rejected(db, make(phones_2g_only=51)).field == "phones_2g_only"
    assert rejected(db, make(address="x" * 201)).field == "address"


def test_a_form_learns_about_every_bad_field_at_once(db: Database, services: Services, village: VillageView) -> None:
    inp = HouseholdInput(
        village.id,
        "Lê Văn Tám",
        phone="12345",
        internet="wifi",
        smartphone_count=-1,
        members=[
            PersonInput("", relationship="child"),
            PersonInput("Lê Thị Hồng", sex="female", citizen_id="066085001234"),
            PersonInput("Lê Văn Út", relationship="cousin"),
        ],
    )
    err = rejected(db, lambda: services.households.create(inp))
    assert isinstance(err, ValidationErrors)
    assert set(err.fields) == {
        "phone",
        "internet",
        "smartphone_count",
        "members.0.full_name",
        "members.1.citizen_id",
        "members.2.relationship",
    }
    assert all(e.message_vi in err.message_vi for e in err.errors)


def test_visit_needs_explicit_consent(db: Database, services: Services, village: VillageView) -> None:
    hh = services.households.create(family(village.id))
    for given in (None, ConsentInput(given=False)):
        err = rejected(db, lambda c=given: services.visits.record(VisitInput(hh.household.id, consent=c)))  # type: ignore[misc]
        assert err.field == "consent"
        assert err.code == "consent.required"


def test_visit_finding_for_someone_outside_the_household(
    db: Database, services: Services, village: VillageView
) -> None:
    hh = services.households.create(family(village.id))
    other = services.households.create(family(village.id, head="Lê Văn Khôi"))
    inp = VisitInput(
        hh.household.id, findings=[FindingInput(other.members[0].id, vneid_level="level1")], consent=consent()
    )
    assert rejected(db, lambda: services.visits.record(inp)).field == "findings.person_id"
    late = VisitInput(hh.household.id, visited_at=datetime.now() + timedelta(days=3), consent=consent())
    assert rejected(db, lambda: services.visits.record(late)).field == "visited_at"


def test_attendance_result_must_be_known(db: Database, services: Services, village: VillageView) -> None:
    hh = services.households.create(family(village.id))
    session = new_session(services)
    err = rejected(db, lambda: services.training.record_attendance(session, [hh.members[0].id], result="failed"))
    assert err.field == "result"


def test_submission_in_the_future(db: Database, fixed: Services, village: VillageView) -> None:
    hh = fixed.households.create(family(village.id))
    proc = fixed.submissions.procedures()[0].id
    inp = SubmissionInput(proc, hh.members[0].id, submitted_on=TODAY + timedelta(days=1))
    assert rejected(db, lambda: fixed.submissions.record(inp)).field == "submitted_on"
    bad = SubmissionInput(proc, hh.members[0].id, submitted_on=TODAY, status="lost")
    assert rejected(db, lambda: fixed.submissions.record(bad)).field == "status"


def test_text_is_stored_nfc(db: Database, services: Services) -> None:
    v = services.villages.create(nfd("Buôn Ê Đê Kŏ"), "buon")
    hh = services.households.create(
        HouseholdInput(
            v.id,
            address=nfd("Hẻm 12  Nguyễn   Tất Thành"),
            members=[PersonInput(nfd("Nguyễn Văn Đức"), relationship="head", notes=nfd("Cần hỗ trợ"))],
        )
    )
    assert hh.household.head_name == "Nguyễn Văn Đức"
    stored = [
        scalar(db, "SELECT name FROM village WHERE id = ?", v.id),
        scalar(db, "SELECT address FROM household WHERE id = ?", hh.household.id),
        scalar(db, "SELECT head_name FROM household WHERE id = ?", hh.household.id),
        scalar(db, "SELECT full_name FROM person WHERE household_id = ?", hh.household.id),
        scalar(db, "SELECT notes FROM person WHERE household_id = ?", hh.household.id),
    ]
    assert stored == ["Buôn Ê Đê Kŏ", "Hẻm 12 Nguyễn Tất Thành", "Nguyễn Văn Đức", "Nguyễn Văn Đức", "Cần hỗ trợ"]
    assert all(unicodedata.is_normalized("NFC", s) for s in stored)
    changes = scalar(db, "SELECT changes FROM outbox WHERE row_id = ?", hh.household.id)
    assert unicodedata.is_normalized("NFC", changes) and "Nguyễn Văn Đức" in changes


# ---------------------------------------------------------------------------------------------------------
# Events are insert-only


def new_session(services: Services) -> str:
    course = services.training.courses()[0]
    return services.training.create_session(
        SessionInput(course.id, date(2026, 1, 20), "Nhà văn hóa buôn", "Nguyễn Thị Lan")
    ).id


def test_sessions_by_date_range(services: Services) -> None:
    course = services.training.courses()[0]
    days = [date(2025, 1, 1) + timedelta(days=7 * i) for i in range(12)]
    for d in days:
        services.training.create_session(SessionInput(course.id, d, f"Nơi {d.isoformat()}", "Nguyễn Thị Lan"))
    assert [s.session_date for s in services.training.sessions()] == sorted(days, reverse=True)
    assert [s.session_date for s in services.training.sessions(limit=3)] == sorted(days, reverse=True)[:3]
    picked = services.training.sessions(since=days[2], until=days[5])  # both ends included
    assert [s.session_date for s in picked] == [days[5], days[4], days[3], days[2]]
    assert [s.session_date for s in services.training.sessions(until=days[1])] == [days[1], days[0]]
    assert services.training.count_sessions() == 12
    assert services.training.count_sessions(since=days[2], until=days[5]) == 4
    assert services.training.count_sessions(since=days[11] + timedelta(days=1)) == 0
    services.training.delete_session(picked[0].id)
    assert services.training.count_sessions(since=days[2], until=days[5]) == 3


def test_correcting_a_visit_adds_a_row(db: Database, services: Services, village: VillageView) -> None:
    hh = services.households.create(family(village.id))
    first = services.visits.record(VisitInput(hh.household.id, notes="lần đầu", consent=consent()))
    fixed_visit = services.visits.record(
        VisitInput(hh.household.id, notes="đã sửa", consent=consent()), supersedes_id=first.id
    )
    assert fixed_visit.id != first.id and fixed_visit.supersedes_id == first.id
    history = services.visits.history(hh.household.id)
    assert [(v.id, v.notes) for v in history] == [(fixed_visit.id, "đã sửa")]
    assert rows(db, "SELECT id, notes FROM visit ORDER BY id") == [
        {"id": first.id, "notes": "lần đầu"},
        {"id": fixed_visit.id, "notes": "đã sửa"},
    ]
    assert scalar(db, "SELECT count(*) FROM outbox WHERE table_name = 'visit' AND kind != 'insert'") == 0
    assert services.households.get(hh.household.id).household.last_visit_at == fixed_visit.visited_at


def test_visit_findings_update_the_persons_status(services: Services, village: VillageView) -> None:
    hh = services.households.create(family(village.id))
    head, spouse = hh.members
    visit = services.visits.record(
        VisitInput(
            hh.household.id,
            findings=[FindingInput(head.id, vneid_level="level2", has_daklak_app=True), FindingInput(spouse.id)],
            consent=consent(),
        )
    )
    assert {f.person_id: f.vneid_level for f in visit.findings} == {head.id: "level2", spouse.id: None}
    assert visit.consent_text_version
    after = services.persons.get(head.id).person
    assert (after.vneid_level, after.has_daklak_app) == ("level2", True)
    assert services.persons.get(spouse.id).person.vneid_level is None


def test_attendance_changes_supersede(db: Database, services: Services, village: VillageView) -> None:
    hh = services.households.create(family(village.id))
    head = hh.members[0].id
    session = new_session(services)
    services.training.record_attendance(session, [head], result="not_yet")
    roster = services.training.record_attendance(session, [head], result="passed")
    assert [(a.person_id, a.result, a.present) for a in roster] == [(head, "passed", True)]
    stored = rows(db, "SELECT id, result, supersedes_id FROM attendance ORDER BY id")
    assert [r["result"] for r in stored] == ["not_yet", "passed"]
    assert stored[1]["supersedes_id"] == stored[0]["id"]
    services.training.record_attendance(session, [head], result="passed")  # no change: no new event
    assert scalar(db, "SELECT count(*) FROM attendance") == 2
    s = services.training.get_session(session)
    assert (s.attendee_count, s.passed_count) == (1, 1)


def test_submission_status_is_the_furthest_along(db: Database, fixed: Services, village: VillageView) -> None:
    hh = fixed.households.create(family(village.id))
    proc = fixed.submissions.procedures()[0].id
    sub = fixed.submissions.record(
        SubmissionInput(proc, hh.members[0].id, submitted_on=TODAY, status="completed", dossier_code="g01.abc")
    )
    assert (sub.status, sub.dossier_code) == ("completed", "G01.ABC")
    later = fixed.submissions.change_status(sub.id, "submitted")
    assert later.status == "completed"
    assert scalar(db, "SELECT count(*) FROM submission_status WHERE submission_id = ?", sub.id) == 2
    corrected = fixed.submissions.record(
        SubmissionInput(proc, hh.members[0].id, submitted_on=TODAY, status="prepared"), supersedes_id=sub.id
    )
    assert corrected.status == "completed"  # the correction keeps the chain's furthest status
    assert [s.id for s in fixed.submissions.find()] == [corrected.id]


def test_status_filter_finds_old_submissions_behind_many_newer_ones(
    db: Database, fixed: Services, village: VillageView
) -> None:
    """The status filter is exact: an old completed submission is found behind 600 newer submitted ones (the
    filter used to run in Python over the newest ``limit * 4`` rows only), also through a correction chain."""
    hh = fixed.households.create(family(village.id))
    person = hh.members[0].id
    proc = fixed.submissions.procedures()[0].id
    old_day = TODAY - timedelta(days=30)
    done = fixed.submissions.record(SubmissionInput(proc, person, submitted_on=old_day, status="completed"))
    chained = fixed.submissions.record(SubmissionInput(proc, person, submitted_on=old_day, status="received"))
    fixed.submissions.change_status(chained.id, "completed")
    corrected = fixed.submissions.record(  # the correction itself says "prepared": the chain's furthest counts
        SubmissionInput(proc, person, submitted_on=old_day, status="prepared"), supersedes_id=chained.id
    )
    with db.unit_of_work(fixed.ctx.user_id) as uow:  # 600 newer submissions, still only "submitted"
        for i in range(600):
            row = uow.insert(
                "assisted_submission",
                {
                    "procedure_id": proc,
                    "person_id": person,
                    "portal": "dvc_quoc_gia",
                    "dossier_code": f"N{i:04d}",
                    "full_online": False,
                    "assisted_by": fixed.ctx.user_id,
                    "submitted_on": TODAY - timedelta(days=i % 20),
                    "notes": "",
                },
            )
            uow.insert("submission_status", {"submission_id": row["id"], "status": "submitted", "changed_at": uow.now})
        uow.commit()

    found = fixed.submissions.find(status="completed", limit=100)
    assert {s.id for s in found} == {done.id, corrected.id}
    assert all(s.status == "completed" for s in found)
    assert fixed.submissions.find(status="completed", limit=1)[0].id == max(done.id, corrected.id)  # newest first
    assert len(fixed.submissions.find(status="submitted", limit=1000)) == 600
    assert len(fixed.submissions.find(status="submitted", limit=250)) == 250
    assert fixed.submissions.find(status="prepared") == []  # the correction's own "prepared" never counts
    assert fixed.submissions.find(status="completed", until=old_day - timedelta(days=1)) == []
    assert len(fixed.submissions.find(limit=1000)) == 602  # corrected rows are shown once, as their correction
    # completed and rejected are equally far along: the current one is always the same (rejected)
    both = fixed.submissions.change_status(done.id, "rejected")
    assert both.status == "rejected" and fixed.submissions.get(done.id).status == "rejected"
    assert [s.id for s in fixed.submissions.find(status="rejected")] == [done.id]


# ---------------------------------------------------------------------------------------------------------
# Master records


def test_village_rename_reindexes_its_households(services: Services, village: VillageView) -> None:
    hh = services.households.create(family(village.id))
    assert hh.household.id in {h.id for h in services.search.search("ko tam", kinds=("household",))}
    renamed = services.villages.rename(village.id, "Buôn Ea Tu")
    assert renamed.name == "Buôn Ea Tu"
    assert hh.household.id in {h.id for h in services.search.search("ea tu", kinds=("household",))}
    assert services.search.search("ko tam", kinds=("household",)) == []
    assert services.households.get(hh.household.id).household.village_name == "Buôn Ea Tu"
    assert services.admin.check().ok


def test_village_names_are_unique_in_a_commune(db: Database, services: Services, village: VillageView) -> None:
    err = rejected(db, lambda: services.villages.create("buon ko tam"))
    assert err.field == "name"
    other = services.villages.create("Thôn 4")
    assert rejected(db, lambda: services.villages.rename(other.id, "BUÔN KÔ TAM")).field == "name"


def test_village_merge_moves_households(services: Services, village: VillageView) -> None:
    source = services.villages.create("Thôn Cũ")
    moved = [
        services.households.create(family(source.id, head=name)).household.id for name in ("Lê Văn Khôi", "Đỗ Văn Khôi")
    ]
    stays = services.households.create(family(village.id)).household.id
    target = services.villages.merge(source.id, village.id)
    assert target.id == village.id
    for hid in moved:
        view = services.households.get(hid).household
        assert (view.village_id, view.village_name) == (village.id, "Buôn Kô Tam")
    assert set(moved) | {stays} <= {h.id for h in services.search.search("ko tam", kinds=("household",))}
    assert services.search.search("thon cu", kinds=("household",)) == []
    assert [v.id for v in services.villages.list_all()] == [village.id]
    merged = {v.id: v for v in services.villages.list_all(include_merged=True)}
    assert merged[source.id].merged_into_id == village.id
    with pytest.raises(ValidationError):  # a merged village takes no new households
        services.households.create(family(source.id))
    assert services.admin.check().ok


def test_village_with_households_cannot_be_deleted(db: Database, services: Services, village: VillageView) -> None:
    services.households.create(family(village.id))
    assert rejected(db, lambda: services.villages.delete(village.id)).field == "village_id"


def test_household_update(db: Database, services: Services, village: VillageView) -> None:
    hh = services.households.create(family(village.id))
    other = services.villages.create("Thôn Tân Hòa")
    op0 = max_op(db)
    view = services.households.update(
        hh.household.id,
        HouseholdInput(other.id, "Phạm Văn Khôi", address="7 Lê Duẩn", phone="0912345678", smartphone_count=2),
    )
    assert (view.village_name, view.address, view.internet, view.member_count) == ("Thôn Tân Hòa", "7 Lê Duẩn", None, 2)
    (op,) = outbox_after(db, op0)
    assert json.loads(op["changes"]) == {
        "village_id": [village.id, other.id],
        "address": ["45 Y Jút", "7 Lê Duẩn"],
        "internet": ["mobile", None],
    }
    assert [h.id for h in services.search.search("le duan tan hoa")] == [hh.household.id]
    assert services.search.search("y jut") == []
    assert rejected(
        db, lambda: services.households.update(hh.household.id, HouseholdInput("nope", "Phạm Văn Khôi"))
    ).field == ("village_id")


def test_renaming_the_head_renames_the_household(services: Services, village: VillageView) -> None:
    hh = services.households.create(family(village.id))
    head = hh.members[0]
    services.persons.update(
        head.id, PersonInput(nfd("Phạm Văn Khải"), sex="male", birth_year=1975, relationship="head")
    )
    view = services.households.get(hh.household.id).household
    assert view.head_name == "Phạm Văn Khải"
    assert [h.id for h in services.search.search("khai", kinds=("household",))] == [hh.household.id]
    assert services.search.search("khoi", kinds=("household",)) == []
    # the spouse's rename does not touch the household
    spouse = hh.members[1]
    services.persons.update(spouse.id, PersonInput("Trần Thị Mơ", sex="female", relationship="spouse"))
    assert services.households.get(hh.household.id).household.head_name == "Phạm Văn Khải"


def test_read_models_are_frozen_values(fixed: Services, village: VillageView) -> None:
    hh = fixed.households.create(family(village.id))
    session = new_session(fixed)
    roster = fixed.training.record_attendance(session, [hh.members[0].id], result="passed")
    visit = fixed.visits.record(
        VisitInput(hh.household.id, findings=[FindingInput(hh.members[0].id)], consent=consent())
    )
    proc = fixed.submissions.procedures()[0]
    values: list[object] = [
        village,
        hh,
        hh.household,
        *hh.members,
        fixed.persons.get(hh.members[0].id),
        visit,
        *visit.findings,
        fixed.training.get_session(session),
        *roster,
        fixed.training.courses()[0],
        proc,
        fixed.submissions.record(SubmissionInput(proc.id, hh.members[0].id, submitted_on=TODAY)),
        *fixed.search.search("khoi"),
        *fixed.users.list_all(),
    ]
    for value in values:
        fields: tuple[str, ...] | None = getattr(type(value), "_fields", None)
        assert isinstance(value, tuple) and fields, value  # a NamedTuple
        assert not isinstance(value, SQLModel)
        with pytest.raises(AttributeError):
            setattr(value, fields[0], None)


def test_citizen_id_is_masked_outside_the_persons_own_form(fixed: Services, village: VillageView) -> None:
    p = fixed.persons.create(
        PersonInput("Lê Thị Hồng", sex="female", birth_date=date(2003, 7, 9), citizen_id="066303001234")
    )
    assert p.citizen_id_masked == "********1234"
    assert "066303" not in repr(p)
    detail = fixed.persons.get(p.id)
    assert detail.citizen_id == "066303001234"
    assert detail.person.citizen_id_masked == "********1234"
    hits = fixed.search.search("1234")
    assert [h.id for h in hits] == [p.id]
    assert "066303" not in repr(hits)


def test_users_and_pins(db: Database, services: Services) -> None:
    u = services.users.create("Y Mek Ê Nuôl", "team_head", "975310")
    assert services.users.authenticate(u.id, "975310").id == u.id
    with pytest.raises(ValidationError):
        services.users.authenticate(u.id, "00000")
    stored = scalar(db, "SELECT pin_hash FROM app_user WHERE id = ?", u.id)
    assert stored and "975310" not in stored
    assert rejected(db, lambda: services.users.create("Lê Văn Tám", "team_member", "12")).field == "pin"
    assert rejected(db, lambda: services.users.create("Lê Văn Tám", "boss", "1234")).field == "role"


def test_snapshot_sees_changes(db: Database, services: Services) -> None:
    """The all-or-nothing tests rely on the snapshot noticing any write."""
    before: Snapshot = take_snapshot(db)
    services.villages.create("Thôn 8")
    assert take_snapshot(db) != before


def test_a_citizen_id_belongs_to_one_person(db: Database, services: Services, village: VillageView) -> None:
    cccd = "066090001234"
    first = services.persons.create(PersonInput("Lê Văn Tám", sex="male", birth_year=1990, citizen_id=cccd))
    before = take_snapshot(db)
    with pytest.raises(ValidationError) as err:
        services.persons.create(PersonInput("Lê Văn Tám", sex="male", birth_year=1990, citizen_id=cccd))
    assert err.value.code == "citizen_id.duplicate" and "Lê Văn Tám" in err.value.message_vi
    assert cccd not in err.value.message_vi  # the message shows the last 4 digits only
    with pytest.raises(ValidationError) as twice:  # twice in one household form
        services.households.create(
            HouseholdInput(
                village.id,
                members=[
                    PersonInput(
                        "Hồ Văn A", relationship="head", sex="male", birth_year=1990, citizen_id="066090005555"
                    ),
                    PersonInput("Hồ Văn B", sex="male", birth_year=1990, citizen_id="066 090 005 555"),
                ],
            )
        )
    assert twice.value.field == "members.1.citizen_id"
    other = services.persons.create(PersonInput("Trần Văn Hai", sex="male", birth_year=1990))
    with pytest.raises(ValidationError):
        services.persons.update(other.id, PersonInput("Trần Văn Hai", sex="male", birth_year=1990, citizen_id=cccd))
    assert take_snapshot(db) != before  # "other" was created
    services.persons.update(first.id, PersonInput("Lê Văn Tám", sex="male", birth_year=1990, citizen_id=cccd))
    services.persons.delete(first.id)  # a deleted person's number can be entered again
    services.persons.update(other.id, PersonInput("Trần Văn Hai", sex="male", birth_year=1990, citizen_id=cccd))
    assert services.persons.get(other.id).citizen_id == cccd


def test_drafts_are_kept_until_discarded(db: Database, services: Services) -> None:
    before_ops, before_audit = max_op(db), max_audit(db)
    services.drafts.save("household:new", {"head_name": "Nguyễn Văn Đ", "members": 2})
    services.drafts.save("household:new", {"head_name": "Nguyễn Văn Đức", "members": 2})
    services.drafts.save("visit:abc", {"step": 3})
    assert services.drafts.load("household:new") == {"head_name": "Nguyễn Văn Đức", "members": 2}
    assert set(services.drafts.keys("household:")) == {"household:new"}
    services.drafts.discard("household:new")
    assert services.drafts.load("household:new") is None
    assert (max_op(db), max_audit(db)) == (before_ops, before_audit)  # drafts are not records: no op, no audit


def test_removing_from_a_roster_removes_the_whole_chain(services: Services, village: VillageView) -> None:
    hh = services.households.create(family(village.id))
    session = new_session(services)
    pid = hh.members[0].id
    services.training.record_attendance(session, [pid])
    services.training.record_attendance(session, [pid], result="not_yet")
    services.training.record_attendance(session, [pid], result="passed")  # three events, each superseding
    assert [a.result for a in services.training.roster(session)] == ["passed"]
    assert services.training.remove_from_roster(session, pid) == []
    assert services.training.roster(session) == []


def test_household_form_save_is_one_unit_of_work(db: Database, services: Services, village: VillageView) -> None:
    hh = services.households.create(family(village.id))
    head, spouse = hh.members[0], hh.members[1]
    other = services.persons.create(PersonInput("Lê Văn Tám", sex="male", birth_year=1990, citizen_id="066090001234"))
    form = HouseholdInput(village.id, head_name=head.full_name, address="Số 9")
    before = take_snapshot(db)
    # the new member's CCCD already belongs to someone else: nothing at all is written
    with pytest.raises(ValidationError) as err:
        services.households.save_with_members(
            hh.household.id,
            form,
            [
                (head.id, PersonInput(head.full_name, relationship="head")),
                (None, PersonInput("Phạm Văn Mới", sex="male", birth_year=1990, citizen_id="066090001234")),
            ],
        )
    assert err.value.field == "members.1.citizen_id" and other.full_name in err.value.message_vi
    assert take_snapshot(db) == before
    # a good save: household changed, spouse removed, a member added, in one transaction
    op0 = max_op(db)
    ids = services.households.save_with_members(
        hh.household.id,
        form,
        [
            (head.id, PersonInput(head.full_name, relationship="head")),
            (None, PersonInput("Phạm Văn Mới", sex="male", birth_year=2001)),
        ],
    )
    assert ids[0] == head.id and ids[1] not in (head.id, spouse.id)
    detail = services.households.get(hh.household.id)
    assert detail.household.address == "Số 9"
    assert sorted(m.full_name for m in detail.members) == sorted([head.full_name, "Phạm Văn Mới"])
    assert len({o["txn_id"] for o in outbox_after(db, op0)}) == 1
