"""The one helper that runs long work off the GUI thread.

``Tasks.run(fn, on_done, on_error)`` runs ``fn`` on a worker thread; ``on_done(result)`` or
``on_error(exc)`` then runs on the GUI thread. Two pools, as in Anki and Picard: writes go through a pool of
one thread (SQLite has one writer; saves never race), reads and network through a small separate pool, so a
slow read never delays a save. Widgets never start threads themselves.
"""

import logging
from collections.abc import Callable
from typing import Any

from dlso_desktop.logsafe import describe
from ui.qt import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; worker threads emit, Qt queues the call to the GUI thread."""

    done = Signal(object, object)  # (callback, result)
    failed = Signal(object, object)  # (callback, exception)


class _Job(QRunnable):
    def __init__(
        self,
        fn: Callable[[], Any],
        relay: _Relay,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__()
        self.fn, self.relay, self.on_done, self.on_error = fn, relay, on_done, on_error

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # reported on the GUI thread, never swallowed
            log.error("background task failed:\n%s", describe(exc))  # no message: it may name people
            self.relay.failed.emit(self.on_error, exc)
            return
        self.relay.done.emit(self.on_done, result)


class Tasks(QObject):
    def __init__(self, on_unhandled_error: Callable[[BaseException], None] | None = None) -> None:
        super().__init__()
        self._relay = _Relay()
        self._relay.done.connect(self._deliver)
        self._relay.failed.connect(self._deliver_error)
        self._writes = QThreadPool()
        self._writes.setMaxThreadCount(1)
        self._reads = QThreadPool()
        self._reads.setMaxThreadCount(2)
        self._unhandled = on_unhandled_error

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        write: bool = False,
    ) -> None:
        pool = self._writes if write else self._reads
        pool.start(_Job(fn, self._relay, on_done, on_error))

    def write(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.run(fn, on_done, on_error, write=True)

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for all running work (shutdown, tests)."""
        return self._writes.waitForDone(msecs) and self._reads.waitForDone(msecs)

    def _deliver(self, callback: Callable[[Any], None] | None, result: Any) -> None:
        if callback is not None:
            callback(result)

    def _deliver_error(self, callback: Callable[[BaseException], None] | None, exc: BaseException) -> None:
        if callback is not None:
            callback(exc)
        elif self._unhandled is not None:
            self._unhandled(exc)
        else:
            raise exc
