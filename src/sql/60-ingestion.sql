-- Ingestion: one delivery, from its limits and signature to the stored event and the call row
-- (src/pg/delivery.cpp), and what it counts.

CREATE FUNCTION callout._token_issuer(authorization text) RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_token_issuer';
CREATE FUNCTION callout._parse_json_body(body text) RETURNS jsonb
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_parse_json_body';
CREATE FUNCTION callout._ingest_settings() RETURNS callout.ingest_settings
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'callout_ingest_settings';

COMMENT ON FUNCTION callout._token_issuer(text) IS 'internal: the unverified iss of a token, to choose the key it must verify with';
COMMENT ON FUNCTION callout._parse_json_body(text) IS 'internal: the body as jsonb, or NULL when it is not JSON (\u0000 stored as U+FFFD)';
COMMENT ON FUNCTION callout._ingest_settings() IS 'internal: the settings ingestion runs with, read at once';

-- The answer to a delivery whose event id is already stored, or NULL when it is not: 'already
-- processed' for the same body, 'conflicting_duplicate' for another. The call and its outcome
-- are told only to an unbound key or one of the call's tenant. Planned without sequential scans,
-- as the delivery path's statements are.
CREATE FUNCTION callout._duplicate_answer(event_id text, body_hash bytea, key_user_id text)
RETURNS callout.webhook_result
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
AS $$
DECLARE
    stored record;
BEGIN
    -- the call by subqueries, not a join: no plan may walk an index for its order
    SELECT e.body_sha256, e.call_log_id AS id,
           (SELECT c.outcome FROM callout.call_log AS c WHERE c.id = e.call_log_id) AS outcome,
           (SELECT c.user_id FROM callout.call_log AS c WHERE c.id = e.call_log_id) AS user_id
    INTO stored
    FROM callout.livekit_call_event AS e
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

-- An inbound call for a leg no call matched: a dispatch rule routed it (outbound legs have no
-- sip.ruleID), to a routed number or delivered with a tenant's key, in a room with no open call
-- and whose sid no call holds. NULL (no call) otherwise. The caller checked the event id is new.
CREATE FUNCTION callout._create_inbound_call(room_sid text, room_name text,
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
                    AND c.status IN ('registered', 'in_progress')) THEN
        user_id := NULL;
        RETURN;
    END IF;
    call_id := (callout._create_call(
        user_id, room_name, 'inbound', NULL, NULL, route.agent_config_id, NULL,
        CASE WHEN route.user_id IS NOT NULL THEN 'phone_route' ELSE 'tenant_key' END,
        (callout._ingest_settings()).unmatched_window_seconds)).call_id;
END
$$;

COMMENT ON FUNCTION callout._duplicate_answer(text, bytea, text) IS 'internal: the answer to a delivery whose event id is already stored';
COMMENT ON FUNCTION callout._create_inbound_call(text, text, text, text) IS 'internal: creates the call of an inbound leg a dispatch rule routed, for its number''s route or the key''s tenant';

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
CREATE FUNCTION callout._record_answer(answer_status text, answer_reason text, body text, signature text)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO callout.delivery_count AS d (minute, status, reason, backend, deliveries)
    VALUES (pg_catalog.date_trunc('minute', pg_catalog.now()), answer_status,
            coalesce(answer_reason, ''), pg_catalog.pg_backend_pid(), 1)
    ON CONFLICT (minute, status, reason, backend) DO UPDATE SET deliveries = d.deliveries + 1;
    IF answer_status = 'rejected' THEN
        INSERT INTO callout.rejected_delivery AS r (slot, rejected_at, reason, api_key, body_bytes, body_sha256)
        VALUES (pg_catalog.nextval('callout.rejected_delivery_slot'), pg_catalog.now(), answer_reason,
                CASE WHEN pg_catalog.octet_length(signature) <= 8192
                     THEN callout._token_issuer(signature) END,
                pg_catalog.octet_length(body),
                CASE WHEN answer_reason <> 'body_too_large'
                     THEN pg_catalog.sha256(pg_catalog.convert_to(body, 'UTF8')) END)
        ON CONFLICT (slot) DO UPDATE SET rejected_at = excluded.rejected_at, reason = excluded.reason,
            api_key = excluded.api_key, body_bytes = excluded.body_bytes,
            body_sha256 = excluded.body_sha256;
    END IF;
END
$$;

COMMENT ON FUNCTION callout._record_answer(text, text, text, text) IS 'internal: counts a delivery that stored nothing new and samples a rejection';

-- One delivery and its record in the metrics, in C++ (src/pg/delivery.cpp): limits, signature,
-- body, event, then exactly-once storage and the call row, with every statement's plan kept
-- per backend (planned with enable_seqscan = off, as process_livekit_webhook). `payload` is
-- given when the caller holds jsonb (only a plain HMAC over its text can verify). Deliveries that
-- stored nothing new are counted by _record_answer.
CREATE FUNCTION callout._ingest(body text, payload jsonb, signature text)
RETURNS callout.webhook_result
LANGUAGE c SET enable_seqscan = off AS 'MODULE_PATHNAME', 'callout_ingest';

COMMENT ON FUNCTION callout._ingest(text, jsonb, text) IS 'internal: one delivery, from limits and signature to the stored event and the call row, and its record in the metrics';

-- The delivery path itself (as _ingest without a payload): no PL/pgSQL between the caller and
-- the C++. Its plans are kept for the life of the backend, and every one of them is a lookup by
-- key: enable_seqscan = off keeps a plan made while the tables were empty from scanning them
-- once they are large.
CREATE FUNCTION callout.process_livekit_webhook(body text, signature text)
RETURNS callout.webhook_result
LANGUAGE c SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
AS 'MODULE_PATHNAME', 'callout_process_livekit_webhook';
COMMENT ON FUNCTION callout.process_livekit_webhook(text, text) IS 'verify one LiveKit delivery (raw body and Authorization header), store its event exactly once and update its call';

CREATE FUNCTION callout.process_livekit_webhook(payload jsonb, signature text)
RETURNS callout.webhook_result
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ BEGIN RETURN callout._ingest(payload::text, payload, signature); END $$;
COMMENT ON FUNCTION callout.process_livekit_webhook(jsonb, text) IS 'for callers that hold jsonb: only a plain HMAC over payload::text can verify; a JWT answers jwt_needs_raw_body';
