#!/usr/bin/env bash
# Redis and PostgreSQL on loopback for the distributed tests and a local trial.
#
# Installs redis-server and PostgreSQL with apt-get when they are missing, then starts both on
# fixed non-default ports (Redis 6390, PostgreSQL 5440; override with GONGKAI_REDIS_PORT and
# GONGKAI_PG_PORT) with throwaway data under /tmp/gongkai-services.  Idempotent: a server that
# already answers is left alone.  PostgreSQL refuses to run as root, so its cluster belongs to the
# `postgres` user.  The last two lines printed are the URLs, ready for `eval`:
#   export GONGKAI_TEST_REDIS=redis://127.0.0.1:6390/0
#   export GONGKAI_TEST_PG=postgresql+psycopg://gongkai:gongkai@127.0.0.1:5440/gongkai
set -euo pipefail

REDIS_PORT="${GONGKAI_REDIS_PORT:-6390}"
PG_PORT="${GONGKAI_PG_PORT:-5440}"
BASE="${GONGKAI_SERVICES_DIR:-/tmp/gongkai-services}"
PG_DATA="$BASE/pg"
PG_USER=postgres

log() { echo "services: $*" >&2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  log "installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

pg_bin() {  # the directory holding initdb, pg_ctl and postgres, or nothing
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(readlink -f "$(command -v initdb)")"
  return 0
}

command -v redis-server >/dev/null 2>&1 || apt_install redis-server
[ -n "$(pg_bin)" ] || apt_install postgresql
PG_BIN="$(pg_bin)"
mkdir -p "$BASE"

# -- Redis ---------------------------------------------------------------------------------------
if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  log "redis already answers on 127.0.0.1:$REDIS_PORT"
else
  mkdir -p "$BASE/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --dir "$BASE/redis" --logfile "$BASE/redis/redis.log" --pidfile "$BASE/redis/redis.pid" >&2
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null || { log "redis did not start"; exit 1; }
  log "redis started on 127.0.0.1:$REDIS_PORT"
fi

# -- PostgreSQL ----------------------------------------------------------------------------------
run_pg() {  # run a PostgreSQL binary as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}
if [ "$(id -u)" -ne 0 ]; then PG_USER="$(id -un)"; fi
id "$PG_USER" >/dev/null 2>&1 || as_root useradd --system --no-create-home "$PG_USER"

if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; then
  log "postgresql already answers on 127.0.0.1:$PG_PORT"
else
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    rm -rf "$PG_DATA"
    mkdir -p "$PG_DATA"
    chown "$PG_USER" "$PG_DATA" "$BASE"
    run_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  chown -R "$PG_USER" "$PG_DATA"
  run_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c fsync=off -c autovacuum=off -c max_connections=200" start >&2
  log "postgresql started on 127.0.0.1:$PG_PORT"
fi
psql_pg() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ -z "$(psql_pg -c "SELECT 1 FROM pg_roles WHERE rolname = 'gongkai'")" ]; then
  psql_pg -c "CREATE ROLE gongkai LOGIN PASSWORD 'gongkai' CREATEDB"
fi
# tests drop their throwaway databases WITH (FORCE), which must end any session still in them
psql_pg -c "GRANT pg_signal_backend TO gongkai" >/dev/null 2>&1 || true
if [ -z "$(psql_pg -c "SELECT 1 FROM pg_database WHERE datname = 'gongkai'")" ]; then
  psql_pg -c "CREATE DATABASE gongkai OWNER gongkai"
fi

echo "export GONGKAI_TEST_REDIS=redis://127.0.0.1:$REDIS_PORT/0"
echo "export GONGKAI_TEST_PG=postgresql+psycopg://gongkai:gongkai@127.0.0.1:$PG_PORT/gongkai"
