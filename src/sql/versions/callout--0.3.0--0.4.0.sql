-- callout 0.3.0 -> 0.4.0: each rule of a delivery in one place (open statuses, matching an event
-- to its call, the lengths ingestion stores); a duplicate's answer, the delivery counts and the
-- PostgREST endpoint in C++. After it, the catalog equals a fresh install's (the upgrade suite
-- compares the two).
\echo Use "ALTER EXTENSION callout UPDATE TO '0.4.0'" to load this file. \quit

-- The settings ingestion runs with carry the longest values it stores.
ALTER TYPE callout.ingest_settings ADD ATTRIBUTE max_key_bytes integer,
    ADD ATTRIBUTE max_room_name_bytes integer;
COMMENT ON TYPE callout.ingest_settings IS 'internal: the settings ingestion runs with, and the longest values it stores';

-- Whether a call is open: registered, or its phone leg in progress (the one place that says so;
-- a one-expression SQL function, which the planner inlines, so indexes and queries agree).
CREATE FUNCTION callout._is_open(status callout.call_status) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT $1 OPERATOR(pg_catalog.=) ANY ('{registered,in_progress}'::callout.call_status[]) $$;
COMMENT ON FUNCTION callout._is_open(callout.call_status) IS 'internal: whether a call of this status is open (registered or in progress)';

DROP INDEX callout.call_log_open_room;
DROP INDEX callout.call_log_open_room_name;
CREATE UNIQUE INDEX call_log_open_room ON callout.call_log (user_id, room_name)
    WHERE callout._is_open(status);
CREATE INDEX call_log_open_room_name ON callout.call_log (room_name)
    WHERE callout._is_open(status);

-- Whether a delivery signed with a key of tenant key_user_id (NULL: an unbound key) may touch a
-- call of call_user_id: a tenant's key its own tenant's calls; an unbound key any call but one a
-- tenant's key created.
CREATE FUNCTION callout._key_may_touch(key_user_id text, call_user_id text, call_origin text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT $2 OPERATOR(pg_catalog.=) $1
        OR $1 IS NULL AND $3 OPERATOR(pg_catalog.<>) 'tenant_key'
$$;
COMMENT ON FUNCTION callout._key_may_touch(text, text, text) IS 'internal: whether a key of this tenant (NULL: unbound) may touch a call of that tenant and origin';

-- The call an event of this room belongs to, for a key of tenant key_user_id: the call its room
-- sid is bound to, if the key may touch it (a sid bound to a call the key may not touch matches
-- nothing); else the one open call of the room name whose sid is not bound, if the key may touch
-- it. The one rule every path uses: a delivery storing its event, a registration or an inbound
-- call attaching the events that waited. One SQL query, which the planner inlines where it is
-- called (no SET clause, no SECURITY DEFINER, every operator qualified).
CREATE FUNCTION callout._matching_call(room_sid text, room_name text, key_user_id text)
RETURNS SETOF callout.call_log
LANGUAGE sql STABLE
AS $$
    WITH bound AS (
        SELECT c.* FROM callout.call_log AS c WHERE c.room_sid OPERATOR(pg_catalog.=) $1
    ), named AS (
        SELECT c.* FROM callout.call_log AS c
        WHERE c.room_name OPERATOR(pg_catalog.=) $2 AND callout._is_open(c.status)
          AND c.room_sid IS NULL AND callout._key_may_touch($3, c.user_id, c.origin)
        LIMIT 2
    )
    SELECT b.* FROM bound AS b WHERE callout._key_may_touch($3, b.user_id, b.origin)
    UNION ALL
    SELECT n.* FROM named AS n
    WHERE NOT EXISTS (SELECT 1 FROM bound) AND (SELECT pg_catalog.count(*) FROM named) OPERATOR(pg_catalog.=) 1
$$;
COMMENT ON FUNCTION callout._matching_call(text, text, text) IS 'internal: the call an event of this room sid and name belongs to, for a key of this tenant';

DROP FUNCTION callout._attach_unmatched(bigint, text, text, integer, boolean);
-- Attaches to a call just created for its room (of tenant user_id) the room's unmatched events
-- that arrived within callout.unmatched_window and match it as they would if delivered now
-- (callout._matching_call, with the key's tenant each was stored under). True when any were.
CREATE FUNCTION callout._attach_unmatched(call_id bigint, user_id text, room_name text,
                                          window_seconds integer)
RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE callout.livekit_call_event AS e SET call_log_id = call_id, user_id = _attach_unmatched.user_id
    WHERE e.call_log_id IS NULL AND e.room_name = _attach_unmatched.room_name
      AND e.received_at >= pg_catalog.now() - pg_catalog.make_interval(secs => window_seconds)
      AND EXISTS (SELECT 1 FROM callout._matching_call(e.room_sid, e.room_name, e.user_id) AS m
                  WHERE m.id = call_id);
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION callout._attach_unmatched(bigint, text, text, integer) IS 'internal: attaches a room''s waiting events to its new call';

-- Creates a call row (no checks: callers check who may) and attaches the room's waiting events;
-- the caller recomputes the row.
CREATE OR REPLACE FUNCTION callout._create_call(user_id text, room_name text, direction text,
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
    attached := callout._attach_unmatched(call_id, user_id, room_name, window_seconds);
END
$$;

CREATE OR REPLACE FUNCTION callout.register_call(user_id text, room_name text, direction text,
                                      phone_number text DEFAULT NULL, campaign_id text DEFAULT NULL,
                                      agent_config_id text DEFAULT NULL, metadata jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
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
    SELECT c.id, c.user_id INTO open_call FROM callout.call_log AS c
    WHERE c.room_name = register_call.room_name AND callout._is_open(c.status)
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
        PERFORM callout._recompute_call(created.call_id);
    END IF;
    RETURN created.call_id;
END
$$;
COMMENT ON FUNCTION callout.register_call(text, text, text, text, text, text, jsonb) IS 'create the call row for a room (at most one open call per tenant and room); waiting events of the room are applied';

-- An inbound call for a leg no call matched: a dispatch rule routed it (outbound legs have no
-- sip.ruleID), to a routed number or delivered with a tenant's key, in a room with no open call
-- and whose sid no call holds. NULL (no call) otherwise. The caller checked the event id is new.
CREATE OR REPLACE FUNCTION callout._create_inbound_call(room_sid text, room_name text,
                                             trunk_phone_number text, key_user_id text,
                                             OUT call_id bigint, OUT user_id text)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    route callout.phone_route;
BEGIN
    IF EXISTS (SELECT FROM callout.call_log AS c WHERE c.room_sid = _create_inbound_call.room_sid) THEN
        RETURN;
    END IF;
    SELECT r.* INTO route FROM callout.phone_route AS r
    WHERE r.trunk_phone_number = _create_inbound_call.trunk_phone_number;
    user_id := coalesce(route.user_id, key_user_id);
    IF user_id IS NULL OR key_user_id IS DISTINCT FROM user_id AND key_user_id IS NOT NULL
       OR EXISTS (SELECT FROM callout.call_log AS c
                  WHERE c.room_name = _create_inbound_call.room_name
                    AND callout._is_open(c.status)) THEN
        user_id := NULL;
        RETURN;
    END IF;
    call_id := (callout._create_call(
        user_id, room_name, 'inbound', NULL, NULL, route.agent_config_id, NULL,
        CASE WHEN route.user_id IS NOT NULL THEN 'phone_route' ELSE 'tenant_key' END,
        (callout._ingest_settings()).unmatched_window_seconds)).call_id;
END
$$;

CREATE OR REPLACE FUNCTION callout.resolve_call_context(room_name text,
                                             OUT call_id bigint, OUT user_id text,
                                             OUT agent_config_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.id, c.user_id, c.agent_config_id FROM callout.call_log AS c
    WHERE c.room_name = resolve_call_context.room_name
      AND (callout.current_user_id() IS NULL OR c.user_id = callout.current_user_id())
    ORDER BY callout._is_open(c.status) DESC, c.created_at DESC, c.id DESC
    LIMIT 1
$$;
COMMENT ON FUNCTION callout.resolve_call_context(text) IS 'the call a room belongs to (open first, then latest): for ingestion and admin roles, granted explicitly';

-- LiveKit drops webhooks under load: an open call that heard from LiveKit (or was registered)
-- no later than older_than ago and whose end never arrived is marked expired, which frees its
-- room name. An end that arrives afterwards still ends it. Choose older_than longer than your
-- longest call: nothing arrives between a phone leg's join and its leave. Returns how many.
CREATE OR REPLACE FUNCTION callout.expire_stale_calls(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    expired integer;
BEGIN
    UPDATE callout.call_log AS c SET status = 'expired', updated_at = pg_catalog.now()
    WHERE callout._is_open(c.status)
      AND greatest(c.created_at, (SELECT pg_catalog.max(e.received_at) FROM callout.livekit_call_event AS e
                                  WHERE e.call_log_id = c.id)) < callout._cutoff(older_than);
    GET DIAGNOSTICS expired = ROW_COUNT;
    RETURN expired;
END
$$;
COMMENT ON FUNCTION callout.expire_stale_calls(interval) IS 'mark open calls with no activity for older_than as expired; returns how many';

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
AS 'MODULE_PATHNAME', 'callout_livekit_webhook';
COMMENT ON FUNCTION callout.livekit_webhook(text) IS 'PostgREST''s POST /rpc/livekit_webhook: the raw body, the Authorization header from request.headers; sets response.status';

COMMENT ON FUNCTION callout._token_issuer(text) IS 'internal: the unverified iss a token claims (what a rejection is recorded under)';
COMMENT ON FUNCTION callout._ingest_settings() IS 'internal: the settings ingestion runs with and the longest values it stores, read at once';
COMMENT ON FUNCTION callout._ingest(text, jsonb, text) IS 'internal: one delivery, from limits and signature to the stored event and the call row, and its record in the metrics';

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA callout FROM PUBLIC;
