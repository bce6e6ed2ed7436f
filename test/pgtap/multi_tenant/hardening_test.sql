-- Tenancy hardening (README: Ingestion, Tenancy):
--   * a role that inherits several different tenant mappings maps to nothing (no tenant, no
--     auditor, no rows), while a role's own mapping wins over the ones it inherits;
--   * map_tenant_role and trust_gateway_role refuse PUBLIC in any case, the predefined pg_*
--     roles and names that are no role, and map_tenant_role an empty user_id;
--   * add_signing_key refuses an empty key, secret or user_id with its own error, which never
--     shows the secret;
--   * a call a tenant's bound key created (origin tenant_key, also when the leg's number is the
--     tenant's routed one) takes only that tenant's keys, and picks up only that tenant's waiting
--     events; calls from a phone route (an unbound key's leg) or registered by a gateway take
--     unbound keys too;
--   * across two phone legs, the leg whose leave ended the call gives the reason and the SIP
--     status, whatever the delivery order;
--   * one event id delivered for two rooms is stored once;
--   * a gateway registers calls only for the tenant it says it acts for; a superuser for any.
-- Tokens are minted by the SQL signer at 2026-01-01 12:00:00 UTC and verified at that instant.
BEGIN;
SELECT plan(100);
\ir tenants.psql
SET LOCAL callout.verify_at = '2026-01-01 12:00:00+00';

-- ---- functions of this file

-- A participant's event as LiveKit's server writes it (protobuf JSON, int64 as strings, map
-- keys sorted): `identity` is the participant, `attributes` its attributes (sip.* for a phone
-- leg), `reason` its disconnectReason (omitted when NULL, as protobuf omits the zero value).
CREATE FUNCTION pg_temp.participant_event(event text, event_id text, room text, room_sid text,
                                          created_at bigint, identity text, kind text, joined_at bigint,
                                          attributes jsonb DEFAULT NULL, reason text DEFAULT NULL)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format('{"event":%s,"room":{"sid":%s,"name":%s,"emptyTimeout":300,"departureTimeout":20,'
                  '"creationTime":"1767268700","turnPassword":"tap-turn-password","numParticipants":1},'
                  '"participant":{"sid":%s,"identity":%s,"state":%s,"joinedAt":"%s","joinedAtMs":"%s046",'
                  '"name":%s%s%s%s},"id":%s,"createdAt":"%s"}',
                  to_json(event), to_json(room_sid), to_json(room), to_json('PA_' || identity), to_json(identity),
                  to_json(CASE WHEN event = 'participant_joined' THEN 'ACTIVE' ELSE 'DISCONNECTED' END),
                  joined_at, joined_at, to_json(identity),
                  CASE WHEN kind IS NULL THEN '' ELSE ',"kind":' || to_json(kind)::text END,
                  CASE WHEN attributes IS NULL THEN ''
                       ELSE ',"attributes":{' || (SELECT string_agg(format('%s:%s', to_json(a.key), to_json(a.value)),
                                                                    ',' ORDER BY a.key)
                                                  FROM jsonb_each_text(attributes) AS a) || '}' END,
                  CASE WHEN reason IS NULL THEN '' ELSE ',"disconnectReason":' || to_json(reason)::text END,
                  to_json(event_id), created_at)
$$;

-- A phone leg's sip.* attributes; sip.ruleID only on an inbound leg a dispatch rule routed.
CREATE FUNCTION pg_temp.sip_attributes(call_status text, phone text, trunk_phone text, rule_id text DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object('sip.callID', 'SCL_' || md5(phone || trunk_phone),
                                                'sip.callStatus', call_status, 'sip.phoneNumber', phone,
                                                'sip.ruleID', rule_id, 'sip.trunkPhoneNumber', trunk_phone))
$$;

-- The SQLSTATE, message, detail, hint and context of a statement's error (code 'no error' when
-- it succeeds), as the current role.
CREATE FUNCTION pg_temp.error_of(statement text, OUT code text, OUT message text, OUT detail text,
                                 OUT hint text, OUT context text)
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE statement;
    code := 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
                            hint = PG_EXCEPTION_HINT, context = PG_EXCEPTION_CONTEXT;
END
$$;

-- The same for add_signing_key, its arguments passed as values (never written into a statement,
-- so nothing but add_signing_key itself could put the secret into the error).
CREATE FUNCTION pg_temp.add_key_error(api_key text, api_secret text, user_id text, OUT code text,
                                      OUT message text, OUT detail text, OUT hint text, OUT context text)
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM callout.add_signing_key(api_key, api_secret, user_id);
    code := 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
                            hint = PG_EXCEPTION_HINT, context = PG_EXCEPTION_CONTEXT;
END
$$;
REVOKE ALL ON FUNCTION pg_temp.add_key_error(text, text, text) FROM PUBLIC;

-- The event rows with these ids, as "event_id call user_id api_key" (call: its room name, or -
-- while unmatched; user_id - when NULL).
CREATE FUNCTION pg_temp.stored(event_ids text[]) RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT ARRAY(SELECT s.line FROM (
                     SELECT e.event_id, format('%s %s %s %s', e.event_id, coalesce(c.room_name, '-'), e.user_id,
                                               e.api_key) AS line
                     FROM callout.livekit_call_event AS e LEFT JOIN callout.call_log AS c ON c.id = e.call_log_id
                     WHERE e.event_id = ANY (event_ids)
                     UNION ALL
                     SELECT p.event_id, format('%s - - %s', p.event_id, p.api_key)  -- pending: no tenant yet
                     FROM callout.pending_event AS p WHERE p.event_id = ANY (event_ids)) AS s
                 ORDER BY s.line)
$$;
REVOKE ALL ON FUNCTION pg_temp.stored(text[]) FROM PUBLIC;

-- The call of a room as the superuser reads it, without the columns only the clock decides.
CREATE FUNCTION pg_temp.room_call(room text) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_agg(to_jsonb(c) - '{created_at,updated_at}'::text[] ORDER BY c.id)
    FROM callout.call_log AS c WHERE c.room_name = room
$$;
REVOKE ALL ON FUNCTION pg_temp.room_call(text) FROM PUBLIC;

-- What a tenant reads, computed by the superuser before logging in as someone else.
CREATE TEMP TABLE tap_expected AS
SELECT ARRAY(SELECT id FROM callout.call_log WHERE user_id = 'tenant-a' ORDER BY id) AS a_calls,
       ARRAY(SELECT id FROM callout.call_log WHERE user_id = 'tenant-b' ORDER BY id) AS b_calls,
       ARRAY(SELECT id FROM callout.call_log ORDER BY id) AS all_calls,
       ARRAY(SELECT event_id FROM callout.livekit_call_event WHERE user_id = 'tenant-a' ORDER BY event_id)
           AS a_events,
       (SELECT jsonb_agg(metadata ORDER BY id) FROM callout.call_log) AS metadata;
GRANT SELECT ON tap_expected TO PUBLIC;

-- ---- several inherited mappings map to nothing; a role's own mapping wins (24)

-- mixed: inherits tenant-b and the auditor; two_tenants: inherits tenant-a and tenant-b;
-- a_twice: inherits tenant-a twice (one mapping, not ambiguous); own_tenant: mapped to tenant-a
-- itself, inheriting tenant-b and the auditor; own_auditor: an auditor itself, inheriting
-- tenant-a and tenant-b.
CREATE ROLE callout_tap_a_again NOLOGIN;
CREATE ROLE callout_tap_mixed LOGIN IN ROLE callout_tap_b, callout_tap_auditor;
CREATE ROLE callout_tap_two_tenants LOGIN IN ROLE callout_tap_a, callout_tap_b;
CREATE ROLE callout_tap_a_twice LOGIN IN ROLE callout_tap_a, callout_tap_a_again;
CREATE ROLE callout_tap_own_tenant LOGIN IN ROLE callout_tap_b, callout_tap_auditor;
CREATE ROLE callout_tap_own_auditor LOGIN IN ROLE callout_tap_a, callout_tap_b;
DO $$
BEGIN
    PERFORM callout.map_tenant_role('callout_tap_a_again', 'tenant-a');
    PERFORM callout.map_tenant_role('callout_tap_own_tenant', 'tenant-a');
    PERFORM callout.map_tenant_role('callout_tap_own_auditor', NULL);
END
$$;

SET SESSION AUTHORIZATION callout_tap_mixed;
SELECT is(callout.current_user_id(), NULL, 'tenant-b and the auditor inherited: no tenant');
SELECT ok(NOT callout.is_auditor(), 'tenant-b and the auditor inherited: not an auditor');
SELECT is_empty('SELECT id FROM callout.call_log', 'tenant-b and the auditor inherited: reads no call');
SELECT is_empty('SELECT event_id FROM callout.livekit_call_event',
                'tenant-b and the auditor inherited: reads no event');
SELECT is(pg_temp.affected($$UPDATE callout.call_log SET metadata = '{"by": "mixed"}'$$), 0::bigint,
          'tenant-b and the auditor inherited: an UPDATE of every call changes none');
SELECT is(callout.update_call_log((SELECT id FROM tap_call WHERE name = 'B1'), '{"metadata": {"by": "mixed"}}'),
          false, 'tenant-b and the auditor inherited: update_call_log of B1 answers false');
-- the mapping is the invoking role's: SET ROLE to one of them is that one
SET ROLE callout_tap_b;
SELECT is(callout.current_user_id(), 'tenant-b', 'after SET ROLE to tenant B''s role: tenant-b');
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id', (SELECT b_calls FROM tap_expected),
                  'after SET ROLE to tenant B''s role: reads B''s calls');
SET ROLE callout_tap_auditor;
SELECT ok(callout.is_auditor(), 'after SET ROLE to the auditor role: an auditor');
RESET ROLE;
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION callout_tap_two_tenants;
SELECT is(callout.current_user_id(), NULL, 'tenant-a and tenant-b inherited: no tenant');
SELECT ok(NOT callout.is_auditor(), 'tenant-a and tenant-b inherited: not an auditor');
SELECT is_empty('SELECT id FROM callout.call_log', 'tenant-a and tenant-b inherited: reads no call');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION callout_tap_a_twice;
SELECT is(callout.current_user_id(), 'tenant-a', 'tenant-a inherited through two roles: tenant-a');
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id', (SELECT a_calls FROM tap_expected),
                  'tenant-a inherited through two roles: reads A''s calls');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION callout_tap_own_tenant;
SELECT is(callout.current_user_id(), 'tenant-a', 'mapped to tenant-a, inheriting tenant-b and the auditor: tenant-a');
SELECT ok(NOT callout.is_auditor(), 'mapped to tenant-a, inheriting the auditor: not an auditor');
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id', (SELECT a_calls FROM tap_expected),
                  'mapped to tenant-a, inheriting tenant-b and the auditor: reads exactly A''s calls');
SELECT results_eq('SELECT event_id FROM callout.livekit_call_event ORDER BY event_id',
                  (SELECT a_events FROM tap_expected),
                  'mapped to tenant-a, inheriting tenant-b and the auditor: reads exactly A''s events');
SELECT is(callout.update_call_log((SELECT id FROM tap_call WHERE name = 'B1'), '{"metadata": {"by": "own"}}'),
          false, 'mapped to tenant-a, inheriting tenant-b: update_call_log of B1 answers false');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION callout_tap_own_auditor;
SELECT ok(callout.is_auditor(), 'an auditor itself, inheriting tenant-a and tenant-b: an auditor');
SELECT is(callout.current_user_id(), NULL, 'an auditor itself, inheriting tenant-a and tenant-b: no tenant');
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id', (SELECT all_calls FROM tap_expected),
                  'an auditor itself, inheriting tenant-a and tenant-b: reads every call');
SELECT is(pg_temp.affected($$UPDATE callout.call_log SET metadata = '{"by": "auditor"}'$$), 0::bigint,
          'an auditor itself, inheriting tenants'' UPDATE: changes no call');
RESET SESSION AUTHORIZATION;

SELECT is((SELECT jsonb_agg(c.metadata ORDER BY c.id) FROM callout.call_log AS c),
          (SELECT metadata FROM tap_expected),
          'no call''s metadata was written by the ambiguous or auditor roles');

-- ---- roles that are never mapped or trusted (19)

-- Roles that exist, spelled like PUBLIC, and one that only starts with "pg".
CREATE ROLE "PUBLIC" NOLOGIN;
CREATE ROLE "Public" NOLOGIN;
CREATE ROLE pgcallout_tap_reader NOLOGIN;
CREATE TEMP TABLE tap_trust_before AS
SELECT (SELECT jsonb_agg(to_jsonb(t) ORDER BY t.role::text) FROM callout.tenant_role AS t) AS tenant_roles,
       (SELECT jsonb_agg(to_jsonb(g) ORDER BY g.role::text) FROM callout.gateway_role AS g) AS gateway_roles,
       ARRAY[(SELECT nspacl::text FROM pg_namespace WHERE nspname = 'callout'),
             (SELECT relacl::text FROM pg_class WHERE oid = 'callout.call_log'::regclass),
             (SELECT relacl::text FROM pg_class WHERE oid = 'callout.livekit_call_event'::regclass),
             (SELECT proacl::text FROM pg_proc WHERE oid = 'callout.current_user_id()'::regprocedure),
             (SELECT proacl::text FROM pg_proc
              WHERE oid = 'callout.register_call(text, text, text, text, text, text, jsonb)'::regprocedure)]
           AS acls;

SELECT throws_ok(format('SELECT callout.%s(%L%s)', f.name, r.role, f.more), r.code, r.message,
                 format('%s refuses %s', f.name, r.what))
FROM (VALUES (1, 'map_tenant_role', ', ''tenant-a'''), (2, 'trust_gateway_role', '')) AS f (ord, name, more),
     (VALUES (1, 'public', '22023', 'role public cannot be trusted or mapped', 'public'),
             (2, 'PUBLIC', '22023', 'role "PUBLIC" cannot be trusted or mapped', 'an existing role "PUBLIC"'),
             (3, 'Public', '22023', 'role "Public" cannot be trusted or mapped', 'an existing role "Public"'),
             (4, 'pUbLiC', '22023', 'role "pUbLiC" cannot be trusted or mapped', 'pUbLiC'),
             (5, 'pg_read_all_data', '22023', 'role pg_read_all_data cannot be trusted or mapped',
              'the predefined pg_read_all_data'),
             (6, 'pg_monitor', '22023', 'role pg_monitor cannot be trusted or mapped', 'the predefined pg_monitor'),
             (7, 'callout_tap_no_such_role', '42704', 'role callout_tap_no_such_role does not exist',
              'a name that is no role (42704)'))
         AS r (ord, role, code, message, what)
ORDER BY f.ord, r.ord;
SELECT throws_ok($$SELECT callout.map_tenant_role('callout_tap_nobody', '')$$, '22023',
                 'user_id must not be empty (NULL makes an auditor)',
                 'map_tenant_role refuses an empty user_id');
SELECT is((SELECT jsonb_agg(to_jsonb(t) ORDER BY t.role::text) FROM callout.tenant_role AS t),
          (SELECT tenant_roles FROM tap_trust_before), 'the refusals mapped no role');
SELECT is((SELECT jsonb_agg(to_jsonb(g) ORDER BY g.role::text) FROM callout.gateway_role AS g),
          (SELECT gateway_roles FROM tap_trust_before), 'the refusals trusted no role');
SELECT is(ARRAY[(SELECT nspacl::text FROM pg_namespace WHERE nspname = 'callout'),
                (SELECT relacl::text FROM pg_class WHERE oid = 'callout.call_log'::regclass),
                (SELECT relacl::text FROM pg_class WHERE oid = 'callout.livekit_call_event'::regclass),
                (SELECT proacl::text FROM pg_proc WHERE oid = 'callout.current_user_id()'::regprocedure),
                (SELECT proacl::text FROM pg_proc
                 WHERE oid = 'callout.register_call(text, text, text, text, text, text, jsonb)'::regprocedure)],
          (SELECT acls FROM tap_trust_before), 'the refusals granted nothing on the schema, tables or functions');
-- a role whose name only starts with "pg" is an ordinary role
SELECT lives_ok($$SELECT callout.map_tenant_role('pgcallout_tap_reader', 'tenant-c')$$,
                'map_tenant_role maps a role whose name starts with "pg" but not "pg_"');

-- ---- add_signing_key: its own 22023 for empty values, never the secret (11)

CREATE TEMP TABLE tap_key_error AS
SELECT c.name, c.secret, e.*
FROM (VALUES (1, 'an empty api_key', '', 'tap-hardening-secret-Kq7Wd2Rx9Tz4', 'tenant-a'),
             (2, 'a NULL api_key', NULL, 'tap-hardening-secret-Kq7Wd2Rx9Tz4', NULL),
             (3, 'an empty api_secret', 'APItapHardening', '', 'tenant-a'),
             (4, 'a NULL api_secret', 'APItapHardening', NULL, NULL),
             (5, 'an empty user_id', 'APItapHardening', 'tap-hardening-secret-Vb3Np8Lm1Yc6', ''),
             (6, 'an empty user_id replacing a live key', 'APItapShared', 'tap-hardening-secret-Hs5Gf0Qj2Ue9', ''))
         AS c (ord, name, api_key, secret, user_id),
     LATERAL pg_temp.add_key_error(c.api_key, c.secret, c.user_id) AS e
ORDER BY c.ord;

SELECT is(k.code || ': ' || k.message, x.answer, format('add_signing_key refuses %s', k.name))
FROM tap_key_error AS k
JOIN (VALUES ('an empty api_key', '22023: api_key and api_secret must not be empty', 1),
             ('a NULL api_key', '22023: api_key and api_secret must not be empty', 2),
             ('an empty api_secret', '22023: api_key and api_secret must not be empty', 3),
             ('a NULL api_secret', '22023: api_key and api_secret must not be empty', 4),
             ('an empty user_id', '22023: user_id must not be empty (NULL binds the key to no tenant)', 5),
             ('an empty user_id replacing a live key',
              '22023: user_id must not be empty (NULL binds the key to no tenant)', 6))
     AS x (name, answer, ord) ON x.name = k.name
ORDER BY x.ord;
SELECT ok(strpos(concat_ws(' | ', k.message, k.detail, k.hint, k.context), k.secret) = 0,
          format('add_signing_key refusing %s: the secret is in neither message, detail, hint nor context', k.name))
FROM tap_key_error AS k
WHERE k.secret <> ''
ORDER BY k.name;
SELECT results_eq($$SELECT api_key, api_secret, user_id, revoked_at FROM callout.signing_key ORDER BY api_key$$,
                  $$VALUES ('APItapShared'::text, 'tap-shared-secret-5mB9qR2vXw7LkP4t'::text, NULL::text,
                            NULL::timestamptz),
                           ('APItapTenantA', 'tap-tenant-a-secret-Zc8Hn3Yd6Jf1Gs0e', 'tenant-a', NULL)$$,
                  'the refused keys stored nothing and the live key kept its secret and binding');

-- ---- a gateway registers only for the tenant it acts for; a superuser for anyone (9)

SET SESSION AUTHORIZATION callout_tap_gateway;
SELECT is((SELECT ARRAY[code, message, hint]
           FROM pg_temp.error_of($$SELECT callout.register_call('tenant-a', 'tap-hard-gw-none', 'outbound')$$)),
          ARRAY['42501', 'permission denied to register a call for another tenant',
                'A gateway says which tenant it acts for with callout.user_id or its JWT sub.'],
          'a gateway with no tenant set cannot register a call (42501, with the hint)');
SELECT set_config('request.jwt.claims', '{"role": "callout_tap_gateway"}', true) IS NULL AS claimed \gset
SELECT is((SELECT ARRAY[code, message, hint]
           FROM pg_temp.error_of($$SELECT callout.register_call('tenant-a', 'tap-hard-gw-none', 'outbound')$$)),
          ARRAY['42501', 'permission denied to register a call for another tenant',
                'A gateway says which tenant it acts for with callout.user_id or its JWT sub.'],
          'a gateway whose claims have no sub cannot register a call (42501, with the hint)');
SELECT set_config('request.jwt.claims', '', true) IS NULL AS claimed \gset
SELECT set_config('callout.user_id', 'tenant-a', true) IS NULL AS acting \gset
SELECT is((SELECT ARRAY[code, message, hint]
           FROM pg_temp.error_of($$SELECT callout.register_call('tenant-b', 'tap-hard-gw-b', 'outbound')$$)),
          ARRAY['42501', 'permission denied to register a call for another tenant',
                'A gateway says which tenant it acts for with callout.user_id or its JWT sub.'],
          'a gateway acting for tenant-a cannot register a call for tenant-b');
SELECT lives_ok($$SELECT callout.register_call('tenant-a', 'tap-hard-registered', 'outbound', '+14155550304')$$,
                'a gateway acting for tenant-a registers a call for tenant-a');
SELECT set_config('callout.user_id', '', true) IS NULL AS acting \gset
RESET SESSION AUTHORIZATION;
SELECT results_eq($$SELECT user_id, direction, origin, status::text FROM callout.call_log
                    WHERE room_name = 'tap-hard-registered'$$,
                  $$VALUES ('tenant-a', 'outbound', 'registered', 'registered')$$,
                  'the gateway''s call is tenant-a''s, registered');
SELECT is_empty($$SELECT id FROM callout.call_log WHERE room_name IN ('tap-hard-gw-none', 'tap-hard-gw-b')$$,
                'the refused registrations created no call');
SELECT lives_ok($$SELECT callout.register_call('tenant-c', 'tap-hard-super-c', 'inbound')$$,
                'a superuser acting for no tenant registers a call for tenant-c');
SELECT set_config('callout.user_id', 'tenant-a', true) IS NULL AS acting \gset
SELECT lives_ok($$SELECT callout.register_call('tenant-b', 'tap-hard-super-b', 'inbound')$$,
                'a superuser acting for tenant-a registers a call for tenant-b');
SELECT set_config('callout.user_id', '', true) IS NULL AS acting \gset
SELECT results_eq($$SELECT room_name, user_id FROM callout.call_log
                    WHERE room_name IN ('tap-hard-super-c', 'tap-hard-super-b') ORDER BY room_name$$,
                  $$VALUES ('tap-hard-super-b', 'tenant-b'), ('tap-hard-super-c', 'tenant-c')$$,
                  'the superuser''s calls belong to the tenants it named');

-- ---- a call a tenant's key created takes only that tenant's keys (20)

DO $$
BEGIN
    -- room tap-hard-tk: no call; a waiting event with each key, then A's key routes a phone leg in
    PERFORM pg_temp.mint('tk started shared',
                         pg_temp.room_event('room_started', 'EV_TAP_HARD_TK_STARTED', 'tap-hard-tk', 'RM_TAP_HARD_TK',
                                            1767268700), 'APItapShared');
    PERFORM pg_temp.mint('tk joined a standard',
                         pg_temp.participant_event('participant_joined', 'EV_TAP_HARD_TK_OPERATOR_JOINED', 'tap-hard-tk',
                                                   'RM_TAP_HARD_TK', 1767268700, 'operator-a', NULL, 1767268700),
                         'APItapTenantA');
    PERFORM pg_temp.mint('tk joined a',
                         pg_temp.participant_event('participant_joined', 'EV_TAP_HARD_TK_JOINED', 'tap-hard-tk',
                                                   'RM_TAP_HARD_TK', 1767268701, 'sip_+14155550301', 'SIP', 1767268701,
                                                   pg_temp.sip_attributes('active', '+14155550301', '+18005550301',
                                                                          'SDR_TAP_HARD')),
                         'APItapTenantA');
    PERFORM pg_temp.mint('tk left shared',
                         pg_temp.participant_event('participant_left', 'EV_TAP_HARD_TK_LEFT_SHARED', 'tap-hard-tk',
                                                   'RM_TAP_HARD_TK', 1767268720, 'sip_+14155550301', 'SIP', 1767268701,
                                                   pg_temp.sip_attributes('hangup', '+14155550301', '+18005550301',
                                                                          'SDR_TAP_HARD'),
                                                   'CLIENT_INITIATED'),
                         'APItapShared');
    PERFORM pg_temp.mint('tk finished shared',
                         pg_temp.room_event('room_finished', 'EV_TAP_HARD_TK_FINISHED_SHARED', 'tap-hard-tk',
                                            'RM_TAP_HARD_TK', 1767268725), 'APItapShared');
    PERFORM pg_temp.mint('tk left a',
                         pg_temp.participant_event('participant_left', 'EV_TAP_HARD_TK_LEFT', 'tap-hard-tk',
                                                   'RM_TAP_HARD_TK', 1767268800, 'sip_+14155550301', 'SIP', 1767268701,
                                                   pg_temp.sip_attributes('hangup', '+14155550301', '+18005550301',
                                                                          'SDR_TAP_HARD'),
                                                   'CLIENT_INITIATED'),
                         'APItapTenantA');
    -- room tap-hard-pr: a number routed to tenant-a; a waiting event with the shared key, then
    -- the shared key routes a phone leg in and reports its leave
    PERFORM callout.add_phone_route('+18005550302', 'tenant-a');
    PERFORM pg_temp.mint('pr started shared',
                         pg_temp.room_event('room_started', 'EV_TAP_HARD_PR_STARTED', 'tap-hard-pr', 'RM_TAP_HARD_PR',
                                            1767268700), 'APItapShared');
    PERFORM pg_temp.mint('pr joined shared',
                         pg_temp.participant_event('participant_joined', 'EV_TAP_HARD_PR_JOINED', 'tap-hard-pr',
                                                   'RM_TAP_HARD_PR', 1767268701, 'sip_+14155550302', 'SIP', 1767268701,
                                                   pg_temp.sip_attributes('active', '+14155550302', '+18005550302',
                                                                          'SDR_TAP_HARD')),
                         'APItapShared');
    PERFORM pg_temp.mint('pr left shared',
                         pg_temp.participant_event('participant_left', 'EV_TAP_HARD_PR_LEFT', 'tap-hard-pr',
                                                   'RM_TAP_HARD_PR', 1767268761, 'sip_+14155550302', 'SIP', 1767268701,
                                                   pg_temp.sip_attributes('hangup', '+14155550302', '+18005550302',
                                                                          'SDR_TAP_HARD'),
                                                   'CLIENT_INITIATED'),
                         'APItapShared');
    -- room tap-hard-pra: the same number; a waiting event with the shared key (a room another
    -- tenant's traffic may use), then A's own key routes a phone leg in to A's own number, and the
    -- shared key reports a leave
    PERFORM pg_temp.mint('pra started shared',
                         pg_temp.room_event('room_started', 'EV_TAP_HARD_PRA_STARTED', 'tap-hard-pra', 'RM_TAP_HARD_PRA',
                                            1767268700), 'APItapShared');
    PERFORM pg_temp.mint('pra joined a',
                         pg_temp.participant_event('participant_joined', 'EV_TAP_HARD_PRA_JOINED', 'tap-hard-pra',
                                                   'RM_TAP_HARD_PRA', 1767268701, 'sip_+14155550302', 'SIP', 1767268701,
                                                   pg_temp.sip_attributes('active', '+14155550302', '+18005550302',
                                                                          'SDR_TAP_HARD')),
                         'APItapTenantA');
    PERFORM pg_temp.mint('pra left shared',
                         pg_temp.participant_event('participant_left', 'EV_TAP_HARD_PRA_LEFT', 'tap-hard-pra',
                                                   'RM_TAP_HARD_PRA', 1767268761, 'sip_+14155550302', 'SIP', 1767268701,
                                                   pg_temp.sip_attributes('hangup', '+14155550302', '+18005550302',
                                                                          'SDR_TAP_HARD'),
                                                   'CLIENT_INITIATED'),
                         'APItapShared');
    -- room tap-hard-registered (the gateway's call): the shared key reports its phone leg
    PERFORM pg_temp.mint('reg joined shared',
                         pg_temp.participant_event('participant_joined', 'EV_TAP_HARD_REG_JOINED', 'tap-hard-registered',
                                                   'RM_TAP_HARD_REG', 1767268701, 'sip_+14155550304', 'SIP', 1767268701,
                                                   pg_temp.sip_attributes('active', '+14155550304', '+18005550304')),
                         'APItapShared');
    PERFORM pg_temp.mint('reg left shared',
                         pg_temp.participant_event('participant_left', 'EV_TAP_HARD_REG_LEFT', 'tap-hard-registered',
                                                   'RM_TAP_HARD_REG', 1767268761, 'sip_+14155550304', 'SIP', 1767268701,
                                                   pg_temp.sip_attributes('hangup', '+14155550304', '+18005550304'),
                                                   'CLIENT_INITIATED'),
                         'APItapShared');
END
$$;

-- tenant_key: waiting events, then A's key creates the call
SELECT results_eq($$SELECT d.name, r.status FROM (VALUES (1, 'tk started shared'), (2, 'tk joined a standard')) AS d (ord, name),
                    LATERAL pg_temp.deliver(d.name) AS r ORDER BY d.ord$$,
                  $$VALUES ('tk started shared', 'unmatched'), ('tk joined a standard', 'unmatched')$$,
                  'tenant_key: with no call in the room, both waiting events answer unmatched');
SELECT results_eq($$SELECT status, call_id IS NOT NULL FROM pg_temp.deliver('tk joined a')$$,
                  $$VALUES ('processed'::text, true)$$,
                  'tenant_key: an inbound phone leg signed with A''s key is processed');
SELECT results_eq($$SELECT user_id, direction, origin, status::text, room_sid FROM callout.call_log
                    WHERE room_name = 'tap-hard-tk'$$,
                  $$VALUES ('tenant-a', 'inbound', 'tenant_key', 'in_progress', 'RM_TAP_HARD_TK')$$,
                  'tenant_key: it created one inbound call for tenant-a, origin tenant_key, bound to the room sid');
SELECT is(pg_temp.stored(ARRAY['EV_TAP_HARD_TK_STARTED', 'EV_TAP_HARD_TK_OPERATOR_JOINED', 'EV_TAP_HARD_TK_JOINED']),
          ARRAY['EV_TAP_HARD_TK_JOINED tap-hard-tk tenant-a APItapTenantA',
                'EV_TAP_HARD_TK_OPERATOR_JOINED tap-hard-tk tenant-a APItapTenantA',
                'EV_TAP_HARD_TK_STARTED - - APItapShared'],
          'tenant_key: A''s waiting event was attached to the new call, the shared key''s was not');
CREATE TEMP TABLE tap_tk_before AS SELECT pg_temp.room_call('tap-hard-tk') AS row;
-- the shared key cannot touch it
SELECT results_eq($$SELECT status, reason, call_id FROM pg_temp.deliver('tk left shared')$$,
                  $$VALUES ('unmatched'::text, NULL::text, NULL::bigint)$$,
                  'tenant_key: the phone leg leaving, signed with the shared key, answers unmatched');
SELECT results_eq($$SELECT status, reason, call_id FROM pg_temp.deliver('tk finished shared')$$,
                  $$VALUES ('unmatched'::text, NULL::text, NULL::bigint)$$,
                  'tenant_key: the room finishing, signed with the shared key, answers unmatched');
SELECT is(pg_temp.room_call('tap-hard-tk'), (SELECT row FROM tap_tk_before),
          'tenant_key: the shared key''s deliveries left the call row as it was (one call, in progress)');
SELECT is(pg_temp.stored(ARRAY['EV_TAP_HARD_TK_LEFT_SHARED', 'EV_TAP_HARD_TK_FINISHED_SHARED']),
          ARRAY['EV_TAP_HARD_TK_FINISHED_SHARED - - APItapShared', 'EV_TAP_HARD_TK_LEFT_SHARED - - APItapShared'],
          'tenant_key: the shared key''s events are kept unmatched, as no tenant''s');
-- A's key still can
SELECT results_eq($$SELECT r.status, r.call_id = c.id, r.outcome::text FROM pg_temp.deliver('tk left a') AS r,
                    callout.call_log AS c WHERE c.room_name = 'tap-hard-tk'$$,
                  $$VALUES ('processed'::text, true, 'completed'::text)$$,
                  'tenant_key: the phone leg leaving, signed with A''s key, is processed on the call');
SELECT results_eq($$SELECT status::text, duration_seconds, disconnect_reason, sip_call_status, outcome::text,
                           (SELECT count(*)::integer FROM callout.livekit_call_event AS e WHERE e.call_log_id = c.id)
                    FROM callout.call_log AS c WHERE c.room_name = 'tap-hard-tk'$$,
                  $$VALUES ('ended', 99, 'CLIENT_INITIATED', 'hangup', 'completed', 3)$$,
                  'tenant_key: the call ended from A''s events only (99 s, completed, 3 events)');

-- phone_route: created with the shared key, it takes the shared key's waiting and later events
SELECT results_eq($$SELECT status FROM pg_temp.deliver('pr started shared')$$, $$VALUES ('unmatched'::text)$$,
                  'phone_route: the room starting with no call answers unmatched');
SELECT results_eq($$SELECT status FROM pg_temp.deliver('pr joined shared')$$, $$VALUES ('processed'::text)$$,
                  'phone_route: a phone leg to A''s routed number, signed with the shared key, is processed');
SELECT results_eq($$SELECT user_id, direction, origin, status::text FROM callout.call_log
                    WHERE room_name = 'tap-hard-pr'$$,
                  $$VALUES ('tenant-a', 'inbound', 'phone_route', 'in_progress')$$,
                  'phone_route: the call is tenant-a''s, origin phone_route (the route made it)');
SELECT is(pg_temp.stored(ARRAY['EV_TAP_HARD_PR_STARTED']),
          ARRAY['EV_TAP_HARD_PR_STARTED tap-hard-pr tenant-a APItapShared'],
          'phone_route: the shared key''s waiting event was attached to the new call');
SELECT results_eq($$SELECT r.status, r.call_id = c.id FROM pg_temp.deliver('pr left shared') AS r,
                    callout.call_log AS c WHERE c.room_name = 'tap-hard-pr'$$,
                  $$VALUES ('processed'::text, true)$$,
                  'phone_route: the phone leg leaving, signed with the shared key, is processed on the call');
SELECT results_eq($$SELECT status::text, duration_seconds, outcome::text FROM callout.call_log
                    WHERE room_name = 'tap-hard-pr'$$,
                  $$VALUES ('ended', 60, 'completed')$$,
                  'phone_route: the shared key''s leave ended the call (60 s, completed)');

-- a phone leg to A's own routed number, signed with A's key, in a room the shared key's traffic
-- uses: A's key vouches for A, not for the room, so the call is a tenant_key call, which takes
-- neither the shared key's waiting event nor its later ones (else A's key and A's route would
-- claim any room another tenant's calls will use, and read their events)
SELECT results_eq($$SELECT d.name, r.status FROM (VALUES (1, 'pra started shared'), (2, 'pra joined a')) AS d (ord, name),
                    LATERAL pg_temp.deliver(d.name) AS r ORDER BY d.ord$$,
                  $$VALUES ('pra started shared', 'unmatched'), ('pra joined a', 'processed')$$,
                  'routed, with A''s key: the shared key''s event waits, then A''s leg to its routed number is processed');
SELECT results_eq($$SELECT user_id, direction, origin, status::text FROM callout.call_log
                    WHERE room_name = 'tap-hard-pra'$$,
                  $$VALUES ('tenant-a', 'inbound', 'tenant_key', 'in_progress')$$,
                  'routed, with A''s key: the call is tenant-a''s (its route), origin tenant_key (its key made it)');
SELECT is(pg_temp.stored(ARRAY['EV_TAP_HARD_PRA_STARTED', 'EV_TAP_HARD_PRA_JOINED']),
          ARRAY['EV_TAP_HARD_PRA_JOINED tap-hard-pra tenant-a APItapTenantA',
                'EV_TAP_HARD_PRA_STARTED - - APItapShared'],
          'routed, with A''s key: the shared key''s waiting event was not attached to the call');
SELECT results_eq($$SELECT r.status, r.call_id, c.status::text FROM pg_temp.deliver('pra left shared') AS r,
                    callout.call_log AS c WHERE c.room_name = 'tap-hard-pra'$$,
                  $$VALUES ('unmatched'::text, NULL::bigint, 'in_progress'::text)$$,
                  'routed, with A''s key: the shared key''s later leave answers unmatched, and the call stays in progress');

-- registered (by the gateway above): the shared key's events are processed
SELECT results_eq($$SELECT r.status, r.call_id = c.id FROM pg_temp.deliver('reg joined shared') AS r,
                    callout.call_log AS c WHERE c.room_name = 'tap-hard-registered'$$,
                  $$VALUES ('processed'::text, true)$$,
                  'registered: a phone leg joining, signed with the shared key, is processed on the call');
SELECT results_eq($$SELECT r.status, r.call_id = c.id FROM pg_temp.deliver('reg left shared') AS r,
                    callout.call_log AS c WHERE c.room_name = 'tap-hard-registered'$$,
                  $$VALUES ('processed'::text, true)$$,
                  'registered: the phone leg leaving, signed with the shared key, is processed on the call');
SELECT results_eq($$SELECT origin, status::text, room_sid, duration_seconds, outcome::text FROM callout.call_log
                    WHERE room_name = 'tap-hard-registered'$$,
                  $$VALUES ('registered', 'ended', 'RM_TAP_HARD_REG', 60, 'completed')$$,
                  'registered: the call is bound to the room sid and ended (60 s, completed)');
-- and no second call was made in any of the three rooms
SELECT results_eq($$SELECT room_name, count(*)::integer FROM callout.call_log
                    WHERE room_name IN ('tap-hard-tk', 'tap-hard-pr', 'tap-hard-registered')
                    GROUP BY room_name ORDER BY room_name$$,
                  $$VALUES ('tap-hard-pr', 1), ('tap-hard-registered', 1), ('tap-hard-tk', 1)$$,
                  'one call per room: the shared key''s deliveries created none');

-- ---- two phone legs: the leg whose leave ended the call decides, in every order (6)

-- One call per order of the four events: leg 1 joins dialing and leaves ringing with
-- USER_UNAVAILABLE after 30 s; leg 2 joins active 9 s later and leaves 280 s after joining,
-- status hangup, no disconnectReason (UNKNOWN_REASON).
CREATE TEMP TABLE tap_legs AS
SELECT row_number() OVER (ORDER BY o)::integer AS n, o AS deliveries, NULL::bigint AS call_id,
       ARRAY[]::text[] AS answers, ARRAY[]::text[] AS outcomes
FROM (SELECT ARRAY[a, b, c, d] AS o
      FROM unnest(ARRAY['leg1 joined', 'leg1 left', 'leg2 joined', 'leg2 left']) AS a,
           unnest(ARRAY['leg1 joined', 'leg1 left', 'leg2 joined', 'leg2 left']) AS b,
           unnest(ARRAY['leg1 joined', 'leg1 left', 'leg2 joined', 'leg2 left']) AS c,
           unnest(ARRAY['leg1 joined', 'leg1 left', 'leg2 joined', 'leg2 left']) AS d
      WHERE a NOT IN (b, c, d) AND b NOT IN (c, d) AND c <> d) AS orders;

DO $$
DECLARE
    o record;
    delivery text;
    room text;
    body text;
    new_call bigint;
    answer callout.webhook_result;
BEGIN
    FOR o IN SELECT * FROM tap_legs ORDER BY n LOOP
        room := 'tap-hard-legs-' || o.n;
        new_call := callout.register_call('tenant-a', room, 'outbound', '+14155550303');
        FOREACH delivery IN ARRAY o.deliveries LOOP
            body := CASE delivery
                WHEN 'leg1 joined' THEN pg_temp.participant_event(
                    'participant_joined', format('EV_TAP_HARD_LEGS_%s_LEG1_JOINED', o.n), room, 'RM_' || room,
                    1767268701, 'sip_leg1', 'SIP', 1767268701,
                    pg_temp.sip_attributes('dialing', '+14155550303', '+18005550303'))
                WHEN 'leg1 left' THEN pg_temp.participant_event(
                    'participant_left', format('EV_TAP_HARD_LEGS_%s_LEG1_LEFT', o.n), room, 'RM_' || room,
                    1767268731, 'sip_leg1', 'SIP', 1767268701,
                    pg_temp.sip_attributes('ringing', '+14155550303', '+18005550303'), 'USER_UNAVAILABLE')
                WHEN 'leg2 joined' THEN pg_temp.participant_event(
                    'participant_joined', format('EV_TAP_HARD_LEGS_%s_LEG2_JOINED', o.n), room, 'RM_' || room,
                    1767268740, 'sip_leg2', 'SIP', 1767268740,
                    pg_temp.sip_attributes('active', '+14155550303', '+18005550303'))
                WHEN 'leg2 left' THEN pg_temp.participant_event(
                    'participant_left', format('EV_TAP_HARD_LEGS_%s_LEG2_LEFT', o.n), room, 'RM_' || room,
                    1767269020, 'sip_leg2', 'SIP', 1767268740,
                    pg_temp.sip_attributes('hangup', '+14155550303', '+18005550303'))
            END;
            answer := callout.process_livekit_webhook(
                body, livekit_test.livekit_token(body, 'APItapShared', 'tap-shared-secret-5mB9qR2vXw7LkP4t', 1767268800));
            UPDATE tap_legs SET call_id = new_call,
                                answers = answers || format('%s:%s', answer.status, answer.call_id = new_call),
                                outcomes = outcomes || coalesce(answer.outcome::text, '-')
            WHERE n = o.n;
        END LOOP;
    END LOOP;
END
$$;

-- The final row of a call, as compared below.
CREATE FUNCTION pg_temp.legs_row(call_id bigint,
                                 OUT status text, OUT duration_seconds integer, OUT disconnect_reason text,
                                 OUT sip_call_status text, OUT outcome text, OUT started_at timestamptz,
                                 OUT ended_at timestamptz, OUT phone_number text)
LANGUAGE sql STABLE
AS $$
    SELECT c.status::text, c.duration_seconds, c.disconnect_reason, c.sip_call_status, c.outcome::text,
           c.started_at, c.ended_at, c.phone_number
    FROM callout.call_log AS c WHERE c.id = legs_row.call_id
$$;

SELECT is((SELECT array_agg(DISTINCT a) FROM tap_legs, unnest(answers) AS a), ARRAY['processed:t'],
          'two legs: each of the 96 deliveries (24 orders of 4) is processed on its own call');
SELECT is((SELECT outcomes FROM tap_legs WHERE deliveries = ARRAY['leg1 joined', 'leg1 left', 'leg2 joined', 'leg2 left']),
          ARRAY['-', 'no_answer', 'no_answer', 'completed'],
          'two legs in time order: leg 1''s leave ends the call no_answer, leg 2''s leave makes it completed');
SELECT results_eq($$SELECT r.* FROM tap_legs AS l, LATERAL pg_temp.legs_row(l.call_id) AS r
                    WHERE l.deliveries = ARRAY['leg1 joined', 'leg1 left', 'leg2 joined', 'leg2 left']$$,
                  $$VALUES ('ended', 280, 'UNKNOWN_REASON', 'hangup', 'completed',
                            '2026-01-01 11:58:20+00'::timestamptz, '2026-01-01 12:03:40+00'::timestamptz,
                            '+14155550303')$$,
                  'two legs, leg 1 leaving first: 280 s, UNKNOWN_REASON (not USER_UNAVAILABLE), hangup, completed');
SELECT is((SELECT outcomes FROM tap_legs WHERE deliveries = ARRAY['leg1 joined', 'leg2 joined', 'leg2 left', 'leg1 left']),
          ARRAY['-', '-', 'completed', 'completed'],
          'two legs, leg 2''s leave delivered before leg 1''s: completed, and leg 1''s late leave keeps it so');
SELECT results_eq($$SELECT r.* FROM tap_legs AS l, LATERAL pg_temp.legs_row(l.call_id) AS r
                    WHERE l.deliveries = ARRAY['leg1 joined', 'leg2 joined', 'leg2 left', 'leg1 left']$$,
                  $$VALUES ('ended', 280, 'UNKNOWN_REASON', 'hangup', 'completed',
                            '2026-01-01 11:58:20+00'::timestamptz, '2026-01-01 12:03:40+00'::timestamptz,
                            '+14155550303')$$,
                  'two legs, leg 2''s leave delivered first: the same row');
SELECT results_eq($$SELECT count(*)::integer, r.status, r.duration_seconds, r.disconnect_reason, r.sip_call_status,
                           r.outcome, r.started_at, r.ended_at, r.phone_number
                    FROM tap_legs AS l, LATERAL pg_temp.legs_row(l.call_id) AS r
                    GROUP BY 2, 3, 4, 5, 6, 7, 8, 9$$,
                  $$VALUES (24, 'ended', 280, 'UNKNOWN_REASON', 'hangup', 'completed',
                            '2026-01-01 11:58:20+00'::timestamptz, '2026-01-01 12:03:40+00'::timestamptz,
                            '+14155550303')$$,
                  'two legs: all 24 delivery orders end in that same row');

-- ---- one event id delivered for the rooms of two tenants is one event of each (7): event ids
-- are unique per tenant, so no tenant's delivery changes what another's is answered

SELECT callout.register_call('tenant-a', 'tap-hard-dup-x', 'outbound', '+14155550305') AS dup_x \gset
SELECT callout.register_call('tenant-b', 'tap-hard-dup-y', 'outbound', '+14155550306') AS dup_y \gset
DO $$
BEGIN
    PERFORM pg_temp.mint('dup x joined',
                         pg_temp.participant_event('participant_joined', 'EV_TAP_HARD_DUP', 'tap-hard-dup-x',
                                                   'RM_TAP_HARD_DUP_X', 1767268701, 'sip_+14155550305', 'SIP',
                                                   1767268701,
                                                   pg_temp.sip_attributes('active', '+14155550305', '+18005550305')),
                         'APItapShared');
    PERFORM pg_temp.mint('dup y joined',
                         pg_temp.participant_event('participant_joined', 'EV_TAP_HARD_DUP', 'tap-hard-dup-y',
                                                   'RM_TAP_HARD_DUP_Y', 1767268701, 'sip_+14155550306', 'SIP',
                                                   1767268701,
                                                   pg_temp.sip_attributes('active', '+14155550306', '+18005550306')),
                         'APItapShared');
    PERFORM pg_temp.mint('dup nobody started',
                         pg_temp.room_event('room_started', 'EV_TAP_HARD_DUP_UNMATCHED', 'tap-hard-dup-nobody',
                                            'RM_TAP_HARD_DUP_NOBODY', 1767268700), 'APItapShared');
    PERFORM pg_temp.mint('dup y started',
                         pg_temp.room_event('room_started', 'EV_TAP_HARD_DUP_UNMATCHED', 'tap-hard-dup-y',
                                            'RM_TAP_HARD_DUP_Y', 1767268700), 'APItapShared');
END
$$;
SELECT results_eq($$SELECT status, call_id FROM pg_temp.deliver('dup x joined')$$,
                  format('VALUES (%L::text, %s::bigint)', 'processed', :dup_x),
                  'duplicate ids: the event delivered for room x is processed on x''s call');
SELECT results_eq($$SELECT status, call_id FROM pg_temp.deliver('dup y joined')$$,
                  format('VALUES (%L::text, %s::bigint)', 'processed', :dup_y),
                  'duplicate ids: the same id delivered for room y, tenant-b''s, is processed on y''s call');
SELECT is(pg_temp.stored(ARRAY['EV_TAP_HARD_DUP']),
          ARRAY['EV_TAP_HARD_DUP tap-hard-dup-x tenant-a APItapShared',
                'EV_TAP_HARD_DUP tap-hard-dup-y tenant-b APItapShared'],
          'duplicate ids: the id is stored once for each tenant');
SELECT results_eq($$SELECT status, reason FROM pg_temp.deliver('dup y joined')$$,
                  $$VALUES ('duplicate'::text, 'already processed'::text)$$,
                  'duplicate ids: room y''s delivery again is a duplicate of tenant-b''s own event');
SELECT results_eq($$SELECT status FROM pg_temp.deliver('dup nobody started')$$, $$VALUES ('unmatched'::text)$$,
                  'duplicate ids: an event of a room with no call answers unmatched (it waits, pending)');
SELECT results_eq($$SELECT status, reason, call_id FROM pg_temp.deliver('dup y started')$$,
                  format('VALUES (%L::text, NULL::text, %s::bigint)', 'processed', :dup_y),
                  'duplicate ids: its id delivered for room y is tenant-b''s own event, processed');
SELECT is(ARRAY(SELECT e.event_id || ' ' || e.room_name FROM callout.pending_event AS e
                WHERE e.event_id = 'EV_TAP_HARD_DUP_UNMATCHED'),
          ARRAY['EV_TAP_HARD_DUP_UNMATCHED tap-hard-dup-nobody'],
          'duplicate ids: the pending event of the room with no call still waits for its own room');

SELECT * FROM finish();
ROLLBACK;
