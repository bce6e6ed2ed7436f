-- ---- Scaling out on Citus (README: Scaling out on Citus; DESIGN.md §7, tenant tokens)

-- Runs command on every Citus worker (run_command_on_workers: each in a connection of its own,
-- committed there whatever this transaction does); nothing without Citus. An ERROR (55000) for
-- the first worker it failed on.
CREATE FUNCTION callout._on_workers(command text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    refused record;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    FOR refused IN
        SELECT w.nodename, w.nodeport, w.result FROM pg_catalog.run_command_on_workers(command) AS w
        WHERE NOT w.success
    LOOP
        RAISE EXCEPTION 'callout could not set the Citus worker %:% up', refused.nodename, refused.nodeport
            USING ERRCODE = '55000', DETAIL = refused.result,
                  HINT = 'CREATE EXTENSION callout on the coordinator makes callout on every node.';
    END LOOP;
END
$$;
COMMENT ON FUNCTION callout._on_workers(text) IS 'internal: runs a command on every Citus worker (nothing without Citus)';

-- The trusted gateway roles (callout.gateway_role) written to every Citus worker of a distributed
-- callout, by name: a worker refuses the token without an end of a role a gateway's session could
-- act as (token_tenant, DESIGN.md §7), which it tells from them. Written outside this transaction
-- (run_command_on_workers), so only what makes a worker refuse more is written: a gateway added
-- (by trust_gateway_role, grant_api_roles or by hand: a trigger; by distribute(), those trusted
-- before), also when its transaction then rolls back, and none taken off (a worker that lost a
-- gateway the coordinator still trusts would refuse less). Nothing where nothing is distributed,
-- nor on a worker (the rows written there would be written again).
CREATE FUNCTION callout._gateways_to_workers() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    trusted text[];
BEGIN
    -- two tests: the second names a function of Citus, which exists only where the first is true
    IF NOT callout._distributed() THEN
        RETURN;
    END IF;
    IF NOT pg_catalog.citus_is_coordinator() THEN
        RETURN;
    END IF;
    trusted := ARRAY(SELECT g.role::text FROM callout.gateway_role AS g
                     JOIN pg_catalog.pg_roles AS r ON r.oid = g.role ORDER BY 1);
    PERFORM callout._on_workers(pg_catalog.format(
        'INSERT INTO callout.gateway_role (role) SELECT r::pg_catalog.regrole '
        'FROM pg_catalog.unnest(%L::text[]) AS r ON CONFLICT DO NOTHING', trusted));
END
$$;
COMMENT ON FUNCTION callout._gateways_to_workers() IS 'internal: writes the trusted gateway roles to every Citus worker of a distributed callout';

-- A gateway trusted (an INSERT or UPDATE of gateway_role, by callout's functions or by hand) is
-- written to every worker of a distributed callout at once (_gateways_to_workers).
CREATE FUNCTION callout._gateways_trusted() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM callout._gateways_to_workers();
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION callout._gateways_trusted() IS 'internal: a gateway trusted is written to every Citus worker';
CREATE TRIGGER gateway_role_to_workers AFTER INSERT OR UPDATE ON callout.gateway_role
    FOR EACH STATEMENT EXECUTE FUNCTION callout._gateways_trusted();

-- The tenants whose calls used each room name, on a distributed callout (callout._create_call
-- lists a call's before it is made; callout.distribute lists the calls made before): a Citus
-- coordinator's own table, where a delivery finds the tenants whose calls its event may belong
-- to, so it asks their nodes alone (src/pg/matching.cpp). Kept as long as the calls may be: a
-- late event of an ended call still finds it. Empty on one node, which reads its calls itself.
CREATE TABLE callout.room_tenant (
    room_name text NOT NULL,
    user_id text NOT NULL,
    PRIMARY KEY (room_name, user_id));
COMMENT ON TABLE callout.room_tenant IS 'on a distributed callout, the tenants whose calls used each room name: the nodes a delivery asks for its event''s call';
COMMENT ON COLUMN callout.room_tenant.room_name IS 'the room name';
COMMENT ON COLUMN callout.room_tenant.user_id IS 'a tenant that has had a call of that name';
SELECT pg_catalog.pg_extension_config_dump('callout.room_tenant', '');

-- The tenants whose calls used a room name (callout.room_tenant) on a distributed callout, where
-- no other tenant has a call of that name: the shards a look for any tenant's call of the room
-- reads; NULL elsewhere (every tenant's calls are here). PL/pgSQL: it reads Citus's catalog only
-- where Citus is.
CREATE FUNCTION callout._room_tenants(room_name text) RETURNS text[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT callout._distributed() THEN
        RETURN NULL;
    END IF;
    RETURN ARRAY(SELECT t.user_id FROM callout.room_tenant AS t
                 WHERE t.room_name = _room_tenants.room_name ORDER BY t.user_id);
END
$$;
COMMENT ON FUNCTION callout._room_tenants(text) IS 'internal: on a distributed callout, the tenants whose calls used a room name; NULL elsewhere';

-- A tenant's calls an event of this room may belong to (kind bound: bound to the sid under the
-- room's name; kind named: open under the name, no sid bound), and a row of kind sid when the
-- tenant holds the sid on any call: what a Citus coordinator's matching reads from each tenant
-- whose calls used the name, on the node of its shards (callout.distribute: distributed by
-- user_id, delegated), and chooses among (src/pg/matching.cpp).
CREATE FUNCTION callout._call_candidates(user_id text, room_sid text, room_name text)
RETURNS TABLE (kind text, call_id bigint, origin text, registered_phone_number text)
LANGUAGE c STABLE SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'callout_call_candidates';
COMMENT ON FUNCTION callout._call_candidates(text, text, text) IS 'internal: a tenant''s calls an event of this room may belong to, read on the node of its shards';

-- A tenant's part of a delivery a Citus coordinator verified, on the node of the tenant's shards
-- (callout.distribute: distributed by user_id, delegated): the event (payload, as stored), the key
-- it was verified with, the call (match: found here; else call_id, none for none), the
-- coordinator's settings and its transaction's instant (the event's received_at, as the pending
-- store's and the waiting window's, not the worker's own transaction's); the event stored with its call's row, or a duplicate's or a bound key's
-- rejection answered. unclaimed: an unbound key's event no call claims (the coordinator's pending
-- store); stored_already: a bound key's retry (its bytes are not counted); notify_call_id: the call
-- whose new or changed outcome the coordinator notifies (src/pg/delivery.cpp).
CREATE FUNCTION callout._deliver_to_tenant(user_id text, payload jsonb, api_key text,
                                           key_user_id text, body_sha256 bytea, body_bytes bigint,
                                           bytes_this_minute bigint, match boolean, call_id bigint,
                                           registered_phone_number text,
                                           min_connected_seconds double precision,
                                           min_completed_seconds double precision,
                                           max_events_per_call integer,
                                           max_key_bytes_per_minute integer,
                                           received_at timestamptz,
                                           OUT status text, OUT reason text, OUT call_id bigint,
                                           OUT outcome callout.call_outcome, OUT unclaimed boolean,
                                           OUT stored_already boolean, OUT notify_call_id bigint)
LANGUAGE c SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
AS 'MODULE_PATHNAME', 'callout_deliver_to_tenant';
COMMENT ON FUNCTION callout._deliver_to_tenant(text, jsonb, text, text, bytea, bigint, bigint, boolean, bigint, text, double precision, double precision, integer, integer, timestamp with time zone) IS 'internal: a tenant''s part of a delivery its Citus coordinator verified, on the node of its shards';

-- Whether callout's call tables are distributed by Citus (callout.distribute).
CREATE FUNCTION callout._distributed() RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        RETURN false;
    END IF;
    RETURN EXISTS (SELECT FROM pg_catalog.pg_dist_partition
                   WHERE logicalrelid = 'callout.call_log'::pg_catalog.regclass);
END
$$;
COMMENT ON FUNCTION callout._distributed() IS 'internal: whether callout''s call tables are distributed by Citus';

-- The thresholds a call is classified with and whether a recorded or changed outcome is
-- notified, for the rest of the transaction, on a Citus worker: what a tenant's function Citus
-- runs there is handed by its caller on the coordinator, whose settings they are (as numeric text,
-- exact whatever extra_float_digits says: the thresholds keep 15 digits). Elsewhere (one node, or
-- the coordinator running a function of a tenant whose shards it holds) they are the caller's own
-- session's already, and are left as they are.
CREATE FUNCTION callout._use_thresholds(min_connected_seconds double precision,
                                        min_completed_seconds double precision, notify boolean)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT callout._distributed() THEN
        RETURN;
    END IF;
    IF pg_catalog.citus_is_coordinator() THEN
        RETURN;
    END IF;
    PERFORM pg_catalog.set_config('callout.min_connected_seconds', min_connected_seconds::numeric::text, true),
            pg_catalog.set_config('callout.min_completed_seconds', min_completed_seconds::numeric::text, true),
            pg_catalog.set_config('callout.notify', notify::text, true);
END
$$;
COMMENT ON FUNCTION callout._use_thresholds(double precision, double precision, boolean) IS 'internal: on a Citus worker, sets the classification thresholds and callout.notify for the rest of the transaction';

-- This Citus node's own range of call and event ids: Citus's group g (a node and its replicas)
-- makes them from g * 2^44 + 1 to (g + 1) * 2^44, the coordinator's (group 0) from 1. Every
-- node's sequences would start at 1 and hand out the same ids (callout.distribute moves them to
-- the range's start). 2^44 ids a node; the ids of groups up to 511 stay below 2^53, which a JSON
-- number holds exactly. PL/pgSQL: it reads Citus's catalog, which a database without Citus has
-- not.
CREATE FUNCTION callout._node_id_range(OUT first bigint, OUT last bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    SELECT g.groupid::bigint * 17592186044416 + 1, (g.groupid::bigint + 1) * 17592186044416
    INTO first, last
    FROM pg_catalog.pg_dist_local_group AS g;
END
$$;
COMMENT ON FUNCTION callout._node_id_range() IS 'internal: this Citus node''s own range of call and event ids';

-- Distributes callout on a Citus coordinator, in one step (a superuser's): call_log and
-- livekit_call_event by user_id, co-located (a tenant's calls and events on one worker; each
-- unique key of theirs includes user_id, as Citus requires); keys, roles, routes, counts and
-- pending events stay the coordinator's own. Their read and update policies then compare user_id
-- with token_tenant(), the auditors' ask token_audits(): a worker knows nothing of the
-- coordinator's session, and Citus accepts in a policy neither a sub-SELECT nor a function that
-- reads a table of the cluster, so the tenant reaches the workers as a signed token. Every role's
-- policies call those two, which answer only for the caller's own token: EXECUTE to PUBLIC on
-- every node (grants on callout's functions stay on the node they are made on). The secret is
-- made once, if the coordinator has none, and written to every worker at each run, with the
-- mapped roles' token epochs and the trusted gateway roles: run it again after adding a node (one
-- without them reads nothing for anyone); the roles mapped before get their tokens; each node gets its own range of ids;
-- the room names of calls written by hand since the last run are listed (callout.room_tenant).
-- The secret reaches a worker as a constant of one statement (run_command_on_workers): a server
-- that logs every statement writes it to its log. A tenant's part of each delivery, registration
-- and reclassification runs on the node of its shards (functions distributed by user_id); the
-- coordinator verifies, locks the room and keeps the pending store, and lists the tenants whose
-- calls used each room name (callout.room_tenant).
CREATE FUNCTION callout.distribute() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    secret bytea;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'callout.distribute() needs Citus, which this database does not have'
            USING ERRCODE = '55000',
                  HINT = 'CREATE EXTENSION citus on every node of the cluster first (README: Scaling out on Citus).';
    END IF;
    IF NOT pg_catalog.citus_is_coordinator() THEN
        RAISE EXCEPTION 'callout.distribute() runs on the Citus coordinator'
            USING ERRCODE = '55000';
    END IF;
    -- 32 bytes of the server's strong random source (two version 4 UUIDs: 244 random bits)
    INSERT INTO callout.tenant_token_secret (secret)
    VALUES (pg_catalog.uuid_send(pg_catalog.gen_random_uuid()) OPERATOR(pg_catalog.||)
            pg_catalog.uuid_send(pg_catalog.gen_random_uuid()))
    ON CONFLICT DO NOTHING;
    SELECT s.secret INTO STRICT secret FROM callout.tenant_token_secret AS s;
    -- every role's policies ask token_tenant() and token_audits(), which answer only for the
    -- caller's own token
    GRANT EXECUTE ON FUNCTION callout.token_tenant(), callout.token_audits() TO PUBLIC;
    PERFORM callout._on_workers(pg_catalog.format(
        'INSERT INTO callout.tenant_token_secret (secret) VALUES (%L) '
        'ON CONFLICT (one) DO UPDATE SET secret = excluded.secret', secret));
    PERFORM callout._on_workers('GRANT EXECUTE ON FUNCTION callout.token_tenant(), callout.token_audits() TO PUBLIC');
    -- and what a reader's statement evaluates on a shard, pure functions of their arguments: the
    -- open rooms' index predicate (a tenant's UPDATE of its call writes that index's entry, as
    -- the tenant) and call_stats' buckets
    PERFORM callout._on_workers(
        'GRANT EXECUTE ON FUNCTION callout._is_open(callout.call_status), '
        'callout._call_stats_key(text, timestamptz, timestamptz, text, text, text, callout.call_outcome, text, text) TO PUBLIC');
    -- the mapped roles' epochs on every worker (a node added since has none), and a token for
    -- each role mapped before tokens were signed
    PERFORM callout._on_workers(pg_catalog.format(
        'INSERT INTO callout.tenant_token_epoch (role, epoch) '
        'SELECT * FROM ROWS FROM (pg_catalog.unnest(%L::name[]), pg_catalog.unnest(%L::text[])) '
        'ON CONFLICT (role) DO UPDATE SET epoch = excluded.epoch',
        ARRAY(SELECT e.role FROM callout.tenant_token_epoch AS e ORDER BY e.role),
        ARRAY(SELECT e.epoch FROM callout.tenant_token_epoch AS e ORDER BY e.role)));
    PERFORM callout.map_tenant_role(r.rolname, t.user_id)
    FROM callout.tenant_role AS t JOIN pg_catalog.pg_roles AS r ON r.oid = t.role
    WHERE NOT EXISTS (SELECT FROM callout.tenant_token_epoch AS e WHERE e.role = r.rolname);
    -- every worker's own range of call and event ids (_node_id_range). A node's sequence is moved
    -- only forward, to its range's start: a node added later gets its range, one that handed out
    -- ids keeps them. (One row: a worker's answer to run_command_on_workers is one value.)
    PERFORM callout._on_workers(
        'SELECT count(pg_catalog.setval(s.seq, r.first, false)) '
        'FROM (VALUES (pg_catalog.pg_get_serial_sequence(''callout.call_log'', ''id'')::pg_catalog.regclass), '
        '             (pg_catalog.pg_get_serial_sequence(''callout.livekit_call_event'', ''id'')::pg_catalog.regclass)) AS s (seq), '
        '     callout._node_id_range() AS r '
        'WHERE coalesce(pg_catalog.pg_sequence_last_value(s.seq), 0) OPERATOR(pg_catalog.<) r.first');
    -- no call is made while the room names are listed (a registration waits)
    LOCK TABLE callout.call_log IN EXCLUSIVE MODE;
    IF NOT callout._distributed() THEN
        ALTER POLICY call_log_read ON callout.call_log
            USING (user_id OPERATOR(pg_catalog.=) callout.token_tenant());
        ALTER POLICY call_log_update ON callout.call_log
            USING (user_id OPERATOR(pg_catalog.=) callout.token_tenant())
            WITH CHECK (user_id OPERATOR(pg_catalog.=) callout.token_tenant());
        ALTER POLICY call_log_audit ON callout.call_log USING (callout.token_audits());
        ALTER POLICY livekit_call_event_read ON callout.livekit_call_event
            USING (user_id OPERATOR(pg_catalog.=) callout.token_tenant());
        ALTER POLICY livekit_call_event_audit ON callout.livekit_call_event USING (callout.token_audits());
        -- callout's triggers go to the shards: the identity check reads the row alone; those that
        -- read the other table (a call deleted or its id changed while it has events, an event
        -- moved to a call) fail on a shard, where Citus runs no distributed query, so those changes
        -- are refused there (nothing is lost: the change is what is refused)
        PERFORM pg_catalog.set_config('citus.enable_unsafe_triggers', 'on', true);
        PERFORM pg_catalog.create_distributed_table('callout.call_log', 'user_id');
        PERFORM pg_catalog.create_distributed_table('callout.livekit_call_event', 'user_id',
                                                    colocate_with => 'callout.call_log');
    END IF;
    -- at every run, once distributed: the trusted gateways, those trusted before the first run too
    PERFORM callout._gateways_to_workers();
    -- at every run: the tenants of every room name (the calls made before, or written by hand
    -- since), and the work of one tenant run by Citus on the node of its shards, also when called
    -- inside another function or a transaction (force_delegation)
    INSERT INTO callout.room_tenant (room_name, user_id)
    SELECT DISTINCT c.room_name, c.user_id FROM callout.call_log AS c
    ON CONFLICT DO NOTHING;
    PERFORM pg_catalog.create_distributed_function(f, '$1', colocate_with => 'callout.call_log',
                                                   force_delegation => true)
    FROM pg_catalog.unnest(ARRAY[
        'callout._deliver_to_tenant(text, jsonb, text, text, bytea, bigint, bigint, boolean, bigint, text, double precision, double precision, integer, integer, timestamp with time zone)',
        'callout._call_candidates(text, text, text)',
        'callout._insert_call(text, text, text, text, text, text, jsonb, text, timestamptz)',
        'callout._remake_call(text, bigint, double precision, double precision, boolean, timestamptz)',
        'callout._reclassify_tenant_calls(text, timestamptz, double precision, double precision, boolean, timestamptz)',
        'callout._expire_tenant_calls(text, timestamptz, timestamptz)'
    ]::pg_catalog.regprocedure[]) AS f;
END
$$;
COMMENT ON FUNCTION callout.distribute() IS 'on a Citus coordinator: distributes call_log and livekit_call_event by user_id, their policies read the tenant token, and every worker gets the token secret and the mapped roles'' token epochs (again after adding a node)';

-- The tenant this session acts for (current_user_id(): a gateway's JWT sub or callout.user_id,
-- a mapped role's tenant) handed to a Citus cluster's workers for the rest of the transaction:
-- SET LOCAL callout.tenant_token to a token for the current role (after SET ROLE: PostgREST's
-- request role) that ends ten minutes after the transaction began, with
-- citus.propagate_set_commands = 'local', so Citus replays it on each worker connection (where
-- pg_stat_activity shows it: hence the end). PostgREST's pre-request (db-pre-request =
-- "callout.set_tenant_token"), or a gateway's first statement of a transaction. An auditor gets
-- an auditor's token; a session that acts for no tenant an empty one (it reads nothing). Where
-- no secret signs tokens (one node, where the policies ask current_user_id() themselves) it does
-- nothing. Run with the owner's rights, which sign; it signs only what current_user_id() and
-- is_auditor() already say of the session.
CREATE FUNCTION callout.set_tenant_token() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    acting_for text;
    acting_as name;
    ends timestamptz := pg_catalog.transaction_timestamp() OPERATOR(pg_catalog.+) interval '10 minutes';
    token text;
BEGIN
    IF NOT EXISTS (SELECT FROM callout.tenant_token_secret) THEN
        RETURN;
    END IF;
    acting_as := (SELECT r.rolname FROM pg_catalog.pg_roles AS r WHERE r.oid = callout._invoking_role());
    IF callout.is_auditor() THEN
        token := callout._auditor_token(acting_as, ends);
    ELSE
        acting_for := callout.current_user_id();
        token := callout._tenant_token(acting_as, acting_for, ends);
    END IF;
    token := coalesce(token, '');
    -- as commands, not set_config(): Citus replays SET LOCAL commands, not a function's settings
    SET LOCAL citus.propagate_set_commands = 'local';
    EXECUTE pg_catalog.format('SET LOCAL callout.tenant_token = %L', token);
END
$$;
COMMENT ON FUNCTION callout.set_tenant_token() IS 'hands the tenant this session acts for to a Citus cluster''s workers for the transaction (a tenant token for the current role, SET LOCAL and replayed); PostgREST''s pre-request; nothing where no secret signs tokens';
