# Halo Lamsel — the commands a newcomer needs. `make run` and `make test` do all the set-up.
SHELL := /bin/bash
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
# `make run` listens here: `make run PORT=8010`, `make run HOST=0.0.0.0 PORT=8010`.
HOST := 127.0.0.1
PORT := 8000
export PYTHONPATH := $(CURDIR)

.PHONY: help run test test-unit lint up down bench clean web

help:
	@echo "make web    - build the web app (web/dist) when its sources changed"
	@echo "make run    - Halo Lamsel all-in-one (SQLite, in-process events, demo data) on http://$(HOST):$(PORT)"
	@echo "              (make run PORT=8010 HOST=127.0.0.1; needs Python 3.11, see README)"
	@echo "make test   - the whole suite: unit + integration against real PostgreSQL and Kafka"
	@echo "make lint   - ruff, mypy and the SOP definition check"
	@echo "make up     - distributed mode on this machine (PostgreSQL, Kafka, one process per service)"
	@echo "make down   - stop the distributed mode"
	@echo "make bench  - run the benchmarks in bench/"

# uv installs the pinned dependencies from uv.lock into .venv, on Python 3.11. uv is the one on
# PATH, else one pip-installed into the venv .tools (never into the system Python, which Debian 12
# and Ubuntu 24.04 refuse: externally-managed-environment): deploy/local/bootstrap.sh.
$(VENV)/.synced: pyproject.toml uv.lock deploy/local/bootstrap.sh
	@UV_VERSION=$(UV_VERSION) deploy/local/bootstrap.sh
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
	$(PY) -m gateway.allinone --host $(HOST) --port $(PORT)

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
	rm -rf var .tools .pytest_cache .ruff_cache .mypy_cache web/dist web/build
