"""The laptop's sync engine: enrollment, then rounds of push (outbox ops in op-id order) and pull (pages
applied together with their cursor). No Qt: the app runs it on its background helper, the CLI directly.

A round is safe to interrupt anywhere (network cut, process killed): what the server committed is answered
again as a duplicate when the same ops are resent, and a pulled page is either applied with its cursor or
not at all. See docs/SYNC_PROTOCOL.md.
"""

import platform
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dlso_desktop import __version__
from dlso_desktop.ids import parse_utc, utc_now
from dlso_desktop.storage.cipherpages import PageEncryptor
from dlso_desktop.storage.store import Database
from sync import bootstrap, local
from sync import protocol as P
from sync.audit_push import push_audit
from sync.transport import HttpTransport, Refused, Transport, TransportError

if TYPE_CHECKING:
    pass

Progress = Callable[[str, int, int], None]  # (phase, done, total) — total 0 when unknown


class NotEnrolled(Exception):
    pass


@dataclass(slots=True)
class RoundResult:
    applied: int = 0
    duplicate: int = 0
    conflict: int = 0
    rejected: int = 0
    pulled: int = 0
    kept_local: int = 0
    reset: bool = False
    #: a resent op the server made wait for a record another laptop has not resent yet (after a server
    #: restore): its op id, and the ops after it wait with it until a later round
    waiting: int | None = None
    #: the first pull came as a commune snapshot (rows counted in ``pulled``)
    snapshot: bool = False
    clock_offset_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    #: what the certificates step changed (see :func:`sync_certificates`)
    certificates: dict[str, object] = field(default_factory=dict)
    #: audit entries the server stored this round, and the code of its refusal (see :mod:`sync.audit_push`)
    audit_pushed: int = 0
    audit_refused: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SyncStatus:
    enrolled: bool
    server: str | None
    commune_name: str | None
    pending: int
    rejected: int
    open_conflicts: int
    last_sync_at: str | None
    last_error: str | None
    cursor: int
    clock_offset_seconds: float | None
    #: the server's refusal code when the last round failed with one
    last_error_code: str | None = None

    @property
    def must_enroll_again(self) -> bool:
        """The server no longer knows this laptop's token (its device row was lost in a restore, or the token
        was replaced): it must enroll again with a new code (:func:`enroll`). A revoked laptop (``revoked``)
        cannot."""
        return self.enrolled and self.last_error_code == UNAUTHORIZED


#: the refusal code of a token the server does not know
UNAUTHORIZED = "unauthorized"


def status(db: Database) -> SyncStatus:
    with db.reader() as conn:
        pending = int(conn.exec_driver_sql("SELECT count(*) FROM outbox WHERE status IS NULL").scalar_one())
        rejected = int(conn.exec_driver_sql("SELECT count(*) FROM outbox WHERE status = 'rejected'").scalar_one())
        conflicts = int(conn.exec_driver_sql("SELECT count(*) FROM sync_conflict WHERE status = 'open'").scalar_one())
        meta = {str(k): str(v) for k, v in conn.exec_driver_sql("SELECT key, value FROM meta WHERE key LIKE 'sync.%'")}
    offset = meta.get(local.CLOCK_OFFSET)
    return SyncStatus(
        enrolled=local.TOKEN in meta,
        server=meta.get(local.SERVER),
        commune_name=meta.get(local.COMMUNE_NAME),
        pending=pending,
        rejected=rejected,
        open_conflicts=conflicts,
        last_sync_at=meta.get(local.LAST_SYNC),
        last_error=meta.get(local.LAST_ERROR),
        cursor=int(meta.get(local.CURSOR, "0")),
        clock_offset_seconds=None if offset is None else float(offset),
        last_error_code=meta.get(local.LAST_ERROR_CODE),
    )


def enroll(
    db: Database, server_url: str, code: str, *, transport: Transport | None = None, user_id: str | None = None
) -> P.EnrollResponse:
    """Enroll this laptop with a one-time code; the token is kept in the database (encrypted by issue #6).

    ``user_id``: the signed-in user doing it (the Sync page), who must be a commune operator — checked before
    the server is asked, so a refused call changes nothing anywhere (PermissionDenied); None: the system (the
    ``dlso`` command, after the PIN opened the data).

    An enrolled laptop may enroll again (a new token for the same device id; the server refuses a revoked
    one): after its token was lost, or when the server no longer knows it (:attr:`SyncStatus.must_enroll_again`:
    its device row was lost in a restore). The laptop's data, outbox and cursor are kept: at the next round the
    server's ``last_op_id`` for it (0 for a device it lost) makes it resend every op it still holds, under the
    same op ids, of which the server holds no receipt (docs/SYNC_PROTOCOL.md, "Guarantee 8")."""
    if user_id is not None:
        from dlso_desktop.models import Role
        from dlso_desktop.services.base import check_role, user_role

        with db.reader() as conn:
            role = user_role(conn, user_id)
        check_role(role, Role.COMMUNE_OPERATOR, what_vi="đăng ký máy với máy chủ", what_en="enroll the laptop")
    own = transport or HttpTransport(server_url, retries=2)
    body = P.EnrollRequest(
        code=code.strip(),
        device_id=db.device_id,
        device_name=platform.node()[:120],
        commune_code=db.commune_code,
        app_version=__version__,
    )
    answer = P.EnrollResponse.model_validate(own.post(f"{P.PREFIX}/enroll", body.model_dump()))
    local.set_meta(
        db,
        {
            local.SERVER: server_url.rstrip("/"),
            local.TOKEN: answer.token,
            local.ENROLLED_AT: utc_now(),
            local.COMMUNE_NAME: answer.commune_name,
            local.CURSOR: local.get_meta(db, local.CURSOR) or "0",
            local.LAST_ERROR: None,
            local.LAST_ERROR_CODE: None,
        },
    )
    return answer


def parse_enrollment_text(text: str) -> tuple[str | None, str]:
    """What an enrollment QR image holds: JSON ``{"code": ..., "server": ...}`` (``dlso-server admin
    enrollment-code --qr``) or the bare code. Returns (server or None, code); ValueError if it is neither."""
    import json

    text = text.strip()
    if text.startswith("{"):
        try:
            content = json.loads(text)
        except ValueError:
            raise ValueError("not an enrollment QR code") from None
        code, server = content.get("code") if isinstance(content, dict) else None, None
        if isinstance(content, dict) and isinstance(content.get("server"), str):
            server = content["server"]
        if not isinstance(code, str) or not code.strip():
            raise ValueError("not an enrollment QR code")
        return server, code.strip()
    if 4 <= len(text) <= 64 and all(ch.isalnum() or ch == "-" for ch in text):
        return None, text
    raise ValueError("not an enrollment QR code")


def transport_for(db: Database) -> HttpTransport:
    server = local.get_meta(db, local.SERVER)
    token = local.get_meta(db, local.TOKEN)
    if not server or not token:
        raise NotEnrolled("this laptop is not enrolled with a server")
    return HttpTransport(server, token)


#: records per pull page once the laptop has caught up: small pages keep the progress moving and a page lost on a
#: weak link cheap. A pull from cursor 0 (a first sync without the snapshot, a full re-pull) asks for the
#: server's largest page instead: fewer transactions, so fewer rewrites of the same index pages (on an encrypted
#: laptop each one is encrypted again; measured: 4.8-5.2 s instead of 5.5 s for 149,030 rows, docs/BENCHMARKS.md).
PULL_PAGE = 2000


class SyncEngine:
    def __init__(
        self,
        db: Database,
        transport: Transport,
        *,
        batch_size: int = P.MAX_PUSH_OPS,
        page_size: int | None = None,
        progress: Progress | None = None,
        snapshots: bool = True,
    ) -> None:
        self.db = db
        #: a laptop that never pulled may take the commune snapshot (see sync.bootstrap)
        self.snapshots = snapshots
        self.transport = transport
        self.batch_size = min(batch_size, P.MAX_PUSH_OPS)
        #: records per pull page; None: :data:`PULL_PAGE`, or :data:`P.MAX_PULL_LIMIT` for a pull from cursor 0
        self.page_size = None if page_size is None else min(page_size, P.MAX_PULL_LIMIT)
        self.progress = progress or (lambda _phase, _done, _total: None)

    def run_round(self) -> RoundResult:
        """Push everything pending, then pull everything new. Raises on refusal or when the network fails."""
        result = RoundResult()
        try:
            state = P.StateResponse.model_validate(self.transport.get(f"{P.PREFIX}/state"))
            self._clock(result, state.server_time)
            note = local.reconcile_with_server(self.db, state.last_op_id)
            if note:
                result.notes.append(note)
            self.push(result)
            self.pull(result)
        except Refused as exc:
            local.set_meta(self.db, {local.LAST_ERROR: exc.message_vi, local.LAST_ERROR_CODE: exc.code})
            raise
        except Exception as exc:
            local.set_meta(self.db, {local.LAST_ERROR: f"{type(exc).__name__}: {exc}", local.LAST_ERROR_CODE: None})
            raise
        local.set_meta(self.db, {local.LAST_SYNC: utc_now(), local.LAST_ERROR: None, local.LAST_ERROR_CODE: None})
        local.prune_acknowledged(self.db)
        self.certificates(result)
        push_audit(self.db, self.transport, result)  # never raises, like the certificates step
        return result

    def certificates(self, result: RoundResult, *, now: datetime | None = None) -> None:
        """The certificates step (after push and pull): never raises, problems become notes."""
        sync_certificates(self.db, self.transport, result, now=now)

    def push(self, result: RoundResult) -> None:
        total = local.pending_count(self.db)
        done = 0
        self.progress("push", 0, total)
        waited = False
        while True:
            ops = local.pending_ops(self.db, self.batch_size)
            if not ops:
                break
            through = local.resent_through(self.db, ops[0].op_id)
            if through is not None and local.waited_too_long(self.db, ops[0].op_id):
                # it waited long enough for another laptop to resend what it names: sent as an ordinary op,
                # it is refused for good (unknown_record) if that is still missing, and shown as such
                result.notes.append(
                    f"op {ops[0].op_id} waited {local.RESEND_WAIT_DAYS} days for a record no laptop resent;"
                    " sent without waiting"
                )
                ops, through = ops[:1], None
            request = P.PushRequest(ops=ops, client_time=utc_now(), resent_through=through)
            # the field only when set: servers older than it refuse a request holding a field they do not know
            body = request.model_dump(mode="json", exclude={"resent_through"} if through is None else None)
            answer = P.PushResponse.model_validate(self.transport.post(f"{P.PREFIX}/push", body))
            if answer.resend_from is not None and ops[0].op_id > answer.resend_from and not answer.results:
                raise RuntimeError(f"the server needs op {answer.resend_from} again, which this laptop no longer keeps")
            local.record_results(self.db, answer.results, answer.resend_from)
            for r in answer.results:
                if r.status == P.OpStatus.APPLIED:
                    result.applied += 1
                elif r.status == P.OpStatus.DUPLICATE:
                    result.duplicate += 1
                elif r.status == P.OpStatus.CONFLICT:
                    result.conflict += 1
                else:
                    result.rejected += 1
            if answer.waiting is not None:
                # a resent op names a record, or meets a change of one, that the restored server does not hold
                # yet: it and the ops after it stay pending and go again next round (by then the laptop that
                # made what it depends on may have resent it)
                waited = True
                result.waiting = answer.waiting.op_id
                held = local.note_waiting(self.db, answer.waiting.op_id, answer.waiting.reason)
                since = "" if held is None else f" since {held['since']}"
                result.notes.append(
                    f"op {answer.waiting.op_id} waits on the server{since} ({answer.waiting.reason}): the record"
                    " it names, or a change to it, was lost in the server's restore and its laptop has not resent"
                    " it yet; sent again next round"
                )
                break
            if not answer.results and answer.resend_from is None:
                raise RuntimeError("the server answered no op of a non-empty batch")
            done += len(answer.results)
            self.progress("push", done, max(total, done))
        if not waited:
            local.note_waiting(self.db, None)

    def pull(self, result: RoundResult) -> None:
        """Pages in order; the next page is fetched while the current one is applied (network and server time
        overlap the laptop's writes). Each page is applied with its cursor in one transaction."""
        from concurrent.futures import Future, ThreadPoolExecutor

        cursor = int(local.get_meta(self.db, local.CURSOR) or "0")
        if cursor == 0 and self.snapshots:
            cursor = self.take_snapshot(result)
        self.progress("pull", 0, 0)
        limit = self.page_size or (P.MAX_PULL_LIMIT if cursor == 0 else PULL_PAGE)

        def fetch(after: int) -> Page:
            return parse_page(self.transport.get(f"{P.PREFIX}/pull", {"cursor": after, "limit": limit}))

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dlso-pull") as pool:
            pending: Future[Page] = pool.submit(fetch, cursor)
            while True:
                page = pending.result()
                if page.reset_required:
                    if result.reset:
                        raise RuntimeError("the server asked for a reset twice in one round")
                    result.reset = True
                    result.notes.append(f"server asked for a full pull (cursor {cursor} is not valid there)")
                    local.reset_cursor(self.db, purge_unseen=page.reset_reason == "pruned")
                    cursor = 0
                    limit = self.page_size or P.MAX_PULL_LIMIT
                    pending = pool.submit(fetch, 0)
                    continue
                following = pool.submit(fetch, page.cursor) if page.more else None
                outcome = local.apply_page(self.db, page.changes, page.cursor)
                result.pulled += outcome.applied
                result.kept_local += outcome.kept_local
                cursor = page.cursor
                self.progress("pull", result.pulled, 0)
                if following is None:
                    break
                pending = following
        if local.get_meta(self.db, local.RESET_PENDING):
            removed = local.finish_reset(self.db)
            if removed:
                result.notes.append(f"{removed} records deleted on the server long ago were removed here")

    def take_snapshot(self, result: RoundResult) -> int:
        """A new laptop's first pull as one file (see :mod:`sync.bootstrap`); returns the cursor to pull on
        from (0 when no snapshot was taken: then everything is pulled record by record, as always)."""
        download = getattr(self.transport, "download", None)
        if download is None or not bootstrap.eligible(self.db):
            return 0
        target = self.db.path.with_name(self.db.path.name + ".snapshot")
        bootstrap.discard(target)
        self.progress("snapshot", 0, 0)
        try:
            # an encrypted laptop encrypts the snapshot page by page as it arrives: never a byte of it in clear
            with open(target, "wb") as out:
                writer = self.db.file_writer(out)
                headers = download(
                    f"{P.PREFIX}/snapshot",
                    {"schema": bootstrap.schema_tag()},
                    writer,
                    lambda done, total: self.progress("snapshot", done, total),
                )
                if isinstance(writer, PageEncryptor):
                    writer.finish()
            cursor = int(headers["x-dlso-cursor"])
            adopted = bootstrap.adopt(self.db, target, cursor)
        except Refused as exc:
            if exc.code != "snapshot_unavailable":
                raise  # e.g. a revoked device: pulling would be refused the same way
            result.notes.append("no commune snapshot on the server yet; pulling record by record")
            return 0
        except (TransportError, bootstrap.SnapshotNotUsed, OSError, KeyError, ValueError) as exc:
            result.notes.append(f"commune snapshot not used ({exc}); pulling record by record")
            return 0
        except bootstrap.SQLITE_ERRORS as exc:
            result.notes.append(f"commune snapshot not used ({exc}); pulling record by record")
            return 0
        finally:
            bootstrap.discard(target)
        result.snapshot = True
        result.pulled += adopted.rows
        result.notes.append(f"first sync from the commune snapshot: {adopted.rows} records (cursor {cursor})")
        return cursor

    def _clock(self, result: RoundResult, server_time: str) -> None:
        offset = (parse_utc(server_time) - datetime.now(UTC)).total_seconds()
        result.clock_offset_seconds = offset
        local.set_meta(self.db, {local.CLOCK_OFFSET: f"{offset:.1f}"})
        if abs(offset) > P.CLOCK_WARNING_SECONDS:
            result.notes.append(f"this laptop's clock is off by {offset / 3600:+.1f} hours")


# ---------------------------------------------------------------------------------------------------------
# Certificates: the trust list, this laptop's commune key and its serial blocks (docs/SYNC_PROTOCOL.md,
# "Certificates on the laptop"). Never fails a round: what goes wrong becomes a note and waits for the next.

CERT_TRUST = f"{P.PREFIX}/certificates/trust"
CERT_COMMUNE_KEY = f"{P.PREFIX}/certificates/commune-key"
CERT_SERIALS = f"{P.PREFIX}/certificates/serials"
#: the largest serial a certificate record can carry (4 bytes)
MAX_SERIAL = 0xFFFF_FFFF


class _CertStop(Exception):
    """The certificates step cannot go on this round (the note is written already)."""


def sync_certificates(
    db: Database, transport: Transport, result: RoundResult | None = None, *, now: datetime | None = None
) -> RoundResult:
    """Trust list and revocation lists (public), then the commune key when a newer one is due, then a serial
    block when fewer than ``SERIAL_LOW_MARK`` are left. Callable alone (after enrollment); never raises:
    problems go into ``result.notes`` and ``result.certificates`` says what changed."""
    result = result if result is not None else RoundResult()
    changed: dict[str, object] = {
        "trust_sequence": None,  # the sequence of a newer trust list, stored
        "root_pinned": False,  # the root public key was pinned (first sync of a build without one)
        "revocation_lists": 0,  # revocation lists that added something
        "key_id": None,  # the commune key received and stored
        "serials": None,  # [first, last] of the serial block reserved
    }
    result.certificates = changed
    when = now or datetime.now(UTC)
    try:
        _cert_trust(db, transport, result, changed)
        token = local.get_meta(db, local.TOKEN)
        if not token:
            result.notes.append("certificates: not enrolled, no commune key")
            return result
        _cert_commune_key(db, transport, token, when, result, changed)
        _cert_serials(db, transport, token, result, changed)
    except _CertStop:
        pass
    except Exception as exc:  # a certificates problem never undoes or fails the round
        result.notes.append(f"certificates: step failed ({type(exc).__name__}: {exc})")
    return result


def _cert_call(result: RoundResult, what: str, call: Callable[[], dict[str, object]]) -> dict[str, object]:
    """One request of the step; an old server (404) or no network stops the step with a note."""
    try:
        return call()
    except Refused as exc:
        if exc.status == 404 and exc.code != "no_commune_key":
            result.notes.append("certificates: the server has no certificate service (older server)")
            raise _CertStop from None
        raise
    except TransportError as exc:
        result.notes.append(f"certificates: {what} not received ({exc}); retried next round")
        raise _CertStop from None


def _cert_trust(db: Database, transport: Transport, result: RoundResult, changed: dict[str, object]) -> None:
    from dlso_desktop.certificates import trust

    try:
        raw = _cert_call(result, "trust list", lambda: transport.get(CERT_TRUST))
    except Refused as exc:
        result.notes.append(f"certificates: trust list refused ({exc.code})")
        raise _CertStop from None
    try:
        answer = P.TrustResponse.model_validate(raw)
    except ValueError:
        result.notes.append("certificates: bad trust answer")
        raise _CertStop from None
    stored = trust.store_trust(db, answer.root_public_key, answer.trust_list, answer.revocation_lists)
    changed["trust_sequence"] = stored.trust_sequence
    changed["root_pinned"] = stored.pinned_root
    changed["revocation_lists"] = stored.revocation_lists
    for reason in stored.refused:
        result.notes.append(f"certificates: refused {reason}")


def _cert_commune_key(
    db: Database, transport: Transport, token: str, now: datetime, result: RoundResult, changed: dict[str, object]
) -> None:
    import base64
    import binascii

    from dlso_desktop.certificates import trust
    from dlso_desktop.certificates.keys import public_key_bytes, unwrap_commune_key

    trust_list = trust.load(db).trust_list
    want = trust.current_key(trust_list, db.commune_code, now)
    if trust_list is None or want is None:
        return
    held = trust.commune_key(db, token)
    if held is not None and held[0] == want.certificate.key_id:
        return
    try:
        raw = _cert_call(result, "commune key", lambda: transport.get(CERT_COMMUNE_KEY))
    except Refused as exc:
        if exc.code == "no_commune_key":
            result.notes.append("certificates: no commune key yet")
        else:
            result.notes.append(f"certificates: commune key refused ({exc.code})")
        return
    try:
        answer = P.CommuneKeyResponse.model_validate(raw)
    except ValueError:
        result.notes.append("certificates: bad commune key answer")
        return

    def problem() -> str | None:
        if answer.commune_code != db.commune_code:
            return "other_commune"
        try:
            blob = base64.b64decode(answer.wrapped_key, validate=True)
            key_id, key = unwrap_commune_key(blob, device_token=token, device_id=db.device_id)
        except (binascii.Error, ValueError):  # TrustError is a ValueError
            return "cannot_unwrap"
        entry = trust_list.entry(key_id)
        if key_id != answer.key_id:
            return "key_id_mismatch"
        if entry is None or entry.certificate.commune_code != db.commune_code:
            return "unknown_key"
        if public_key_bytes(key) != entry.certificate.public_key:
            return "wrong_public_key"  # not the key the province vouches for under this id
        if not trust.usable_key(entry, db.commune_code, now):
            return "key_not_valid"
        return None

    why = problem()
    if why is not None:
        result.notes.append(f"certificates: commune key {answer.key_id} refused ({why})")
        return
    if held is not None and held[0] == answer.key_id:
        return
    blob_text = base64.b64encode(base64.b64decode(answer.wrapped_key, validate=True)).decode("ascii")
    local.set_meta(db, {trust.COMMUNE_KEY: blob_text})
    changed["key_id"] = answer.key_id
    if answer.key_id != want.certificate.key_id:
        result.notes.append(
            f"certificates: the server sent key {answer.key_id}, the trust list's current key is"
            f" {want.certificate.key_id}"
        )


def _cert_serials(
    db: Database, transport: Transport, token: str, result: RoundResult, changed: dict[str, object]
) -> None:
    import uuid

    from dlso_desktop.certificates import trust

    if trust.commune_key(db, token) is None:
        return  # serials are only used with a commune key: none are reserved before it arrives
    free = sum(last - first + 1 for first, last in trust.serial_blocks(local.get_meta(db, trust.SERIAL_BLOCKS)))
    if free >= P.SERIAL_LOW_MARK:
        return
    request_id = local.get_meta(db, trust.SERIAL_REQUEST)
    if not request_id:
        request_id = str(uuid.uuid4())
        local.set_meta(db, {trust.SERIAL_REQUEST: request_id})  # kept before asking: a lost answer is asked again
    body = P.SerialBlockRequest(request_id=request_id, count=P.SERIAL_BLOCK).model_dump()
    try:
        raw = _cert_call(result, "serial block", lambda: transport.post(CERT_SERIALS, body))
    except Refused as exc:
        result.notes.append(f"certificates: serial block refused ({exc.code})")
        if exc.status in (400, 409, 422):
            local.set_meta(db, {trust.SERIAL_REQUEST: None})  # that request can never succeed: a new one next time
        return
    try:
        answer = P.SerialBlockResponse.model_validate(raw)
    except ValueError:
        result.notes.append("certificates: bad serial block answer")
        return
    if (
        answer.request_id != request_id
        or answer.commune_code != db.commune_code
        or not 1 <= answer.first <= answer.last <= MAX_SERIAL
        or answer.last - answer.first + 1 > P.MAX_SERIAL_BLOCK
    ):
        result.notes.append("certificates: bad serial block answer")
        return
    if _add_serial_block(db, answer.first, answer.last):
        changed["serials"] = [answer.first, answer.last]


def _add_serial_block(db: Database, first: int, last: int) -> bool:
    """Append the block and forget the request, in one transaction (False when the block was there already)."""
    import json

    from dlso_desktop.certificates import trust

    with db.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        conn.begin()
        try:
            row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (trust.SERIAL_BLOCKS,)).first()
            blocks = trust.serial_blocks(None if row is None else str(row[0]))
            added = not any(a <= last and first <= b for a, b in blocks)
            if added:
                blocks = sorted([*blocks, (first, last)])
            text = json.dumps([list(b) for b in blocks])
            conn.exec_driver_sql(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (trust.SERIAL_BLOCKS, text),
            )
            conn.exec_driver_sql("DELETE FROM meta WHERE key = ?", (trust.SERIAL_REQUEST,))
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    db.meta[trust.SERIAL_BLOCKS] = text
    db.meta.pop(trust.SERIAL_REQUEST, None)
    return added


class BadAnswer(ValueError):
    """The server's answer is not what the protocol says: nothing of it is applied."""


@dataclass(frozen=True, slots=True)
class Page:
    changes: list[P.PulledChange]
    cursor: int
    more: bool
    reset_required: bool
    reset_reason: str | None
    server_time: str


def parse_page(raw: dict[str, object]) -> Page:
    """A pull page, checked field by field without pydantic's per-record cost (pages hold thousands)."""
    try:
        cursor, more, reset = raw["cursor"], raw["more"], raw.get("reset_required", False)
        reason = raw.get("reset_reason")
        if reason is not None and not isinstance(reason, str):
            raise BadAnswer("reset_reason")
        server_time, items = raw["server_time"], raw["changes"]
        if not (isinstance(cursor, int) and isinstance(more, bool) and isinstance(reset, bool)):
            raise BadAnswer("cursor/more/reset_required")
        if not (isinstance(server_time, str) and isinstance(items, list)):
            raise BadAnswer("server_time/changes")
        changes: list[P.PulledChange] = []
        for item in items:
            if not isinstance(item, dict):
                raise BadAnswer("a change is not an object")
            table, row_id, version, deleted, data = (
                item["table"],
                item["row_id"],
                item["version"],
                item["deleted"],
                item["data"],
            )
            if not (
                isinstance(table, str)
                and isinstance(row_id, str)
                and isinstance(version, int)
                and isinstance(deleted, bool)
                and isinstance(data, dict)
            ):
                raise BadAnswer(f"change {item.get('row_id')!r} has wrong types")
            changes.append(P.PulledChange(table, row_id, version, deleted, data))
    except KeyError as exc:
        raise BadAnswer(f"missing {exc}") from None
    return Page(changes, cursor, more, reset, reason, server_time)
