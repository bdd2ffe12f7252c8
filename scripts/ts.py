"""Keep the Vietnamese translations in step with the code (a developer tool, not shipped).

    python scripts/ts.py update ui/households.py   # extract tr() strings into .../households_vi.ts
    python scripts/ts.py fill resources/translations/households_vi.ts vi.json   # {"English": "Tiếng Việt"}
    python scripts/ts.py check                     # every string present and translated; exit 1 if not
    python scripts/ts.py todo resources/translations/households_vi.ts   # what is still untranslated

``update`` runs ``pyside6-lupdate`` (existing translations are kept). ``fill`` writes translations for the
sources it is given and marks them finished. ``make test`` runs the same checks through
``tests/test_translations.py``.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_DIR = ROOT / "resources" / "translations"


def lupdate() -> str:
    exe = Path(sys.executable).with_name("pyside6-lupdate")
    return str(exe) if exe.exists() else (shutil.which("pyside6-lupdate") or "pyside6-lupdate")


def ts_for(module: Path) -> Path:
    return TS_DIR / f"{module.stem}_vi.ts"


def update(module: Path, ts: Path | None = None) -> Path:
    ts = ts or ts_for(module)
    ts.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [lupdate(), "-silent", "-no-obsolete", "-target-language", "vi_VN", str(module), "-ts", str(ts)], check=True
    )
    return ts


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) for every message of a .ts file."""
    out = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            assert tr is not None
            out.append((name, msg.findtext("source") or "", tr))
    return out


def untranslated(ts: Path) -> list[tuple[str, str]]:
    return [
        (c, s)
        for c, s, tr in messages(ts)
        if tr.get("type") in ("unfinished", "vanished", "obsolete") or not "".join(tr.itertext()).strip()
    ]


def fill(ts: Path, mapping: dict[str, str]) -> int:
    tree = ET.parse(ts)
    n = 0
    for msg in tree.getroot().iter("message"):
        src = msg.findtext("source") or ""
        tr = msg.find("translation")
        if tr is not None and src in mapping:
            forms = tr.findall("numerusform")
            if forms:  # Vietnamese has one plural form
                for form in forms:
                    form.text = mapping[src]
            else:
                tr.text = mapping[src]
            tr.attrib.pop("type", None)
            n += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return n


def stale(module: Path) -> set[str]:
    """Sources in the module that its committed .ts does not have yet (run `update`)."""
    ts = ts_for(module)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = update(module, Path(tmp) / ts.name)
        wanted = {(c, s) for c, s, _ in messages(fresh)}
    have = {(c, s) for c, s, _ in messages(ts)} if ts.exists() else set()
    return {f"{c}: {s}" for c, s in wanted - have}


def modules() -> list[Path]:
    return sorted(p for p in (ROOT / "ui").glob("*.py") if ".tr(" in p.read_text(encoding="utf-8"))


def check() -> list[str]:
    problems = []
    for module in modules():
        ts = ts_for(module)
        problems += [f"{module.name}: not in {ts.name}: {m}" for m in sorted(stale(module))]
        if ts.exists():
            problems += [f"{ts.name}: untranslated [{c}] {s!r}" for c, s in untranslated(ts)]
    for ts in sorted(TS_DIR.glob("qtbase_*.ts")):
        problems += [f"{ts.name}: untranslated [{c}] {s!r}" for c, s in untranslated(ts)]
    return problems


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    cmd, *args = argv
    if cmd == "update":
        for a in args:
            print(update(Path(a)))
    elif cmd == "fill":
        print(fill(Path(args[0]), json.loads(Path(args[1]).read_text(encoding="utf-8"))), "filled")
    elif cmd == "todo":
        for c, s in untranslated(Path(args[0])):
            print(json.dumps({s: ""}, ensure_ascii=False)[1:-1], f"  # {c}")
    elif cmd == "check":
        problems = check()
        print("\n".join(problems) or "all translated")
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
