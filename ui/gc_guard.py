"""Python's cycle collector, run on the GUI thread only.

CPython collects reference cycles whenever allocations pass a threshold, in whatever thread is allocating at
that moment. When a cycle holds a Qt widget (a page keeps a lambda that keeps the page), the widget is then
destroyed on a worker thread of ``ui.tasks`` — and Qt crashes, sometimes much later, with no Python
traceback. The cure, as in Anki: switch the automatic collector off and collect from a timer on the GUI
thread, with the same thresholds CPython would have used.
"""

import gc

from ui.qt import QObject, QtCore


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        gc.disable()
        self._timer = QtCore.QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> int:
        """Collect the generations whose counts passed CPython's own thresholds; returns the objects freed."""
        t0, t1, t2 = self._threshold
        c0, c1, c2 = gc.get_count()
        freed = 0
        if c0 > t0:
            freed = gc.collect(0)
            if c1 > t1:
                freed += gc.collect(1)
                if c2 > t2:
                    freed += gc.collect(2)
        return freed

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()
