#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, shared by .ci/run and the pytest fixture.
#
#   eval "$(tests/pg_cluster.sh start [DIR])"   create and start one; sets IDPCKIT_TEST_PG_URL and
#                                               IDPCKIT_TEST_PG_DIR (DIR defaults to a new /tmp folder)
#   tests/pg_cluster.sh stop DIR                  stop it (fast shutdown) and remove DIR
#
# The server listens on 127.0.0.1 on a free port and on a socket inside DIR, trusts local
# connections (it only lives for one test run) and is owned by an unprivileged user: as root,
# initdb and postgres refuse to run, so the cluster belongs to the `postgres` user (Debian's
# package creates it). Binaries: $PG_BIN, else the newest /usr/lib/postgresql/*/bin, else PATH.
set -euo pipefail

die() { echo "pg_cluster: $*" >&2; exit 1; }

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return; fi
  if command -v initdb >/dev/null; then dirname "$(command -v initdb)"; return; fi
  die "PostgreSQL's initdb was not found (Debian: apt-get install postgresql; or set PG_BIN)"
}

# Run a command as the cluster's owner: ourselves, or `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 - <<'EOF'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
}

cmd=${1:-}
dir=${2:-}
bin=$(find_bin)

case "$cmd" in
  start)
    if [ -z "$dir" ]; then
      dir=$(mktemp -d "${TMPDIR:-/tmp}/idpckit-pg.XXXXXX")
      chmod 755 "$dir"   # mktemp's 0700 would shut out the cluster's owner
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || die "no 'postgres' user to own the cluster (apt-get install postgresql creates it)"
      chown postgres "$dir"
      runuser -u postgres -- test -w "$dir" || die "the postgres user cannot write to $dir (a parent folder is private); give another DIR"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    port=$(free_port)
    # max_connections: the concurrency tests open one pool per writer process; fsync stays on
    # so that the kill -9 tests measure what a real server does.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -c listen_addresses=127.0.0.1 -p $port -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; die "the server did not start"; }
    echo "export IDPCKIT_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    echo "export IDPCKIT_TEST_PG_DIR=$dir"
    ;;
  stop)
    [ -n "$dir" ] || die "usage: $0 stop DIR"
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    die "usage: $0 start|stop DIR"
    ;;
esac
