"""Import households with their members from JSON Lines (schema: docs/IMPORT_FORMAT.md).

All lines are parsed and validated before anything is written. By default one bad line rejects the whole
file and every bad line is reported with its number and reason; with ``skip_invalid`` the valid lines are
imported and the rejected ones are written to ``<file>.rejects.jsonl`` beside the input. Either way the
write is one unit of work: a crash or a failure half-way leaves nothing behind.

A member's ``ethnic_group`` (sensitive data) is imported only where the same member's ``sensitive_consent``
is ``true`` (the person's explicit consent, recorded with the person, method ``import``); otherwise the line
is bad (``consent.sensitive_required``), like any other invalid value.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from dlso_desktop.services import Services
from dlso_desktop.services.base import Errors
from dlso_desktop.services.consent import check_sensitive
from dlso_desktop.services.people import (
    HouseholdInput,
    PersonInput,
    already_imported,
    duplicate_citizen_id,
    person_values,
)
from dlso_desktop.text import clean_text, parse_date_vn
from dlso_desktop.validation import ValidationError

HOUSEHOLD_KEYS = {
    "village",
    "village_kind",
    "address",
    "head_name",
    "phone",
    "smartphone_count",
    "phones_2g_only",
    "internet",
    "notes",
    "members",
}
PERSON_KEYS = {
    "full_name",
    "sex",
    "birth_date",
    "birth_year",
    "citizen_id",
    "phone",
    "relationship",
    "name_order",
    "sort_name",
    "main_language",
    "needs_interpreter",
    "notes",
    "vneid_level",
    "skills_confirmed",
    "has_smartphone",
    "has_bank_account",
    "has_public_service_account",
    "has_digital_signature",
    "has_daklak_app",
    "ethnic_group",
    "sensitive_consent",
}
MAX_LINE_BYTES = 200_000


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    field: str
    message_vi: str
    message_en: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    households: int
    persons: int
    villages_created: int
    rejected: tuple[LineError, ...]
    rejects_file: Path | None


class ImportRejected(Exception):
    """The file was not imported; ``errors`` lists every bad line."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__(f"{len(errors)} dòng không hợp lệ")
        self.errors = errors


def _type_error(field: str, expected_vi: str, expected_en: str) -> ValidationError:
    return ValidationError(
        field=field,
        code=f"{field}.type",
        message_vi=f"'{field}' phải là {expected_vi}.",
        message_en=f"'{field}' must be {expected_en}.",
    )


def _opt(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], vi: str, en: str) -> Any:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _type_error(key, vi, en)
    return value


def _person(obj: Any, idx: int) -> PersonInput:
    try:
        return _person_fields(obj, f"members.{idx}.")
    except ValidationError as exc:
        if not exc.field.startswith("members."):  # a type error names the member's field, not the household's
            exc.field = f"members.{idx}.{exc.field}"
        raise


def _person_fields(obj: Any, pre: str) -> PersonInput:
    if not isinstance(obj, dict):
        raise _type_error(pre[:-1], "một đối tượng JSON", "a JSON object")
    unknown = set(obj) - PERSON_KEYS
    if unknown:
        raise ValidationError(
            field=pre + sorted(unknown)[0],
            code="field.unknown",
            message_vi=f"Trường không được hỗ trợ: {', '.join(sorted(unknown))}.",
            message_en=f"Unsupported field(s): {', '.join(sorted(unknown))}.",
        )
    birth = _opt(obj, "birth_date", str, "ngày dạng dd/mm/yyyy hoặc yyyy-mm-dd", "a dd/mm/yyyy or ISO date")
    try:
        birth_date: date | None = parse_date_vn(birth) if birth else None
    except ValueError:
        raise ValidationError(
            field=pre + "birth_date",
            code="birth_date.invalid",
            message_vi=f"Ngày sinh '{birth}' không hợp lệ (dd/mm/yyyy).",
            message_en=f"Birth date '{birth}' is not valid (dd/mm/yyyy).",
        ) from None
    fields: dict[str, Any] = {"birth_date": birth_date}
    for key in (
        "full_name",
        "sex",
        "citizen_id",
        "phone",
        "relationship",
        "name_order",
        "sort_name",
        "main_language",
        "notes",
        "vneid_level",
        "ethnic_group",
    ):
        fields[key] = _opt(obj, key, str, "chuỗi ký tự", "a string")
    fields["birth_year"] = _opt(obj, "birth_year", int, "số nguyên", "an integer")
    for key in (
        "needs_interpreter",
        "skills_confirmed",
        "has_smartphone",
        "has_bank_account",
        "has_public_service_account",
        "has_digital_signature",
        "has_daklak_app",
        "sensitive_consent",
    ):
        fields[key] = _opt(obj, key, bool, "true hoặc false", "true or false")
    fields["full_name"] = fields["full_name"] or ""
    fields["notes"] = fields["notes"] or ""
    fields["needs_interpreter"] = bool(fields["needs_interpreter"])
    return PersonInput(**fields)


def parse_line(text: str) -> tuple[str, str, HouseholdInput]:
    """One JSON line -> (village name, village kind, household input). Raises ValidationError."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            field="",
            code="json.invalid",
            message_vi=f"Không phải JSON hợp lệ: {exc.msg}.",
            message_en=f"Not valid JSON: {exc.msg}.",
        ) from None
    if not isinstance(obj, dict):
        raise ValidationError(
            field="",
            code="json.type",
            message_vi="Mỗi dòng phải là một đối tượng JSON.",
            message_en="Each line must be a JSON object.",
        )
    unknown = set(obj) - HOUSEHOLD_KEYS
    if unknown:
        raise ValidationError(
            field=sorted(unknown)[0],
            code="field.unknown",
            message_vi=f"Trường không được hỗ trợ: {', '.join(sorted(unknown))}.",
            message_en=f"Unsupported field(s): {', '.join(sorted(unknown))}.",
        )
    village = _opt(obj, "village", str, "chuỗi ký tự", "a string")
    if not village or not clean_text(village):
        raise ValidationError(
            field="village",
            code="village.required",
            message_vi="Thiếu tên thôn/buôn ('village').",
            message_en="Missing village name ('village').",
        )
    members_raw = obj.get("members") or []
    if not isinstance(members_raw, list):
        raise _type_error("members", "một danh sách", "a list")
    members = [_person(m, i) for i, m in enumerate(members_raw)]
    counts = {k: _opt(obj, k, int, "số nguyên", "an integer") for k in ("smartphone_count", "phones_2g_only")}
    hh = HouseholdInput(
        village_id="",
        head_name=_opt(obj, "head_name", str, "chuỗi ký tự", "a string"),
        address=_opt(obj, "address", str, "chuỗi ký tự", "a string") or "",
        phone=_opt(obj, "phone", str, "chuỗi ký tự", "a string"),
        smartphone_count=counts["smartphone_count"] or 0,
        phones_2g_only=counts["phones_2g_only"] or 0,
        internet=_opt(obj, "internet", str, "chuỗi ký tự", "a string"),
        notes=_opt(obj, "notes", str, "chuỗi ký tự", "a string") or "",
        members=members,
    )
    kind = _opt(obj, "village_kind", str, "chuỗi ký tự", "a string") or "thon"
    return clean_text(village), kind, hh


def _cccd(raw: str | None) -> str:
    return "".join(c for c in raw if c.isdigit()) if raw else ""


def import_jsonl(services: Services, path: Path, *, skip_invalid: bool = False) -> ImportResult:
    source_key = "import:" + hashlib.sha256(path.read_bytes()).hexdigest()
    done_at = services.households.imported_at(source_key)
    if done_at is not None:
        raise already_imported(done_at)
    errors: list[LineError] = []
    good: list[tuple[int, str, str, HouseholdInput]] = []
    bad_lines: dict[int, str] = {}
    raw_lines: dict[int, str] = {}
    today = services.ctx.today()
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if len(raw) > MAX_LINE_BYTES:
                errors.append(LineError(number, "", "Dòng quá dài.", "Line too long."))
                bad_lines[number] = ""
                continue
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                errors.append(LineError(number, "", "Dòng không phải UTF-8.", "Line is not UTF-8."))
                bad_lines[number] = ""
                continue
            if not text.strip():
                continue
            try:
                village, kind, hh = parse_line(text)
                # validate now (services validate again on write; this finds every bad line first)
                line_errors = Errors()
                line_errors.check(partial(services.villages._validate, village, kind))  # name and kind
                services.households._values(hh, line_errors)
                for j, m in enumerate(hh.members):
                    values = person_values(m, today, line_errors, prefix=f"members.{j}.")
                    if values:  # an ethnic group only with the member's explicit consent on the same line
                        ethnic = values["ethnic_group"]
                        check_sensitive(ethnic, m.sensitive_consent, False, line_errors, f"members.{j}.ethnic_group")
                line_errors.raise_if_any()
            except ValidationError as exc:
                items = getattr(exc, "errors", None) or [exc]
                for e in items:
                    errors.append(LineError(number, e.field, e.message_vi, e.message_en))
                bad_lines[number] = text.rstrip("\n")
                continue
            good.append((number, village, kind, hh))
            raw_lines[number] = text.rstrip("\n")
    # a CCCD already in the commune, or twice in the file: a line error too (the later line is the bad one)
    owners = services.persons.owners_of_citizen_ids(
        [normalized for _, _, _, hh in good for m in hh.members if (normalized := _cccd(m.citizen_id))]
    )
    first_line: dict[str, int] = {}
    kept: list[tuple[int, str, str, HouseholdInput]] = []
    for item in good:
        number, _, _, hh = item
        dup_errors: list[LineError] = []
        for j, m in enumerate(hh.members):
            cid = _cccd(m.citizen_id)
            if not cid:
                continue
            if cid in owners:
                err = duplicate_citizen_id(f"members.{j}.citizen_id", cid, owners[cid])
            elif first_line.setdefault(cid, number) != number:
                err = duplicate_citizen_id(f"members.{j}.citizen_id", cid, "")
                err.message_vi = f"Số CCCD ********{cid[-4:]} đã có ở dòng {first_line[cid]}."
                err.message_en = f"Citizen ID ********{cid[-4:]} is already on line {first_line[cid]}."
            else:
                continue
            dup_errors.append(LineError(number, err.field, err.message_vi, err.message_en))
        if dup_errors:
            errors.extend(dup_errors)
            bad_lines[number] = raw_lines[number]
        else:
            kept.append(item)
    good = kept
    if errors and not skip_invalid:
        raise ImportRejected(errors)
    households, persons, created = services.households.import_households(
        source_key=source_key, items=[(village, kind, hh) for _, village, kind, hh in good]
    )
    rejects_file = None
    if errors:
        rejects_file = path.with_name(path.name + ".rejects.jsonl")
        with rejects_file.open("w", encoding="utf-8") as out:
            for number in sorted(bad_lines):
                reasons = [
                    f"{e.field}: {e.message_vi}" if e.field else e.message_vi for e in errors if e.line == number
                ]
                out.write(
                    json.dumps({"line": number, "errors": reasons, "text": bad_lines[number]}, ensure_ascii=False)
                    + "\n"
                )
    return ImportResult(households, persons, created, tuple(errors), rejects_file)
