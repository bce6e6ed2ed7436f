-- ---- parked deliveries (DESIGN.md §3)

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
