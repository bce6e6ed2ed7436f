-- Exactly once: every accepted LiveKit vector delivered a second and a third time answers
-- duplicate / 'already processed' (or ignored, for events callout does not act on), leaves one
-- event row per id and the call rows and event rows exactly as they were. The same event id
-- with a different body answers duplicate / conflicting_duplicate and changes nothing.
BEGIN;
SELECT plan(64);

SET LOCAL callout.clock_leeway = 10;
SELECT livekit_test.add_vector_key();

-- One delivery of a body, verified at a vector's instant.
CREATE FUNCTION pg_temp.deliver(body text, token text, at timestamptz) RETURNS callout.webhook_result
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('callout.verify_at', at::text, true);
    RETURN callout.process_livekit_webhook(body, token);
END
$$;

-- Every call and every event as they are now.
CREATE FUNCTION pg_temp.calls() RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_agg(to_jsonb(c) ORDER BY c.id) FROM callout.call_log AS c
$$;
CREATE FUNCTION pg_temp.events() RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_array((SELECT jsonb_agg(to_jsonb(e) ORDER BY e.id) FROM callout.livekit_call_event AS e),
                             (SELECT jsonb_agg(to_jsonb(p) ORDER BY p.id) FROM callout.pending_event AS p))
$$;

-- The events callout does not act on: delivered again, they are ignored again.
CREATE TEMP TABLE ignored (name text PRIMARY KEY);
INSERT INTO ignored VALUES ('in1_track_published'), ('in1_egress_started'), ('egress_updated_active'),
                           ('track_unpublished_ignored'), ('ingress_started_ignored');

-- The accepted vectors, in the order they are delivered (1).
CREATE TEMP TABLE accepted AS
SELECT row_number() OVER (ORDER BY v.scenario IS NULL, v.scenario, v.seq, v.name) AS n, v.*,
       v.name IN (SELECT name FROM ignored) AS is_ignored
FROM livekit_test.vectors AS v WHERE (v.expect->>'valid')::boolean;
SELECT is((SELECT count(*)::integer FROM accepted), 30, 'the vectors hold 30 accepted deliveries');

-- Each scenario's call, registered first ('outbound-' rooms outbound, the others inbound).
DO $$
BEGIN
    PERFORM callout.register_call(CASE WHEN r LIKE 'outbound-%' THEN 'tenant_out' ELSE 'tenant_in' END, r,
                                  CASE WHEN r LIKE 'outbound-%' THEN 'outbound' ELSE 'inbound' END)
    FROM (SELECT DISTINCT expect->>'room_name' AS r FROM livekit_test.vectors WHERE scenario IS NOT NULL) AS rooms;
END
$$;

-- First deliveries.
CREATE TEMP TABLE delivery (n bigint, round integer, status text, reason text, event_id text, call_id bigint,
                            outcome callout.call_outcome, calls_unchanged boolean,
                            PRIMARY KEY (n, round));
CREATE FUNCTION pg_temp.deliver_all(round integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v record;
    r callout.webhook_result;
    before jsonb;
BEGIN
    FOR v IN SELECT * FROM accepted ORDER BY n LOOP
        before := pg_temp.calls();
        r := pg_temp.deliver(v.body, v.token, v.verified_at);
        INSERT INTO delivery VALUES (v.n, round, r.status, r.reason, r.event_id, r.call_id, r.outcome,
                                     pg_temp.calls() = before);
    END LOOP;
END
$$;
DO $$ BEGIN PERFORM pg_temp.deliver_all(1); END $$;
CREATE TEMP TABLE after_first AS SELECT pg_temp.calls() AS calls, pg_temp.events() AS events;

-- Second deliveries: each answers duplicate / 'already processed', ignored ones ignored (30).
DO $$ BEGIN PERFORM pg_temp.deliver_all(2); END $$;
SELECT is(d.status || coalesce('/' || d.reason, ''),
          CASE WHEN a.is_ignored THEN 'ignored' ELSE 'duplicate/already processed' END,
          a.name || ': delivered again, ' || CASE WHEN a.is_ignored THEN 'ignored' ELSE 'a duplicate' END)
FROM accepted AS a JOIN delivery AS d ON d.n = a.n AND d.round = 2
ORDER BY a.n;

-- A duplicate names the event's call and its outcome, as the first delivery did (1).
SELECT is(
    ARRAY(SELECT a.name FROM accepted AS a
          JOIN delivery AS first ON first.n = a.n AND first.round = 1
          JOIN delivery AS second ON second.n = a.n AND second.round = 2
          LEFT JOIN callout.call_log AS c ON c.id = first.call_id
          WHERE NOT a.is_ignored
            AND (second.event_id IS DISTINCT FROM a.expect->>'event_id'
                 OR second.call_id IS DISTINCT FROM first.call_id
                 OR second.outcome IS DISTINCT FROM c.outcome)
          ORDER BY a.n),
    ARRAY[]::text[],
    'each duplicate names its event, the call the first delivery reached, and that call''s outcome');

-- No second delivery changed any call (1), nor any event (1).
SELECT is(ARRAY(SELECT a.name FROM accepted AS a JOIN delivery AS d ON d.n = a.n AND d.round = 2
                WHERE NOT d.calls_unchanged ORDER BY a.n),
          ARRAY[]::text[], 'every call row is identical before and after each second delivery');
SELECT is(pg_temp.events(), (SELECT events FROM after_first), 'the event rows are identical after the second deliveries');

-- Third deliveries answer as the second did (1) and change nothing either (1).
DO $$ BEGIN PERFORM pg_temp.deliver_all(3); END $$;
SELECT is(
    ARRAY(SELECT a.name FROM accepted AS a
          JOIN delivery AS second ON second.n = a.n AND second.round = 2
          JOIN delivery AS third ON third.n = a.n AND third.round = 3
          WHERE (third.status, third.reason, third.event_id, third.call_id, third.outcome)
                IS DISTINCT FROM (second.status, second.reason, second.event_id, second.call_id, second.outcome)
             OR NOT third.calls_unchanged
          ORDER BY a.n),
    ARRAY[]::text[],
    'a third delivery answers as the second and changes no call');
SELECT is(ARRAY[pg_temp.calls(), pg_temp.events()], (SELECT ARRAY[calls, events] FROM after_first),
          'after three deliveries of each, calls and events are as after the first');

-- One row per accepted event id, none for the ignored events (1).
SELECT is(
    ARRAY(SELECT event_id FROM callout.livekit_call_event
          UNION ALL SELECT event_id FROM callout.pending_event ORDER BY event_id),
    ARRAY(SELECT DISTINCT expect->>'event_id' FROM accepted WHERE NOT is_ignored ORDER BY 1),
    'exactly one event row per accepted event id (24, stored or pending), none for ignored events');

-- The same id with another body: createdAt a minute later, signed well (24) ...
CREATE TEMP TABLE conflict AS
SELECT DISTINCT ON (expect->>'event_id') name, expect->>'event_id' AS event_id, verified_at, api_key, api_secret,
       jsonb_set(body::jsonb, '{createdAt}', to_jsonb(((body::jsonb->>'createdAt')::bigint + 60)::text))::text AS body
FROM accepted WHERE NOT is_ignored
ORDER BY expect->>'event_id', n;
SELECT is(r.status || coalesce('/' || r.reason, ''), 'duplicate/conflicting_duplicate',
          c.name || ': its id with another body is a conflicting duplicate')
FROM conflict AS c,
     LATERAL pg_temp.deliver(c.body, livekit_test.livekit_token(c.body, c.api_key, c.api_secret,
                                                                extract(epoch FROM c.verified_at)::bigint),
                             c.verified_at) AS r
ORDER BY c.name;
-- ... and so is the same event re-serialized: the bytes differ (1).
SELECT is(r.status || coalesce('/' || r.reason, ''), 'duplicate/conflicting_duplicate',
          'in1_sip_participant_left_hangup: re-serialized (same JSON, other bytes) is a conflicting duplicate')
FROM livekit_test.vectors AS v,
     LATERAL pg_temp.deliver(v.body::jsonb::text,
                             livekit_test.livekit_token(v.body::jsonb::text, v.api_key, v.api_secret,
                                                        extract(epoch FROM v.verified_at)::bigint),
                             v.verified_at) AS r
WHERE v.name = 'in1_sip_participant_left_hangup';
-- None of them changed a call (1) or an event (1).
SELECT is(pg_temp.calls(), (SELECT calls FROM after_first), 'conflicting duplicates changed no call');
SELECT is(pg_temp.events(), (SELECT events FROM after_first), 'conflicting duplicates changed no event (the first body''s hash is kept)');

SELECT * FROM finish();
ROLLBACK;
