-- Who is who (DESIGN.md §7): trusted gateways, roles mapped to tenants, and row-level security.

-- Roles are kept by OID (regrole): a role dropped and created again under the same name is
-- another role, and inherits no trust or mapping. pg_dump writes a regrole as the role's name, so
-- a restore (roles restored first, pg_dumpall --roles-only) finds the same roles.
CREATE TABLE callout.gateway_role (role regrole PRIMARY KEY);
COMMENT ON TABLE callout.gateway_role IS 'sessions whose login role is a member of one of these may say which tenant they act for';
COMMENT ON COLUMN callout.gateway_role.role IS 'the trusted role (trust_gateway_role)';

CREATE TABLE callout.tenant_role (user_id text CHECK (user_id <> ''), role regrole PRIMARY KEY);
COMMENT ON TABLE callout.tenant_role IS 'roles that are one tenant (user_id), or read-only auditors of all tenants (NULL)';
COMMENT ON COLUMN callout.tenant_role.user_id IS 'the tenant the role is; NULL for an auditor of every tenant';
COMMENT ON COLUMN callout.tenant_role.role IS 'the mapped role (map_tenant_role), and the roles that inherit it';

SELECT pg_catalog.pg_extension_config_dump('callout.gateway_role', '');
SELECT pg_catalog.pg_extension_config_dump('callout.tenant_role', '');

CREATE FUNCTION callout._invoking_role() RETURNS oid
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_invoking_role';

COMMENT ON FUNCTION callout._invoking_role() IS 'internal: the role the session acts as outside SECURITY DEFINER functions';

-- Who a session is, read by C functions (src/pg/tenancy_functions.cpp) that run no statement:
-- row-level security asks current_user_id() in every statement on callout's tables. They read
-- gateway_role and tenant_role directly, as their owner would.
--
-- Whether this session's login role is a superuser or a member of a trusted gateway role.
CREATE FUNCTION callout._session_is_gateway() RETURNS boolean
LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'callout_session_is_gateway';

-- A trusted gateway's tenant. Inside a PostgREST request (it sets request.jwt.claims or
-- request.method for the transaction) the tenant is the claims' `sub`, a non-empty JSON string,
-- and nothing else: claims without one, or that are not JSON, name no tenant, and a
-- callout.user_id left on the pooled connection is never a fallback. Outside a request it is
-- callout.user_id. Anyone else is the tenant its invoking role (after SET ROLE) is mapped to:
-- its own mapping, else the one mapping of the roles it is a member of. Several different
-- inherited mappings are ambiguous, so they map to nothing: a role never becomes an auditor or
-- a tenant by sort order.
CREATE FUNCTION callout.current_user_id() RETURNS text
LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'callout_current_user_id';
COMMENT ON FUNCTION callout.current_user_id() IS 'the tenant this statement acts for: a trusted gateway''s JWT sub inside a PostgREST request, else its callout.user_id; else the tenant the role is mapped to; NULL for none';

-- Tenant tokens (DESIGN.md §7): on a Citus cluster a worker runs a shard's query for the
-- coordinator's current role and knows nothing else of its session, and its policies read no
-- distributed table; the tenant reaches it as callout.tenant_token, signed for the database and
-- that role with the secret every node holds in tenant_token_secret (one row, the owner's alone:
-- no policy, no grant; a setting would be shown to pg_read_all_settings and written to the
-- server's log when it changes). token_tenant() is what such a policy compares user_id with;
-- token_audits() whether it is an auditor's; _tenant_token and _auditor_token sign, for callout's
-- own code only.
CREATE TABLE callout.tenant_token_secret (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    secret bytea NOT NULL CHECK (pg_catalog.octet_length(secret) >= 32));
COMMENT ON TABLE callout.tenant_token_secret IS 'the secret tenant tokens are signed with (at most one row; none: no token names a tenant); the same on every node of a Citus cluster';
COMMENT ON COLUMN callout.tenant_token_secret.one IS 'true: the table holds one row at most';
COMMENT ON COLUMN callout.tenant_token_secret.secret IS 'the HMAC-SHA256 key, at least 32 bytes';
SELECT pg_catalog.pg_extension_config_dump('callout.tenant_token_secret', '');
-- The token epoch of each mapped role, which its tokens without an end are signed under: a new
-- mapping, or none (_revoke_role_tokens), replaces or drops it, so the tokens signed before name
-- nothing (a role may write its own settings, an old token among them). Every node holds the
-- same rows, written on the workers as mappings change; the owner's alone, as the secret.
CREATE TABLE callout.tenant_token_epoch (
    role name PRIMARY KEY,
    epoch text NOT NULL CHECK (epoch <> ''));
COMMENT ON TABLE callout.tenant_token_epoch IS 'the token epoch of each role mapped while tenant tokens are signed: its tokens without an end name something only under it; the same on every node of a Citus cluster';
COMMENT ON COLUMN callout.tenant_token_epoch.role IS 'the mapped role''s name (Citus shares roles by name)';
COMMENT ON COLUMN callout.tenant_token_epoch.epoch IS 'a random value of its latest mapping';
SELECT pg_catalog.pg_extension_config_dump('callout.tenant_token_epoch', '');
CREATE FUNCTION callout.token_tenant() RETURNS text
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_token_tenant';
COMMENT ON FUNCTION callout.token_tenant() IS 'the tenant callout.tenant_token names for the current database and role (signed with the secret of tenant_token_secret); NULL for none';
CREATE FUNCTION callout.token_audits() RETURNS boolean
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_token_audits';
COMMENT ON FUNCTION callout.token_audits() IS 'whether callout.tenant_token is an auditor''s token for the current database and role (signed with the secret of tenant_token_secret)';
CREATE FUNCTION callout._auditor_token(role name, valid_until timestamptz DEFAULT NULL) RETURNS text
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_auditor_token';
COMMENT ON FUNCTION callout._auditor_token(name, timestamptz) IS 'internal: an auditor''s token for role in the current database until valid_until (NULL: no end), signed with the secret of tenant_token_secret';
CREATE FUNCTION callout._tenant_token(role name, user_id text, valid_until timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_tenant_token';
COMMENT ON FUNCTION callout._tenant_token(name, text, timestamptz) IS 'internal: the tenant token naming user_id for role in the current database until valid_until (NULL: no end), signed with the secret of tenant_token_secret';

-- A role mapped to NULL reads every tenant's rows (and writes none).
CREATE FUNCTION callout.is_auditor() RETURNS boolean
LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'callout_is_auditor';
COMMENT ON FUNCTION callout.is_auditor() IS 'whether this session is a read-only auditor of all tenants';

-- Refuses roles that must never be mapped or trusted: PUBLIC (GRANT ... TO "public" means
-- everyone), the predefined pg_* roles, and names that are no role.
CREATE FUNCTION callout._check_role(role name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF role IS NULL OR pg_catalog.lower(role) = 'public' OR role LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'role % cannot be trusted or mapped', pg_catalog.quote_ident(role)
            USING ERRCODE = '22023';
    ELSIF NOT EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = role) THEN
        RAISE EXCEPTION 'role % does not exist', pg_catalog.quote_ident(role) USING ERRCODE = '42704';
    END IF;
END
$$;

-- Grants what reading calls needs beyond the tables: the calls view, call_stats (and the SQL
-- functions it calls, which the planner inlines only for a role that may execute them), the
-- outcome feed, and set_tenant_token (a request's tenant for a Citus cluster's workers, which
-- the role reads through: USAGE on the schema there too, as grants on callout's schema stay on
-- the node they are made on).
CREATE FUNCTION callout._grant_reading(role name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    EXECUTE pg_catalog.format('GRANT SELECT ON callout.calls TO %I', role);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.call_stats(timestamptz, timestamptz, text), '
        'callout._call_stats_key(text, timestamptz, timestamptz, text, text, text, callout.call_outcome, text, text), '
        'callout._is_open(callout.call_status), '
        'callout.outcome_changes(xid8, bigint, integer), callout.consume_outcomes(text, integer), '
        'callout.acknowledge_outcomes(text, xid8, bigint), callout.set_tenant_token() TO %I', role);
    PERFORM callout._on_workers(pg_catalog.format('GRANT USAGE ON SCHEMA callout TO %I', role));
END
$$;

-- Registers a role whose members (by login) are trusted to say which tenant they act for, and
-- grants it what an application server needs: registering and reading calls, and delivering
-- LiveKit's webhooks, so one call sets a gateway up.
CREATE FUNCTION callout.trust_gateway_role(role name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM callout._refuse_on_worker('maps roles', 'Map and trust roles on the coordinator, which signs their tokens and grants them on every node.');
    PERFORM callout._check_role(role);
    INSERT INTO callout.gateway_role (role) VALUES (pg_catalog.quote_ident(role)::regrole) ON CONFLICT DO NOTHING;
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA callout TO %I', role);
    EXECUTE pg_catalog.format('GRANT SELECT, UPDATE (agent_config_id, campaign_id, metadata) ON callout.call_log TO %I', role);
    EXECUTE pg_catalog.format('GRANT SELECT ON callout.livekit_call_event TO %I', role);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor(), '
        'callout.register_call(text, text, text, text, text, text, jsonb), '
        'callout.update_call_log(bigint, jsonb), callout.get_call_outcome(bigint, text), '
        'callout.process_livekit_webhook(text, text), callout.attach_late_events(bigint) TO %I', role);
    PERFORM callout._grant_reading(role);
END
$$;
COMMENT ON FUNCTION callout.trust_gateway_role(name) IS 'trust sessions logged in as members of role to set callout.user_id or request.jwt.claims';

-- Maps a role to one tenant (or, with NULL, makes it a read-only auditor) and grants it what a
-- tenant needs: reading its calls and events, changing its calls' application-owned columns.
-- Tenants never create calls: gateways register them.
CREATE FUNCTION callout.map_tenant_role(role name, user_id text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_epoch text;
BEGIN
    PERFORM callout._refuse_on_worker('maps roles', 'Map and trust roles on the coordinator, which signs their tokens and grants them on every node.');
    PERFORM callout._check_role(role);
    IF map_tenant_role.user_id = '' THEN
        RAISE EXCEPTION 'user_id must not be empty (NULL makes an auditor)' USING ERRCODE = '22023';
    END IF;
    INSERT INTO callout.tenant_role AS t (role, user_id)
    VALUES (pg_catalog.quote_ident(role)::regrole, map_tenant_role.user_id)
    ON CONFLICT ON CONSTRAINT tenant_role_pkey DO UPDATE SET user_id = excluded.user_id;
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA callout TO %I', role);
    EXECUTE pg_catalog.format('GRANT SELECT ON callout.call_log, callout.livekit_call_event TO %I', role);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor(), '
        'callout.get_call_outcome(bigint, text) TO %I', role);
    PERFORM callout._grant_reading(role);
    IF map_tenant_role.user_id IS NOT NULL THEN
        EXECUTE pg_catalog.format('GRANT UPDATE (agent_config_id, campaign_id, metadata) ON callout.call_log TO %I', role);
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.update_call_log(bigint, jsonb) TO %I', role);
    END IF;
    -- where tenant tokens are signed (a distributed callout: README, Scaling out on Citus), the
    -- role's own token (its tenant's, or an auditor's) in its settings for this database, which
    -- Citus propagates and each worker connection applies as it logs in, signed under a new
    -- epoch of the role on every node (the mapping's change dropped the one before)
    IF EXISTS (SELECT FROM callout.tenant_token_secret) THEN
        new_epoch := pg_catalog.gen_random_uuid()::text;
        INSERT INTO callout.tenant_token_epoch (role, epoch) VALUES (role, new_epoch)
        ON CONFLICT ON CONSTRAINT tenant_token_epoch_pkey DO UPDATE SET epoch = excluded.epoch;
        PERFORM callout._on_workers(pg_catalog.format(
            'INSERT INTO callout.tenant_token_epoch (role, epoch) VALUES (%L, %L) '
            'ON CONFLICT (role) DO UPDATE SET epoch = excluded.epoch', role, new_epoch));
        EXECUTE pg_catalog.format('ALTER ROLE %I IN DATABASE %I SET callout.tenant_token = %L',
                                  role, pg_catalog.current_database(),
                                  CASE WHEN map_tenant_role.user_id IS NULL THEN callout._auditor_token(role)
                                       ELSE callout._tenant_token(role, map_tenant_role.user_id) END);
    END IF;
END
$$;
COMMENT ON FUNCTION callout.map_tenant_role(name, text) IS 'make role one tenant (user_id), or a read-only auditor of all tenants (NULL)';

COMMENT ON FUNCTION callout._session_is_gateway() IS 'internal: whether the login role is a superuser or a member of a trusted gateway role';
COMMENT ON FUNCTION callout._check_role(name) IS 'internal: refuses PUBLIC, pg_* and unknown roles for trust and mappings';
COMMENT ON FUNCTION callout._grant_reading(name) IS 'internal: grants the calls view and call_stats';

-- ---- row-level security: enabled and forced on every table (src/sql/99-privileges.sql does it
-- for the tables of the other topics too). A table without a policy answers no role but a
-- superuser (callout's own functions run as its owner, a superuser): a blanket GRANT ON ALL
-- TABLES IN SCHEMA callout exposes no secret, route, role or count.

ALTER TABLE callout.call_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.call_log FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.livekit_call_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.livekit_call_event FORCE ROW LEVEL SECURITY;

-- A tenant (or a gateway acting for one) reads its own rows through one equality on user_id,
-- which an index led by user_id takes. An auditor reads every row through a policy of its own
-- that applies only to the roles mapped as auditors (callout._sync_audit_policies keeps the
-- list), so no tenant's plan carries the auditor's OR, which no index could take. Whoever it
-- applies to, it still asks callout.is_auditor().
CREATE POLICY call_log_read ON callout.call_log FOR SELECT
    USING (user_id OPERATOR(pg_catalog.=) (SELECT callout.current_user_id()));
CREATE POLICY call_log_audit ON callout.call_log FOR SELECT TO pg_database_owner
    USING ((SELECT callout.is_auditor()));
CREATE POLICY call_log_update ON callout.call_log FOR UPDATE
    USING (user_id OPERATOR(pg_catalog.=) (SELECT callout.current_user_id()))
    WITH CHECK (user_id OPERATOR(pg_catalog.=) (SELECT callout.current_user_id()));
CREATE POLICY livekit_call_event_read ON callout.livekit_call_event FOR SELECT
    USING (user_id OPERATOR(pg_catalog.=) (SELECT callout.current_user_id()));
CREATE POLICY livekit_call_event_audit ON callout.livekit_call_event FOR SELECT TO pg_database_owner
    USING ((SELECT callout.is_auditor()));
-- a tenant's phone routes are its own to read (when granted), an auditor's all
CREATE POLICY phone_route_read ON callout.phone_route FOR SELECT
    USING (user_id OPERATOR(pg_catalog.=) (SELECT callout.current_user_id()));
CREATE POLICY phone_route_audit ON callout.phone_route FOR SELECT TO pg_database_owner
    USING ((SELECT callout.is_auditor()));

-- Keeps the auditors' policies applying to exactly the roles mapped as auditors (to
-- pg_database_owner while there are none: a policy names at least one role, and the policies
-- still ask callout.is_auditor(), so that role gains nothing). A trigger on tenant_role: a
-- mapping, a row changed or deleted by hand, and a restore (which loads tenant_role after CREATE
-- EXTENSION made the policies anew, as pg_dump keeps no policy of an extension's table) all keep
-- it. Changes of tenant_role are serialized (SHARE ROW EXCLUSIVE, until the transaction ends)
-- and the roles read after that lock, under READ COMMITTED, so two sessions changing mappings at
-- once cannot leave the older list. A policy is altered only when its roles change: ALTER POLICY
-- locks its table against every reader and delivery until the transaction ends, so it waits at
-- most lock_timeout (2 s) behind a reader (deliveries wait behind it as long), and takes the
-- three tables in one order (a reader taking them in another may deadlock with it: one ends).
CREATE FUNCTION callout._sync_audit_policies() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
    wanted text;
    audit record;
BEGIN
    PERFORM callout._require_read_committed('changing role mappings');
    LOCK TABLE callout.tenant_role IN SHARE ROW EXCLUSIVE MODE;
    wanted := coalesce((SELECT pg_catalog.string_agg(pg_catalog.quote_ident(r.rolname), ', ' ORDER BY r.rolname)
                        FROM callout.tenant_role AS t JOIN pg_catalog.pg_roles AS r ON r.oid = t.role
                        WHERE t.user_id IS NULL), 'pg_database_owner');
    FOR audit IN
        SELECT p.polname, p.polrelid::regclass AS tab FROM pg_catalog.pg_policy AS p
        WHERE p.polrelid IN ('callout.call_log'::regclass, 'callout.livekit_call_event'::regclass,
                             'callout.phone_route'::regclass)
          AND p.polname IN ('call_log_audit', 'livekit_call_event_audit', 'phone_route_audit')
          AND (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(r.rolname), ', ' ORDER BY r.rolname)
               FROM pg_catalog.pg_roles AS r WHERE r.oid = ANY (p.polroles)) IS DISTINCT FROM wanted
        ORDER BY p.polname
    LOOP
        EXECUTE pg_catalog.format('ALTER POLICY %I ON %s TO %s', audit.polname, audit.tab, wanted);
    END LOOP;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION callout._sync_audit_policies() IS 'internal: the auditors'' policies apply to the roles mapped as auditors';
CREATE TRIGGER tenant_role_audit_policies AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON callout.tenant_role
    FOR EACH STATEMENT EXECUTE FUNCTION callout._sync_audit_policies();

-- A mapping changed or gone takes the role's tokens without an end with it (DESIGN.md §7), as a
-- mapping does on one node: the role's epoch is dropped on every node (and those of roles no
-- longer there, whose names a new role could take) and its token setting reset, so the token it
-- held, which it may write back itself, names nothing; map_tenant_role signs anew. A trigger, so
-- a row deleted or changed by hand, and a TRUNCATE, revoke too.
CREATE FUNCTION callout._revoke_role_tokens() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    unmapped name;
    revoked name[];
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        unmapped := (SELECT r.rolname FROM pg_catalog.pg_roles AS r WHERE r.oid = OLD.role);
    END IF;
    revoked := ARRAY(SELECT e.role FROM callout.tenant_token_epoch AS e
                     WHERE TG_LEVEL = 'STATEMENT' OR e.role = unmapped
                        OR NOT EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = e.role));
    IF pg_catalog.cardinality(revoked) = 0 THEN
        RETURN NULL;
    END IF;
    DELETE FROM callout.tenant_token_epoch AS e WHERE e.role = ANY (revoked);
    PERFORM callout._on_workers(pg_catalog.format(
        'DELETE FROM callout.tenant_token_epoch WHERE role = ANY (%L::name[])', revoked));
    FOR unmapped IN SELECT r.rolname FROM pg_catalog.pg_roles AS r WHERE r.rolname = ANY (revoked) LOOP
        EXECUTE pg_catalog.format('ALTER ROLE %I IN DATABASE %I RESET callout.tenant_token',
                                  unmapped, pg_catalog.current_database());
    END LOOP;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION callout._revoke_role_tokens() IS 'internal: a mapping changed or gone drops the role''s token epoch on every node and resets its token';
CREATE TRIGGER tenant_role_revokes_tokens AFTER UPDATE OR DELETE ON callout.tenant_role
    FOR EACH ROW EXECUTE FUNCTION callout._revoke_role_tokens();
CREATE TRIGGER tenant_role_truncate_revokes_tokens AFTER TRUNCATE ON callout.tenant_role
    FOR EACH STATEMENT EXECUTE FUNCTION callout._revoke_role_tokens();
