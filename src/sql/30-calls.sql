-- The calls: one row per call (tenant data, under row-level security), and what creates and
-- changes it.

CREATE TABLE callout.call_log (
    id bigint GENERATED ALWAYS AS IDENTITY,
    user_id text NOT NULL,
    agent_config_id text,
    room_name text NOT NULL,
    room_sid text,
    direction text NOT NULL,
    phone_number text,
    registered_phone_number text,
    campaign_id text,
    status callout.call_status NOT NULL DEFAULT 'registered',
    outcome callout.call_outcome,
    duration_seconds integer,
    disconnect_reason text,
    sip_call_status text,
    recording_url text,
    metadata jsonb,
    started_at timestamptz,
    answered_at timestamptz,
    ended_at timestamptz,
    origin text NOT NULL DEFAULT 'registered',
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    feed_xact xid8,
    sip_call_id text,
    sip_call_id_full text,
    answered_on_join boolean NOT NULL DEFAULT false,
    -- with the tenant, which the id alone identifies already: Citus distributes the table by
    -- user_id and accepts no unique key without it (callout.distribute); lookups by id lead
    PRIMARY KEY (id, user_id));
COMMENT ON TABLE callout.call_log IS 'one row per call; webhook-owned columns are recomputed from the call''s events';
COMMENT ON COLUMN callout.call_log.id IS 'the call''s id, as register_call returned it and notifications carry it';
COMMENT ON COLUMN callout.call_log.user_id IS 'the tenant the call belongs to (row-level security reads by it)';
COMMENT ON COLUMN callout.call_log.agent_config_id IS 'the application''s agent configuration for the call, as registered (or from the phone route)';
COMMENT ON COLUMN callout.call_log.room_name IS 'the LiveKit room the call runs in: events find their call by it while the call is open';
COMMENT ON COLUMN callout.call_log.room_sid IS 'the LiveKit room''s sid, from the call''s first event that has one: later events find their call by it';
COMMENT ON COLUMN callout.call_log.direction IS 'inbound or outbound';
COMMENT ON COLUMN callout.call_log.phone_number IS 'the registered number, else the SIP participant''s, else the E.164 number in the room name';
COMMENT ON COLUMN callout.call_log.registered_phone_number IS 'the number given to register_call, if any';
COMMENT ON COLUMN callout.call_log.campaign_id IS 'the application''s campaign, as registered';
COMMENT ON COLUMN callout.call_log.status IS 'registered (no phone leg yet), in_progress, ended, or expired (open past callout.expire_stale_calls)';
COMMENT ON COLUMN callout.call_log.outcome IS 'completed, no_answer, busy or failed once the call ended; NULL before';
COMMENT ON COLUMN callout.call_log.duration_seconds IS 'seconds the phone leg that ended the call was in the room (its leave''s createdAt less its joinedAt); NULL when unknown or negative';
COMMENT ON COLUMN callout.call_log.disconnect_reason IS 'the disconnectReason of the phone leg''s leave, by name (UNKNOWN_REASON when LiveKit gave none)';
COMMENT ON COLUMN callout.call_log.sip_call_status IS 'the sip.callStatus attribute of the phone leg, its leave''s first';
COMMENT ON COLUMN callout.call_log.recording_url IS 'where the call''s recording was stored, from its egress_ended event';
COMMENT ON COLUMN callout.call_log.metadata IS 'the application''s own data, as registered or set by update_call_log';
COMMENT ON COLUMN callout.call_log.started_at IS 'when the call''s LiveKit room was created, from its events; NULL until an event reports it';
COMMENT ON COLUMN callout.call_log.answered_at IS 'an answered call (completed, or a sip.callStatus of its phone leg active, automation or hangup): when that leg joined the room, the answer itself only if answered_on_join (LiveKit reports no answer instant), else ringing included; NULL for a call not answered';
COMMENT ON COLUMN callout.call_log.ended_at IS 'when the phone leg left, else the room finished (the event''s createdAt); NULL while open';
COMMENT ON COLUMN callout.call_log.origin IS 'registered by a gateway, created from a phone route, or created by a delivery signed with a tenant''s key (such a call accepts only that tenant''s keys)';
COMMENT ON COLUMN callout.call_log.created_at IS 'when the call was registered or created';
COMMENT ON COLUMN callout.call_log.updated_at IS 'when a delivery, an update or housekeeping last changed the row';
COMMENT ON COLUMN callout.call_log.feed_xact IS 'the transaction that last recorded or changed the outcome: the call''s place in the outcome feed, with its id (callout.outcome_changes); NULL before an outcome';
COMMENT ON COLUMN callout.call_log.sip_call_id IS 'the sip.callID attribute of the phone leg (LiveKit''s id of the SIP call, SCL_...), of the leg whose leave ended the call (while none has left, of the latest leg that carries a SIP call id); not indexed';
COMMENT ON COLUMN callout.call_log.sip_call_id_full IS 'the sip.callIDFull attribute of the phone leg (the SIP Call-ID the trunk provider knows the call by, to join with its records), of the leg whose leave ended the call (while none has left, of the latest leg that carries a SIP call id); not indexed';
COMMENT ON COLUMN callout.call_log.answered_on_join IS 'whether the phone leg joined the room already answered (a participant_joined of it reported sip.callStatus active, automation or hangup, as with LiveKit''s wait_until_answered): answered_at is then the answer itself';

-- What a call's identity must be: a tenant and a room name (neither empty), a direction and an
-- origin of their own words (23514); and the names a tenant may change, campaign_id and
-- agent_config_id, no longer than callout stores such values (22023, as registration answers),
-- through update_call_log or a granted UPDATE alike. A trigger on the rows written and on those
-- columns changed, rather than CHECK constraints: PostgreSQL compiles a table's CHECK
-- constraints again for every statement that writes a row, whatever columns it sets, and every
-- delivery's UPDATE of its call (the webhook-owned columns) would pay for them. An AFTER
-- trigger, as a BEFORE UPDATE trigger makes every UPDATE lock (and WAL-log) its row first,
-- whatever columns it sets. The webhook-owned columns are made by the core (a duration is never
-- negative: NULL when the end precedes the start). It runs as the owner, as the limits are read
-- through callout._ingest_settings, which tenants may not call.
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

-- The call row's indexes are few, as a call's ending UPDATE changes its status and outcome and
-- so writes an entry in every index. What finds a call: at most one open call per tenant and
-- room name, led by the room name, which matching and registration probe alone (one index, so
-- no plan can pick a tenant-led one and walk all of it); a room sid belongs to one call of a
-- tenant, led by the sid, which matching probes alone (per tenant: a sid another tenant's key
-- bound elsewhere takes nothing from this tenant). What readers look calls up by: a tenant's
-- read policy is one equality on user_id, so a tenant's calls by creation (listings), by
-- campaign and by start (callout.call_stats' range, with creation) lead with the tenant; calls
-- by number lead with the number, which finds few rows, for a tenant and an auditor alike
-- (bench/README.md, readers).
CREATE UNIQUE INDEX call_log_open_room ON callout.call_log (room_name, user_id)
    WHERE callout._is_open(status);
CREATE UNIQUE INDEX call_log_room_sid ON callout.call_log (room_sid, user_id) WHERE room_sid IS NOT NULL;
CREATE INDEX call_log_tenant ON callout.call_log (user_id, created_at);
CREATE INDEX call_log_campaign ON callout.call_log (user_id, campaign_id, created_at);
CREATE INDEX call_log_started ON callout.call_log (user_id, started_at);
CREATE INDEX call_log_phone_number ON callout.call_log (phone_number, started_at);
-- The outcome feed (callout.outcome_changes, src/sql/75-feed.sql): the calls whose outcome was
-- recorded or changed, in the order they were. An outcome's UPDATE is never HOT (its status
-- leaves call_log_open_room), so this costs the entry alone.
CREATE INDEX call_log_feed ON callout.call_log (feed_xact, id) WHERE feed_xact IS NOT NULL;

SELECT pg_catalog.pg_extension_config_dump('callout.call_log', '');
SELECT pg_catalog.pg_extension_config_dump('callout.call_log_id_seq', '');

-- ---- matching events to calls (DESIGN.md §6)

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

-- The lock registration and delivery both take on a room name, so neither can miss the other.
-- Only under READ COMMITTED does the statement after the lock see what the lock's previous
-- holder committed; a snapshot taken earlier (REPEATABLE READ, SERIALIZABLE) could not, so
-- those are refused rather than letting an event and its call miss each other.
CREATE FUNCTION callout._lock_room(room_name text) RETURNS void
LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'callout_lock_room';

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

COMMENT ON FUNCTION callout._lock_room(text) IS 'internal: the room lock registration and delivery share (READ COMMITTED only)';
COMMENT ON FUNCTION callout._recompute_call(bigint, text, timestamptz) IS 'internal: recomputes a call''s webhook-owned columns from the set of its events; notifies a new outcome';

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

-- ---- what applications call

CREATE FUNCTION callout.register_call(user_id text, room_name text, direction text,
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
