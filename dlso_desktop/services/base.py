"""What every service shares: the database, the acting user, the clock, and error collection."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dlso_desktop.storage.store import Database
from dlso_desktop.validation import ValidationError, ValidationErrors


@dataclass(slots=True)
class Context:
    db: Database
    user_id: str | None = None
    today: Callable[[], date] = date.today


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
