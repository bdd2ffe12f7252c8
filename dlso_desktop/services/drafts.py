"""Drafts of unsaved forms: kept in the (local, later encrypted) database while a form is being typed, so a
crash loses at most the field being typed. Drafts never sync and carry no audit entry: they are not records."""

import json
from typing import Any

from dlso_desktop.ids import utc_now
from dlso_desktop.models import Role
from dlso_desktop.services.base import Context


class DraftService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def save(self, key: str, fields: dict[str, Any]) -> None:
        self.ctx.require(Role.TEAM_MEMBER, what_vi="lưu bản nháp", what_en="keep drafts")
        payload = json.dumps(fields, ensure_ascii=False, default=str)
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            uow.conn.exec_driver_sql(
                "INSERT INTO draft (key, payload, user_id, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET payload = excluded.payload, user_id = excluded.user_id,"
                " updated_at = excluded.updated_at",
                (key, payload, self.ctx.user_id, utc_now()),
            )
            uow.commit()

    def load(self, key: str) -> dict[str, Any] | None:
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            row = conn.exec_driver_sql("SELECT payload FROM draft WHERE key = ?", (key,)).first()
        if row is None:
            return None
        value = json.loads(row[0])
        return value if isinstance(value, dict) else None

    def discard(self, key: str) -> None:
        self.ctx.require(Role.TEAM_MEMBER, what_vi="bỏ bản nháp", what_en="discard drafts")
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            uow.conn.exec_driver_sql("DELETE FROM draft WHERE key = ?", (key,))
            uow.commit()

    def keys(self, prefix: str = "") -> list[str]:
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            return [
                str(r[0])
                for r in conn.exec_driver_sql(
                    "SELECT key FROM draft WHERE key LIKE ? ORDER BY updated_at DESC", (prefix + "%",)
                )
            ]
