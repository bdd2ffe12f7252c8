"""The app's cycle collector runs on the GUI thread only (ui/gc_guard.py)."""

from __future__ import annotations

import gc
import weakref

from ui.gc_guard import GuiThreadCollector
from ui.qt import QtWidgets


class _Cyclic:
    def __init__(self) -> None:
        self.me = self


def test_the_collector_owns_collection_and_frees_cycles_from_the_gui_thread(qapp: QtWidgets.QApplication) -> None:
    was_enabled = gc.isenabled()
    collector = GuiThreadCollector(interval_ms=60_000)
    try:
        assert not gc.isenabled()  # no more automatic collections, in any thread
        gc.collect()  # every count at zero: what follows is young
        junk = _Cyclic()
        gone = weakref.ref(junk)
        del junk
        collector.check()
        assert gone() is not None  # below the threshold: nothing collected yet
        keep = [_Cyclic() for _ in range(gc.get_threshold()[0] + 10)]  # past generation 0's threshold
        assert collector.check() >= 1
        assert gone() is None
        assert all(k.me is k for k in keep)  # what is still referenced stays
    finally:
        collector.stop()
    assert gc.isenabled()
    if not was_enabled:
        gc.disable()
