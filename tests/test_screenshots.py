"""``make screenshots`` (ui/screenshots.py): the sign-in screen of an encrypted laptop, every page the commune
operator sees (all of them) and the two main dialogs, in Vietnamese, at 1366x768 — one file each, numbered in
navigation order, so that the README's pictures follow the screens as they change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ui import screenshots
from ui.main_window import PAGES
from ui.qt import QtGui


def test_every_screen_is_written_once_in_order(tmp_path: Path, qapp: Any) -> None:
    written = screenshots.take(tmp_path / "shots")
    pages = [key for key, _module, _cls in PAGES]
    keys = ["sign-in", *pages, "household-form", "visit-flow"]
    assert [p.name for p in written] == [f"{i:02d}-{key}.png" for i, key in enumerate(keys, start=1)]
    assert sorted(p.name for p in (tmp_path / "shots").iterdir()) == [p.name for p in written]
    for path in written:
        image = QtGui.QImage(str(path))
        assert not image.isNull(), path
        if path.stem.split("-", 1)[1] in pages:
            assert (image.width(), image.height()) == screenshots.SIZE, path
