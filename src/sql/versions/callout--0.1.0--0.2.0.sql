-- callout 0.1.0 -> 0.2.0: ingestion (keys, calls, events exactly once), tenancy under
-- row-level security, reading, PostgREST, notifications, metrics and operations. 0.2.0 is
-- installed through callout--0.1.0.sql and this script (it has no install script of its own).
\echo Use "ALTER EXTENSION callout UPDATE TO '0.2.0'" to load this file. \quit

-- ============================================================================================
-- Ingestion: keys, calls, events, tenancy (DESIGN.md §3-§7)
-- ============================================================================================

CREATE TYPE callout.call_status AS ENUM ('registered', 'in_progress', 'ended', 'expired');
COMMENT ON TYPE callout.call_status IS 'registered -> in_progress -> ended; expired when the end never arrived';

-- What process_livekit_webhook answers for one delivery.
CREATE TYPE callout.webhook_result AS (
    status text,       -- processed, duplicate, ignored, unmatched, rejected
    reason text,       -- DESIGN.md §3 vocabulary; 'already processed' for a duplicate
    event_id text,
    call_id bigint,
    outcome callout.call_outcome);

-- What get_call_outcome answers for one call.
CREATE TYPE callout.call_outcome_info AS (
    call_id bigint,
    status callout.call_status,
    outcome callout.call_outcome,
    duration_seconds integer,
    disconnect_reason text,
    sip_call_status text,
    recording_url text,
    started_at timestamptz,
    ended_at timestamptz);

-- The facts of an event ingestion stores and matches on (filled by _event_facts, in C++).
CREATE TYPE callout.event_facts AS (
    reading text,      -- processable, ignored, missing_event_id, missing_room_name
    event_type text,
    event_id text,
    event_created_at timestamptz,
    room_name text,
    room_sid text,
    room_creation_time timestamptz,
    participant_identity text,
    participant_kind text,
    is_sip boolean,
    joined_at timestamptz,
    disconnect_reason text,
    sip_call_status text,
    sip_phone_number text,
    sip_trunk_phone_number text,
    sip_rule_id text,  -- set when a dispatch rule routed an inbound call
    call_duration_seconds integer,
    recording_url text,
    egress_status text);

CREATE TYPE callout.ingest_settings AS (
    verify_at timestamptz,
    max_body_bytes integer,
    clock_leeway integer,
    min_connected_seconds double precision,
    min_completed_seconds double precision,
    unmatched_window_seconds integer,
    notify boolean);

-- ---- keys, routes and roles (administration; no tenant, gateway or webhook role reads these)

CREATE TABLE callout.signing_key (
    api_key text PRIMARY KEY CHECK (api_key <> ''),
    api_secret text NOT NULL CHECK (api_secret <> ''),
    user_id text CHECK (user_id <> ''),
    allow_plain_hmac boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    revoked_at timestamptz);
COMMENT ON TABLE callout.signing_key IS 'LiveKit API keys deliveries are verified with; several may be live at once (rotation)';
COMMENT ON COLUMN callout.signing_key.user_id IS 'the tenant a bound key may create or touch calls of; NULL for any';
COMMENT ON COLUMN callout.signing_key.allow_plain_hmac IS 'whether plain HMAC-SHA256 signatures (no time, replay-protected only by event ids) are accepted with this secret';

CREATE TABLE callout.phone_route (
    trunk_phone_number text PRIMARY KEY CHECK (trunk_phone_number <> ''),
    user_id text NOT NULL CHECK (user_id <> ''),
    agent_config_id text);
COMMENT ON TABLE callout.phone_route IS 'inbound calls to these dialed numbers are created for the tenant automatically';

CREATE TABLE callout.gateway_role (role_name name PRIMARY KEY);
COMMENT ON TABLE callout.gateway_role IS 'sessions whose login role is a member of one of these may say which tenant they act for';

CREATE TABLE callout.tenant_role (role_name name PRIMARY KEY, user_id text CHECK (user_id <> ''));
COMMENT ON TABLE callout.tenant_role IS 'roles that are one tenant (user_id), or read-only auditors of all tenants (NULL)';

-- ---- calls and events (tenant data, under row-level security)

CREATE TABLE callout.call_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id text NOT NULL CHECK (user_id <> ''),
    agent_config_id text,
    room_name text NOT NULL CHECK (room_name <> ''),
    room_sid text,
    direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    phone_number text,
    registered_phone_number text,
    campaign_id text,
    status callout.call_status NOT NULL DEFAULT 'registered',
    outcome callout.call_outcome,
    duration_seconds integer CHECK (duration_seconds >= 0),
    disconnect_reason text,
    sip_call_status text,
    recording_url text,
    metadata jsonb,
    started_at timestamptz,
    answered_at timestamptz,
    ended_at timestamptz,
    origin text NOT NULL DEFAULT 'registered' CHECK (origin IN ('registered', 'phone_route', 'tenant_key')),
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at timestamptz NOT NULL DEFAULT pg_catalog.now());
COMMENT ON TABLE callout.call_log IS 'one row per call; webhook-owned columns are recomputed from the call''s events';
COMMENT ON COLUMN callout.call_log.phone_number IS 'the registered number, else the SIP participant''s, else the E.164 number in the room name';
COMMENT ON COLUMN callout.call_log.registered_phone_number IS 'the number given to register_call, if any';
COMMENT ON COLUMN callout.call_log.answered_at IS 'when the phone leg that ended a completed call joined (LiveKit reports no separate answer instant); NULL otherwise';
COMMENT ON COLUMN callout.call_log.origin IS 'registered by a gateway, created from a phone route, or created by a delivery signed with a tenant''s key (such a call accepts only that tenant''s keys)';

-- At most one open call per tenant and room name; a room sid belongs to one call.
CREATE UNIQUE INDEX call_log_open_room ON callout.call_log (user_id, room_name)
    WHERE status IN ('registered', 'in_progress');
CREATE INDEX call_log_open_room_name ON callout.call_log (room_name)
    WHERE status IN ('registered', 'in_progress');
CREATE INDEX call_log_tenant ON callout.call_log (user_id, created_at);
CREATE UNIQUE INDEX call_log_room_sid ON callout.call_log (room_sid) WHERE room_sid IS NOT NULL;

CREATE TABLE callout.livekit_call_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id text NOT NULL CHECK (event_id <> ''),
    call_log_id bigint REFERENCES callout.call_log (id),
    user_id text,
    api_key text,
    event_type text NOT NULL,
    room_name text NOT NULL,
    room_sid text,
    event_created_at timestamptz,
    received_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    body_sha256 bytea NOT NULL,
    room_creation_time timestamptz,
    participant_identity text,
    participant_kind text,
    is_sip boolean NOT NULL DEFAULT false,
    joined_at timestamptz,
    disconnect_reason text,
    sip_call_status text,
    sip_phone_number text,
    sip_trunk_phone_number text,
    call_duration_seconds integer,
    recording_url text,
    egress_status text,
    payload jsonb);
COMMENT ON TABLE callout.livekit_call_event IS 'one row per accepted event (event_id is the idempotency key); call_log_id is NULL while unmatched';
COMMENT ON COLUMN callout.livekit_call_event.user_id IS 'the call''s tenant, or while unmatched the signing key''s tenant (NULL for an unbound key)';
COMMENT ON COLUMN callout.livekit_call_event.payload IS 'the event as received, without credentials (room.turnPassword, egress storage keys, stream URLs)';
CREATE UNIQUE INDEX livekit_call_event_event_id ON callout.livekit_call_event (event_id);
CREATE INDEX livekit_call_event_call ON callout.livekit_call_event (call_log_id);
CREATE INDEX livekit_call_event_tenant ON callout.livekit_call_event (user_id, received_at);
CREATE INDEX livekit_call_event_unmatched ON callout.livekit_call_event (room_name, received_at)
    WHERE call_log_id IS NULL;

-- pg_dump keeps what the tables and their sequences hold.
SELECT pg_catalog.pg_extension_config_dump('callout.signing_key', '');
SELECT pg_catalog.pg_extension_config_dump('callout.phone_route', '');
SELECT pg_catalog.pg_extension_config_dump('callout.gateway_role', '');
SELECT pg_catalog.pg_extension_config_dump('callout.tenant_role', '');
SELECT pg_catalog.pg_extension_config_dump('callout.call_log', '');
SELECT pg_catalog.pg_extension_config_dump('callout.call_log_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('callout.livekit_call_event', '');
SELECT pg_catalog.pg_extension_config_dump('callout.livekit_call_event_id_seq', '');

-- ---- C++ helpers of ingestion and tenancy (internal: no role but the owner runs them)

CREATE FUNCTION callout._token_issuer(authorization text) RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_token_issuer';
CREATE FUNCTION callout._looks_like_plain_hmac(signature text) RETURNS boolean
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_looks_like_plain_hmac';
CREATE FUNCTION callout._parse_json_body(body text) RETURNS jsonb
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_parse_json_body';
CREATE FUNCTION callout._redact_payload(payload jsonb) RETURNS jsonb
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_redact_payload';
CREATE FUNCTION callout._event_facts(payload jsonb) RETURNS callout.event_facts
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_event_facts';
CREATE FUNCTION callout._ingest_settings() RETURNS callout.ingest_settings
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_ingest_settings';
CREATE FUNCTION callout._invoking_role() RETURNS oid
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_invoking_role';

-- ---- who is who (DESIGN.md §7)

-- Whether this session's login role is a superuser or a member of a trusted gateway role.
-- (PL/pgSQL so its plan is cached: row-level security calls these once per statement.)
CREATE FUNCTION callout._session_is_gateway() RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname = session_user)
        OR EXISTS (SELECT FROM callout.gateway_role AS g
                   JOIN pg_catalog.pg_roles AS r ON r.rolname = g.role_name
                   WHERE pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'));
END
$$;

-- The mapping of the invoking role (after SET ROLE): its own if it has one, else the one
-- mapping it inherits. Several different inherited mappings are ambiguous, so they map to
-- nothing (mapped is false): a role never becomes an auditor or a tenant by sort order.
CREATE FUNCTION callout._mapped_tenant(OUT mapped boolean, OUT user_id text)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    invoking oid := callout._invoking_role();
BEGIN
    SELECT true, t.user_id INTO mapped, user_id FROM callout.tenant_role AS t
    JOIN pg_catalog.pg_roles AS r ON r.rolname = t.role_name
    WHERE r.oid = invoking;
    IF FOUND THEN
        RETURN;
    END IF;
    SELECT pg_catalog.count(DISTINCT coalesce(t.user_id, '')) = 1, pg_catalog.min(t.user_id)
    INTO mapped, user_id
    FROM callout.tenant_role AS t
    JOIN pg_catalog.pg_roles AS r ON r.rolname = t.role_name
    WHERE pg_catalog.pg_has_role(invoking, r.oid, 'MEMBER');
    IF NOT mapped THEN
        user_id := NULL;
    END IF;
END
$$;

-- A trusted gateway's tenant: PostgREST's per-request JWT `sub` first, else callout.user_id.
CREATE FUNCTION callout.current_user_id() RETURNS text
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF callout._session_is_gateway() THEN
        -- claims that are not JSON say nothing (rather than failing every statement)
        RETURN coalesce(
            NULLIF(callout._parse_json_body(
                       coalesce(pg_catalog.current_setting('request.jwt.claims', true), '')) ->> 'sub', ''),
            NULLIF(pg_catalog.current_setting('callout.user_id', true), ''));
    END IF;
    RETURN (SELECT m.user_id FROM callout._mapped_tenant() AS m);
END
$$;
COMMENT ON FUNCTION callout.current_user_id() IS 'the tenant this statement acts for: a trusted gateway''s JWT sub or callout.user_id, else the tenant the role is mapped to; NULL for none';

-- A role mapped to NULL reads every tenant's rows (and writes none).
CREATE FUNCTION callout.is_auditor() RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF callout._session_is_gateway() THEN
        RETURN false;
    END IF;
    RETURN (SELECT m.mapped AND m.user_id IS NULL FROM callout._mapped_tenant() AS m);
END
$$;
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

-- Grants what reading calls needs beyond the tables: the calls view and call_stats.
CREATE FUNCTION callout._grant_reading(role name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    EXECUTE pg_catalog.format('GRANT SELECT ON callout.calls TO %I', role);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.call_stats(timestamptz, timestamptz, text) TO %I',
                              role);
END
$$;

-- Registers a role whose members (by login) are trusted to say which tenant they act for, and
-- grants it what an application server needs.
CREATE FUNCTION callout.trust_gateway_role(role name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM callout._check_role(role);
    INSERT INTO callout.gateway_role (role_name) VALUES (role) ON CONFLICT DO NOTHING;
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA callout TO %I', role);
    EXECUTE pg_catalog.format('GRANT SELECT, UPDATE (agent_config_id, campaign_id, metadata) ON callout.call_log TO %I', role);
    EXECUTE pg_catalog.format('GRANT SELECT ON callout.livekit_call_event TO %I', role);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor(), '
        'callout.register_call(text, text, text, text, text, text, jsonb), '
        'callout.update_call_log(bigint, jsonb), callout.get_call_outcome(bigint, text) TO %I', role);
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
BEGIN
    PERFORM callout._check_role(role);
    IF map_tenant_role.user_id = '' THEN
        RAISE EXCEPTION 'user_id must not be empty (NULL makes an auditor)' USING ERRCODE = '22023';
    END IF;
    INSERT INTO callout.tenant_role AS t (role_name, user_id) VALUES (role, map_tenant_role.user_id)
    ON CONFLICT (role_name) DO UPDATE SET user_id = excluded.user_id;
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA callout TO %I', role);
    EXECUTE pg_catalog.format('GRANT SELECT ON callout.call_log, callout.livekit_call_event TO %I', role);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor(), '
        'callout.get_call_outcome(bigint, text) TO %I', role);
    PERFORM callout._grant_reading(role);
    IF map_tenant_role.user_id IS NOT NULL THEN
        EXECUTE pg_catalog.format('GRANT UPDATE (agent_config_id, campaign_id, metadata) ON callout.call_log TO %I', role);
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.update_call_log(bigint, jsonb) TO %I', role);
    END IF;
END
$$;
COMMENT ON FUNCTION callout.map_tenant_role(name, text) IS 'make role one tenant (user_id), or a read-only auditor of all tenants (NULL)';

-- ---- row-level security

ALTER TABLE callout.call_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.call_log FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.livekit_call_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.livekit_call_event FORCE ROW LEVEL SECURITY;

CREATE POLICY call_log_read ON callout.call_log FOR SELECT
    USING (user_id OPERATOR(pg_catalog.=) (SELECT callout.current_user_id()) OR (SELECT callout.is_auditor()));
CREATE POLICY call_log_update ON callout.call_log FOR UPDATE
    USING (user_id OPERATOR(pg_catalog.=) (SELECT callout.current_user_id()))
    WITH CHECK (user_id OPERATOR(pg_catalog.=) (SELECT callout.current_user_id()));
CREATE POLICY livekit_call_event_read ON callout.livekit_call_event FOR SELECT
    USING (user_id OPERATOR(pg_catalog.=) (SELECT callout.current_user_id()) OR (SELECT callout.is_auditor()));

-- ---- keys and routes (owner only)

CREATE FUNCTION callout.add_signing_key(api_key text, api_secret text, user_id text DEFAULT NULL,
                                        allow_plain_hmac boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- checked here, so that no constraint error ever prints the row (and the secret in it)
    IF api_key IS NULL OR api_key = '' OR api_secret IS NULL OR api_secret = '' THEN
        RAISE EXCEPTION 'api_key and api_secret must not be empty' USING ERRCODE = '22023';
    ELSIF user_id = '' THEN
        RAISE EXCEPTION 'user_id must not be empty (NULL binds the key to no tenant)'
            USING ERRCODE = '22023';
    END IF;
    INSERT INTO callout.signing_key AS k (api_key, api_secret, user_id, allow_plain_hmac)
    VALUES (api_key, api_secret, user_id, coalesce(allow_plain_hmac, false))
    ON CONFLICT ON CONSTRAINT signing_key_pkey DO UPDATE SET api_secret = excluded.api_secret,
        user_id = excluded.user_id, allow_plain_hmac = excluded.allow_plain_hmac,
        created_at = pg_catalog.now(), revoked_at = NULL;
END
$$;
COMMENT ON FUNCTION callout.add_signing_key(text, text, text, boolean) IS 'add (or replace) a LiveKit API key pair deliveries are verified with; bound to a tenant when user_id is given';

CREATE FUNCTION callout.revoke_signing_key(api_key text) RETURNS boolean
LANGUAGE sql SET search_path = pg_catalog, pg_temp
AS $$
    WITH revoked AS (
        UPDATE callout.signing_key AS k SET revoked_at = pg_catalog.now()
        WHERE k.api_key OPERATOR(pg_catalog.=) revoke_signing_key.api_key AND k.revoked_at IS NULL
        RETURNING 1)
    SELECT EXISTS (SELECT FROM revoked)
$$;
COMMENT ON FUNCTION callout.revoke_signing_key(text) IS 'stop accepting deliveries signed with this key; true when a live key was revoked';

CREATE FUNCTION callout.add_phone_route(trunk_phone_number text, user_id text,
                                        agent_config_id text DEFAULT NULL)
RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO callout.phone_route AS r (trunk_phone_number, user_id, agent_config_id)
    VALUES (trunk_phone_number, user_id, agent_config_id)
    ON CONFLICT (trunk_phone_number) DO UPDATE SET user_id = excluded.user_id,
        agent_config_id = excluded.agent_config_id
$$;
COMMENT ON FUNCTION callout.add_phone_route(text, text, text) IS 'inbound calls dialed to trunk_phone_number are created automatically for user_id';

-- ---- applying events to calls

-- The lock registration and delivery both take on a room name, so neither can miss the other.
-- Only under READ COMMITTED does the statement after the lock see what the lock's previous
-- holder committed; a snapshot taken earlier (REPEATABLE READ, SERIALIZABLE) could not, so
-- those are refused rather than letting an event and its call miss each other.
CREATE FUNCTION callout._lock_room(room_name text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'callout needs READ COMMITTED transactions'
            USING ERRCODE = '0A000',
                  DETAIL = pg_catalog.format('This transaction is %s.',
                                             pg_catalog.current_setting('transaction_isolation')),
                  HINT = 'Deliver webhooks and register calls in READ COMMITTED transactions (the default).';
    END IF;
    -- 1024 buckets: a batch of many rooms in one transaction holds at most 1024 locks
    PERFORM pg_catalog.pg_advisory_xact_lock(1668047988, pg_catalog.hashtext(room_name) & 1023);
END
$$;

-- Recomputes a call's webhook-owned columns from the set of its events (DESIGN.md §4). Each
-- field takes its value from the event that ranks first for it: by the event table (a SIP
-- leave before room_finished, room_started for the start), then the later createdAt, then the
-- greater event id. So the row is a function of the set, never of the arrival order.
-- When the outcome is recorded or changes, NOTIFY callout_outcome carries the call id (sent at
-- commit; callout.notify turns it off).
CREATE FUNCTION callout._recompute_call(call_id bigint, settings callout.ingest_settings)
RETURNS callout.call_outcome
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result callout.call_outcome;
    previous callout.call_outcome;
BEGIN
    WITH previous_row AS (
        SELECT c.outcome FROM callout.call_log AS c WHERE c.id = call_id
    ), ev AS (
        SELECT e.* FROM callout.livekit_call_event AS e WHERE e.call_log_id = call_id
    ), sip_end AS (
        SELECT ev.* FROM ev
        WHERE ev.is_sip AND ev.event_type IN ('participant_left', 'participant_connection_aborted')
        ORDER BY ev.event_created_at DESC NULLS LAST, ev.event_id DESC LIMIT 1
    ), room_end AS (
        SELECT ev.* FROM ev WHERE ev.event_type = 'room_finished'
        ORDER BY ev.event_created_at DESC NULLS LAST, ev.event_id DESC LIMIT 1
    ), facts AS (
        SELECT
            (SELECT ev.room_sid FROM ev WHERE ev.room_sid IS NOT NULL
             ORDER BY ev.event_type = 'room_started' DESC, ev.event_created_at DESC NULLS LAST,
                      ev.event_id DESC LIMIT 1) AS room_sid,
            (SELECT ev.room_creation_time FROM ev WHERE ev.room_creation_time IS NOT NULL
             ORDER BY ev.event_type = 'room_started' DESC, ev.event_created_at DESC NULLS LAST,
                      ev.event_id DESC LIMIT 1) AS started_at,
            EXISTS (SELECT FROM sip_end) AS sip_left,
            EXISTS (SELECT FROM sip_end) OR EXISTS (SELECT FROM room_end) AS ended,
            EXISTS (SELECT FROM ev WHERE ev.is_sip) AS sip_seen,
            CASE WHEN EXISTS (SELECT FROM sip_end) THEN (SELECT sip_end.event_created_at FROM sip_end)
                 ELSE (SELECT room_end.event_created_at FROM room_end) END AS ended_at,
            CASE WHEN EXISTS (SELECT FROM sip_end) THEN (SELECT sip_end.call_duration_seconds FROM sip_end)
                 ELSE (SELECT room_end.call_duration_seconds FROM room_end) END AS duration_seconds,
            -- the reason and SIP status belong to the phone leg whose leave ended the call:
            -- other leaves of that same participant may fill in (UNKNOWN_REASON never
            -- overwrites a real reason), another leg's never do
            (SELECT ev.disconnect_reason FROM ev
             WHERE ev.is_sip AND ev.event_type IN ('participant_left', 'participant_connection_aborted')
               AND ev.disconnect_reason IS NOT NULL
               AND ev.participant_identity IS NOT DISTINCT FROM (SELECT sip_end.participant_identity FROM sip_end)
             ORDER BY ev.disconnect_reason <> 'UNKNOWN_REASON' DESC, ev.event_created_at DESC NULLS LAST,
                      ev.event_id DESC LIMIT 1) AS disconnect_reason,
            (SELECT ev.sip_call_status FROM ev WHERE ev.is_sip AND ev.sip_call_status IS NOT NULL
               AND (NOT EXISTS (SELECT FROM sip_end) OR ev.participant_identity IS NOT DISTINCT FROM
                        (SELECT sip_end.participant_identity FROM sip_end))
             ORDER BY ev.event_type IN ('participant_left', 'participant_connection_aborted') DESC,
                      ev.event_created_at DESC NULLS LAST, ev.event_id DESC LIMIT 1) AS sip_call_status,
            (SELECT ev.sip_phone_number FROM ev WHERE ev.is_sip AND ev.sip_phone_number IS NOT NULL
             ORDER BY ev.event_created_at DESC NULLS LAST, ev.event_id DESC LIMIT 1) AS sip_phone_number,
            (SELECT ev.recording_url FROM ev
             WHERE ev.event_type = 'egress_ended' AND ev.recording_url IS NOT NULL
             ORDER BY ev.event_created_at DESC NULLS LAST, ev.event_id DESC LIMIT 1) AS recording_url,
            (SELECT sip_end.joined_at FROM sip_end) AS sip_joined_at
    ), decided AS (
        -- a call whose phone leg was never seen is classified without a duration (failed):
        -- the room's own lifetime says nothing about a phone that never connected
        SELECT f.*, CASE WHEN f.ended THEN callout.classify_outcome(
                        CASE WHEN f.sip_seen THEN f.duration_seconds END, f.disconnect_reason,
                        f.sip_call_status, settings.min_connected_seconds::numeric,
                        settings.min_completed_seconds::numeric) END AS outcome
        FROM facts AS f
    )
    UPDATE callout.call_log AS c SET
        room_sid = coalesce(c.room_sid, f.room_sid),
        status = CASE WHEN f.ended THEN 'ended'
                      WHEN c.status = 'expired' THEN 'expired'
                      WHEN f.sip_seen THEN 'in_progress'
                      ELSE 'registered' END::callout.call_status,
        started_at = f.started_at,
        ended_at = f.ended_at,
        duration_seconds = f.duration_seconds,
        disconnect_reason = f.disconnect_reason,
        sip_call_status = f.sip_call_status,
        phone_number = coalesce(c.registered_phone_number, f.sip_phone_number,
                                callout.extract_phone_number(c.room_name)),
        recording_url = f.recording_url,
        outcome = f.outcome,
        -- answered: the phone leg that ended a completed call joined then (LiveKit reports no
        -- separate answer instant); unknown when the leg's leave never arrived
        answered_at = CASE WHEN f.outcome = 'completed' THEN f.sip_joined_at END,
        updated_at = pg_catalog.now()
    FROM decided AS f
    WHERE c.id = call_id
    RETURNING c.outcome, (SELECT p.outcome FROM previous_row AS p) INTO result, previous;
    IF settings.notify AND result IS NOT NULL AND result IS DISTINCT FROM previous THEN
        PERFORM pg_catalog.pg_notify('callout_outcome', call_id::text);
    END IF;
    RETURN result;
END
$$;

-- The call an event belongs to: the one its room sid is bound to, else the one open call of its
-- room name whose sid is not bound. A key bound to a tenant sees only that tenant's calls; a
-- call that a tenant's key created sees only that tenant's keys (so a tenant cannot make a
-- call in a room name another tenant's deliveries will use). NULL when there is none.
-- STABLE, yet it must run in a statement that started after the room's lock was taken (its
-- snapshot then sees what the lock's previous holder committed): _ingest calls it that way.
CREATE FUNCTION callout._match_call(room_sid text, room_name text, key_user_id text)
RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    found_ids bigint[];
BEGIN
    IF room_sid IS NOT NULL THEN
        SELECT pg_catalog.array_agg(c.id) INTO found_ids FROM callout.call_log AS c
        WHERE c.room_sid = _match_call.room_sid;
        IF found_ids IS NOT NULL THEN
            -- the sid is bound: to a call this key may touch, or to nothing it may
            RETURN (SELECT c.id FROM callout.call_log AS c
                    WHERE c.id = found_ids[1]
                      AND (c.user_id = key_user_id OR key_user_id IS NULL AND c.origin <> 'tenant_key'));
        END IF;
    END IF;
    SELECT pg_catalog.array_agg(c.id) INTO found_ids FROM callout.call_log AS c
    WHERE c.room_name = _match_call.room_name AND c.status IN ('registered', 'in_progress')
      AND c.room_sid IS NULL
      AND (c.user_id = key_user_id OR key_user_id IS NULL AND c.origin <> 'tenant_key');
    IF pg_catalog.cardinality(found_ids) = 1 THEN
        RETURN found_ids[1];
    END IF;
    RETURN NULL;
END
$$;

-- Attaches the room's unmatched events that arrived within callout.unmatched_window to a call
-- just created for it: those signed with the tenant's keys, and, unless a tenant's key made the
-- call, those signed with unbound keys. True when any were attached.
CREATE FUNCTION callout._attach_unmatched(call_id bigint, user_id text, room_name text,
                                          window_seconds integer, include_unbound boolean)
RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE callout.livekit_call_event AS e SET call_log_id = call_id, user_id = _attach_unmatched.user_id
    WHERE e.call_log_id IS NULL AND e.room_name = _attach_unmatched.room_name
      AND e.received_at >= pg_catalog.now() - pg_catalog.make_interval(secs => window_seconds)
      AND (e.user_id = _attach_unmatched.user_id OR include_unbound AND e.user_id IS NULL)
      AND (e.room_sid IS NULL OR NOT EXISTS (
          SELECT FROM callout.call_log AS c WHERE c.room_sid = e.room_sid AND c.id <> call_id));
    RETURN FOUND;
END
$$;

-- Creates a call row (no checks: callers check who may) and attaches the room's waiting events;
-- the caller recomputes the row.
CREATE FUNCTION callout._create_call(user_id text, room_name text, direction text,
                                     phone_number text, campaign_id text, agent_config_id text,
                                     metadata jsonb, origin text, window_seconds integer,
                                     OUT call_id bigint, OUT attached boolean)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO callout.call_log (user_id, room_name, direction, phone_number, registered_phone_number,
                                  campaign_id, agent_config_id, metadata, origin)
    VALUES (user_id, room_name, direction,
            coalesce(phone_number, callout.extract_phone_number(room_name)), phone_number,
            coalesce(campaign_id, callout.extract_campaign_id(room_name)), agent_config_id, metadata,
            origin)
    RETURNING id INTO call_id;
    attached := callout._attach_unmatched(call_id, user_id, room_name, window_seconds,
                                          origin <> 'tenant_key');
END
$$;

-- ---- what applications call

CREATE FUNCTION callout.register_call(user_id text, room_name text, direction text,
                                      phone_number text DEFAULT NULL, campaign_id text DEFAULT NULL,
                                      agent_config_id text DEFAULT NULL, metadata jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    acting_for text := callout.current_user_id();
    open_call record;
    created record;
    settings callout.ingest_settings := callout._ingest_settings();
BEGIN
    IF user_id IS NULL OR user_id = '' OR room_name IS NULL OR room_name = '' THEN
        RAISE EXCEPTION 'user_id and room_name are required' USING ERRCODE = '22004';
    END IF;
    IF direction IS NULL OR direction NOT IN ('inbound', 'outbound') THEN
        RAISE EXCEPTION 'direction must be inbound or outbound'
            USING ERRCODE = '22023', DETAIL = pg_catalog.format('direction is %L.', direction);
    END IF;
    -- calls are created by gateways (application servers) and admins only: a tenant that could
    -- register room names could claim another tenant's calls (and their waiting events) by name.
    -- A gateway registers for the tenant it acts for; only a superuser for anyone.
    IF NOT callout._session_is_gateway() THEN
        RAISE EXCEPTION 'only gateway and admin sessions may register calls' USING ERRCODE = '42501';
    ELSIF acting_for IS DISTINCT FROM user_id
          AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname = session_user) THEN
        RAISE EXCEPTION 'permission denied to register a call for another tenant'
            USING ERRCODE = '42501',
                  HINT = 'A gateway says which tenant it acts for with callout.user_id or its JWT sub.';
    END IF;
    PERFORM callout._lock_room(room_name);
    SELECT c.id, c.user_id INTO open_call FROM callout.call_log AS c
    WHERE c.room_name = register_call.room_name AND c.status IN ('registered', 'in_progress')
    ORDER BY c.user_id = register_call.user_id DESC LIMIT 1;
    IF open_call.user_id = register_call.user_id THEN
        RAISE EXCEPTION 'room % already has an open call of this tenant', room_name
            USING ERRCODE = '23505', DETAIL = pg_catalog.format('Call %s is open.', open_call.id),
                  HINT = 'A room has one open call per tenant; an inbound call may have been created from its phone route.';
    ELSIF open_call.id IS NOT NULL THEN
        RAISE EXCEPTION 'room % already has an open call of another tenant', room_name
            USING ERRCODE = '23505';
    END IF;
    created := callout._create_call(user_id, room_name, direction, phone_number, campaign_id,
                                    agent_config_id, metadata, 'registered',
                                    settings.unmatched_window_seconds);
    IF created.attached THEN
        PERFORM callout._recompute_call(created.call_id, settings);
    END IF;
    RETURN created.call_id;
END
$$;
COMMENT ON FUNCTION callout.register_call(text, text, text, text, text, text, jsonb) IS 'create the call row for a room (at most one open call per tenant and room); waiting events of the room are applied';

CREATE FUNCTION callout.update_call_log(call_id bigint, changes jsonb) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bad_key text;
BEGIN
    IF changes IS NULL OR pg_catalog.jsonb_typeof(changes) <> 'object' THEN
        RAISE EXCEPTION 'changes must be a JSON object' USING ERRCODE = '22023';
    END IF;
    SELECT k INTO bad_key FROM pg_catalog.jsonb_object_keys(changes) AS k
    WHERE k NOT IN ('agent_config_id', 'campaign_id', 'metadata') LIMIT 1;
    IF bad_key IS NOT NULL THEN
        RAISE EXCEPTION 'column "%" of a call cannot be changed by its tenant', bad_key
            USING ERRCODE = '42501',
                  HINT = 'Only agent_config_id, campaign_id and metadata are application-owned.';
    END IF;
    UPDATE callout.call_log AS c SET
        agent_config_id = CASE WHEN changes ? 'agent_config_id'
                               THEN changes ->> 'agent_config_id' ELSE c.agent_config_id END,
        campaign_id = CASE WHEN changes ? 'campaign_id'
                           THEN changes ->> 'campaign_id' ELSE c.campaign_id END,
        metadata = CASE WHEN changes ? 'metadata'
                        THEN NULLIF(changes -> 'metadata', 'null'::jsonb) ELSE c.metadata END,
        updated_at = pg_catalog.now()
    WHERE c.id = call_id AND c.user_id = callout.current_user_id();
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION callout.update_call_log(bigint, jsonb) IS 'change agent_config_id, campaign_id or metadata of one''s own call; false when the call is not one''s own';

CREATE FUNCTION callout.get_call_outcome(call_id bigint, user_id text)
RETURNS callout.call_outcome_info
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ROW(c.id, c.status, c.outcome, c.duration_seconds, c.disconnect_reason,
               c.sip_call_status, c.recording_url, c.started_at, c.ended_at)::callout.call_outcome_info
    FROM callout.call_log AS c
    WHERE c.id = get_call_outcome.call_id AND c.user_id = get_call_outcome.user_id
$$;
COMMENT ON FUNCTION callout.get_call_outcome(bigint, text) IS 'the outcome of a call of that tenant, under the caller''s row-level security; NULL otherwise';

CREATE FUNCTION callout.resolve_call_context(room_name text,
                                             OUT call_id bigint, OUT user_id text,
                                             OUT agent_config_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.id, c.user_id, c.agent_config_id FROM callout.call_log AS c
    WHERE c.room_name = resolve_call_context.room_name
      AND (callout.current_user_id() IS NULL OR c.user_id = callout.current_user_id())
    ORDER BY c.status IN ('registered', 'in_progress') DESC, c.created_at DESC, c.id DESC
    LIMIT 1
$$;
COMMENT ON FUNCTION callout.resolve_call_context(text) IS 'the call a room belongs to (open first, then latest): for ingestion and admin roles, granted explicitly';

-- ---- ingestion

-- The answer to a delivery whose event id is already stored, or NULL when it is not: 'already
-- processed' for the same body, 'conflicting_duplicate' for another. The call and its outcome
-- are told only to an unbound key or one of the call's tenant.
CREATE FUNCTION callout._duplicate_answer(event_id text, body_hash bytea, key_user_id text)
RETURNS callout.webhook_result
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    stored record;
BEGIN
    SELECT e.body_sha256, c.id, c.outcome, c.user_id INTO stored
    FROM callout.livekit_call_event AS e LEFT JOIN callout.call_log AS c ON c.id = e.call_log_id
    WHERE e.event_id = _duplicate_answer.event_id;
    IF NOT FOUND THEN
        RETURN NULL;
    ELSIF key_user_id IS NOT NULL AND stored.user_id IS DISTINCT FROM key_user_id THEN
        stored.id := NULL;
        stored.outcome := NULL;
    END IF;
    RETURN ROW('duplicate',
               CASE WHEN stored.body_sha256 = body_hash THEN 'already processed'
                    ELSE 'conflicting_duplicate' END,
               event_id, stored.id, stored.outcome)::callout.webhook_result;
END
$$;

-- One delivery: limits, signature, body, event, then exactly-once storage and the call row.
-- `payload` is given when the caller holds jsonb (only a plain HMAC over its text can verify).
CREATE FUNCTION callout._apply_delivery(body text, payload jsonb, signature text)
RETURNS callout.webhook_result
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    settings callout.ingest_settings := callout._ingest_settings();
    key callout.signing_key;
    verdict text;
    ev callout.event_facts;
    body_hash bytea;
    call_id bigint;
    call_user text;
    route callout.phone_route;
    answer callout.webhook_result;
BEGIN
    IF body IS NULL THEN
        RETURN ROW('rejected', 'body_not_json', NULL, NULL, NULL)::callout.webhook_result;
    ELSIF pg_catalog.octet_length(body) > settings.max_body_bytes THEN
        RETURN ROW('rejected', 'body_too_large', NULL, NULL, NULL)::callout.webhook_result;
    ELSIF signature IS NULL OR pg_catalog.btrim(signature, E' \t\r\n') = '' THEN
        RETURN ROW('rejected', 'empty_authorization', NULL, NULL, NULL)::callout.webhook_result;
    ELSIF pg_catalog.octet_length(signature) > 8192 THEN
        RETURN ROW('rejected', 'malformed_signature', NULL, NULL, NULL)::callout.webhook_result;
    END IF;

    IF callout._looks_like_plain_hmac(signature) THEN
        SELECT k.* INTO key FROM callout.signing_key AS k
        WHERE k.allow_plain_hmac AND k.revoked_at IS NULL
          AND callout.verify_hmac_signature(body, signature, k.api_secret)
        ORDER BY k.api_key LIMIT 1;
        IF NOT FOUND THEN
            RETURN ROW('rejected', 'bad_signature', NULL, NULL, NULL)::callout.webhook_result;
        END IF;
    ELSIF payload IS NOT NULL THEN
        RETURN ROW('rejected', 'jwt_needs_raw_body', NULL, NULL, NULL)::callout.webhook_result;
    ELSE
        SELECT k.* INTO key FROM callout.signing_key AS k
        WHERE k.api_key = callout._token_issuer(signature) AND k.revoked_at IS NULL;
        verdict := callout.verify_livekit_signature(body, signature, key.api_key, key.api_secret,
                                                    settings.verify_at, settings.clock_leeway);
        IF verdict <> 'ok' THEN
            RETURN ROW('rejected', verdict, NULL, NULL, NULL)::callout.webhook_result;
        END IF;
    END IF;

    IF payload IS NULL THEN
        payload := callout._parse_json_body(body);
    END IF;
    IF payload IS NULL OR pg_catalog.jsonb_typeof(payload) <> 'object' THEN
        -- not JSON, or JSON that is not an event object
        RETURN ROW('rejected', 'body_not_json', NULL, NULL, NULL)::callout.webhook_result;
    END IF;
    ev := callout._event_facts(payload);
    IF ev.reading = 'ignored' THEN
        RETURN ROW('ignored', NULL, payload ->> 'id', NULL, NULL)::callout.webhook_result;
    ELSIF ev.reading <> 'processable' THEN
        RETURN ROW('rejected', ev.reading, ev.event_id, NULL, NULL)::callout.webhook_result;
    END IF;

    body_hash := pg_catalog.sha256(pg_catalog.convert_to(body, 'UTF8'));
    PERFORM callout._lock_room(ev.room_name);

    -- exactly once: a known event id changes nothing
    answer := callout._duplicate_answer(ev.event_id, body_hash, key.user_id);
    IF answer IS NOT NULL THEN
        RETURN answer;
    END IF;

    call_id := callout._match_call(ev.room_sid, ev.room_name, key.user_id);
    IF call_id IS NULL AND ev.is_sip AND ev.sip_rule_id IS NOT NULL
       AND ev.event_type IN ('participant_joined', 'participant_left', 'participant_connection_aborted')
       AND NOT EXISTS (SELECT FROM callout.call_log AS c WHERE c.room_sid = ev.room_sid) THEN
        -- an inbound call (a dispatch rule routed it: outbound legs have no sip.ruleID), dialed
        -- to a routed number or delivered with a tenant's key
        SELECT r.* INTO route FROM callout.phone_route AS r
        WHERE r.trunk_phone_number = ev.sip_trunk_phone_number;
        call_user := coalesce(route.user_id, key.user_id);
        IF call_user IS NOT NULL AND (key.user_id IS NULL OR key.user_id = call_user)
           AND NOT EXISTS (SELECT FROM callout.call_log AS c
                           WHERE c.room_name = ev.room_name
                             AND c.status IN ('registered', 'in_progress')) THEN
            call_id := (callout._create_call(
                call_user, ev.room_name, 'inbound', NULL, NULL, route.agent_config_id, NULL,
                CASE WHEN route.user_id IS NOT NULL THEN 'phone_route' ELSE 'tenant_key' END,
                settings.unmatched_window_seconds)).call_id;
        END IF;
    END IF;
    SELECT c.user_id INTO call_user FROM callout.call_log AS c WHERE c.id = call_id;

    INSERT INTO callout.livekit_call_event AS e (
        event_id, call_log_id, user_id, api_key, event_type, room_name, room_sid,
        event_created_at, body_sha256, room_creation_time, participant_identity,
        participant_kind, is_sip, joined_at, disconnect_reason, sip_call_status,
        sip_phone_number, sip_trunk_phone_number, call_duration_seconds, recording_url,
        egress_status, payload)
    VALUES (
        ev.event_id, call_id, coalesce(call_user, key.user_id), key.api_key, ev.event_type,
        ev.room_name, ev.room_sid, ev.event_created_at, body_hash, ev.room_creation_time,
        ev.participant_identity, ev.participant_kind, ev.is_sip, ev.joined_at,
        ev.disconnect_reason, ev.sip_call_status, ev.sip_phone_number,
        ev.sip_trunk_phone_number, ev.call_duration_seconds, ev.recording_url,
        ev.egress_status, callout._redact_payload(payload))
    ON CONFLICT (event_id) DO NOTHING;
    IF NOT FOUND THEN
        -- the same event id, stored meanwhile by a delivery of another room (another lock)
        RETURN callout._duplicate_answer(ev.event_id, body_hash, key.user_id);
    END IF;

    IF call_id IS NULL THEN
        RETURN ROW('unmatched', NULL, ev.event_id, NULL, NULL)::callout.webhook_result;
    END IF;
    RETURN ROW('processed', NULL, ev.event_id, call_id,
               callout._recompute_call(call_id, settings))::callout.webhook_result;
END
$$;

-- What arrived, for callout.metrics: deliveries that stored nothing new (rejected, by reason;
-- duplicates; ignored) are counted per minute (stored events count themselves), and the latest
-- 1000 rejections are kept as a sample (time, reason, key, size and SHA-256: never the body),
-- so a flood of junk cannot fill the disk.
-- One row per minute, answer and backend: sessions never wait on (or deadlock over) each
-- other's counters, whatever else their transactions hold.
CREATE TABLE callout.delivery_count (
    minute timestamptz NOT NULL,
    status text NOT NULL,
    reason text NOT NULL DEFAULT '',
    backend integer NOT NULL,
    deliveries bigint NOT NULL,
    PRIMARY KEY (minute, status, reason, backend));
COMMENT ON TABLE callout.delivery_count IS 'deliveries that stored nothing new (rejected by reason, duplicates, ignored), per minute and backend';

CREATE TABLE callout.rejected_delivery (
    slot integer PRIMARY KEY CHECK (slot >= 0 AND slot < 1000),
    rejected_at timestamptz NOT NULL,
    reason text NOT NULL,
    api_key text,
    body_bytes integer,
    body_sha256 bytea);
COMMENT ON TABLE callout.rejected_delivery IS 'the latest 1000 rejected deliveries (a ring): time, reason, key, body size and SHA-256, never the body';
CREATE SEQUENCE callout.rejected_delivery_slot MINVALUE 0 MAXVALUE 999 START 0 CYCLE;
SELECT pg_catalog.pg_extension_config_dump('callout.delivery_count', '');
SELECT pg_catalog.pg_extension_config_dump('callout.rejected_delivery', '');
SELECT pg_catalog.pg_extension_config_dump('callout.rejected_delivery_slot', '');

-- Counts a delivery that stored nothing new, and samples a rejection. The SHA-256 is skipped for
-- a body over callout.max_body_bytes (nothing that large is ever hashed).
CREATE FUNCTION callout._record_answer(answer callout.webhook_result, body text, signature text)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO callout.delivery_count AS d (minute, status, reason, backend, deliveries)
    VALUES (pg_catalog.date_trunc('minute', pg_catalog.now()), answer.status,
            coalesce(answer.reason, ''), pg_catalog.pg_backend_pid(), 1)
    ON CONFLICT (minute, status, reason, backend) DO UPDATE SET deliveries = d.deliveries + 1;
    IF answer.status = 'rejected' THEN
        INSERT INTO callout.rejected_delivery AS r (slot, rejected_at, reason, api_key, body_bytes, body_sha256)
        VALUES (pg_catalog.nextval('callout.rejected_delivery_slot'), pg_catalog.now(), answer.reason,
                CASE WHEN pg_catalog.octet_length(signature) <= 8192
                     THEN callout._token_issuer(signature) END,
                pg_catalog.octet_length(body),
                CASE WHEN answer.reason <> 'body_too_large'
                     THEN pg_catalog.sha256(pg_catalog.convert_to(body, 'UTF8')) END)
        ON CONFLICT (slot) DO UPDATE SET rejected_at = excluded.rejected_at, reason = excluded.reason,
            api_key = excluded.api_key, body_bytes = excluded.body_bytes,
            body_sha256 = excluded.body_sha256;
    END IF;
END
$$;

-- A delivery and its record in the metrics.
CREATE FUNCTION callout._ingest(body text, payload jsonb, signature text)
RETURNS callout.webhook_result
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    answer callout.webhook_result := callout._apply_delivery(body, payload, signature);
BEGIN
    IF answer.status NOT IN ('processed', 'unmatched') THEN
        PERFORM callout._record_answer(answer, body, signature);
    END IF;
    RETURN answer;
END
$$;

-- What arrived per minute or hour in [since, until): every delivery (received), the events
-- stored (processed: now matched to a call; or still unmatched), duplicates, conflicting duplicates,
-- ignored ones, rejections (in all and by reason), and the lag between an event's createdAt
-- and its arrival. For the owner and admins: it spans tenants.
CREATE FUNCTION callout.metrics(since timestamptz, until timestamptz, per text DEFAULT 'minute')
RETURNS TABLE (bucket timestamptz, received bigint, stored bigint, processed bigint,
               unmatched bigint, duplicates bigint, conflicting_duplicates bigint, ignored bigint,
               rejected bigint, rejected_by_reason jsonb, average_lag_seconds numeric,
               max_lag_seconds numeric)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF since IS NULL OR until IS NULL THEN
        RAISE EXCEPTION 'since and until are required' USING ERRCODE = '22004';
    ELSIF per IS NULL OR per NOT IN ('minute', 'hour') THEN
        RAISE EXCEPTION 'per must be minute or hour' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    WITH events AS (
        SELECT pg_catalog.date_trunc(per, e.received_at) AS bucket,
               pg_catalog.count(*) AS stored,
               pg_catalog.count(*) FILTER (WHERE e.call_log_id IS NOT NULL) AS matched,
               pg_catalog.round(pg_catalog.avg(extract(epoch FROM e.received_at - e.event_created_at)), 3) AS average_lag,
               pg_catalog.round(pg_catalog.max(extract(epoch FROM e.received_at - e.event_created_at)), 3) AS max_lag
        FROM callout.livekit_call_event AS e
        WHERE e.received_at >= since AND e.received_at < until
        GROUP BY 1
    ), counted AS (
        SELECT pg_catalog.date_trunc(per, d.minute) AS bucket,
               pg_catalog.sum(d.deliveries) FILTER (WHERE d.status = 'duplicate' AND d.reason = 'already processed') AS duplicates,
               pg_catalog.sum(d.deliveries) FILTER (WHERE d.status = 'duplicate' AND d.reason = 'conflicting_duplicate') AS conflicting,
               pg_catalog.sum(d.deliveries) FILTER (WHERE d.status = 'ignored') AS ignored,
               pg_catalog.sum(d.deliveries) FILTER (WHERE d.status = 'rejected') AS rejected,
               pg_catalog.sum(d.deliveries) AS deliveries
        FROM callout.delivery_count AS d
        WHERE d.minute >= pg_catalog.date_trunc('minute', since) AND d.minute < until
        GROUP BY 1
    ), reasons AS (
        SELECT r.bucket, pg_catalog.jsonb_object_agg(r.reason, r.deliveries) AS by_reason
        FROM (SELECT pg_catalog.date_trunc(per, d.minute) AS bucket, d.reason, pg_catalog.sum(d.deliveries) AS deliveries
              FROM callout.delivery_count AS d
              WHERE d.status = 'rejected' AND d.minute >= pg_catalog.date_trunc('minute', since) AND d.minute < until
              GROUP BY 1, 2) AS r
        GROUP BY r.bucket
    )
    SELECT b.bucket,
           (coalesce(e.stored, 0) + coalesce(c.deliveries, 0))::bigint,
           coalesce(e.stored, 0)::bigint, coalesce(e.matched, 0)::bigint,
           (coalesce(e.stored, 0) - coalesce(e.matched, 0))::bigint,
           coalesce(c.duplicates, 0)::bigint, coalesce(c.conflicting, 0)::bigint,
           coalesce(c.ignored, 0)::bigint, coalesce(c.rejected, 0)::bigint,
           coalesce(r.by_reason, '{}'::jsonb), e.average_lag, e.max_lag
    FROM (SELECT events.bucket FROM events UNION SELECT counted.bucket FROM counted) AS b
    LEFT JOIN events AS e ON e.bucket = b.bucket
    LEFT JOIN counted AS c ON c.bucket = b.bucket
    LEFT JOIN reasons AS r ON r.bucket = b.bucket
    ORDER BY b.bucket;
END
$$;
COMMENT ON FUNCTION callout.metrics(timestamptz, timestamptz, text) IS 'what arrived per minute or hour: received, stored (processed, unmatched), duplicates, conflicting duplicates, ignored, rejected by reason, and lag; for admins (it spans tenants)';

CREATE FUNCTION callout.process_livekit_webhook(body text, signature text)
RETURNS callout.webhook_result
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ BEGIN RETURN callout._ingest(body, NULL, signature); END $$;
COMMENT ON FUNCTION callout.process_livekit_webhook(text, text) IS 'verify one LiveKit delivery (raw body and Authorization header), store its event exactly once and update its call';

CREATE FUNCTION callout.process_livekit_webhook(payload jsonb, signature text)
RETURNS callout.webhook_result
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ BEGIN RETURN callout._ingest(payload::text, payload, signature); END $$;
COMMENT ON FUNCTION callout.process_livekit_webhook(jsonb, text) IS 'for callers that hold jsonb: only a plain HMAC over payload::text can verify; a JWT answers jwt_needs_raw_body';

-- ---- reading (under the reader's row-level security)

CREATE INDEX call_log_started ON callout.call_log (started_at);
CREATE INDEX call_log_outcome ON callout.call_log (outcome, started_at);
CREATE INDEX call_log_campaign ON callout.call_log (campaign_id, started_at);
CREATE INDEX call_log_agent_config ON callout.call_log (agent_config_id, started_at);
CREATE INDEX call_log_phone_number ON callout.call_log (phone_number, started_at);

-- The calls as a person reads them.
CREATE VIEW callout.calls WITH (security_invoker = true) AS
SELECT c.id, c.user_id, c.room_name, c.direction, c.phone_number, c.campaign_id, c.agent_config_id,
       c.status, c.outcome, c.started_at, c.answered_at, c.ended_at, c.duration_seconds, c.disconnect_reason, c.sip_call_status, c.recording_url,
       c.metadata, c.created_at
FROM callout.call_log AS c;
COMMENT ON VIEW callout.calls IS 'one row per call the reader may see (security_invoker: the reader''s row-level security applies)';

-- Counts per group of the calls that started (or, never started, were created) in
-- [since, until): attempts, each outcome, the answer rate (completed / attempts) and talk time
-- of completed calls. group_by: NULL or 'none', 'day' (in the session's TimeZone), 'campaign',
-- 'agent_config', 'direction', 'outcome'.
CREATE FUNCTION callout.call_stats(since timestamptz, until timestamptz, group_by text DEFAULT NULL)
RETURNS TABLE (bucket text, attempts bigint, completed bigint, no_answer bigint, busy bigint,
               failed bigint, answer_rate numeric, total_talk_seconds bigint,
               average_talk_seconds numeric)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF since IS NULL OR until IS NULL THEN
        RAISE EXCEPTION 'since and until are required' USING ERRCODE = '22004';
    END IF;
    IF group_by IS NOT NULL AND group_by NOT IN ('none', 'day', 'campaign', 'agent_config',
                                                  'direction', 'outcome') THEN
        RAISE EXCEPTION 'unknown group_by "%"', group_by
            USING ERRCODE = '22023',
                  HINT = 'Use none, day, campaign, agent_config, direction or outcome.';
    END IF;
    RETURN QUERY
    SELECT CASE call_stats.group_by
               WHEN 'day' THEN pg_catalog.to_char(coalesce(c.started_at, c.created_at), 'YYYY-MM-DD')
               WHEN 'campaign' THEN c.campaign_id
               WHEN 'agent_config' THEN c.agent_config_id
               WHEN 'direction' THEN c.direction
               WHEN 'outcome' THEN c.outcome::text
           END AS key,
           pg_catalog.count(*),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'completed'),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'no_answer'),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'busy'),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'failed'),
           pg_catalog.round(pg_catalog.count(*) FILTER (WHERE c.outcome = 'completed')::numeric
                            / pg_catalog.count(*), 4),
           coalesce(pg_catalog.sum(c.duration_seconds) FILTER (WHERE c.outcome = 'completed'), 0)::bigint,
           pg_catalog.round(pg_catalog.avg(c.duration_seconds) FILTER (WHERE c.outcome = 'completed'), 2)
    FROM callout.call_log AS c
    WHERE coalesce(c.started_at, c.created_at) >= since AND coalesce(c.started_at, c.created_at) < until
    GROUP BY 1
    ORDER BY 1 NULLS FIRST;
END
$$;
COMMENT ON FUNCTION callout.call_stats(timestamptz, timestamptz, text) IS 'attempts, outcomes, answer rate and talk time of the calls the reader may see, by none, day, campaign, agent_config, direction or outcome';

-- ---- PostgREST (POST /rpc/livekit_webhook)

-- LiveKit's delivery as PostgREST presents it: the raw body as the single unnamed text argument,
-- the Authorization header from request.headers. The answer sets response.status: 200 for an
-- accepted delivery (processed, duplicate, unmatched, ignored: LiveKit must not retry), 401 for
-- a signature that does not verify, 413 for a body over callout.max_body_bytes, 400 for a body
-- that is no LiveKit event.
CREATE FUNCTION callout.livekit_webhook(text) RETURNS callout.webhook_result
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    headers jsonb := callout._parse_json_body(coalesce(pg_catalog.current_setting('request.headers', true), ''));
    answer callout.webhook_result;
BEGIN
    answer := callout._ingest($1, NULL, headers ->> 'authorization');
    PERFORM pg_catalog.set_config('response.status',
        CASE WHEN answer.status <> 'rejected' THEN '200'
             WHEN answer.reason = 'body_too_large' THEN '413'
             WHEN answer.reason IN ('body_not_json', 'missing_event_id', 'missing_room_name') THEN '400'
             ELSE '401' END, true);
    RETURN answer;
END
$$;
COMMENT ON FUNCTION callout.livekit_webhook(text) IS 'PostgREST''s POST /rpc/livekit_webhook: the raw body, the Authorization header from request.headers; sets response.status';

-- Sets a PostgREST deployment up in one step: the webhook role (PostgREST's anonymous role for
-- LiveKit's deliveries) may call livekit_webhook and nothing else; the reader role (the JWT's
-- role) reads calls under row-level security; the authenticator is trusted as a gateway, so the
-- JWT's `sub` names the tenant.
CREATE FUNCTION callout.grant_api_roles(webhook_role name, reader_role name,
                                        authenticator_role name DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM callout._check_role(webhook_role);
    PERFORM callout._check_role(reader_role);
    IF EXISTS (SELECT FROM pg_catalog.pg_roles AS r
               WHERE r.rolname IN (webhook_role, reader_role) AND (r.rolsuper OR r.rolbypassrls)) THEN
        RAISE EXCEPTION 'the webhook and reader roles must not be superusers or bypass row-level security'
            USING ERRCODE = '22023';
    END IF;
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA callout TO %I, %I', webhook_role, reader_role);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.livekit_webhook(text) TO %I', webhook_role);
    EXECUTE pg_catalog.format('GRANT SELECT ON callout.call_log, callout.livekit_call_event TO %I',
                              reader_role);
    PERFORM callout._grant_reading(reader_role);
    EXECUTE pg_catalog.format('GRANT UPDATE (agent_config_id, campaign_id, metadata) ON callout.call_log TO %I',
                              reader_role);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor(), '
        'callout.get_call_outcome(bigint, text), callout.update_call_log(bigint, jsonb) TO %I',
        reader_role);
    IF authenticator_role IS NOT NULL THEN
        PERFORM callout._check_role(authenticator_role);
        INSERT INTO callout.gateway_role (role_name) VALUES (authenticator_role) ON CONFLICT DO NOTHING;
    END IF;
END
$$;
COMMENT ON FUNCTION callout.grant_api_roles(name, name, name) IS 'set up PostgREST: webhook_role delivers through livekit_webhook only, reader_role reads under row-level security, authenticator_role is trusted as a gateway';

-- ---- operations (owner only)

-- now() - older_than, for the sweeps below; older_than must be a non-negative interval.
CREATE FUNCTION callout._cutoff(older_than interval) RETURNS timestamptz
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF older_than IS NULL OR older_than < interval '0' THEN
        RAISE EXCEPTION 'older_than must be a non-negative interval' USING ERRCODE = '22023';
    END IF;
    RETURN pg_catalog.now() - older_than;
END
$$;
COMMENT ON FUNCTION callout._cutoff(interval) IS 'internal: now() - older_than, refusing a NULL or negative interval';

-- LiveKit drops webhooks under load: an open call that heard from LiveKit (or was registered)
-- no later than older_than ago and whose end never arrived is marked expired, which frees its
-- room name. An end that arrives afterwards still ends it. Choose older_than longer than your
-- longest call: nothing arrives between a phone leg's join and its leave. Returns how many.
CREATE FUNCTION callout.expire_stale_calls(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    expired integer;
BEGIN
    UPDATE callout.call_log AS c SET status = 'expired', updated_at = pg_catalog.now()
    WHERE c.status IN ('registered', 'in_progress')
      AND greatest(c.created_at, (SELECT pg_catalog.max(e.received_at) FROM callout.livekit_call_event AS e
                                  WHERE e.call_log_id = c.id)) < callout._cutoff(older_than);
    GET DIAGNOSTICS expired = ROW_COUNT;
    RETURN expired;
END
$$;
COMMENT ON FUNCTION callout.expire_stale_calls(interval) IS 'mark open calls with no activity for older_than as expired; returns how many';

-- Recomputes the ended calls (those that ended since `since`, or all) from their stored events
-- under the current settings, after the thresholds changed. Returns how many outcomes changed.
CREATE FUNCTION callout.reclassify_calls(since timestamptz DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    settings callout.ingest_settings := callout._ingest_settings();
    call record;
    changed integer := 0;
BEGIN
    FOR call IN SELECT c.id, c.outcome FROM callout.call_log AS c
                WHERE c.status = 'ended' AND (since IS NULL OR c.ended_at >= since)
                ORDER BY c.id FOR UPDATE LOOP
        IF callout._recompute_call(call.id, settings) IS DISTINCT FROM call.outcome THEN
            changed := changed + 1;
        END IF;
    END LOOP;
    RETURN changed;
END
$$;
COMMENT ON FUNCTION callout.reclassify_calls(timestamptz) IS 'recompute ended calls from their events under the current thresholds; returns how many outcomes changed';

-- Drops the raw payloads of events received before now() - older_than, keeping their ids (so
-- duplicates are still recognised), their normalized facts and the calls. Returns how many.
CREATE FUNCTION callout.purge_event_payloads(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    purged integer;
BEGIN
    UPDATE callout.livekit_call_event AS e SET payload = NULL
    WHERE e.payload IS NOT NULL AND e.received_at < callout._cutoff(older_than);
    GET DIAGNOSTICS purged = ROW_COUNT;
    RETURN purged;
END
$$;
COMMENT ON FUNCTION callout.purge_event_payloads(interval) IS 'drop the payloads of events older than older_than, keeping ids and facts; returns how many';

-- Deletes the delivery counts of minutes before now() - older_than.
CREATE FUNCTION callout.purge_delivery_counts(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    purged integer;
BEGIN
    DELETE FROM callout.delivery_count AS d WHERE d.minute < callout._cutoff(older_than);
    GET DIAGNOSTICS purged = ROW_COUNT;
    RETURN purged;
END
$$;
COMMENT ON FUNCTION callout.purge_delivery_counts(interval) IS 'delete the delivery counts of minutes older than older_than; returns how many rows';

-- Deletes unmatched events received before now() - older_than: they never found a call.
CREATE FUNCTION callout.purge_unmatched(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    purged integer;
BEGIN
    DELETE FROM callout.livekit_call_event AS e
    WHERE e.call_log_id IS NULL AND e.received_at < callout._cutoff(older_than);
    GET DIAGNOSTICS purged = ROW_COUNT;
    RETURN purged;
END
$$;
COMMENT ON FUNCTION callout.purge_unmatched(interval) IS 'delete unmatched events older than older_than; returns how many';

-- ---- what each internal function and type is for (\df+ and \dT+ explain themselves)
COMMENT ON FUNCTION callout._token_issuer(text) IS 'internal: the unverified iss of a token, to choose the key it must verify with';
COMMENT ON FUNCTION callout._looks_like_plain_hmac(text) IS 'internal: whether a signature is read with the plain HMAC scheme';
COMMENT ON FUNCTION callout._parse_json_body(text) IS 'internal: the body as jsonb, or NULL when it is not JSON (\u0000 stored as U+FFFD)';
COMMENT ON FUNCTION callout._redact_payload(jsonb) IS 'internal: the payload without credential values, as stored';
COMMENT ON FUNCTION callout._event_facts(jsonb) IS 'internal: the facts of an event ingestion stores and matches on';
COMMENT ON FUNCTION callout._ingest_settings() IS 'internal: the settings ingestion runs with, read at once';
COMMENT ON FUNCTION callout._invoking_role() IS 'internal: the role the session acts as outside SECURITY DEFINER functions';
COMMENT ON FUNCTION callout._session_is_gateway() IS 'internal: whether the login role is a superuser or a member of a trusted gateway role';
COMMENT ON FUNCTION callout._mapped_tenant() IS 'internal: the tenant mapping of the invoking role (its own, else one unambiguous inherited one)';
COMMENT ON FUNCTION callout._check_role(name) IS 'internal: refuses PUBLIC, pg_* and unknown roles for trust and mappings';
COMMENT ON FUNCTION callout._grant_reading(name) IS 'internal: grants the calls view and call_stats';
COMMENT ON FUNCTION callout._lock_room(text) IS 'internal: the room lock registration and delivery share (READ COMMITTED only)';
COMMENT ON FUNCTION callout._recompute_call(bigint, callout.ingest_settings) IS 'internal: recomputes a call''s webhook-owned columns from the set of its events; notifies a new outcome';
COMMENT ON FUNCTION callout._match_call(text, text, text) IS 'internal: the call an event belongs to, by room sid then room name, scoped to the key''s tenant';
COMMENT ON FUNCTION callout._attach_unmatched(bigint, text, text, integer, boolean) IS 'internal: attaches a room''s waiting events to its new call';
COMMENT ON FUNCTION callout._create_call(text, text, text, text, text, text, jsonb, text, integer) IS 'internal: creates a call row and attaches the room''s waiting events';
COMMENT ON FUNCTION callout._duplicate_answer(text, bytea, text) IS 'internal: the answer to a delivery whose event id is already stored';
COMMENT ON FUNCTION callout._apply_delivery(text, jsonb, text) IS 'internal: one delivery, from limits and signature to the stored event and the call row';
COMMENT ON FUNCTION callout._ingest(text, jsonb, text) IS 'internal: a delivery and its record in the metrics';
COMMENT ON FUNCTION callout._record_answer(callout.webhook_result, text, text) IS 'internal: counts a delivery that stored nothing new and samples a rejection';
COMMENT ON TYPE callout.call_outcome_info IS 'what get_call_outcome answers for one call';
COMMENT ON TYPE callout.event_facts IS 'internal: the facts of an event ingestion stores and matches on';
COMMENT ON TYPE callout.ingest_settings IS 'internal: the settings ingestion runs with';
COMMENT ON TYPE callout.webhook_result IS 'what process_livekit_webhook answers: status, reason, event_id, call_id, outcome';

-- Nothing here is callable by PUBLIC; trust_gateway_role and map_tenant_role grant on purpose.
REVOKE ALL ON FUNCTION
    callout._token_issuer(text), callout._looks_like_plain_hmac(text),
    callout._parse_json_body(text), callout._redact_payload(jsonb), callout._event_facts(jsonb),
    callout._ingest_settings(),
    callout._invoking_role(), callout._session_is_gateway(), callout._mapped_tenant(),
    callout.current_user_id(), callout.is_auditor(),
    callout.trust_gateway_role(name), callout.map_tenant_role(name, text), callout._check_role(name),
    callout._grant_reading(name),
    callout.add_signing_key(text, text, text, boolean), callout.revoke_signing_key(text),
    callout.add_phone_route(text, text, text), callout._lock_room(text),
    callout._recompute_call(bigint, callout.ingest_settings),
    callout._match_call(text, text, text),
    callout._attach_unmatched(bigint, text, text, integer, boolean),
    callout._create_call(text, text, text, text, text, text, jsonb, text, integer),
    callout.register_call(text, text, text, text, text, text, jsonb),
    callout.update_call_log(bigint, jsonb), callout.get_call_outcome(bigint, text),
    callout.resolve_call_context(text), callout._duplicate_answer(text, bytea, text),
    callout._ingest(text, jsonb, text),
    callout.process_livekit_webhook(text, text), callout.process_livekit_webhook(jsonb, text),
    callout.expire_stale_calls(interval), callout.reclassify_calls(timestamptz), callout._cutoff(interval),
    callout.call_stats(timestamptz, timestamptz, text), callout.livekit_webhook(text),
    callout._apply_delivery(text, jsonb, text), callout._record_answer(callout.webhook_result, text, text),
    callout.metrics(timestamptz, timestamptz, text),
    callout.grant_api_roles(name, name, name),
    callout.purge_event_payloads(interval), callout.purge_unmatched(interval),
    callout.purge_delivery_counts(interval)
FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA callout FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA callout FROM PUBLIC;
