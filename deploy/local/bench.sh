#!/usr/bin/env bash
# The benchmarks of bench/ (docs/benchmarks.md): starts PostgreSQL and Kafka if they are not
# already running, runs the six scripts, and stops what it started, pass or fail.
#
#   deploy/local/bench.sh            full run (several minutes)
#   deploy/local/bench.sh --quick    short run; also BENCH_QUICK=1 (e.g. `make bench BENCH_QUICK=1`)
#
# Data folders: $PGDATA (default var/bench-pg) and $KAFKA_DATA (default var/bench-kafka, wiped
# on each start).
# The ports (PostgreSQL 127.0.0.1:$PGPORT, default 55432; Kafka 127.0.0.1:$KAFKA_PORT, default 19092):
# when something already listens there (another checkout's cluster, a running `make up`),
# that server is used as it is and left running. Each script makes its own halo_bench_*
# databases (dropped and created afresh); Kafka gets the topic halo.dukcapil.case-events.v1.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export PYTHONPATH="$ROOT"
export PGPORT="${PGPORT:-55432}"
export KAFKA_PORT="${KAFKA_PORT:-19092}"
export PGDATA="${PGDATA:-$ROOT/var/bench-pg}"
export KAFKA_DATA="${KAFKA_DATA:-$ROOT/var/bench-kafka}"
PY="$ROOT/.venv/bin/python"

ARGS=()
for arg in "$@"; do
  case "$arg" in
    --quick) ARGS+=(--quick) ;;
    *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
  esac
done
if [[ "${BENCH_QUICK:-0}" == 1 && ${#ARGS[@]} -eq 0 ]]; then ARGS+=(--quick); fi

log() { printf 'bench.sh: %s\n' "$*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

STARTED_PG=0
STARTED_KAFKA=0
cleanup() {
  if ((STARTED_KAFKA)); then deploy/local/kafka.sh stop || true; fi
  if ((STARTED_PG)); then deploy/local/postgres.sh stop || true; fi
}
trap cleanup EXIT

if port_open "$PGPORT"; then
  log "PostgreSQL already listening on 127.0.0.1:$PGPORT: using it, leaving it running"
else
  STARTED_PG=1
  PG_DATABASES="halo_bench" deploy/local/postgres.sh start
fi
if port_open "$KAFKA_PORT"; then
  log "Kafka already listening on 127.0.0.1:$KAFKA_PORT: using it, leaving it running"
else
  STARTED_KAFKA=1
  KAFKA_FRESH=1 deploy/local/kafka.sh start
fi

export HALO_BENCH_PG_ADMIN_URL="postgresql://postgres@127.0.0.1:${PGPORT}/postgres"
export HALO_BENCH_KAFKA="127.0.0.1:${KAFKA_PORT}"

echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== bench/engine_vs_spiff.py ${ARGS[*]:-}"
"$PY" bench/engine_vs_spiff.py "${ARGS[@]}"
echo "== bench/service_act_pg.py ${ARGS[*]:-}"
"$PY" bench/service_act_pg.py "${ARGS[@]}"
echo "== bench/events_latency.py ${ARGS[*]:-}"
"$PY" bench/events_latency.py "${ARGS[@]}"
echo "== bench/gateway_overhead.py ${ARGS[*]:-}"
"$PY" bench/gateway_overhead.py "${ARGS[@]}"
echo "== bench/tracking_freshness.py ${ARGS[*]:-}"
"$PY" bench/tracking_freshness.py "${ARGS[@]}"
echo "== bench/startup.py"
if [[ ${#ARGS[@]} -gt 0 ]]; then "$PY" bench/startup.py --runs 1; else "$PY" bench/startup.py; fi
