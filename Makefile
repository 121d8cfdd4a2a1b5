# Two commands on a fresh Debian/Ubuntu machine: `make run` and `make test`.
SHELL := /bin/bash
# The distribution's Python (3.11 or later, with venv) when there is one, else the first python3
# on PATH; PYTHON=... overrides. Debian's interpreter (linked statically, built with the
# distribution's flags) ran a search's Python on 11% less CPU than a default source build (pyenv's:
# libpython a shared library, no --enable-optimizations): docs/performance.md, "Interpreter".
SYSTEM_PYTHON := $(shell /usr/bin/python3 -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo /usr/bin/python3)
PYTHON ?= $(or $(SYSTEM_PYTHON),python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Without DATABASE_URL, a project-local cluster (scripts/db.sh) is started and used.
ifdef DATABASE_URL
DB_UP := @echo "[db] DATABASE_URL is set: using that server"
else
export DATABASE_URL := $(shell bash scripts/db.sh url)
DB_UP := bash scripts/db.sh up
endif

.PHONY: run test setup fonts browser-tools db migrate seed lint typecheck pytest stop bench bench-tools clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Browser tests: Debian's chromium + chromium-driver, and axe-core from npm.
BROWSER_PKGS := chromium chromium-driver
node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

browser-tools: node_modules/.installed
	@if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PKGS) >/dev/null; \
	  else echo "Browser tests need: sudo apt-get install -y $(BROWSER_PKGS)"; fi; \
	fi

# PDFs are set in DejaVu Sans.
fonts:
	@if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; \
	  else echo "PDFs need: sudo apt-get install -y fonts-dejavu-core"; fi; \
	fi

setup: $(VENV)/.installed fonts

db: setup
	$(DB_UP)

migrate: db
	$(BIN)/waymark db upgrade

seed: migrate
	$(BIN)/waymark db seed

run: seed
	$(BIN)/waymark serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy app scrapers bench

pytest: db browser-tools
	$(BIN)/pytest

test: db lint typecheck pytest

# Benchmarks (never part of `make test`): wrk from Debian for the HTTP load.
bench-tools:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "The HTTP benchmark needs: sudo apt-get install -y wrk"; exit 1; fi; }

bench: seed bench-tools
	$(BIN)/python -m bench.run

stop:
	bash scripts/db.sh stop

clean: stop
	rm -rf $(VENV) .pgdata
