"""An erasure travels (issue 6): laptop A's commune operator erases a person; the server blanks its records and
conflicts, drops the commune snapshot, refuses changes made before the erasure; laptop B, which had the person
and an unsent edit of them, ends with no trace of the person and every anonymous count unchanged. On SQLite and
on PostgreSQL."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sync_support import Laptop, Server, content
from test_erasure import CID, DOSSIER, NAME, PHONE, SECRET_NOTE, anonymous_counts, every_text, insert_certificate

from dlso_desktop.catalogue import course_id
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.submissions import SubmissionInput
from dlso_desktop.services.training import SessionInput
from dlso_desktop.services.visits import ConsentInput, FindingInput, VisitInput
from sync import erasure as E
from sync import local
from sync import protocol as P
from sync.server import snapshot
from sync.transport import Refused

COMMUNE = 24133
PHONE_A = "0911222333"
PHONE_B = "0977888999"
PHONE_LATE = "0966555444"
LATE_DOSSIER = "H12.34-261102-0099"


@pytest.fixture
def server(server_url: str, tmp_path: Path) -> Iterator[Server]:
    s = Server(server_url, snapshot_folder=tmp_path / "snapshots")
    yield s
    s.close()


@pytest.fixture
def laptops(tmp_path: Path, server: Server) -> Iterator[tuple[Laptop, Laptop]]:
    a = Laptop(tmp_path / "A.sqlite", COMMUNE, server, "A")
    b = Laptop(tmp_path / "B.sqlite", COMMUNE, server, "B")
    for lap in (a, b):
        lap.enroll()
    yield a, b
    for lap in (a, b):
        lap.close()


def head(phone: str, notes: str = "") -> PersonInput:
    return PersonInput(
        NAME,
        sex="male",
        birth_date=date(1980, 5, 1),
        citizen_id=CID,
        phone=phone,
        relationship="head",
        notes=notes,
    )


def server_text(server: Server) -> str:
    """Every record and conflict the server holds, as stored."""
    with server.engine.connect() as conn:
        return "\n".join(str(r[0]) for r in conn.exec_driver_sql("SELECT data FROM record"))


def erased_traces(text: str) -> list[str]:
    needles = (
        NAME,
        "Ênuôl",
        PHONE,
        PHONE_A,
        PHONE_B,
        PHONE_LATE,
        CID,
        DOSSIER,
        LATE_DOSSIER,
        SECRET_NOTE,
        "1980-05-01",
    )
    return [s for s in needles if s in text]


def seed(a: Laptop, b: Laptop) -> str:
    v = a.services.villages.create("Buôn Kô Tam", "buon")
    hh = a.services.households.create(
        HouseholdInput(
            v.id,
            address="Số 12",
            phone=PHONE,
            members=[head(PHONE), PersonInput("H'Ngơ Byă", sex="female", birth_year=1984, relationship="spouse")],
        )
    )
    head_id = next(m.id for m in hh.members if m.relationship == "head")
    a.services.visits.record(
        VisitInput(hh.household.id, notes=SECRET_NOTE, findings=[FindingInput(head_id)], consent=ConsentInput(True))
    )
    procedure = a.services.submissions.procedures()[0].id
    a.services.submissions.record(SubmissionInput(procedure, head_id, date(2026, 11, 1), dossier_code=DOSSIER))
    a.sync()
    b.sync()
    return head_id


def test_an_erasure_reaches_the_server_and_every_laptop(
    laptops: tuple[Laptop, Laptop], server: Server, tmp_path: Path
) -> None:
    a, b = laptops
    head_id = seed(a, b)
    # a conflict that holds the person's values (A and B change the phone differently)
    a.services.persons.update(head_id, head(PHONE_A))
    a.sync()
    b.services.persons.update(head_id, head(PHONE_B))
    b.sync()
    assert [c.field for c in local.conflicts(b.db)] == ["phone"]
    # the operator on B decides it: the resolution op (in B's outbox, sent) holds both phone numbers
    local.resolve_conflict(b.db, b.user_id, local.conflicts(b.db)[0].id, PHONE_B)
    b.sync()
    a.sync()
    # the first-sync snapshot holds the person too
    folder = tmp_path / "snapshots"
    info = snapshot.build(server.engine, folder, COMMUNE)
    assert info is not None and NAME.encode() in gzip.decompress((folder / info.gz_name).read_bytes())
    # B has an unsaved form holding the person's name
    b.services.drafts.save("household:new", {"head_name": NAME, "address": "Số 12"})
    # B edits the person, not sent yet, when A erases them
    b.services.persons.update(head_id, head(PHONE_LATE, notes="Sửa trên máy B"))
    # and records a new submission for them (it stays, for the counts, without its dossier code)
    procedure = b.services.submissions.procedures()[0].id
    b.services.submissions.record(SubmissionInput(procedure, head_id, date(2026, 11, 2), dossier_code=LATE_DOSSIER))
    counts = anonymous_counts(b.db)
    a.services.erasure.erase(head_id, "person_asked")
    result = a.sync()
    assert result.rejected == 0
    assert list(folder.glob(f"{COMMUNE}-*")) == []  # the snapshot holding the person is gone
    assert erased_traces(server_text(server)) == []

    result = b.sync()
    assert result.rejected == 1
    refused = local.rejected_changes(b.db)
    assert [(r.table, r.row_id) for r in refused] == [("person", head_id)]
    assert refused[0].reason.startswith("erased:")
    assert local.pending_count(b.db) == 0  # nothing left to retry
    assert erased_traces(every_text(b.db)) == []
    assert erased_traces(every_text(a.db)) == []
    assert erased_traces(server_text(server)) == []
    assert anonymous_counts(b.db) == counts
    a.sync()
    assert anonymous_counts(a.db) == counts
    assert b.services.search.search("Mek") == []
    assert b.services.admin.check().ok
    with b.db.reader() as conn:
        name, erased_at = conn.exec_driver_sql("SELECT full_name, erased_at FROM person WHERE id = ?", (head_id,)).one()
    assert name == E.PLACEHOLDER and erased_at
    assert all(c.status == "resolved" for c in local.conflicts(b.db, open_only=False))
    with b.db.reader() as conn:  # the resolution op is still in the outbox, without the numbers
        assert conn.exec_driver_sql("SELECT count(*) FROM outbox WHERE kind = 'resolve'").scalar_one() == 1
    # both laptops agree with each other (and so with the server)
    a.sync()
    b.sync()
    assert content(a.db) == content(b.db)
    # a new snapshot is built from scratch, without the person
    info = snapshot.build(server.engine, folder, COMMUNE)
    assert info is not None
    data = gzip.decompress((folder / info.gz_name).read_bytes())
    assert NAME.encode() not in data and PHONE.encode() not in data and DOSSIER.encode() not in data


def _certificate(lap: Laptop, person_id: str, serial: int) -> str:
    session = lap.services.training.create_session(
        SessionInput(course_id("BDHVS-01"), date(2026, 11, 21), "Nhà văn hóa buôn", "Trần Văn Nam")
    )
    return insert_certificate(lap.db, person_id, session.id, serial)


def test_revocation_reasons_typed_before_an_erasure_are_blanked_everywhere(
    laptops: tuple[Laptop, Laptop], server: Server
) -> None:
    a, b = laptops
    head_id = seed(a, b)
    sent = _certificate(a, head_id, 1)
    unsent = _certificate(a, head_id, 2)
    a.services.certificates.revoke(sent, f"Ghi sai họ tên, đúng là {NAME}")
    a.sync()
    b.sync()
    with b.db.reader() as conn:
        assert NAME in str(conn.exec_driver_sql("SELECT reason FROM certificate_revocation").scalar_one())
    # B revokes the other certificate, with the name in the reason, and has not sent it when A erases
    b.services.certificates.revoke(unsent, f"Trùng với giấy của {NAME}")
    a.services.erasure.erase(head_id, "person_asked")
    assert a.sync().rejected == 0
    assert erased_traces(server_text(server)) == [] and "Ghi sai" not in server_text(server)

    assert b.sync().rejected == 0  # the late revocation is kept (it revokes), without its reason
    a.sync()
    for lap in (a, b):
        text = every_text(lap.db)
        assert erased_traces(text) == [] and "Ghi sai" not in text and "Trùng với" not in text
        with lap.db.reader() as conn:
            rows = conn.exec_driver_sql(
                "SELECT certificate_id, reason FROM certificate_revocation WHERE deleted = 0 ORDER BY certificate_id"
            ).all()
        # the unsent one is revoked twice: by B, and by A's erasure, which did not know of B's
        assert {str(r[0]) for r in rows} == {sent, unsent} and {str(r[1]) for r in rows} == {E.REVOCATION_REASON}
    text = server_text(server)
    assert erased_traces(text) == [] and "Trùng với" not in text
    assert content(a.db) == content(b.db)


def test_the_server_refuses_erasures_and_late_edits_it_must(laptops: tuple[Laptop, Laptop], server: Server) -> None:
    a, b = laptops
    head_id = seed(a, b)
    member = b.services.users.create("Thành viên Nga", "team_member", "24681357")
    b.sync()
    assert b.transport is not None
    last = max(op.op_id for op in local.pending_ops(b.db, 1000)) if local.pending_count(b.db) else 0
    with b.db.reader() as conn:
        last = max(last, int(conn.exec_driver_sql("SELECT coalesce(max(op_id), 0) FROM outbox").scalar_one()))

    def push(op_id: int, **kw: object) -> dict[str, object]:
        fields: dict[str, object] = {
            "op_id": op_id,
            "txn_id": "t",
            "table": "person",
            "row_id": head_id,
            "kind": P.OpKind.ERASE,
            "changes": {"reason": "person_asked", "erased_at": "2026-12-02T10:00:00.000Z"},
            "base_version": 0,
            "author_id": member.id,
            "created_at": "2026-12-02T10:00:00.000Z",
            "schema_version": 1,
        }
        fields.update(kw)
        op = P.Op.model_validate(fields)
        assert b.transport is not None
        answer = b.transport.post(f"{P.PREFIX}/push", {"ops": [op.model_dump(mode="json")]})
        results = answer["results"]
        assert isinstance(results, list)
        return dict(results[0])

    refused = push(last + 1)
    assert refused["status"] == "rejected" and str(refused["reason"]).startswith("not_operator:")
    bad = push(last + 2, author_id=b.user_id, changes={"reason": "why not"})
    assert bad["status"] == "rejected" and str(bad["reason"]).startswith("bad_field:")
    assert NAME in server_text(server)  # nothing was erased
    # an erasure, then an edit made before it
    done = push(last + 3, author_id=b.user_id)
    assert done["status"] == "applied"
    assert erased_traces(server_text(server)) == []
    late = push(
        last + 4,
        kind=P.OpKind.UPDATE,
        changes={"phone": [PHONE, PHONE_LATE]},
        author_id=b.user_id,
        base_version=1,
    )
    assert late["status"] == "rejected" and str(late["reason"]).startswith("erased:")
    again = push(last + 5, author_id=b.user_id)
    assert again["status"] == "applied" and again["reason"] == "already erased"
    marker = push(
        last + 6, kind=P.OpKind.UPDATE, changes={"erased_at": [None, "x"]}, author_id=b.user_id, base_version=10**6
    )
    assert marker["status"] == "rejected"
    assert erased_traces(server_text(server)) == []


def test_a_person_erased_before_their_first_sync_never_reaches_the_server(
    laptops: tuple[Laptop, Laptop], server: Server
) -> None:
    a, b = laptops
    v = a.services.villages.create("Buôn Kô Tam", "buon")
    a.sync()
    hh = a.services.households.create(HouseholdInput(v.id, address="Số 12", phone=PHONE, members=[head(PHONE)]))
    person_id = hh.members[0].id
    a.services.erasure.erase(person_id, "entered_by_mistake")
    result = a.sync()
    assert result.rejected == 0 and result.conflict == 0
    b.sync()
    a.sync()
    for text in (server_text(server), every_text(a.db), every_text(b.db)):
        assert erased_traces(text) == []
    assert content(a.db) == content(b.db)
    with b.db.reader() as conn:
        assert conn.exec_driver_sql("SELECT erased_at FROM person WHERE id = ?", (person_id,)).scalar()


def test_a_snapshot_made_before_an_erasure_is_never_served(
    laptops: tuple[Laptop, Laptop], server: Server, tmp_path: Path
) -> None:
    a, b = laptops
    head_id = seed(a, b)
    folder = tmp_path / "snapshots"
    assert snapshot.build(server.engine, folder, COMMUNE) is not None
    kept = tmp_path / "kept"
    shutil.copytree(folder, kept)
    a.services.erasure.erase(head_id, "person_asked")
    a.sync()
    assert list(folder.glob(f"{COMMUNE}-*")) == []
    # the old files come back (a backup of the folder, a build that raced the erasure): not served
    for path in kept.glob(f"{COMMUNE}-*"):
        shutil.copy(path, folder / path.name)
    assert b.transport is not None
    with pytest.raises(Refused) as refused:
        b.transport.get(f"{P.PREFIX}/snapshot", {"schema": snapshot.schema_tag()})
    assert (refused.value.status, refused.value.code) == (404, "snapshot_unavailable")
    assert list(folder.glob(f"{COMMUNE}-*")) == []
