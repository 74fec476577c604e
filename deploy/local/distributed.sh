#!/usr/bin/env bash
# Distributed mode on one machine: PostgreSQL (a database per service), Kafka (KRaft), the
# gateway, and for each service an HTTP process and a worker process (outbox relay and
# overdue sweeper), each on fixed ports. `up` starts everything and waits until ready;
# `down` stops it all. Logs: var/log/<name>.log; pids: var/run/<name>.pid. `up` again starts
# only the processes not running (HALO_SKIP_MIGRATE=1 skips the migrations then).
# /metrics is on a second listener of each process (HALO_METRICS_PORT, 127.0.0.1 only):
# gateway 9400, services 9401-9407, workers 8201-8207 (deploy/prometheus/prometheus.yml).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export PYTHONPATH="$ROOT"
PY="$ROOT/.venv/bin/python"
RUN="$ROOT/var/run"; LOG="$ROOT/var/log"
PGPORT="${PGPORT:-55432}"
SERVICES=(dukcapil perizinan pengaduan damkar pajak kepegawaian umum)
declare -A PORT=([gateway]=8000 [dukcapil]=8101 [perizinan]=8102 [pengaduan]=8103
                 [damkar]=8104 [pajak]=8105 [kepegawaian]=8106 [umum]=8107)
declare -A METRICS=([gateway]=9400 [dukcapil]=9401 [perizinan]=9402 [pengaduan]=9403
                    [damkar]=9404 [pajak]=9405 [kepegawaian]=9406 [umum]=9407)

export HALO_BUS=kafka
export HALO_KAFKA_BOOTSTRAP="${HALO_KAFKA_BOOTSTRAP:-127.0.0.1:19092}"
export HALO_JWKS_URL="http://127.0.0.1:${PORT[gateway]}/.well-known/jwks.json"
export HALO_DOCUMENT_STORE=database  # as in Kubernetes: documents in each service's database
export HALO_GATEWAY_DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:${PGPORT}/halo_gateway"
for s in "${SERVICES[@]}"; do
  export "HALO_${s^^}_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:${PGPORT}/halo_${s}"
  export "HALO_${s^^}_URL=http://127.0.0.1:${PORT[$s]}"
done

alive() {  # pid: running, and not a zombie (a killed process may wait a while to be reaped)
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ "${stat%% *}" != Z ]]
}

start_proc() {  # name, command...
  local name=$1; shift
  if [[ -f "$RUN/$name.pid" ]] && alive "$(cat "$RUN/$name.pid")"; then
    echo "$name: already running"; return
  fi
  setsid "$@" >"$LOG/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

wait_ready() {  # name, port
  local deadline=$((SECONDS + 180))  # fifteen processes start at once on two cores
  until curl -fsS "http://127.0.0.1:$2/readyz" >/dev/null 2>&1; do
    if (( SECONDS > deadline )); then
      echo "$1 did not become ready; last log lines:" >&2; tail -n 30 "$LOG/$1.log" >&2
      return 1
    fi
    sleep 0.3
  done
  echo "$1: ready on 127.0.0.1:$2"
}

up() {
  mkdir -p "$RUN" "$LOG"
  if [[ "${HALO_SKIP_INFRA:-0}" != 1 ]]; then
    deploy/local/postgres.sh start
    deploy/local/kafka.sh start
  fi
  # HALO_SKIP_MIGRATE=1: restart what died in a running system (its databases are migrated).
  if [[ "${HALO_SKIP_MIGRATE:-0}" != 1 ]]; then
    for s in "${SERVICES[@]}"; do
      var="HALO_${s^^}_DATABASE_URL"
      "$PY" -m services.migrate "$s" upgrade "${!var}"
    done
  fi
  HALO_DEMO="${HALO_DEMO:-1}" HALO_METRICS_PORT="${METRICS[gateway]}" \
    start_proc gateway "$PY" -m gateway.run --port "${PORT[gateway]}"
  wait_ready gateway "${PORT[gateway]}"
  for s in "${SERVICES[@]}"; do
    HALO_RUN_MIGRATIONS=0 HALO_METRICS_PORT="${METRICS[$s]}" \
      start_proc "$s" "$PY" -m services.run "$s" --port "${PORT[$s]}"
    # A worker's relay, sweeper and output worker need few connections: 10 of the local
    # server's 200 (max_connections) each, the gateway and the HTTP processes 20 each.
    HALO_RUN_MIGRATIONS=0 HALO_DB_POOL_SIZE="${HALO_WORKER_DB_POOL_SIZE:-10}" \
      start_proc "$s-worker" "$PY" -m services.worker "$s" --metrics-port $((PORT[$s] + 100))
  done
  for s in "${SERVICES[@]}"; do wait_ready "$s" "${PORT[$s]}"; done
  echo "Halo Lamsel (distributed) is up: http://127.0.0.1:${PORT[gateway]}"
}

down() {
  for pidfile in "$RUN"/*.pid; do
    [[ -e "$pidfile" ]] || continue
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  if [[ "${HALO_SKIP_INFRA:-0}" != 1 ]]; then
    deploy/local/kafka.sh stop
    deploy/local/postgres.sh stop
  fi
  echo "Halo Lamsel (distributed) is down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
