#!/usr/bin/env bash
# Local PostgreSQL + PostGIS for development and tests.
#   scripts/db.sh up     install PostGIS if missing, init a project-local cluster, start it, create DBs
#   scripts/db.sh stop   stop the project-local cluster
#   scripts/db.sh url    print the DATABASE_URL of the local cluster
# The Makefile skips `up` when DATABASE_URL is set: that server is used as it is.
set -euo pipefail

PORT="${WAYMARK_PGPORT:-54329}"
PROJECT_DIR="$(cd "$(dirname "$0")/.." && pwd)"
PG_MAJOR="${WAYMARK_PG_MAJOR:-15}"
IS_ROOT=0; [ "$(id -u)" = 0 ] && IS_ROOT=1

log() { printf '\033[1m[db]\033[0m %s\n' "$*"; }

# Root cannot run initdb; the postgres user runs the cluster and must be able to reach its
# directory. A checkout it cannot reach (e.g. under /root) keeps its cluster in /var/lib/postgresql.
data_dir() {
  if [ -n "${WAYMARK_PGDATA:-}" ]; then echo "$WAYMARK_PGDATA"; return; fi
  if [ "$IS_ROOT" = 1 ] && id postgres >/dev/null 2>&1 \
     && ! runuser -u postgres -- test -x "$PROJECT_DIR"; then
    echo "/var/lib/postgresql/waymark-$(printf %s "$PROJECT_DIR" | md5sum | cut -c1-10)"
  else
    echo "$PROJECT_DIR/.pgdata"
  fi
}

as_pg() { if [ "$IS_ROOT" = 1 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_bin() { echo "/usr/lib/postgresql/$PG_MAJOR/bin"; }

ensure_packages() {
  local missing=()
  [ -x "$(pg_bin)/initdb" ] || missing+=("postgresql-$PG_MAJOR")
  ls /usr/share/postgresql/"$PG_MAJOR"/extension/postgis.control >/dev/null 2>&1 \
    || missing+=("postgresql-$PG_MAJOR-postgis-3")
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$IS_ROOT" = 1 ]; then
    log "installing ${missing[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "PostgreSQL/PostGIS missing. Run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

psql_local() { "$(pg_bin)/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }

ensure_db() {
  local name="$1"
  if ! psql_local -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    log "creating database $name"
    psql_local -d postgres -c "CREATE DATABASE \"$name\""
  fi
}

up() {
  ensure_packages
  local dir; dir="$(data_dir)"
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "initialising cluster in $dir"
    mkdir -p "$dir"
    [ "$IS_ROOT" = 1 ] && chown postgres:postgres "$dir" && chmod 700 "$dir"
    as_pg "$(pg_bin)/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$(pg_bin)/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    log "starting PostgreSQL on 127.0.0.1:$PORT"
    # jit=off: JIT costs ~12 ms on the KNN search plans (DESIGN.md, Geography). The rest
    # sizes memory for a national data set on an SSD machine (docs/performance.md).
    TUNING="-c shared_buffers=1GB -c effective_cache_size=8GB -c random_page_cost=1.1"
    TUNING="$TUNING -c work_mem=16MB -c maintenance_work_mem=256MB"
    as_pg "$(pg_bin)/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp -c jit=off $TUNING" start >/dev/null \
      || { tail -20 "$dir/server.log" >&2; exit 1; }
  fi
  ensure_db waymark
  ensure_db waymark_test
}

stop() {
  local dir; dir="$(data_dir)"
  if [ -f "$dir/PG_VERSION" ]; then
    as_pg "$(pg_bin)/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 && log "stopped" || log "not running"
  fi
}

case "${1:-}" in
  up) up ;;
  stop) stop ;;
  # The app reaches the cluster on its Unix socket: a search's round trips cost less CPU
  # than over loopback TCP (docs/performance.md). It also listens on 127.0.0.1 (tools, CI).
  url) echo "postgresql+psycopg://postgres@/waymark?host=/tmp&port=$PORT" ;;
  *) echo "usage: $0 up|stop|url" >&2; exit 2 ;;
esac
