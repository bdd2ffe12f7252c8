"""What every service shares: the database, the acting user and their role, the clock, and error collection.

Roles (PRODUCT.md, issue 6) are enforced here, in the services, not only hidden in the screens. They are
cumulative: a team member records households, persons, visits, submissions and attendance; a team head may
also mark training results, delete sessions and issue/revoke certificates; a commune operator may also manage
users, the commune's village list (rename, merge, delete) and imports (and, in sync, resolve conflicts).
Reads are open to every signed-in role. Every write method checks once, before it writes anything, with
``self.ctx.require(Role.X, what_vi=..., what_en=...)``; a refused call raises :class:`PermissionDenied`
(a ``ValidationError``, so the screens show it like any other error) and changes nothing.

``user_id None`` is the system itself — CLI scripts (until the CLI signs in), the importer, the demo data
generator, sync applying pulled changes: it may do everything. ``system=True`` is the same trust for a trusted
program that records its work in a user's name (the demo data of a practice laptop). A user id that is not a
live, active user of this laptop is refused on every call, reads included.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection

from dlso_desktop.ids import vietnam_today
from dlso_desktop.models import Role
from dlso_desktop.storage.store import Database
from dlso_desktop.validation import ValidationError, ValidationErrors

#: Roles in rising order of what they may do; each may do everything the ones before it may.
ROLE_RANK: dict[Role, int] = {Role.TEAM_MEMBER: 0, Role.TEAM_HEAD: 1, Role.COMMUNE_OPERATOR: 2}

_WHO_VI = {
    Role.TEAM_MEMBER: "thành viên tổ công nghệ số",
    Role.TEAM_HEAD: "tổ trưởng hoặc cán bộ xã",
    Role.COMMUNE_OPERATOR: "cán bộ xã (quản trị xã)",
}
_WHO_EN = {
    Role.TEAM_MEMBER: "team members",
    Role.TEAM_HEAD: "a team head or a commune operator",
    Role.COMMUNE_OPERATOR: "a commune operator",
}


class PermissionDenied(ValidationError):
    """The signed-in user's role may not do this (or no live user is signed in). Nothing was changed."""

    def __init__(self, message_vi: str, message_en: str, *, needed: Role | None = None) -> None:
        super().__init__(field="", message_vi=message_vi, message_en=message_en, code="permission.denied")
        self.needed = needed


def user_role(conn: Connection, user_id: str) -> Role | None:
    """The role of a live, active local user; None for an unknown, deleted or deactivated one."""
    row = conn.exec_driver_sql(
        "SELECT role FROM app_user WHERE id = ? AND deleted = 0 AND active = 1", (user_id,)
    ).first()
    if row is None or row[0] not in ROLE_RANK:
        return None
    return Role(row[0])


def check_role(role: Role | None, needed: Role, *, what_vi: str, what_en: str) -> None:
    """Raise :class:`PermissionDenied` unless ``role`` (None: no live user) may do what needs ``needed``.
    ``what_vi``/``what_en`` name the action, e.g. "ghi kết quả học tập" / "record training results"."""
    if role is None:
        raise PermissionDenied(
            f"Người dùng này không còn trên máy nên không được {what_vi}. Hãy đăng nhập lại.",
            f"This user no longer exists on this laptop and may not {what_en}. Sign in again.",
            needed=needed,
        )
    if ROLE_RANK[role] < ROLE_RANK[needed]:
        raise PermissionDenied(
            f"Chỉ {_WHO_VI[needed]} được {what_vi}.",
            f"Only {_WHO_EN[needed]} may {what_en}.",
            needed=needed,
        )


@dataclass(slots=True)
class Context:
    """The database, the acting user and the clock. The user's role is looked up once, when the context is
    made (see the module docstring for ``user_id None`` and ``system``)."""

    db: Database
    user_id: str | None = None
    today: Callable[[], date] = vietnam_today  # the date in Vietnam, not the laptop's time zone's
    system: bool = False
    #: the acting user's role; None for the system or for a user id that is not a live user
    role: Role | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.user_id is not None:
            with self.db.reader() as conn:
                self.role = user_role(conn, self.user_id)

    @property
    def is_system(self) -> bool:
        return self.user_id is None or self.system

    def may(self, needed: Role) -> bool:
        """Whether the acting user may do what needs ``needed`` (for screens that hide what is refused)."""
        return self.is_system or (self.role is not None and ROLE_RANK[self.role] >= ROLE_RANK[needed])

    def require(self, needed: Role = Role.TEAM_MEMBER, *, what_vi: str, what_en: str) -> None:
        """Refuse (:class:`PermissionDenied`) unless the acting user's role is ``needed`` or above."""
        if not self.is_system:
            check_role(self.role, needed, what_vi=what_vi, what_en=what_en)

    def require_reader(self) -> None:
        """Reads: any live signed-in user (or the system)."""
        self.require(Role.TEAM_MEMBER, what_vi="xem dữ liệu", what_en="see the data")


@dataclass(slots=True)
class Errors:
    """Collects field errors so a form learns about every bad field at once."""

    items: list[ValidationError] = field(default_factory=list)

    def add(self, err: ValidationError) -> None:
        self.items.append(err)

    def check(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except ValidationErrors as errs:
            self.items.extend(errs.errors)
        except ValidationError as err:
            self.items.append(err)
        return None

    def raise_if_any(self) -> None:
        if len(self.items) == 1:
            raise self.items[0]
        if self.items:
            raise ValidationErrors(self.items)


def not_found(field_name: str, what_vi: str, what_en: str) -> ValidationError:
    return ValidationError(
        field=field_name,
        message_vi=f"Không tìm thấy {what_vi}.",
        message_en=f"{what_en} not found.",
        code=f"{field_name}.not_found",
    )


def invalid_choice(field_name: str, label_vi: str, label_en: str, value: object) -> ValidationError:
    return ValidationError(
        field=field_name,
        message_vi=f"Giá trị '{value}' không hợp lệ cho {label_vi}.",
        message_en=f"'{value}' is not a valid {label_en}.",
        code=f"{field_name}.invalid",
    )
