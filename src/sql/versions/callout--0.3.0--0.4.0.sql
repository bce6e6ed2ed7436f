-- callout 0.3.0 -> 0.4.0. Each rule of a delivery in one place (open statuses, matching an event
-- to its call, the lengths ingestion stores); a duplicate's answer, the delivery counts and the
-- PostgREST endpoint in C++; trust kept by role OID; row-level security on every table; a room
-- sid binds only under the room name its call carries, unique per tenant; a PostgREST request's
-- tenant from its claims alone; a tenant's own key bounded in bytes a minute and events a call;
-- events unique per tenant, and a pending store for those whose tenant is not known yet.
-- After it, the catalog equals a fresh install's (the upgrade suite compares the two), and
-- calls, events, keys and roles are kept.
\echo Use "ALTER EXTENSION callout UPDATE TO '0.4.0'" to load this file. \quit

-- ---- the coordinator's work refused on a Citus worker (src/sql/20-keys.sql)
-- On a Citus worker of a distributed callout, refuses work that is the coordinator's (0A000): the
-- keys, phone routes, role mappings, parked deliveries, room lock and room names are its own
-- tables, and it notifies what changes. On a worker such work would write that node's own rows,
-- which nothing reads, or change calls with no listener told. Nothing elsewhere. (Scaling out:
-- src/sql/85-citus.sql; here, before the first function that asks it.)
CREATE FUNCTION callout._refuse_on_worker(work text, hint text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- two tests: the second names a function of Citus, which exists only where the first is true
    IF callout._distributed() THEN
        IF NOT pg_catalog.citus_is_coordinator() THEN
            RAISE EXCEPTION 'callout % on the Citus coordinator', work USING ERRCODE = '0A000', HINT = hint;
        END IF;
    END IF;
END
$$;
COMMENT ON FUNCTION callout._refuse_on_worker(text, text) IS 'internal: on a Citus worker of a distributed callout, refuses the coordinator''s work (0A000)';
CREATE OR REPLACE FUNCTION callout.add_signing_key(api_key text, api_secret text, user_id text DEFAULT NULL,
                                        allow_plain_hmac boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM callout._refuse_on_worker('keeps signing keys', 'Add and revoke signing keys on the coordinator, which verifies every delivery.');
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

CREATE OR REPLACE FUNCTION callout.revoke_signing_key(api_key text) RETURNS boolean
LANGUAGE sql SET search_path = pg_catalog, pg_temp
AS $$
    SELECT callout._refuse_on_worker('keeps signing keys', 'Add and revoke signing keys on the coordinator, which verifies every delivery.');
    WITH revoked AS (
        UPDATE callout.signing_key AS k SET revoked_at = pg_catalog.now()
        WHERE k.api_key OPERATOR(pg_catalog.=) revoke_signing_key.api_key AND k.revoked_at IS NULL
        RETURNING 1)
    SELECT EXISTS (SELECT FROM revoked)
$$;

CREATE OR REPLACE FUNCTION callout.add_phone_route(trunk_phone_number text, user_id text,
                                        agent_config_id text DEFAULT NULL)
RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
AS $$
    SELECT callout._refuse_on_worker('keeps phone routes',
                                     'Add phone routes on the coordinator, which creates the inbound calls.');
    INSERT INTO callout.phone_route AS r (trunk_phone_number, user_id, agent_config_id)
    VALUES (trunk_phone_number, user_id, agent_config_id)
    ON CONFLICT (trunk_phone_number) DO UPDATE SET user_id = excluded.user_id,
        agent_config_id = excluded.agent_config_id
$$;


-- The settings ingestion runs with carry the longest values it stores.
ALTER TYPE callout.ingest_settings ADD ATTRIBUTE max_key_bytes integer,
    ADD ATTRIBUTE max_room_name_bytes integer;
COMMENT ON TYPE callout.ingest_settings IS 'internal: the settings ingestion runs with, and the longest values it stores';

-- A call's identity is checked by a trigger on the rows written and the columns changed, not
-- CHECK constraints every delivery's UPDATE would compile again.
ALTER TABLE callout.call_log DROP CONSTRAINT call_log_user_id_check, DROP CONSTRAINT call_log_room_name_check,
    DROP CONSTRAINT call_log_direction_check, DROP CONSTRAINT call_log_duration_seconds_check,
    DROP CONSTRAINT call_log_origin_check;
CREATE FUNCTION callout._call_identity_is_valid() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.user_id = '' OR NEW.room_name = '' THEN
        RAISE EXCEPTION 'a call''s user_id and room_name must not be empty'
            USING ERRCODE = '23514', TABLE = 'call_log', SCHEMA = 'callout';
    ELSIF NEW.direction NOT IN ('inbound', 'outbound') THEN
        RAISE EXCEPTION 'a call''s direction must be inbound or outbound'
            USING ERRCODE = '23514', TABLE = 'call_log', SCHEMA = 'callout',
                  DETAIL = pg_catalog.format('direction is %L.', NEW.direction);
    ELSIF NEW.origin NOT IN ('registered', 'phone_route', 'tenant_key') THEN
        RAISE EXCEPTION 'a call''s origin must be registered, phone_route or tenant_key'
            USING ERRCODE = '23514', TABLE = 'call_log', SCHEMA = 'callout',
                  DETAIL = pg_catalog.format('origin is %L.', NEW.origin);
    ELSIF GREATEST(pg_catalog.octet_length(NEW.campaign_id), pg_catalog.octet_length(NEW.agent_config_id))
          > (SELECT s.max_key_bytes FROM callout._ingest_settings() AS s) THEN
        RAISE EXCEPTION 'a call''s campaign_id or agent_config_id is too long to store'
            USING ERRCODE = '22023',
                  DETAIL = pg_catalog.format('campaign_id and agent_config_id hold at most %s bytes.',
                                             (SELECT s.max_key_bytes FROM callout._ingest_settings() AS s));
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION callout._call_identity_is_valid() IS 'internal: refuses a call whose tenant, room name, direction or origin is not one, or whose campaign or agent config is too long';
CREATE TRIGGER call_log_identity_is_valid
    AFTER INSERT OR UPDATE OF user_id, room_name, direction, origin, campaign_id, agent_config_id
    ON callout.call_log FOR EACH ROW EXECUTE FUNCTION callout._call_identity_is_valid();

-- Whether a call is open: registered, or its phone leg in progress (the one place that says so;
-- a one-expression SQL function, which the planner inlines, so indexes and queries agree).
CREATE FUNCTION callout._is_open(status callout.call_status) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT $1 OPERATOR(pg_catalog.=) ANY ('{registered,in_progress}'::callout.call_status[]) $$;
COMMENT ON FUNCTION callout._is_open(callout.call_status) IS 'internal: whether a call of this status is open (registered or in progress)';

-- The call row's indexes are few: a call's ending UPDATE writes an entry in each. The open
-- rooms' index by callout._is_open, led by the room name; a room sid unique per tenant, found by
-- itself; what readers look calls up by, led by the tenant where a tenant lists its calls.
DROP INDEX callout.call_log_open_room;
DROP INDEX callout.call_log_open_room_name;
DROP INDEX callout.call_log_room_sid;
DROP INDEX callout.call_log_outcome;
DROP INDEX callout.call_log_agent_config;
DROP INDEX callout.call_log_campaign;
DROP INDEX callout.call_log_started;
CREATE UNIQUE INDEX call_log_open_room ON callout.call_log (room_name, user_id)
    WHERE callout._is_open(status);
CREATE UNIQUE INDEX call_log_room_sid ON callout.call_log (room_sid, user_id) WHERE room_sid IS NOT NULL;
CREATE INDEX call_log_campaign ON callout.call_log (user_id, campaign_id, created_at);
CREATE INDEX call_log_started ON callout.call_log (user_id, started_at);

-- The call an event of this room belongs to, for a key of tenant key_user_id (NULL: an unbound
-- key), as the calling statement sees call_log; NULL for none. The one rule every path uses (a
-- delivery storing its event, a registration or an inbound call attaching the events that
-- waited) is src/core/matching.hpp: the one call bound to the event's room sid under the same
-- room name, if the key may touch it (a sid bound, under this name, only to calls the key may
-- not touch matches nothing); else the one open call of the room name whose sid is not bound, if
-- the key may touch it and no other call of its tenant holds the sid (a sid is unique per
-- tenant). A tenant's key touches its tenant's calls; an unbound key every call but those a
-- tenant's key created. A sid counts only with the room name the call carries, so an event
-- naming another room cannot reach a call through a sid it squatted. The candidates are read
-- through call_log_room_sid and call_log_open_room directly (src/pg/matching.cpp).
CREATE FUNCTION callout._matching_call_id(room_sid text, room_name text, key_user_id text)
RETURNS bigint
LANGUAGE c STABLE SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'callout_matching_call_id';
COMMENT ON FUNCTION callout._matching_call_id(text, text, text) IS 'internal: the call an event of this room sid and name belongs to, for a key of this tenant';

DROP FUNCTION callout._attach_unmatched(bigint, text, text, integer, boolean);
-- The first of the pending store's events (no tenant claims them yet: signed with unbound keys)
-- waiting in a room since an instant that has a room sid and matches the call
-- (callout._matching_call_id), matched as an unbound key's: this node's own table (a Citus
-- coordinator's). The answer depends on the room sid alone (the room name is the call's), so the
-- first event of each room sid is read and each sid matched once: on a distributed callout a
-- match asks the nodes of the room name's tenants.
CREATE FUNCTION callout._first_pending_event(call_id bigint, room_name text, since timestamptz,
                                             OUT room_sid text, OUT received_at timestamptz,
                                             OUT event_id text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    first_of_sid record;
BEGIN
    FOR first_of_sid IN
        SELECT DISTINCT ON (p.room_sid) p.room_sid AS sid, p.received_at AS at, p.event_id AS id
        FROM callout.pending_event AS p
        WHERE p.room_name = _first_pending_event.room_name AND p.received_at >= since
          AND p.room_sid IS NOT NULL
        ORDER BY p.room_sid, p.received_at, p.event_id
    LOOP
        CONTINUE WHEN callout._matching_call_id(first_of_sid.sid, _first_pending_event.room_name, NULL)
                      IS DISTINCT FROM call_id;
        IF event_id IS NULL OR (first_of_sid.at, first_of_sid.id) < (received_at, event_id) THEN
            room_sid := first_of_sid.sid;
            received_at := first_of_sid.at;
            event_id := first_of_sid.id;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION callout._first_pending_event(bigint, text, timestamptz) IS 'internal: the first pending event of a room with a room sid that matches the call';

-- Moves to the call's tenant, attached to the call, the pending events of its room since an
-- instant that match it: of room sid first_sid, or none (one the tenant stored already under its
-- id stays as it was). How many. Each of the two room sids is matched once, if an event of it
-- waits (the answer depends on the sid alone, as in _first_pending_event). Read and deleted here
-- (a Citus coordinator's own table), then written as the tenant's: Citus routes them to its
-- shards. The caller holds the room's lock, so no event of the room is stored in between.
CREATE FUNCTION callout._move_pending_events(user_id text, call_id bigint, room_name text,
                                             since timestamptz, first_sid text)
RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    waiting record;
    take_without_sid boolean := false;
    take_first_sid boolean := false;
    taken callout.pending_event[];
    moved integer;
BEGIN
    FOR waiting IN
        SELECT DISTINCT p.room_sid AS sid FROM callout.pending_event AS p
        WHERE p.room_name = _move_pending_events.room_name AND p.received_at >= since
          AND (p.room_sid IS NULL OR p.room_sid = first_sid)
    LOOP
        CONTINUE WHEN callout._matching_call_id(waiting.sid, _move_pending_events.room_name, NULL)
                      IS DISTINCT FROM call_id;
        take_without_sid := take_without_sid OR waiting.sid IS NULL;
        take_first_sid := take_first_sid OR waiting.sid IS NOT NULL;
    END LOOP;
    IF NOT (take_without_sid OR take_first_sid) THEN
        RETURN 0;
    END IF;
    -- each row as the table's type (not a record, which would go through text)
    WITH removed AS (
        DELETE FROM callout.pending_event AS p
        WHERE p.room_name = _move_pending_events.room_name AND p.received_at >= since
          AND CASE WHEN p.room_sid IS NULL THEN take_without_sid
                   ELSE take_first_sid AND p.room_sid = first_sid END
        RETURNING p AS row)
    SELECT pg_catalog.array_agg(r.row) INTO taken FROM removed AS r;
    IF taken IS NULL THEN
        RETURN 0;
    END IF;
    -- the rows stored, counted as returned: Citus's count of an INSERT also counts the rows a
    -- conflict skipped
    WITH stored AS (
        INSERT INTO callout.livekit_call_event (
            event_id, call_log_id, user_id, api_key, event_type, room_name, room_sid, event_created_at,
            received_at, body_sha256, room_creation_time, participant_identity, participant_kind, is_sip,
            joined_at, disconnect_reason, sip_call_status, sip_phone_number, sip_trunk_phone_number,
            call_duration_seconds, recording_url, egress_status, payload, sip_call_id, sip_call_id_full)
        SELECT p.event_id, call_id, _move_pending_events.user_id, p.api_key, p.event_type, p.room_name,
               p.room_sid, p.event_created_at, p.received_at, p.body_sha256, p.room_creation_time,
               p.participant_identity, p.participant_kind, p.is_sip, p.joined_at, p.disconnect_reason,
               p.sip_call_status, p.sip_phone_number, p.sip_trunk_phone_number, p.call_duration_seconds,
               p.recording_url, p.egress_status, p.payload, p.sip_call_id, p.sip_call_id_full
        FROM pg_catalog.unnest(taken) AS p
        ON CONFLICT DO NOTHING
        RETURNING 1)
    SELECT count(*) INTO moved FROM stored;
    RETURN moved;
END
$$;
COMMENT ON FUNCTION callout._move_pending_events(text, bigint, text, timestamptz, text) IS 'internal: moves a room''s pending events to the call they match, as its tenant''s; how many';

-- Attaches to a call of its room (of tenant user_id) the room's events that waited within
-- window_seconds (NULL: however long) and match it as they would if delivered now
-- (callout._matching_call_id): the tenant's own unmatched events (signed with its keys), and the
-- pending events, which move to the tenant (one the tenant stored already under its id stays as
-- it was); of one room sid, the first to arrive, and those with none. How many were attached.
-- The caller holds the room's lock and recomputes the call. Every event is matched here: the
-- answer depends on its room sid alone (the room name and the key's tenant are the call's), so
-- the tenant's events are read a room sid at a time, and on a distributed callout the
-- coordinator matches them among the calls of every tenant of the room name, as a delivery
-- does (on the tenant's node another tenant's call bound to the sid would be out of sight).
CREATE FUNCTION callout._attach_unmatched(call_id bigint, user_id text, room_name text,
                                          window_seconds integer)
RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    since timestamptz := coalesce(pg_catalog.now() - pg_catalog.make_interval(secs => window_seconds),
                                  '-infinity');
    own record;
    own_sids text[] := '{}';
    own_without_sid boolean := false;
    first_own_sid text;
    first_own_at timestamptz;
    first_own_id text;
    first_pending record;
    first_sid text;
    attached integer;
BEGIN
    -- the tenant's waiting events of the room, the first of each room sid (and of none), and
    -- which room sids match the call
    FOR own IN
        SELECT DISTINCT ON (e.room_sid) e.room_sid, e.received_at, e.event_id
        FROM callout.livekit_call_event AS e
        WHERE e.user_id = _attach_unmatched.user_id AND e.room_name = _attach_unmatched.room_name
          AND e.call_log_id IS NULL AND e.received_at >= since
        ORDER BY e.room_sid, e.received_at, e.event_id
    LOOP
        CONTINUE WHEN callout._matching_call_id(own.room_sid, room_name, user_id) IS DISTINCT FROM call_id;
        IF own.room_sid IS NULL THEN
            own_without_sid := true;
        ELSE
            own_sids := own_sids || own.room_sid;
            IF first_own_id IS NULL OR (own.received_at, own.event_id) < (first_own_at, first_own_id) THEN
                first_own_sid := own.room_sid;
                first_own_at := own.received_at;
                first_own_id := own.event_id;
            END IF;
        END IF;
    END LOOP;
    -- the room the call is of: the sid of the first of these events to arrive that has one, as a
    -- delivery of each in turn would bind the call to it; a later room of the same name (LiveKit
    -- reuses names) keeps its events waiting for a call of its own
    first_pending := callout._first_pending_event(call_id, room_name, since);
    first_sid := CASE WHEN first_pending.event_id IS NULL
                           OR (first_own_id IS NOT NULL
                               AND (first_own_at, first_own_id)
                                   <= (first_pending.received_at, first_pending.event_id))
                      THEN first_own_sid ELSE first_pending.room_sid END;
    UPDATE callout.livekit_call_event AS e SET call_log_id = _attach_unmatched.call_id
    WHERE e.user_id = _attach_unmatched.user_id AND e.room_name = _attach_unmatched.room_name
      AND e.call_log_id IS NULL AND e.received_at >= since
      AND CASE WHEN e.room_sid IS NULL THEN own_without_sid
               ELSE e.room_sid = first_sid AND first_sid = ANY (own_sids) END;
    GET DIAGNOSTICS attached = ROW_COUNT;
    RETURN attached + callout._move_pending_events(user_id, call_id, room_name, since, first_sid);
END
$$;
COMMENT ON FUNCTION callout._attach_unmatched(bigint, text, text, integer) IS 'internal: attaches a room''s waiting events to its call; how many';

-- The events still waiting for a call (a tenant's unmatched ones and the pending store's) that
-- arrived longer ago than older_than (callout.unmatched_window when NULL): a registration no
-- longer attaches them. waits_for: the call a delivery would find for each now. For the admin
-- (the pending store answers no one else); attach_late_events attaches them.
CREATE FUNCTION callout.late_events(older_than interval DEFAULT NULL)
RETURNS TABLE (event_id text, user_id text, api_key text, event_type text, room_name text,
               room_sid text, event_created_at timestamptz, received_at timestamptz, waits_for bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cutoff timestamptz := pg_catalog.now()
        - coalesce(older_than, pg_catalog.make_interval(secs => (SELECT s.unmatched_window_seconds
                                                                 FROM callout._ingest_settings() AS s)));
    waiting record;
    have_previous boolean := false;
    previous_tenant text;
    previous_room text;
    previous_sid text;
    found_call bigint;
    ids text[] := '{}';
    tenants text[] := '{}';
    keys text[] := '{}';
    types text[] := '{}';
    rooms text[] := '{}';
    sids text[] := '{}';
    created timestamptz[] := '{}';
    received timestamptz[] := '{}';
    calls bigint[] := '{}';
BEGIN
    PERFORM callout._refuse_on_worker('lists late events',
        'An event is matched among the calls of every tenant of its room name, which the coordinator asks.');
    -- each event's call found here, after its row was read, once for the events of one tenant,
    -- room name and sid (the answer depends on them alone): on a distributed callout the
    -- coordinator matches among the calls of every tenant of the room name, as a delivery does
    -- (on the tenant's node another tenant's call bound to its sid would be out of sight); a
    -- pending event as an unbound key's (its tenant is NULL)
    FOR waiting IN
        SELECT w.* FROM (
            SELECT e.event_id, e.user_id, e.api_key, e.event_type, e.room_name, e.room_sid,
                   e.event_created_at, e.received_at
            FROM callout.livekit_call_event AS e WHERE e.call_log_id IS NULL AND e.received_at < cutoff
            UNION ALL
            SELECT p.event_id, NULL, p.api_key, p.event_type, p.room_name, p.room_sid,
                   p.event_created_at, p.received_at
            FROM callout.pending_event AS p WHERE p.received_at < cutoff) AS w
        ORDER BY w.user_id, w.room_name, w.room_sid
    LOOP
        IF NOT have_previous OR (waiting.user_id, waiting.room_name, waiting.room_sid)
                                IS DISTINCT FROM (previous_tenant, previous_room, previous_sid) THEN
            found_call := callout._matching_call_id(waiting.room_sid, waiting.room_name, waiting.user_id);
            have_previous := true;
            previous_tenant := waiting.user_id;
            previous_room := waiting.room_name;
            previous_sid := waiting.room_sid;
        END IF;
        ids := ids || waiting.event_id;
        tenants := tenants || waiting.user_id;
        keys := keys || waiting.api_key;
        types := types || waiting.event_type;
        rooms := rooms || waiting.room_name;
        sids := sids || waiting.room_sid;
        created := created || waiting.event_created_at;
        received := received || waiting.received_at;
        calls := calls || found_call;
    END LOOP;
    RETURN QUERY
    SELECT w.* FROM ROWS FROM (pg_catalog.unnest(ids), pg_catalog.unnest(tenants), pg_catalog.unnest(keys),
                               pg_catalog.unnest(types), pg_catalog.unnest(rooms), pg_catalog.unnest(sids),
                               pg_catalog.unnest(created), pg_catalog.unnest(received),
                               pg_catalog.unnest(calls))
                    AS w (event_id, user_id, api_key, event_type, room_name, room_sid,
                          event_created_at, received_at, waits_for)
    ORDER BY w.received_at, w.event_id;
END
$$;
COMMENT ON FUNCTION callout.late_events(interval) IS 'the events that waited for a call longer than older_than (callout.unmatched_window), each with the call a delivery would find now; for the admin';

-- Attaches to a call the events of its room that waited for it, however long, as a delivery of
-- each would now (late events: registration attaches only those within
-- callout.unmatched_window), and makes the call again from its events. The admin's, or a
-- gateway's acting for the call's tenant (anyone else: 42501, whether the call exists or not; the
-- admin, for a call that does not exist: 22023). True when any were attached.
CREATE FUNCTION callout.attach_late_events(call_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '5s'
AS $$
DECLARE
    tenant text;
    room text;
    settings callout.ingest_settings := callout._ingest_settings();
    distributed boolean := callout._distributed();
    previous callout.call_outcome;
    remade callout.call_outcome;
    instant timestamptz := pg_catalog.now();
BEGIN
    IF call_id IS NULL THEN
        RAISE EXCEPTION 'call_id is required' USING ERRCODE = '22004';
    END IF;
    SELECT c.user_id, c.room_name INTO tenant, room FROM callout.call_log AS c WHERE c.id = attach_late_events.call_id;
    IF NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.oid = callout._invoking_role())
       AND NOT coalesce(callout._session_is_gateway() AND tenant = callout.current_user_id(), false) THEN
        RAISE EXCEPTION 'permission denied to attach late events to that call'
            USING ERRCODE = '42501',
                  HINT = 'The admin, or a gateway acting for the call''s tenant, attaches late events.';
    ELSIF tenant IS NULL THEN
        RAISE EXCEPTION 'call % does not exist', call_id USING ERRCODE = '22023';
    END IF;
    PERFORM callout._lock_room(room);
    SELECT c.outcome INTO previous FROM callout.call_log AS c
    WHERE c.user_id = tenant AND c.id = attach_late_events.call_id;
    IF callout._attach_unmatched(call_id, tenant, room, NULL) = 0 THEN
        RETURN false;
    END IF;
    -- in FROM, where Citus plans it: made on the tenant's node on a distributed callout, and
    -- notified from here
    SELECT r INTO remade
    FROM callout._remake_call(tenant, call_id, settings.min_connected_seconds,
                              settings.min_completed_seconds, settings.notify AND NOT distributed,
                              instant) AS r;
    IF settings.notify AND distributed AND remade IS DISTINCT FROM previous THEN
        PERFORM pg_catalog.pg_notify('callout_outcome', call_id::text);
    END IF;
    RETURN true;
END
$$;
COMMENT ON FUNCTION callout.attach_late_events(bigint) IS 'attach to a call the events that waited for it past callout.unmatched_window, as a delivery would, and recompute it (the admin, or a gateway acting for its tenant)';

DROP FUNCTION callout._create_call(text, text, text, text, text, text, jsonb, text, integer);
-- A call row, inserted (no checks: callers check who may) at instant (its created_at and
-- updated_at: the caller's transaction's); its id. On a distributed callout Citus runs it on the
-- node of the tenant's shards (callout.distribute: distributed by user_id, delegated), whose own
-- transaction begins later, and where the id must be of the node's own range
-- (callout.distribute gives it): a node added since would hand out ids other nodes did, which
-- callout looks calls and events up by.
CREATE FUNCTION callout._insert_call(user_id text, room_name text, direction text,
                                     phone_number text, campaign_id text, agent_config_id text,
                                     metadata jsonb, origin text, instant timestamptz)
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    call_id bigint;
    node_ids record;
BEGIN
    INSERT INTO callout.call_log (user_id, room_name, direction, phone_number, registered_phone_number,
                                  campaign_id, agent_config_id, metadata, origin, created_at,
                                  updated_at)
    VALUES (user_id, room_name, direction,
            coalesce(phone_number, callout.extract_phone_number(room_name)), phone_number,
            coalesce(campaign_id, callout.extract_campaign_id(room_name)), agent_config_id, metadata,
            origin, instant, instant)
    RETURNING id INTO call_id;
    IF callout._distributed() THEN
        node_ids := callout._node_id_range();
        IF call_id NOT BETWEEN node_ids.first AND node_ids.last THEN
            RAISE EXCEPTION 'this Citus node has no range of ids of its own yet'
                USING ERRCODE = '55000',
                      DETAIL = pg_catalog.format('It made id %s.', call_id),
                      HINT = 'Run SELECT callout.distribute() on the coordinator after adding a node.';
        END IF;
    END IF;
    RETURN call_id;
END
$$;
COMMENT ON FUNCTION callout._insert_call(text, text, text, text, text, text, jsonb, text, timestamptz) IS 'internal: inserts a call row; its id';

-- A call made again from its events under these thresholds at instant (the caller's transaction's);
-- its outcome, which was notified when notify and it is new or changed (each set for the rest of
-- the transaction: the caller passes its own). On a distributed callout Citus runs it on the node of the tenant's shards, which has
-- settings of its own and must not notify (the caller does, from the coordinator): Citus commits
-- a transaction that wrote on several nodes with PREPARE TRANSACTION, which a NOTIFY refuses.
CREATE FUNCTION callout._remake_call(user_id text, call_id bigint,
                                     min_connected_seconds double precision,
                                     min_completed_seconds double precision, notify boolean,
                                     instant timestamptz)
RETURNS callout.call_outcome
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM callout._use_thresholds(min_connected_seconds, min_completed_seconds, notify);
    RETURN callout._recompute_call(call_id, user_id, instant);
END
$$;
COMMENT ON FUNCTION callout._remake_call(text, bigint, double precision, double precision, boolean, timestamptz) IS 'internal: makes a call again from its events under these thresholds; its outcome';

-- A call created (no checks: callers check who may, holding the room's lock) and made from the
-- room's waiting events under these thresholds; its id and outcome, notified when notify. On a
-- distributed callout (from the coordinator only: its room lock, pending store and list of room
-- names are its own) the row is inserted and made on the node of the tenant's shards (each call in
-- FROM, where Citus plans it), the room's name listed for the tenant (callout.room_tenant, where
-- deliveries find the tenants whose calls an event may belong to: after the insert, so a call
-- inserted while distribute() ran is listed by it or here), and the outcome notified from here;
-- the row's instants are this transaction's (now(), handed to the node as a value).
CREATE FUNCTION callout._create_call(user_id text, room_name text, direction text,
                                     phone_number text, campaign_id text, agent_config_id text,
                                     metadata jsonb, origin text, window_seconds integer,
                                     min_connected_seconds double precision,
                                     min_completed_seconds double precision, notify boolean,
                                     OUT call_id bigint, OUT outcome callout.call_outcome)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    distributed boolean;
    instant timestamptz := pg_catalog.now();
BEGIN
    SELECT c INTO call_id
    FROM callout._insert_call(user_id, room_name, direction, phone_number, campaign_id,
                              agent_config_id, metadata, origin, instant) AS c;
    distributed := callout._distributed();
    IF distributed THEN
        PERFORM callout._refuse_on_worker('makes calls', 'Register calls and deliver webhooks through the coordinator.');
        INSERT INTO callout.room_tenant (room_name, user_id)
        VALUES (_create_call.room_name, _create_call.user_id) ON CONFLICT DO NOTHING;
    END IF;
    IF callout._attach_unmatched(call_id, user_id, room_name, window_seconds) > 0 THEN
        SELECT r INTO outcome
        FROM callout._remake_call(user_id, call_id, min_connected_seconds, min_completed_seconds,
                                  notify AND NOT distributed, instant) AS r;
        IF notify AND distributed AND outcome IS NOT NULL THEN
            PERFORM pg_catalog.pg_notify('callout_outcome', call_id::text);
        END IF;
    END IF;
END
$$;
COMMENT ON FUNCTION callout._create_call(text, text, text, text, text, text, jsonb, text, integer, double precision, double precision, boolean) IS 'internal: creates a call and makes it from the room''s waiting events; its id and outcome';

CREATE OR REPLACE FUNCTION callout.register_call(user_id text, room_name text, direction text,
                                      phone_number text DEFAULT NULL, campaign_id text DEFAULT NULL,
                                      agent_config_id text DEFAULT NULL, metadata jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
    SET lock_timeout = '5s'
AS $$
DECLARE
    acting_for text := callout.current_user_id();
    open_call_id bigint;
    open_call_tenant text;
    created record;
    settings callout.ingest_settings := callout._ingest_settings();
    room_tenants text[];
BEGIN
    IF user_id IS NULL OR user_id = '' OR room_name IS NULL OR room_name = '' THEN
        RAISE EXCEPTION 'user_id and room_name are required' USING ERRCODE = '22004';
    END IF;
    IF direction IS NULL OR direction NOT IN ('inbound', 'outbound') THEN
        RAISE EXCEPTION 'direction must be inbound or outbound'
            USING ERRCODE = '22023', DETAIL = pg_catalog.format('direction is %L.', direction);
    END IF;
    -- the values the call row indexes, within what a btree entry holds (as deliveries' are)
    IF pg_catalog.octet_length(room_name) > settings.max_room_name_bytes
       OR GREATEST(pg_catalog.octet_length(user_id), pg_catalog.octet_length(phone_number),
                    pg_catalog.octet_length(campaign_id),
                    pg_catalog.octet_length(agent_config_id)) > settings.max_key_bytes THEN
        RAISE EXCEPTION 'a value of the call is too long to store'
            USING ERRCODE = '22023',
                  DETAIL = pg_catalog.format('room_name holds at most %s bytes; user_id, phone_number, campaign_id and agent_config_id at most %s.',
                                             settings.max_room_name_bytes, settings.max_key_bytes);
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
    -- any tenant's open call of the room (on a distributed callout, of the tenants whose calls
    -- used its name: their shards alone are read, and none when no call used it, which Citus
    -- would not know from an empty list and ask every shard)
    room_tenants := callout._room_tenants(room_name);
    IF room_tenants IS NULL OR pg_catalog.cardinality(room_tenants) > 0 THEN
        SELECT c.id, c.user_id INTO open_call_id, open_call_tenant FROM callout.call_log AS c
        WHERE (room_tenants IS NULL OR c.user_id = ANY (room_tenants))
          AND c.room_name = register_call.room_name AND callout._is_open(c.status)
        ORDER BY c.user_id = register_call.user_id DESC LIMIT 1;
    END IF;
    IF open_call_tenant = register_call.user_id THEN
        RAISE EXCEPTION 'room % already has an open call of this tenant', room_name
            USING ERRCODE = '23505', DETAIL = pg_catalog.format('Call %s is open.', open_call_id),
                  HINT = 'A room has one open call per tenant; an inbound call may have been created from its phone route.';
    ELSIF open_call_id IS NOT NULL THEN
        RAISE EXCEPTION 'room % already has an open call of another tenant', room_name
            USING ERRCODE = '23505';
    END IF;
    created := callout._create_call(user_id, room_name, direction, phone_number, campaign_id,
                                    agent_config_id, metadata, 'registered',
                                    settings.unmatched_window_seconds, settings.min_connected_seconds,
                                    settings.min_completed_seconds, settings.notify);
    RETURN created.call_id;
END
$$;
COMMENT ON FUNCTION callout.register_call(text, text, text, text, text, text, jsonb) IS 'create the call row for a room (at most one open call per tenant and room); waiting events of the room are applied';

DROP FUNCTION callout._create_inbound_call(text, text, text, text);
-- An inbound call for a leg no call matched: a dispatch rule routed it (outbound legs have no
-- sip.ruleID), to a routed number or delivered with a tenant's key, in a room with no open call
-- and whose sid no call of that room holds; made from the room's waiting events (the leg's among
-- them) under this session's thresholds. NULL (no call) otherwise. The caller checked the event
-- id is new, and holds the room's lock.
CREATE FUNCTION callout._create_inbound_call(room_sid text, room_name text,
                                             trunk_phone_number text, key_user_id text,
                                             OUT call_id bigint, OUT user_id text,
                                             OUT outcome callout.call_outcome)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    route callout.phone_route;
    settings callout.ingest_settings := callout._ingest_settings();
    created record;
    room_tenants text[] := callout._room_tenants(room_name);
    -- whether a call of any tenant may have used the room's name (one node: any may)
    name_used boolean := room_tenants IS NULL OR pg_catalog.cardinality(room_tenants) > 0;
BEGIN
    -- any tenant's call (on a distributed callout, of the tenants whose calls used the room's
    -- name: their shards alone are read, and none when no call used it, which Citus would not
    -- know from an empty list and ask every shard); SELECT 1, as Citus reads no subquery of no
    -- columns
    IF name_used AND EXISTS (SELECT 1 FROM callout.call_log AS c
                             WHERE (room_tenants IS NULL OR c.user_id = ANY (room_tenants))
                               AND c.room_sid = _create_inbound_call.room_sid
                               AND c.room_name = _create_inbound_call.room_name) THEN
        RETURN;
    END IF;
    SELECT r.* INTO route FROM callout.phone_route AS r
    WHERE r.trunk_phone_number = _create_inbound_call.trunk_phone_number;
    user_id := coalesce(route.user_id, key_user_id);
    IF user_id IS NULL OR key_user_id IS DISTINCT FROM user_id AND key_user_id IS NOT NULL
       OR name_used AND EXISTS (SELECT 1 FROM callout.call_log AS c
                                WHERE (room_tenants IS NULL OR c.user_id = ANY (room_tenants))
                                  AND c.room_name = _create_inbound_call.room_name
                                  AND callout._is_open(c.status)) THEN
        user_id := NULL;
        RETURN;
    END IF;
    created := callout._create_call(
        user_id, room_name, 'inbound', NULL, NULL, route.agent_config_id, NULL,
        -- a tenant's key vouches for its tenant, not for the room: its call takes only that
        -- tenant's keys, though the number is the tenant's routed one (else the tenant's key and
        -- route would claim a room another tenant's calls use, and their events)
        CASE WHEN key_user_id IS NULL THEN 'phone_route' ELSE 'tenant_key' END,
        settings.unmatched_window_seconds, settings.min_connected_seconds,
        settings.min_completed_seconds, settings.notify);
    call_id := created.call_id;
    outcome := created.outcome;
END
$$;

COMMENT ON FUNCTION callout._create_inbound_call(text, text, text, text) IS 'internal: creates the call of an inbound leg a dispatch rule routed, for its number''s route or the key''s tenant, made from the room''s waiting events';

CREATE OR REPLACE FUNCTION callout.resolve_call_context(room_name text,
                                             OUT call_id bigint, OUT user_id text,
                                             OUT agent_config_id text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- who asks, decided here (on a distributed callout the query runs on the workers, which know
    -- nothing of this session)
    acting_for text := callout.current_user_id();
    sees_all boolean := callout.is_auditor()
        OR (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.oid = callout._invoking_role());
BEGIN
    SELECT c.id, c.user_id, c.agent_config_id INTO call_id, user_id, agent_config_id
    FROM callout.call_log AS c
    WHERE c.room_name = resolve_call_context.room_name AND (sees_all OR c.user_id = acting_for)
    ORDER BY callout._is_open(c.status) DESC, c.created_at DESC, c.id DESC
    LIMIT 1;
END
$$;
COMMENT ON FUNCTION callout.resolve_call_context(text) IS 'the call a room belongs to (open first, then latest), of the caller''s tenant (all for an auditor or a superuser; none without a tenant): granted explicitly';

-- call_stats answers the open and expired calls and a second dimension too: its result changes,
-- so it is made again (the roles that read are granted it again below, with the feed).
DROP FUNCTION callout.call_stats(timestamptz, timestamptz, text);
-- The bucket a call falls in for one dimension of call_stats: its start's day (else its
-- creation's) in time_zone (the caller's TimeZone, named to the query: on a distributed callout
-- it runs on the workers, whose TimeZone is their own), campaign, agent config, direction,
-- outcome or tenant; NULL for none. A one-expression SQL function without a SET clause, which
-- the planner inlines.
CREATE FUNCTION callout._call_stats_key(dimension text, started_at timestamptz, created_at timestamptz,
                                        campaign_id text, agent_config_id text, direction text,
                                        outcome callout.call_outcome, user_id text, time_zone text)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE $1 WHEN 'day' THEN pg_catalog.to_char(pg_catalog.timezone($9, coalesce($2, $3)), 'YYYY-MM-DD')
                   WHEN 'campaign' THEN $4
                   WHEN 'agent_config' THEN $5
                   WHEN 'direction' THEN $6
                   WHEN 'outcome' THEN $7::pg_catalog.text
                   WHEN 'tenant' THEN $8
           END
$$;
COMMENT ON FUNCTION callout._call_stats_key(text, timestamptz, timestamptz, text, text, text, callout.call_outcome, text, text) IS 'internal: the bucket of a call for one dimension of call_stats';

-- Counts per group of the calls that started (or, never started, were created) in
-- [since, until): attempts (every call), each outcome, the calls still open and those expired,
-- the answer rate (completed / attempts) and talk time of completed calls. group_by: NULL or
-- 'none', or one or two of 'day' (in the session's TimeZone), 'campaign', 'agent_config',
-- 'direction', 'outcome', 'tenant' (a tenant sees its own, an auditor every tenant's),
-- separated by a comma: the first is the bucket, the second the sub_bucket.
CREATE FUNCTION callout.call_stats(since timestamptz, until timestamptz, group_by text DEFAULT NULL)
RETURNS TABLE (bucket text, sub_bucket text, attempts bigint, completed bigint, no_answer bigint,
               busy bigint, failed bigint, open bigint, expired bigint, answer_rate numeric,
               total_talk_seconds bigint, average_talk_seconds numeric)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    dimensions text[] := '{}';
    dimension text;
    -- the day's zone, the caller's (a distributed callout buckets on the workers)
    time_zone text := pg_catalog.current_setting('TimeZone');
BEGIN
    IF since IS NULL OR until IS NULL THEN
        RAISE EXCEPTION 'since and until are required' USING ERRCODE = '22004';
    END IF;
    FOREACH dimension IN ARRAY coalesce(pg_catalog.string_to_array(group_by, ','), '{}') LOOP
        dimension := pg_catalog.btrim(dimension);
        IF dimension NOT IN ('none', 'day', 'campaign', 'agent_config', 'direction', 'outcome', 'tenant') THEN
            RAISE EXCEPTION 'unknown group_by "%"', dimension
                USING ERRCODE = '22023',
                      HINT = 'Use none, or one or two of day, campaign, agent_config, direction, outcome and tenant, separated by a comma.';
        ELSIF dimension = ANY (dimensions) THEN
            RAISE EXCEPTION 'group_by names "%" twice', dimension USING ERRCODE = '22023';
        END IF;
        dimensions := dimensions || dimension;
    END LOOP;
    IF pg_catalog.cardinality(dimensions) > 2 THEN
        RAISE EXCEPTION 'group_by names at most two dimensions' USING ERRCODE = '22023';
    ELSIF pg_catalog.cardinality(dimensions) > 1 AND 'none' = ANY (dimensions) THEN
        RAISE EXCEPTION 'group_by none stands alone' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    SELECT callout._call_stats_key(dimensions[1], c.started_at, c.created_at, c.campaign_id, c.agent_config_id,
                                   c.direction, c.outcome, c.user_id, time_zone) AS key,
           callout._call_stats_key(dimensions[2], c.started_at, c.created_at, c.campaign_id, c.agent_config_id,
                                   c.direction, c.outcome, c.user_id, time_zone) AS sub_key,
           pg_catalog.count(*),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'completed'),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'no_answer'),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'busy'),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'failed'),
           pg_catalog.count(*) FILTER (WHERE callout._is_open(c.status)),
           pg_catalog.count(*) FILTER (WHERE c.status = 'expired'),
           pg_catalog.round(pg_catalog.count(*) FILTER (WHERE c.outcome = 'completed')::numeric
                            / pg_catalog.count(*), 4),
           coalesce(pg_catalog.sum(c.duration_seconds) FILTER (WHERE c.outcome = 'completed'), 0)::bigint,
           pg_catalog.round(pg_catalog.avg(c.duration_seconds) FILTER (WHERE c.outcome = 'completed'), 2)
    FROM callout.call_log AS c
    -- coalesce(started_at, created_at) in [since, until), spelled as comparisons of columns,
    -- which row-level security lets an index take (a coalesce it would not: not leakproof)
    WHERE (c.started_at >= since AND c.started_at < until)
       OR (c.started_at IS NULL AND c.created_at >= since AND c.created_at < until)
    GROUP BY 1, 2
    ORDER BY 1 NULLS FIRST, 2 NULLS FIRST;
END
$$;
COMMENT ON FUNCTION callout.call_stats(timestamptz, timestamptz, text) IS 'attempts, outcomes, open and expired calls, answer rate and talk time of the calls the reader may see, by none, or one or two of day, campaign, agent_config, direction, outcome and tenant';

-- The WARNING of a sweep that passed over the calls of tenants whose rows stayed locked; nothing
-- when it passed over none.
CREATE FUNCTION callout._warn_locked_tenants(sweep text, passed integer) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF passed > 0 THEN
        RAISE WARNING '% passed over the calls of % tenant(s): a row of theirs stayed locked for 1 s', sweep, passed
            USING HINT = 'A transaction that locked them is still open; run it again once it ends.';
    END IF;
END
$$;
COMMENT ON FUNCTION callout._warn_locked_tenants(text, integer) IS 'internal: warns that a sweep passed over the calls of tenants whose rows stayed locked';

-- One tenant's open calls that heard from LiveKit (or were registered) before cutoff and whose end
-- never arrived, marked expired; how many. A row of the tenant's held locked (its own role may
-- lock its calls: FOR UPDATE, or an UPDATE left open) is waited for at most 1 s, then the tenant's
-- calls are passed over (NULL): the wait holds no other tenant's row. A call's events are found
-- with its tenant too, which Citus needs on the shards; on a distributed callout Citus runs it on
-- the node of the tenant's shards (callout.distribute: delegated), where the lock is waited for.
CREATE FUNCTION callout._expire_tenant_calls(user_id text, cutoff timestamptz, instant timestamptz)
RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET lock_timeout = '1s'
AS $$
DECLARE
    expired integer;
BEGIN
    UPDATE callout.call_log AS c SET status = 'expired', updated_at = instant
    WHERE c.user_id = _expire_tenant_calls.user_id AND callout._is_open(c.status)
      AND greatest(c.created_at, (SELECT pg_catalog.max(e.received_at) FROM callout.livekit_call_event AS e
                                  WHERE e.user_id = _expire_tenant_calls.user_id AND e.call_log_id = c.id))
          < cutoff;
    GET DIAGNOSTICS expired = ROW_COUNT;
    RETURN expired;
EXCEPTION WHEN lock_not_available THEN
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION callout._expire_tenant_calls(text, timestamptz, timestamptz) IS 'internal: marks one tenant''s open calls with no activity since cutoff as expired; how many, NULL when a row of the tenant''s stayed locked';

-- LiveKit drops webhooks under load: an open call that heard from LiveKit (or was registered)
-- no later than older_than ago and whose end never arrived is marked expired, which frees its
-- room name. An end that arrives afterwards still ends it. Choose older_than longer than your
-- longest call: nothing arrives between a phone leg's join and its leave. Returns how many.
-- Tenant by tenant (each one's calls on the node of its shards, on a distributed callout): a
-- tenant whose rows stay locked is passed over with a WARNING, and its calls expire at the next
-- run.
CREATE OR REPLACE FUNCTION callout.expire_stale_calls(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cutoff timestamptz := callout._cutoff(older_than);
    instant timestamptz := pg_catalog.now();
    tenant record;
    expired integer;
    total integer := 0;
    passed integer := 0;
BEGIN
    FOR tenant IN SELECT DISTINCT c.user_id FROM callout.call_log AS c
                  WHERE callout._is_open(c.status) AND c.created_at < cutoff
                  ORDER BY c.user_id LOOP
        SELECT e INTO expired FROM callout._expire_tenant_calls(tenant.user_id, cutoff, instant) AS e;
        IF expired IS NULL THEN
            passed := passed + 1;
        ELSE
            total := total + expired;
        END IF;
    END LOOP;
    PERFORM callout._warn_locked_tenants('expire_stale_calls', passed);
    RETURN total;
END
$$;
COMMENT ON FUNCTION callout.expire_stale_calls(interval) IS 'mark open calls with no activity for older_than as expired; returns how many';

-- Recomputes one tenant's ended calls (those that ended since `since`, or all) from their stored
-- events under these thresholds, notifying a changed outcome when notify (each set for the rest
-- of the transaction: reclassify_calls passes its own); the ids of those whose outcome changed.
-- A row of the tenant's held locked is waited for at most 1 s, then none of its calls is
-- recomputed (NULL), as _expire_tenant_calls passes a tenant over.
-- On a distributed callout Citus runs it on the node of the tenant's shards (callout.distribute:
-- distributed by user_id, delegated), where _recompute_call reads and writes them, and which has
-- settings of its own and no listeners; there it must not notify, as Citus commits a transaction
-- that wrote on several nodes with PREPARE TRANSACTION, which a NOTIFY refuses.
CREATE FUNCTION callout._reclassify_tenant_calls(user_id text, since timestamptz,
                                                 min_connected_seconds double precision,
                                                 min_completed_seconds double precision,
                                                 notify boolean, instant timestamptz)
RETURNS bigint[]
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET lock_timeout = '1s'
AS $$
DECLARE
    call record;
    changed bigint[] := '{}';
BEGIN
    PERFORM callout._use_thresholds(min_connected_seconds, min_completed_seconds, notify);
    FOR call IN SELECT c.id, c.outcome FROM callout.call_log AS c
                WHERE c.user_id = _reclassify_tenant_calls.user_id AND c.status = 'ended'
                  AND (since IS NULL OR c.ended_at >= since)
                ORDER BY c.id FOR UPDATE LOOP
        IF callout._recompute_call(call.id, _reclassify_tenant_calls.user_id, instant)
           IS DISTINCT FROM call.outcome THEN
            changed := changed OPERATOR(pg_catalog.||) call.id;
        END IF;
    END LOOP;
    RETURN changed;
EXCEPTION WHEN lock_not_available THEN
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION callout._reclassify_tenant_calls(text, timestamptz, double precision, double precision, boolean, timestamptz) IS 'internal: recomputes one tenant''s ended calls under the given thresholds; the ids whose outcome changed';

-- Recomputes the ended calls (those that ended since `since`, or all) from their stored events
-- under the current settings, after the thresholds changed, tenant by tenant. Returns how many
-- outcomes changed. A tenant whose rows stay locked is passed over with a WARNING. On a
-- distributed callout each tenant's calls are recomputed on the node of its shards, which does
-- not notify: the changed outcomes are notified from here (callout.notify), as one node notifies
-- them. (The tenant's call is in FROM: Citus delegates a
-- call it plans there, not one PL/pgSQL evaluates as an expression.)
CREATE OR REPLACE FUNCTION callout.reclassify_calls(since timestamptz DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    settings callout.ingest_settings := callout._ingest_settings();
    distributed boolean := callout._distributed();
    instant timestamptz := pg_catalog.now();
    tenant record;
    changed bigint[];
    count integer := 0;
    passed integer := 0;
BEGIN
    PERFORM callout._refuse_on_worker('reclassifies calls', 'Reclassify calls on the coordinator, which notifies the outcomes that change.');
    FOR tenant IN SELECT DISTINCT c.user_id FROM callout.call_log AS c
                  WHERE c.status = 'ended' AND (since IS NULL OR c.ended_at >= since)
                  ORDER BY c.user_id LOOP
        SELECT r INTO changed
        FROM callout._reclassify_tenant_calls(tenant.user_id, since, settings.min_connected_seconds,
                                              settings.min_completed_seconds,
                                              settings.notify AND NOT distributed, instant) AS r;
        IF changed IS NULL THEN
            passed := passed + 1;
            CONTINUE;
        END IF;
        count := count + pg_catalog.cardinality(changed);
        IF settings.notify AND distributed THEN
            PERFORM pg_catalog.pg_notify('callout_outcome', id::text) FROM pg_catalog.unnest(changed) AS id;
        END IF;
    END LOOP;
    PERFORM callout._warn_locked_tenants('reclassify_calls', passed);
    RETURN count;
END
$$;
COMMENT ON FUNCTION callout.reclassify_calls(timestamptz) IS 'recompute ended calls from their events under the current thresholds; returns how many outcomes changed';
-- What arrived per minute or hour in [since, until): every delivery (received), the events
-- stored (processed: now matched to a call; or still unmatched), duplicates, conflicting duplicates,
-- ignored ones, rejections (in all and by reason), and the lag between an event's createdAt
-- and its arrival. For the owner, and the roles granted EXECUTE on it (monitoring): it spans
-- tenants, and runs with its owner's rights because the counts' table answers no other role.
CREATE OR REPLACE FUNCTION callout.metrics(since timestamptz, until timestamptz, per text DEFAULT 'minute')
RETURNS TABLE (bucket timestamptz, received bigint, stored bigint, processed bigint,
               unmatched bigint, duplicates bigint, conflicting_duplicates bigint, ignored bigint,
               rejected bigint, rejected_by_reason jsonb, average_lag_seconds numeric,
               max_lag_seconds numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
        FROM (SELECT s.received_at, s.event_created_at, s.call_log_id FROM callout.livekit_call_event AS s
              WHERE s.received_at >= since AND s.received_at < until
              UNION ALL
              SELECT p.received_at, p.event_created_at, NULL FROM callout.pending_event AS p
              WHERE p.received_at >= since AND p.received_at < until) AS e
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

-- A duplicate's answer and the counts of deliveries that stored nothing new are statements of
-- the delivery path now (src/pg/delivery.cpp).
DROP FUNCTION callout._duplicate_answer(text, bytea, text);
DROP FUNCTION callout._record_answer(text, text, text, text);

-- LiveKit's delivery as PostgREST presents it: the raw body as the single unnamed text argument,
-- the Authorization header from request.headers. The answer sets response.status: 200 for an
-- accepted delivery (processed, duplicate, unmatched, ignored: LiveKit must not retry), 401 for
-- a signature that does not verify, 413 for a body over callout.max_body_bytes, 400 for a body
-- that is no LiveKit event.
CREATE OR REPLACE FUNCTION callout.livekit_webhook(text) RETURNS callout.webhook_result
LANGUAGE c SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
    SET lock_timeout = '5s'
AS 'MODULE_PATHNAME', 'callout_livekit_webhook';
COMMENT ON FUNCTION callout.livekit_webhook(text) IS 'PostgREST''s POST /rpc/livekit_webhook: the raw body, the Authorization header from request.headers; sets response.status';

-- One delivery and its record in the metrics, in C++ (src/pg/delivery.cpp): limits, signature,
-- body, event, then exactly-once storage and the call row, with every statement's plan kept
-- per backend (planned with enable_seqscan = off, as process_livekit_webhook). `payload` is
-- given when the caller holds jsonb (only a plain HMAC over its text can verify). A delivery that
-- stored nothing new is counted in delivery_count, a rejection sampled in rejected_delivery.
CREATE OR REPLACE FUNCTION callout._ingest(body text, payload jsonb, signature text)
RETURNS callout.webhook_result
LANGUAGE c SET search_path = pg_catalog, pg_temp SET enable_seqscan = off SET lock_timeout = '5s'
AS 'MODULE_PATHNAME', 'callout_ingest';

-- The delivery path itself (as _ingest without a payload): no PL/pgSQL between the caller and
-- the C++. Its plans are kept for the life of the backend, and every one of them is a lookup by
-- key: enable_seqscan = off keeps a plan made while the tables were empty from scanning them
-- once they are large.
CREATE OR REPLACE FUNCTION callout.process_livekit_webhook(body text, signature text)
RETURNS callout.webhook_result
LANGUAGE c SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
    SET lock_timeout = '5s'
AS 'MODULE_PATHNAME', 'callout_process_livekit_webhook';
COMMENT ON FUNCTION callout.process_livekit_webhook(text, text) IS 'verify one LiveKit delivery (raw body and Authorization header), store its event exactly once and update its call';

-- _recompute_call takes the call's tenant too (its shards on a distributed callout).
DROP FUNCTION callout._recompute_call(bigint);
-- Recomputes a call's webhook-owned columns from the set of its events (DESIGN.md §4), in C++
-- (src/core/call_row.cpp): each field takes its value from the event that ranks first for it,
-- so the row is a function of the set, never of the arrival order. When the outcome is recorded
-- or changes, NOTIFY callout_outcome carries the call id (sent at commit; callout.notify turns
-- it off). The thresholds are the session's callout.min_connected_seconds and
-- min_completed_seconds. user_id is the call's tenant: on a distributed callout the call's rows
-- are read and written in that tenant's shards on this node (the node a function distributed
-- by user_id runs on; callout.distribute). instant is the row's updated_at when it is written:
-- the caller's transaction's (on a Citus worker, the coordinator's, not the worker's own).
CREATE FUNCTION callout._recompute_call(call_id bigint, user_id text, instant timestamptz)
RETURNS callout.call_outcome
LANGUAGE c STRICT SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
AS 'MODULE_PATHNAME', 'callout_recompute_call';
COMMENT ON FUNCTION callout._recompute_call(bigint, text, timestamptz) IS 'internal: recomputes a call''s webhook-owned columns from the set of its events; notifies a new outcome';

-- Trust and mappings by role OID: a role dropped and created again under its name is another
-- role. Rows of roles that no longer exist are dropped (they could not be trusted before either).
ALTER TABLE callout.gateway_role ADD COLUMN role regrole;
UPDATE callout.gateway_role AS g SET role = r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = g.role_name;
DELETE FROM callout.gateway_role WHERE role IS NULL;
ALTER TABLE callout.gateway_role DROP COLUMN role_name;
ALTER TABLE callout.gateway_role ADD PRIMARY KEY (role);
ALTER TABLE callout.tenant_role ADD COLUMN role regrole;
UPDATE callout.tenant_role AS t SET role = r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = t.role_name;
DELETE FROM callout.tenant_role WHERE role IS NULL;
ALTER TABLE callout.tenant_role DROP COLUMN role_name;
ALTER TABLE callout.tenant_role ADD PRIMARY KEY (role);

-- Who a session is, read by C functions (src/pg/tenancy_functions.cpp) that run no statement:
-- row-level security asks current_user_id() in every statement on callout's tables. They read
-- gateway_role and tenant_role directly, as their owner would.
--
-- Whether this session's login role is a superuser or a member of a trusted gateway role.
CREATE OR REPLACE FUNCTION callout._session_is_gateway() RETURNS boolean
LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'callout_session_is_gateway';

-- A trusted gateway's tenant. Inside a PostgREST request (it sets request.jwt.claims or
-- request.method for the transaction) the tenant is the claims' `sub`, a non-empty JSON string,
-- and nothing else: claims without one, or that are not JSON, name no tenant, and a
-- callout.user_id left on the pooled connection is never a fallback. Outside a request it is
-- callout.user_id. Anyone else is the tenant its invoking role (after SET ROLE) is mapped to:
-- its own mapping, else the one mapping of the roles it is a member of. Several different
-- inherited mappings are ambiguous, so they map to nothing: a role never becomes an auditor or
-- a tenant by sort order.
CREATE OR REPLACE FUNCTION callout.current_user_id() RETURNS text
LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'callout_current_user_id';

-- A role mapped to NULL reads every tenant's rows (and writes none).
CREATE OR REPLACE FUNCTION callout.is_auditor() RETURNS boolean
LANGUAGE c STABLE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'callout_is_auditor';

-- The mapping is read by those functions' C code alone.
DROP FUNCTION callout._mapped_tenant();
COMMENT ON FUNCTION callout.current_user_id() IS 'the tenant this statement acts for: a trusted gateway''s JWT sub inside a PostgREST request, else its callout.user_id; else the tenant the role is mapped to; NULL for none';

-- What a \u0000 escape becomes, said for every encoding.
COMMENT ON FUNCTION callout._parse_json_body(text) IS 'internal: the body as jsonb, or NULL when it is not JSON (\u0000 stored as U+FFFD; ERROR 22P05 in a database whose encoding has no U+FFFD)';

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

-- Registers a role whose members (by login) are trusted to say which tenant they act for, and
-- grants it what an application server needs: registering and reading calls, and delivering
-- LiveKit's webhooks, so one call sets a gateway up.
CREATE OR REPLACE FUNCTION callout.trust_gateway_role(role name) RETURNS void
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
CREATE OR REPLACE FUNCTION callout.map_tenant_role(role name, user_id text) RETURNS void
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

-- Sets a PostgREST deployment up in one step: the webhook role (PostgREST's anonymous role for
-- LiveKit's deliveries) may call livekit_webhook and nothing else; the reader role (the JWT's
-- role) reads calls under row-level security; the authenticator is trusted as a gateway, so the
-- JWT's `sub` names the tenant.
CREATE OR REPLACE FUNCTION callout.grant_api_roles(webhook_role name, reader_role name,
                                        authenticator_role name DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM callout._refuse_on_worker('maps roles', 'Map and trust roles on the coordinator, which signs their tokens and grants them on every node.');
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
        INSERT INTO callout.gateway_role (role) VALUES (pg_catalog.quote_ident(authenticator_role)::regrole)
        ON CONFLICT DO NOTHING;
    END IF;
END
$$;
COMMENT ON FUNCTION callout.grant_api_roles(name, name, name) IS 'set up PostgREST: webhook_role delivers through livekit_webhook only, reader_role reads under row-level security, authenticator_role is trusted as a gateway';

-- An ERROR (0A000) unless the transaction is READ COMMITTED, for a check that must see what
-- other transactions committed before it (deliveries and registrations refuse the other levels
-- for the same reason, in callout._lock_room).
CREATE FUNCTION callout._require_read_committed(doing text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION '% needs READ COMMITTED transactions', doing
            USING ERRCODE = '0A000',
                  DETAIL = pg_catalog.format('This transaction is %s.',
                                             pg_catalog.current_setting('transaction_isolation'));
    END IF;
END
$$;
COMMENT ON FUNCTION callout._require_read_committed(text) IS 'internal: refuses a transaction that is not READ COMMITTED';

-- A tenant reads its own rows through one equality on user_id, which an index takes; an auditor
-- through policies of its own, which apply only to the roles mapped as auditors.
DROP POLICY call_log_read ON callout.call_log;
DROP POLICY livekit_call_event_read ON callout.livekit_call_event;
CREATE POLICY call_log_read ON callout.call_log FOR SELECT
    USING (user_id OPERATOR(pg_catalog.=) (SELECT callout.current_user_id()));
CREATE POLICY call_log_audit ON callout.call_log FOR SELECT TO pg_database_owner
    USING ((SELECT callout.is_auditor()));
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
-- the auditors mapped already: a statement on tenant_role fires the trigger, though it changes no row
UPDATE callout.tenant_role SET user_id = NULL WHERE false;

-- What each key bound to a tenant delivered, per minute: its bytes are bounded by
-- callout.max_key_bytes_per_minute (purged with the delivery counts).
CREATE TABLE callout.key_usage (
    api_key text NOT NULL,
    minute timestamptz NOT NULL,
    body_bytes bigint NOT NULL,
    PRIMARY KEY (api_key, minute));
COMMENT ON TABLE callout.key_usage IS 'body bytes each key bound to a tenant delivered per minute (callout.max_key_bytes_per_minute)';

SELECT pg_catalog.pg_extension_config_dump('callout.key_usage', '');

-- Deletes the delivery counts of minutes before now() - older_than.
CREATE OR REPLACE FUNCTION callout.purge_delivery_counts(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    purged integer;
BEGIN
    PERFORM callout._refuse_on_worker('purges', 'Purge on the coordinator: the pending events and the delivery counts are its own.');
    DELETE FROM callout.delivery_count AS d WHERE d.minute < callout._cutoff(older_than);
    GET DIAGNOSTICS purged = ROW_COUNT;
    DELETE FROM callout.key_usage AS u WHERE u.minute < callout._cutoff(older_than);
    RETURN purged;
END
$$;
COMMENT ON FUNCTION callout.purge_delivery_counts(interval) IS 'delete the delivery counts (and keys'' usage) of minutes older than older_than; returns how many delivery count rows';

-- An event holds its call by triggers on the rare paths rather than a foreign key's check on
-- every delivery.
ALTER TABLE callout.livekit_call_event DROP CONSTRAINT livekit_call_event_call_log_id_fkey;
-- The relation a name of callout's schema stands for when reading or writing a tenant's rows
-- (src/pg/direct_read.cpp, callout_relation): the table itself, or on a distributed callout the
-- tenant's shard of it on this node, where a shard's trigger reads the other table's co-located
-- shard (Citus runs no distributed query from a query on a shard).
CREATE FUNCTION callout._tenant_relation(name text, user_id text) RETURNS regclass
LANGUAGE c STABLE STRICT AS 'MODULE_PATHNAME', 'callout_tenant_relation';
COMMENT ON FUNCTION callout._tenant_relation(text, text) IS 'internal: the table a name of callout''s schema stands for with a tenant''s rows (its shard on a distributed callout)';

CREATE FUNCTION callout._call_keeps_its_events() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    events regclass;
    holds boolean;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.id = NEW.id THEN
        RETURN NULL;
    END IF;
    PERFORM callout._require_read_committed('changing calls');
    -- after the statement, as a foreign key checks: it may have deleted the events too. On a
    -- distributed callout Citus truncates each shard apart, where no query may read the other
    -- table's every shard: the distributed table's own trigger checks, where the statement ran
    IF TG_OP = 'TRUNCATE' THEN
        IF TG_RELID OPERATOR(pg_catalog.<>) 'callout.call_log'::regclass THEN
            RETURN NULL;
        END IF;
        IF EXISTS (SELECT 1 FROM callout.livekit_call_event AS e WHERE e.call_log_id IS NOT NULL) THEN
            RAISE EXCEPTION 'cannot truncate callout.call_log while events hold its calls'
                USING ERRCODE = '23503', HINT = 'Truncate callout.livekit_call_event with it.';
        END IF;
        RETURN NULL;
    END IF;
    -- the call's tenant's events: on a distributed callout, the co-located shard on this node
    -- (a statement made for it; on one node the kept one, as a delivery may move an event)
    events := callout._tenant_relation('livekit_call_event', OLD.user_id);
    IF events = 'callout.livekit_call_event'::regclass THEN
        holds := EXISTS (SELECT 1 FROM callout.livekit_call_event AS e WHERE e.call_log_id = OLD.id);
    ELSE
        EXECUTE pg_catalog.format('SELECT EXISTS (SELECT 1 FROM %s AS e WHERE e.call_log_id = $1)', events)
            INTO holds USING OLD.id;
    END IF;
    IF holds THEN
        RAISE EXCEPTION 'a call that holds events cannot be deleted or given another id'
            USING ERRCODE = '23503',
                  DETAIL = pg_catalog.format('Call %s holds events in callout.livekit_call_event.', OLD.id);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION callout._call_keeps_its_events() IS 'internal: refuses deleting, renumbering or truncating calls that events hold';
CREATE TRIGGER call_log_keeps_events AFTER DELETE OR UPDATE OF id ON callout.call_log
    FOR EACH ROW EXECUTE FUNCTION callout._call_keeps_its_events();
CREATE TRIGGER call_log_truncate_keeps_events AFTER TRUNCATE ON callout.call_log
    FOR EACH STATEMENT EXECUTE FUNCTION callout._call_keeps_its_events();

-- An event moved to a call (callout._attach_unmatched, or by hand) names one that exists, which
-- stays while the moving transaction runs (READ COMMITTED, as above).
CREATE FUNCTION callout._event_names_a_call() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    calls regclass;
    found_calls integer;
BEGIN
    PERFORM callout._require_read_committed('moving events');
    -- the event's tenant's calls: on a distributed callout, the co-located shard on this node (a
    -- statement made for it; on one node the kept one, as a delivery may move an event)
    calls := callout._tenant_relation('call_log', NEW.user_id);
    IF calls = 'callout.call_log'::regclass THEN
        PERFORM FROM callout.call_log AS c WHERE c.id = NEW.call_log_id FOR KEY SHARE;
    ELSE
        EXECUTE pg_catalog.format('SELECT FROM %s AS c WHERE c.id = $1 FOR KEY SHARE', calls)
            USING NEW.call_log_id;
    END IF;
    GET DIAGNOSTICS found_calls = ROW_COUNT;
    IF found_calls = 0 THEN
        RAISE EXCEPTION 'an event cannot name a call that does not exist'
            USING ERRCODE = '23503',
                  DETAIL = pg_catalog.format('Event %s names call %s.', NEW.event_id, NEW.call_log_id);
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION callout._event_names_a_call() IS 'internal: refuses moving an event to a call that does not exist';
CREATE TRIGGER livekit_call_event_names_a_call BEFORE UPDATE OF call_log_id ON callout.livekit_call_event
    FOR EACH ROW WHEN (NEW.call_log_id IS NOT NULL AND NEW.call_log_id IS DISTINCT FROM OLD.call_log_id)
    EXECUTE FUNCTION callout._event_names_a_call();

-- Events are unique per tenant; those without a tenant (an unbound key's, for a room no call
-- claimed) move to the pending store, where they wait for their call as before. An event
-- attached to a call without a tenant of its own takes its call's.
CREATE TABLE callout.pending_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id text NOT NULL CHECK (event_id <> ''),
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
COMMENT ON TABLE callout.pending_event IS 'events signed with an unbound key for a room no call claims yet: they move to the call''s tenant when one is registered or created within callout.unmatched_window';
CREATE UNIQUE INDEX pending_event_event_id ON callout.pending_event (event_id);
CREATE INDEX pending_event_room ON callout.pending_event (room_name, received_at);

SELECT pg_catalog.pg_extension_config_dump('callout.pending_event', '');
SELECT pg_catalog.pg_extension_config_dump('callout.pending_event_id_seq', '');
UPDATE callout.livekit_call_event AS e SET user_id = c.user_id
FROM callout.call_log AS c WHERE e.call_log_id = c.id AND e.user_id IS NULL;
WITH moved AS (DELETE FROM callout.livekit_call_event AS e
               WHERE e.user_id IS NULL AND e.call_log_id IS NULL RETURNING e.*)
INSERT INTO callout.pending_event (
    event_id, api_key, event_type, room_name, room_sid, event_created_at, received_at, body_sha256,
    room_creation_time, participant_identity, participant_kind, is_sip, joined_at, disconnect_reason,
    sip_call_status, sip_phone_number, sip_trunk_phone_number, call_duration_seconds, recording_url,
    egress_status, payload)
SELECT m.event_id, m.api_key, m.event_type, m.room_name, m.room_sid, m.event_created_at, m.received_at,
       m.body_sha256, m.room_creation_time, m.participant_identity, m.participant_kind, m.is_sip,
       m.joined_at, m.disconnect_reason, m.sip_call_status, m.sip_phone_number, m.sip_trunk_phone_number,
       m.call_duration_seconds, m.recording_url, m.egress_status, m.payload
FROM moved AS m ORDER BY m.id;
ALTER TABLE callout.livekit_call_event ALTER COLUMN user_id SET NOT NULL;
-- the idempotency key is the primary key; id stays, the order events were stored in, unindexed
DROP INDEX callout.livekit_call_event_event_id;
ALTER TABLE callout.livekit_call_event DROP CONSTRAINT livekit_call_event_pkey,
    ADD PRIMARY KEY (user_id, event_id);
-- a tenant's events are found by that key (led by the tenant) and by their call: a delivery writes
-- no entry for an order by arrival no lookup needs
DROP INDEX callout.livekit_call_event_tenant;
COMMENT ON COLUMN callout.livekit_call_event.id IS 'the order events were stored in (not a key: the key is (user_id, event_id), and a delivery writes no index entry for this)';
COMMENT ON TABLE callout.livekit_call_event IS 'one row per accepted event of a known tenant ((user_id, event_id) is the idempotency key); call_log_id is NULL while unmatched';
COMMENT ON COLUMN callout.livekit_call_event.user_id IS 'the call''s tenant, or while unmatched the tenant of the key it was signed with';

-- Drops the raw payloads of events received before now() - older_than, keeping their ids (so
-- duplicates are still recognised), their normalized facts and the calls. Returns how many.
CREATE OR REPLACE FUNCTION callout.purge_event_payloads(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    purged integer;
    pending integer;
BEGIN
    PERFORM callout._refuse_on_worker('purges', 'Purge on the coordinator: the pending events and the delivery counts are its own.');
    UPDATE callout.livekit_call_event AS e SET payload = NULL
    WHERE e.payload IS NOT NULL AND e.received_at < callout._cutoff(older_than);
    GET DIAGNOSTICS purged = ROW_COUNT;
    UPDATE callout.pending_event AS p SET payload = NULL
    WHERE p.payload IS NOT NULL AND p.received_at < callout._cutoff(older_than);
    GET DIAGNOSTICS pending = ROW_COUNT;
    RETURN purged + pending;
END
$$;
COMMENT ON FUNCTION callout.purge_event_payloads(interval) IS 'drop the payloads of events older than older_than, keeping ids and facts; returns how many';

-- Deletes unmatched events received before now() - older_than: they never found a call.
CREATE OR REPLACE FUNCTION callout.purge_unmatched(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    purged integer;
    pending integer;
BEGIN
    PERFORM callout._refuse_on_worker('purges', 'Purge on the coordinator: the pending events and the delivery counts are its own.');
    DELETE FROM callout.livekit_call_event AS e
    WHERE e.call_log_id IS NULL AND e.received_at < callout._cutoff(older_than);
    GET DIAGNOSTICS purged = ROW_COUNT;
    DELETE FROM callout.pending_event AS p WHERE p.received_at < callout._cutoff(older_than);
    GET DIAGNOSTICS pending = ROW_COUNT;
    RETURN purged + pending;
END
$$;
COMMENT ON FUNCTION callout.purge_unmatched(interval) IS 'delete unmatched and pending events older than older_than; returns how many';

COMMENT ON FUNCTION callout._token_issuer(text) IS 'internal: the unverified iss a token claims (what a rejection is recorded under)';
COMMENT ON FUNCTION callout._ingest_settings() IS 'internal: the settings ingestion runs with and the longest values it stores, read at once';

-- Deliveries keep the keys they verified with between deliveries (src/pg/key_cache.hpp); every
-- change to the keys, committed or rolled back, empties that cache in every backend, as
-- PostgreSQL keeps its own caches: a key revoked or replaced is refused by the next delivery
-- that starts after the change commits. Before the statement: a statement that changes the keys
-- and delivers (a data-modifying WITH) reads the keys by their statement, as the transaction
-- that changed them does until it ends.
CREATE FUNCTION callout._signing_keys_changed() RETURNS trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'callout_signing_keys_changed';
COMMENT ON FUNCTION callout._signing_keys_changed() IS 'internal: empties every backend''s key cache when signing_key changes';
CREATE TRIGGER signing_key_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON callout.signing_key
    FOR EACH STATEMENT EXECUTE FUNCTION callout._signing_keys_changed();
-- Always, a replica's changes too (a logical replication subscriber applies them as one, and
-- session_replication_role = replica fires no ordinary trigger): a key revoked there must not
-- stay cached.
ALTER TABLE callout.signing_key ENABLE ALWAYS TRIGGER signing_key_changed;

-- The outcome feed (src/sql/75-feed.sql): each call's place in it, set when its outcome is
-- recorded or changes; the calls that ended before this upgrade are not in it (callout.calls
-- holds them).
ALTER TABLE callout.call_log ADD COLUMN feed_xact xid8;
COMMENT ON COLUMN callout.call_log.feed_xact IS 'the transaction that last recorded or changed the outcome: the call''s place in the outcome feed, with its id (callout.outcome_changes); NULL before an outcome';
CREATE INDEX call_log_feed ON callout.call_log (feed_xact, id) WHERE feed_xact IS NOT NULL;

-- The outcome feed: the calls whose outcome was recorded or changed, in the order they were, read
-- by position, so an application that was not listening (a deploy, a crash) misses nothing that
-- NOTIFY would have told it. A call's position is (feed_xact, id): feed_xact is set by the UPDATE
-- that records or changes its outcome (src/pg/call_row.hpp) to that transaction's id. A call holds
-- one position, its latest: a change moves it to the end.
--
-- Transaction ids are handed out before their transactions commit, so positions are read only
-- below the oldest transaction still running (pg_snapshot_xmin of the reader's snapshot). Every
-- position read so far is below the id of any transaction running then or started since, and so
-- below any position such a transaction writes: nothing appears later at a position a reader went
-- past, and a call's later change comes after its earlier one (a change in the same transaction
-- leaves the call where it is, seen once with its last outcome). A long transaction holds the
-- feed back until it ends.

-- On a distributed callout (callout.distribute) the feed's order would be no order: each node
-- hands out transaction ids of its own, and a consumer that read and acknowledged past one node's
-- position would pass over another node's outcomes for good. So consume_outcomes and
-- acknowledge_outcomes refuse there (0A000), as Citus refuses to plan outcome_changes (its
-- parameters), until the feed has an order of the cluster's; notifications come from the
-- coordinator (callout.notify). Called by those functions, as the owner.
CREATE FUNCTION callout._refuse_distributed_feed() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF callout._distributed() THEN
        RAISE EXCEPTION 'the outcome feed is not available on a distributed callout'
            USING ERRCODE = '0A000',
                  DETAIL = 'The feed orders outcomes by transaction ids, which order nothing across Citus''s nodes.',
                  HINT = 'LISTEN callout_outcome on the coordinator (callout.notify).';
    END IF;
END
$$;
COMMENT ON FUNCTION callout._refuse_distributed_feed() IS 'internal: refuses the outcome feed on a distributed callout (0A000)';

-- The calls the reader may see (row-level security: a tenant its own, an auditor every tenant's)
-- that entered the feed after (after_xact, after_call_id), oldest first, at most max. Pass the last
-- row's feed_xact and call_id to read on. STRICT: a NULL reads nothing (half a position would
-- otherwise read on from the next transaction, and a NULL max the whole feed).
CREATE FUNCTION callout.outcome_changes(after_xact xid8 DEFAULT '0', after_call_id bigint DEFAULT 0,
                                        max integer DEFAULT 100)
RETURNS TABLE (feed_xact xid8, call_id bigint, user_id text, status callout.call_status,
               outcome callout.call_outcome, updated_at timestamptz)
LANGUAGE sql STABLE STRICT SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.feed_xact, c.id, c.user_id, c.status, c.outcome, c.updated_at
    FROM callout.call_log AS c
    WHERE (c.feed_xact, c.id) > (outcome_changes.after_xact, outcome_changes.after_call_id)
      AND c.feed_xact < pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())
    ORDER BY c.feed_xact, c.id
    LIMIT outcome_changes.max
$$;
COMMENT ON FUNCTION callout.outcome_changes(xid8, bigint, integer) IS 'the calls the reader may see whose outcome was recorded or changed after a feed position, in feed order';

-- Named consumers of the feed and the position each acknowledged, per reader: a tenant's consumers
-- are its own (whoever acts for it), and a reader of every tenant (an auditor, a superuser) has
-- its own, by role, so none moves another's. Read and written only through consume_outcomes and
-- acknowledge_outcomes.
CREATE TABLE callout.feed_consumer (
    tenant text NOT NULL,
    reader regrole NOT NULL,
    name text NOT NULL CHECK (name <> ''),
    feed_xact xid8 NOT NULL DEFAULT '0',
    call_id bigint NOT NULL DEFAULT 0,
    acknowledged_at timestamptz,
    PRIMARY KEY (tenant, reader, name));
COMMENT ON TABLE callout.feed_consumer IS 'named consumers of the outcome feed and the position each acknowledged';
COMMENT ON COLUMN callout.feed_consumer.tenant IS 'the tenant whose consumer it is, or '''' for a consumer of every tenant''s changes';
COMMENT ON COLUMN callout.feed_consumer.reader IS 'for a consumer of every tenant''s changes, the role that reads them (an auditor or a superuser); 0 for a tenant''s';
COMMENT ON COLUMN callout.feed_consumer.name IS 'the consumer''s name, chosen by the application';
COMMENT ON COLUMN callout.feed_consumer.feed_xact IS 'the acknowledged position: its transaction';
COMMENT ON COLUMN callout.feed_consumer.call_id IS 'the acknowledged position: its call';
COMMENT ON COLUMN callout.feed_consumer.acknowledged_at IS 'when the consumer last acknowledged; NULL before its first';
SELECT pg_catalog.pg_extension_config_dump('callout.feed_consumer', '');

-- The named consumer of the caller (made at its first use): the tenant it acts for; else, for an
-- auditor or a superuser, which read every tenant's calls, its own by role. Anyone else reads no
-- feed (42501). Read without a lock, and written only when it is made: a poll takes no
-- transaction id and writes nothing (two sessions polling one consumer are each handed the same
-- changes, at least once; acknowledgements only move it forward).
-- Its name and tenant are indexed, so each within what a call's tenant may be (max_key_bytes).
CREATE FUNCTION callout._feed_consumer(name text) RETURNS callout.feed_consumer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    acting_for text := callout.current_user_id();
    reading_role oid := 0;
    consumer callout.feed_consumer;
    key_bytes integer := (SELECT s.max_key_bytes FROM callout._ingest_settings() AS s);
BEGIN
    IF name IS NULL OR name = '' THEN
        RAISE EXCEPTION 'a consumer needs a name' USING ERRCODE = '22023';
    ELSIF GREATEST(pg_catalog.octet_length(name), pg_catalog.octet_length(acting_for)) > key_bytes THEN
        RAISE EXCEPTION 'a consumer''s name or tenant is too long to store' USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Each holds at most %s bytes.', key_bytes);
    ELSIF acting_for IS NULL THEN
        reading_role := callout._invoking_role();
        IF NOT (callout.is_auditor()
                OR (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.oid = reading_role)) THEN
            RAISE EXCEPTION 'only a tenant, an auditor or a superuser consumes the outcome feed'
                USING ERRCODE = '42501', HINT = 'A gateway sets the tenant it acts for first.';
        END IF;
        acting_for := '';
    END IF;
    SELECT * INTO consumer FROM callout.feed_consumer AS f
    WHERE f.tenant = acting_for AND f.reader = reading_role::regrole AND f.name = _feed_consumer.name;
    IF NOT FOUND THEN
        INSERT INTO callout.feed_consumer AS f (tenant, reader, name)
        VALUES (acting_for, reading_role::regrole, _feed_consumer.name) ON CONFLICT DO NOTHING;
        SELECT * INTO consumer FROM callout.feed_consumer AS f
        WHERE f.tenant = acting_for AND f.reader = reading_role::regrole AND f.name = _feed_consumer.name;
    END IF;
    RETURN consumer;
END
$$;
COMMENT ON FUNCTION callout._feed_consumer(text) IS 'internal: the caller''s named consumer of the outcome feed, made at its first use';

-- The changes after what the named consumer acknowledged (it is made at the start), as
-- outcome_changes answers them to the caller. At least once: a consumer that stops before it
-- acknowledges reads the same changes again, and none it acknowledged.
CREATE FUNCTION callout.consume_outcomes(consumer text, max integer DEFAULT 100)
RETURNS TABLE (feed_xact xid8, call_id bigint, user_id text, status callout.call_status,
               outcome callout.call_outcome, updated_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    acknowledged callout.feed_consumer;
BEGIN
    PERFORM callout._refuse_distributed_feed();
    acknowledged := callout._feed_consumer(consumer);
    IF max IS NULL THEN
        RAISE EXCEPTION 'max must not be NULL' USING ERRCODE = '22004';
    END IF;
    RETURN QUERY
    SELECT c.feed_xact, c.id, c.user_id, c.status, c.outcome, c.updated_at
    FROM callout.call_log AS c
    WHERE (c.feed_xact, c.id) > (acknowledged.feed_xact, acknowledged.call_id)
      AND c.feed_xact < pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())
      AND (acknowledged.tenant = '' OR c.user_id = acknowledged.tenant)
    ORDER BY c.feed_xact, c.id
    LIMIT consume_outcomes.max;
END
$$;
COMMENT ON FUNCTION callout.consume_outcomes(text, integer) IS 'the outcome feed''s changes after what the named consumer acknowledged (the caller''s tenant''s, or every tenant''s for an auditor or a superuser)';

-- Records that the named consumer has handled every change up to this position; a position
-- before the one acknowledged already leaves it (false). The consumer reads on after it. A
-- position the feed has not reached (at or past the oldest transaction still running) was
-- handed to no reader, and would pass over every change before it for good: refused (22023).
CREATE FUNCTION callout.acknowledge_outcomes(consumer text, feed_xact xid8, call_id bigint)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    acknowledged callout.feed_consumer;
BEGIN
    PERFORM callout._refuse_distributed_feed();
    acknowledged := callout._feed_consumer(consumer);
    IF feed_xact IS NULL OR call_id IS NULL THEN
        RAISE EXCEPTION 'a position needs its feed_xact and call_id' USING ERRCODE = '22004';
    ELSIF feed_xact >= pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot()) THEN
        RAISE EXCEPTION 'the outcome feed has not reached this position' USING ERRCODE = '22023',
            HINT = 'Acknowledge a position consume_outcomes or outcome_changes handed.';
    END IF;
    UPDATE callout.feed_consumer AS f
    SET feed_xact = acknowledge_outcomes.feed_xact, call_id = acknowledge_outcomes.call_id,
        acknowledged_at = pg_catalog.now()
    WHERE f.tenant = acknowledged.tenant AND f.reader = acknowledged.reader AND f.name = acknowledged.name
      AND (f.feed_xact, f.call_id) < (acknowledge_outcomes.feed_xact, acknowledge_outcomes.call_id);
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION callout.acknowledge_outcomes(text, xid8, bigint) IS 'the named consumer has handled the outcome feed up to this position; false if it had acknowledged as far already';

-- Grants what reading calls needs beyond the tables: the calls view, call_stats (and the SQL
-- functions it calls, which the planner inlines only for a role that may execute them) and the
-- outcome feed.
CREATE OR REPLACE FUNCTION callout._grant_reading(role name) RETURNS void
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

-- The roles granted reading before (tenants, auditors, gateways, PostgREST's readers: each may
-- execute get_call_outcome) read as they would now: call_stats made again, the functions it
-- inlines, the outcome feed and set_tenant_token.
DO $$
DECLARE
    reader record;
BEGIN
    FOR reader IN
        SELECT DISTINCT r.rolname
        FROM pg_catalog.pg_proc AS p, pg_catalog.aclexplode(p.proacl) AS a
        JOIN pg_catalog.pg_roles AS r ON r.oid = a.grantee
        WHERE p.oid = 'callout.get_call_outcome(bigint, text)'::pg_catalog.regprocedure
          AND a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner
    LOOP
        PERFORM callout._grant_reading(reader.rolname);
    END LOOP;
END
$$;

-- The gateways trusted before may deliver webhooks and attach late events, as trust_gateway_role
-- grants now.
DO $$
DECLARE
    gateway record;
BEGIN
    FOR gateway IN SELECT g.role FROM callout.gateway_role AS g LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.process_livekit_webhook(text, text), '
                                  'callout.attach_late_events(bigint) TO %s', gateway.role);
    END LOOP;
END
$$;

-- The calls view shows each call's room sid and when its row last changed (incremental sync), at
-- its end, where a view may grow.
CREATE OR REPLACE VIEW callout.calls WITH (security_invoker = true) AS
SELECT c.id, c.user_id, c.room_name, c.direction, c.phone_number, c.campaign_id, c.agent_config_id,
       c.status, c.outcome, c.started_at, c.answered_at, c.ended_at, c.duration_seconds, c.disconnect_reason, c.sip_call_status, c.recording_url,
       c.metadata, c.created_at, c.room_sid, c.updated_at
FROM callout.call_log AS c;

-- A comment on every column of every table, view and type.
COMMENT ON COLUMN callout.webhook_result.status IS 'processed, duplicate, ignored, unmatched or rejected';
COMMENT ON COLUMN callout.webhook_result.reason IS 'why, in DESIGN.md §3''s words (already processed for a duplicate); NULL for a processed delivery';
COMMENT ON COLUMN callout.webhook_result.event_id IS 'the event''s id, once the body was read';
COMMENT ON COLUMN callout.webhook_result.call_id IS 'the call the event belongs to, if any';
COMMENT ON COLUMN callout.webhook_result.outcome IS 'that call''s outcome after the delivery; NULL while it has none';
COMMENT ON COLUMN callout.call_outcome_info.call_id IS 'the call''s id';
COMMENT ON COLUMN callout.ingest_settings.verify_at IS 'the instant tokens are checked at (callout.verify_at, else the transaction''s start)';
COMMENT ON COLUMN callout.ingest_settings.max_body_bytes IS 'callout.max_body_bytes';
COMMENT ON COLUMN callout.ingest_settings.clock_leeway IS 'callout.clock_leeway, in seconds';
COMMENT ON COLUMN callout.ingest_settings.min_connected_seconds IS 'callout.min_connected_seconds';
COMMENT ON COLUMN callout.ingest_settings.min_completed_seconds IS 'callout.min_completed_seconds';
COMMENT ON COLUMN callout.ingest_settings.unmatched_window_seconds IS 'callout.unmatched_window, in seconds';
COMMENT ON COLUMN callout.ingest_settings.notify IS 'callout.notify';
COMMENT ON COLUMN callout.ingest_settings.max_key_bytes IS 'the longest event id, room sid, campaign or agent config stored (an index entry must fit a page)';
COMMENT ON COLUMN callout.ingest_settings.max_room_name_bytes IS 'the longest room name stored';
COMMENT ON COLUMN callout.signing_key.api_key IS 'LiveKit''s API key: the token''s issuer (iss)';
COMMENT ON COLUMN callout.signing_key.api_secret IS 'the API secret tokens are signed with (HS256)';
COMMENT ON COLUMN callout.signing_key.created_at IS 'when the key was added or its secret last replaced';
COMMENT ON COLUMN callout.signing_key.revoked_at IS 'when the key was revoked: deliveries signed with it are refused; NULL while live';
COMMENT ON COLUMN callout.phone_route.trunk_phone_number IS 'the dialed number (the SIP trunk''s, sip.trunkPhoneNumber)';
COMMENT ON COLUMN callout.phone_route.user_id IS 'the tenant whose call an inbound call to that number becomes';
COMMENT ON COLUMN callout.phone_route.agent_config_id IS 'the agent configuration such a call gets';
COMMENT ON COLUMN callout.key_usage.api_key IS 'the key bound to a tenant';
COMMENT ON COLUMN callout.key_usage.minute IS 'the minute the deliveries arrived in';
COMMENT ON COLUMN callout.key_usage.body_bytes IS 'the bytes of the bodies it delivered in that minute';
COMMENT ON COLUMN callout.call_log.id IS 'the call''s id, as register_call returned it and notifications carry it';
COMMENT ON COLUMN callout.call_log.user_id IS 'the tenant the call belongs to (row-level security reads by it)';
COMMENT ON COLUMN callout.call_log.agent_config_id IS 'the application''s agent configuration for the call, as registered (or from the phone route)';
COMMENT ON COLUMN callout.call_log.room_name IS 'the LiveKit room the call runs in: events find their call by it while the call is open';
COMMENT ON COLUMN callout.call_log.room_sid IS 'the LiveKit room''s sid, from the call''s first event that has one: later events find their call by it';
COMMENT ON COLUMN callout.call_log.direction IS 'inbound or outbound';
COMMENT ON COLUMN callout.call_log.campaign_id IS 'the application''s campaign, as registered';
COMMENT ON COLUMN callout.call_log.status IS 'registered (no phone leg yet), in_progress, ended, or expired (open past callout.expire_stale_calls)';
COMMENT ON COLUMN callout.call_log.outcome IS 'completed, no_answer, busy or failed once the call ended; NULL before';
COMMENT ON COLUMN callout.call_log.duration_seconds IS 'seconds the phone leg that ended the call was in the room (its leave''s createdAt less its joinedAt); NULL when unknown or negative';
COMMENT ON COLUMN callout.call_log.disconnect_reason IS 'the disconnectReason of the phone leg''s leave, by name (UNKNOWN_REASON when LiveKit gave none)';
COMMENT ON COLUMN callout.call_log.sip_call_status IS 'the sip.callStatus attribute of the phone leg, its leave''s first';
COMMENT ON COLUMN callout.call_log.recording_url IS 'where the call''s recording was stored, from its egress_ended event';
COMMENT ON COLUMN callout.call_log.metadata IS 'the application''s own data, as registered or set by update_call_log';
COMMENT ON COLUMN callout.call_log.started_at IS 'when the call''s LiveKit room was created, from its events; NULL until an event reports it';
COMMENT ON COLUMN callout.call_log.ended_at IS 'when the phone leg left, else the room finished (the event''s createdAt); NULL while open';
COMMENT ON COLUMN callout.call_log.created_at IS 'when the call was registered or created';
COMMENT ON COLUMN callout.call_log.updated_at IS 'when a delivery, an update or housekeeping last changed the row';
COMMENT ON COLUMN callout.livekit_call_event.call_log_id IS 'the call the event belongs to; NULL while unmatched';
COMMENT ON COLUMN callout.livekit_call_event.event_id IS 'LiveKit''s event id (id): a redelivery of the same id is a duplicate';
COMMENT ON COLUMN callout.livekit_call_event.api_key IS 'the signing key the delivery verified with';
COMMENT ON COLUMN callout.livekit_call_event.event_type IS 'LiveKit''s event name (event): room_started, participant_joined, participant_left, egress_ended, ...';
COMMENT ON COLUMN callout.livekit_call_event.room_name IS 'the room''s name (room.name, or the egress''s or ingress''s roomName)';
COMMENT ON COLUMN callout.livekit_call_event.room_sid IS 'the room''s sid (room.sid, or the egress''s roomId)';
COMMENT ON COLUMN callout.livekit_call_event.event_created_at IS 'when LiveKit made the event (createdAt)';
COMMENT ON COLUMN callout.livekit_call_event.received_at IS 'when the delivery was stored';
COMMENT ON COLUMN callout.livekit_call_event.body_sha256 IS 'the SHA-256 of the body as delivered: a redelivery with another body is a conflicting duplicate';
COMMENT ON COLUMN callout.livekit_call_event.room_creation_time IS 'when the room was created (room.creationTime)';
COMMENT ON COLUMN callout.livekit_call_event.participant_identity IS 'the participant''s identity (participant.identity)';
COMMENT ON COLUMN callout.livekit_call_event.participant_kind IS 'the participant''s kind (participant.kind: SIP, AGENT, STANDARD, ...)';
COMMENT ON COLUMN callout.livekit_call_event.is_sip IS 'whether the participant is a phone leg (kind SIP, or sip.* attributes)';
COMMENT ON COLUMN callout.livekit_call_event.joined_at IS 'when the participant joined (participant.joinedAt)';
COMMENT ON COLUMN callout.livekit_call_event.disconnect_reason IS 'why the participant left (participant.disconnectReason), by name';
COMMENT ON COLUMN callout.livekit_call_event.sip_call_status IS 'the participant''s sip.callStatus attribute';
COMMENT ON COLUMN callout.livekit_call_event.sip_phone_number IS 'the participant''s sip.phoneNumber attribute';
COMMENT ON COLUMN callout.livekit_call_event.sip_trunk_phone_number IS 'the participant''s sip.trunkPhoneNumber attribute (the dialed number of an inbound call)';
COMMENT ON COLUMN callout.livekit_call_event.call_duration_seconds IS 'for a leave: whole seconds from joinedAt to createdAt; NULL otherwise';
COMMENT ON COLUMN callout.livekit_call_event.recording_url IS 'for egress_ended: where the recording was stored';
COMMENT ON COLUMN callout.livekit_call_event.egress_status IS 'for an egress event: the egress''s status';
COMMENT ON COLUMN callout.pending_event.id IS 'the order events were stored in';
COMMENT ON COLUMN callout.gateway_role.role IS 'the trusted role (trust_gateway_role)';
COMMENT ON COLUMN callout.tenant_role.user_id IS 'the tenant the role is; NULL for an auditor of every tenant';
COMMENT ON COLUMN callout.tenant_role.role IS 'the mapped role (map_tenant_role), and the roles that inherit it';
COMMENT ON COLUMN callout.delivery_count.minute IS 'the minute the deliveries arrived in';
COMMENT ON COLUMN callout.delivery_count.status IS 'what they were answered: rejected, duplicate or ignored';
COMMENT ON COLUMN callout.delivery_count.reason IS 'the answer''s reason ('''' for none)';
COMMENT ON COLUMN callout.delivery_count.backend IS 'the process id of the backend that counted them';
COMMENT ON COLUMN callout.delivery_count.deliveries IS 'how many';
COMMENT ON COLUMN callout.rejected_delivery.slot IS 'the place in the ring (0 to 999), reused oldest first';
COMMENT ON COLUMN callout.rejected_delivery.rejected_at IS 'when the delivery was refused';
COMMENT ON COLUMN callout.rejected_delivery.reason IS 'why (DESIGN.md §3''s words)';
COMMENT ON COLUMN callout.rejected_delivery.api_key IS 'the key the token named, if it could be read';
COMMENT ON COLUMN callout.rejected_delivery.body_bytes IS 'the body''s size';
COMMENT ON COLUMN callout.rejected_delivery.body_sha256 IS 'the body''s SHA-256';

-- ---- parked deliveries (DESIGN.md §3): new in 0.4.0

-- A delivery refused only because its key is unknown or revoked, whose token passes every check
-- but its signature's (exp, nbf, the body's sha256) and whose body is an event the delivery path
-- would store (a JSON object, an event type callout acts on, with an id and a room name), is kept
-- here as received (the token signs those bytes), so a key registered late, or revoked by
-- mistake, loses no call: replay_parked_deliveries runs them through the delivery path once the
-- key is there. Bounded by callout.max_parked_deliveries and callout.max_parked_bytes, the oldest
-- dropped first. Nobody but a superuser reads it (row-level security without a policy): bodies
-- are kept whole, credentials included.
CREATE TABLE callout.parked_delivery (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parked_at timestamptz NOT NULL,
    api_key text NOT NULL,
    event_id text,
    event_type text,
    room_name text,
    bytes integer NOT NULL,
    body_sha256 bytea NOT NULL,
    signature_sha256 bytea NOT NULL,
    body text NOT NULL,
    signature text NOT NULL,
    CONSTRAINT parked_delivery_once UNIQUE (body_sha256, signature_sha256));
COMMENT ON TABLE callout.parked_delivery IS 'deliveries refused only because their key is unknown or revoked, kept until callout.replay_parked_deliveries() runs them again (bounded: callout.max_parked_deliveries, callout.max_parked_bytes)';
COMMENT ON COLUMN callout.parked_delivery.id IS 'the order deliveries were parked in (the oldest is dropped first)';
COMMENT ON COLUMN callout.parked_delivery.parked_at IS 'the instant the delivery''s token was verified at when it arrived (callout.verify_at when that pins the clock), and is verified at again when it is replayed';
COMMENT ON COLUMN callout.parked_delivery.api_key IS 'the key the token names (its iss, exactly: not escaped as in rejected_delivery), which callout did not hold or held revoked';
COMMENT ON COLUMN callout.parked_delivery.event_id IS 'the body''s id, as sent (not verified)';
COMMENT ON COLUMN callout.parked_delivery.event_type IS 'the body''s event, as sent (not verified)';
COMMENT ON COLUMN callout.parked_delivery.room_name IS 'the body''s room name, as sent (not verified)';
COMMENT ON COLUMN callout.parked_delivery.bytes IS 'the body''s and the token''s bytes, which callout.max_parked_bytes counts';
COMMENT ON COLUMN callout.parked_delivery.body_sha256 IS 'the body''s SHA-256, which the token''s sha256 claim names';
COMMENT ON COLUMN callout.parked_delivery.signature_sha256 IS 'the token''s SHA-256: a delivery sent again with the same token is parked once';
COMMENT ON COLUMN callout.parked_delivery.body IS 'the body as received, credentials included (the token signs these bytes)';
COMMENT ON COLUMN callout.parked_delivery.signature IS 'the Authorization header as received: LiveKit''s token';
SELECT pg_catalog.pg_extension_config_dump('callout.parked_delivery', '');
SELECT pg_catalog.pg_extension_config_dump('callout.parked_delivery_id_seq', '');

-- Parks one delivery (the delivery path's, src/pg/delivery.cpp, once it answered unknown_api_key)
-- whose body is an event the delivery path would store: the same body and token are parked once; then the oldest are
-- dropped until at most max_deliveries holding at most max_bytes remain. One parker at a time, so
-- the bounds hold whatever runs at once; deliveries that store events never take this lock.
-- Parking never changes the delivery's answer: a body the JSON parser raises an ERROR for (a
-- number beyond numeric's range, nesting deeper than the stack allows), which the delivery path
-- could not take either, and a parker that cannot take its turn (a wait past lock_timeout behind
-- a transaction that parked or replays, a deadlock) park nothing.
CREATE FUNCTION callout._park_delivery(parked_at timestamptz, api_key text, body text, signature text, body_sha256 bytea,
                                       max_deliveries integer, max_bytes integer)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    size bigint := pg_catalog.octet_length(body)::bigint + pg_catalog.octet_length(signature);
    payload jsonb;
    event jsonb;
BEGIN
    IF max_deliveries <= 0 OR size > max_bytes THEN
        RETURN;
    END IF;
    BEGIN
        payload := callout._parse_json_body(body);
        IF payload IS NULL OR pg_catalog.jsonb_typeof(payload) <> 'object' THEN
            RETURN;
        END IF;
        -- as the delivery path reads it: NULL for an event it ignores, an ERROR (22023) for one
        -- it would refuse or fail on (no id or room name, a field of the wrong JSON type)
        event := callout.transform_livekit_event(payload);
        IF event IS NULL THEN
            RETURN;
        END IF;
        LOCK TABLE callout.parked_delivery IN SHARE ROW EXCLUSIVE MODE;
        INSERT INTO callout.parked_delivery AS d (parked_at, api_key, event_id, event_type, room_name, bytes,
                                                  body_sha256, signature_sha256, body, signature)
        VALUES (parked_at, api_key, event OPERATOR(pg_catalog.->>) 'event_id', event OPERATOR(pg_catalog.->>) 'event',
                event OPERATOR(pg_catalog.->>) 'room_name', size, body_sha256, pg_catalog.sha256(pg_catalog.textsend(signature)), body, signature)
        ON CONFLICT ON CONSTRAINT parked_delivery_once DO NOTHING;
        -- a row a replay holds is its to drop: skipped, so a parker neither waits nor deadlocks
        DELETE FROM callout.parked_delivery AS d
        WHERE d.id IN (SELECT q.id FROM callout.parked_delivery AS q
                       WHERE q.id IN (SELECT k.id
                                      FROM (SELECT p.id, pg_catalog.count(*) OVER newest_first AS deliveries,
                                                   pg_catalog.sum(p.bytes) OVER newest_first AS bytes
                                            FROM callout.parked_delivery AS p
                                            WINDOW newest_first AS (ORDER BY p.id DESC)) AS k
                                      WHERE k.deliveries > max_deliveries OR k.bytes > max_bytes)
                       FOR UPDATE SKIP LOCKED);
    EXCEPTION WHEN data_exception OR program_limit_exceeded OR lock_not_available OR deadlock_detected THEN
        NULL;  -- not parked: the delivery is answered as it would have been
    END;
END
$$;
COMMENT ON FUNCTION callout._park_delivery(timestamptz, text, text, text, bytea, integer, integer) IS 'internal: keep a delivery refused only for its key, within the bounds (the oldest dropped first)';

-- The delivery path for a parked delivery (process_livekit_webhook's), its token verified at the
-- instant it was parked, and never parked again.
CREATE FUNCTION callout._replay_delivery(body text, signature text, parked_at timestamptz)
RETURNS callout.webhook_result
LANGUAGE c STRICT SET search_path = pg_catalog, pg_temp SET enable_seqscan = off SET lock_timeout = '5s'
AS 'MODULE_PATHNAME', 'callout_replay_delivery';
COMMENT ON FUNCTION callout._replay_delivery(text, text, timestamptz) IS 'internal: a parked delivery through the delivery path, verified at the instant it was parked';

-- Runs the parked deliveries (of one key, or all), oldest first, through the delivery path, each
-- verified at the instant it arrived and answered as it would have been then with the keys held
-- now; each is dropped once it is answered anything but unknown_api_key (its key still missing)
-- or key_rate_limit (its tenant's key over its bytes this minute, which a replay of many can
-- reach: LiveKit would retry it), which stay. A delivery that ends in an ERROR (a lock wait past
-- lock_timeout, a field longer than callout stores) is undone alone and answered `error`, with
-- the SQLSTATE and message as its reason, and stays. For the admin; safe to run again (an event
-- stored already is a duplicate).
CREATE FUNCTION callout.replay_parked_deliveries(api_key text DEFAULT NULL)
RETURNS TABLE (parked_id bigint, parked_at timestamptz, status text, reason text, event_id text,
               call_id bigint, outcome callout.call_outcome)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parked record;
    answer callout.webhook_result;
    failure_state text;
    failure text;
BEGIN
    PERFORM callout._refuse_on_worker('replays parked deliveries', 'Replay parked deliveries on the coordinator, which parks them.');
    FOR parked IN
        SELECT p.id, p.parked_at, p.body, p.signature FROM callout.parked_delivery AS p
        WHERE replay_parked_deliveries.api_key IS NULL OR p.api_key = replay_parked_deliveries.api_key
        ORDER BY p.id FOR UPDATE
    LOOP
        BEGIN
            answer := callout._replay_delivery(parked.body, parked.signature, parked.parked_at);
        EXCEPTION WHEN OTHERS THEN
            -- undone alone: the delivery's ERROR is its answer, and the others replay
            GET STACKED DIAGNOSTICS failure_state = RETURNED_SQLSTATE, failure = MESSAGE_TEXT;
            answer := ROW('error', failure_state || ': ' || failure, NULL, NULL, NULL);
        END;
        -- kept while its key is still missing, while its tenant's key is over its bytes this
        -- minute (key_rate_limit: LiveKit would retry it, HTTP 429), or after an ERROR
        IF answer.status IS DISTINCT FROM 'error'
           AND (answer.status IS DISTINCT FROM 'rejected'
                OR answer.reason IS DISTINCT FROM 'unknown_api_key' AND answer.reason IS DISTINCT FROM 'key_rate_limit') THEN
            DELETE FROM callout.parked_delivery AS p WHERE p.id = parked.id;
        END IF;
        parked_id := parked.id;
        parked_at := parked.parked_at;
        status := answer.status;
        reason := answer.reason;
        event_id := answer.event_id;
        call_id := answer.call_id;
        outcome := answer.outcome;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION callout.replay_parked_deliveries(text) IS 'run the parked deliveries (of one key, or all) through the delivery path as they arrived, with the keys held now; those answered anything but unknown_api_key, key_rate_limit or an error are dropped; for the admin';

-- call_log's primary key includes the tenant (Citus accepts no unique key without it)
ALTER TABLE callout.call_log DROP CONSTRAINT call_log_pkey, ADD PRIMARY KEY (id, user_id);

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

-- Nothing is callable or readable by PUBLIC: deployments grant on purpose (trust_gateway_role,
-- map_tenant_role and grant_api_roles grant what each kind of role needs).
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA callout FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA callout FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA callout FROM PUBLIC;

-- Monitoring, the way operators grant it: members of pg_monitor read callout.metrics (counts
-- across tenants, no tenant's data; it runs as the owner) and nothing else of callout's.
GRANT USAGE ON SCHEMA callout TO pg_monitor;
GRANT EXECUTE ON FUNCTION callout.metrics(timestamptz, timestamptz, text) TO pg_monitor;

-- Row-level security on every table of the schema, forced (its owner too): the tables with tenant
-- data have their policies (src/sql/50-tenancy.sql); keys, roles and counts have none, so no role
-- but a superuser reads or writes them, whatever is granted.
ALTER TABLE callout.signing_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.signing_key FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.phone_route ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.phone_route FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.gateway_role ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.gateway_role FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.tenant_role ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.tenant_role FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.delivery_count ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.delivery_count FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.rejected_delivery ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.rejected_delivery FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.pending_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.pending_event FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.key_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.key_usage FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.feed_consumer ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.feed_consumer FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.parked_delivery ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.parked_delivery FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.tenant_token_secret ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.tenant_token_secret FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.tenant_token_epoch ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.tenant_token_epoch FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.room_tenant ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.room_tenant FORCE ROW LEVEL SECURITY;

-- ---- Call detail: the SIP call ids of each event and call, answered_at for every answered call,
-- and the calls' ring and talk time (DESIGN.md §4).

-- The events' SIP call ids (sip.callID, sip.callIDFull), at the end of both tables, filled from
-- each stored payload of a phone leg as a delivery reads them now (a string; an empty one is
-- none); an event whose payload was purged has none.
ALTER TABLE callout.livekit_call_event ADD COLUMN sip_call_id text, ADD COLUMN sip_call_id_full text;
COMMENT ON COLUMN callout.livekit_call_event.sip_call_id IS 'the participant''s sip.callID attribute (LiveKit''s id of the SIP call, SCL_...)';
COMMENT ON COLUMN callout.livekit_call_event.sip_call_id_full IS 'the participant''s sip.callIDFull attribute (the SIP Call-ID the trunk provider knows the call by)';
ALTER TABLE callout.pending_event ADD COLUMN sip_call_id text, ADD COLUMN sip_call_id_full text;
UPDATE callout.livekit_call_event AS e
SET sip_call_id = CASE WHEN jsonb_typeof(e.payload -> 'participant' -> 'attributes' -> 'sip.callID') = 'string'
                       THEN NULLIF(e.payload -> 'participant' -> 'attributes' ->> 'sip.callID', '') END,
    sip_call_id_full = CASE WHEN jsonb_typeof(e.payload -> 'participant' -> 'attributes' -> 'sip.callIDFull') = 'string'
                            THEN NULLIF(e.payload -> 'participant' -> 'attributes' ->> 'sip.callIDFull', '') END
WHERE e.is_sip AND jsonb_typeof(e.payload -> 'participant' -> 'attributes') = 'object';
UPDATE callout.pending_event AS p
SET sip_call_id = CASE WHEN jsonb_typeof(p.payload -> 'participant' -> 'attributes' -> 'sip.callID') = 'string'
                       THEN NULLIF(p.payload -> 'participant' -> 'attributes' ->> 'sip.callID', '') END,
    sip_call_id_full = CASE WHEN jsonb_typeof(p.payload -> 'participant' -> 'attributes' -> 'sip.callIDFull') = 'string'
                            THEN NULLIF(p.payload -> 'participant' -> 'attributes' ->> 'sip.callIDFull', '') END
WHERE p.is_sip AND jsonb_typeof(p.payload -> 'participant' -> 'attributes') = 'object';

-- The calls: the SIP call ids of their phone leg and whether it joined already answered (what
-- the calls view's ring time needs), at the end of call_log.
ALTER TABLE callout.call_log ADD COLUMN sip_call_id text, ADD COLUMN sip_call_id_full text,
    ADD COLUMN answered_on_join boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN callout.call_log.answered_at IS 'an answered call (completed, or a sip.callStatus of its phone leg active, automation or hangup): when that leg joined the room, the answer itself only if answered_on_join (LiveKit reports no answer instant), else ringing included; NULL for a call not answered';
COMMENT ON COLUMN callout.call_log.sip_call_id IS 'the sip.callID attribute of the phone leg (LiveKit''s id of the SIP call, SCL_...), of the leg whose leave ended the call (while none has left, of the latest leg that carries a SIP call id); not indexed';
COMMENT ON COLUMN callout.call_log.sip_call_id_full IS 'the sip.callIDFull attribute of the phone leg (the SIP Call-ID the trunk provider knows the call by, to join with its records), of the leg whose leave ended the call (while none has left, of the latest leg that carries a SIP call id); not indexed';
COMMENT ON COLUMN callout.call_log.answered_on_join IS 'whether the phone leg joined the room already answered (a participant_joined of it reported sip.callStatus active, automation or hangup, as with LiveKit''s wait_until_answered): answered_at is then the answer itself';

-- The calls view shows them, and the ring and talk time, at its end.
CREATE OR REPLACE VIEW callout.calls WITH (security_invoker = true) AS
SELECT c.id, c.user_id, c.room_name, c.direction, c.phone_number, c.campaign_id, c.agent_config_id,
       c.status, c.outcome, c.started_at, c.answered_at, c.ended_at, c.duration_seconds, c.disconnect_reason, c.sip_call_status, c.recording_url,
       c.metadata, c.created_at, c.room_sid, c.updated_at, c.sip_call_id, c.sip_call_id_full,
       CASE WHEN c.answered_on_join THEN 0
            WHEN c.answered_at IS NULL AND c.status = 'ended' AND c.disconnect_reason IS NOT NULL
            THEN c.duration_seconds
       END AS ring_seconds,
       CASE WHEN c.ended_at >= c.answered_at
                 AND EXTRACT(epoch FROM c.ended_at - c.answered_at) < 2147483648
            THEN pg_catalog.floor(EXTRACT(epoch FROM c.ended_at - c.answered_at))::integer
       END AS talk_seconds
FROM callout.call_log AS c;
COMMENT ON COLUMN callout.calls.ring_seconds IS 'seconds the phone leg rang in the room: 0 when it joined already answered (call_log.answered_on_join); for an ended call not answered that the leg''s leave ended, duration_seconds; NULL otherwise (LiveKit reports no answer instant)';
COMMENT ON COLUMN callout.calls.talk_seconds IS 'whole seconds from answered_at to ended_at of an ended answered call: ringing included unless the leg joined already answered; NULL otherwise (and beyond an integer, as duration_seconds)';

-- Columns that show another table's: what they say is said once, on the table they come from.
-- The calls view's columns and get_call_outcome's are call_log's; the pending store's facts are
-- livekit_call_event's.
DO $$
DECLARE
    copied record;
BEGIN
    FOR copied IN
        SELECT pair.target, shown.attname, pg_catalog.col_description(pair.source, origin.attnum) AS description
        FROM (VALUES ('callout.calls'::pg_catalog.regclass, 'callout.call_log'::pg_catalog.regclass),
                     ('callout.call_outcome_info', 'callout.call_log'),
                     ('callout.pending_event', 'callout.livekit_call_event')) AS pair (target, source)
        JOIN pg_catalog.pg_attribute AS shown ON shown.attrelid = pair.target AND shown.attnum > 0
        JOIN pg_catalog.pg_attribute AS origin ON origin.attrelid = pair.source AND origin.attname = shown.attname
        WHERE pg_catalog.col_description(pair.target, shown.attnum) IS NULL
    LOOP
        EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', copied.target, copied.attname, copied.description);
    END LOOP;
END
$$;

-- The calls that hold events of a phone leg are made again from their events, as
-- reclassify_calls makes them (under the session's thresholds; an outcome that changes is
-- notified and enters the outcome feed): their SIP call ids, answered_at and answered_on_join.
SELECT callout._recompute_call(c.id, c.user_id, pg_catalog.now()) FROM callout.call_log AS c
WHERE EXISTS (SELECT FROM callout.livekit_call_event AS e WHERE e.call_log_id = c.id AND e.is_sip)
ORDER BY c.id;
