"""Villages, households and persons: the master records a team keeps for its commune."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection

import sync.erasure as E
from dlso_desktop.catalogue import ethnic_group_name
from dlso_desktop.models import DIGITAL_STATUS_FIELDS, Internet, NameOrder, Role, Sex, VillageKind, VNeIDLevel
from dlso_desktop.services.base import Context, Errors, invalid_choice, not_found
from dlso_desktop.services.consent import (
    ConsentAnswers,
    check_sensitive,
    current_consents,
    record_answers,
    sensitive_granted,
)
from dlso_desktop.services.views import HouseholdDetail, HouseholdView, PersonDetail, PersonView, VillageView
from dlso_desktop.storage.uow import UnitOfWork
from dlso_desktop.text import clean_text, guess_name_order
from dlso_desktop.validation import (
    ValidationError,
    normalize_phone,
    require_text,
    validate_birth_date,
    validate_cccd,
)

_SEXES = {s.value for s in Sex}
_ORDERS = {o.value for o in NameOrder}
_VNEID = {v.value for v in VNeIDLevel}
_INTERNET = {i.value for i in Internet}
_VILLAGE_KINDS = {k.value for k in VillageKind}
RELATIONSHIPS = ("head", "spouse", "child", "parent", "grandchild", "sibling", "other")


@dataclass(slots=True)
class PersonInput:
    """What a form, an import line or the demo generator supplies for a person."""

    full_name: str
    sex: str | None = None
    birth_date: date | None = None
    birth_year: int | None = None
    citizen_id: str | None = None
    phone: str | None = None
    relationship: str | None = None
    name_order: str | None = None  # None: guessed from the name ("Y ...", "H'..." -> given first)
    sort_name: str | None = None
    ethnic_group: str | None = None
    main_language: str | None = None
    needs_interpreter: bool = False
    vneid_level: str | None = None
    skills_confirmed: bool | None = None
    has_smartphone: bool | None = None
    has_bank_account: bool | None = None
    has_public_service_account: bool | None = None
    has_digital_signature: bool | None = None
    has_daklak_app: bool | None = None
    notes: str = ""
    #: the person agreed now to their basic data being recorded (a consent row is written with the person);
    #: False: not asked here (e.g. the household agreed at a visit)
    basic_consent: bool = False
    #: the person's explicit answer about giving their ethnic group (sensitive data): True records the consent
    #: with the person (needed for a non-empty ``ethnic_group`` unless already granted), False refuses or
    #: withdraws it (withdrawal recorded, the ethnic group must be empty), None: not asked here. Never True by
    #: default: it is the person's answer.
    sensitive_consent: bool | None = None

    def consent_answers(self) -> ConsentAnswers:
        return ConsentAnswers(self.basic_consent is True, self.sensitive_consent)


@dataclass(slots=True)
class HouseholdInput:
    village_id: str
    head_name: str | None = None  # None: the name of the member whose relationship is "head"
    address: str = ""
    phone: str | None = None
    smartphone_count: int = 0
    phones_2g_only: int = 0
    internet: str | None = None
    notes: str = ""
    members: list[PersonInput] = field(default_factory=list)


def _opt_text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = clean_text(value)
    return cleaned or None


def person_values(inp: PersonInput, today: date, errors: Errors, *, prefix: str = "") -> dict[str, Any]:
    """Validate and normalise a person; errors are collected (field names get ``prefix``)."""

    def err(field_name: str, vi: str, en: str) -> None:
        errors.add(
            ValidationError(field=prefix + field_name, message_vi=vi, message_en=en, code=f"{field_name}.invalid")
        )

    n_before = len(errors.items)
    name = errors.check(
        lambda: require_text(
            inp.full_name, field=prefix + "full_name", label_vi="họ và tên", label_en="full name", max_len=120
        )
    )
    sex = inp.sex or None
    if sex is not None and sex not in _SEXES:
        errors.add(invalid_choice(prefix + "sex", "giới tính", "sex", sex))
        sex = None
    birth = inp.birth_date
    if birth is not None:
        errors.check(lambda: validate_birth_date(birth, today=today, field=prefix + "birth_date"))
    year = inp.birth_date.year if inp.birth_date else inp.birth_year
    if year is not None and not (1900 <= year <= today.year):
        err("birth_year", f"Năm sinh {year} không hợp lệ.", f"Birth year {year} is not valid.")
    cid = None
    if inp.citizen_id and inp.citizen_id.strip():
        cid = errors.check(
            lambda: validate_cccd(inp.citizen_id or "", sex=sex, birth_date=birth, field=prefix + "citizen_id")
        )
        if cid and birth is None and year is not None:
            century_sex = int(cid[3])
            if 1900 + 100 * (century_sex // 2) + int(cid[4:6]) != year:
                err("citizen_id", "Số CCCD không khớp với năm sinh.", "The citizen ID does not match the birth year.")
    phone = None
    if inp.phone and inp.phone.strip():
        result = errors.check(lambda: normalize_phone(inp.phone or "", field=prefix + "phone"))
        phone = result[0] if result else None
    order = inp.name_order or (guess_name_order(name) if name else NameOrder.FAMILY_FIRST.value)
    if order not in _ORDERS:
        errors.add(invalid_choice(prefix + "name_order", "thứ tự tên", "name order", order))
    if inp.relationship is not None and inp.relationship not in RELATIONSHIPS:
        errors.add(invalid_choice(prefix + "relationship", "quan hệ với chủ hộ", "relationship", inp.relationship))
    if inp.vneid_level is not None and inp.vneid_level not in _VNEID:
        errors.add(invalid_choice(prefix + "vneid_level", "mức VNeID", "VNeID level", inp.vneid_level))
    ethnic = _opt_text(inp.ethnic_group)
    if ethnic is not None and ethnic_group_name(ethnic) is None:
        errors.add(invalid_choice(prefix + "ethnic_group", "mã dân tộc", "ethnic group code", ethnic))
    if inp.sensitive_consent is not None and not isinstance(inp.sensitive_consent, bool):
        errors.add(invalid_choice(prefix + "sensitive_consent", "sự đồng ý", "consent", inp.sensitive_consent))
    if len(errors.items) > n_before:
        return {}
    return {
        "full_name": name,
        "sex": sex,
        "birth_date": birth,
        "birth_year": year,
        "citizen_id": cid,
        "phone": phone,
        "relationship": inp.relationship,
        "name_order": str(order),
        "sort_name": _opt_text(inp.sort_name),
        "ethnic_group": ethnic,
        "main_language": _opt_text(inp.main_language),
        "needs_interpreter": bool(inp.needs_interpreter),
        "vneid_level": inp.vneid_level,
        "skills_confirmed": inp.skills_confirmed,
        "has_smartphone": inp.has_smartphone,
        "has_bank_account": inp.has_bank_account,
        "has_public_service_account": inp.has_public_service_account,
        "has_digital_signature": inp.has_digital_signature,
        "has_daklak_app": inp.has_daklak_app,
        "notes": clean_text(inp.notes or ""),
    }


def _count(value: int, field_name: str, label_vi: str, errors: Errors) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 50:
        errors.add(
            ValidationError(
                field=field_name,
                message_vi=f"{label_vi} phải là số từ 0 đến 50.",
                message_en=f"{field_name} must be a number from 0 to 50.",
                code=f"{field_name}.invalid",
            )
        )
        return 0
    return value


class VillageService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def list_all(self, *, include_merged: bool = False) -> list[VillageView]:
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            rows = (
                conn.exec_driver_sql(
                    "SELECT id, name, kind, merged_into_id FROM village WHERE deleted = 0 AND commune_code = ?"
                    + ("" if include_merged else " AND merged_into_id IS NULL")
                    + " ORDER BY sort_key",
                    (self.ctx.db.commune_code,),
                )
                .mappings()
                .all()
            )
        return [VillageView.of(dict(r)) for r in rows]

    def _validate(self, name: str, kind: str) -> tuple[str, str]:
        errors = Errors()
        clean = errors.check(
            lambda: require_text(
                name, field="name", label_vi="tên thôn/buôn/tổ dân phố", label_en="village name", max_len=80
            )
        )
        if kind not in _VILLAGE_KINDS:
            errors.add(invalid_choice("kind", "loại thôn/buôn/tổ dân phố", "village kind", kind))
        errors.raise_if_any()
        return clean, kind

    def _duplicate_check(self, uow: UnitOfWork, name: str, except_id: str | None = None) -> None:
        from dlso_desktop.text import fold

        for vid, vname in uow.conn.exec_driver_sql(
            "SELECT id, name FROM village WHERE deleted = 0 AND merged_into_id IS NULL AND commune_code = ?",
            (uow.commune_code,),
        ):
            if vid != except_id and fold(vname) == fold(name):
                raise ValidationError(
                    field="name",
                    message_vi=f"Đã có thôn/buôn/tổ dân phố '{vname}'.",
                    message_en=f"A village named '{vname}' already exists.",
                    code="name.duplicate",
                )

    def create(self, name: str, kind: str = VillageKind.THON.value) -> VillageView:
        self.ctx.require(Role.TEAM_MEMBER, what_vi="thêm thôn/buôn/tổ dân phố", what_en="add villages")
        clean, kind = self._validate(name, kind)
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            self._duplicate_check(uow, clean)
            row = uow.insert("village", {"name": clean, "kind": kind}, summary=clean)
            uow.commit()
        return VillageView.of(row)

    def rename(self, village_id: str, name: str, kind: str | None = None) -> VillageView:
        self.ctx.require(Role.TEAM_MEMBER, what_vi="đổi tên thôn/buôn/tổ dân phố", what_en="rename villages")
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            current = self._get(uow, village_id)
            clean, new_kind = self._validate(name, kind or current["kind"])
            self._duplicate_check(uow, clean, except_id=village_id)
            uow.update("village", current, {"name": clean, "kind": new_kind})
            uow.reindex_village(village_id, current["name"], clean)
            row = uow.get("village", village_id)
            uow.commit()
        assert row is not None
        return VillageView.of(row)

    def merge(self, source_id: str, target_id: str) -> VillageView:
        """Move every household of ``source`` into ``target`` and mark ``source`` as merged into it."""
        self.ctx.require(Role.COMMUNE_OPERATOR, what_vi="gộp thôn/buôn/tổ dân phố", what_en="merge villages")
        if source_id == target_id:
            raise ValidationError(
                field="target",
                message_vi="Không thể gộp thôn vào chính nó.",
                message_en="Cannot merge a village into itself.",
                code="target.same",
            )
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            source = self._get(uow, source_id)
            target = self._get(uow, target_id)
            ids = [
                r[0]
                for r in uow.conn.exec_driver_sql(
                    "SELECT id FROM household WHERE village_id = ? AND deleted = 0", (source_id,)
                )
            ]
            for hh in uow.get_many("household", ids).values():
                uow.update("household", hh, {"village_id": target_id}, summary="village merge")
            uow.update(
                "village",
                source,
                {"merged_into_id": target_id},
                action="merge",
                summary=f"{source['name']} -> {target['name']}",
            )
            uow.commit()
        return VillageView.of(target)

    def delete(self, village_id: str) -> None:
        self.ctx.require(Role.COMMUNE_OPERATOR, what_vi="xoá thôn/buôn/tổ dân phố", what_en="delete villages")
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            current = self._get(uow, village_id)
            used = uow.conn.exec_driver_sql(
                "SELECT count(*) FROM household WHERE village_id = ? AND deleted = 0", (village_id,)
            ).scalar()
            if used:
                raise ValidationError(
                    field="village_id",
                    message_vi=f"Thôn này còn {used} hộ; hãy gộp hoặc chuyển các hộ trước.",
                    message_en=f"This village still has {used} households; merge or move them first.",
                    code="village_id.in_use",
                )
            uow.delete("village", current, summary=current["name"])
            uow.commit()

    def _get(self, uow: UnitOfWork, village_id: str) -> dict[str, Any]:
        row = uow.get("village", village_id)
        if row is None or row["deleted"] or row["commune_code"] != uow.commune_code:
            raise not_found("village_id", "thôn/buôn/tổ dân phố", "Village")
        return row


class PersonService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def create(self, inp: PersonInput, household_id: str | None = None) -> PersonView:
        return self.create_many([inp], household_id=household_id)[0]

    def create_many(
        self, inputs: Sequence[PersonInput], household_id: str | None = None, *, action: str = "create"
    ) -> list[PersonView]:
        """Create persons in one unit of work: all of them, or (on any invalid one) none."""
        self.ctx.require(Role.TEAM_MEMBER, what_vi="ghi thông tin người dân", what_en="record people")
        today = self.ctx.today()
        errors = Errors()
        values = [
            person_values(inp, today, errors, prefix=f"{i}." if len(inputs) > 1 else "") for i, inp in enumerate(inputs)
        ]
        for i, (inp, v) in enumerate(zip(inputs, values, strict=True)):
            if v:
                pre = f"{i}." if len(inputs) > 1 else ""
                check_sensitive(v["ethnic_group"], inp.sensitive_consent, False, errors, pre + "ethnic_group")
        errors.raise_if_any()
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            if household_id is not None:
                _household(uow, household_id)
            many = len(values) > 1
            check_unique_citizen_ids(
                uow,
                [(f"{i}.citizen_id" if many else "citizen_id", v["citizen_id"], None) for i, v in enumerate(values)],
            )
            rows = [uow.insert("person", {**v, "household_id": household_id}, action=action) for v in values]
            for inp, row in zip(inputs, rows, strict=True):
                record_answers(uow, row, inp.consent_answers(), {}, uow.user_id)
            uow.commit()
        return [PersonView.of(r) for r in rows]

    def owners_of_citizen_ids(self, citizen_ids: Sequence[str]) -> dict[str, str]:
        """{citizen id: name of the live person who has it} for the ids already in this commune's data."""
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            return {cid: name for cid, (_, name) in citizen_id_owners(conn, citizen_ids).items()}

    def get(self, person_id: str) -> PersonDetail:
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            row = (
                conn.exec_driver_sql("SELECT * FROM person WHERE id = ? AND deleted = 0", (person_id,))
                .mappings()
                .first()
            )
        if row is None:
            raise not_found("person_id", "người này", "Person")
        return PersonDetail(PersonView.of(_typed_person(dict(row))), row["citizen_id"], row["ethnic_group"])

    def update(self, person_id: str, inp: PersonInput) -> PersonView:
        self.ctx.require(Role.TEAM_MEMBER, what_vi="sửa thông tin người dân", what_en="change people's details")
        errors = Errors()
        values = person_values(inp, self.ctx.today(), errors)
        errors.raise_if_any()
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            current = _person(uow, person_id)
            consents = current_consents(uow.conn, [person_id]).get(person_id, {})
            state = consents.get("sensitive")
            granted = state is not None and state.granted
            check_sensitive(values["ethnic_group"], inp.sensitive_consent, granted, errors, "ethnic_group")
            errors.raise_if_any()
            check_unique_citizen_ids(uow, [("citizen_id", values["citizen_id"], person_id)])
            values = _erased_fields_kept(current, values, "person_id")
            uow.update("person", current, values)
            record_answers(uow, current, inp.consent_answers(), consents, uow.user_id)
            if (
                current["relationship"] == "head"
                and current["household_id"]
                and values.get("full_name", current["full_name"]) != current["full_name"]
            ):
                hh = _household(uow, current["household_id"])
                uow.update("household", hh, {"head_name": values["full_name"]}, summary="head renamed")
            row = uow.get("person", person_id)
            uow.commit()
        assert row is not None
        return PersonView.of(row)

    def update_status(self, person_id: str, **status: Any) -> PersonView:
        """Change only digital-status fields (used by visits; other fields untouched)."""
        self.ctx.require(Role.TEAM_MEMBER, what_vi="sửa thông tin người dân", what_en="change people's details")
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            current = _person(uow, person_id)
            uow.update("person", current, {k: v for k, v in status.items() if k in DIGITAL_STATUS_FIELDS})
            row = uow.get("person", person_id)
            uow.commit()
        assert row is not None
        return PersonView.of(row)

    def delete(self, person_id: str) -> None:
        self.ctx.require(Role.TEAM_MEMBER, what_vi="xoá người dân", what_en="delete people")
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            current = _person(uow, person_id)
            uow.delete("person", current)  # the audit trail names records by id: it must never hold personal data
            uow.commit()


class HouseholdService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _values(self, inp: HouseholdInput, errors: Errors) -> dict[str, Any]:
        head = inp.head_name
        if head is None:
            heads = [m.full_name for m in inp.members if m.relationship == "head"]
            head = heads[0] if heads else ""
        head_clean = errors.check(
            lambda: require_text(
                head, field="head_name", label_vi="tên chủ hộ", label_en="head of household", max_len=120
            )
        )
        phone = None
        if inp.phone and inp.phone.strip():
            res = errors.check(lambda: normalize_phone(inp.phone or ""))
            phone = res[0] if res else None
        if inp.internet is not None and inp.internet not in _INTERNET:
            errors.add(invalid_choice("internet", "kết nối internet", "internet", inp.internet))
        smart = _count(inp.smartphone_count, "smartphone_count", "Số điện thoại thông minh", errors)
        g2 = _count(inp.phones_2g_only, "phones_2g_only", "Số điện thoại 2G", errors)
        address = clean_text(inp.address or "")
        if len(address) > 200:
            errors.add(
                ValidationError(
                    field="address",
                    message_vi="Địa chỉ quá dài (tối đa 200 ký tự).",
                    message_en="Address too long (200 characters at most).",
                    code="address.too_long",
                )
            )
        return {
            "village_id": inp.village_id,
            "head_name": head_clean,
            "address": address,
            "phone": phone,
            "smartphone_count": smart,
            "phones_2g_only": g2,
            "internet": inp.internet,
            "notes": clean_text(inp.notes or ""),
        }

    def create(self, inp: HouseholdInput) -> HouseholdDetail:
        return self.create_many([inp])[0]

    def _prepare(self, inputs: Sequence[HouseholdInput]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """Validated household and member values; a member's consent answers ride along in its values under
        ``_consent`` (taken out before the row is written)."""
        today = self.ctx.today()
        errors = Errors()
        prepared: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        many = len(inputs) > 1
        for i, inp in enumerate(inputs):
            pre = f"{i}." if many else ""
            sub = Errors()
            hv = self._values(inp, sub)
            members = [person_values(m, today, sub, prefix=f"members.{j}.") for j, m in enumerate(inp.members)]
            for j, (m, v) in enumerate(zip(inp.members, members, strict=True)):
                if v:
                    check_sensitive(v["ethnic_group"], m.sensitive_consent, False, sub, f"members.{j}.ethnic_group")
            for e in sub.items:
                e.field = pre + e.field
            errors.items.extend(sub.items)
            for m, v in zip(inp.members, members, strict=True):
                v["_consent"] = m.consent_answers()
            prepared.append((hv, members))
        errors.raise_if_any()
        return prepared

    @staticmethod
    def _write(
        uow: UnitOfWork,
        prepared: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]],
        villages: dict[str, dict[str, Any]],
        action: str,
    ) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        many = len(prepared) > 1
        check_unique_citizen_ids(
            uow,
            [
                (f"{i}.members.{j}.citizen_id" if many else f"members.{j}.citizen_id", m["citizen_id"], None)
                for i, (_, members) in enumerate(prepared)
                for j, m in enumerate(members)
            ],
        )
        out = []
        for hv, members in prepared:
            village = villages.get(hv["village_id"])
            if village is None:
                raise not_found("village_id", "thôn/buôn/tổ dân phố của xã này", "Village of this commune")
            uow.remember_village(village["id"], village["name"])
            hh = uow.insert("household", hv, action=action)
            people = []
            method = "import" if action == "import" else "verbal"
            for m in members:
                answers = m.pop("_consent", None)
                person = uow.insert("person", {**m, "household_id": hh["id"]}, action=action)
                if answers is not None and (answers.basic or answers.sensitive is not None):
                    record_answers(uow, person, answers, {}, uow.user_id, method)
                people.append(person)
            out.append((hh, people))
        return out

    def create_many(self, inputs: Sequence[HouseholdInput], *, action: str = "create") -> list[HouseholdDetail]:
        """Households with their members, in one unit of work: all or none."""
        self.ctx.require(Role.TEAM_MEMBER, what_vi="ghi hộ gia đình", what_en="record households")
        prepared = self._prepare(inputs)
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            villages = _villages(uow, {hv["village_id"] for hv, _ in prepared})
            out = self._write(uow, prepared, villages, action)
            uow.commit()
        return [
            HouseholdDetail(
                _household_view(hh, villages[hh["village_id"]]["name"], len(p), None),
                tuple(PersonView.of(r) for r in p),
            )
            for hh, p in out
        ]

    def imported_at(self, source_key: str) -> str | None:
        """When an import with this key (see :meth:`import_households`) was made, if it was."""
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (source_key,)).first()
        return None if row is None else str(row[0])

    def import_households(
        self, items: Sequence[tuple[str, str, HouseholdInput]], *, source_key: str | None = None
    ) -> tuple[int, int, int]:
        """Households named by village name; missing villages are created. One unit of work.

        ``source_key`` (e.g. the SHA-256 of an imported file) is recorded in the same transaction; a second
        import with the same key is refused, so importing one file twice never duplicates its households.
        Returns (households, persons, villages created).
        """
        self.ctx.require(
            Role.COMMUNE_OPERATOR, what_vi="nhập hộ gia đình từ tệp", what_en="import households from a file"
        )
        from dlso_desktop.text import fold

        vsvc = VillageService(self.ctx)
        by_name = {fold(v.name): v.id for v in vsvc.list_all()}
        new_villages: dict[str, tuple[str, str]] = {}
        for name, kind, _ in items:
            if fold(name) not in by_name and fold(name) not in new_villages:
                vsvc._validate(name, kind)
                new_villages[fold(name)] = (name, kind)
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            if source_key is not None:
                done = uow.conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (source_key,)).first()
                if done is not None:
                    raise already_imported(str(done[0]))
                uow.conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES (?, ?)", (source_key, uow.now))
            for key, (name, kind) in new_villages.items():
                by_name[key] = uow.insert("village", {"name": name, "kind": kind}, action="import")["id"]
            for name, _, hh in items:
                hh.village_id = by_name[fold(name)]
            prepared = self._prepare([hh for _, _, hh in items])
            villages = _villages(uow, set(by_name.values()))
            out = self._write(uow, prepared, villages, "import")
            uow.commit()
        return len(out), sum(len(p) for _, p in out), len(new_villages)

    def update(self, household_id: str, inp: HouseholdInput) -> HouseholdView:
        self.ctx.require(Role.TEAM_MEMBER, what_vi="sửa hộ gia đình", what_en="change households")
        errors = Errors()
        values = self._values(inp, errors)
        errors.raise_if_any()
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            current = _household(uow, household_id)
            village = _villages(uow, {values["village_id"]}).get(values["village_id"])
            if village is None:
                raise not_found("village_id", "thôn/buôn/tổ dân phố của xã này", "Village of this commune")
            uow.update("household", current, values)
            uow.commit()
        return self.get(household_id).household

    def save_with_members(
        self, household_id: str, inp: HouseholdInput, members: Sequence[tuple[str | None, PersonInput]]
    ) -> list[str]:
        """The household form's save, as one unit of work: the household's fields, then its members —
        ``(person id, input)`` updates that member, ``(None, input)`` adds one, and a live member not listed is
        removed (tombstoned). All or nothing; returns the members' ids in the order given."""
        self.ctx.require(Role.TEAM_MEMBER, what_vi="sửa hộ gia đình", what_en="change households")
        today = self.ctx.today()
        errors = Errors()
        values = self._values(inp, errors)
        member_values = [person_values(m, today, errors, prefix=f"members.{i}.") for i, (_, m) in enumerate(members)]
        errors.raise_if_any()
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            known = [pid for pid, _ in members if pid is not None]
            consents = current_consents(uow.conn, known)
            granted = sensitive_granted(uow.conn, known)
            for i, ((pid, m), v) in enumerate(zip(members, member_values, strict=True)):
                field_name = f"members.{i}.ethnic_group"
                check_sensitive(v["ethnic_group"], m.sensitive_consent, pid in granted, errors, field_name)
            errors.raise_if_any()
            current = _household(uow, household_id)
            if _villages(uow, {values["village_id"]}).get(values["village_id"]) is None:
                raise not_found("village_id", "thôn/buôn/tổ dân phố của xã này", "Village of this commune")
            live = {
                r[0]
                for r in uow.conn.exec_driver_sql(
                    "SELECT id FROM person WHERE household_id = ? AND deleted = 0", (household_id,)
                )
            }
            for i, (pid, _) in enumerate(members):
                if pid is not None and pid not in live:
                    raise not_found(f"members.{i}", "thành viên này trong hộ", "Member of this household")
            check_unique_citizen_ids(
                uow,
                [
                    (f"members.{i}.citizen_id", v["citizen_id"], pid)
                    for i, ((pid, _), v) in enumerate(zip(members, member_values, strict=True))
                ],
            )
            uow.update("household", current, values)
            kept = {pid for pid, _ in members if pid is not None}
            existing = uow.get_many("person", live)
            for pid in live - kept:
                uow.delete("person", existing[pid], summary="removed from household")
            ids: list[str] = []
            for (pid, m), v in zip(members, member_values, strict=True):
                if pid is None:
                    row = uow.insert("person", {**v, "household_id": household_id})
                    record_answers(uow, row, m.consent_answers(), {}, uow.user_id)
                    ids.append(row["id"])
                else:
                    v = _erased_fields_kept(existing[pid], v, f"members.{len(ids)}")
                    uow.update("person", existing[pid], v)
                    record_answers(uow, existing[pid], m.consent_answers(), consents.get(pid, {}), uow.user_id)
                    ids.append(pid)
            uow.commit()
        return ids

    def add_member(self, household_id: str, inp: PersonInput) -> PersonView:
        return PersonService(self.ctx).create(inp, household_id=household_id)

    def delete(self, household_id: str) -> None:
        """Tombstone the household and its members, together."""
        self.ctx.require(Role.TEAM_MEMBER, what_vi="xoá hộ gia đình", what_en="delete households")
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            current = _household(uow, household_id)
            ids = [
                r[0]
                for r in uow.conn.exec_driver_sql(
                    "SELECT id FROM person WHERE household_id = ? AND deleted = 0", (household_id,)
                )
            ]
            for person in uow.get_many("person", ids).values():
                uow.delete("person", person, summary="household deleted")
            uow.delete("household", current)  # no name in the audit trail (see PersonService.delete)
            uow.commit()

    def get(self, household_id: str) -> HouseholdDetail:
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            row = (
                conn.exec_driver_sql(
                    "SELECT h.*, v.name AS village_name, (SELECT max(visited_at) FROM visit"
                    " WHERE household_id = h.id AND deleted = 0) AS last_visit_at"
                    " FROM household h JOIN village v ON v.id = h.village_id WHERE h.id = ? AND h.deleted = 0",
                    (household_id,),
                )
                .mappings()
                .first()
            )
            if row is None:
                raise not_found("household_id", "hộ gia đình", "Household")
            members = (
                conn.exec_driver_sql(
                    "SELECT * FROM person WHERE household_id = ? AND deleted = 0"
                    " ORDER BY relationship = 'head' DESC, birth_year, sort_key",
                    (household_id,),
                )
                .mappings()
                .all()
            )
        return HouseholdDetail(
            _household_view(dict(row), row["village_name"], len(members), row["last_visit_at"]),
            tuple(PersonView.of(_typed_person(dict(m))) for m in members),
        )

    def list_ids(
        self,
        *,
        village_id: str | None = None,
        not_visited: bool = False,
        query: str | None = None,
        limit: int | None = None,
    ) -> list[str]:
        """Ids of the commune's live households, in Vietnamese order of the head's name (``sort_key``).

        With a ``query`` (accent-insensitive: "nguyen van duc" finds "Nguyễn Văn Đức"), the best matches of
        the search index come first (at most ``limit`` or 500); ``village_id`` and ``not_visited`` (no live
        visit yet) filter either way.
        """
        self.ctx.require_reader()
        where = ["h.deleted = 0", "h.commune_code = ?"]
        params: list[Any] = [self.ctx.db.commune_code]
        if village_id is not None:
            where.append("h.village_id = ?")
            params.append(village_id)
        if not_visited:
            where.append("NOT EXISTS (SELECT 1 FROM visit vi WHERE vi.household_id = h.id AND vi.deleted = 0)")
        from dlso_desktop.storage import search as search_index

        with self.ctx.db.reader() as conn:
            if query is not None and query.strip():
                cap = limit if limit is not None else 500
                matches = search_index.find(conn, "household", query, cap)
                if not matches:
                    return []
                rank = {m.rowid: (m.tier, i) for i, m in enumerate(matches)}
                found: list[tuple[tuple[int, str], str]] = []
                rowids = list(rank)
                for start in range(0, len(rowids), 500):
                    chunk = rowids[start : start + 500]
                    rows = conn.exec_driver_sql(
                        "SELECT h.id, h.search_rowid, h.sort_key FROM household h WHERE "
                        + " AND ".join(where)
                        + f" AND h.search_rowid IN ({','.join('?' * len(chunk))})",
                        (*params, *chunk),
                    ).all()
                    found.extend(((rank[r[1]][0], str(r[2])), str(r[0])) for r in rows)
                found.sort(key=lambda f: f[0])
                return [hid for _, hid in found]
            sql = "SELECT h.id FROM household h WHERE " + " AND ".join(where) + " ORDER BY h.sort_key, h.id"
            if limit is not None:
                sql += " LIMIT ?"
                params.append(limit)
            return [str(r[0]) for r in conn.exec_driver_sql(sql, tuple(params))]

    def rows(self, ids: Sequence[str]) -> list[HouseholdView]:
        """The households with these ids, in the order given (ids not found, or deleted, are left out)."""
        self.ctx.require_reader()
        out: dict[str, HouseholdView] = {}
        ids = list(ids)
        with self.ctx.db.reader() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows = (
                    conn.exec_driver_sql(
                        "SELECT h.*, v.name AS village_name,"
                        " (SELECT count(*) FROM person p WHERE p.household_id = h.id AND p.deleted = 0)"
                        " AS member_count,"
                        " (SELECT max(visited_at) FROM visit vi WHERE vi.household_id = h.id AND vi.deleted = 0)"
                        " AS last_visit_at"
                        " FROM household h JOIN village v ON v.id = h.village_id"
                        f" WHERE h.deleted = 0 AND h.id IN ({','.join('?' * len(chunk))})",
                        tuple(chunk),
                    )
                    .mappings()
                    .all()
                )
                for r in rows:
                    out[r["id"]] = _household_view(
                        dict(r), r["village_name"], int(r["member_count"]), r["last_visit_at"]
                    )
        return [out[i] for i in ids if i in out]


def _household_view(r: Mapping[str, Any], village_name: str, members: int, last_visit: str | None) -> HouseholdView:
    return HouseholdView(
        r["id"],
        r["village_id"],
        village_name,
        r["address"],
        r["head_name"],
        r["phone"],
        r["smartphone_count"],
        r["phones_2g_only"],
        r["internet"],
        r["notes"],
        members,
        last_visit,
        r["version"],
        r["updated_at"],
    )


_BOOL_FIELDS = (
    "needs_interpreter",
    "skills_confirmed",
    "has_smartphone",
    "has_bank_account",
    "has_public_service_account",
    "has_digital_signature",
    "has_daklak_app",
    "deleted",
)


def _typed_person(row: Mapping[str, Any]) -> dict[str, Any]:
    """Raw-SQL rows carry SQLite's 0/1 and ISO text: give them their model types back."""
    out = dict(row)
    for f in _BOOL_FIELDS:
        if out.get(f) is not None:
            out[f] = bool(out[f])
    if isinstance(out.get("birth_date"), str):
        out["birth_date"] = date.fromisoformat(out["birth_date"])
    return out


def duplicate_citizen_id(field_name: str, cid: str, owner: str) -> ValidationError:
    """A CCCD that already belongs to ``owner`` (a person's name, or "dòng 3"/"line 3" style place)."""
    return ValidationError(
        field=field_name,
        code="citizen_id.duplicate",
        message_vi=f"Số CCCD ********{cid[-4:]} đã có trong hồ sơ của {owner}.",
        message_en=f"Citizen ID ********{cid[-4:]} already belongs to {owner}.",
    )


def already_imported(at: str) -> ValidationError:
    return ValidationError(
        field="file",
        code="file.already_imported",
        message_vi=f"Tệp này đã được nhập lúc {at}; nhập lại sẽ tạo hộ trùng lặp.",
        message_en=f"This file was already imported at {at}; importing it again would duplicate its households.",
    )


def citizen_id_owners(conn: Connection, citizen_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """{citizen id: (person id, name)} of the live persons that have one of these ids."""
    ids = list(dict.fromkeys(citizen_ids))
    out: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for cid, pid, name in conn.exec_driver_sql(
            f"SELECT citizen_id, id, full_name FROM person WHERE citizen_id IN ({','.join('?' * len(chunk))})"
            " AND deleted = 0",
            tuple(chunk),
        ):
            out[str(cid)] = (str(pid), str(name))
    return out


def check_unique_citizen_ids(uow: UnitOfWork, items: Sequence[tuple[str, str | None, str | None]]) -> None:
    """Refuse a CCCD that another (live) person of the commune already has, or that appears twice in one
    batch. ``items``: (field name for the error, citizen id, the person's own id when updating)."""
    wanted = [(f, c, own) for f, c, own in items if c]
    if not wanted:
        return
    errors = Errors()
    seen: dict[str, str] = {}
    for f, cid, _ in wanted:
        assert cid is not None
        if cid in seen:
            errors.add(
                ValidationError(
                    field=f,
                    code="citizen_id.duplicate",
                    message_vi=f"Số CCCD ********{cid[-4:]} bị nhập hai lần ({seen[cid]} và {f}).",
                    message_en=f"Citizen ID ********{cid[-4:]} is entered twice ({seen[cid]} and {f}).",
                )
            )
        seen.setdefault(cid, f)
    uow.flush()
    owners = citizen_id_owners(uow.conn, seen)
    for f, cid, own in wanted:
        assert cid is not None
        owner = owners.get(cid)
        if owner is not None and owner[0] != own:
            errors.add(duplicate_citizen_id(f, cid, owner[1]))
    errors.raise_if_any()


def _erased_fields_kept(current: Mapping[str, Any], values: dict[str, Any], field_name: str) -> dict[str, Any]:
    """An erased person's personal fields stay blank: a change to one is refused (the server would refuse it
    too, with ``erased``); unchanged, they are left out of the update. Other fields may still change."""
    if not current.get(E.MARKER):
        return values
    if any(k in values and values[k] != current.get(k) for k in E.PERSON):
        raise ValidationError(
            field=field_name,
            code="person_id.erased",
            message_vi="Dữ liệu cá nhân của người này đã được xoá theo yêu cầu: không thể ghi lại.",
            message_en="This person's personal data was erased on request: it cannot be entered again.",
        )
    return {k: v for k, v in values.items() if k not in E.PERSON}


def _person(uow: UnitOfWork, person_id: str) -> dict[str, Any]:
    row = uow.get("person", person_id)
    if row is None or row["deleted"] or row["commune_code"] != uow.commune_code:
        raise not_found("person_id", "người này", "Person")
    return row


def _household(uow: UnitOfWork, household_id: str) -> dict[str, Any]:
    row = uow.get("household", household_id)
    if row is None or row["deleted"] or row["commune_code"] != uow.commune_code:
        raise not_found("household_id", "hộ gia đình", "Household")
    return row


def _villages(uow: UnitOfWork, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    return {
        vid: v
        for vid, v in uow.get_many("village", ids).items()
        if not v["deleted"] and v["commune_code"] == uow.commune_code and v["merged_into_id"] is None
    }
