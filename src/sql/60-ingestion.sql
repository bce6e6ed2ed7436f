-- Ingestion: one delivery, from its limits and signature to the stored event and the call row
-- (src/pg/delivery.cpp), and what it counts.

CREATE FUNCTION callout._token_issuer(authorization text) RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_token_issuer';
CREATE FUNCTION callout._parse_json_body(body text) RETURNS jsonb
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_parse_json_body';
CREATE FUNCTION callout._ingest_settings() RETURNS callout.ingest_settings
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_ingest_settings';

COMMENT ON FUNCTION callout._token_issuer(text) IS 'internal: the unverified iss a token claims (what a rejection is recorded under)';
COMMENT ON FUNCTION callout._parse_json_body(text) IS 'internal: the body as jsonb, or NULL when it is not JSON (\u0000 stored as U+FFFD; ERROR 22P05 in a database whose encoding has no U+FFFD)';
COMMENT ON FUNCTION callout._ingest_settings() IS 'internal: the settings ingestion runs with and the longest values it stores, read at once';

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
COMMENT ON COLUMN callout.delivery_count.minute IS 'the minute the deliveries arrived in';
COMMENT ON COLUMN callout.delivery_count.status IS 'what they were answered: rejected, duplicate or ignored';
COMMENT ON COLUMN callout.delivery_count.reason IS 'the answer''s reason ('''' for none)';
COMMENT ON COLUMN callout.delivery_count.backend IS 'the process id of the backend that counted them';
COMMENT ON COLUMN callout.delivery_count.deliveries IS 'how many';

CREATE TABLE callout.rejected_delivery (
    slot integer PRIMARY KEY CHECK (slot >= 0 AND slot < 1000),
    rejected_at timestamptz NOT NULL,
    reason text NOT NULL,
    api_key text,
    body_bytes integer,
    body_sha256 bytea);
COMMENT ON TABLE callout.rejected_delivery IS 'the latest 1000 rejected deliveries (a ring): time, reason, key, body size and SHA-256, never the body';
COMMENT ON COLUMN callout.rejected_delivery.slot IS 'the place in the ring (0 to 999), reused oldest first';
COMMENT ON COLUMN callout.rejected_delivery.rejected_at IS 'when the delivery was refused';
COMMENT ON COLUMN callout.rejected_delivery.reason IS 'why (DESIGN.md §3''s words)';
COMMENT ON COLUMN callout.rejected_delivery.api_key IS 'the key the token named, if it could be read';
COMMENT ON COLUMN callout.rejected_delivery.body_bytes IS 'the body''s size';
COMMENT ON COLUMN callout.rejected_delivery.body_sha256 IS 'the body''s SHA-256';
CREATE SEQUENCE callout.rejected_delivery_slot MINVALUE 0 MAXVALUE 999 START 0 CYCLE;
SELECT pg_catalog.pg_extension_config_dump('callout.delivery_count', '');
SELECT pg_catalog.pg_extension_config_dump('callout.rejected_delivery', '');
SELECT pg_catalog.pg_extension_config_dump('callout.rejected_delivery_slot', '');

-- One delivery and its record in the metrics, in C++ (src/pg/delivery.cpp): limits, signature,
-- body, event, then exactly-once storage and the call row, with every statement's plan kept
-- per backend (planned with enable_seqscan = off, as process_livekit_webhook). `payload` is
-- given when the caller holds jsonb (only a plain HMAC over its text can verify). A delivery that
-- stored nothing new is counted in delivery_count, a rejection sampled in rejected_delivery.
CREATE FUNCTION callout._ingest(body text, payload jsonb, signature text)
RETURNS callout.webhook_result
LANGUAGE c SET search_path = pg_catalog, pg_temp SET enable_seqscan = off SET lock_timeout = '5s'
AS 'MODULE_PATHNAME', 'callout_ingest';

COMMENT ON FUNCTION callout._ingest(text, jsonb, text) IS 'internal: one delivery, from limits and signature to the stored event and the call row, and its record in the metrics';

-- The delivery path itself (as _ingest without a payload): no PL/pgSQL between the caller and
-- the C++. Its plans are kept for the life of the backend, and every one of them is a lookup by
-- key: enable_seqscan = off keeps a plan made while the tables were empty from scanning them
-- once they are large.
CREATE FUNCTION callout.process_livekit_webhook(body text, signature text)
RETURNS callout.webhook_result
LANGUAGE c SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
    SET lock_timeout = '5s'
AS 'MODULE_PATHNAME', 'callout_process_livekit_webhook';
COMMENT ON FUNCTION callout.process_livekit_webhook(text, text) IS 'verify one LiveKit delivery (raw body and Authorization header), store its event exactly once and update its call';

CREATE FUNCTION callout.process_livekit_webhook(payload jsonb, signature text)
RETURNS callout.webhook_result
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ BEGIN RETURN callout._ingest(payload::text, payload, signature); END $$;
COMMENT ON FUNCTION callout.process_livekit_webhook(jsonb, text) IS 'for callers that hold jsonb: only a plain HMAC over payload::text can verify; a JWT answers jwt_needs_raw_body';
