"""The laptop's audit step of a sync round (docs/SYNC_PROTOCOL.md, "The audit trail"): after push, pull and
certificates, the entries the server has not acknowledged go to ``POST /sync/v1/audit`` in ``seq`` order, in
batches; the last entry the server acknowledged is kept in ``meta`` (:data:`audit.ACKNOWLEDGED`), and from
then on :func:`dlso_desktop.storage.audit.verify` checks the trail still holds it.

Never fails the round: what goes wrong becomes a note, and ``RoundResult.audit_refused`` holds the code of a
refusal — ``audit_chain_broken`` means the trail on this laptop was edited (the server keeps its copy as it was).
A batch whose answer is lost is sent again next round; the server acknowledges the entries it already holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError as PydanticError

from dlso_desktop.storage import audit
from dlso_desktop.storage.store import Database
from sync import audit_protocol as AP
from sync import local
from sync.transport import Refused, Transport, TransportError

if TYPE_CHECKING:
    from sync.engine import RoundResult

#: ``RoundResult.audit_refused`` when the laptop's trail ends before the entry the server acknowledged (entries
#: were cut off the end, or the laptop was restored from an older backup): nothing is sent
TRAIL_CUT = "audit_trail_cut"


def acknowledged(db: Database) -> tuple[int, str] | None:
    """The last entry the server acknowledged, ``(seq, hash)``; None before the trail first synced."""
    return audit.parse_anchor(local.get_meta(db, audit.ACKNOWLEDGED))


def _batch(db: Database, after: int, limit: int) -> list[dict[str, Any]]:
    with db.reader() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT {', '.join(audit.COLUMNS)} FROM audit_entry WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit)
        ).all()
    return [dict(zip(audit.COLUMNS, r, strict=True)) for r in rows]


def _local_head(db: Database) -> int:
    with db.reader() as conn:
        return int(conn.exec_driver_sql("SELECT max(seq) FROM audit_entry").scalar() or 0)


def push_audit(
    db: Database, transport: Transport, result: RoundResult, *, batch_size: int = AP.MAX_AUDIT_BATCH
) -> None:
    """Send what the server has not acknowledged; counts go into ``result.audit_pushed``, problems into
    ``result.notes`` and ``result.audit_refused``. Never raises."""
    batch_size = max(1, min(batch_size, AP.MAX_AUDIT_BATCH))
    try:
        if not local.get_meta(db, local.TOKEN):
            return
        acked = acknowledged(db)
        after = acked[0] if acked else 0
        local_head = _local_head(db)
        if local_head < after:
            result.notes.append(
                f"audit: this laptop's trail ends at entry {local_head}, the server holds it up to {after}"
            )
            result.audit_refused = TRAIL_CUT
            return
        asked_head = False
        while after < local_head:
            entries = _batch(db, after, batch_size)
            if not entries:
                break
            try:
                raw = transport.post(AP.AUDIT_PATH, {"entries": entries})
            except Refused as exc:
                if exc.code == AP.GAP and not asked_head:
                    # the server holds less than it once acknowledged (restored from a backup): from its head
                    asked_head = True
                    after = AP.AuditHead.model_validate(transport.get(f"{AP.AUDIT_PATH}/head")).seq
                    continue
                if exc.status == 404 and exc.code in ("not_found", "refused"):
                    result.notes.append("audit: the server does not keep audit trails (older server)")
                    return
                result.audit_refused = exc.code
                result.notes.append(f"audit: the server refused the trail ({exc.code}): {exc.message_en}")
                return
            answer = AP.AuditPushResponse.model_validate(raw)
            last = entries[-1]
            if answer.head.seq < last["seq"] or (answer.head.seq == last["seq"] and answer.head.hash != last["hash"]):
                result.notes.append("audit: the server's answer does not acknowledge the entries sent")
                return
            local.set_meta(db, {audit.ACKNOWLEDGED: f"{last['seq']}:{last['hash']}"})
            result.audit_pushed += answer.stored
            after = int(last["seq"])
    except TransportError as exc:
        result.notes.append(f"audit: entries not sent ({exc}); sent next round")
    except (PydanticError, ValueError) as exc:
        result.notes.append(f"audit: bad answer from the server ({type(exc).__name__})")
    except Exception as exc:  # the audit step never undoes or fails the round
        result.notes.append(f"audit: step failed ({type(exc).__name__}: {exc})")
