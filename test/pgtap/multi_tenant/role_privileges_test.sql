-- What each role of DESIGN.md §7 is granted, as the catalog says, after trust_gateway_role,
-- map_tenant_role and the webhook-only grant: EXECUTE on exactly the functions its job needs
-- (every function x tenant, gateway, auditor, webhook, no-grants role), the tables and columns
-- it may read or change, no sequence, USAGE on the schema and never CREATE. The signing
-- secrets are readable by none of them, logged in or by the catalog.
BEGIN;
SELECT plan(526);
\ir tenants.psql

-- The roles and what each may execute.
CREATE TEMP TABLE tap_role (role name PRIMARY KEY, label text NOT NULL, may_execute text[] NOT NULL);
INSERT INTO tap_role VALUES
    ('callout_tap_a', 'tenant A',
     ARRAY['current_user_id()', 'is_auditor()', 'get_call_outcome(bigint,text)', 'update_call_log(bigint,jsonb)',
           'call_stats(timestamp with time zone,timestamp with time zone,text)',
           '_call_stats_key(text,timestamp with time zone,timestamp with time zone,text,text,text,callout.call_outcome,text,text)',
           '_is_open(callout.call_status)', 'outcome_changes(xid8,bigint,integer)', 'consume_outcomes(text,integer)',
           'acknowledge_outcomes(text,xid8,bigint)', 'set_tenant_token()']),
    ('callout_tap_gateway', 'the gateway',
     ARRAY['current_user_id()', 'is_auditor()', 'get_call_outcome(bigint,text)', 'update_call_log(bigint,jsonb)',
           'register_call(text,text,text,text,text,text,jsonb)', 'process_livekit_webhook(text,text)',
           'attach_late_events(bigint)',
           'call_stats(timestamp with time zone,timestamp with time zone,text)',
           '_call_stats_key(text,timestamp with time zone,timestamp with time zone,text,text,text,callout.call_outcome,text,text)',
           '_is_open(callout.call_status)', 'outcome_changes(xid8,bigint,integer)', 'consume_outcomes(text,integer)',
           'acknowledge_outcomes(text,xid8,bigint)', 'set_tenant_token()']),
    ('callout_tap_auditor', 'the auditor',
     ARRAY['current_user_id()', 'is_auditor()', 'get_call_outcome(bigint,text)',
           'call_stats(timestamp with time zone,timestamp with time zone,text)',
           '_call_stats_key(text,timestamp with time zone,timestamp with time zone,text,text,text,callout.call_outcome,text,text)',
           '_is_open(callout.call_status)', 'outcome_changes(xid8,bigint,integer)', 'consume_outcomes(text,integer)',
           'acknowledge_outcomes(text,xid8,bigint)', 'set_tenant_token()']),
    ('callout_tap_webhook', 'the webhook role', ARRAY['process_livekit_webhook(text,text)']),
    ('callout_tap_nobody', 'the no-grants role', ARRAY[]::text[]);

-- Every function of callout: name, input argument types, and its signature as regprocedure
-- prints it (without the schema).
CREATE TEMP TABLE tap_function AS
SELECT p.proname AS name,
       ARRAY(SELECT format_type(t, NULL)::name FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a (t, i)
             ORDER BY i) AS args,
       substr(p.oid::regprocedure::text, length('callout.') + 1) AS signature
FROM pg_catalog.pg_proc AS p WHERE p.pronamespace = 'callout'::regnamespace;

-- ---- EXECUTE: every function x 5 roles

SELECT function_privs_are('callout', f.name, f.args, r.role,
                          CASE WHEN f.signature = ANY (r.may_execute) THEN ARRAY['EXECUTE'] ELSE ARRAY[]::text[] END,
                          format('%s %s execute callout.%s', r.label,
                                 CASE WHEN f.signature = ANY (r.may_execute) THEN 'may' ELSE 'may not' END, f.signature))
FROM tap_role AS r CROSS JOIN tap_function AS f
ORDER BY r.role, f.signature;

-- Every function a role may execute exists (a misspelt grant list would pass the above) (1).
SELECT is(ARRAY(SELECT DISTINCT s FROM tap_role, unnest(may_execute) AS s
                WHERE s NOT IN (SELECT signature FROM tap_function) ORDER BY 1),
          ARRAY[]::text[], 'every function granted above exists');

-- ---- tables: 7 tables x 5 roles (35), and the call columns a role may change (5)

SELECT table_privs_are('callout', t.tbl, r.role,
                       CASE WHEN t.tbl IN ('call_log', 'livekit_call_event')
                                 AND r.role IN ('callout_tap_a', 'callout_tap_gateway', 'callout_tap_auditor')
                            THEN ARRAY['SELECT'] ELSE ARRAY[]::text[] END,
                       format('%s: table privileges on callout.%s', r.label, t.tbl))
FROM tap_role AS r
CROSS JOIN unnest(ARRAY['call_log', 'livekit_call_event', 'signing_key', 'phone_route', 'gateway_role',
                        'tenant_role', 'feed_consumer']::name[]) AS t (tbl)
ORDER BY r.role, t.tbl;
SELECT is(ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute AS a
                WHERE a.attrelid = 'callout.call_log'::regclass AND a.attnum > 0
                  AND has_column_privilege(r.role, 'callout.call_log', a.attname, 'UPDATE')
                ORDER BY a.attnum),
          CASE WHEN r.role IN ('callout_tap_a', 'callout_tap_gateway')
               THEN ARRAY['agent_config_id', 'campaign_id', 'metadata'] ELSE ARRAY[]::text[] END,
          format('%s may UPDATE %s of call_log', r.label,
                 CASE WHEN r.role IN ('callout_tap_a', 'callout_tap_gateway')
                      THEN 'agent_config_id, campaign_id and metadata only' ELSE 'no column' END))
FROM tap_role AS r ORDER BY r.role;

-- ---- no role may INSERT any column or use the identity sequences (5 + 10)

SELECT is(ARRAY(SELECT c.oid::regclass::text || '.' || a.attname FROM pg_catalog.pg_class AS c
                JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0
                WHERE c.relnamespace = 'callout'::regnamespace AND c.relkind = 'r'
                  AND has_column_privilege(r.role, c.oid, a.attname, 'INSERT')
                ORDER BY 1),
          ARRAY[]::text[], format('%s may INSERT no column of any table', r.label))
FROM tap_role AS r ORDER BY r.role;
SELECT sequence_privs_are('callout', s.seq, r.role, ARRAY[]::text[],
                          format('%s has no privilege on callout.%s', r.label, s.seq))
FROM tap_role AS r CROSS JOIN unnest(ARRAY['call_log_id_seq', 'livekit_call_event_id_seq']::name[]) AS s (seq)
ORDER BY r.role, s.seq;

-- ---- the schema: USAGE for the four roles callout knows, nothing for the fifth, CREATE for none (5)

SELECT schema_privs_are('callout', r.role,
                        CASE WHEN r.role = 'callout_tap_nobody' THEN ARRAY[]::text[] ELSE ARRAY['USAGE'] END,
                        format('%s: %s on schema callout', r.label,
                               CASE WHEN r.role = 'callout_tap_nobody' THEN 'no privilege' ELSE 'USAGE only' END))
FROM tap_role AS r ORDER BY r.role;

-- ---- the signing secrets: no column privilege (5), and refused when logged in (5)

SELECT column_privs_are('callout', 'signing_key', 'api_secret', r.role, ARRAY[]::text[],
                        format('%s has no privilege on signing_key.api_secret', r.label))
FROM tap_role AS r ORDER BY r.role;

SET SESSION AUTHORIZATION callout_tap_a;
SELECT throws_ok('SELECT api_secret FROM callout.signing_key', '42501', 'permission denied for table signing_key',
                 'tenant A cannot read the signing secrets');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_gateway;
SELECT throws_ok('SELECT api_secret FROM callout.signing_key', '42501', 'permission denied for table signing_key',
                 'the gateway cannot read the signing secrets');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_webhook;
SELECT throws_ok('SELECT api_secret FROM callout.signing_key', '42501', 'permission denied for table signing_key',
                 'the webhook role cannot read the signing secrets');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT throws_ok('SELECT api_secret FROM callout.signing_key', '42501', 'permission denied for table signing_key',
                 'the auditor cannot read the signing secrets');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_nobody;
SELECT throws_ok('SELECT api_secret FROM callout.signing_key', '42501', 'permission denied for schema callout',
                 'the no-grants role cannot read the signing secrets');
RESET SESSION AUTHORIZATION;

-- ---- who runs with whose rights: ingestion and tenancy as the owner (bypassing row-level
-- security, so their own code enforces the tenant rules), who a session is and
-- get_call_outcome as the caller (get_call_outcome under the caller's row-level security) (8)

SELECT is_definer('callout', 'process_livekit_webhook', ARRAY['text', 'text'],
                  'process_livekit_webhook(text, text) is SECURITY DEFINER');
SELECT is_definer('callout', 'process_livekit_webhook', ARRAY['jsonb', 'text'],
                  'process_livekit_webhook(jsonb, text) is SECURITY DEFINER');
SELECT is_definer('callout', 'register_call', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'jsonb'],
                  'register_call is SECURITY DEFINER');
SELECT is_definer('callout', 'update_call_log', ARRAY['bigint', 'jsonb'], 'update_call_log is SECURITY DEFINER');
SELECT is_definer('callout', 'resolve_call_context', ARRAY['text'], 'resolve_call_context is SECURITY DEFINER');
-- who a session is: C that reads the role tables as their owner would and runs no statement, so
-- it needs no rights of the owner's (the tests of rls_roles_test.sql show what it answers)
SELECT isnt_definer('callout', 'current_user_id', ARRAY[]::name[], 'current_user_id is SECURITY INVOKER (C, no statement)');
SELECT isnt_definer('callout', 'is_auditor', ARRAY[]::name[], 'is_auditor is SECURITY INVOKER (C, no statement)');
SELECT isnt_definer('callout', 'get_call_outcome', ARRAY['bigint', 'text'], 'get_call_outcome is SECURITY INVOKER');

-- ---- the gateway's members inherit its grants; the tenant's trust is not the gateway's (2)

CREATE ROLE callout_tap_app_server LOGIN IN ROLE callout_tap_gateway;
SELECT function_privs_are('callout', 'register_call', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'jsonb'],
                          'callout_tap_app_server', ARRAY['EXECUTE'],
                          'a member of the gateway role may execute register_call');
SELECT is(pg_has_role('callout_tap_a', 'callout_tap_gateway', 'MEMBER'), false,
          'tenant A is not a member of the gateway role');

SELECT * FROM finish();
ROLLBACK;
