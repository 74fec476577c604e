#!/usr/bin/env bash
# The whole suite: starts a throw-away PostgreSQL and a real Kafka broker (KRaft, Maven
# Central jars), runs every test tier against them, and stops what it started, pass or fail.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export PYTHONPATH="$ROOT"
export PGPORT="${PGPORT:-55432}"
export KAFKA_DATA="${KAFKA_DATA:-$ROOT/var/test-kafka}"
export KAFKA_PORT="${KAFKA_PORT:-19092}"
export HALO_KAFKA_BOOTSTRAP="127.0.0.1:${KAFKA_PORT}"

cleanup() {
  deploy/local/kafka.sh stop || true
  deploy/local/postgres.sh stop || true
}
trap cleanup EXIT

deploy/local/postgres.sh start
KAFKA_FRESH=1 deploy/local/kafka.sh start

export HALO_TEST_PG_URL="postgresql+asyncpg://postgres@127.0.0.1:${PGPORT}/halo_test"
export HALO_TEST_PG_ADMIN_URL="postgresql+asyncpg://postgres@127.0.0.1:${PGPORT}/postgres"
export HALO_TEST_KAFKA="$HALO_KAFKA_BOOTSTRAP"
export HALO_TEST_REQUIRE_INTEGRATION=1
# The web app (built by `make test` first): its unit tests, the check that its API types
# (src/api/schema.d.ts) are what `npm run gen:api` makes from the current code, then its browser
# tests in Debian's Chromium (installed by postgres.sh above) against an all-in-one process they
# start themselves; screenshots and the axe-core check of each main page land in var/screenshots.
(cd web && npm test --silent && npm run --silent check:api && npm run --silent test:browser)
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
