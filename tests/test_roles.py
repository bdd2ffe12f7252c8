"""Roles are enforced in the services (issue 6): every public method of every service, called as each role,
as the system (no user) and as a user who no longer exists. Allowed calls succeed; refused ones raise
PermissionDenied and leave the database exactly as it was.

The matrix (cumulative: each role may do what the ones before it may):

* every signed-in role: reads; villages (add, rename), households, persons, visits, consent (record, withdraw
  the sensitive scope), submissions, drafts,
  training sessions (create, change), attendance (present/absent, roster) without results;
* team head: + training results (set, change or clear), taking an assessed person off a roster, deleting a
  session, certificates (issue, revoke, signer);
* commune operator: + users (except one's own PIN), village merge and delete, household import, consent
  withdrawal with erasure of a person's data, the audit trail (view, verify, export).

A public service method without a case here fails ``test_every_public_service_method_has_a_case``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cert_support import make_signing
from conftest import COMMUNE, take_snapshot

from dlso_desktop.catalogue import course_id
from dlso_desktop.certificates.qr import qr_matrix
from dlso_desktop.models import Role
from dlso_desktop.services import Services
from dlso_desktop.services.base import PermissionDenied
from dlso_desktop.services.consent import PersonConsentInput
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.submissions import SubmissionInput
from dlso_desktop.services.training import SessionInput
from dlso_desktop.services.visits import ConsentInput, FindingInput, VisitInput
from dlso_desktop.storage.store import Database, create_database, open_database
from dlso_desktop.validation import ValidationError

READ = "read"  # every live signed-in user
OWN = "own"  # any user, on their own account only

ACTORS = ("team_member", "team_head", "commune_operator", "system", "ghost")
RANK = {Role.TEAM_MEMBER.value: 0, Role.TEAM_HEAD.value: 1, Role.COMMUNE_OPERATOR.value: 2}


@dataclass(frozen=True)
class Seed:
    """What the template database holds, made by the system before any role acts."""

    users: dict[str, str]  # actor -> user id ("ghost": a deleted user)
    other_user: str
    village: str
    village_to_merge: str
    empty_village: str
    household: str
    household_to_delete: str
    head: str
    member: str
    walk_in: str
    visit: str
    submission: str
    procedure: str
    session: str
    passed: str  # on the session's roster, passed
    present: str  # on the session's roster, present without a result
    certificate: str
    qr_text: str


@dataclass(frozen=True)
class Case:
    service: str
    method: str
    needed: str  # a Role value, READ or OWN
    call: Callable[[Services, Seed, Path], Any]
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.service}.{self.method}" + (f"[{self.label}]" if self.label else "")


def _person(name: str = "Trần Thị Mai", **kw: Any) -> PersonInput:
    return PersonInput(name, sex="female", birth_date=date(1990, 5, 6), **kw)


def _household(seed: Seed, name: str = "Y Blang Niê") -> HouseholdInput:
    return HouseholdInput(seed.village, address="Thôn 3", members=[_person(name, relationship="head")])


def _session(seed: Seed) -> SessionInput:
    return SessionInput(course_id("BDHVS-01"), date(2026, 11, 21), "Nhà văn hóa buôn", "Trần Văn Nam", seed.village)


def _qr_image(text: str, path: Path) -> Path:
    from PIL import Image

    matrix = qr_matrix(text)
    scale, quiet = 6, 4
    size = (len(matrix) + 2 * quiet) * scale
    image = Image.new("L", (size, size), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                left, top = (x + quiet) * scale, (y + quiet) * scale
                image.paste(0, (left, top, left + scale, top + scale))
    image.save(path)
    return path


def _pdf(svc: Services, seed: Seed, tmp: Path) -> Path:
    system = Services(svc.ctx.db)
    system.certificates.render_pdf([system.certificates.get(seed.certificate)], tmp / "c.pdf")
    return tmp / "c.pdf"


MEMBER, HEAD, OPERATOR = Role.TEAM_MEMBER.value, Role.TEAM_HEAD.value, Role.COMMUNE_OPERATOR.value

CASES: list[Case] = [
    # villages
    Case("villages", "list_all", READ, lambda s, d, t: s.villages.list_all()),
    Case("villages", "create", MEMBER, lambda s, d, t: s.villages.create("Thôn Mới", "thon")),
    Case("villages", "rename", MEMBER, lambda s, d, t: s.villages.rename(d.empty_village, "Thôn Đổi Tên")),
    Case("villages", "merge", OPERATOR, lambda s, d, t: s.villages.merge(d.village_to_merge, d.village)),
    Case("villages", "delete", OPERATOR, lambda s, d, t: s.villages.delete(d.empty_village)),
    # persons
    Case("persons", "create", MEMBER, lambda s, d, t: s.persons.create(_person("H'Hoa Mlô"))),
    Case("persons", "create_many", MEMBER, lambda s, d, t: s.persons.create_many([_person("A"), _person("B")])),
    Case("persons", "owners_of_citizen_ids", READ, lambda s, d, t: s.persons.owners_of_citizen_ids(["066190000001"])),
    Case("persons", "get", READ, lambda s, d, t: s.persons.get(d.walk_in)),
    Case("persons", "update", MEMBER, lambda s, d, t: s.persons.update(d.walk_in, _person("Trần Thị Mai Anh"))),
    Case("persons", "update_status", MEMBER, lambda s, d, t: s.persons.update_status(d.walk_in, vneid_level="level2")),
    Case("persons", "delete", MEMBER, lambda s, d, t: s.persons.delete(d.walk_in)),
    # households
    Case("households", "create", MEMBER, lambda s, d, t: s.households.create(_household(d))),
    Case("households", "create_many", MEMBER, lambda s, d, t: s.households.create_many([_household(d)])),
    Case("households", "imported_at", READ, lambda s, d, t: s.households.imported_at("file:abc")),
    Case(
        "households",
        "import_households",
        OPERATOR,
        lambda s, d, t: s.households.import_households(
            [("Buôn Nhập", "buon", _household(d, "Y Nhập"))], source_key="file:abc"
        ),
    ),
    Case("households", "update", MEMBER, lambda s, d, t: s.households.update(d.household, _household(d, "Y Đổi"))),
    Case(
        "households",
        "save_with_members",
        MEMBER,
        lambda s, d, t: s.households.save_with_members(
            d.household, _household(d), [(d.head, _person("Y Chủ Hộ", relationship="head"))]
        ),
    ),
    Case("households", "add_member", MEMBER, lambda s, d, t: s.households.add_member(d.household, _person("H'Mới"))),
    Case("households", "delete", MEMBER, lambda s, d, t: s.households.delete(d.household_to_delete)),
    Case("households", "get", READ, lambda s, d, t: s.households.get(d.household)),
    Case("households", "list_ids", READ, lambda s, d, t: s.households.list_ids(query="chu ho")),
    Case("households", "rows", READ, lambda s, d, t: s.households.rows([d.household])),
    # visits
    Case(
        "visits",
        "record",
        MEMBER,
        lambda s, d, t: s.visits.record(
            VisitInput(d.household, findings=[FindingInput(d.head, vneid_level="level1")], consent=ConsentInput(True))
        ),
    ),
    Case("visits", "delete", MEMBER, lambda s, d, t: s.visits.delete(d.visit)),
    Case("visits", "history", READ, lambda s, d, t: s.visits.history(d.household)),
    # consent (every signed-in role collects it at the door; basic withdrawal is the erasure flow's)
    Case(
        "consent",
        "record",
        MEMBER,
        lambda s, d, t: s.consent.record(d.member, PersonConsentInput("sensitive", True)),
    ),
    Case("consent", "withdraw", MEMBER, lambda s, d, t: s.consent.withdraw(d.head, "sensitive")),
    Case("consent", "status", READ, lambda s, d, t: s.consent.status(d.head)),
    Case("consent", "statuses", READ, lambda s, d, t: s.consent.statuses([d.head, d.member])),
    # submissions
    Case("submissions", "procedures", READ, lambda s, d, t: s.submissions.procedures()),
    Case(
        "submissions",
        "record",
        MEMBER,
        lambda s, d, t: s.submissions.record(SubmissionInput(d.procedure, d.head, date(2026, 11, 1))),
    ),
    Case(
        "submissions", "change_status", MEMBER, lambda s, d, t: s.submissions.change_status(d.submission, "submitted")
    ),
    Case("submissions", "delete", MEMBER, lambda s, d, t: s.submissions.delete(d.submission)),
    Case("submissions", "get", READ, lambda s, d, t: s.submissions.get(d.submission)),
    Case("submissions", "find", READ, lambda s, d, t: s.submissions.find()),
    # training
    Case("training", "courses", READ, lambda s, d, t: s.training.courses()),
    Case("training", "create_session", MEMBER, lambda s, d, t: s.training.create_session(_session(d))),
    Case("training", "update_session", MEMBER, lambda s, d, t: s.training.update_session(d.session, _session(d))),
    Case("training", "delete_session", HEAD, lambda s, d, t: s.training.delete_session(d.session)),
    Case("training", "sessions", READ, lambda s, d, t: s.training.sessions()),
    Case("training", "count_sessions", READ, lambda s, d, t: s.training.count_sessions()),
    Case("training", "get_session", READ, lambda s, d, t: s.training.get_session(d.session)),
    Case("training", "roster", READ, lambda s, d, t: s.training.roster(d.session)),
    Case(
        "training",
        "record_attendance",
        MEMBER,
        lambda s, d, t: s.training.record_attendance(d.session, [d.head], present=True),
        "attendance",
    ),
    Case(
        "training",
        "record_attendance",
        MEMBER,
        lambda s, d, t: s.training.record_attendance(d.session, [d.present], present=False),
        "absent",
    ),
    Case(
        "training",
        "record_attendance",
        HEAD,
        lambda s, d, t: s.training.record_attendance(d.session, [d.present], present=True, result="passed"),
        "result",
    ),
    Case(
        "training",
        "record_attendance",
        MEMBER,
        lambda s, d, t: s.training.record_attendance(d.session, [d.passed], present=False, result="passed"),
        "absent, result kept",
    ),
    Case(
        "training",
        "record_attendance",
        HEAD,
        lambda s, d, t: s.training.record_attendance(d.session, [d.head], present=True, result="not_yet"),
        "new with a result",
    ),
    Case(
        "training",
        "record_attendance",
        HEAD,
        lambda s, d, t: s.training.record_attendance(d.session, [d.passed], present=True),
        "clear result",
    ),
    Case(
        "training",
        "remove_from_roster",
        MEMBER,
        lambda s, d, t: s.training.remove_from_roster(d.session, d.present),
        "no result",
    ),
    Case(
        "training",
        "remove_from_roster",
        HEAD,
        lambda s, d, t: s.training.remove_from_roster(d.session, d.passed),
        "assessed",
    ),
    # certificates
    Case("certificates", "signing_status", READ, lambda s, d, t: s.certificates.signing_status()),
    Case("certificates", "set_signer", HEAD, lambda s, d, t: s.certificates.set_signer("Lê Văn Ký", "Chủ tịch")),
    Case("certificates", "eligible", READ, lambda s, d, t: s.certificates.eligible(d.session)),
    Case("certificates", "issue", HEAD, lambda s, d, t: s.certificates.issue(d.session)),
    Case(
        "certificates",
        "pages",
        READ,
        lambda s, d, t: s.certificates.pages([Services(s.ctx.db).certificates.get(d.certificate)]),
    ),
    Case(
        "certificates",
        "render_pdf",
        READ,
        lambda s, d, t: s.certificates.render_pdf([Services(s.ctx.db).certificates.get(d.certificate)], t / "x.pdf"),
    ),
    Case("certificates", "search", READ, lambda s, d, t: s.certificates.search("")),
    Case("certificates", "get", READ, lambda s, d, t: s.certificates.get(d.certificate)),
    Case(
        "certificates",
        "by_number",
        READ,
        lambda s, d, t: s.certificates.by_number(Services(s.ctx.db).certificates.get(d.certificate).number),
    ),
    Case("certificates", "revoke", HEAD, lambda s, d, t: s.certificates.revoke(d.certificate, "Cấp nhầm người")),
    Case("certificates", "verifier", READ, lambda s, d, t: s.certificates.verifier()),
    Case("certificates", "verify_texts", READ, lambda s, d, t: s.certificates.verify_texts([d.qr_text])),
    Case("certificates", "verify_text", READ, lambda s, d, t: s.certificates.verify_text(d.qr_text)),
    Case(
        "certificates",
        "verify_image",
        READ,
        lambda s, d, t: s.certificates.verify_image(_qr_image(d.qr_text, t / "qr.png")),
    ),
    Case("certificates", "verify_pdf", READ, lambda s, d, t: s.certificates.verify_pdf(_pdf(s, d, t))),
    # users
    Case("users", "create", OPERATOR, lambda s, d, t: s.users.create("Hồ Văn Mới", "team_member", "135790")),
    Case(
        "users",
        "update",
        OPERATOR,
        lambda s, d, t: s.users.update(d.other_user, display_name="Người Khác Đổi Tên"),
        "another user",
    ),
    Case("users", "update", OPERATOR, lambda s, d, t: s.users.update(d.other_user, pin="975310"), "another user's PIN"),
    Case("users", "update", OWN, lambda s, d, t: s.users.update(_me(s), pin="864200"), "own PIN"),
    Case(
        "users",
        "update",
        OPERATOR,
        lambda s, d, t: s.users.update(_me(s), role="commune_operator"),
        "own role",
    ),
    Case("users", "delete", OPERATOR, lambda s, d, t: s.users.delete(d.other_user)),
    Case("users", "list_all", READ, lambda s, d, t: s.users.list_all()),
    Case("users", "authenticate", READ, lambda s, d, t: s.users.authenticate(d.other_user, "246802")),
    Case("users", "signed_in", READ, lambda s, d, t: s.users.signed_in(d.other_user)),
    Case("users", "keystore_entries", READ, lambda s, d, t: s.users.keystore_entries()),
    Case("users", "sync_keystore", READ, lambda s, d, t: s.users.sync_keystore()),
    # search, drafts, admin
    Case("search", "search", READ, lambda s, d, t: s.search.search("mai")),
    Case("drafts", "save", MEMBER, lambda s, d, t: s.drafts.save("visit:new", {"notes": "đang gõ"})),
    Case("drafts", "load", READ, lambda s, d, t: s.drafts.load("household:draft")),
    Case("drafts", "discard", MEMBER, lambda s, d, t: s.drafts.discard("household:draft")),
    Case("drafts", "keys", READ, lambda s, d, t: s.drafts.keys()),
    Case("admin", "stats", READ, lambda s, d, t: s.admin.stats()),
    # erasure (consent withdrawn, the person's data erased): the commune operator's
    Case("erasure", "preview", OPERATOR, lambda s, d, t: s.erasure.preview(d.walk_in)),
    Case("erasure", "erase", OPERATOR, lambda s, d, t: s.erasure.erase(d.walk_in, "person_asked")),
    Case("admin", "pending_changes", READ, lambda s, d, t: s.admin.pending_changes()),
    Case("admin", "check", READ, lambda s, d, t: s.admin.check()),
    # the audit trail: the commune operator's
    Case("audit", "page", OPERATOR, lambda s, d, t: s.audit.page(limit=5)),
    Case("audit", "count", OPERATOR, lambda s, d, t: s.audit.count()),
    Case("audit", "choices", OPERATOR, lambda s, d, t: s.audit.choices()),
    Case("audit", "verify", OPERATOR, lambda s, d, t: s.audit.verify()),
    Case("audit", "export", OPERATOR, lambda s, d, t: s.audit.export(t / "audit.csv", "csv")),
]


def _me(s: Services) -> str:
    """The acting user's own id (the system has none: it acts on the other user, which it may)."""
    if s.ctx.user_id is None:
        with s.ctx.db.reader() as conn:
            row = conn.exec_driver_sql("SELECT id FROM app_user WHERE display_name = 'Người Khác'").first()
        assert row is not None
        return str(row[0])
    return s.ctx.user_id


def _allowed(needed: str, actor: str) -> bool:
    if actor == "ghost":
        return False
    if actor == "system" or needed in (READ, OWN):
        return True
    return RANK[actor] >= RANK[needed]


# ---------------------------------------------------------------------------------------------------------
# The template database: made once, copied for each call


def _add_user(db: Database, name: str, role: str) -> str:
    with db.unit_of_work(None) as uow:
        row = uow.insert("app_user", {"display_name": name, "role": role}, summary=name)
        uow.commit()
    return str(row["id"])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Seed]]:
    folder = tmp_path_factory.mktemp("roles")
    path = folder / "template.sqlite"
    db = create_database(path, COMMUNE)
    try:
        users = {role.value: _add_user(db, f"Người {role.value}", role.value) for role in Role}
        users["ghost"] = _add_user(db, "Người đã xoá", "commune_operator")
        svc = Services(db)  # the system
        svc.users.delete(users["ghost"])
        other = svc.users.create("Người Khác", "team_member", "246802")
        village = svc.villages.create("Buôn Kô Tam", "buon")
        to_merge = svc.villages.create("Buôn Cũ", "buon")
        empty = svc.villages.create("Thôn Trống", "thon")
        hh = svc.households.create(
            HouseholdInput(
                village.id,
                members=[_person("Y Chủ Hộ", relationship="head"), _person("H'Thành Viên", relationship="child")],
            )
        )
        svc.households.create(HouseholdInput(to_merge.id, members=[_person("Y Cũ", relationship="head")]))
        gone = svc.households.create(HouseholdInput(village.id, members=[_person("Y Xoá", relationship="head")]))
        walk_in = svc.persons.create(_person("Trần Thị Mai"))
        head, member = hh.members[0].id, hh.members[1].id
        visit = svc.visits.record(VisitInput(hh.household.id, consent=ConsentInput(True)))
        procedure = svc.submissions.procedures()[0].id
        submission = svc.submissions.record(SubmissionInput(procedure, head, date(2026, 10, 1)))
        session = svc.training.create_session(_session_for(village.id))
        svc.training.record_attendance(session.id, [member], present=True, result="passed")
        svc.training.record_attendance(session.id, [walk_in.id], present=True)
        make_signing(db)
        svc.certificates.set_signer("Nguyễn Văn Ký", "Chủ tịch UBND")
        (cert,) = svc.certificates.issue(session.id)
        svc.drafts.save("household:draft", {"head_name": "Y"})
        seed = Seed(
            users=users,
            other_user=other.id,
            village=village.id,
            village_to_merge=to_merge.id,
            empty_village=empty.id,
            household=hh.household.id,
            household_to_delete=gone.household.id,
            head=head,
            member=member,
            walk_in=walk_in.id,
            visit=visit.id,
            submission=submission.id,
            procedure=procedure,
            session=session.id,
            passed=member,
            present=walk_in.id,
            certificate=str(cert.id),
            qr_text=cert.url,
        )
    finally:
        db.close()
    yield path, seed


def _session_for(village_id: str) -> SessionInput:
    return SessionInput(course_id("BDHVS-01"), date(2026, 11, 20), "Nhà văn hóa buôn", "Trần Văn Nam", village_id)


@pytest.fixture
def seeded(template: tuple[Path, Seed], tmp_path: Path) -> Iterator[tuple[Database, Seed]]:
    path, seed = template
    target = tmp_path / "dlso.sqlite"
    shutil.copyfile(path, target)
    for suffix in ("-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            shutil.copyfile(f"{path}{suffix}", f"{target}{suffix}")
    db = open_database(target)
    try:
        yield db, seed
    finally:
        db.close()


# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_service_method_as_each_role(
    case: Case, actor: str, seeded: tuple[Database, Seed], tmp_path: Path
) -> None:
    db, seed = seeded
    services = Services(db, user_id=None if actor == "system" else seed.users[actor])
    before = take_snapshot(db)
    if _allowed(case.needed, actor):
        case.call(services, seed, tmp_path)
        if case.needed == READ:
            assert take_snapshot(db) == before, "a read changed the database"
    else:
        with pytest.raises(PermissionDenied) as refused:
            case.call(services, seed, tmp_path)
        assert refused.value.code == "permission.denied"
        assert refused.value.message_vi and refused.value.message_en
        assert take_snapshot(db) == before, "a refused call changed the database"


def test_every_public_service_method_has_a_case(seeded: tuple[Database, Seed]) -> None:
    """A new public method must say who may call it: add a case above (and its check in the service)."""
    db, _ = seeded
    services = Services(db)
    covered = {(c.service, c.method) for c in CASES}
    public = {
        (name, method)
        for name, svc in vars(services).items()
        if name != "ctx"
        for method in dir(type(svc))
        if not method.startswith("_") and callable(getattr(type(svc), method))
    }
    assert public - covered == set(), "service methods without a role case"
    assert covered - public == set(), "role cases for methods that do not exist"


def test_refusals_name_what_is_not_allowed_in_both_languages(seeded: tuple[Database, Seed]) -> None:
    db, seed = seeded
    member = Services(db, user_id=seed.users["team_member"])
    with pytest.raises(PermissionDenied) as refused:
        member.training.record_attendance(seed.session, [seed.present], present=True, result="passed")
    assert refused.value.message_vi == "Chỉ tổ trưởng hoặc cán bộ xã được ghi kết quả học tập."
    assert refused.value.message_en == "Only a team head or a commune operator may record training results."
    head = Services(db, user_id=seed.users["team_head"])
    with pytest.raises(PermissionDenied) as refused:
        head.users.create("Hồ Văn Mới", "team_member", "135790")
    assert refused.value.message_vi == "Chỉ cán bộ xã (quản trị xã) được thêm người dùng."


def test_a_deactivated_user_can_do_nothing(seeded: tuple[Database, Seed]) -> None:
    db, seed = seeded
    Services(db).users.create("Cán bộ xã thứ hai", "commune_operator", "112233")
    Services(db).users.update(seed.users["commune_operator"], active=False)
    inactive = Services(db, user_id=seed.users["commune_operator"])
    with pytest.raises(PermissionDenied):
        inactive.households.list_ids()
    with pytest.raises(PermissionDenied):
        inactive.users.create("Hồ Văn Mới", "team_member", "135790")


def test_the_last_active_commune_operator_stays(seeded: tuple[Database, Seed]) -> None:
    """Nobody could manage the laptop's users any more: not even the operator themself may do it."""
    db, seed = seeded
    op = seed.users["commune_operator"]
    for services in (Services(db, user_id=op), Services(db)):
        before = take_snapshot(db)
        for method, kwargs in (("update", {"role": "team_head"}), ("update", {"active": False}), ("delete", {})):
            with pytest.raises(ValidationError) as err:
                getattr(services.users, method)(op, **kwargs)
            assert err.value.code == "user_id.last_operator"
        assert take_snapshot(db) == before
    second = Services(db, user_id=op).users.create("Cán bộ xã thứ hai", "commune_operator", "112233")
    Services(db, user_id=op).users.update(op, role="team_head")  # now another operator remains
    with pytest.raises(PermissionDenied):
        Services(db, user_id=op).users.delete(second.id)


def test_the_role_is_read_when_the_services_are_made(seeded: tuple[Database, Seed]) -> None:
    """A user promoted while signed in gets the new rights with the next services, not in the middle of one."""
    db, seed = seeded
    member = Services(db, user_id=seed.users["team_member"])
    assert not member.ctx.may(Role.TEAM_HEAD) and member.ctx.may(Role.TEAM_MEMBER)
    Services(db).users.update(seed.users["team_member"], role="team_head")
    assert not member.ctx.may(Role.TEAM_HEAD)
    assert Services(db, user_id=seed.users["team_member"]).ctx.may(Role.TEAM_HEAD)


def test_system_rights_for_a_trusted_program_acting_in_a_users_name(seeded: tuple[Database, Seed]) -> None:
    """``system=True`` (the demo data generator): everything is allowed and recorded as done by the user."""
    db, seed = seeded
    services = Services(db, user_id=seed.users["team_member"], system=True)
    services.training.record_attendance(seed.session, [seed.present], present=True, result="passed")
    with db.reader() as conn:
        by = conn.exec_driver_sql(
            "SELECT created_by FROM attendance WHERE person_id = ? AND result = 'passed'", (seed.present,)
        ).scalar()
    assert by == seed.users["team_member"]


# ---------------------------------------------------------------------------------------------------------
# The screens hide what the signed-in role may not do (the services refuse it anyway)


@pytest.fixture
def member_ctx(seeded: tuple[Database, Seed], tmp_path: Path, qapp: object) -> Iterator[Any]:
    from ui.app_context import AppContext
    from ui.settings import Settings
    from ui.tasks import Tasks

    db, seed = seeded
    user = next(u for u in Services(db).users.list_all() if u.id == seed.users["team_member"])
    context = AppContext(db, user, Tasks(), Settings(tmp_path), tmp_path)
    yield context
    context.tasks.wait()


def test_a_team_member_cannot_mark_results_or_delete_a_session_on_the_training_screen(
    member_ctx: Any, qtbot: Any
) -> None:
    from ui.qt import Qt
    from ui.training import RosterModel, TrainingPage

    page = TrainingPage(member_ctx)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: page.busy == 0 and page.session_model.rowCount() > 0)
    page.session_view.setCurrentIndex(page.session_model.index(0, 0))
    qtbot.waitUntil(lambda: page.busy == 0 and len(page.roster_model.rows) == 2)
    assert page.delete_button.isHidden()
    index = page.roster_model.index(0, RosterModel.RESULT)
    assert not page.roster_model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert page.roster_model.flags(page.roster_model.index(0, RosterModel.PRESENT)) & Qt.ItemFlag.ItemIsUserCheckable


def test_a_team_member_can_reprint_and_verify_but_not_issue_or_revoke_certificates(member_ctx: Any, qtbot: Any) -> None:
    from ui.certificates import CertificatesPage

    page = CertificatesPage(member_ctx)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: page.busy == 0)
    assert page.signer_button.isHidden() and page.revoke_button.isHidden()
    assert not page.preview_button.isEnabled() and not page.save_button.isEnabled()
    assert "team head" in page.ticked_label.text()
