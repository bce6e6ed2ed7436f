-- ---- Scaling out on Citus (README: Scaling out on Citus; DESIGN.md §7, tenant tokens)

-- Distributes callout on a Citus coordinator, in one step (a superuser's): call_log and
-- livekit_call_event by user_id, co-located (a tenant's calls and events on one worker; each
-- unique key of theirs includes user_id, as Citus requires); keys, roles, routes, counts and
-- pending events stay the coordinator's own. Their read and update policies then compare user_id
-- with token_tenant(): a worker knows nothing of the coordinator's session, and Citus accepts in
-- a policy neither a sub-SELECT nor a function that reads a table of the cluster, so the tenant
-- reaches the workers as a signed token; the auditors' read nothing there (no token names an
-- auditor yet). Every role's policies call token_tenant(), which answers only for the caller's
-- own token: EXECUTE to PUBLIC on every node (grants on callout's functions stay on the node
-- they are made on). The secret is made once, if the coordinator has none, and written to every
-- worker at each run: run it again after adding a node (one without the secret reads nothing
-- for anyone). It reaches a worker as a constant of one statement (run_command_on_workers): a
-- server that logs every statement writes it to its log. Registrations and deliveries refuse
-- the distributed tables until they reach the shards (callout_relation, src/pg/direct_read.cpp).
CREATE FUNCTION callout.distribute() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    secret bytea;
    refused record;
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
    -- every role's policies ask token_tenant(), which answers only for the caller's own token
    GRANT EXECUTE ON FUNCTION callout.token_tenant() TO PUBLIC;
    FOR refused IN
        SELECT w.nodename, w.nodeport, w.result
        FROM pg_catalog.run_command_on_workers(pg_catalog.format(
            'INSERT INTO callout.tenant_token_secret (secret) VALUES (%L) '
            'ON CONFLICT (one) DO UPDATE SET secret = excluded.secret', secret)) AS w
        WHERE NOT w.success
        UNION ALL
        SELECT w.nodename, w.nodeport, w.result
        FROM pg_catalog.run_command_on_workers(
            'GRANT EXECUTE ON FUNCTION callout.token_tenant() TO PUBLIC') AS w
        WHERE NOT w.success
    LOOP
        RAISE EXCEPTION 'callout.distribute() could not give the worker %:% the token secret or grant',
                        refused.nodename, refused.nodeport
            USING ERRCODE = '55000', DETAIL = refused.result,
                  HINT = 'CREATE EXTENSION callout must have made callout on every node.';
    END LOOP;
    IF EXISTS (SELECT FROM pg_catalog.pg_dist_partition
               WHERE logicalrelid = 'callout.call_log'::pg_catalog.regclass) THEN
        RETURN;
    END IF;
    ALTER POLICY call_log_read ON callout.call_log
        USING (user_id OPERATOR(pg_catalog.=) callout.token_tenant());
    ALTER POLICY call_log_update ON callout.call_log
        USING (user_id OPERATOR(pg_catalog.=) callout.token_tenant())
        WITH CHECK (user_id OPERATOR(pg_catalog.=) callout.token_tenant());
    ALTER POLICY call_log_audit ON callout.call_log USING (false);
    ALTER POLICY livekit_call_event_read ON callout.livekit_call_event
        USING (user_id OPERATOR(pg_catalog.=) callout.token_tenant());
    ALTER POLICY livekit_call_event_audit ON callout.livekit_call_event USING (false);
    -- callout's triggers go to the shards: the identity check reads the row alone; those that
    -- read the other table (a call deleted or its id changed while it has events, an event
    -- moved to a call) fail on a shard, where Citus runs no distributed query, so those changes
    -- are refused there (nothing is lost: the change is what is refused)
    PERFORM pg_catalog.set_config('citus.enable_unsafe_triggers', 'on', true);
    PERFORM pg_catalog.create_distributed_table('callout.call_log', 'user_id');
    PERFORM pg_catalog.create_distributed_table('callout.livekit_call_event', 'user_id',
                                                colocate_with => 'callout.call_log');
END
$$;
COMMENT ON FUNCTION callout.distribute() IS 'on a Citus coordinator: distributes call_log and livekit_call_event by user_id, their policies read the tenant token, and every worker gets the token secret (again after adding a node)';
