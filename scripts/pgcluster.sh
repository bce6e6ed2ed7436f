# Sourced by test/run, demo/run and bench/run: a throwaway PostgreSQL cluster. initdb into a fresh
# temporary folder, listening only on a Unix socket in that folder, on a free port; run as the
# `postgres` user when invoked as root (the server refuses to run as root). cluster_start sets
# PGHOST, PGPORT, PGUSER and PGDATABASE for every client started afterwards. Callers arm an
# EXIT trap that calls cluster_stop (before cluster_start), so the cluster is stopped and its
# folder removed however they end.
#   cluster_start            fast and not crash-safe: fsync, synchronous_commit and full page
#                            writes off, max_connections 40 (tests that never crash the server)
#   cluster_start durable    fsync, synchronous_commit and full_page_writes on: a commit that was
#                            answered survives a crash (the crash suite)
#   cluster_start --defaults the server's default settings (benchmarks): only the socket, the
#                            port and timezone=UTC are set
#   cluster_resume           starts the cluster's server again (after it was stopped or killed),
#                            with the options it was started with
#   cluster_restart          stops the server cleanly and starts it again with CLUSTER_OPTIONS as
#                            they are now (a setting read only at start: shared_preload_libraries)
# Optional, set before cluster_start: CLUSTER_ENV, an array of NAME=value the server starts with
# (a sanitizer runtime, gcov's output folder); CLUSTER_OPTIONS, more server settings ("-c x=y");
# CLUSTER_STOP_MODE, pg_ctl's stop mode (immediate unless the backends must exit cleanly).

# The server binaries: the staged copy scripts/stage printed, else those of the installed major
# scripts/deps chooses (callers run from the repository's root).
if [ -z "${PG_BINDIR:-}" ]; then
    PG_BINDIR=$("${PG_CONFIG:-$(scripts/deps --pg-config)}" --bindir)
fi

# Runs a command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# A port nothing listens on at the loopback. The server itself listens only on a socket in its
# own new folder, so the port cannot clash; a free one keeps "port N" in logs unambiguous.
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "no free port found" >&2
    return 1
}

# PgBouncer in transaction pooling mode in front of database DB of the server at HOST (a socket
# folder) and PORT: at most POOL server connections, trust for the USERs named; its socket and
# files in DIR (made here), its port in PGBOUNCER_PORT. pgbouncer_stop DIR stops it.
pgbouncer_start() {  # pgbouncer_start DIR DB HOST PORT POOL USER...
    local dir=$1 db=$2 host=$3 port=$4 pool=$5 user
    shift 5
    PGBOUNCER_PORT=$(free_port) || return 1
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    : >"$dir/users.txt"
    for user in "$@"; do printf '"%s" ""\n' "$user" >>"$dir/users.txt"; done
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
$db = host=$host port=$port dbname=$db
[pgbouncer]
listen_addr =
listen_port = $PGBOUNCER_PORT
unix_socket_dir = $dir
auth_type = trust
auth_file = $dir/users.txt
pool_mode = transaction
default_pool_size = $pool
max_client_conn = 200
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
    as_owner pgbouncer -d "$dir/pgbouncer.ini" >"$dir/start.log" 2>&1 || return 1
    for _ in $(seq 1 50); do
        [ -S "$dir/.s.PGSQL.$PGBOUNCER_PORT" ] && return 0
        sleep 0.1
    done
    return 1
}
pgbouncer_stop() {  # pgbouncer_stop DIR
    [ -f "$1/pgbouncer.pid" ] && kill "$(cat "$1/pgbouncer.pid")" 2>/dev/null
    return 0
}

cluster_stop() {
    if [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ]; then
        if [ -f "$CLUSTER_DIR/data/postmaster.pid" ]; then
            as_owner "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m "${CLUSTER_STOP_MODE:-immediate}" -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$CLUSTER_DIR"
    fi
    CLUSTER_DIR=
}

cluster_start() {
    CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/callout-pg.XXXXXX")
    chmod 755 "$CLUSTER_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$CLUSTER_DIR"
    CLUSTER_PORT=$(free_port) || return 1
    local durability=off
    case ${1:-} in
        '') ;;
        durable) durability=on ;;
        --defaults) durability= ;;
        *) echo "cluster_start: unknown option '$1'" >&2; return 2 ;;
    esac
    CLUSTER_SETTINGS=
    [ -n "$durability" ] && CLUSTER_SETTINGS="-c fsync=$durability -c synchronous_commit=$durability -c full_page_writes=$durability -c max_connections=40"
    as_owner "$PG_BINDIR/initdb" -D "$CLUSTER_DIR/data" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$CLUSTER_DIR/initdb.log" 2>&1 || {
        cat "$CLUSTER_DIR/initdb.log" >&2
        return 1
    }
    cluster_resume || return 1
    export PGHOST="$CLUSTER_DIR" PGPORT="$CLUSTER_PORT" PGUSER=postgres PGDATABASE=postgres
}

cluster_resume() {
    as_owner env "${CLUSTER_ENV[@]}" "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" \
        -w -t 60 -o "-c port=$CLUSTER_PORT -c listen_addresses='' -c unix_socket_directories='$CLUSTER_DIR'" \
        -o "-c timezone=UTC $CLUSTER_SETTINGS ${CLUSTER_OPTIONS:-}" start >"$CLUSTER_DIR/pg_ctl.log" 2>&1 || {
        cat "$CLUSTER_DIR/pg_ctl.log" "$CLUSTER_DIR/server.log" >&2
        return 1
    }
}

cluster_restart() {
    as_owner "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >>"$CLUSTER_DIR/pg_ctl.log" 2>&1 || {
        cat "$CLUSTER_DIR/pg_ctl.log" >&2
        return 1
    }
    cluster_resume
}
