"""Automatic sync in the background, owned by the main window.

When the laptop is enrolled the controller runs a round (:meth:`sync.engine.SyncEngine.run_round`)

* some seconds after the last local change (screens call ``ctx.data_changed()``; a cheap periodic recount of
  the pending ops also notices changes made by a screen that forgot to say so),
* every few minutes (to pull what other laptops sent),
* when the user presses "Sync now" on the Sync page (:meth:`SyncController.sync_now`),

never two at once: a request that arrives while a round runs is queued as one more round. A failed round is
recorded (``reachability``, ``last_error``) and retried at the next tick or change, never shown in a dialog.
Rounds and enrollment run on the read/network pool of :class:`ui.tasks.Tasks`, so a slow server never delays a
save; the engine's own writes are short transactions that queue behind the app's.

The network is reached through a *transport factory* ``(server_url, token or None) -> Transport``: the app uses
:class:`sync.transport.HttpTransport`, tests an in-process server.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from dlso_desktop.logsafe import describe
from ui.qt import QObject, QtCore, Signal

if TYPE_CHECKING:
    from sync.engine import RoundResult, SyncStatus
    from sync.protocol import EnrollResponse
    from sync.transport import Transport
    from ui.app_context import AppContext

log = logging.getLogger(__name__)

#: ``(server_url, token)`` -> a transport; ``token`` is None for enrollment
TransportFactory = Callable[[str, "str | None"], "Transport"]


def http_transport(server_url: str, token: str | None) -> Transport:
    from sync.transport import HttpTransport

    if token is None:
        return HttpTransport(server_url, retries=2)
    return HttpTransport(server_url, token, retries=2)


def _close(transport: object) -> None:
    close = getattr(transport, "close", None)
    if callable(close):
        close()


@dataclass(frozen=True, slots=True)
class SyncTiming:
    """When automatic rounds happen (milliseconds); tests make them short."""

    debounce_ms: int = 20_000  # after the last local change
    interval_ms: int = 300_000  # in any case, every five minutes
    poll_ms: int = 60_000  # recount pending changes (a change no screen announced still gets synced)
    first_round_ms: int = 5_000  # after the window opens


class Reachability(enum.Enum):
    NOT_ENROLLED = "not_enrolled"
    UNKNOWN = "unknown"  # enrolled, no round tried yet in this session
    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"


class RoundCancelled(BaseException):
    """Raised from the progress callback to stop a round when the app closes.

    A BaseException like ``GeneratorExit``: it is a stop, not an error, so the engine does not record it as
    the round's error. The engine is safe to interrupt anywhere (SYNC.md guarantee 7).
    """


class SyncController(QObject):
    #: the status (enrolled, pending, last sync, reachability…) changed
    state_changed = Signal()
    round_started = Signal()
    #: (phase "push"/"pull", done, total — 0 when unknown), on the GUI thread
    progress = Signal(str, int, int)
    #: a RoundResult, or the exception that ended the round
    round_finished = Signal(object)
    #: emitted from worker threads; relayed to :attr:`progress` on the GUI thread
    _progress_from_worker = Signal(str, int, int)

    def __init__(
        self,
        ctx: AppContext,
        transport_factory: TransportFactory | None = None,
        timing: SyncTiming | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        from sync import local

        self.ctx = ctx
        self.transport_factory: TransportFactory = transport_factory or http_transport
        self.timing = timing or SyncTiming()
        # the database's in-memory copy of its meta table says whether it is enrolled, without a query
        enrolled = local.TOKEN in ctx.db.meta
        self.reachability = Reachability.UNKNOWN if enrolled else Reachability.NOT_ENROLLED
        self.status: SyncStatus | None = None
        self.last_result: RoundResult | None = None
        self.last_failure: BaseException | None = None
        self.running = False
        self.rounds_started = 0
        self._again = False
        self._closing = False
        self._status_seq = 0
        self._pending_seen: int | None = None
        self._announcing = False
        self._progress_from_worker.connect(self.progress)  # queued: emitted on a worker thread

        self._debounce = QtCore.QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.timing.debounce_ms)
        self._debounce.timeout.connect(self._auto_round)
        self._interval = QtCore.QTimer(self)
        self._interval.setInterval(self.timing.interval_ms)
        self._interval.timeout.connect(self._auto_round)
        self._poll = QtCore.QTimer(self)
        self._poll.setInterval(self.timing.poll_ms)
        self._poll.timeout.connect(self.refresh)
        self._first = QtCore.QTimer(self)
        self._first.setSingleShot(True)
        self._first.setInterval(self.timing.first_round_ms)
        self._first.timeout.connect(self._auto_round)

    # -- life cycle ------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin automatic work: a status read now, a first round soon if enrolled, then the timers."""
        self._interval.start()
        self._poll.start()
        if self.enrolled:
            self._first.start()
        self.refresh()

    def shutdown(self) -> None:
        """The app closes: no new rounds; a running one stops at its next step."""
        self._closing = True
        for timer in (self._debounce, self._interval, self._poll, self._first):
            timer.stop()

    @property
    def enrolled(self) -> bool:
        return self.reachability is not Reachability.NOT_ENROLLED

    @property
    def must_enroll_again(self) -> bool:
        """The last round was refused with ``unauthorized``: the server no longer knows this laptop (its device
        was lost in a server restore, or its token replaced). It must enroll again with a new code; its data and
        unsent work stay and are sent after that."""
        from sync.engine import UNAUTHORIZED
        from sync.transport import Refused

        if not self.enrolled:
            return False
        if self.last_failure is not None or self.last_result is not None:
            return isinstance(self.last_failure, Refused) and self.last_failure.code == UNAUTHORIZED
        return self.status is not None and self.status.must_enroll_again  # refused in an earlier session

    @property
    def debounce_active(self) -> bool:
        return self._debounce.isActive()

    # -- status ----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the sync status in the background (cheap: three counts and the meta rows)."""
        from sync import engine

        self._status_seq += 1
        seq = self._status_seq
        db = self.ctx.db
        self.ctx.tasks.run(lambda: engine.status(db), lambda st: self._status_read(seq, st), self._status_failed)

    def local_change(self) -> None:
        """A screen changed data (``ctx.data_changed()``): recount, and sync a little later."""
        if self.enrolled and not self._closing and not self._announcing:
            self._debounce.start()
        self.refresh()

    def _status_read(self, seq: int, status: SyncStatus) -> None:
        if seq != self._status_seq:
            return  # an older read finished after a newer one started
        self.status = status
        if not status.enrolled:
            self.reachability = Reachability.NOT_ENROLLED
        elif self.reachability is Reachability.NOT_ENROLLED:
            self.reachability = Reachability.UNKNOWN
        grew = self._pending_seen is not None and status.pending > self._pending_seen
        self._pending_seen = status.pending
        if grew and status.enrolled and not self._closing and not self._debounce.isActive():
            self._debounce.start()  # changes nobody announced
        self.state_changed.emit()

    def _status_failed(self, exc: BaseException) -> None:
        log.warning("could not read the sync status:\n%s", describe(exc))

    # -- rounds ----------------------------------------------------------------------------------------------

    def _auto_round(self) -> None:
        if self.enrolled and not self._closing:
            self.sync_now()

    def sync_now(self) -> bool:
        """Start a round now (or right after the running one). False when not enrolled or closing."""
        if not self.enrolled or self._closing:
            return False
        self._debounce.stop()
        self._first.stop()
        if self.running:
            self._again = True
            return True
        self.running = True
        self._again = False
        self.rounds_started += 1
        self.round_started.emit()
        self.state_changed.emit()
        self.ctx.tasks.run(self._round_in_background, self._round_done, self._round_failed)
        return True

    def _round_in_background(self) -> RoundResult:  # worker thread: no widget, no Qt object but the signal
        from sync import engine, local

        db = self.ctx.db
        server = local.get_meta(db, local.SERVER)
        token = local.get_meta(db, local.TOKEN)
        if not server or not token:
            raise engine.NotEnrolled("this laptop is not enrolled with a server")

        def progress(phase: str, done: int, total: int) -> None:
            if self._closing:
                raise RoundCancelled("the app is closing")
            self._progress_from_worker.emit(phase, done, total)

        transport = self.transport_factory(server, token)
        try:
            return engine.SyncEngine(db, transport, progress=progress).run_round()
        finally:
            _close(transport)

    def _round_done(self, result: RoundResult) -> None:
        self.running = False
        self.last_result = result
        self.last_failure = None
        self.reachability = Reachability.REACHABLE
        self.round_finished.emit(result)
        self._after_round(announce=result.pulled > 0)

    def _round_failed(self, exc: BaseException) -> None:
        from sync.engine import NotEnrolled
        from sync.transport import TransportError

        self.running = False
        self.last_failure = exc
        if isinstance(exc, NotEnrolled):
            self.reachability = Reachability.NOT_ENROLLED
        elif isinstance(exc, TransportError | OSError):
            self.reachability = Reachability.UNREACHABLE
        elif not isinstance(exc, RoundCancelled):
            self.reachability = Reachability.REACHABLE  # the server answered, with a refusal or nonsense
        log.warning("sync round failed:\n%s", describe(exc))
        self.round_finished.emit(exc)
        self._after_round(failed=True)

    def _after_round(self, *, announce: bool = False, failed: bool = False) -> None:
        self._pending_seen = None  # the round's own acknowledgements are not "changes"
        if announce:  # pulled records: screens refresh (without that counting as a local change)
            self._announcing = True
            try:
                self.ctx.data_changed()
            finally:
                self._announcing = False
        self.refresh()
        if self._again and not failed and not self._closing:
            self.sync_now()
        self._again = False
        self.state_changed.emit()

    # -- enrollment ------------------------------------------------------------------------------------------

    def enroll(
        self,
        server_url: str,
        code: str,
        on_done: Callable[[EnrollResponse], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Enroll in the background; ``on_done``/``on_error`` run on the GUI thread. Nothing is stored on failure."""
        from sync import engine

        db = self.ctx.db
        factory = self.transport_factory
        user_id = self.ctx.user.id if self.ctx.user is not None else ""  # only an operator enrolls (engine checks)

        def work() -> EnrollResponse:
            transport = factory(server_url, None)
            try:
                return engine.enroll(db, server_url, code, transport=transport, user_id=user_id)
            finally:
                _close(transport)

        def done(answer: EnrollResponse) -> None:
            self.reachability = Reachability.REACHABLE
            self.last_failure = None  # an "unauthorized" refusal is answered by this new token
            if self.status is not None:  # until the status is read again: enroll() cleared the refusal
                self.status = replace(self.status, last_error=None, last_error_code=None)
            self._pending_seen = None
            on_done(answer)
            self.refresh()
            self.sync_now()  # send what this laptop holds and receive the commune's data

        self.ctx.tasks.run(work, done, on_error)
