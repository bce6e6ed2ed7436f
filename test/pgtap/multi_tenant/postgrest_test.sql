-- callout behind PostgREST, tested by emulating PostgREST's request protocol in SQL: there is no
-- PostgREST binary here. PostgREST logs in as its authenticator and runs each HTTP request as one
-- transaction: SET LOCAL ROLE <the JWT's role, or the anonymous role>, then
-- set_config('request.jwt.claims', <claims json>, true), set_config('request.method' / 'request.path',
-- ..., true) and set_config('request.headers', <headers json, lower-case names>, true), then the
-- call; it answers with the HTTP status the call left in response.status. Here a request is:
--   SET SESSION AUTHORIZATION authenticator;  SET LOCAL ROLE web_anon (or web_user);
--   pg_temp.request(...) (those set_config calls);  the call;  pg_temp.end_request();
--   RESET ROLE;  RESET SESSION AUTHORIZATION;
-- All requests share this file's transaction, so pg_temp.end_request() clears what the end of
-- PostgREST's transaction would (the request settings and response.status).
--
-- Roles as a deployment creates them: authenticator (LOGIN NOINHERIT), web_anon (the anonymous
-- role: LiveKit's deliveries carry a bare JWT, not a Bearer token, so PostgREST runs them as
-- anonymous and passes the header on) and web_user (the JWT's role for readers), set up by
-- callout.grant_api_roles. LiveKit's deliveries go to POST /rpc/livekit_webhook: the raw body as
-- the single text argument, the Authorization header read from request.headers.
BEGIN;
SELECT plan(71);
\ir tenants.psql

CREATE ROLE authenticator LOGIN NOINHERIT;
CREATE ROLE web_anon NOLOGIN;
CREATE ROLE web_user NOLOGIN;
GRANT web_anon, web_user TO authenticator;

-- Deliveries are signed at 2026-01-01 12:00:00 UTC (pg_temp.mint) and verified 30 s later:
-- the clock is superuser-only, so it is pinned here, before any role switch.
SET LOCAL callout.verify_at = '2026-01-01 12:00:30+00';

-- What PostgREST sets at the start of a request (transaction-local, as PostgREST does).
CREATE FUNCTION pg_temp.request(method text, path text, claims text, headers text) RETURNS name
LANGUAGE sql
AS $$
    SELECT set_config('request.jwt.claims', claims, true), set_config('request.method', method, true),
           set_config('request.path', path, true), set_config('request.headers', headers, true);
    SELECT current_user
$$;
-- What the end of the request's transaction would clear.
CREATE FUNCTION pg_temp.end_request() RETURNS name
LANGUAGE sql
AS $$
    SELECT set_config('request.jwt.claims', '', true), set_config('request.method', '', true),
           set_config('request.path', '', true), set_config('request.headers', '', true),
           set_config('response.status', '', true), set_config('callout.user_id', '', true);
    SELECT current_user
$$;
-- The headers of a LiveKit delivery as PostgREST hands them on (lower-case names).
CREATE FUNCTION pg_temp.livekit_headers(token text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT json_build_object('host', 'api.example.test', 'user-agent', 'Go-http-client/1.1',
                             'content-type', 'application/webhook+json', 'authorization', token)::text
$$;
-- A reader's headers: PostgREST's own Bearer token (the claims below are what it decoded).
CREATE FUNCTION pg_temp.reader_headers() RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT '{"host": "api.example.test", "accept": "application/json", "authorization": "Bearer pgrst.reader.jwt"}'
$$;

-- ---- the deployment in one step (4)

SELECT lives_ok($$SELECT callout.grant_api_roles('web_anon', 'web_user', 'authenticator')$$,
                'grant_api_roles(web_anon, web_user, authenticator) sets the deployment up');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc AS p
                WHERE p.pronamespace = 'callout'::regnamespace
                  AND has_function_privilege('web_anon', p.oid, 'EXECUTE')),
          ARRAY['callout.livekit_webhook(text)'],
          'web_anon may execute callout.livekit_webhook(text) and no other callout function');
SELECT is_empty($$SELECT c.relname FROM pg_class AS c WHERE c.relnamespace = 'callout'::regnamespace
                  AND c.relkind IN ('r', 'v', 'S')
                  AND (has_table_privilege('web_anon', c.oid, 'SELECT, INSERT, UPDATE, DELETE')
                       OR has_any_column_privilege('web_anon', c.oid, 'SELECT, INSERT, UPDATE'))$$,
                'web_anon holds no privilege on any callout table, view or sequence');
SELECT ok(EXISTS (SELECT FROM callout.gateway_role WHERE role = 'authenticator'::regrole),
          'the authenticator is trusted as a gateway (its JWT sub names the tenant)');

-- A third call of tenant-a for the deliveries (registered by the superuser, as a gateway
-- would), and the deliveries: its phone leg leaving after 59 s (genuine), the same event signed
-- with a wrong secret, a genuine event of another room, a genuine body that is not JSON, a
-- token minted ten minutes early (expired), a genuine event callout ignores, and one for a
-- room no call owns.
SELECT callout.register_call('tenant-a', 'pgrst-room-a3', 'outbound', '+14155550103', 'campaign-web', 'agent-a')
       AS a3 \gset
SELECT id AS a1 FROM tap_call WHERE name = 'A1' \gset
SELECT id AS b1 FROM tap_call WHERE name = 'B1' \gset
DO $$
DECLARE
    a3_left text := pg_temp.sip_event('participant_left', 'EV_PGRST_A3_LEFT', 'pgrst-room-a3', 'RM_PGRST_A3',
                                      1767268760, 'hangup', '+14155550103', '+18005550100', 'CLIENT_INITIATED');
    large text := pg_temp.sip_event('participant_left', 'EV_PGRST_LARGE', 'pgrst-room-large', 'RM_PGRST_LARGE',
                                    1767268790, 'hangup', '+14155550199', '+18005550100', 'CLIENT_INITIATED');
BEGIN
    PERFORM pg_temp.mint('a3 left', a3_left, 'APItapShared');
    INSERT INTO tap_delivery VALUES
        ('a3 left, wrong secret', a3_left,
         livekit_test.livekit_token(a3_left, 'APItapShared', 'not-the-shared-secret', 1767268800));
    PERFORM pg_temp.mint('large', large, 'APItapShared');
    PERFORM pg_temp.mint('not json', 'event=participant_left&room=pgrst-room-a3', 'APItapShared');
    INSERT INTO tap_delivery
    SELECT 'a3 left, expired', a3_left, livekit_test.livekit_token(a3_left, k.api_key, k.api_secret, 1767268200)
    FROM tap_key AS k WHERE k.api_key = 'APItapShared';
    PERFORM pg_temp.mint('track', '{"event":"track_published","room":{"sid":"RM_PGRST_A3","name":"pgrst-room-a3"},'
                                  '"id":"EV_PGRST_TRACK","createdAt":"1767268705"}', 'APItapShared');
    PERFORM pg_temp.mint('nobody', pg_temp.room_event('room_started', 'EV_PGRST_NOBODY', 'pgrst-room-nobody',
                                                      'RM_PGRST_NOBODY', 1767268700), 'APItapShared');
    IF octet_length(large) <= 256 THEN
        RAISE EXCEPTION 'postgrest setup: the large body is only % bytes', octet_length(large);
    END IF;
END
$$;

-- ---- POST /rpc/livekit_webhook as web_anon: a genuine delivery (4)

SELECT body, token FROM tap_delivery WHERE name = 'a3 left' \gset
SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_anon;
SELECT pg_temp.request('POST', '/rpc/livekit_webhook', '{"role":"web_anon"}', pg_temp.livekit_headers(:'token'))
       AS request_role \gset
SELECT is(:'request_role'::text, 'web_anon', 'the request runs as web_anon');
SELECT is((SELECT r::text FROM callout.livekit_webhook(:'body') AS r),
          format('(processed,,EV_PGRST_A3_LEFT,%s,completed)', :a3),
          'web_anon: a genuine delivery is processed: call A3, completed');
SELECT is(current_setting('response.status', true), '200', 'web_anon: processed answers HTTP 200');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;
SELECT results_eq(format($$SELECT status::text, outcome::text, duration_seconds, disconnect_reason
                           FROM callout.call_log WHERE id = %s$$, :a3),
                  $$VALUES ('ended', 'completed', 59, 'CLIENT_INITIATED')$$,
                  'the superuser finds A3 ended, completed, 59 s, CLIENT_INITIATED');

-- ---- the same delivery again (LiveKit retries): a duplicate, still 200 (2)

SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_anon;
SELECT pg_temp.request('POST', '/rpc/livekit_webhook', '{"role":"web_anon"}', pg_temp.livekit_headers(:'token'))
       AS request_role \gset
SELECT is((SELECT r::text FROM callout.livekit_webhook(:'body') AS r),
          format('(duplicate,"already processed",EV_PGRST_A3_LEFT,%s,completed)', :a3),
          'web_anon: the same delivery again is a duplicate, already processed');
SELECT is(current_setting('response.status', true), '200', 'web_anon: a duplicate answers HTTP 200 (no retry)');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- ---- a wrong signature, an expired token, no Authorization header: 401, and the sender is not
-- told why (which keys exist, how near a forged token came); the rejection log says it (8)

SELECT body, token FROM tap_delivery WHERE name = 'a3 left, wrong secret' \gset
SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_anon;
SELECT pg_temp.request('POST', '/rpc/livekit_webhook', '{"role":"web_anon"}', pg_temp.livekit_headers(:'token'))
       AS request_role \gset
SELECT is((SELECT r::text FROM callout.livekit_webhook(:'body') AS r), '(rejected,,,,)',
          'web_anon: a token signed with the wrong secret is rejected, without its reason');
SELECT is(current_setting('response.status', true), '401', 'web_anon: a bad signature answers HTTP 401');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;

SELECT body, token FROM tap_delivery WHERE name = 'a3 left, expired' \gset
SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_anon;
SELECT pg_temp.request('POST', '/rpc/livekit_webhook', '{"role":"web_anon"}', pg_temp.livekit_headers(:'token'))
       AS request_role \gset
SELECT is((SELECT r::text FROM callout.livekit_webhook(:'body') AS r), '(rejected,,,,)',
          'web_anon: a token minted ten minutes before the pinned clock is rejected, without its reason');
SELECT is(current_setting('response.status', true), '401', 'web_anon: an expired token answers HTTP 401');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;

SELECT body FROM tap_delivery WHERE name = 'a3 left' \gset
SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_anon;
SELECT pg_temp.request('POST', '/rpc/livekit_webhook', '{"role":"web_anon"}',
                       '{"host": "api.example.test", "content-type": "application/webhook+json"}')
       AS request_role \gset
SELECT is((SELECT r::text FROM callout.livekit_webhook(:'body') AS r), '(rejected,,,,)',
          'web_anon: a delivery without an Authorization header is rejected, without its reason');
SELECT is(current_setting('response.status', true), '401', 'web_anon: no Authorization header answers HTTP 401');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;
SELECT is(ARRAY(SELECT r.reason FROM callout.rejected_delivery AS r ORDER BY r.rejected_at DESC, r.slot DESC LIMIT 3),
          ARRAY['empty_authorization', 'expired', 'bad_signature'],
          'the rejection log has the reasons the sender was not told');
SELECT is((SELECT count(*) FROM callout.livekit_call_event WHERE event_id = 'EV_PGRST_A3_LEFT'), 1::bigint,
          'the rejected deliveries stored nothing: EV_PGRST_A3_LEFT is stored once');

-- ---- a body over callout.max_body_bytes: 413 (3)

SET LOCAL callout.max_body_bytes = 256;
SELECT body, token FROM tap_delivery WHERE name = 'large' \gset
SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_anon;
SELECT pg_temp.request('POST', '/rpc/livekit_webhook', '{"role":"web_anon"}', pg_temp.livekit_headers(:'token'))
       AS request_role \gset
SELECT is((SELECT r::text FROM callout.livekit_webhook(:'body') AS r), '(rejected,body_too_large,,,)',
          'web_anon: a genuine delivery over callout.max_body_bytes (256) is rejected, body_too_large');
SELECT is(current_setting('response.status', true), '413', 'web_anon: a body too large answers HTTP 413');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;
RESET callout.max_body_bytes;
SELECT is_empty($$SELECT FROM callout.livekit_call_event WHERE event_id = 'EV_PGRST_LARGE'$$,
                'the body too large stored nothing');

-- ---- a signed body that is not JSON: 400 (2)

SELECT body, token FROM tap_delivery WHERE name = 'not json' \gset
SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_anon;
SELECT pg_temp.request('POST', '/rpc/livekit_webhook', '{"role":"web_anon"}', pg_temp.livekit_headers(:'token'))
       AS request_role \gset
SELECT is((SELECT r::text FROM callout.livekit_webhook(:'body') AS r), '(rejected,body_not_json,,,)',
          'web_anon: a correctly signed body that is not JSON is rejected, body_not_json');
SELECT is(current_setting('response.status', true), '400', 'web_anon: a body that is not JSON answers HTTP 400');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- ---- an event callout ignores and one no call owns: accepted, 200 (4)

SELECT body, token FROM tap_delivery WHERE name = 'track' \gset
SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_anon;
SELECT pg_temp.request('POST', '/rpc/livekit_webhook', '{"role":"web_anon"}', pg_temp.livekit_headers(:'token'))
       AS request_role \gset
SELECT is((SELECT r::text FROM callout.livekit_webhook(:'body') AS r), '(ignored,,EV_PGRST_TRACK,,)',
          'web_anon: a track_published delivery is ignored');
SELECT is(current_setting('response.status', true), '200', 'web_anon: an ignored event answers HTTP 200');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;

SELECT body, token FROM tap_delivery WHERE name = 'nobody' \gset
SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_anon;
SELECT pg_temp.request('POST', '/rpc/livekit_webhook', '{"role":"web_anon"}', pg_temp.livekit_headers(:'token'))
       AS request_role \gset
SELECT is((SELECT r::text FROM callout.livekit_webhook(:'body') AS r), '(unmatched,,EV_PGRST_NOBODY,,)',
          'web_anon: an event of a room no call owns is unmatched');
SELECT is(current_setting('response.status', true), '200', 'web_anon: an unmatched event answers HTTP 200');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- ---- web_anon reaches nothing else (12)

SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_anon;
SELECT pg_temp.request('GET', '/calls', '{"role":"web_anon"}', '{"host": "api.example.test"}')
       AS request_role \gset
SELECT throws_ok('SELECT id FROM callout.calls', '42501', 'permission denied for view calls',
                 'web_anon cannot read callout.calls');
SELECT throws_ok('SELECT id FROM callout.call_log', '42501', 'permission denied for table call_log',
                 'web_anon cannot read callout.call_log');
SELECT throws_ok('SELECT event_id FROM callout.livekit_call_event', '42501',
                 'permission denied for table livekit_call_event', 'web_anon cannot read callout.livekit_call_event');
SELECT throws_ok($$SELECT * FROM callout.call_stats('2026-01-01', '2026-01-02', NULL)$$, '42501',
                 'permission denied for function call_stats', 'web_anon cannot call call_stats');
SELECT throws_ok(format($$SELECT callout.get_call_outcome(%s, 'tenant-a')$$, :a1), '42501',
                 'permission denied for function get_call_outcome', 'web_anon cannot call get_call_outcome');
SELECT throws_ok($$SELECT callout.current_user_id()$$, '42501',
                 'permission denied for function current_user_id', 'web_anon cannot call current_user_id');
SELECT throws_ok($$SELECT callout.process_livekit_webhook('{}'::text, 'x')$$, '42501',
                 'permission denied for function process_livekit_webhook',
                 'web_anon cannot call process_livekit_webhook directly');
SELECT throws_ok($$SELECT callout.register_call('tenant-a', 'pgrst-room-evil', 'outbound')$$, '42501',
                 'permission denied for function register_call', 'web_anon cannot register calls');
SELECT throws_ok($$SELECT callout.update_call_log(1, '{"campaign_id": "evil"}')$$, '42501',
                 'permission denied for function update_call_log', 'web_anon cannot update calls');
SELECT throws_ok($$SELECT * FROM callout.resolve_call_context('tap-room-a1')$$, '42501',
                 'permission denied for function resolve_call_context', 'web_anon cannot resolve rooms');
SELECT throws_ok('SELECT api_secret FROM callout.signing_key', '42501', 'permission denied for table signing_key',
                 'web_anon cannot read the signing keys');
SELECT throws_ok($$SET LOCAL callout.verify_at = '2026-01-01 11:00:00+00'$$, '42501',
                 'permission denied to set parameter "callout.verify_at"',
                 'web_anon cannot move the verification clock');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- ---- GET as web_user with sub tenant-a: A's rows only (10)

SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_user;
SELECT pg_temp.request('GET', '/calls', '{"sub":"tenant-a","role":"web_user"}', pg_temp.reader_headers())
       AS request_role \gset
SELECT is(:'request_role'::text, 'web_user', 'the request runs as web_user');
SELECT is(callout.current_user_id(), 'tenant-a', 'web_user with sub tenant-a acts for tenant-a');
SELECT results_eq('SELECT id FROM callout.calls ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-a' UNION ALL SELECT :a3 ORDER BY 1),
                  'web_user with sub tenant-a: callout.calls shows A1, A2 and A3');
SELECT results_eq(format($$SELECT outcome::text, duration_seconds, answered_at FROM callout.calls WHERE id = %s$$, :a3),
                  $$VALUES ('completed', 59, '2026-01-01 11:58:21+00'::timestamptz)$$,
                  'web_user with sub tenant-a: A3 reads completed, 59 s, answered when the phone leg joined');
SELECT results_eq('SELECT event_id FROM callout.livekit_call_event ORDER BY event_id',
                  ARRAY['EV_PGRST_A3_LEFT', 'EV_TAP_A1_JOINED', 'EV_TAP_A1_LEFT', 'EV_TAP_A1_STARTED'],
                  'web_user with sub tenant-a: only A''s events');
SELECT is(ARRAY(SELECT concat_ws(' ', coalesce(bucket, '-'), attempts, completed, no_answer, busy, failed,
                                 answer_rate, total_talk_seconds, average_talk_seconds)
                FROM callout.call_stats('2026-01-01 00:00:00+00', '2026-01-02 00:00:00+00', 'none')),
          ARRAY['- 2 2 0 0 0 1.0000 246 123.00'],
          'web_user with sub tenant-a: call_stats of 2026-01-01 counts A1 (187 s) and A3 (59 s)');
SELECT is((callout.get_call_outcome(:a3, 'tenant-a')).outcome, 'completed'::callout.call_outcome,
          'web_user with sub tenant-a: get_call_outcome(A3) is completed');
SELECT is(callout.get_call_outcome(:b1, 'tenant-b'), NULL,
          'web_user with sub tenant-a: get_call_outcome of B1 is NULL');
SELECT throws_ok($$SELECT callout.register_call('tenant-a', 'pgrst-room-reader', 'outbound')$$, '42501',
                 'permission denied for function register_call', 'web_user cannot register calls');
SELECT throws_ok($$SELECT callout.livekit_webhook('{}')$$, '42501', 'permission denied for function livekit_webhook',
                 'web_user cannot deliver webhooks');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- ---- GET as web_user with sub tenant-b: B's rows only (6)

SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_user;
SELECT pg_temp.request('GET', '/calls', '{"sub":"tenant-b","role":"web_user"}', pg_temp.reader_headers())
       AS request_role \gset
SELECT is(callout.current_user_id(), 'tenant-b', 'web_user with sub tenant-b acts for tenant-b');
SELECT results_eq('SELECT id FROM callout.calls ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-b' ORDER BY id),
                  'web_user with sub tenant-b: callout.calls shows B1 and B2 only');
SELECT is(ARRAY(SELECT concat_ws(' ', coalesce(bucket, '-'), attempts, completed, no_answer, busy, failed,
                                 answer_rate, total_talk_seconds, average_talk_seconds)
                FROM callout.call_stats('2026-01-01 00:00:00+00', '2026-01-02 00:00:00+00', 'none')),
          ARRAY['- 1 0 0 0 0 0.0000 0'],
          'web_user with sub tenant-b: call_stats of 2026-01-01 counts B1 (in progress) only');
SELECT is(callout.get_call_outcome(:a3, 'tenant-a'), NULL,
          'web_user with sub tenant-b: get_call_outcome of A3 with A''s user id is NULL');
SELECT is((callout.get_call_outcome(:b1, 'tenant-b')).status, 'in_progress'::callout.call_status,
          'web_user with sub tenant-b: get_call_outcome(B1) is in_progress');
SELECT is((SELECT count(*) FROM callout.livekit_call_event WHERE user_id <> 'tenant-b'), 0::bigint,
          'web_user with sub tenant-b: no event of another tenant');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- ---- spoofing: tenant A's own login (mapped, not a gateway) naming tenant-b (7)

SET SESSION AUTHORIZATION callout_tap_a;
SELECT pg_temp.request('GET', '/calls', '{"sub":"tenant-b","role":"web_user"}', pg_temp.reader_headers())
       AS request_role \gset
SELECT set_config('callout.user_id', 'tenant-b', true) AS claimed \gset
SELECT is(callout.current_user_id(), 'tenant-a',
          'tenant A''s own login setting sub tenant-b and callout.user_id tenant-b is still tenant-a');
SELECT results_eq('SELECT id FROM callout.calls ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-a' UNION ALL SELECT :a3 ORDER BY 1),
                  'tenant A''s own login claiming tenant-b: callout.calls shows only A''s calls');
SELECT is(ARRAY(SELECT concat_ws(' ', coalesce(bucket, '-'), attempts, completed, no_answer, busy, failed,
                                 answer_rate, total_talk_seconds, average_talk_seconds)
                FROM callout.call_stats('2026-01-01 00:00:00+00', '2026-01-02 00:00:00+00', 'none')),
          ARRAY['- 2 2 0 0 0 1.0000 246 123.00'],
          'tenant A''s own login claiming tenant-b: call_stats counts only A''s calls');
SELECT is(callout.get_call_outcome(:b1, 'tenant-b'), NULL,
          'tenant A''s own login claiming tenant-b: get_call_outcome of B1 is NULL');
SELECT pg_temp.end_request() AS ended \gset
RESET SESSION AUTHORIZATION;

-- ... and the same login granted the reader role, mimicking PostgREST (SET ROLE web_user):
-- not a gateway, and web_user is no tenant, so it reads nothing.
GRANT web_user TO callout_tap_a;
SET SESSION AUTHORIZATION callout_tap_a;
SET LOCAL ROLE web_user;
SELECT pg_temp.request('GET', '/calls', '{"sub":"tenant-b","role":"web_user"}', pg_temp.reader_headers())
       AS request_role \gset
SELECT is(callout.current_user_id(), NULL,
          'tenant A''s login as web_user with sub tenant-b acts for nobody (it is no gateway)');
SELECT is_empty('SELECT id FROM callout.calls', 'tenant A''s login as web_user with sub tenant-b reads no call');
SELECT is_empty($$SELECT * FROM callout.call_stats('2026-01-01 00:00:00+00', '2027-01-01 00:00:00+00', 'none')$$,
                'tenant A''s login as web_user with sub tenant-b counts no call');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;
REVOKE web_user FROM callout_tap_a;

-- ---- claims that are not JSON, or without sub: the gateway acts for nobody (9)

SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_user;
SELECT pg_temp.request('GET', '/calls', 'not json', pg_temp.reader_headers()) AS request_role \gset
SELECT lives_ok('SELECT id FROM callout.calls', 'web_user with claims that are not JSON: reading raises no error');
SELECT is(callout.current_user_id(), NULL, 'web_user with claims that are not JSON acts for nobody');
SELECT is_empty('SELECT id FROM callout.calls', 'web_user with claims that are not JSON reads no call');
SELECT is_empty($$SELECT * FROM callout.call_stats('2026-01-01 00:00:00+00', '2027-01-01 00:00:00+00', 'none')$$,
                'web_user with claims that are not JSON counts no call');
SELECT is(callout.get_call_outcome(:a1, 'tenant-a'), NULL,
          'web_user with claims that are not JSON: get_call_outcome of A1 is NULL');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION authenticator;
SET LOCAL ROLE web_user;
SELECT pg_temp.request('GET', '/calls', '{"sub":"tenant-a"', pg_temp.reader_headers()) AS request_role \gset
SELECT is_empty('SELECT id FROM callout.calls', 'web_user with truncated claims JSON reads no call');
SELECT pg_temp.end_request() AS ended \gset
SELECT pg_temp.request('GET', '/calls', '{"role":"web_user"}', pg_temp.reader_headers()) AS request_role \gset
SELECT is(callout.current_user_id(), NULL, 'web_user with claims without sub acts for nobody');
SELECT is_empty('SELECT id FROM callout.calls', 'web_user with claims without sub reads no call');
SELECT pg_temp.end_request() AS ended \gset
SELECT pg_temp.request('GET', '/calls', '{"sub":"tenant-a","role":"web_user"}', pg_temp.reader_headers())
       AS request_role \gset
SELECT results_eq('SELECT id FROM callout.calls ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-a' UNION ALL SELECT :a3 ORDER BY 1),
                  'the next request with sub tenant-a reads A''s calls again');
SELECT pg_temp.end_request() AS ended \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
