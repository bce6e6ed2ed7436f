-- callout 0.2.0 -> 0.3.0: one delivery runs in C++ with plans kept per backend (the room lock,
-- matching, the event row, the call row made from its events), instead of PL/pgSQL. 0.3.0 is
-- installed through the scripts before it (it has no install script of its own).
\echo Use "ALTER EXTENSION callout UPDATE TO '0.3.0'" to load this file. \quit

-- The lock registration and delivery share, now taken by the C++ delivery path as well.
CREATE OR REPLACE FUNCTION callout._lock_room(room_name text) RETURNS void
LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'callout_lock_room';

-- Matching moved into the delivery path, and the delivery itself into _ingest; the C++ helpers
-- the PL/pgSQL path called are the delivery path's own now.
DROP FUNCTION callout._match_call(text, text, text);
DROP FUNCTION callout._apply_delivery(text, jsonb, text);
DROP FUNCTION callout._looks_like_plain_hmac(text);
DROP FUNCTION callout._redact_payload(jsonb);
DROP FUNCTION callout._event_facts(jsonb);
DROP TYPE callout.event_facts;

-- The call row is made in C++ and reads its thresholds from the settings itself.
DROP FUNCTION callout._recompute_call(bigint, callout.ingest_settings);
-- Recomputes a call's webhook-owned columns from the set of its events (DESIGN.md §4), in C++
-- (src/core/call_row.cpp): each field takes its value from the event that ranks first for it,
-- so the row is a function of the set, never of the arrival order. When the outcome is recorded
-- or changes, NOTIFY callout_outcome carries the call id (sent at commit; callout.notify turns
-- it off). The thresholds are the session's callout.min_connected_seconds and
-- min_completed_seconds.
CREATE FUNCTION callout._recompute_call(call_id bigint) RETURNS callout.call_outcome
LANGUAGE c STRICT SET enable_seqscan = off AS 'MODULE_PATHNAME', 'callout_recompute_call';

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
    IF pg_catalog.octet_length(room_name) > 1024
       OR GREATEST(pg_catalog.octet_length(user_id), pg_catalog.octet_length(phone_number),
                    pg_catalog.octet_length(campaign_id),
                    pg_catalog.octet_length(agent_config_id)) > 256 THEN
        RAISE EXCEPTION 'a value of the call is too long to store'
            USING ERRCODE = '22023',
                  DETAIL = 'room_name holds at most 1024 bytes; user_id, phone_number, campaign_id and agent_config_id at most 256.';
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
        PERFORM callout._recompute_call(created.call_id);
    END IF;
    RETURN created.call_id;
END
$$;

CREATE OR REPLACE FUNCTION callout.reclassify_calls(since timestamptz DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    call record;
    changed integer := 0;
BEGIN
    FOR call IN SELECT c.id, c.outcome FROM callout.call_log AS c
                WHERE c.status = 'ended' AND (since IS NULL OR c.ended_at >= since)
                ORDER BY c.id FOR UPDATE LOOP
        IF callout._recompute_call(call.id) IS DISTINCT FROM call.outcome THEN
            changed := changed + 1;
        END IF;
    END LOOP;
    RETURN changed;
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

-- The answer to a delivery whose event id is already stored, or NULL when it is not: 'already
-- processed' for the same body, 'conflicting_duplicate' for another. The call and its outcome
-- are told only to an unbound key or one of the call's tenant. Planned without sequential scans,
-- as the delivery path's statements are.
CREATE OR REPLACE FUNCTION callout._duplicate_answer(event_id text, body_hash bytea, key_user_id text)
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

-- The metrics record takes the answer's status and reason (the C++ path holds no composite).
DROP FUNCTION callout._record_answer(callout.webhook_result, text, text);
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

-- One delivery and its record in the metrics, in C++ (src/pg/delivery.cpp): limits, signature,
-- body, event, then exactly-once storage and the call row, with every statement's plan kept
-- per backend (planned with enable_seqscan = off, as process_livekit_webhook). `payload` is
-- given when the caller holds jsonb (only a plain HMAC over its text can verify). Deliveries that
-- stored nothing new are counted by _record_answer.
CREATE OR REPLACE FUNCTION callout._ingest(body text, payload jsonb, signature text)
RETURNS callout.webhook_result
LANGUAGE c SET enable_seqscan = off AS 'MODULE_PATHNAME', 'callout_ingest';


-- The delivery path itself (as _ingest without a payload): no PL/pgSQL between the caller and
-- the C++. Its plans are kept for the life of the backend, and every one of them is a lookup by
-- key: enable_seqscan = off keeps a plan made while the tables were empty from scanning them
-- once they are large.
CREATE OR REPLACE FUNCTION callout.process_livekit_webhook(body text, signature text)
RETURNS callout.webhook_result
LANGUAGE c SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
AS 'MODULE_PATHNAME', 'callout_process_livekit_webhook';


COMMENT ON FUNCTION callout._recompute_call(bigint) IS 'internal: recomputes a call''s webhook-owned columns from the set of its events; notifies a new outcome';
COMMENT ON FUNCTION callout._create_inbound_call(text, text, text, text) IS 'internal: creates the call of an inbound leg a dispatch rule routed, for its number''s route or the key''s tenant';
COMMENT ON FUNCTION callout._record_answer(text, text, text, text) IS 'internal: counts a delivery that stored nothing new and samples a rejection';
COMMENT ON FUNCTION callout._ingest(text, jsonb, text) IS 'internal: one delivery, from limits and signature to the stored event and the call row, and its record in the metrics';
REVOKE ALL ON FUNCTION callout._recompute_call(bigint), callout._create_inbound_call(text, text, text, text),
    callout._record_answer(text, text, text, text) FROM PUBLIC;
