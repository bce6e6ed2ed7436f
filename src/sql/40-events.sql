-- The events: one row per accepted event of a known tenant (tenant data, under row-level
-- security), unique per tenant; and the pending store, for the events whose tenant is not known
-- yet (signed with an unbound key, for a room no call claims), which move to their tenant when a
-- call appears for them. A tenant's delivery never finds, blocks or answers from another
-- tenant's events.

CREATE TABLE callout.livekit_call_event (
    id bigint GENERATED ALWAYS AS IDENTITY,
    event_id text NOT NULL CHECK (event_id <> ''),
    call_log_id bigint,
    user_id text NOT NULL,
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
    payload jsonb,
    sip_call_id text,
    sip_call_id_full text,
    PRIMARY KEY (user_id, event_id));
COMMENT ON TABLE callout.livekit_call_event IS 'one row per accepted event of a known tenant ((user_id, event_id) is the idempotency key); call_log_id is NULL while unmatched';
COMMENT ON COLUMN callout.livekit_call_event.user_id IS 'the call''s tenant, or while unmatched the tenant of the key it was signed with';
COMMENT ON COLUMN callout.livekit_call_event.id IS 'the order events were stored in (not a key: the key is (user_id, event_id), and a delivery writes no index entry for this)';
COMMENT ON COLUMN callout.livekit_call_event.payload IS 'the event as received, without credentials (room.turnPassword, egress storage keys, stream URLs)';
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
COMMENT ON COLUMN callout.livekit_call_event.sip_call_id IS 'the participant''s sip.callID attribute (LiveKit''s id of the SIP call, SCL_...)';
COMMENT ON COLUMN callout.livekit_call_event.sip_call_id_full IS 'the participant''s sip.callIDFull attribute (the SIP Call-ID the trunk provider knows the call by)';
CREATE INDEX livekit_call_event_call ON callout.livekit_call_event (call_log_id);
CREATE INDEX livekit_call_event_unmatched ON callout.livekit_call_event (room_name, received_at)
    WHERE call_log_id IS NULL;

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

-- An event holds its call as a foreign key would, without a foreign key's check on every
-- delivery (a row lock on the call the delivery updates next anyway): events are written only
-- by callout's functions, which take the call from callout._matching_call_id under the room lock,
-- or just created it. A call that holds events is not deleted, given another id, nor truncated
-- away from them, and an event is not moved to a call that does not exist. A call deleted while
-- a delivery stores an event for it makes that delivery fail (its UPDATE finds no row: 40001),
-- so the event is not kept; retried, it finds no call. The checks run as the owner, as a foreign
-- key's do (what the changing role may read does not matter), and only under READ COMMITTED: a
-- snapshot taken earlier could miss an event committed since, as deliveries and registrations
-- refuse the other levels for the same reason.
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

-- Events whose tenant is not known yet: the facts of livekit_call_event, without a tenant or
-- call. event_id is the idempotency key of the platform's unbound keys until the event moves.
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
    payload jsonb,
    sip_call_id text,
    sip_call_id_full text);
COMMENT ON TABLE callout.pending_event IS 'events signed with an unbound key for a room no call claims yet: they move to the call''s tenant when one is registered or created within callout.unmatched_window';
COMMENT ON COLUMN callout.pending_event.id IS 'the order events were stored in';
CREATE UNIQUE INDEX pending_event_event_id ON callout.pending_event (event_id);
CREATE INDEX pending_event_room ON callout.pending_event (room_name, received_at);

SELECT pg_catalog.pg_extension_config_dump('callout.livekit_call_event', '');
SELECT pg_catalog.pg_extension_config_dump('callout.livekit_call_event_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('callout.pending_event', '');
SELECT pg_catalog.pg_extension_config_dump('callout.pending_event_id_seq', '');

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
