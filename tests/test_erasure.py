"""Withdrawing consent and erasing a person's data on the laptop (issue 6, Law 91/2025/QH15): one unit of work
that leaves no trace of the person in any table, keeps every anonymous count, and is the commune operator's
alone."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from conftest import take_snapshot

from dlso_desktop.catalogue import course_id
from dlso_desktop.models import Role
from dlso_desktop.services import Services
from dlso_desktop.services.base import PermissionDenied
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.submissions import SubmissionInput
from dlso_desktop.services.training import SessionInput
from dlso_desktop.services.views import VillageView
from dlso_desktop.services.visits import ActionInput, ConsentInput, FindingInput, VisitInput
from dlso_desktop.storage import audit
from dlso_desktop.storage.store import Database
from dlso_desktop.validation import ValidationError
from sync import erasure as E

NAME = "Y Mek Ênuôl"
PHONE = "0905123456"
CID = "066080001234"
DOSSIER = "H12.34-261101-0042"
SECRET_NOTE = "Y Mek cần học dùng VNeID"


def every_text(db: Database) -> str:
    """Every text value of every ordinary table, one per line (FTS shadow tables are binary and excluded)."""
    with db.reader() as conn:
        tables = [
            str(r[0])
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
            )
        ]
        out: list[str] = []
        for t in tables:
            for row in conn.exec_driver_sql(f'SELECT * FROM "{t}"'):
                out.extend(str(v) for v in row if isinstance(v, str))
    return "\n".join(out)


def traces(db: Database) -> list[str]:
    text = every_text(db)
    return [s for s in (NAME, "Ênuôl", PHONE, CID, DOSSIER, SECRET_NOTE, "1980-05-01") if s in text]


def anonymous_counts(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Counts that do not depend on names: per village, course, result, status, digital status."""
    queries = {
        "persons_per_village": "SELECT h.village_id, p.sex, p.relationship, count(*) FROM person p"
        " JOIN household h ON h.id = p.household_id WHERE p.deleted = 0 GROUP BY 1, 2, 3",
        "households_per_village": "SELECT village_id, count(*) FROM household WHERE deleted = 0 GROUP BY 1",
        "vneid": "SELECT vneid_level, has_smartphone, count(*) FROM person WHERE deleted = 0 GROUP BY 1, 2",
        "visits": "SELECT household_id, count(*) FROM visit WHERE deleted = 0 GROUP BY 1",
        "findings": "SELECT vneid_level, count(*) FROM visit_finding WHERE deleted = 0 GROUP BY 1",
        "actions": "SELECT kind, code, count(*) FROM visit_action WHERE deleted = 0 GROUP BY 1, 2",
        "attendance": "SELECT s.course_id, a.present, a.result, count(*) FROM attendance a"
        " JOIN training_session s ON s.id = a.session_id WHERE a.deleted = 0 GROUP BY 1, 2, 3",
        "submissions": "SELECT procedure_id, portal, full_online, submitted_on, count(*) FROM assisted_submission"
        " WHERE deleted = 0 GROUP BY 1, 2, 3, 4",
        "statuses": "SELECT status, count(*) FROM submission_status WHERE deleted = 0 GROUP BY 1",
        "certificates": "SELECT course_id, issue_date, count(*) FROM certificate WHERE deleted = 0 GROUP BY 1, 2",
    }
    with db.reader() as conn:
        return {k: sorted((tuple(r) for r in conn.exec_driver_sql(q)), key=repr) for k, q in queries.items()}


def insert_certificate(db: Database, person_id: str, session_id: str, serial: int) -> str:
    """A certificate record of the person whose QR payload holds their name and birth date (made directly: the
    signing is not what the erasure tests look at); returns its id."""
    with db.unit_of_work(None) as uow:
        cert = uow.insert(
            "certificate",
            {
                "number": f"24133-{serial:06d}",
                "serial": serial,
                "person_id": person_id,
                "session_id": session_id,
                "course_id": course_id("BDHVS-01"),
                "issue_date": date(2026, 11, 21),
                "signer_name": "Trần Văn Nam",
                "qr_payload": f"DLSO1:{NAME}:1980-05-01",
            },
        )
        uow.commit()
    return str(cert["id"])


def seed_person(services: Services, village: VillageView) -> dict[str, str]:
    """A household of two (the person to erase is its head) with a visit, an action, a submission, training
    with a passed result, a certificate and a draft — and a second household the erasure must not touch."""
    hh = services.households.create(
        HouseholdInput(
            village.id,
            address="Số 12 buôn Kô Tam",
            phone=PHONE,
            notes="Y Mek hay đi rẫy",
            members=[
                PersonInput(
                    NAME,
                    sex="male",
                    birth_date=date(1980, 5, 1),
                    citizen_id=CID,
                    phone=PHONE,
                    relationship="head",
                    main_language="ede",
                    needs_interpreter=True,
                    vneid_level="level1",
                    has_smartphone=True,
                    notes="Thích học buổi tối",
                ),
                PersonInput("H'Ngơ Byă", sex="female", birth_year=1984, relationship="spouse"),
            ],
        )
    )
    hh_id = hh.household.id
    head = next(m for m in hh.members if m.relationship == "head")
    spouse = next(m for m in hh.members if m.relationship == "spouse")
    other = services.households.create(
        HouseholdInput(village.id, address="Số 3", members=[PersonInput("Lê Văn Tám", relationship="head")])
    )
    services.visits.record(
        VisitInput(
            hh_id,
            notes=SECRET_NOTE,
            findings=[FindingInput(head.id, vneid_level="level2", has_smartphone=True)],
            actions=[ActionInput("follow_up", "activate_vneid_level2", head.id, note="Hẹn Y Mek thứ bảy")],
            consent=ConsentInput(True),
        )
    )
    services.visits.record(
        VisitInput(
            hh_id,
            notes="Cả nhà khoẻ",
            findings=[FindingInput(head.id), FindingInput(spouse.id)],
            consent=ConsentInput(True),
        )
    )
    procedure = services.submissions.procedures()[0].id
    submission = services.submissions.record(
        SubmissionInput(procedure, head.id, date(2026, 11, 1), dossier_code=DOSSIER, notes=f"Nộp cho {NAME}")
    )
    services.submissions.change_status(submission.id, "submitted", note=f"Mã {DOSSIER}")
    session = services.training.create_session(
        SessionInput(course_id("BDHVS-01"), date(2026, 11, 21), "Nhà văn hóa buôn", "Trần Văn Nam", village.id)
    )
    services.training.record_attendance(session.id, [head.id, spouse.id], present=True, result="passed")
    cert_id = insert_certificate(services.ctx.db, head.id, session.id, 1)
    services.drafts.save(f"person:{head.id}", {"full_name": NAME, "phone": PHONE})
    services.drafts.save("household:new", {"head_name": "Y Khác"})
    return {
        "household": hh_id,
        "head": head.id,
        "spouse": spouse.id,
        "other": other.household.id,
        "submission": submission.id,
        "certificate": cert_id,
        "session": session.id,
    }


def test_erasure_leaves_no_trace_and_keeps_the_counts(db: Database, services: Services, village: VillageView) -> None:
    ids = seed_person(services, village)
    counts = anonymous_counts(db)
    stats = services.admin.stats()
    assert traces(db)  # the data is there before
    with db.reader() as conn:
        last_op = conn.exec_driver_sql("SELECT max(op_id) FROM outbox").scalar_one()

    result = services.erasure.erase(ids["head"], "person_asked")

    assert traces(db) == []
    assert anonymous_counts(db) == counts
    after = services.admin.stats()
    assert after["consent"] == stats["consent"] + 2  # a withdrawal for each scope
    assert {k: v for k, v in after.items() if k not in ("consent", "outbox_pending")} == {
        k: v for k, v in stats.items() if k not in ("consent", "outbox_pending")
    }
    assert result.certificates_revoked == 1 and result.drafts_removed == 1
    with db.reader() as conn:
        person = conn.exec_driver_sql("SELECT * FROM person WHERE id = ?", (ids["head"],)).mappings().one()
        assert person["full_name"] == E.PLACEHOLDER and person["erased_at"] == result.erased_at
        assert person["birth_date"] is None and person["citizen_id"] is None and person["phone"] is None
        assert person["sex"] == "male" and person["relationship"] == "head" and person["vneid_level"] == "level2"
        hh = conn.exec_driver_sql("SELECT * FROM household WHERE id = ?", (ids["household"],)).mappings().one()
        assert (hh["head_name"], hh["phone"], hh["notes"]) == (E.PLACEHOLDER, None, "")
        assert hh["address"] == "Số 12 buôn Kô Tam"  # the spouse still lives there
        notes: dict[str, int] = dict(conn.exec_driver_sql("SELECT notes, count(*) FROM visit GROUP BY notes").all())
        assert notes == {"": 1, "Cả nhà khoẻ": 1}  # only the visit about the person alone lost its notes
        withdrawals = conn.exec_driver_sql(
            "SELECT scope FROM consent WHERE person_id = ? AND granted = 0 ORDER BY scope", (ids["head"],)
        ).all()
        assert [r[0] for r in withdrawals] == ["basic", "sensitive"]
        reason = conn.exec_driver_sql(
            "SELECT reason FROM certificate_revocation WHERE certificate_id = ?", (ids["certificate"],)
        ).scalar()
        assert reason == E.REVOCATION_REASON
        ops = conn.exec_driver_sql(
            "SELECT kind, changes FROM outbox WHERE table_name = 'person' AND row_id = ? ORDER BY op_id",
            (ids["head"],),
        ).all()
        assert ops[-1][0] == "erase"
        assert json.loads(ops[-1][1]) == {"reason": "person_asked", "erased_at": result.erased_at}
        new_ops = conn.exec_driver_sql(
            "SELECT table_name, kind FROM outbox WHERE op_id > ? ORDER BY op_id", (last_op,)
        ).all()
        # consent withdrawals, the revocation, then the erase op: the blanking itself sends no update op
        assert [tuple(r) for r in new_ops] == [
            ("consent", "insert"),
            ("consent", "insert"),
            ("certificate_revocation", "insert"),
            ("person", "erase"),
        ]
        drafts = [r[0] for r in conn.exec_driver_sql("SELECT key FROM draft")]
        assert drafts == ["household:new"]
    # found by no search; the rest of the household and the other household still are
    assert services.search.search("Mek") == []
    assert services.search.search(PHONE) == []
    assert services.search.search(CID[-4:]) == []
    assert [h.title for h in services.search.search("Byă")] == ["H'Ngơ Byă"]
    assert [h.title for h in services.search.search("Lê Văn", kinds=("person",))] == ["Lê Văn Tám"]
    assert [h.title for h in services.search.search("Ngơ", kinds=("person",))] == ["H'Ngơ Byă"]
    assert services.admin.check().ok
    assert audit.verify(db).ok


def test_an_earlier_revocation_reason_naming_the_person_is_erased_too(
    db: Database, services: Services, village: VillageView
) -> None:
    ids = seed_person(services, village)
    typed = f"Ghi sai họ tên, đúng là {NAME}"
    services.certificates.revoke(ids["certificate"], typed)
    with db.reader() as conn:  # the audit trail, which nothing may change, never held the typed reason
        summaries = [str(r[0]) for r in conn.exec_driver_sql("SELECT summary FROM audit_entry")]
    assert "24133-000001" in summaries and not any("Ghi sai" in t for t in summaries)
    assert typed in every_text(db)

    result = services.erasure.erase(ids["head"], "person_asked")

    assert result.certificates_revoked == 0  # it was revoked already
    assert traces(db) == [] and "Ghi sai" not in every_text(db)
    with db.reader() as conn:
        rows = conn.exec_driver_sql(
            "SELECT reason FROM certificate_revocation WHERE certificate_id = ? AND deleted = 0", (ids["certificate"],)
        ).all()
        pending = [
            str(r[0])
            for r in conn.exec_driver_sql("SELECT changes FROM outbox WHERE table_name = 'certificate_revocation'")
        ]
    assert [r[0] for r in rows] == [E.REVOCATION_REASON]  # still one revocation, its reason blanked
    assert pending and not any("Ghi sai" in c for c in pending)  # the unsent insert carries the blank reason
    assert audit.verify(db).ok


def test_a_household_of_one_loses_its_address_and_every_visit_note(
    db: Database, services: Services, village: VillageView
) -> None:
    hh = services.households.create(
        HouseholdInput(village.id, address="Rẫy cà phê km 7", members=[PersonInput(NAME, relationship="head")])
    )
    services.visits.record(VisitInput(hh.household.id, notes=SECRET_NOTE, consent=ConsentInput(True)))
    services.erasure.erase(hh.members[0].id, "entered_by_mistake")
    assert traces(db) == []
    assert "Rẫy cà phê" not in every_text(db)
    detail = services.households.get(hh.household.id)
    assert detail.household.head_name == E.PLACEHOLDER


def test_preview_says_what_goes_and_what_remains(db: Database, services: Services, village: VillageView) -> None:
    ids = seed_person(services, village)
    before = take_snapshot(db)
    p = services.erasure.preview(ids["head"])
    assert take_snapshot(db) == before
    assert p.full_name == NAME and p.is_head and not p.household_alone
    assert (p.visit_notes, p.certificates_to_revoke, p.certificates, p.drafts) == (1, 1, 1, 1)
    assert (p.visits, p.attendances, p.submissions) == (2, 1, 1)
    assert p.consents == 0  # the visits' consent was the household's
    spouse = services.erasure.preview(ids["spouse"])
    assert not spouse.is_head and spouse.visit_notes == 0 and spouse.certificates == 0


def test_refused_calls_change_nothing(db: Database, services: Services, village: VillageView) -> None:
    ids = seed_person(services, village)
    head_user = services.users.create("Tổ trưởng Hà", Role.TEAM_HEAD.value, "24681357")
    member_user = services.users.create("Thành viên Nga", Role.TEAM_MEMBER.value, "24681357")
    before = take_snapshot(db)
    for user in (head_user.id, member_user.id):
        other = Services(db, user_id=user)
        with pytest.raises(PermissionDenied):
            other.erasure.erase(ids["head"], "person_asked")
        with pytest.raises(PermissionDenied):
            other.erasure.preview(ids["head"])
    with pytest.raises(ValidationError) as unknown:
        services.erasure.erase("01900000-0000-7000-8000-000000000000", "person_asked")
    assert unknown.value.code == "person_id.not_found"
    with pytest.raises(ValidationError) as bad_reason:
        services.erasure.erase(ids["head"], "because")
    assert bad_reason.value.code == "reason_code.invalid"
    assert take_snapshot(db) == before
    services.erasure.erase(ids["head"], "other")
    erased = take_snapshot(db)
    with pytest.raises(ValidationError) as again:
        services.erasure.erase(ids["head"], "other")
    assert again.value.code == "person_id.erased"
    with pytest.raises(ValidationError):
        services.erasure.preview(ids["head"])
    assert take_snapshot(db) == erased


def test_unsent_and_sent_ops_are_scrubbed(db: Database, services: Services, village: VillageView) -> None:
    """The outbox holds the person's values (pending inserts, acknowledged ops kept for a server restore):
    they are blanked in place, so nothing can send the data again."""
    ids = seed_person(services, village)
    with db.writer() as conn:  # half of the ops were acknowledged by the server
        conn.exec_driver_sql("UPDATE outbox SET status = 'applied' WHERE op_id % 2 = 0")
    services.persons.update(
        ids["head"], PersonInput(NAME, sex="male", phone="0987654321", relationship="head", birth_year=1980)
    )
    services.erasure.erase(ids["head"], "person_asked")
    assert traces(db) == []
    assert "0987654321" not in every_text(db)
    with db.reader() as conn:
        pending = conn.exec_driver_sql("SELECT count(*) FROM outbox WHERE status IS NULL").scalar_one()
        ops = conn.exec_driver_sql("SELECT op_id FROM outbox ORDER BY op_id").all()
    assert pending > 0
    assert [r[0] for r in ops] == list(range(ops[0][0], ops[0][0] + len(ops)))  # no op id gap: nothing dropped


def _as_input(services: Services, person_id: str) -> PersonInput:
    """What the household form sends back for a member it did not change."""
    d = services.persons.get(person_id)
    p = d.person
    return PersonInput(
        p.full_name,
        sex=p.sex,
        birth_date=p.birth_date,
        birth_year=p.birth_year,
        citizen_id=d.citizen_id,
        phone=p.phone,
        relationship=p.relationship,
        name_order=p.name_order,
        ethnic_group=d.ethnic_group,
        main_language=p.main_language,
        needs_interpreter=p.needs_interpreter,
        notes=p.notes,
    )


def test_an_erased_person_stays_blank_but_the_household_can_still_be_saved(
    db: Database, services: Services, village: VillageView
) -> None:
    ids = seed_person(services, village)
    services.erasure.erase(ids["head"], "person_asked")
    hh = services.households.get(ids["household"])
    inp = HouseholdInput(village.id, address=hh.household.address, head_name=hh.household.head_name)
    members = [(m.id, _as_input(services, m.id)) for m in hh.members]
    # saving the household unchanged, erased member included, works (the other member may still change)
    spouse = next(i for i, (pid, _) in enumerate(members) if pid == ids["spouse"])
    members[spouse][1].phone = "0912345678"
    services.households.save_with_members(ids["household"], inp, members)
    assert services.persons.get(ids["spouse"]).person.phone == "0912345678"
    # but the erased person's data cannot be typed in again, on either path
    before = take_snapshot(db)
    head = next(i for i, (pid, _) in enumerate(members) if pid == ids["head"])
    members[head][1].full_name = NAME
    with pytest.raises(ValidationError) as err:
        services.households.save_with_members(ids["household"], inp, members)
    assert err.value.code == "person_id.erased" and err.value.field == f"members.{head}"
    again = _as_input(services, ids["head"])
    again.phone = PHONE
    with pytest.raises(ValidationError) as err:
        services.persons.update(ids["head"], again)
    assert err.value.code == "person_id.erased"
    assert take_snapshot(db) == before
    assert traces(db) == []
