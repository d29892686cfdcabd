#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on 127.0.0.1 for the test suite and print its URL.
# Installs Debian's postgresql when no server binaries are found. Usage:
#   eval "$(scripts/pg-test-server.sh start)"   # exports SUITCHECK_TEST_PG_URL
#   scripts/pg-test-server.sh stop
set -euo pipefail
DIR=${PGTEST_DIR:-/tmp/suitcheck-pgtest}
PORT=${PGTEST_PORT:-55432}

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
  done
  command -v pg_ctl >/dev/null && dirname "$(command -v pg_ctl)"
}

case "${1:-start}" in
  start)
    BIN=$(find_bin || true)
    if [ -z "$BIN" ]; then
      echo "installing postgresql (Debian package)..." >&2
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
      BIN=$(find_bin)
    fi
    # PostgreSQL refuses to run as root: run it as the 'postgres' user when we are root.
    RUN=()
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --home "$DIR" postgres
      RUN=(runuser -u postgres --)
    fi
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
      rm -rf "$DIR"; mkdir -p "$DIR"
      [ "$(id -u)" = 0 ] && chown postgres "$DIR"
      "${RUN[@]}" "$BIN/initdb" -D "$DIR/data" -U suitcheck --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    fi
    echo "export SUITCHECK_TEST_PG_URL=postgresql+psycopg://suitcheck@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    BIN=$(find_bin)
    RUN=(); [ "$(id -u)" = 0 ] && RUN=(runuser -u postgres --)
    "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
    ;;
esac
