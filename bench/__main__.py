"""Run every benchmark: `make bench` (or `python -m bench [name ...]`)."""

import sys

from bench import big_db, cert_bench, cert_pdf_bench, dist_bench, encryption_bench, sync_bench, ui_bench, write_path

BENCHES = {
    "write_path": write_path.run,
    "big_db": big_db.run,
    "ui": ui_bench.run,
    "sync": sync_bench.run,
    "certificates": cert_bench.run,
    "cert_pdf": cert_pdf_bench.run,
    "cert_session": cert_pdf_bench.run_session,
    "encryption": encryption_bench.run,
    "dist": dist_bench.run,
}

names = sys.argv[1:] or list(BENCHES)
for name in names:
    if name not in BENCHES:
        sys.stderr.write(f"unknown benchmark {name!r}; choose from {', '.join(BENCHES)}\n")
        raise SystemExit(2)
    BENCHES[name]()
