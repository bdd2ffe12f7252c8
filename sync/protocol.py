"""The sync protocol, version 1: the messages laptops and the provincial server exchange (SYNC.md).

Every message is a pydantic model, so the server validates what it receives (a malformed message gets a
422 with the offending field, never a half-applied batch) and its OpenAPI schema documents the API
(``/sync/v1/openapi.json``; docs/SYNC_PROTOCOL.md explains the rules the schema cannot say).

Field values travel as JSON: text is NFC, dates are ISO ``YYYY-MM-DD`` strings, times ISO-8601 UTC ending
in ``Z``. The same models are used by the online push and by a sync bundle (a file), so both go through the
very same code on the server (:func:`sync.server.apply.apply_push`).
"""

from enum import StrEnum
from typing import Any, Literal, NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict, Field

API_VERSION = 1
PREFIX = "/sync/v1"

#: Largest push batch and pull page the server accepts / serves.
MAX_PUSH_OPS = 2000
MAX_PULL_LIMIT = 5000
#: Laptops keep acknowledged ops at least this long so a server restored from a backup gets them back.
ACKED_OP_RETENTION_DAYS = 30
#: Tombstones are kept at least this long on the server; a cursor older than a pruning gets "reset required".
TOMBSTONE_RETENTION_DAYS = 180
#: A laptop clock further than this from the server's gets a warning (never a say in conflicts).
CLOCK_WARNING_SECONDS = 300

#: The server-side table holding sync conflicts (pulled by laptops like any record; resolved by an op).
CONFLICT_TABLE = "sync_conflict"
#: The field name a conflict uses for "edited on one side, deleted on the other".
DELETED_FIELD = "deleted"


class OpKind(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    RESOLVE = "resolve"  # a commune operator's decision on a conflict (table sync_conflict)
    ERASE = "erase"  # a commune operator's erasure of a person's data (table person; sync.erasure)


#: Stable codes that start a refusal's or a conflict's reason ("<code>: <detail>").
REJECT_CODES: tuple[str, ...] = (
    "invalid_text",  # text no database can store (NUL, broken Unicode)
    "newer_schema",  # made by a newer app than the server knows: update the server
    "unknown_table",
    "other_commune",  # no such record in the device's commune
    "unknown_record",  # the server never accepted the record's creation
    "bad_id",
    "bad_field",  # unknown field, wrong type, malformed change
    "exists",  # a different record with the same id
    "not_operator",  # only a commune operator resolves conflicts
    "already_resolved",
    "changed_on_both_sides",  # conflict: fields changed on both sides
    "deleted_meanwhile",  # conflict: the record was deleted meanwhile
    "erased",  # the person's data was erased: a change made before that (or bringing the data back) is dropped
)


class OpStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Op(_Msg):
    """One outbox op (see ``dlso_desktop.models.OutboxOp``)."""

    op_id: int = Field(ge=1, strict=True, description="per-device increasing op id; (device, op_id) identifies the op")
    txn_id: str = Field(max_length=36, description="ops of one local transaction share it")
    table: str = Field(max_length=64)
    row_id: str = Field(min_length=1, max_length=36)
    kind: OpKind
    changes: dict[str, Any] = Field(
        description="insert: {field: value}; update: {field: [old, new]}; delete: {'deleted': [false, true]};"
        " resolve: {'value': chosen value, optionally 'server_value': the conflict's server value (the value the"
        " conflicting op met; a restored server replays the conflict with it)}; erase: {'reason': code, 'erased_at':"
        " time}"
    )
    base_version: int = Field(ge=0, strict=True, description="server version of the row when the laptop changed it")
    author_id: str | None = Field(default=None, max_length=36)
    created_at: str = Field(max_length=40, description="laptop wall-clock time (display and audit only)")
    schema_version: int = Field(ge=1, strict=True)


class PushRequest(_Msg):
    ops: list[Op] = Field(max_length=MAX_PUSH_OPS)
    #: the laptop's clock when it sent the request (for the clock warning only)
    client_time: str | None = Field(default=None, max_length=40)
    #: ops up to this id are resent after the server lost them (restored from a backup, or the laptop enrolled
    #: again): one of them naming a record or user the server does not hold (yet) is not refused but
    #: waits (``PushResponse.waiting``) until another laptop has resent its creation. Omitted otherwise.
    resent_through: int | None = Field(
        default=None,
        ge=0,
        strict=True,
        description="ops up to this op id are resent after a server restore: an op naming a record the server"
        " does not hold yet waits instead of being refused",
    )


class OpResult(_Msg):
    op_id: int
    status: OpStatus
    #: for a duplicate: the answer the op got the first time
    original_status: OpStatus | None = None
    #: for a refusal or a conflict: "<code>: <English detail>"; the code is stable (REJECT_CODES) and laptops
    #: show their own translated text for it
    reason: str | None = None
    #: the server version of the row after the op (0 when nothing was written)
    version: int = 0


class Waiting(_Msg):
    """A resent op the server could not apply yet: what it names was lost in the restore and has not been
    resent by its laptop yet. Nothing from this op on was applied; the laptop sends it again next round."""

    op_id: int
    #: "<code>: <English detail>" (``unknown_record``; ``not_operator`` for an author the server does not know;
    #: ``lost_change`` for an update that waits for a lost change of its record to be resent, so that it meets the
    #: record as it did the first time)
    reason: str


class PushResponse(_Msg):
    results: list[OpResult]
    #: the highest op id the server holds from this device (every op up to it has an answer)
    last_op_id: int
    #: set when an op id was skipped: send again, starting at this op id; later ops were not applied
    resend_from: int | None = None
    server_time: str
    #: a resent op (``PushRequest.resent_through``) that waits for a record another laptop has not resent yet
    #: (then ``resend_from`` is its op id); omitted when none
    waiting: Waiting | None = None


class Change(_Msg):
    """The current state of one record, as served by a pull (the latest version replaces older ones)."""

    table: str
    row_id: str
    version: int
    deleted: bool
    data: dict[str, Any] = Field(description="every synced field plus the row metadata")


class ChangeLike(Protocol):
    """What applying a pulled change needs (a :class:`Change`, or a :class:`PulledChange` parsed cheaply)."""

    @property
    def table(self) -> str: ...
    @property
    def row_id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def deleted(self) -> bool: ...
    @property
    def data(self) -> dict[str, Any]: ...


class PulledChange(NamedTuple):
    table: str
    row_id: str
    version: int
    deleted: bool
    data: dict[str, Any]


class PullResponse(_Msg):
    changes: list[Change]
    #: store this with the page, in the same transaction; send it with the next pull
    cursor: int
    more: bool
    #: the cursor cannot continue (pruned tombstones, restored server, new schema epoch): pull from 0
    reset_required: bool = False
    #: why: "pruned" (deletes older than the cursor were purged: records the laptop still has and the server
    #: no longer sends are gone), "restored" (the server went back to a backup: keep local records)
    reset_reason: Literal["pruned", "restored"] | None = None
    server_time: str


class StateResponse(_Msg):
    device_id: str
    commune_code: int
    last_op_id: int
    high_water: int
    server_time: str
    revoked: bool = False


class EnrollRequest(_Msg):
    code: str = Field(min_length=4, max_length=64)
    device_id: str = Field(min_length=8, max_length=36, description="the laptop's own device id (UUID)")
    device_name: str = Field(default="", max_length=120)
    commune_code: int = Field(strict=True, description="the commune the laptop was set up for; must match the code's")
    app_version: str = Field(default="", max_length=40)


class EnrollResponse(_Msg):
    device_id: str
    commune_code: int
    commune_name: str
    token: str
    server_time: str


class TimeResponse(_Msg):
    server_time: str
    api_version: int = API_VERSION
    schema_version: int


class TableDigest(_Msg):
    count: int
    digest: str


class VerifyResponse(_Msg):
    tables: dict[str, TableDigest]
    high_water: int
    server_time: str


class ErrorResponse(_Msg):
    """Every refusal: a stable code for programs, a message in Vietnamese and in English for people."""

    error: str
    message_vi: str
    message_en: str


# ---------------------------------------------------------------------------------------------------------
# Certificates (docs/CERTIFICATES_FORMAT.md, "Keys on the way to a laptop")

#: The most serials one request may reserve, and what a laptop asks for (it asks again below the low mark).
MAX_SERIAL_BLOCK = 10_000
SERIAL_BLOCK = 1_000
SERIAL_LOW_MARK = 300


class TrustResponse(_Msg):
    """What a verifier needs, public (no token): the province's root public key, the trust list signed by it,
    and every commune's revocation list signed by that commune's key. Laptops check all of it themselves."""

    #: raw Ed25519 public key of the provincial root, standard Base64; "" before ``admin keys init-root``
    root_public_key: str = Field(max_length=64)
    #: the signed trust list document (``TrustList.to_bytes()`` as text); None before the first commune key
    trust_list: str | None = None
    #: the signed per-commune revocation lists (``RevocationList.to_bytes()`` as text)
    revocation_lists: list[str] = Field(default_factory=list)
    server_time: str


class CommuneKeyResponse(_Msg):
    """The commune's current signing key, encrypted for the asking device (``keys.wrap_commune_key`` with the
    device's own token, which the server never stores: it is the bearer token of this very request)."""

    key_id: int = Field(ge=1)
    commune_code: int
    #: standard Base64 of the wrapped key
    wrapped_key: str = Field(max_length=200)


class SerialBlockRequest(_Msg):
    #: the laptop's own id for this request: asking again with the same id returns the same block, so an answer
    #: lost on the way costs nothing
    request_id: str = Field(min_length=8, max_length=36)
    count: int = Field(ge=1, le=MAX_SERIAL_BLOCK, strict=True)


class SerialBlockResponse(_Msg):
    """Serials ``first`` .. ``last`` (inclusive) of the device's commune, reserved for this device alone."""

    request_id: str
    commune_code: int
    first: int = Field(ge=1)
    last: int = Field(ge=1)
