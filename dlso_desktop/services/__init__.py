"""Domain services: the only way the UI and the CLI change data.

Each public method is one unit of work (record + audit entry + outbox op + search index, one transaction)
and returns plain read models (``services.views``). Bad input raises
:class:`dlso_desktop.validation.ValidationError` (or ``ValidationErrors``) before anything is written.

Roles are enforced here (``services.base``): every public method checks the acting user's role first and
raises :class:`PermissionDenied` (a ``ValidationError``) when it may not; ``user_id None`` is the system.
"""

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from dlso_desktop.ids import new_id, vietnam_today
from dlso_desktop.models import Role
from dlso_desktop.services.audit import AuditService
from dlso_desktop.services.base import Context, PermissionDenied, invalid_choice, not_found
from dlso_desktop.services.certificates import CertificateService
from dlso_desktop.services.consent import ConsentService
from dlso_desktop.services.drafts import DraftService
from dlso_desktop.services.erasure import ErasureService
from dlso_desktop.services.people import HouseholdService, PersonService, VillageService
from dlso_desktop.services.submissions import SubmissionService
from dlso_desktop.services.training import TrainingService
from dlso_desktop.services.views import SearchHit, UserView
from dlso_desktop.services.visits import VisitService
from dlso_desktop.storage import search as search_index
from dlso_desktop.storage.store import Database
from dlso_desktop.text import clean_text, fold
from dlso_desktop.validation import ValidationError, require_text


class SearchService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def search(
        self, query: str, *, limit: int = 50, kinds: tuple[str, ...] = ("person", "household")
    ) -> list[SearchHit]:
        """Persons and households, best matches first; within a tier, Vietnamese name order."""
        self.ctx.require_reader()
        query = _joined_number(query)
        hits: list[tuple[int, str, SearchHit]] = []
        with self.ctx.db.reader() as conn:
            for kind in kinds:
                matches = search_index.find(conn, kind, query, limit)
                if not matches:
                    continue
                tiers = {m.rowid: m.tier for m in matches}
                marks = ",".join("?" * len(tiers))
                if kind == "person":
                    rows = conn.exec_driver_sql(
                        "SELECT p.id, p.full_name, p.birth_year, p.phone, p.sort_key, p.search_rowid,"
                        " h.address, v.name FROM person p"
                        " LEFT JOIN household h ON h.id = p.household_id LEFT JOIN village v ON v.id = h.village_id"
                        f" WHERE p.search_rowid IN ({marks}) AND p.deleted = 0",
                        tuple(tiers),
                    ).all()
                    for pid, name, year, phone, key, rowid, _addr, village in rows:
                        detail = " · ".join(
                            x for x in (str(year) if year else "", _mask_phone(phone), village or "") if x
                        )
                        hits.append((tiers[rowid], key, SearchHit("person", pid, name, detail, tiers[rowid])))
                else:
                    rows = conn.exec_driver_sql(
                        "SELECT h.id, h.head_name, h.address, h.sort_key, h.search_rowid, v.name FROM household h"
                        " JOIN village v ON v.id = h.village_id"
                        f" WHERE h.search_rowid IN ({marks}) AND h.deleted = 0",
                        tuple(tiers),
                    ).all()
                    for hid, head, addr, key, rowid, village in rows:
                        detail = " · ".join(x for x in (addr, village) if x)
                        hits.append((tiers[rowid], key, SearchHit("household", hid, head, detail, tiers[rowid])))
        # within a tier, a name made of exactly the query's words first ("nguyen thi hoa": Nguyễn Thị Hoa before
        # Nguyễn Thị Thanh Hoa), then Vietnamese name order
        words = sorted(search_index.query_tokens(query))
        hits.sort(key=lambda h: (h[0], sorted(fold(h[2].title).split()) != words, h[1]))
        return [h[2] for h in hits[:limit]]


_NUMBER_CHARS = frozenset("0123456789 .-()/+")


def _joined_number(query: str) -> str:
    """A query made only of digit groups ("0905 123 456", "+84 905.123.456", "905 123 456") is one phone
    number: search it whole, written with its leading 0, since the index holds whole numbers and their
    endings, not each group."""
    q = query.strip()
    if not q or not set(q) <= _NUMBER_CHARS or not any(c.isdigit() for c in q):
        return query
    digits = "".join(c for c in q if c.isdigit())
    if q.startswith("+84") or (q.startswith("84") and len(digits) == 11):
        return "0" + digits[2:]
    return "0" + digits if len(digits) == 9 and not digits.startswith("0") else digits


def _mask_phone(phone: str | None) -> str:
    return "" if not phone else phone[:4] + "···" + phone[-3:]


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
    except ValueError:
        return False
    return hmac.compare_digest(hash_pin(pin, bytes.fromhex(salt)).split("$")[2], digest)


#: a new PIN (creation, change, reset) unlocks the encrypted database: at least 6 digits (docs/ENCRYPTION.md);
#: PINs of 4-5 digits set before issue 6 still sign in until they are changed
PIN_MIN_DIGITS, PIN_MAX_DIGITS = 6, 12


def _check_pin_format(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit() and PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS):
        raise ValidationError(
            field="pin",
            code="pin.invalid",
            message_vi=f"Mã PIN gồm {PIN_MIN_DIGITS} đến {PIN_MAX_DIGITS} chữ số.",
            message_en=f"The PIN must be {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits.",
        )


def _keep_an_operator(conn: Connection, row: dict[str, Any]) -> None:
    """Refuse to demote, deactivate or remove the laptop's last active commune operator: nobody could manage
    its users any more."""
    if row["role"] != Role.COMMUNE_OPERATOR.value or not row["active"]:
        return
    others = conn.exec_driver_sql(
        "SELECT count(*) FROM app_user WHERE role = ? AND active = 1 AND deleted = 0 AND id != ?",
        (Role.COMMUNE_OPERATOR.value, row["id"]),
    ).scalar()
    if not others:
        raise ValidationError(
            field="user_id",
            code="user_id.last_operator",
            message_vi="Máy này cần ít nhất một cán bộ xã đang hoạt động để quản lý người dùng.",
            message_en="This laptop needs at least one active commune operator to manage its users.",
        )


class UserService:
    """The laptop's local users. On an encrypted database (``db.keystore`` set) every change is made in the
    keystore first, then in ``app_user`` (one unit of work): a new user or a new PIN wraps the key under that
    PIN, a deactivated or removed user's entry is deleted. A failure in between is repaired at the next
    sign-in (:meth:`sync_keystore`). ``pin_hash`` is kept in step too (the PIN check of a plaintext database,
    and of "change my PIN")."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def create(self, display_name: str, role: str, pin: str) -> UserView:
        self.ctx.require(Role.COMMUNE_OPERATOR, what_vi="thêm người dùng", what_en="add users")
        name = require_text(
            display_name, field="display_name", label_vi="tên người dùng", label_en="user name", max_len=80
        )
        if role not in {r.value for r in Role}:
            raise invalid_choice("role", "vai trò", "role", role)
        _check_pin_format(pin)
        user_id = new_id()
        self.ctx.db.keystore_add(user_id, name, pin)  # keystore first
        try:
            with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
                row = uow.insert(
                    "app_user",
                    {"id": user_id, "display_name": name, "role": role, "pin_hash": hash_pin(pin)},
                    summary=name,
                )
                uow.commit()
        except BaseException:
            self.ctx.db.keystore_remove(user_id)
            raise
        return UserView(row["id"], row["display_name"], row["role"], True)

    def update(
        self,
        user_id: str,
        *,
        display_name: str | None = None,
        role: str | None = None,
        active: bool | None = None,
        pin: str | None = None,
    ) -> UserView:
        """Change a user (a commune operator's task); any user may change their own PIN, and only that."""
        own_pin = user_id == self.ctx.user_id and display_name is None and role is None and active is None
        if not own_pin:
            self.ctx.require(Role.COMMUNE_OPERATOR, what_vi="sửa người dùng khác", what_en="change other users")
        self.ctx.require_reader()
        values: dict[str, object] = {}
        if display_name is not None:
            values["display_name"] = require_text(
                display_name, field="display_name", label_vi="tên người dùng", label_en="user name", max_len=80
            )
        if role is not None:
            if role not in {r.value for r in Role}:
                raise invalid_choice("role", "vai trò", "role", role)
            values["role"] = role
        if active is not None:
            values["active"] = active
        if pin is not None:
            _check_pin_format(pin)
            values["pin_hash"] = hash_pin(pin)

        def checked(conn: Connection) -> dict[str, Any]:
            row = conn.exec_driver_sql("SELECT * FROM app_user WHERE id = ?", (user_id,)).mappings().first()
            if row is None or row["deleted"]:
                raise not_found("user_id", "người dùng", "User")
            if values.get("role", row["role"]) != Role.COMMUNE_OPERATOR.value or not values.get("active", True):
                _keep_an_operator(conn, dict(row))
            return dict(row)

        with self.ctx.db.reader() as conn:  # refuse before the keystore changes
            before = checked(conn)
        name = str(values.get("display_name", before["display_name"]))
        db = self.ctx.db
        if values.get("active") is False:
            db.keystore_remove(user_id)
        elif pin is not None and values.get("active", before["active"]):
            db.keystore_add(user_id, name, pin)
        elif display_name is not None or active:
            db.keystore_reconcile(self._active_pairs(overrides={user_id: name} if before["active"] or active else {}))
        with db.unit_of_work(self.ctx.user_id) as uow:
            row = uow.get("app_user", user_id)
            assert row is not None
            checked(uow.conn)
            uow.update("app_user", row, values, summary=", ".join(sorted(values)))
            row = uow.get("app_user", user_id)
            uow.commit()
        assert row is not None
        return UserView(row["id"], row["display_name"], row["role"], bool(row["active"]))

    def delete(self, user_id: str) -> None:
        self.ctx.require(Role.COMMUNE_OPERATOR, what_vi="xoá người dùng", what_en="remove users")
        with self.ctx.db.reader() as conn:  # refuse before the keystore changes
            found = conn.exec_driver_sql("SELECT * FROM app_user WHERE id = ?", (user_id,)).mappings().first()
            if found is None or found["deleted"]:
                raise not_found("user_id", "người dùng", "User")
            _keep_an_operator(conn, dict(found))
        self.ctx.db.keystore_remove(user_id)
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            row = uow.get("app_user", user_id)
            if row is None or row["deleted"]:
                raise not_found("user_id", "người dùng", "User")
            _keep_an_operator(uow.conn, row)
            uow.delete("app_user", row, summary=row["display_name"])
            uow.commit()

    def list_all(self) -> list[UserView]:
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, display_name, role, active FROM app_user WHERE deleted = 0 ORDER BY display_name"
            ).all()
        return [UserView(r[0], r[1], r[2], bool(r[3])) for r in rows]

    def authenticate(self, user_id: str, pin: str) -> UserView:
        """The PIN check of a plaintext database (and of "change my PIN"): an active user's ``pin_hash``."""
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            row = conn.exec_driver_sql(
                "SELECT id, display_name, role, active, pin_hash FROM app_user WHERE id = ? AND deleted = 0", (user_id,)
            ).first()
        if row is None or not row[3] or not row[4] or not check_pin(pin, row[4]):
            raise ValidationError(
                field="pin", code="pin.wrong", message_vi="Mã PIN không đúng.", message_en="Wrong PIN."
            )
        return UserView(row[0], row[1], row[2], True)

    def signed_in(self, user_id: str) -> UserView:
        """The user who just unlocked the database, if still active (an inactive user's keystore entry is
        removed, but a stale copy must not let them in)."""
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            row = conn.exec_driver_sql(
                "SELECT id, display_name, role, active FROM app_user WHERE id = ? AND deleted = 0", (user_id,)
            ).first()
        if row is None or not row[3]:
            raise ValidationError(
                field="user_id",
                code="user_id.inactive",
                message_vi="Người dùng này đã bị khóa hoặc xoá trên máy này. Hãy liên hệ cán bộ xã.",
                message_en="This user was deactivated or removed on this laptop. Ask the commune operator.",
            )
        return UserView(row[0], row[1], row[2], True)

    def keystore_entries(self) -> set[str] | None:
        """Ids of the users whose PIN unlocks this laptop's encrypted data; None for a plaintext database."""
        self.ctx.require_reader()
        return self.ctx.db.keystore_user_ids()

    def sync_keystore(self) -> None:
        """Repair the keystore after a change interrupted between it and ``app_user`` (run at sign-in):
        entries of users no longer active are removed, names follow ``app_user``, and active users without an
        entry are listed as waiting for the operator to set their PIN. Changes no record."""
        self.ctx.require_reader()
        self.ctx.db.keystore_reconcile(self._active_pairs())

    def _active_pairs(self, overrides: dict[str, str] | None = None) -> list[tuple[str, str]]:
        with self.ctx.db.reader() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, display_name FROM app_user WHERE deleted = 0 AND active = 1 ORDER BY display_name"
            ).all()
        pairs = {str(r[0]): str(r[1]) for r in rows}
        pairs.update(overrides or {})
        return list(pairs.items())


@dataclass(frozen=True, slots=True)
class CheckReport:
    ok: bool
    schema_revision: str | None
    schema_version: int
    problems: tuple[str, ...]


class AdminService:
    """Counts, integrity checks and backups."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    COUNTED = (
        "village",
        "household",
        "person",
        "visit",
        "visit_finding",
        "visit_action",
        "consent",
        "training_session",
        "attendance",
        "assisted_submission",
        "submission_status",
        "certificate",
        "app_user",
        "commune",
        "course",
        "procedure",
    )

    def stats(self) -> dict[str, int]:
        self.ctx.require_reader()
        out: dict[str, int] = {}
        with self.ctx.db.reader() as conn:
            for t in self.COUNTED:
                has_deleted = t not in ("commune", "course", "procedure")
                out[t] = int(
                    conn.exec_driver_sql(
                        f"SELECT count(*) FROM {t}" + (" WHERE deleted = 0" if has_deleted else "")
                    ).scalar()
                    or 0
                )
            out["outbox_pending"] = int(
                conn.exec_driver_sql("SELECT count(*) FROM outbox WHERE status IS NULL").scalar() or 0
            )
        return out

    def pending_changes(self) -> int:
        """Local changes not yet acknowledged by the server (outbox ops without an answer)."""
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM outbox WHERE status IS NULL").scalar() or 0)

    def check(self) -> CheckReport:
        self.ctx.require_reader()
        from dlso_desktop.storage import schema
        from dlso_desktop.storage.db import current_revision

        problems: list[str] = []
        with self.ctx.db.reader() as conn:
            rev = current_revision(conn)
            for (msg,) in conn.exec_driver_sql("PRAGMA integrity_check").all():
                if msg != "ok":
                    problems.append(f"integrity: {msg}")
            for row in conn.exec_driver_sql("PRAGMA foreign_key_check").all():
                problems.append(f"foreign key: {tuple(row)}")
            for kind in search_index.KINDS:
                for fts in (f"fts_{kind}", f"fts_{kind}_ids"):
                    try:
                        conn.exec_driver_sql(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
                    except Exception as exc:  # the FTS index disagrees with its documents
                        problems.append(f"search index {fts}: {exc}")
                missing = conn.exec_driver_sql(
                    f"SELECT count(*) FROM {kind} WHERE deleted = 0 AND search_rowid IS NULL"
                ).scalar()
                if missing:
                    problems.append(f"search index {kind}: {missing} records are not indexed")
            version = conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'search_doc_version'").scalar()
            if version != search_index.SEARCH_DOC_VERSION:
                problems.append(f"search index built with document version {version}")
        if rev != schema.HEAD:
            problems.append(f"schema revision {rev} is not {schema.HEAD}")
        return CheckReport(not problems, rev, schema.SCHEMA_VERSION, tuple(problems))


class Services:
    """All services for one acting user on one database.

    ``user_id`` None is the system itself (sync applying pulled changes; the CLI on a plaintext database or with
    the recovery key), which may do everything; a user's role is
    looked up here, once, and every method checks it (``services.base``). ``system=True`` gives a trusted
    program (the demo data generator) the system's rights while recording its work in ``user_id``'s name.
    """

    def __init__(
        self,
        db: Database,
        user_id: str | None = None,
        today: Callable[[], date] = vietnam_today,  # dates are Vietnamese dates, whatever the time zone
        *,
        system: bool = False,
    ) -> None:
        self.ctx = Context(db, user_id, today, system)
        self.villages = VillageService(self.ctx)
        self.households = HouseholdService(self.ctx)
        self.persons = PersonService(self.ctx)
        self.visits = VisitService(self.ctx)
        self.consent = ConsentService(self.ctx)
        self.training = TrainingService(self.ctx)
        self.submissions = SubmissionService(self.ctx)
        self.users = UserService(self.ctx)
        self.search = SearchService(self.ctx)
        self.admin = AdminService(self.ctx)
        self.drafts = DraftService(self.ctx)
        self.certificates = CertificateService(self.ctx)
        self.audit = AuditService(self.ctx)
        self.erasure = ErasureService(self.ctx)


__all__ = ["PermissionDenied", "Services", "clean_text", "not_found"]
