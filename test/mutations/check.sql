-- What the deliveries answered and stored, against the reference reading of each body. One
-- line per check: "ok - ..." or "not ok - ...", with up to five examples of what differed;
-- "# ..." lines are counts for the record. Needs :max_body_bytes (as callout.max_body_bytes).
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on

-- The reasons of DESIGN.md §3, and those a delivery can have before its body is read.
CREATE TEMP TABLE vocabulary (reason text PRIMARY KEY, about_signature boolean NOT NULL);
INSERT INTO vocabulary VALUES
    ('empty_authorization', true), ('malformed_jwt', true), ('malformed_signature', true),
    ('alg_not_allowed', true), ('unknown_api_key', true), ('bad_signature', true),
    ('missing_iss', true), ('missing_exp', true), ('missing_sha256', true), ('expired', true),
    ('not_yet_valid', true), ('sha256_mismatch', true), ('jwt_needs_raw_body', true),
    ('body_too_large', false), ('body_not_json', false), ('missing_event_id', false),
    ('missing_room_name', false);

-- Every delivery with its answer written as status/reason, or error/SQLSTATE.
CREATE TEMP TABLE outcome AS
SELECT d.seq, d.kind, d.op, d.b, d.room, d.call_id AS registered_call,
       d.kind IN ('jwt', 'hmac') AS resigned,
       octet_length(d.body) > :max_body_bytes AS oversize,
       sha256(convert_to(coalesce(d.body, ''), 'UTF8')) AS body_hash,
       a.status, a.reason, a.event_id AS answered_event_id, a.call_id AS answered_call,
       a.outcome AS answered_outcome, a.sqlstate, a.message,
       CASE WHEN a.seq IS NULL THEN 'no answer'
            WHEN a.sqlstate IS NOT NULL THEN 'error/' || a.sqlstate
            ELSE coalesce(a.status, '(null)') || coalesce('/' || a.reason, '') END AS answer
FROM mutation.delivery AS d LEFT JOIN mutation.answer AS a USING (seq);
ALTER TABLE outcome ADD PRIMARY KEY (seq);

-- The re-signed deliveries with the reference reading of their bodies.
CREATE TEMP TABLE resigned AS
SELECT o.*, r.*
FROM outcome AS o JOIN mutation.delivery AS d USING (seq)
LEFT JOIN LATERAL (SELECT * FROM mutation.reference(d.body) WHERE NOT o.oversize) AS r ON true
WHERE o.resigned;
ALTER TABLE resigned ADD PRIMARY KEY (seq);

-- Which of them store their event: the processable ones that raised no error; the first of each event id stores it, later ones are
-- duplicates of it.
CREATE TEMP TABLE expected AS
SELECT r.*, x.too_long,
       CASE WHEN r.oversize THEN ARRAY['rejected/body_too_large']
            WHEN r.json_state = 'not_json' THEN ARRAY['rejected/body_not_json']
            -- beyond the nesting PostgreSQL's own JSON parser takes: its ERROR, or not JSON
            WHEN r.json_state = 'too_deep' THEN ARRAY['rejected/body_not_json', 'error/54001']
            WHEN r.json_state = 'unrepresentable' THEN ARRAY['rejected/body_not_json']
            WHEN r.reading = 'not_object' THEN ARRAY['rejected/body_not_json']
            WHEN r.reading = 'ignored' THEN ARRAY['ignored']
            WHEN r.reading = 'error' THEN ARRAY['error/22023']
            WHEN x.too_long THEN ARRAY['error/22023']
            WHEN r.reading IN ('missing_event_id', 'missing_room_name') THEN
                ARRAY['rejected/' || r.reading] || CASE WHEN r.lazy_error THEN ARRAY['error/22023'] ELSE '{}' END
       END AS allowed,
       r.reading = 'processable' AND NOT x.too_long AND r.answer NOT LIKE 'error/%' AS stores
FROM resigned AS r,
     -- an indexed value longer than ingestion stores (event id, room sid and SIP phone number:
     -- 256 bytes; room name: 1024): ERROR 22023
     LATERAL (SELECT coalesce(r.reading = 'processable'
                              AND (octet_length(r.event_id) > 256 OR octet_length(r.room_name) > 1024
                                   OR octet_length(r.room_sid) > 256
                                   OR octet_length(r.sip_phone_number) > 256), false)
                     AS too_long) AS x;
ALTER TABLE expected ADD PRIMARY KEY (seq);

-- The events stored, and the call each reaches, delivery after delivery, in the order they
-- were delivered (README, "Calls and events"): the call bound to its room sid under the same
-- room name; else the one open call of its room name whose sid is not bound (and whose tenant
-- holds the sid on no other call). A call is bound to the sid of its first event that has one,
-- and is closed by a SIP participant's leave or room_finished. Event ids are unique per tenant:
-- an event that reaches a call is stored under the call's tenant (every call here is
-- tenant-mutation's), one that reaches none waits in the pending store (every key here is
-- unbound); the first delivery of an id where it goes stores it, later ones are its duplicates.
CREATE TEMP TABLE stored AS
SELECT e.seq, e.event_id, e.event_type, e.room_name, e.room_sid, e.created_at, e.created_at_known,
       e.participant_identity, e.participant_kind, e.is_sip, e.disconnect_reason, e.sip_call_status,
       e.sip_call_id, e.sip_call_id_full,
       e.call_duration, e.call_duration_known, e.recording_url, e.payload, e.kind, e.body_hash,
       NULL::bigint AS call_id, NULL::text AS target
FROM expected AS e WHERE false;
ALTER TABLE stored ADD PRIMARY KEY (target, event_id);
CREATE INDEX ON stored (seq);
ALTER TABLE expected ADD COLUMN target text, ADD COLUMN stored_seq bigint;

CREATE TEMP TABLE simulated_call AS
SELECT d.call_id AS id, d.room AS room_name, NULL::text AS room_sid, false AS ended
FROM mutation.delivery AS d WHERE d.call_id IS NOT NULL;
CREATE UNIQUE INDEX ON simulated_call (id);
CREATE INDEX ON simulated_call (room_name);
CREATE INDEX ON simulated_call (room_sid);
DO $$
DECLARE
    s record;
    found_call bigint;
    place text;
    first_seq bigint;
BEGIN
    FOR s IN SELECT * FROM expected WHERE stores ORDER BY seq LOOP
        found_call := NULL;
        IF s.room_sid IS NOT NULL THEN
            SELECT c.id INTO found_call FROM simulated_call AS c
            WHERE c.room_sid = s.room_sid AND c.room_name = s.room_name;
        END IF;
        IF found_call IS NULL AND NOT EXISTS (SELECT FROM simulated_call AS c
                                              WHERE c.room_sid = s.room_sid AND c.room_name = s.room_name) THEN
            SELECT c.id INTO found_call FROM simulated_call AS c
            WHERE c.room_name = s.room_name AND NOT c.ended AND c.room_sid IS NULL
              AND NOT EXISTS (SELECT FROM simulated_call AS o WHERE o.room_sid = s.room_sid);
        END IF;
        place := CASE WHEN found_call IS NULL THEN 'pending' ELSE 'tenant-mutation' END;
        SELECT t.seq INTO first_seq FROM stored AS t WHERE t.target = place AND t.event_id = s.event_id;
        IF first_seq IS NULL THEN
            first_seq := s.seq;
            INSERT INTO stored
            VALUES (s.seq, s.event_id, s.event_type, s.room_name, s.room_sid, s.created_at, s.created_at_known,
                    s.participant_identity, s.participant_kind, s.is_sip, s.disconnect_reason, s.sip_call_status,
                    s.sip_call_id, s.sip_call_id_full, s.call_duration, s.call_duration_known, s.recording_url, s.payload, s.kind, s.body_hash,
                    found_call, place);
            IF found_call IS NOT NULL THEN
                UPDATE simulated_call AS c
                SET room_sid = coalesce(c.room_sid, s.room_sid),
                    ended = c.ended OR s.event_type = 'room_finished'
                            OR s.is_sip AND s.event_type IN ('participant_left', 'participant_connection_aborted')
                WHERE c.id = found_call;
            END IF;
        END IF;
        UPDATE expected AS e SET target = place, stored_seq = first_seq WHERE e.seq = s.seq;
    END LOOP;
END
$$;
CREATE INDEX ON stored (call_id);

-- The answer each processable re-signed delivery must give.
UPDATE expected AS e
SET allowed = CASE
        WHEN s.seq = e.seq THEN ARRAY[CASE WHEN s.call_id IS NOT NULL THEN 'processed' ELSE 'unmatched' END]
        WHEN s.seq IS NOT NULL THEN ARRAY['duplicate/' || CASE WHEN s.body_hash = e.body_hash THEN 'already processed'
                                                                ELSE 'conflicting_duplicate' END]
        ELSE ARRAY['(stored by nobody)'] END
        || CASE WHEN e.lazy_error THEN ARRAY['error/22023'] ELSE '{}' END
FROM (SELECT x.seq AS own_seq, s.* FROM expected AS x LEFT JOIN stored AS s ON s.seq = x.stored_seq
      WHERE x.reading = 'processable') AS s
WHERE s.own_seq = e.seq AND e.stores;
UPDATE expected AS e
SET allowed = ARRAY['processed', 'unmatched', 'duplicate/already processed', 'duplicate/conflicting_duplicate', 'error/22023']
WHERE e.reading = 'processable' AND NOT e.too_long AND NOT e.stores AND e.lazy_error;
UPDATE expected AS e SET allowed = ARRAY['an answer (processed, unmatched or duplicate)']
WHERE e.reading = 'processable' AND NOT e.too_long AND NOT e.stores AND NOT e.lazy_error;

-- One line per check.
\ir ../fixtures/check_line.sql

-- ---- answers -------------------------------------------------------------------------------

SELECT pg_temp.check('every mutation was delivered and answered or raised an ERROR',
    count(*) FILTER (WHERE answer = 'no answer'),
    string_agg(seq::text, ', ') FILTER (WHERE answer = 'no answer'))
FROM outcome;

SELECT pg_temp.check('every unsigned mutation answers rejected',
    count(*), string_agg(format('#%s %s %s -> %s', seq, kind, op, answer), '; ') FILTER (WHERE n <= 5))
FROM (SELECT o.*, row_number() OVER (ORDER BY seq) AS n FROM outcome AS o
      WHERE NOT resigned AND answer NOT LIKE 'rejected/%') AS o;

-- A mutated body under LiveKit's own token: too large, else the token's own verdict when it
-- fails before the body hash is compared, else sha256_mismatch.
SELECT pg_temp.check('unsigned mutated bodies: body_too_large, the token''s own reason, or sha256_mismatch',
    count(*), string_agg(format('#%s %s %s -> %s, expected %s', seq, base, op, answer, wanted), '; ') FILTER (WHERE n <= 5))
FROM (SELECT o.*, b.name AS base, x.wanted, row_number() OVER (ORDER BY seq) AS n
      FROM outcome AS o JOIN mutation.base AS b USING (b),
           LATERAL (SELECT 'rejected/' || CASE WHEN o.oversize THEN 'body_too_large'
                                               WHEN b.reason IN ('ok', 'body_not_json', 'sha256_mismatch') THEN 'sha256_mismatch'
                                               ELSE b.reason END AS wanted) AS x
      WHERE o.kind = 'body' AND o.answer <> x.wanted) AS o;

SELECT pg_temp.check('unsigned mutated tokens: rejected with a reason about the signature',
    count(*), string_agg(format('#%s %s -> %s', seq, op, answer), '; ') FILTER (WHERE n <= 5))
FROM (SELECT o.*, row_number() OVER (ORDER BY seq) AS n FROM outcome AS o
      WHERE o.kind = 'token' AND o.answer NOT IN (SELECT 'rejected/' || reason FROM vocabulary WHERE about_signature)) AS o;

SELECT pg_temp.check('unsigned deliveries verified 1000 s after or before their token: expired / not_yet_valid',
    count(*), string_agg(format('#%s %s -> %s', seq, op, answer), '; ') FILTER (WHERE n <= 5))
FROM (SELECT o.*, row_number() OVER (ORDER BY seq) AS n FROM outcome AS o
      WHERE o.kind = 'clock'
        AND o.answer <> CASE o.op WHEN 'clock_late' THEN 'rejected/expired' ELSE 'rejected/not_yet_valid' END) AS o;

SELECT pg_temp.check('re-signed mutations: a status, and for rejected ones a reason from DESIGN''s vocabulary',
    count(*), string_agg(format('#%s %s -> %s', seq, op, answer), '; ') FILTER (WHERE n <= 5))
FROM (SELECT o.*, row_number() OVER (ORDER BY seq) AS n FROM outcome AS o
      WHERE o.resigned AND o.answer NOT LIKE 'error/%'
        AND (o.status IS NULL OR o.status NOT IN ('processed', 'duplicate', 'unmatched', 'ignored', 'rejected')
             OR o.status = 'rejected' AND o.reason NOT IN (SELECT reason FROM vocabulary))) AS o;

SELECT pg_temp.check('re-signed mutations: the answer of the reference reading',
    count(*), string_agg(format('#%s %s -> %s, expected %s', seq, op, coalesce(answer || ' ' || message, answer),
                                array_to_string(allowed, ' or ')), '; ') FILTER (WHERE n <= 5))
FROM (SELECT e.*, row_number() OVER (ORDER BY seq) AS n FROM expected AS e
      WHERE e.answer <> ALL (e.allowed)) AS e;

SELECT pg_temp.check('answers name the event id they stored or found',
    count(*), string_agg(format('#%s %s -> %s', seq, op, answered_event_id), '; ') FILTER (WHERE n <= 5))
FROM (SELECT e.*, row_number() OVER (ORDER BY seq) AS n FROM expected AS e
      WHERE e.status IN ('processed', 'unmatched', 'duplicate') AND e.answered_event_id IS DISTINCT FROM e.event_id) AS e;

-- ---- what is stored ------------------------------------------------------------------------

SELECT pg_temp.check('livekit_call_event and the pending store hold exactly the events the reference stores, each once where it goes',
    count(*), string_agg(format('%s %s', coalesce(s.event_id, t.event_id),
                                CASE WHEN t.event_id IS NULL THEN 'missing' WHEN s.event_id IS NULL THEN 'unexpected'
                                     ELSE 'stored ' || t.copies || ' times' END), '; '))
FROM stored AS s
FULL JOIN (SELECT e.event_id, coalesce(e.user_id, 'pending') AS target, count(*) AS copies
           FROM public.stored_event AS e GROUP BY 1, 2) AS t USING (event_id, target)
WHERE s.event_id IS NULL OR t.event_id IS NULL OR t.copies <> 1;

SELECT pg_temp.check('stored events hold the reference''s facts (type, room, sid, participant, SIP status and call ids, instants, duration, recording, key, body hash, call)',
    count(*), string_agg(format('%s: %s', event_id, what), '; ') FILTER (WHERE n <= 5))
FROM (SELECT x.*, row_number() OVER (ORDER BY x.seq) AS n FROM (SELECT s.event_id, s.seq, concat_ws(', ',
          CASE WHEN e.event_type IS DISTINCT FROM s.event_type THEN 'event_type ' || e.event_type END,
          CASE WHEN e.room_name IS DISTINCT FROM s.room_name THEN 'room_name' END,
          CASE WHEN e.room_sid IS DISTINCT FROM s.room_sid THEN 'room_sid ' || coalesce(e.room_sid, 'NULL') || ' vs ' || coalesce(s.room_sid, 'NULL') END,
          CASE WHEN e.participant_identity IS DISTINCT FROM s.participant_identity THEN 'participant_identity' END,
          CASE WHEN e.participant_kind IS DISTINCT FROM s.participant_kind THEN 'participant_kind ' || coalesce(e.participant_kind, 'NULL') END,
          CASE WHEN e.is_sip IS DISTINCT FROM s.is_sip THEN 'is_sip' END,
          CASE WHEN e.disconnect_reason IS DISTINCT FROM s.disconnect_reason THEN 'disconnect_reason ' || coalesce(e.disconnect_reason, 'NULL') END,
          CASE WHEN e.sip_call_status IS DISTINCT FROM s.sip_call_status THEN 'sip_call_status' END,
          CASE WHEN e.sip_call_id IS DISTINCT FROM s.sip_call_id THEN 'sip_call_id' END,
          CASE WHEN e.sip_call_id_full IS DISTINCT FROM s.sip_call_id_full THEN 'sip_call_id_full' END,
          CASE WHEN s.created_at_known AND e.event_created_at IS DISTINCT FROM s.created_at
               THEN 'event_created_at ' || coalesce(e.event_created_at::text, 'NULL') || ' vs ' || coalesce(s.created_at::text, 'NULL') END,
          CASE WHEN s.call_duration_known AND e.call_duration_seconds IS DISTINCT FROM s.call_duration
               THEN 'call_duration_seconds ' || coalesce(e.call_duration_seconds::text, 'NULL') || ' vs ' || coalesce(s.call_duration::text, 'NULL') END,
          CASE WHEN e.recording_url IS DISTINCT FROM s.recording_url THEN 'recording_url' END,
          CASE WHEN e.api_key IS DISTINCT FROM CASE s.kind WHEN 'jwt' THEN 'APImutation' ELSE 'APImutplain' END THEN 'api_key' END,
          CASE WHEN e.body_sha256 IS DISTINCT FROM s.body_hash THEN 'body_sha256' END,
          CASE WHEN e.call_log_id IS DISTINCT FROM s.call_id THEN 'call_log_id' END) AS what
      FROM stored AS s
      JOIN (SELECT e.*, coalesce(e.user_id, 'pending') AS target FROM public.stored_event AS e) AS e
      USING (event_id, target)) AS x WHERE x.what <> '') AS x;

SELECT pg_temp.check('stored payloads are the event without credential values, as the reference redacts it',
    count(*), string_agg(s.event_id, ', ') FILTER (WHERE n <= 5))
FROM (SELECT s.*, row_number() OVER (ORDER BY s.seq) AS n FROM stored AS s
      JOIN (SELECT e.*, coalesce(e.user_id, 'pending') AS target FROM public.stored_event AS e) AS e
      USING (event_id, target)
      WHERE s.payload IS NOT NULL AND e.payload IS DISTINCT FROM s.payload) AS s;

SELECT pg_temp.check('no stored payload holds a credential key at any depth',
    count(*), string_agg(e.event_id, ', ') FILTER (WHERE n <= 5))
FROM (SELECT e.*, row_number() OVER (ORDER BY e.id) AS n FROM public.stored_event AS e
      WHERE e.payload::text ~ '"(turnPassword|accessKey|secret|sessionToken|assumeRoleExternalId|credentials|accountKey|urls|websocketUrl|signingKey|streamKey|authPassword)": ') AS e;

-- ---- calls ---------------------------------------------------------------------------------

-- (The outcome an answer names is the call's at that moment: compared for calls that got one
-- event, whose outcome never changed afterwards.)
SELECT pg_temp.check('processed and duplicate answers name the call of the stored event and its outcome',
    count(*), string_agg(format('#%s %s call %s/%s outcome %s/%s', x.seq, x.answer, x.answered_call, x.call_id,
                                x.answered_outcome, x.outcome), '; ') FILTER (WHERE n <= 5))
FROM (SELECT e.seq, e.answer, e.answered_call, e.answered_outcome, s.call_id, c.outcome,
             row_number() OVER (ORDER BY e.seq) AS n
      FROM expected AS e JOIN stored AS s ON s.seq = e.stored_seq LEFT JOIN callout.call_log AS c ON c.id = s.call_id
      WHERE e.status IN ('processed', 'duplicate')
        AND (e.answered_call IS DISTINCT FROM s.call_id
             OR e.answered_outcome IS DISTINCT FROM c.outcome
                AND (SELECT count(*) FROM stored AS t WHERE t.call_id = s.call_id) = 1)) AS x;

-- Each call row as DESIGN.md §4 makes it of the set of its events: ended by a SIP leave or
-- room_finished, in progress once the SIP leg is seen, else still registered; classified once
-- ended. A call with one event (nearly all: each room is its own) takes that event's end,
-- duration and recording.
SELECT pg_temp.check('call rows follow their events (status, end, duration, recording, SIP call ids, outcome); calls without one are untouched',
    count(*), string_agg(format('call %s (%s): %s', id, coalesce(events || ' events', 'no event'), what), '; ') FILTER (WHERE n <= 5))
FROM (SELECT x.*, row_number() OVER (ORDER BY x.id) AS n FROM (SELECT c.id, s.events, concat_ws(', ',
          CASE WHEN c.status <> CASE WHEN s.ended THEN 'ended' WHEN s.sip_seen THEN 'in_progress' ELSE 'registered' END::callout.call_status
               THEN 'status ' || c.status END,
          CASE WHEN s.events = 1 AND c.status = 'ended' AND s.created_at_known AND c.ended_at IS DISTINCT FROM s.created_at
               THEN 'ended_at' END,
          CASE WHEN s.events = 1 AND c.status = 'ended' AND s.call_duration_known AND c.duration_seconds IS DISTINCT FROM s.call_duration
               THEN 'duration_seconds' END,
          CASE WHEN s.events = 1 AND s.event_type = 'egress_ended' AND c.recording_url IS DISTINCT FROM s.recording_url
               THEN 'recording_url' END,
          CASE WHEN s.events = 1 AND (c.sip_call_id IS DISTINCT FROM s.sip_call_id
                                      OR c.sip_call_id_full IS DISTINCT FROM s.sip_call_id_full)
               THEN 'sip_call_id' END,
          CASE WHEN c.status = 'ended' AND c.outcome IS DISTINCT FROM callout.classify_outcome(
                   CASE WHEN s.sip_seen THEN c.duration_seconds END, c.disconnect_reason, c.sip_call_status,
                   current_setting('callout.min_connected_seconds')::numeric,
                   current_setting('callout.min_completed_seconds')::numeric) THEN 'outcome' END,
          CASE WHEN c.status <> 'ended' AND c.outcome IS NOT NULL THEN 'an outcome before the end' END,
          CASE WHEN s.events IS NULL AND (c.room_sid IS NOT NULL OR c.started_at IS NOT NULL OR c.ended_at IS NOT NULL
                                          OR c.recording_url IS NOT NULL OR c.disconnect_reason IS NOT NULL
                                          OR c.duration_seconds IS NOT NULL OR c.sip_call_status IS NOT NULL
                                          OR c.sip_call_id IS NOT NULL OR c.answered_at IS NOT NULL)
               THEN 'webhook-owned columns set without an event' END,
          CASE WHEN s.events IS NOT NULL AND c.room_sid IS DISTINCT FROM s.room_sid THEN 'room_sid' END) AS what
      FROM callout.call_log AS c
      LEFT JOIN (SELECT s.call_id, count(*) AS events, min(s.event_type) AS event_type,
                        bool_or(s.event_type = 'room_finished'
                                OR s.is_sip AND s.event_type IN ('participant_left', 'participant_connection_aborted')) AS ended,
                        bool_or(s.is_sip) AS sip_seen,
                        min(s.created_at) AS created_at, bool_and(s.created_at_known) AS created_at_known,
                        min(s.call_duration) AS call_duration, bool_and(s.call_duration_known) AS call_duration_known,
                        min(s.recording_url) AS recording_url,
                        min(s.sip_call_id) AS sip_call_id, min(s.sip_call_id_full) AS sip_call_id_full,
                        (SELECT c.room_sid FROM simulated_call AS c WHERE c.id = s.call_id) AS room_sid
                 FROM stored AS s WHERE s.call_id IS NOT NULL GROUP BY s.call_id) AS s ON s.call_id = c.id) AS x
      WHERE x.what <> '') AS x;

SELECT pg_temp.check('every call is one registered by the test',
    count(*) - (SELECT count(*) FROM mutation.delivery WHERE call_id IS NOT NULL), NULL)
FROM callout.call_log;

-- ---- for the record ------------------------------------------------------------------------

SELECT format('# %s mutations: %s unsigned (%s body, %s token, %s clock), %s re-signed (%s JWT, %s plain HMAC)',
              count(*), count(*) FILTER (WHERE NOT resigned), count(*) FILTER (WHERE kind = 'body'),
              count(*) FILTER (WHERE kind = 'token'), count(*) FILTER (WHERE kind = 'clock'),
              count(*) FILTER (WHERE resigned), count(*) FILTER (WHERE kind = 'jwt'),
              count(*) FILTER (WHERE kind = 'hmac'))
FROM outcome;
SELECT format('# re-signed answers: %s', string_agg(format('%s %s', answer, n), ', ' ORDER BY n DESC))
FROM (SELECT answer, count(*) AS n FROM outcome WHERE resigned GROUP BY 1) AS a;
SELECT format('# stored %s events (%s matched to calls, %s calls with several events); %s payloads too deep for the reference to rebuild',
              count(*), count(*) FILTER (WHERE call_id IS NOT NULL),
              (SELECT count(*) FROM (SELECT call_id FROM stored WHERE call_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) AS m),
              count(*) FILTER (WHERE payload IS NULL))
FROM stored;
SELECT format('# a field of the wrong type where callout may or may not read it: %s deliveries (%s raised 22023, %s answered)',
              count(*), count(*) FILTER (WHERE answer = 'error/22023'), count(*) FILTER (WHERE answer NOT LIKE 'error/%'))
FROM expected WHERE lazy_error AND reading <> 'error';
