-- The extension as installed: its version is the control file's, it owns schema callout and
-- every object there, pg_dump keeps what its tables hold, and its module defines its settings.
BEGIN;
SELECT plan(25);

-- Version: the installed one is callout.control's default_version (as the server reads it).
SELECT has_extension('callout', 'extension callout is installed');
SELECT is(
    (SELECT e.extversion FROM pg_catalog.pg_extension AS e WHERE e.extname = 'callout'),
    (SELECT a.default_version FROM pg_catalog.pg_available_extensions AS a WHERE a.name = 'callout'),
    'installed version equals callout.control''s default_version');
SELECT is(
    (SELECT a.installed_version FROM pg_catalog.pg_available_extensions AS a WHERE a.name = 'callout'),
    (SELECT a.default_version FROM pg_catalog.pg_available_extensions AS a WHERE a.name = 'callout'),
    'pg_available_extensions reports the default version as installed');
SELECT ok(
    (SELECT v.superuser AND NOT v.relocatable
     FROM pg_catalog.pg_available_extension_versions AS v
     WHERE v.name = 'callout' AND v.installed),
    'the installed version needs a superuser and is not relocatable');

-- Schema: the install script creates callout, so the extension owns it (DROP EXTENSION
-- removes it, see the end of this file).
SELECT ok(
    EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d
            WHERE d.classid = 'pg_catalog.pg_namespace'::regclass
              AND d.objid = 'callout'::regnamespace
              AND d.refclassid = 'pg_catalog.pg_extension'::regclass
              AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'callout')
              AND d.deptype = 'e'),
    'schema callout is a member of the extension');
SELECT schema_owner_is('callout', (SELECT e.extowner::regrole::name FROM pg_catalog.pg_extension AS e
                                   WHERE e.extname = 'callout'),
                       'schema callout belongs to the role that created the extension');

-- Every function, type, table and sequence in schema callout is a member of the extension
-- (dropped with it).
SELECT is(
    ARRAY(SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc AS p
          WHERE p.pronamespace = 'callout'::regnamespace
            AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d
                            WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
                              AND d.refclassid = 'pg_catalog.pg_extension'::regclass
                              AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension
                                                WHERE extname = 'callout')
                              AND d.deptype = 'e')
          ORDER BY 1),
    ARRAY[]::text[],
    'every function in schema callout is a member of the extension');
SELECT is(
    (SELECT count(*)::integer FROM pg_catalog.pg_depend AS d
     WHERE d.classid = 'pg_catalog.pg_proc'::regclass
       AND d.refclassid = 'pg_catalog.pg_extension'::regclass
       AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'callout')
       AND d.deptype = 'e'),
    89,
    'the extension has 89 member functions');
-- The types the install script creates: some servers also record the row types of tables and
-- views and every array type as members, which are counted with their relations (below).
SELECT is(
    ARRAY(SELECT d.objid::regtype::text FROM pg_catalog.pg_depend AS d
          JOIN pg_catalog.pg_type AS t ON t.oid = d.objid
          WHERE d.classid = 'pg_catalog.pg_type'::regclass
            AND d.refclassid = 'pg_catalog.pg_extension'::regclass
            AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'callout')
            AND d.deptype = 'e'
            AND t.typcategory <> 'A'
            AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_catalog.pg_class AS c
                                    WHERE c.oid = t.typrelid) = 'c')
          ORDER BY 1),
    ARRAY['callout.call_outcome', 'callout.call_outcome_info', 'callout.call_status',
          'callout.ingest_settings', 'callout.webhook_result'],
    'the extension''s member types are its two enums and three composite types');
SELECT is(
    ARRAY(SELECT d.objid::regclass::text FROM pg_catalog.pg_depend AS d
          WHERE d.classid = 'pg_catalog.pg_class'::regclass
            AND d.refclassid = 'pg_catalog.pg_extension'::regclass
            AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'callout')
            AND d.deptype = 'e'
          ORDER BY 1),
    ARRAY['callout.call_log', 'callout.call_log_id_seq', 'callout.calls',
          'callout.delivery_count', 'callout.feed_consumer',
          'callout.gateway_role', 'callout.key_usage', 'callout.livekit_call_event',
          'callout.livekit_call_event_id_seq', 'callout.parked_delivery', 'callout.parked_delivery_id_seq',
          'callout.pending_event', 'callout.pending_event_id_seq', 'callout.phone_route', 'callout.rejected_delivery',
          'callout.rejected_delivery_slot', 'callout.room_tenant', 'callout.signing_key', 'callout.tenant_role',
          'callout.tenant_token_epoch', 'callout.tenant_token_secret'],
    'the extension''s member relations are its tables, sequences and the calls view');
SELECT is(
    ARRAY(SELECT c.oid::regclass::text FROM pg_catalog.pg_class AS c
          WHERE c.relnamespace = 'callout'::regnamespace AND c.relkind IN ('r', 'S', 'v', 'm', 'p', 'f')
            AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d
                            WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                              AND d.refclassid = 'pg_catalog.pg_extension'::regclass
                              AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension
                                                WHERE extname = 'callout')
                              AND d.deptype = 'e')
          ORDER BY 1),
    ARRAY[]::text[],
    'every table and sequence in schema callout is a member of the extension');

-- pg_dump keeps the rows of every table and the position of every sequence (keys, routes,
-- trusted roles, calls, events, the delivery counts and rejection sample, the feed's consumers
-- and positions, and the parked deliveries).
SELECT is(
    ARRAY(SELECT r::regclass::text FROM pg_catalog.pg_extension AS e, unnest(e.extconfig) AS r
          WHERE e.extname = 'callout' ORDER BY 1),
    ARRAY['callout.call_log', 'callout.call_log_id_seq', 'callout.delivery_count',
          'callout.feed_consumer', 'callout.gateway_role', 'callout.key_usage', 'callout.livekit_call_event', 'callout.livekit_call_event_id_seq',
          'callout.parked_delivery', 'callout.parked_delivery_id_seq', 'callout.pending_event', 'callout.pending_event_id_seq', 'callout.phone_route',
          'callout.rejected_delivery',
          'callout.rejected_delivery_slot', 'callout.room_tenant', 'callout.signing_key', 'callout.tenant_role',
          'callout.tenant_token_epoch', 'callout.tenant_token_secret'],
    'pg_extension_config_dump covers every table and sequence');
SELECT is(
    (SELECT array_agg(DISTINCT c) FROM pg_catalog.pg_extension AS e, unnest(e.extcondition) AS c
     WHERE e.extname = 'callout'),
    ARRAY['']::text[],
    'pg_dump keeps every row of them (no filter)');

-- The setting exists once the module is loaded: call a function of it first.
SELECT is(callout.extract_campaign_id('outbound-campaign-4711-lead-000123-G8L8Ve3i'), '4711',
          'a function of the module answers (the module is loaded)');
SELECT is((SELECT count(*)::integer FROM pg_catalog.pg_settings WHERE name = 'callout.clock_leeway'),
          1, 'setting callout.clock_leeway exists');
SELECT is((SELECT boot_val FROM pg_catalog.pg_settings WHERE name = 'callout.clock_leeway'),
          '60', 'callout.clock_leeway defaults to 60');
SELECT is((SELECT unit FROM pg_catalog.pg_settings WHERE name = 'callout.clock_leeway'),
          's', 'callout.clock_leeway is in seconds');
SELECT is((SELECT context FROM pg_catalog.pg_settings WHERE name = 'callout.clock_leeway'),
          'superuser', 'only superusers may set callout.clock_leeway');
SELECT is((SELECT vartype || ' ' || min_val || '..' || max_val FROM pg_catalog.pg_settings
           WHERE name = 'callout.clock_leeway'),
          'integer 0..3600', 'callout.clock_leeway is an integer from 0 to 3600');

-- The module's settings: what decides acceptance and classification is for superusers only;
-- callout.user_id is for every session (read only from trusted gateways), and so is
-- callout.tenant_token (believed only when signed with the secret of tenant_token_secret).
SELECT is(
    ARRAY(SELECT format('%s %s %s', name, context, boot_val) FROM pg_catalog.pg_settings
          WHERE name LIKE 'callout.%' ORDER BY name),
    ARRAY['callout.clock_leeway superuser 60', 'callout.max_body_bytes superuser 1048576',
          'callout.max_events_per_call superuser 1000', 'callout.max_key_bytes_per_minute superuser 67108864',
          'callout.max_parked_bytes superuser 67108864', 'callout.max_parked_deliveries superuser 1000',
          'callout.min_completed_seconds superuser 10', 'callout.min_connected_seconds superuser 3',
          'callout.notify superuser on', 'callout.tenant_token user ',
          'callout.unmatched_window superuser 600', 'callout.user_id user ', 'callout.verify_at superuser '],
    'the settings, who may set them, and their defaults');

-- The setting is what a NULL leeway means. This vector's token expired 10 s before its
-- instant: inside the default 60 s, outside 10 s.
SELECT is((SELECT callout.verify_livekit_signature(body, token, api_key, api_secret, verified_at, NULL)
           FROM livekit_test.vectors WHERE name = 'clock_exp_minus_10_boundary_rejected'),
          'ok', 'a NULL leeway uses the default 60 s');
SET LOCAL callout.clock_leeway = 10;
SELECT is((SELECT callout.verify_livekit_signature(body, token, api_key, api_secret, verified_at, NULL)
           FROM livekit_test.vectors WHERE name = 'clock_exp_minus_10_boundary_rejected'),
          'expired', 'a NULL leeway follows callout.clock_leeway once set to 10 s');

-- Out of range values and unknown names under the reserved prefix are refused.
SELECT throws_ok('SET LOCAL callout.clock_leeway = 3601', '22023', NULL,
                 'callout.clock_leeway refuses 3601');
SELECT throws_ok('SET LOCAL callout.no_such_setting = 1', '42602', NULL,
                 'callout is a reserved prefix: unknown settings are refused');

-- Last, as it removes everything above (the transaction rolls it back).
DROP EXTENSION callout CASCADE;  -- the test fixtures use its types
SELECT hasnt_schema('callout', 'DROP EXTENSION callout removes schema callout');

SELECT * FROM finish();
ROLLBACK;
