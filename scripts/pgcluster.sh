# Sourced by test/run, demo/run and bench/run: a throwaway PostgreSQL 15 cluster. initdb into a
# fresh temporary folder, listening only on a Unix socket in that folder, on a free port; run as the
# `postgres` user when invoked as root (the server refuses to run as root). cluster_start sets
# PGHOST, PGPORT, PGUSER and PGDATABASE for every client started afterwards. Callers arm an
# EXIT trap that calls cluster_stop (before cluster_start), so the cluster is stopped and its
# folder removed however they end.
#   cluster_start                      fast and unsafe for tests: fsync, synchronous_commit and
#                                      full_page_writes off, max_connections 40
#   cluster_start --defaults           the server's default settings (benchmarks), only the
#                                      socket, the port and timezone=UTC are set
#   cluster_start ... -c name=value    further settings, after the above (repeatable)

# The server binaries: the staged copy scripts/stage printed, else the installed ones.
PG_BINDIR=${PG_BINDIR:-$(pg_config --bindir)}

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

cluster_stop() {
    if [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ]; then
        if [ -f "$CLUSTER_DIR/data/postmaster.pid" ]; then
            as_owner "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$CLUSTER_DIR"
    fi
    CLUSTER_DIR=
}

cluster_start() {
    local settings=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=40)
    while [ $# -gt 0 ]; do
        case $1 in
            --defaults) settings=() ;;
            -c) settings+=(-c "$2"); shift ;;
            *) echo "cluster_start: unknown option '$1'" >&2; return 2 ;;
        esac
        shift
    done
    CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/callout-pg.XXXXXX")
    chmod 755 "$CLUSTER_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$CLUSTER_DIR"
    local port
    port=$(free_port)
    as_owner "$PG_BINDIR/initdb" -D "$CLUSTER_DIR/data" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$CLUSTER_DIR/initdb.log" 2>&1 || {
        cat "$CLUSTER_DIR/initdb.log" >&2
        return 1
    }
    as_owner "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w -t 60 \
        -o "-c port=$port -c listen_addresses='' -c unix_socket_directories='$CLUSTER_DIR'" \
        -o "-c timezone=UTC ${settings[*]}" start >/dev/null || {
        cat "$CLUSTER_DIR/server.log" >&2
        return 1
    }
    export PGHOST="$CLUSTER_DIR" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
}
