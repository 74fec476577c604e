# Halo Lamsel — the commands a newcomer needs. `make run` and `make test` do all the set-up.
SHELL := /bin/bash
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)

.PHONY: help run test test-unit lint up down bench clean web

help:
	@echo "make web    - build the web app (web/dist) when its sources changed"
	@echo "make run    - Halo Lamsel all-in-one (SQLite, in-process events, demo data) on http://127.0.0.1:8000"
	@echo "make test   - the whole suite: unit + integration against real PostgreSQL and Kafka"
	@echo "make lint   - ruff, mypy and the SOP definition check"
	@echo "make up     - distributed mode on this machine (PostgreSQL, Kafka, one process per service)"
	@echo "make down   - stop the distributed mode"
	@echo "make bench  - run the benchmarks in bench/"

# uv installs the pinned dependencies from uv.lock into .venv.
$(VENV)/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	uv sync --frozen --quiet
	@touch $@

# The web app (web/): npm ci from its lockfile, then a Vite build into web/dist, redone only
# when a source, the lockfile or the build configuration changed. No build output is committed.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
	web/vite.config.ts web/tsconfig.json web/package.json
web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run build

web: web/dist/index.html

run: $(VENV)/.synced web
	$(PY) -m gateway.allinone --host 127.0.0.1 --port 8000

test: $(VENV)/.synced web
	deploy/local/test.sh

test-unit: $(VENV)/.synced
	$(PY) -m pytest -q -m "not integration"

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m shared.sop.check services/*/sops

up: $(VENV)/.synced
	deploy/local/distributed.sh up

down:
	deploy/local/distributed.sh down

bench: $(VENV)/.synced
	deploy/local/bench.sh

clean:
	rm -rf var .pytest_cache .ruff_cache .mypy_cache web/dist web/build
