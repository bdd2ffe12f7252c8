"""Consent per person, and the ethnic group (sensitive data) only with the person's explicit consent."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import take_snapshot

from dlso_desktop.importer import ImportRejected, import_jsonl
from dlso_desktop.models import ConsentScope
from dlso_desktop.services import Services
from dlso_desktop.services.consent import CONSENT_TEXT_VERSION, PersonConsentInput
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.views import VillageView
from dlso_desktop.services.visits import ConsentInput, VisitInput
from dlso_desktop.storage.store import Database
from dlso_desktop.validation import ValidationError, ValidationErrors
from sync.local import apply_page
from sync.protocol import Change

SENSITIVE, BASIC = ConsentScope.SENSITIVE.value, ConsentScope.BASIC.value


def _person(name: str = "H'Hoa Mlô", **kw: Any) -> PersonInput:
    return PersonInput(name, sex="female", birth_date=date(1990, 5, 6), **kw)


def _rows(db: Database, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with db.reader() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql, params)]


def _ethnic(db: Database, person_id: str) -> str | None:
    value = _rows(db, "SELECT ethnic_group FROM person WHERE id = ?", person_id)[0][0]
    return None if value is None else str(value)


def _codes(exc: ValidationError) -> list[tuple[str, str]]:
    errors = exc.errors if isinstance(exc, ValidationErrors) else [exc]
    return [(e.field, e.code) for e in errors]


@pytest.fixture
def member(db: Database, user_id: str) -> Services:
    """Services acting as a team member (consent is collected at the door by every role)."""
    with db.unit_of_work(None) as uow:
        row = uow.insert("app_user", {"display_name": "Y Bhim Niê", "role": "team_member"}, summary="test user")
        uow.commit()
    return Services(db, user_id=str(row["id"]))


# ---------------------------------------------------------------------------------------------------------
# ConsentService


def test_record_and_status_name_who_collected_it(services: Services, member: Services) -> None:
    p = services.persons.create(_person())
    assert member.consent.status(p.id) == (p.id, None, None)
    status = member.consent.record(p.id, PersonConsentInput(SENSITIVE, True, method="written"))
    assert status.sensitive_given and not status.basic_given
    s = status.sensitive
    assert s is not None
    assert (s.scope, s.granted, s.text_version, s.method) == (SENSITIVE, True, CONSENT_TEXT_VERSION, "written")
    assert s.collected_by == member.ctx.user_id and s.collected_by_name == "Y Bhim Niê"
    assert s.given_at.endswith("Z") and not s.from_household_visit
    assert member.consent.status(p.id) == status
    rows = _rows(services.ctx.db, "SELECT person_id, scope, granted FROM consent")
    assert rows == [(p.id, SENSITIVE, 1)]
    # the consent row travels like every event (outbox) and is audited without personal data
    (changes,) = _rows(services.ctx.db, "SELECT changes FROM outbox WHERE table_name = 'consent'")[0]
    assert json.loads(changes)["scope"] == SENSITIVE
    summaries = [r[0] for r in _rows(services.ctx.db, "SELECT summary FROM audit_entry WHERE table_name = 'consent'")]
    assert summaries == ["sensitive: granted"]


def test_a_refusal_is_recorded_and_grants_nothing(services: Services) -> None:
    p = services.persons.create(_person())
    status = services.consent.record(p.id, PersonConsentInput(SENSITIVE, False))
    assert status.sensitive is not None and not status.sensitive_given
    status = services.consent.record(p.id, PersonConsentInput(BASIC, False))
    assert status.basic is not None and not status.basic_given
    assert _rows(services.ctx.db, "SELECT scope, granted FROM consent ORDER BY scope") == [
        (BASIC, 0),
        (SENSITIVE, 0),
    ]


def test_bad_answers_are_refused_and_change_nothing(services: Services) -> None:
    p = services.persons.create(_person())
    before = take_snapshot(services.ctx.db)
    for inp, field in (
        (PersonConsentInput("everything", True), "scope"),
        (PersonConsentInput(SENSITIVE, True, method="guessed"), "method"),
        (PersonConsentInput(SENSITIVE, True, text_version=" "), "text_version"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.consent.record(p.id, inp)
        assert exc.value.field == field and exc.value.message_vi
    with pytest.raises(ValidationError) as exc:
        services.consent.record("0190d000-0000-7000-8000-000000000000", PersonConsentInput(SENSITIVE, True))
    assert exc.value.code == "person_id.not_found"
    assert take_snapshot(services.ctx.db) == before


def test_withdrawing_sensitive_consent_clears_the_ethnic_group_in_the_same_unit_of_work(services: Services) -> None:
    p = services.persons.create(_person(ethnic_group="11", sensitive_consent=True))
    assert _ethnic(services.ctx.db, p.id) == "11"
    assert services.consent.status(p.id).sensitive_given
    status = services.consent.withdraw(p.id, SENSITIVE)
    assert not status.sensitive_given and status.sensitive is not None and not status.sensitive.granted
    assert _ethnic(services.ctx.db, p.id) is None
    db = services.ctx.db
    txns = _rows(
        db,
        "SELECT table_name, txn_id FROM outbox WHERE op_id > (SELECT min(op_id) FROM outbox WHERE table_name ="
        " 'consent') ORDER BY op_id",
    )
    assert [t for t, _ in txns] == ["consent", "person"] and len({x for _, x in txns}) == 1
    actions = _rows(db, "SELECT action, summary FROM audit_entry WHERE table_name = 'consent' ORDER BY seq")
    assert actions == [("create", "sensitive: granted"), ("withdraw", "sensitive: withdrawn")]
    # nothing left to withdraw: nothing is written
    before = take_snapshot(db)
    services.consent.withdraw(p.id, SENSITIVE)
    assert take_snapshot(db) == before


def test_a_no_to_a_granted_sensitive_scope_is_a_withdrawal(services: Services) -> None:
    p = services.persons.create(_person(ethnic_group="20", sensitive_consent=True))
    status = services.consent.record(p.id, PersonConsentInput(SENSITIVE, False))
    assert not status.sensitive_given
    assert _ethnic(services.ctx.db, p.id) is None


def test_basic_withdrawal_belongs_to_erasure(services: Services) -> None:
    p = services.persons.create(_person(basic_consent=True))
    assert services.consent.status(p.id).basic_given
    before = take_snapshot(services.ctx.db)
    with pytest.raises(ValidationError) as exc:
        services.consent.withdraw(p.id, BASIC)
    assert exc.value.code == "consent.basic_withdraw_erasure" and "xoá" in exc.value.message_vi
    with pytest.raises(ValidationError) as exc:
        services.consent.record(p.id, PersonConsentInput(BASIC, False))
    assert exc.value.code == "consent.basic_withdraw_erasure"
    assert take_snapshot(services.ctx.db) == before


def test_the_current_state_is_the_latest_row_by_given_at_then_id(services: Services) -> None:
    p = services.persons.create(_person())
    db = services.ctx.db

    def add(row_id: str, granted: bool, at: str) -> None:
        with db.unit_of_work(None) as uow:
            uow.insert(
                "consent",
                {
                    "id": row_id,
                    "person_id": p.id,
                    "scope": SENSITIVE,
                    "granted": granted,
                    "text_version": "2026-01",
                    "given_at": at,
                },
            )
            uow.commit()

    # inserted out of order (e.g. pulled from another laptop later): given_at decides, not the insert order
    add("0190d000-0000-7000-8000-000000000003", False, "2026-03-01T08:00:00.000Z")
    add("0190d000-0000-7000-8000-000000000001", True, "2026-02-01T08:00:00.000Z")
    assert not services.consent.status(p.id).sensitive_given
    add("0190d000-0000-7000-8000-000000000002", True, "2026-04-01T08:00:00.000Z")
    assert services.consent.status(p.id).sensitive_given
    # the same given_at: the larger id wins
    add("0190d000-0000-7000-8000-000000000009", False, "2026-04-01T08:00:00.000Z")
    assert not services.consent.status(p.id).sensitive_given
    # a deleted (tombstoned) row does not count
    with db.unit_of_work(None) as uow:
        row = uow.get("consent", "0190d000-0000-7000-8000-000000000009")
        assert row is not None
        uow.delete("consent", row)
        uow.commit()
    assert services.consent.status(p.id).sensitive_given


def test_a_visit_gives_basic_consent_for_every_member(services: Services, village: VillageView) -> None:
    hh = services.households.create(
        HouseholdInput(
            village.id,
            members=[_person("Y Mek Ê Nuôl", relationship="head"), _person("H'Ban Niê", relationship="spouse")],
        )
    )
    head, spouse = (m.id for m in hh.members)
    assert not services.consent.status(head).basic_given
    visit = services.visits.record(VisitInput(hh.household.id, consent=ConsentInput(True, person_id=head)))
    statuses = services.consent.statuses([head, spouse])
    for pid in (head, spouse):
        s = statuses[pid]
        assert s.basic_given and not s.sensitive_given and s.basic is not None
        assert s.basic.text_version == CONSENT_TEXT_VERSION
    head_basic, spouse_basic = statuses[head].basic, statuses[spouse].basic
    assert head_basic is not None and not head_basic.from_household_visit  # the member who answered
    assert spouse_basic is not None and spouse_basic.from_household_visit
    # a visit never grants the sensitive scope
    with pytest.raises(ValidationError) as exc:
        services.visits.record(VisitInput(hh.household.id, consent=ConsentInput(True, scope=SENSITIVE)))
    assert exc.value.code == "consent.scope"
    # a visit deleted as a mistake takes its consent with it
    services.visits.delete(visit.id)
    assert not services.consent.status(spouse).basic_given


def test_the_household_yes_never_overrides_a_persons_own_no(services: Services, village: VillageView) -> None:
    hh = services.households.create(
        HouseholdInput(
            village.id,
            members=[_person("Y Mek Ê Nuôl", relationship="head"), _person("H'Ban Niê", relationship="spouse")],
        )
    )
    head, spouse = (m.id for m in hh.members)
    services.consent.record(spouse, PersonConsentInput(BASIC, False))  # she said no at the door
    services.visits.record(VisitInput(hh.household.id, consent=ConsentInput(True, person_id=head)))
    statuses = services.consent.statuses([head, spouse])
    assert statuses[head].basic_given and not statuses[spouse].basic_given
    # her own later yes counts again; and a later household visit is then shown as the current state
    services.consent.record(spouse, PersonConsentInput(BASIC, True))
    assert services.consent.status(spouse).basic_given
    services.visits.record(VisitInput(hh.household.id, consent=ConsentInput(True, person_id=head)))
    basic = services.consent.status(spouse).basic
    assert basic is not None and basic.granted and basic.from_household_visit


def test_basic_consent_per_person_from_the_household_form(services: Services, village: VillageView) -> None:
    hh = services.households.create(
        HouseholdInput(
            village.id,
            members=[_person("Y Mek Ê Nuôl", relationship="head", basic_consent=True), _person("H'Ban Niê")],
        )
    )
    head, other = (m.id for m in hh.members)
    assert services.consent.status(head).basic_given
    assert services.consent.status(other).basic is None
    # asked again on a later save: not recorded twice
    services.households.save_with_members(
        hh.household.id,
        HouseholdInput(village.id, head_name="Y Mek Ê Nuôl"),
        [(head, _person("Y Mek Ê Nuôl", relationship="head", basic_consent=True)), (other, _person("H'Ban Niê"))],
    )
    assert _rows(services.ctx.db, "SELECT person_id, scope FROM consent") == [(head, BASIC)]


# ---------------------------------------------------------------------------------------------------------
# The ethnic group only with explicit sensitive consent


def _refused(exc: pytest.ExceptionInfo[ValidationError], field: str = "ethnic_group") -> None:
    assert (field, "consent.sensitive_required") in _codes(exc.value)
    errors = exc.value.errors if isinstance(exc.value, ValidationErrors) else [exc.value]
    message = next(e.message_vi for e in errors if e.code == "consent.sensitive_required")
    assert "dân tộc" in message and "nhạy cảm" in message and "đồng ý" in message


def test_create_with_an_ethnic_group_needs_explicit_consent(services: Services) -> None:
    db = services.ctx.db
    before = take_snapshot(db)
    for answer in (None, False):
        with pytest.raises(ValidationError) as exc:
            services.persons.create(_person(ethnic_group="11", sensitive_consent=answer))
        _refused(exc)
    with pytest.raises(ValidationError) as exc:
        services.persons.create_many([_person("A"), _person("B", ethnic_group="11")])
    _refused(exc, "1.ethnic_group")
    assert take_snapshot(db) == before
    p = services.persons.create(_person(ethnic_group="11", sensitive_consent=True))
    assert _ethnic(db, p.id) == "11"
    # recorded together: the person's insert and its consent are one transaction
    txns = _rows(db, "SELECT table_name, txn_id FROM outbox WHERE table_name IN ('person', 'consent')")
    assert sorted(t for t, _ in txns) == ["consent", "person"] and len({x for _, x in txns}) == 1
    status = services.consent.status(p.id)
    assert status.sensitive_given and status.sensitive is not None
    assert status.sensitive.collected_by == services.ctx.user_id


def test_an_unknown_ethnic_code_is_refused(services: Services) -> None:
    with pytest.raises(ValidationError) as exc:
        services.persons.create(_person(ethnic_group="Ê Đê", sensitive_consent=True))
    assert exc.value.code == "ethnic_group.invalid"


def test_update_needs_the_current_consent_or_a_new_one(services: Services) -> None:
    db = services.ctx.db
    p = services.persons.create(_person())
    before = take_snapshot(db)
    with pytest.raises(ValidationError) as exc:
        services.persons.update(p.id, _person(ethnic_group="12"))
    _refused(exc)
    assert take_snapshot(db) == before
    services.consent.record(p.id, PersonConsentInput(SENSITIVE, True))
    services.persons.update(p.id, _person(ethnic_group="12"))  # granted before: no new answer needed
    assert _ethnic(db, p.id) == "12"
    assert len(_rows(db, "SELECT id FROM consent")) == 1
    services.persons.update(p.id, _person(ethnic_group="12", sensitive_consent=True))  # still granted: no new row
    assert len(_rows(db, "SELECT id FROM consent")) == 1
    # answering no withdraws it, and then the ethnic group must go too
    with pytest.raises(ValidationError) as exc:
        services.persons.update(p.id, _person(ethnic_group="12", sensitive_consent=False))
    _refused(exc)
    services.persons.update(p.id, _person(sensitive_consent=False))
    assert _ethnic(db, p.id) is None and not services.consent.status(p.id).sensitive_given
    before = take_snapshot(db)
    with pytest.raises(ValidationError):
        services.persons.update(p.id, _person(ethnic_group="12"))
    assert take_snapshot(db) == before


def test_household_paths_check_every_member(services: Services, village: VillageView) -> None:
    db = services.ctx.db
    before = take_snapshot(db)
    bad = HouseholdInput(
        village.id, members=[_person("Y Mek", relationship="head"), _person("H'Ban", ethnic_group="11")]
    )
    with pytest.raises(ValidationError) as exc:
        services.households.create(bad)
    _refused(exc, "members.1.ethnic_group")
    with pytest.raises(ValidationError) as exc:
        services.households.create_many([bad, bad])
    _refused(exc, "1.members.1.ethnic_group")
    with pytest.raises(ValidationError) as exc:
        services.households.import_households([("Buôn Mới", "buon", bad)], source_key="file:x")
    _refused(exc, "members.1.ethnic_group")
    assert take_snapshot(db) == before

    good = HouseholdInput(
        village.id,
        members=[_person("Y Mek", relationship="head"), _person("H'Ban", ethnic_group="11", sensitive_consent=True)],
    )
    hh = services.households.create(good)
    head, ban = (m.id for m in hh.members)
    assert services.consent.status(ban).sensitive_given and not services.consent.status(head).sensitive_given
    # the form's save: an existing member without consent may not get an ethnic group; nothing is written
    before = take_snapshot(db)
    with pytest.raises(ValidationError) as exc:
        services.households.save_with_members(
            hh.household.id,
            HouseholdInput(village.id, head_name="Y Mek"),
            [(head, _person("Y Mek", relationship="head", ethnic_group="20")), (ban, _person("H'Ban"))],
        )
    _refused(exc, "members.0.ethnic_group")
    assert take_snapshot(db) == before
    # ...but with consent it may, and a new member with consent too; un-ticking withdraws and clears
    ids = services.households.save_with_members(
        hh.household.id,
        HouseholdInput(village.id, head_name="Y Mek"),
        [
            (head, _person("Y Mek", relationship="head", ethnic_group="20", sensitive_consent=True)),
            (ban, _person("H'Ban", sensitive_consent=False)),
            (None, _person("Y Nuôl", ethnic_group="11", sensitive_consent=True)),
        ],
    )
    assert [_ethnic(db, i) for i in ids] == ["20", None, "11"]
    statuses = services.consent.statuses(ids)
    assert [statuses[i].sensitive_given for i in ids] == [True, False, True]
    assert services.households.add_member(hh.household.id, _person("H'Nga", ethnic_group="11", sensitive_consent=True))


def test_pulled_changes_are_not_checked(services: Services) -> None:
    """Another laptop recorded the consent (its row travels too): applying a pull never goes through the check."""
    person_id = "0190d000-0000-7000-8000-0000000000aa"
    data = {
        "full_name": "H'Hoa Mlô",
        "name_order": "given_first",
        "ethnic_group": "11",
        "needs_interpreter": False,
        "notes": "",
        "created_at": "2026-02-01T08:00:00.000Z",
        "updated_at": "2026-02-01T08:00:00.000Z",
    }
    apply_page(services.ctx.db, [Change(table="person", row_id=person_id, version=5, deleted=False, data=data)], 5)
    assert _ethnic(services.ctx.db, person_id) == "11"
    assert not services.consent.status(person_id).sensitive_given
    consent = {
        "person_id": person_id,
        "scope": SENSITIVE,
        "granted": True,
        "text_version": "2026-01",
        "method": "verbal",
        "given_at": "2026-02-01T08:00:00.000Z",
        "created_at": "2026-02-01T08:00:00.000Z",
        "updated_at": "2026-02-01T08:00:00.000Z",
    }
    consent_id = "0190d000-0000-7000-8000-0000000000ab"
    apply_page(services.ctx.db, [Change(table="consent", row_id=consent_id, version=6, deleted=False, data=consent)], 6)
    assert services.consent.status(person_id).sensitive_given  # the consent travelled with it
    services.persons.update(person_id, _person("H'Hoa Mlô", ethnic_group="11"))  # so a local edit may keep it


# ---------------------------------------------------------------------------------------------------------
# Importer


def _write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


def _line(*members: dict[str, Any]) -> dict[str, Any]:
    return {"village": "Buôn Ko Tam", "village_kind": "buon", "members": list(members)}


def test_import_takes_the_ethnic_group_only_with_explicit_consent(services: Services, tmp_path: Path) -> None:
    db = services.ctx.db
    head = {"full_name": "Y Mek Ê Nuôl", "relationship": "head"}
    path = _write(
        tmp_path / "hh.jsonl",
        [
            _line(head, {"full_name": "H'Ban Niê", "ethnic_group": "11", "sensitive_consent": True}),
            _line({**head, "full_name": "Y Blang", "ethnic_group": "11"}),
            _line({**head, "full_name": "Y Kuăn", "ethnic_group": "11", "sensitive_consent": False}),
            _line({**head, "full_name": "Y Sơn", "sensitive_consent": "có"}),
        ],
    )
    before = take_snapshot(db)
    with pytest.raises(ImportRejected) as exc:
        import_jsonl(services, path)
    found = {(e.line, e.field) for e in exc.value.errors}
    assert found == {(2, "members.0.ethnic_group"), (3, "members.0.ethnic_group"), (4, "members.0.sensitive_consent")}
    line2 = next(e for e in exc.value.errors if e.line == 2)
    assert "dân tộc" in line2.message_vi and "đồng ý" in line2.message_vi
    assert take_snapshot(db) == before  # nothing half-imported

    result = import_jsonl(services, path, skip_invalid=True)
    assert (result.households, result.persons) == (1, 2)
    rows = _rows(db, "SELECT full_name, ethnic_group FROM person ORDER BY full_name")
    assert rows == [("H'Ban Niê", "11"), ("Y Mek Ê Nuôl", None)]
    consents = _rows(
        db, "SELECT p.full_name, c.scope, c.granted, c.method FROM consent c JOIN person p ON p.id = c.person_id"
    )
    assert consents == [("H'Ban Niê", SENSITIVE, 1, "import")]
    assert result.rejects_file is not None
    rejected = [json.loads(x)["line"] for x in result.rejects_file.read_text(encoding="utf-8").splitlines()]
    assert rejected == [2, 3, 4]


# ---------------------------------------------------------------------------------------------------------
# The household form


@pytest.fixture
def form_ctx(ctx: Any, qapp: Any) -> Any:
    from ui.i18n import install_language
    from ui.settings import LANGUAGE

    install_language("en", qapp)
    ctx.settings.set(LANGUAGE, "en")
    return ctx


def _open_form(qtbot: Any, ctx: Any, household_id: str | None = None) -> Any:
    from ui.household_form import HouseholdForm

    form = HouseholdForm(ctx, household_id)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.is_ready)
    return form


def _answer(monkeypatch: pytest.MonkeyPatch, answer: str, asked: list[str] | None = None) -> None:
    from ui.qt import QtWidgets

    def question(parent: Any, title: str, text: str, *args: Any) -> Any:
        if asked is not None:
            asked.append(title)
        return getattr(QtWidgets.QMessageBox.StandardButton, answer)

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", question)


def test_member_dialog_keeps_the_ethnic_group_behind_an_unticked_box(qtbot: Any, form_ctx: Any) -> None:
    from ui.household_form import MemberDialog

    dialog = MemberDialog(False, {"full_name": "H'Ban Niê", "kept": {"ethnic_group": "11"}})
    qtbot.addWidget(dialog)
    assert not dialog.sensitive_check.isChecked() and not dialog.ethnic_combo.isEnabled()
    assert dialog.ethnic_combo.currentData() == ""  # a value without consent is not shown, nor saved
    assert not dialog.basic_check.isChecked() and not dialog.basic_check.isHidden()
    assert "sensitive" in dialog.sensitive_hint.text() and "optional" in dialog.sensitive_hint.text()
    assert "not recorded" in dialog.sensitive_status.text()
    values = dialog.values()
    assert values["kept"]["ethnic_group"] is None and values["sensitive_consent"] is None
    dialog.sensitive_check.setChecked(True)
    assert dialog.ethnic_combo.isEnabled()
    dialog.ethnic_combo.setCurrentIndex(dialog.ethnic_combo.findData("11"))
    dialog.basic_check.setChecked(True)
    values = dialog.values()
    assert values["kept"]["ethnic_group"] == "11" and values["sensitive_consent"] is True
    assert values["basic_consent"] is True
    dialog.sensitive_check.setChecked(False)  # nothing recorded yet: no question, the field is cleared
    assert not dialog.ethnic_combo.isEnabled() and dialog.values()["kept"]["ethnic_group"] is None


def test_the_form_records_consent_and_the_ethnic_group_together(
    qtbot: Any, form_ctx: Any, services: Services, village: VillageView, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.household_form import MemberDialog

    def exec_(dialog: MemberDialog) -> int:
        dialog.name_edit.setText("H'Ban Niê")
        dialog.relationship_combo.setCurrentIndex(dialog.relationship_combo.findData("head"))
        dialog.basic_check.setChecked(True)
        dialog.sensitive_check.setChecked(True)
        dialog.ethnic_combo.setCurrentIndex(dialog.ethnic_combo.findData("11"))
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(MemberDialog, "exec", exec_)
    form = _open_form(qtbot, form_ctx)
    form.village_combo.setCurrentIndex(form.village_combo.findData(village.id))
    form.add_member()
    assert form.members_table.item(0, 5).text() == "basic, ethnic group"
    with qtbot.waitSignal(form.saved):
        form.save()
    (pid,) = (m.id for m in services.households.get(form.household_id).members)
    assert _ethnic(services.ctx.db, pid) == "11"
    status = services.consent.status(pid)
    assert status.basic_given and status.sensitive_given
    assert status.sensitive is not None and status.sensitive.collected_by_name == "Nguyễn Thị Lan"


def test_unticking_a_recorded_consent_asks_then_withdraws_on_save(
    qtbot: Any, form_ctx: Any, services: Services, village: VillageView, monkeypatch: pytest.MonkeyPatch
) -> None:

    hid = services.households.create(
        HouseholdInput(
            village.id, members=[_person("H'Ban Niê", relationship="head", ethnic_group="11", sensitive_consent=True)]
        )
    ).household.id
    form = _open_form(qtbot, form_ctx, hid)
    member = form.members[0]
    assert form.members_table.item(0, 5).text() == "ethnic group"
    dialog = form._member_dialog(member)
    qtbot.addWidget(dialog)
    assert dialog.sensitive_check.isChecked() and dialog.ethnic_combo.currentData() == "11"
    assert "Nguyễn Thị Lan" in dialog.sensitive_status.text() and CONSENT_TEXT_VERSION in dialog.sensitive_status.text()
    asked: list[str] = []
    _answer(monkeypatch, "No", asked)
    dialog.sensitive_check.setChecked(False)
    assert asked == ["Withdraw consent"] and dialog.sensitive_check.isChecked()  # kept
    assert dialog.ethnic_combo.currentData() == "11" and dialog.values()["sensitive_consent"] is None
    _answer(monkeypatch, "Yes", asked)
    dialog.sensitive_check.setChecked(False)
    assert len(asked) == 2 and not dialog.ethnic_combo.isEnabled()
    values = dialog.values()
    assert values["sensitive_consent"] is False and values["kept"]["ethnic_group"] is None
    form.members[0] = values
    form._show_members()
    assert form.members_table.item(0, 5).text() == "not recorded"
    assert _ethnic(services.ctx.db, member["id"]) == "11"  # nothing happens before the save
    with qtbot.waitSignal(form.saved):
        form.save()
    assert _ethnic(services.ctx.db, member["id"]) is None
    assert not services.consent.status(member["id"]).sensitive_given


def test_a_draft_never_keeps_consent_answers(
    qtbot: Any, form_ctx: Any, services: Services, village: VillageView, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = _open_form(qtbot, form_ctx)
    form.village_combo.setCurrentIndex(form.village_combo.findData(village.id))
    form.head_edit.setText("H'Ban Niê")
    form.members = [
        {
            "full_name": "H'Ban Niê",
            "relationship": "head",
            "kept": {"ethnic_group": "11"},
            "sensitive_consent": True,
            "basic_consent": True,
        }
    ]
    form._changed()
    form.save_draft()
    form_ctx.tasks.wait()
    draft = services.drafts.load("household:new")
    assert draft is not None
    (m,) = draft["members"]
    assert "sensitive_consent" not in m and "basic_consent" not in m and m["kept"]["ethnic_group"] is None
    form.deleteLater()
    _answer(monkeypatch, "Yes")
    again = _open_form(qtbot, form_ctx)
    dialog = again._member_dialog(again.members[0])
    qtbot.addWidget(dialog)
    assert not dialog.sensitive_check.isChecked() and not dialog.basic_check.isChecked()
    assert not dialog.ethnic_combo.isEnabled()
