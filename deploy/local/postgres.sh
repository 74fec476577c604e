#!/usr/bin/env bash
# Throw-away local PostgreSQL cluster for the test suite and the distributed mode
# (Debian's postgresql package, no systemd, no Docker). Also installs the other
# Debian tools the project uses: promtool (package prometheus), nginx (bench) and libzbar0
# (the tests read QR codes).
#
#   deploy/local/postgres.sh install   apt-get install what is missing (root only)
#   deploy/local/postgres.sh start     install, initdb once, start, create the databases
#   deploy/local/postgres.sh stop      pg_ctl stop -m fast
#   deploy/local/postgres.sh status
#
# Environment:
#   PGDATA        cluster folder (default: <repo>/var/pg, or /tmp/halo-pg-<hash> -- see below)
#   PGPORT        TCP port on 127.0.0.1 (default: 55432)
#   PG_DATABASES  space-separated databases to create if missing
#                 (default: halo_gateway halo_dukcapil halo_perizinan halo_pengaduan
#                  halo_damkar halo_pajak halo_kepegawaian halo_umum halo_test)
# Connect: postgresql://postgres@127.0.0.1:55432/<db> (trust auth, no password).
# For speed the cluster runs with fsync=off and synchronous_commit=off: test data only.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/../.." && pwd -P)"

PGPORT="${PGPORT:-55432}"
PG_DATABASES="${PG_DATABASES:-halo_gateway halo_dukcapil halo_perizinan halo_pengaduan halo_damkar halo_pajak halo_kepegawaian halo_umum halo_test}"
PG_USER=postgres  # OS user that owns and runs the cluster (when we are root)

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

is_root() { [[ "$(id -u)" == 0 ]]; }

# Run a command as the cluster owner: postgres refuses to run as root, so as
# root we switch to the postgres user; as anyone else we run as ourselves.
# cd / first: the caller's cwd may not be readable by the postgres user.
as_owner() {
    if is_root; then
        (cd / && runuser -u "$PG_USER" -- "$@")
    else
        "$@"
    fi
}

# ---------------------------------------------------------------- install ----

pg_bindir() {
    local d
    # Newest installed major version.
    d="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    [[ -n "$d" && -x "$d/initdb" ]] || return 1
    echo "$d"
}

cmd_install() {
    local -a missing=()
    pg_bindir >/dev/null || missing+=(postgresql)
    command -v promtool >/dev/null || missing+=(prometheus)
    [[ -x /usr/sbin/nginx ]] || command -v nginx >/dev/null || missing+=(nginx)
    # libzbar0: the tests decode the QR code printed on output documents (pyzbar).
    ldconfig -p 2>/dev/null | grep -c 'libzbar\.so\.0' >/dev/null || missing+=(libzbar0)
    # chromium: the web app's browser tests drive Debian's Chromium (playwright-core, no
    # browser download); a font so that its screenshots show text.
    command -v chromium >/dev/null || missing+=(chromium fonts-liberation)
    # docker-compose: `docker-compose config` checks deploy/compose against the Compose
    # schema (it needs no Docker engine).
    command -v docker-compose >/dev/null || missing+=(docker-compose)
    if ((${#missing[@]} == 0)); then
        return 0
    fi

    is_root || die "missing Debian packages: ${missing[*]} -- run as root: $0 install"
    log "installing: ${missing[*]}"

    # No systemd here: package scripts start services through invoke-rc.d, which
    # obeys /usr/sbin/policy-rc.d. Exit code 101 there means "do not start
    # anything". Docker-style images already ship one; otherwise add one for the
    # duration of the install and remove it afterwards.
    local policy=/usr/sbin/policy-rc.d added_policy=0
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\n# temporary, added by %s\nexit 101\n' "$0" >"$policy"
        chmod 755 "$policy"
        added_policy=1
        trap 'rm -f -- /usr/sbin/policy-rc.d' EXIT
    fi

    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # --no-install-recommends: prometheus would otherwise pull in node-exporter & co.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

    if ((added_policy)); then
        rm -f -- "$policy"
        trap - EXIT
    fi
    stop_stray_services "${missing[@]}"
    pg_bindir >/dev/null || die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb"
    command -v promtool >/dev/null || die "prometheus installed but no promtool"
    log "installed: ${missing[*]}"
}

# Belt and braces: make sure the daemons of the packages we just installed were
# not left running (Debian's postgresql also creates a cluster "main" on port
# 5432; prometheus listens on 9090, nginx on 80). Only the packages installed
# in this run are touched, never a service someone set up on purpose.
stop_stray_services() {
    local pkg pid
    for pkg in "$@"; do
        case "$pkg" in
            nginx)
                if [[ -s /run/nginx.pid ]] && pid="$(cat /run/nginx.pid)" && kill -0 "$pid" 2>/dev/null; then
                    log "stopping nginx started by its package (pid $pid)"
                    nginx -s stop 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
                fi
                ;;
            prometheus)
                if [[ -x /etc/init.d/prometheus ]] && /etc/init.d/prometheus status >/dev/null 2>&1; then
                    log "stopping prometheus started by its package"
                    /etc/init.d/prometheus stop >/dev/null 2>&1 || true
                fi
                ;;
            postgresql)
                local ver name port status _
                while read -r ver name port status _; do
                    [[ "$status" == online* ]] || continue
                    log "stopping Debian cluster $ver/$name (port $port) started by its package"
                    pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" stop || true
                done < <(pg_lsclusters --no-header 2>/dev/null || true)
                ;;
        esac
    done
}

# --------------------------------------------------------------- cluster -----

# Default data folder. The cluster runs as the postgres user, which must be able
# to traverse every parent directory of PGDATA. A repo cloned under /root or a
# private home directory (mode 700) is not traversable by postgres. Rather than
# chmod o+x on someone's home (a permission change outside the repo that
# outlives this script), we then fall back to a folder under /tmp named after a
# hash of the repo path: deterministic, so start/stop/status of the same
# checkout always agree, and distinct per checkout.
default_pgdata() {
    local var="$REPO_ROOT/var" probe
    if ! is_root; then
        echo "$var/pg"
        return
    fi
    probe="$REPO_ROOT"
    [[ -d "$var" ]] && probe="$var"
    # As postgres, test -x fails if the folder or any parent is not traversable.
    if id -u "$PG_USER" >/dev/null 2>&1 && runuser -u "$PG_USER" -- test -x "$probe" 2>/dev/null; then
        echo "$var/pg"
    else
        echo "/tmp/halo-pg-$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)"
    fi
}

# Resolved after install (the postgres user may not exist before it).
resolve_pgdata() {
    PGDATA="$(realpath -m -- "${PGDATA:-$(default_pgdata)}")"
    SERVER_LOG="$PGDATA/server.log"
}

pg_running() {
    local bindir
    bindir="$(pg_bindir)" || return 1
    [[ -f "$PGDATA/PG_VERSION" ]] || return 1
    as_owner "$bindir/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

psql_q() { # psql_q <db> <sql>: run a query, print unaligned tuples
    local bindir
    bindir="$(pg_bindir)"
    "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$1" -tAc "$2"
}

init_cluster() {
    local bindir="$1"
    if [[ -f "$PGDATA/PG_VERSION" ]]; then
        return 0
    fi
    log "initdb $PGDATA"
    local parent
    parent="$(dirname -- "$PGDATA")"
    if [[ ! -d "$parent" ]]; then
        # Created by us (e.g. <repo>/var): make it traversable whatever the umask.
        mkdir -p -- "$parent"
        chmod 755 -- "$parent"
    fi
    mkdir -p -- "$PGDATA"
    if is_root; then
        chown "$PG_USER:$PG_USER" "$PGDATA"
        runuser -u "$PG_USER" -- test -w "$PGDATA" \
            || die "user $PG_USER cannot reach $PGDATA (a parent directory is not traversable); choose another PGDATA"
    fi
    chmod 700 "$PGDATA"
    as_owner "$bindir/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PGDATA.initdb.log" 2>&1 \
        || { cat "$PGDATA.initdb.log" >&2; die "initdb failed"; }
    rm -f -- "$PGDATA.initdb.log"
    echo "include_if_exists = 'halo-local.conf'" | as_owner tee -a "$PGDATA/postgresql.conf" >/dev/null
}

# Rewritten on every start, so PGPORT changes take effect.
write_local_conf() {
    as_owner tee "$PGDATA/halo-local.conf" >/dev/null <<EOF
# Written by deploy/local/postgres.sh -- regenerated on every start.
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGDATA'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

create_databases() {
    local db
    for db in $PG_DATABASES; do
        [[ "$db" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "invalid database name: $db"
        if [[ -z "$(psql_q postgres "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
            psql_q postgres "CREATE DATABASE \"$db\"" >/dev/null
            log "created database $db"
        fi
    done
}

cmd_start() {
    cmd_install
    resolve_pgdata
    local bindir
    bindir="$(pg_bindir)"
    if pg_running; then
        log "already running ($PGDATA)"
    else
        init_cluster "$bindir"
        write_local_conf
        as_owner "$bindir/pg_ctl" -D "$PGDATA" -l "$SERVER_LOG" -w -t 60 start >/dev/null \
            || { tail -n 30 "$SERVER_LOG" >&2 || true; die "pg_ctl start failed"; }
        log "started on 127.0.0.1:$PGPORT ($PGDATA)"
    fi
    # Wait until it accepts TCP connections (pg_ctl -w already checked the socket).
    local deadline=$((SECONDS + 30))
    until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; do
        ((SECONDS < deadline)) || die "not accepting connections on 127.0.0.1:$PGPORT (is PGPORT the port it was started with?)"
        sleep 0.2
    done
    create_databases
}

cmd_stop() {
    resolve_pgdata
    if ! pg_running; then
        log "not running ($PGDATA)"
        return 0
    fi
    as_owner "$(pg_bindir)/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    log "stopped"
}

cmd_status() {
    resolve_pgdata
    if pg_running; then
        echo "postgres: running on 127.0.0.1:$PGPORT, data $PGDATA"
    else
        echo "postgres: not running (data $PGDATA)"
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
