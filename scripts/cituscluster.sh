# Sourced after scripts/pgcluster.sh (whose as_owner and free_port it uses), with PG_BINDIR the
# bin folder of a stage that holds Citus (scripts/citus prints it): a throwaway Citus cluster of
# a coordinator and two workers. Each node is initdb'd into its own folder of one fresh temporary
# folder and listens only on a Unix socket in that folder, on a free port of its own; the servers
# run as the `postgres` user when invoked as root, fast and not crash-safe, as cluster_start's.
# Callers arm an EXIT trap that calls citus_cluster_stop (before citus_cluster_start), so every
# node is stopped and the folder removed however they end.
#   citus_cluster_start          starts the three servers with Citus loaded: sets CITUS_DIR (the
#                                folder, and the host name every node has: the socket folder),
#                                CITUS_COORDINATOR_PORT and CITUS_WORKER_PORTS (an array)
#   citus_cluster_start_worker NAME  starts one more worker (worker3, ...) with a database NAME
#                                and Citus in it, not yet in NAME's cluster (citus_add_node adds it,
#                                and copies callout and the other distributed objects there): sets
#                                CITUS_NODE_PORT and appends it to CITUS_WORKER_PORTS
#   citus_cluster_database NAME  a database NAME (postgres: the existing one) on every node, with
#                                CREATE EXTENSION citus on each, then on the coordinator
#                                citus_set_coordinator_host and citus_add_node for each worker:
#                                Citus keeps its nodes per database
#   citus_psql PORT ARGS...      psql, without psqlrc, to the node listening on PORT
#   citus_cluster_stop           stops every node and removes the folder
# Server logs: $CITUS_DIR/NODE/server.log (NODE: coordinator, worker1, worker2).

CITUS_NODES=(coordinator worker1 worker2)

citus_psql() {
    local port=$1
    shift
    psql -X -h "$CITUS_DIR" -p "$port" -U postgres "$@"
}

citus_cluster_stop() {
    local node
    if [ -n "${CITUS_DIR:-}" ] && [ -d "$CITUS_DIR" ]; then
        for node in "${CITUS_NODES[@]}"; do
            if [ -f "$CITUS_DIR/$node/data/postmaster.pid" ]; then
                as_owner "$PG_BINDIR/pg_ctl" -D "$CITUS_DIR/$node/data" -m immediate -w stop >/dev/null 2>&1 || true
            fi
        done
        rm -rf "$CITUS_DIR"
    fi
    CITUS_DIR=
}

# Starts one node (initdb into $CITUS_DIR/NODE, then the server with Citus loaded) on a free port
# no other node took: sets CITUS_NODE_PORT.
citus_node_start() {
    local node=$1 port settings taken
    taken=" $CITUS_COORDINATOR_PORT ${CITUS_WORKER_PORTS[*]} "
    # Citus's two-phase commit needs prepared transactions; wal_level=logical is what its shard
    # moves (the rebalancer) need; citus.local_hostname is how a node reaches itself, the socket
    # folder, as the other nodes reach it; a coordinator's client opens a connection to each
    # worker, so a worker takes twice the coordinator's clients and Citus's own
    settings="-c shared_preload_libraries=citus -c max_prepared_transactions=100 -c wal_level=logical"
    settings="$settings -c citus.local_hostname='$CITUS_DIR' -c timezone=UTC -c max_connections=100"
    settings="$settings -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    for _ in $(seq 1 20); do
        port=$(free_port) || return 1
        [[ $taken == *" $port "* ]] || break
    done
    mkdir "$CITUS_DIR/$node"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$CITUS_DIR/$node"
    as_owner "$PG_BINDIR/initdb" -D "$CITUS_DIR/$node/data" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$CITUS_DIR/$node/initdb.log" 2>&1 || {
        cat "$CITUS_DIR/$node/initdb.log" >&2
        return 1
    }
    as_owner "$PG_BINDIR/pg_ctl" -D "$CITUS_DIR/$node/data" -l "$CITUS_DIR/$node/server.log" \
        -w -t 60 -o "-c port=$port -c listen_addresses='' -c unix_socket_directories='$CITUS_DIR'" \
        -o "$settings" start >"$CITUS_DIR/$node/pg_ctl.log" 2>&1 || {
        cat "$CITUS_DIR/$node/pg_ctl.log" "$CITUS_DIR/$node/server.log" >&2
        return 1
    }
    CITUS_NODE_PORT=$port
}

citus_cluster_start() {
    local node
    CITUS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/callout-citus.XXXXXX")
    chmod 755 "$CITUS_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$CITUS_DIR"
    CITUS_NODES=(coordinator worker1 worker2)
    CITUS_COORDINATOR_PORT=
    CITUS_WORKER_PORTS=()
    for node in "${CITUS_NODES[@]}"; do
        citus_node_start "$node" || return 1
        if [ "$node" = coordinator ]; then
            CITUS_COORDINATOR_PORT=$CITUS_NODE_PORT
        else
            CITUS_WORKER_PORTS+=("$CITUS_NODE_PORT")
        fi
    done
}

citus_cluster_start_worker() {
    local name=$1 node=worker$((${#CITUS_WORKER_PORTS[@]} + 1))
    citus_node_start "$node" || return 1
    CITUS_NODES+=("$node")
    CITUS_WORKER_PORTS+=("$CITUS_NODE_PORT")
    citus_psql "$CITUS_NODE_PORT" -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $name" || return 1
    citus_psql "$CITUS_NODE_PORT" -q -v ON_ERROR_STOP=1 -d "$name" -c "CREATE EXTENSION citus"
}

citus_cluster_database() {
    local name=$1 port
    for port in "${CITUS_WORKER_PORTS[@]}" "$CITUS_COORDINATOR_PORT"; do
        if [ "$name" != postgres ]; then
            citus_psql "$port" -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $name" || return 1
        fi
        citus_psql "$port" -q -v ON_ERROR_STOP=1 -d "$name" -c "CREATE EXTENSION citus" || return 1
    done
    citus_psql "$CITUS_COORDINATOR_PORT" -q -At -v ON_ERROR_STOP=1 -d "$name" \
        -c "SELECT citus_set_coordinator_host('$CITUS_DIR', $CITUS_COORDINATOR_PORT)" >/dev/null || return 1
    for port in "${CITUS_WORKER_PORTS[@]}"; do
        citus_psql "$CITUS_COORDINATOR_PORT" -q -At -v ON_ERROR_STOP=1 -d "$name" \
            -c "SELECT citus_add_node('$CITUS_DIR', $port)" >/dev/null || return 1
    done
}
