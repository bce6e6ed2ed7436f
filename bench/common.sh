# Sourced by bench/run and bench/profile (from the repository's root): the staged server on a
# throwaway cluster with PostgreSQL's default settings, the signed deliveries, the reset between
# rounds, pgbench scripts, and finding a pgbench client's backend.

api_key=APIbench
api_secret=bench-secret-of-at-least-32-characters-long

# Builds and stages callout, starts the cluster and makes $WORK (a temporary folder named after
# $1); both are removed however the caller ends.
bench_start() {
    scripts/deps || exit 1
    PG_BINDIR=$(scripts/stage) || exit 1
    export PATH=$PG_BINDIR:$PATH
    source scripts/pgcluster.sh
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/callout-$1.XXXXXX")
    chmod 777 "$WORK"  # the server's owner writes there when run as root (callgrind)
    trap 'cluster_stop; rm -rf "$WORK"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    cluster_start --defaults || exit 1
}

sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d bench "$@"; }

# Database bench with ROWS signed deliveries and their registered calls (bench/setup.sql), tokens
# minted at IAT. Tokens are minted once: ingestion's clock is pinned there for the whole
# database (reading the clock costs the same either way), so a run may outlast a token. Prints
# the setup's log when it fails.
bench_setup() {  # bench_setup ROWS IAT
    if ! psql -X -q -d postgres -c 'CREATE DATABASE bench' ||
        ! sql -v rows="$1" -v iat="$2" -v api_key="$api_key" -v api_secret="$api_secret" \
            -f bench/setup.sql >"$WORK/setup.log" 2>&1 ||
        ! sql -c "ALTER DATABASE bench SET callout.verify_at = '$2'"; then
        cat "$WORK/setup.log"
        return 1
    fi
}

# Fresh callout tables and baselines' tables, so every round starts from the same state: the
# calls of deliveries 1..n (vacuumed and analyzed, as a table of registered calls would be), an
# empty event table without statistics (as a new table; BENCH_EVENTS_ANALYZED=1 analyzes it
# empty instead), and a checkpoint.
reset_tables() {  # reset_tables N
    local analyze_events=()
    [ "${BENCH_EVENTS_ANALYZED:-0}" = 1 ] && analyze_events=(-c 'ANALYZE callout.livekit_call_event' -c 'ANALYZE bench.lw_event')
    sql -c "SELECT bench.reset($1)" -c 'VACUUM ANALYZE callout.call_log' \
        -c 'VACUUM ANALYZE bench.lw_call' "${analyze_events[@]}" \
        -c 'CHECKPOINT' >/dev/null
}

# A pgbench script in $WORK/SIDE.pgbench: each client's next delivery (bench/next_id.pgbench),
# then STATEMENT.
pgbench_script() {  # pgbench_script SIDE STATEMENT
    { cat bench/next_id.pgbench; printf '%s\n' "$2"; } >"$WORK/$1.pgbench"
}

# The pid of the backend of the pgbench client CLIENT_PID started with application name APPNAME,
# once it has stored STORED events (0: as soon as it is connected); empty if the client ends
# first.
client_backend() {  # client_backend CLIENT_PID APPNAME STORED
    local pid=''
    while kill -0 "$1" 2>/dev/null; do
        pid=$(sql -c "SELECT pid FROM pg_stat_activity WHERE application_name = '$2'
                      AND (SELECT count(*) >= $3 FROM callout.livekit_call_event)
                      ORDER BY backend_start DESC LIMIT 1")
        [ -n "$pid" ] && break
        sleep 0.05
    done
    echo "$pid"
}
