"""The audit trail's sync messages (docs/SYNC_PROTOCOL.md, "The audit trail"): a laptop sends its audit entries
in ``seq`` order, in batches, to ``POST /sync/v1/audit``; the server checks each batch against the last entry it
holds of that device and stores it, or refuses it whole.

An entry travels with every hashed field and its hash exactly as the laptop stores them
(:data:`dlso_desktop.storage.audit.COLUMNS`); the server recomputes each hash with the same function
(:func:`dlso_desktop.storage.audit.entry_hash`), so both sides agree by construction.
"""

from pydantic import BaseModel, ConfigDict, Field

from sync.protocol import PREFIX

AUDIT_PATH = f"{PREFIX}/audit"
#: the most entries one request may carry
MAX_AUDIT_BATCH = 2000
#: a summary longer than this is refused (the laptop's are a few words: field names, a village's name)
MAX_SUMMARY = 4000

#: Stable codes of the refusals (``ErrorResponse.error``) particular to the endpoint.
CHAIN_BROKEN = "audit_chain_broken"  # 409: the batch does not continue the copy the server holds
GAP = "audit_gap"  # 409: the batch starts after the server's last entry (the laptop resends from ``head``)
WRONG_DEVICE = "audit_wrong_device"  # 400: an entry names another device
INVALID_TEXT = "audit_invalid_text"  # 400: text no database can store (NUL, broken Unicode)


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AuditEntryIn(_Msg):
    """One entry of a laptop's trail, as stored there."""

    seq: int = Field(ge=1, le=2**62, strict=True, description="the entry's number on its laptop, from 1, no gaps")
    at: str = Field(max_length=40, description="when, UTC ISO-8601 with a Z")
    user_id: str | None = Field(default=None, max_length=64, description="the acting user; null: the system")
    device_id: str = Field(max_length=36, description="the laptop's device id (must be the token's device)")
    action: str = Field(max_length=64)
    table_name: str = Field(max_length=64)
    row_id: str = Field(max_length=128)
    summary: str = Field(max_length=MAX_SUMMARY)
    prev_hash: str = Field(pattern="^[0-9a-f]{64}$", description="the hash of the entry before it (or the genesis)")
    hash: str = Field(pattern="^[0-9a-f]{64}$", description="SHA-256 of the canonical encoding of the entry")


class AuditPushRequest(_Msg):
    entries: list[AuditEntryIn] = Field(
        min_length=1, max_length=MAX_AUDIT_BATCH, description="consecutive entries in seq order"
    )


class AuditHead(_Msg):
    """The last entry of a device's trail the server holds (``seq`` 0, ``hash`` null: none yet)."""

    seq: int = Field(ge=0)
    hash: str | None = None


class AuditPushResponse(_Msg):
    stored: int = Field(ge=0, description="entries new to the server, stored now")
    duplicate: int = Field(ge=0, description="entries the server held already (a batch sent again)")
    head: AuditHead = Field(description="the last entry of this device's trail the server now holds")
    server_time: str
