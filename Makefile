# DLSO Desktop — set-up and everyday commands. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Find a Python >= 3.12: an explicit $(PYTHON), then python3.13/python3.12/python3 on PATH, then pyenv's
# installed versions (installed but not selected on some machines, so a bare `python3.12` may fail).
PYTHON ?= $(shell for c in python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -r); do \
	  if command -v "$$c" >/dev/null 2>&1 && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v "$$c"; break; fi; done)

TS := $(wildcard resources/translations/*.ts)
QM := $(TS:.ts=.qm)

.PHONY: venv run test lint typecheck bench server server-pg clean qm translations screenshots dist

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "DLSO needs Python 3.12 or newer and none was found."; \
	  echo "Install it (Windows/macOS: https://www.python.org/downloads/ ; Debian/Ubuntu: apt install python3.12 python3.12-venv)"; \
	  echo "or name one explicitly: make PYTHON=/path/to/python3.12 ..."; exit 1; fi
	@[ -x $(PY) ] || { echo "Creating $(VENV) with $(PYTHON)"; "$(PYTHON)" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

# Compiled translations (.qm, not committed) from the .ts sources.
resources/translations/%.qm: resources/translations/%.ts $(STAMP)
	@$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

qm: $(QM)

# Re-extract every UI module's tr() strings into its .ts (existing translations are kept).
translations: $(STAMP)
	@for m in $$(grep -l '\.tr(' ui/*.py); do $(PY) scripts/ts.py update $$m; done
	$(PY) scripts/ts.py check

run: $(STAMP) $(QM)
	$(PY) main.py

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

test: $(STAMP) $(QM)
	$(PY) -m ruff check .
	$(PY) -m mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q
	QT_QPA_PLATFORM=offscreen $(PY) main.py --self-test

bench: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

# The provincial sync server on 127.0.0.1:8000: an SQLite file under ./server-data unless
# $DLSO_SERVER_DATABASE_URL names another database (`dlso-server --help` for the admin commands).
server: $(STAMP)
	$(PY) -m sync.server.cli serve

# The same server on a PostgreSQL cluster of its own (Debian's `postgresql` package), to try the production setting
# on one machine; Ctrl+C stops the server and the cluster, and deletes it (docs/DEPLOY.md, "Trying it on one
# machine"). SERVER_PG_ARGS="--dir /tmp/dlso-pg-data --workers 2 --port 8001" keeps the cluster there, and so on.
server-pg: $(STAMP)
	$(PY) -m sync.server.pgcluster $(SERVER_PG_ARGS)

# The desktop build: a folder app in dist/DLSO-<version>/ (pyinstaller.spec; Windows: docs/BUILD_WINDOWS.md).
dist: $(STAMP) $(QM)
	$(PY) -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller pyinstaller.spec

screenshots: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(PY) -m ui.screenshots docs/screenshots

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build dist *.egg-info resources/translations/*.qm
