"""A laptop the server no longer knows (its device row lost in a server restore): the round is refused with
``unauthorized``, the Sync page shows "Enroll this laptop again" with the code field, and once enrolled again
the laptop resends everything it holds (docs/SYNC_PROTOCOL.md, "Guarantee 8")."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sync_support import Laptop, Server, family
from test_ui_sync import COMMUNE, close, laptops, make_ctx, open_page, server  # noqa: F401  (fixtures)

from sync import engine as sync_engine
from sync import local
from sync.transport import Refused
from ui.qt import QApplication, Qt


def _forget_device(srv: Server, device_id: str) -> None:
    """What a restore from a backup made before the laptop enrolled does to it on the server."""
    with srv.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM op_receipt WHERE device_id = ?", (device_id,))
        conn.exec_driver_sql("DELETE FROM device WHERE id = ?", (device_id,))


def test_a_laptop_refused_as_unknown_enrolls_again_from_the_page_and_resends_everything(
    qtbot: QtBot,
    laptops: list[Laptop],  # noqa: F811  (the fixture imported above)
    server: Server,  # noqa: F811
    tmp_path: Path,
) -> None:
    from PySide6.QtTest import QTest

    a = laptops[0]
    a.enroll()
    village = a.services.villages.create("Buôn Kô Tam", "buon")
    a.services.households.create(family(village.id))
    a.sync()
    ops = sync_engine.status(a.db)
    assert ops.pending == 0
    _forget_device(server, a.db.device_id)

    ctx = make_ctx(a, tmp_path)
    page, controller = open_page(qtbot, ctx, server)
    assert page.stack.currentWidget() is page.status_view
    with qtbot.waitSignal(controller.round_finished, timeout=10_000) as finished:
        controller.sync_now()
    refused = finished.args[0]
    assert isinstance(refused, Refused) and refused.code == "unauthorized"
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.enroll_view, timeout=10_000)
    assert page.enroll_box.title() == "Enroll this laptop again"
    assert page.enroll_button.text() == "&Enroll again"
    assert page.server_edit.text() == local.get_meta(a.db, local.SERVER)  # the same server, a new code
    assert sync_engine.status(a.db).must_enroll_again

    page.code_edit.setText(server.code(COMMUNE))
    QTest.mouseClick(page.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.status_view, timeout=10_000)
    qtbot.waitUntil(lambda: controller.last_result is not None and not controller.running, timeout=10_000)
    result = controller.last_result
    assert result is not None and result.rejected == 0
    with a.db.reader() as conn:
        max_op = int(conn.exec_driver_sql("SELECT max(op_id) FROM outbox").scalar_one())
    assert result.applied == max_op  # everything it ever pushed, under the same op ids
    with server.engine.connect() as conn:
        last = conn.exec_driver_sql("SELECT last_op_id FROM device WHERE id = ?", (a.db.device_id,)).scalar_one()
    assert int(last) == max_op
    assert not sync_engine.status(a.db).must_enroll_again and not controller.must_enroll_again
    QApplication.processEvents()
    close(page)
