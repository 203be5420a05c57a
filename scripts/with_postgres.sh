#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server: scripts/with_postgres.sh COMMAND [ARGS...]
#
# Starts a fresh server on 127.0.0.1 (a free port, its own data folder under a temp dir, owned by a
# non-root user), exports PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE for COMMAND, and stops
# the server and removes its folder when COMMAND ends, however it ends. No system service is used.
# The PostgreSQL binaries are installed with apt-get when missing (as root); otherwise it fails.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

find_pg_bin() {
    local candidate
    for candidate in /usr/lib/postgresql/*/bin; do
        [[ -x "$candidate/initdb" ]] && { echo "$candidate"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

PG_BIN="${PG_BIN:-$(find_pg_bin || true)}"
if [[ -z "$PG_BIN" ]]; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "with_postgres: installing the PostgreSQL server (apt-get install postgresql) ..." >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        PG_BIN="$(find_pg_bin)" || { echo "with_postgres: no initdb after installing postgresql" >&2; exit 1; }
    else
        echo "with_postgres: PostgreSQL server binaries (initdb, pg_ctl) not found; install the" \
             "'postgresql' package or set PG_BIN to their folder" >&2
        exit 1
    fi
fi

# initdb refuses to run as root: run the server as the 'postgres' system user the package creates.
as_server_user=()
if [[ $EUID -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    as_server_user=(runuser -u postgres --)
fi

WORK="$(mktemp -d -t segments-pg-XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$WORK/data" "$WORK/sock"
PASSWORD="segments-ci"
echo "$PASSWORD" > "$WORK/pwfile"
if [[ $EUID -eq 0 ]]; then chown -R postgres "$WORK"; fi
chmod 700 "$WORK/data"

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

stop_server() {
    "${as_server_user[@]}" "$PG_BIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap stop_server EXIT

"${as_server_user[@]}" "$PG_BIN/initdb" -D "$WORK/data" -U segments --pwfile="$WORK/pwfile" \
    --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; exit 1; }
"${as_server_user[@]}" "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 60 \
    -o "-p $PORT -k $WORK/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }

export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=segments PGPASSWORD="$PASSWORD" PGDATABASE=segments
"$PG_BIN/psql" -q -d postgres -c "create database segments" >/dev/null
echo "with_postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2

"$@"
