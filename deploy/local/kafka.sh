#!/usr/bin/env bash
# Local single-node Apache Kafka broker (KRaft, combined broker+controller) run
# from Maven Central jars -- no Docker, no Kafka package. Used by the test suite's
# real-broker tier and by the distributed mode.
#
#   deploy/local/kafka.sh install   fetch the jars into deploy/local/kafka/lib (once)
#   deploy/local/kafka.sh start     install, configure, format, start, wait until ready
#   deploy/local/kafka.sh stop      SIGTERM (controlled shutdown), SIGKILL after 60 s
#   deploy/local/kafka.sh status
#
# Environment:
#   KAFKA_DATA            data folder (default: <repo>/var/kafka)
#   KAFKA_FRESH=1         wipe KAFKA_DATA before start (stops a running broker first)
#   KAFKA_START_TIMEOUT   seconds to wait for the broker (default: 120)
#   KAFKA_HEAP_OPTS       JVM heap (default: -Xms512m -Xmx1g; keep >= 512m, the log
#                         cleaner allocates a 128 MB buffer at start-up)
#   KAFKA_PORT            broker port on 127.0.0.1 (default: 19092)
#   KAFKA_CONTROLLER_PORT controller port (default: KAFKA_PORT + 1)
#   MAVEN_OPTS            passed to mvn as usual (e.g. -Dmaven.repo.local=...)
# Bootstrap address for clients: 127.0.0.1:$KAFKA_PORT (default 127.0.0.1:19092).
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/../.." && pwd -P)"
KAFKA_HOME="$SCRIPT_DIR/kafka"
LIB_DIR="$KAFKA_HOME/lib"
POM="$KAFKA_HOME/pom.xml"
LOG4J_CONF="$KAFKA_HOME/log4j2.properties"

KAFKA_DATA="$(realpath -m -- "${KAFKA_DATA:-$REPO_ROOT/var/kafka}")"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms512m -Xmx1g}"
BROKER_HOST=127.0.0.1
BROKER_PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((BROKER_PORT + 1))}"

PROPS="$KAFKA_DATA/server.properties"
LOG_DIRS="$KAFKA_DATA/kraft-logs"      # Kafka's own data (log.dirs)
APP_LOGS="$KAFKA_DATA/logs"            # server.log (log4j) and kafka.out (stdout/stderr)
SERVER_LOG="$APP_LOGS/server.log"
OUT_LOG="$APP_LOGS/kafka.out"
PID_FILE="$KAFKA_DATA/kafka.pid"
CLUSTER_ID_FILE="$KAFKA_DATA/cluster.id"

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# A stamp in lib/ records which pom.xml the jars came from, so editing the pom
# (e.g. a version change) triggers a fresh download.
pom_stamp() { sha256sum "$POM" | cut -d' ' -f1; }

cmd_install() {
    if [[ -d "$LIB_DIR" && -f "$LIB_DIR/.pom.sha256" ]] \
        && [[ "$(cat "$LIB_DIR/.pom.sha256")" == "$(pom_stamp)" ]] \
        && compgen -G "$LIB_DIR/kafka_2.13-*.jar" >/dev/null; then
        return 0
    fi
    command -v mvn >/dev/null || die "mvn not found (apt-get install -y maven)"
    command -v java >/dev/null || die "java not found (apt-get install -y openjdk-17-jre-headless)"
    log "fetching Kafka jars from Maven Central into $LIB_DIR ..."
    # Download into a temp dir and rename, so an interrupted run never leaves a
    # half-filled lib/ that looks installed.
    local tmp="$KAFKA_HOME/lib.tmp.$$" mvn_log
    rm -rf -- "$tmp"
    mvn_log="$(mktemp)"
    # Maven 3.8 prints stray colour codes even with -B -q: keep its output for errors only.
    if ! mvn -B -q -Dstyle.color=never -f "$POM" -Dkafka.lib.dir="$tmp" \
        dependency:copy-dependencies >"$mvn_log" 2>&1; then
        cat "$mvn_log" >&2
        rm -rf -- "$tmp" "$mvn_log"
        die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
    fi
    rm -f -- "$mvn_log"
    pom_stamp >"$tmp/.pom.sha256"
    rm -rf -- "$LIB_DIR"
    mv -- "$tmp" "$LIB_DIR"
    log "installed $(find "$LIB_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIB_DIR" | cut -f1))"
}

# Prints the broker's pid if it is running (pid file, checked against the
# command line so a recycled pid is not mistaken for the broker).
running_pid() {
    local pid
    [[ -f "$PID_FILE" ]] || return 1
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    local cmdline
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
    [[ "$cmdline" == *"kafka.Kafka $PROPS"* ]] || return 1
    echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

write_properties() {
    cat >"$PROPS" <<EOF
# Written by deploy/local/kafka.sh -- regenerated on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$BROKER_HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$BROKER_HOST:$BROKER_PORT,CONTROLLER://$BROKER_HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$BROKER_HOST:$BROKER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$LOG_DIRS
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
}

cmd_start() {
    local pid
    if [[ "${KAFKA_FRESH:-0}" == 1 ]]; then
        cmd_stop
        case "$KAFKA_DATA" in
            / | "$REPO_ROOT" | "$HOME" | /tmp | /var | /usr | /etc) die "refusing to wipe KAFKA_DATA=$KAFKA_DATA" ;;
        esac
        log "KAFKA_FRESH=1: wiping $KAFKA_DATA"
        rm -rf -- "$KAFKA_DATA"
    elif pid="$(running_pid)"; then
        log "already running (pid $pid) on $BROKER_HOST:$BROKER_PORT"
        return 0
    fi

    cmd_install
    if port_open "$BROKER_HOST" "$BROKER_PORT" || port_open "$BROKER_HOST" "$CONTROLLER_PORT"; then
        die "port $BROKER_PORT or $CONTROLLER_PORT is already in use by another process"
    fi

    mkdir -p -- "$KAFKA_DATA" "$LOG_DIRS" "$APP_LOGS"
    write_properties
    local cp="$LIB_DIR/*"

    # Format the storage once per data folder (same cluster id on every restart).
    if [[ ! -f "$LOG_DIRS/meta.properties" ]]; then
        if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
            # A cluster id is 16 random bytes, base64url without padding (22 chars);
            # like Kafka's Uuid.randomUuid, avoid a leading '-' (it reads as an option).
            local cid="-"
            while [[ "$cid" == -* ]]; do
                cid="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
            done
            echo "$cid" >"$CLUSTER_ID_FILE"
        fi
        java -Xmx512m -cp "$cp" -Dlog4j2.configurationFile="$LOG4J_CONF" \
            -Dkafka.logs.dir="$APP_LOGS" -Dkafka.log.file=format.log kafka.tools.StorageTool format \
            -t "$(cat "$CLUSTER_ID_FILE")" -c "$PROPS" --ignore-formatted >"$APP_LOGS/format.out" 2>&1 \
            || { cat "$APP_LOGS/format.out" >&2; die "kafka-storage format failed"; }
    fi

    # Start with a fresh log so the readiness grep cannot match an older run.
    if [[ -f "$SERVER_LOG" ]]; then mv -f -- "$SERVER_LOG" "$SERVER_LOG.prev"; fi
    : >"$OUT_LOG"
    # setsid: own session, so the broker outlives this shell and its terminal.
    # shellcheck disable=SC2086  # KAFKA_HEAP_OPTS is a word list on purpose
    setsid java $KAFKA_HEAP_OPTS -XX:+UseG1GC -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$LOG4J_CONF" -Dkafka.logs.dir="$APP_LOGS" \
        -cp "$cp" kafka.Kafka "$PROPS" </dev/null >>"$OUT_LOG" 2>&1 &
    pid=$!
    echo "$pid" >"$PID_FILE"
    log "starting (pid $pid), waiting up to ${KAFKA_START_TIMEOUT}s; log: $SERVER_LOG"

    local deadline=$((SECONDS + KAFKA_START_TIMEOUT)) started=0
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "broker exited during start-up"
            fail_start "$pid"
        fi
        if ((started == 0)) && grep -q 'Kafka Server started' "$SERVER_LOG" 2>/dev/null; then
            started=1
        fi
        if ((started == 1)) && port_open "$BROKER_HOST" "$BROKER_PORT"; then
            log "ready on $BROKER_HOST:$BROKER_PORT (pid $pid, ${SECONDS}s)"
            return 0
        fi
        sleep 0.5
    done
    log "not ready after ${KAFKA_START_TIMEOUT}s"
    fail_start "$pid"
}

fail_start() {
    local pid="$1"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    rm -f -- "$PID_FILE"
    log "---- tail of $SERVER_LOG ----"
    tail -n 40 "$SERVER_LOG" >&2 2>/dev/null || true
    log "---- tail of $OUT_LOG ----"
    tail -n 40 "$OUT_LOG" >&2 2>/dev/null || true
    exit 1
}

cmd_stop() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f -- "$PID_FILE"
        log "not running"
        return 0
    fi
    log "stopping (pid $pid) ..."
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "still alive after 60s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    fi
    rm -f -- "$PID_FILE"
    log "stopped"
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        if port_open "$BROKER_HOST" "$BROKER_PORT"; then
            echo "kafka: running (pid $pid) on $BROKER_HOST:$BROKER_PORT, data $KAFKA_DATA"
        else
            echo "kafka: process $pid alive but $BROKER_HOST:$BROKER_PORT not accepting connections"
            return 1
        fi
    else
        echo "kafka: not running (data $KAFKA_DATA)"
        return 3
    fi
}

case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *)
        echo "usage: $0 {install|start|stop|status}" >&2
        exit 2
        ;;
esac
