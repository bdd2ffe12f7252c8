"""The server's tables, on their own SQLModel registry (the laptop's tables live on ``SQLModel.metadata``).

The server keeps every synced record of every commune generically: one ``record`` row per (table, row id)
holding the record's current fields as JSON and its version, the per-commune sequence number of its latest
change. A pull serves the records whose version is above the laptop's cursor, in version order: the latest
state of each record, tombstones included. Nothing here depends on the shape of a laptop table, so a new
field on the laptop needs no server migration; the fields allowed per table come from the laptop's sync
registry (`sync.fields`).
"""

from typing import Any, ClassVar

from sqlalchemy import BigInteger, Column, Index, Integer, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class ServerModel(SQLModel, registry=registry()):
    """Base of the server's tables: its own metadata, never mixed with a laptop's."""


class Device(ServerModel, table=True):
    __tablename__ = "device"
    id: str = Field(primary_key=True, max_length=36)
    commune_code: int = Field(index=True)
    name: str = ""
    app_version: str = ""
    #: SHA-256 of the bearer token (the token itself is shown once, to the laptop, and never stored)
    token_hash: str = Field(unique=True, max_length=64)
    enrolled_at: str
    revoked_at: str | None = None
    last_seen_at: str | None = None
    #: every op from this device up to this id has an answer stored in op_receipt
    last_op_id: int = 0
    #: the highest pull cursor served to this device: a cursor above it was never served by this database
    #: (a server restored from a backup), so the laptop must pull again from 0
    pulled_to: int = 0


class EnrollmentCode(ServerModel, table=True):
    __tablename__ = "enrollment_code"
    code_hash: str = Field(primary_key=True, max_length=64)
    commune_code: int
    created_at: str
    expires_at: str
    used_at: str | None = None
    used_by: str | None = None


class CommuneCounter(ServerModel, table=True):
    """The change sequence of one commune. Its row lock serialises a commune's writers, so sequence numbers
    become visible in order and the committed value is a safe high-water mark for pulls."""

    __tablename__ = "commune_counter"
    commune_code: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = 0
    #: tombstones with a version below this were pruned: cursors below it must reset
    pruned_below: int = 0


class Record(ServerModel, table=True):
    __tablename__ = "record"
    table_name: str = Field(primary_key=True, max_length=64)
    row_id: str = Field(primary_key=True, max_length=36)
    commune_code: int
    version: int
    deleted: bool = False
    #: JSON object: the record's synced fields and row metadata
    data: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: str

    __table_args__: ClassVar[Any] = (Index("ix_record_commune_version", "commune_code", "version"),)


class OpReceipt(ServerModel, table=True):
    """The stored answer to one op: a repeated op gets it again instead of being applied twice."""

    __tablename__ = "op_receipt"
    device_id: str = Field(primary_key=True, max_length=36)
    op_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    status: str
    reason: str | None = None
    version: int = 0
    received_at: str


class SigningKey(ServerModel, table=True):
    """A commune's certificate signing key (docs/CERTIFICATES_FORMAT.md): the public key, and the private key
    encrypted (AES-256-GCM, key id as associated data) under the server secret, a file kept outside the
    database (``sync.server.certs.secret_path``). Its key certificate is not stored: Ed25519 signatures are
    deterministic, so the root re-signs the same certificate whenever it signs a new trust list."""

    __tablename__ = "signing_key"
    key_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    commune_code: int = Field(index=True)
    #: standard Base64 of the raw 32-byte Ed25519 public key
    public_key: str
    #: standard Base64 of nonce (12 bytes) + AES-256-GCM ciphertext of the raw 32-byte private key
    private_key_enc: str
    valid_from: str  # YYYY-MM-DD, inclusive (Vietnam's calendar)
    valid_until: str  # YYYY-MM-DD, inclusive
    #: UTC YYYY-MM-DDTHH:MM:SSZ; certificates issued up to this time's date in Vietnam stay valid
    revoked_after: str | None = None
    created_at: str


class SerialBlock(ServerModel, table=True):
    """Serials ``first``..``last`` of a commune, reserved for one device by one request (idempotent by id)."""

    __tablename__ = "serial_block"
    request_id: str = Field(primary_key=True, max_length=36)
    device_id: str = Field(max_length=36)
    commune_code: int = Field(index=True)
    first: int = Field(sa_column=Column(BigInteger, nullable=False))
    last: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: str


class RevocationListRow(ServerModel, table=True):
    """The commune's revocation list as last signed by the server, and how far it covers the commune's
    ``certificate_revocation`` records (their highest version)."""

    __tablename__ = "revocation_list"
    commune_code: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    counter: int
    source_version: int
    #: the signed document (``RevocationList.to_bytes()`` as text)
    document: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: str


class ServerMeta(ServerModel, table=True):
    __tablename__ = "server_meta"
    key: str = Field(primary_key=True)
    value: str


METADATA = ServerModel.metadata
