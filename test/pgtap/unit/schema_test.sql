-- The catalog shape of callout: its schema, types, tables and every SQL function of
-- the install script with its exact arguments, return type, volatility, strictness, parallel
-- safety, language, security and defaults.
BEGIN;
SELECT plan(725);

-- The functions of the install script, one row each: name, input argument types as
-- format_type spells them, return type, volatility, strict, parallel safety, language, and
-- whether it runs with its owner's rights.
CREATE TEMP TABLE expected_functions (
    name name NOT NULL,
    args name[] NOT NULL,
    returns text NOT NULL,
    volatility text NOT NULL,
    strict boolean NOT NULL,
    parallel "char" NOT NULL,
    language name NOT NULL,
    definer boolean NOT NULL,
    PRIMARY KEY (name, args)
);
INSERT INTO expected_functions VALUES
    -- the verified core (C)
    ('verify_livekit_signature',
     ARRAY['text', 'text', 'text', 'text', 'timestamp with time zone', 'integer'],
     'text', 'STABLE', false, 's', 'c', false),
    ('verify_hmac_signature', ARRAY['text', 'text', 'text'], 'boolean', 'IMMUTABLE', false, 's', 'c', false),
    ('transform_livekit_event', ARRAY['jsonb'], 'jsonb', 'IMMUTABLE', true, 's', 'c', false),
    ('extract_phone_number', ARRAY['text'], 'text', 'IMMUTABLE', true, 's', 'c', false),
    ('extract_campaign_id', ARRAY['text'], 'text', 'IMMUTABLE', true, 's', 'c', false),
    ('call_duration', ARRAY['text', 'text'], 'integer', 'IMMUTABLE', false, 's', 'c', false),
    ('extract_recording_url', ARRAY['jsonb'], 'text', 'IMMUTABLE', true, 's', 'c', false),
    ('classify_outcome', ARRAY['numeric', 'text', 'text', 'numeric', 'numeric'],
     'callout.call_outcome', 'IMMUTABLE', false, 's', 'c', false),
    ('cpp_boundary_selftest', ARRAY['text'], 'text', 'VOLATILE', true, 'u', 'c', false),
    -- internal C functions of ingestion and tenancy
    ('_token_issuer', ARRAY['text'], 'text', 'IMMUTABLE', true, 's', 'c', false),
    ('_parse_json_body', ARRAY['text'], 'jsonb', 'IMMUTABLE', true, 's', 'c', false),
    ('_ingest_settings', ARRAY[]::name[], 'callout.ingest_settings', 'STABLE', false, 's', 'c', false),
    ('_invoking_role', ARRAY[]::name[], 'oid', 'STABLE', false, 's', 'c', false),
    -- who is who (C: row-level security asks it in every statement)
    ('_session_is_gateway', ARRAY[]::name[], 'boolean', 'STABLE', false, 'r', 'c', false),
    ('current_user_id', ARRAY[]::name[], 'text', 'STABLE', false, 'r', 'c', false),
    ('is_auditor', ARRAY[]::name[], 'boolean', 'STABLE', false, 'r', 'c', false),
    ('token_tenant', ARRAY[]::name[], 'text', 'STABLE', false, 's', 'c', false),
    ('token_audits', ARRAY[]::name[], 'boolean', 'STABLE', false, 's', 'c', false),
    ('_auditor_token', ARRAY['name', 'timestamp with time zone'], 'text', 'STABLE', false, 's', 'c', false),
    ('_tenant_token', ARRAY['name', 'text', 'timestamp with time zone'], 'text', 'STABLE', false, 's', 'c', false),
    ('_revoke_role_tokens', ARRAY[]::name[], 'trigger', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_check_role', ARRAY['name'], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('trust_gateway_role', ARRAY['name'], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('map_tenant_role', ARRAY['name', 'text'], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_sync_audit_policies', ARRAY[]::name[], 'trigger', 'VOLATILE', false, 'u', 'plpgsql', true),
    -- keys and routes
    ('add_signing_key', ARRAY['text', 'text', 'text', 'boolean'], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('revoke_signing_key', ARRAY['text'], 'boolean', 'VOLATILE', false, 'u', 'sql', false),
    ('_signing_keys_changed', ARRAY[]::name[], 'trigger', 'VOLATILE', false, 'u', 'c', false),
    ('add_phone_route', ARRAY['text', 'text', 'text'], 'void', 'VOLATILE', false, 'u', 'sql', false),
    -- applying events to calls
    ('_lock_room', ARRAY['text'], 'void', 'VOLATILE', true, 'u', 'c', false),
    ('_tenant_relation', ARRAY['text', 'text'], 'regclass', 'STABLE', true, 'u', 'c', false),
    ('_insert_call', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'jsonb', 'text', 'timestamp with time zone'], 'bigint', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_remake_call', ARRAY['text', 'bigint', 'double precision', 'double precision', 'boolean', 'timestamp with time zone'], 'callout.call_outcome', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_recompute_call', ARRAY['bigint', 'text', 'timestamp with time zone'], 'callout.call_outcome', 'VOLATILE', true, 'u', 'c', false),
    -- a room's waiting events attached to its call: the pending store's (the coordinator's), and
    -- the tenant's (by _attach_unmatched itself)
    ('_first_pending_event', ARRAY['bigint', 'text', 'timestamp with time zone'], 'record', 'STABLE', false, 'u', 'plpgsql', false),
    ('_move_pending_events', ARRAY['text', 'bigint', 'text', 'timestamp with time zone', 'text'], 'integer', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_attach_unmatched', ARRAY['bigint', 'text', 'text', 'integer'], 'integer', 'VOLATILE', false, 'u',
     'plpgsql', false),
    -- late events: listed for the admin, attached by the admin or the call's tenant's gateway
    ('late_events', ARRAY['interval'], 'setof record', 'STABLE', false, 'u', 'plpgsql', false),
    ('attach_late_events', ARRAY['bigint'], 'boolean', 'VOLATILE', false, 'u', 'plpgsql', true),
    -- a call's identity is valid, and an event holds its call (triggers, in place of CHECK
    -- constraints and a foreign key)
    ('_call_identity_is_valid', ARRAY[]::name[], 'trigger', 'VOLATILE', false, 'u', 'plpgsql', true),
    ('_require_read_committed', ARRAY['text'], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_call_keeps_its_events', ARRAY[]::name[], 'trigger', 'VOLATILE', false, 'u', 'plpgsql', true),
    ('_event_names_a_call', ARRAY[]::name[], 'trigger', 'VOLATILE', false, 'u', 'plpgsql', true),
    -- matching events to calls: openness, a SQL function the planner inlines; the rule, in C++
    ('_is_open', ARRAY['callout.call_status'], 'boolean', 'IMMUTABLE', false, 's', 'sql', false),
    -- reading: call_stats's bucket of a call for one dimension, inlined
    ('_call_stats_key', ARRAY['text', 'timestamp with time zone', 'timestamp with time zone', 'text', 'text', 'text',
                              'callout.call_outcome', 'text', 'text'], 'text', 'STABLE', false, 's', 'sql', false),
    ('_matching_call_id', ARRAY['text', 'text', 'text'], 'bigint', 'STABLE', false, 'u', 'c', false),
    ('_create_call', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'jsonb', 'text', 'integer',
                           'double precision', 'double precision', 'boolean'], 'record', 'VOLATILE',
     false, 'u', 'plpgsql', false),
    ('_create_inbound_call', ARRAY['text', 'text', 'text', 'text'], 'record', 'VOLATILE', false, 'u', 'plpgsql',
     false),
    -- what applications call
    ('register_call', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'jsonb'], 'bigint', 'VOLATILE',
     false, 'u', 'plpgsql', true),
    ('update_call_log', ARRAY['bigint', 'jsonb'], 'boolean', 'VOLATILE', false, 'u', 'plpgsql', true),
    ('get_call_outcome', ARRAY['bigint', 'text'], 'callout.call_outcome_info', 'STABLE', false, 'u', 'sql',
     false),
    ('resolve_call_context', ARRAY['text'], 'record', 'STABLE', false, 'u', 'plpgsql', true),
    -- ingestion
    ('_grant_reading', ARRAY['name'], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('call_stats', ARRAY['timestamp with time zone', 'timestamp with time zone', 'text'], 'setof record', 'STABLE',
     false, 'u', 'plpgsql', false),
    ('livekit_webhook', ARRAY['text'], 'callout.webhook_result', 'VOLATILE', false, 'u', 'c', true),
    ('grant_api_roles', ARRAY['name', 'name', 'name'], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_cutoff', ARRAY['interval'], 'timestamp with time zone', 'STABLE', false, 'u', 'plpgsql', false),
    ('_warn_locked_tenants', ARRAY['text', 'integer'], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_expire_tenant_calls', ARRAY['text', 'timestamp with time zone', 'timestamp with time zone'], 'integer', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('expire_stale_calls', ARRAY['interval'], 'integer', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('reclassify_calls', ARRAY['timestamp with time zone'], 'integer', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_reclassify_tenant_calls', ARRAY['text', 'timestamp with time zone', 'double precision', 'double precision', 'boolean', 'timestamp with time zone'], 'bigint[]', 'VOLATILE', false, 'u', 'plpgsql', false),
    -- scaling out on Citus
    ('distribute', ARRAY[]::name[], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_on_workers', ARRAY['text'], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_distributed', ARRAY[]::name[], 'boolean', 'STABLE', false, 'u', 'plpgsql', false),
    ('_refuse_on_worker', ARRAY['text', 'text'], 'void', 'STABLE', false, 'u', 'plpgsql', false),
    ('_use_thresholds', ARRAY['double precision', 'double precision', 'boolean'], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_gateways_to_workers', ARRAY[]::name[], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_gateways_trusted', ARRAY[]::name[], 'trigger', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_node_id_range', ARRAY[]::name[], 'record', 'STABLE', false, 'u', 'plpgsql', false),
    ('_call_candidates', ARRAY['text', 'text', 'text'], 'setof record', 'STABLE', false, 'u', 'c', false),
    ('_room_tenants', ARRAY['text'], 'text[]', 'STABLE', false, 'u', 'plpgsql', false),
    ('_deliver_to_tenant', ARRAY['text', 'jsonb', 'text', 'text', 'bytea', 'bigint', 'bigint', 'boolean', 'bigint',
                                 'text', 'double precision', 'double precision', 'integer', 'integer',
                                 'timestamp with time zone'],
     'record', 'VOLATILE', false, 'u', 'c', false),
    ('set_tenant_token', ARRAY[]::name[], 'void', 'VOLATILE', false, 'u', 'plpgsql', true),
    -- the outcome feed: read under the reader's row-level security (a NULL reads nothing);
    -- consumers kept as the owner
    ('_refuse_distributed_feed', ARRAY[]::name[], 'void', 'STABLE', false, 'u', 'plpgsql', false),
    ('outcome_changes', ARRAY['xid8', 'bigint', 'integer'], 'setof record', 'STABLE', true, 'u', 'sql', false),
    ('_feed_consumer', ARRAY['text'], 'callout.feed_consumer', 'VOLATILE', false, 'u', 'plpgsql', true),
    ('consume_outcomes', ARRAY['text', 'integer'], 'setof record', 'VOLATILE', false, 'u', 'plpgsql', true),
    ('acknowledge_outcomes', ARRAY['text', 'xid8', 'bigint'], 'boolean', 'VOLATILE', false, 'u', 'plpgsql', true),
    -- parked deliveries: kept by the delivery path, replayed by the admin
    ('_park_delivery', ARRAY['timestamp with time zone', 'text', 'text', 'text', 'bytea', 'integer',
                             'integer'], 'void', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('_replay_delivery', ARRAY['text', 'text', 'timestamp with time zone'], 'callout.webhook_result', 'VOLATILE',
     true, 'u', 'c', false),
    ('replay_parked_deliveries', ARRAY['text'], 'setof record', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('purge_event_payloads', ARRAY['interval'], 'integer', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('purge_delivery_counts', ARRAY['interval'], 'integer', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('purge_unmatched', ARRAY['interval'], 'integer', 'VOLATILE', false, 'u', 'plpgsql', false),
    ('metrics', ARRAY['timestamp with time zone', 'timestamp with time zone', 'text'], 'setof record',
     'STABLE', false, 'u', 'plpgsql', true),
    ('_ingest', ARRAY['text', 'jsonb', 'text'], 'callout.webhook_result', 'VOLATILE', false, 'u', 'c', false),
    ('process_livekit_webhook', ARRAY['text', 'text'], 'callout.webhook_result', 'VOLATILE', false, 'u', 'c',
     true),
    ('process_livekit_webhook', ARRAY['jsonb', 'text'], 'callout.webhook_result', 'VOLATILE', false, 'u',
     'plpgsql', true);

-- The tables: name, then every column in order as "name type[ NOT NULL]".
CREATE TEMP TABLE expected_tables (name name PRIMARY KEY, columns text[] NOT NULL, rls boolean NOT NULL);
INSERT INTO expected_tables VALUES
    ('signing_key', ARRAY['api_key text NOT NULL', 'api_secret text NOT NULL', 'user_id text',
                          'allow_plain_hmac boolean NOT NULL', 'created_at timestamp with time zone NOT NULL',
                          'revoked_at timestamp with time zone'], true),
    ('phone_route', ARRAY['trunk_phone_number text NOT NULL', 'user_id text NOT NULL', 'agent_config_id text'],
     true),
    ('key_usage', ARRAY['api_key text NOT NULL', 'minute timestamp with time zone NOT NULL',
                        'body_bytes bigint NOT NULL'], true),
    ('gateway_role', ARRAY['role regrole NOT NULL'], true),
    ('tenant_role', ARRAY['user_id text', 'role regrole NOT NULL'], true),
    ('tenant_token_secret', ARRAY['one boolean NOT NULL', 'secret bytea NOT NULL'], true),
    ('tenant_token_epoch', ARRAY['role name NOT NULL', 'epoch text NOT NULL'], true),
    ('room_tenant', ARRAY['room_name text NOT NULL', 'user_id text NOT NULL'], true),
    ('call_log', ARRAY['id bigint NOT NULL', 'user_id text NOT NULL', 'agent_config_id text',
                       'room_name text NOT NULL', 'room_sid text', 'direction text NOT NULL', 'phone_number text',
                       'registered_phone_number text', 'campaign_id text',
                       'status callout.call_status NOT NULL', 'outcome callout.call_outcome',
                       'duration_seconds integer', 'disconnect_reason text', 'sip_call_status text',
                       'recording_url text', 'metadata jsonb', 'started_at timestamp with time zone',
                       'answered_at timestamp with time zone', 'ended_at timestamp with time zone',
                       'origin text NOT NULL',
                       'created_at timestamp with time zone NOT NULL',
                       'updated_at timestamp with time zone NOT NULL', 'feed_xact xid8',
                       'sip_call_id text', 'sip_call_id_full text', 'answered_on_join boolean NOT NULL'], true),
    ('feed_consumer', ARRAY['tenant text NOT NULL', 'reader regrole NOT NULL', 'name text NOT NULL',
                            'feed_xact xid8 NOT NULL', 'call_id bigint NOT NULL',
                            'acknowledged_at timestamp with time zone'], true),
    ('livekit_call_event', ARRAY['id bigint NOT NULL', 'event_id text NOT NULL', 'call_log_id bigint',
                                 'user_id text NOT NULL', 'api_key text', 'event_type text NOT NULL',
                                 'room_name text NOT NULL', 'room_sid text',
                                 'event_created_at timestamp with time zone',
                                 'received_at timestamp with time zone NOT NULL', 'body_sha256 bytea NOT NULL',
                                 'room_creation_time timestamp with time zone', 'participant_identity text',
                                 'participant_kind text', 'is_sip boolean NOT NULL',
                                 'joined_at timestamp with time zone', 'disconnect_reason text',
                                 'sip_call_status text', 'sip_phone_number text', 'sip_trunk_phone_number text',
                                 'call_duration_seconds integer', 'recording_url text', 'egress_status text',
                                 'payload jsonb', 'sip_call_id text', 'sip_call_id_full text'], true),
    ('pending_event', ARRAY['id bigint NOT NULL', 'event_id text NOT NULL', 'api_key text',
                            'event_type text NOT NULL', 'room_name text NOT NULL', 'room_sid text',
                            'event_created_at timestamp with time zone',
                            'received_at timestamp with time zone NOT NULL', 'body_sha256 bytea NOT NULL',
                            'room_creation_time timestamp with time zone', 'participant_identity text',
                            'participant_kind text', 'is_sip boolean NOT NULL',
                            'joined_at timestamp with time zone', 'disconnect_reason text',
                            'sip_call_status text', 'sip_phone_number text', 'sip_trunk_phone_number text',
                            'call_duration_seconds integer', 'recording_url text', 'egress_status text',
                            'payload jsonb', 'sip_call_id text', 'sip_call_id_full text'], true),
    ('delivery_count', ARRAY['minute timestamp with time zone NOT NULL', 'status text NOT NULL',
                             'reason text NOT NULL', 'backend integer NOT NULL', 'deliveries bigint NOT NULL'],
     true),
    ('rejected_delivery', ARRAY['slot integer NOT NULL', 'rejected_at timestamp with time zone NOT NULL',
                                'reason text NOT NULL', 'api_key text', 'body_bytes integer',
                                'body_sha256 bytea'], true),
    ('parked_delivery', ARRAY['id bigint NOT NULL', 'parked_at timestamp with time zone NOT NULL',
                              'api_key text NOT NULL', 'event_id text', 'event_type text', 'room_name text',
                              'bytes integer NOT NULL', 'body_sha256 bytea NOT NULL',
                              'signature_sha256 bytea NOT NULL', 'body text NOT NULL', 'signature text NOT NULL'],
     true);

-- The composite types, with their attributes in order.
CREATE TEMP TABLE expected_composites (name name PRIMARY KEY, attributes text[] NOT NULL);
INSERT INTO expected_composites VALUES
    ('webhook_result', ARRAY['status text', 'reason text', 'event_id text', 'call_id bigint',
                             'outcome callout.call_outcome']),
    ('call_outcome_info', ARRAY['call_id bigint', 'status callout.call_status', 'outcome callout.call_outcome',
                                'duration_seconds integer', 'disconnect_reason text', 'sip_call_status text',
                                'recording_url text', 'started_at timestamp with time zone',
                                'ended_at timestamp with time zone']),
    ('ingest_settings', ARRAY['verify_at timestamp with time zone', 'max_body_bytes integer',
                              'clock_leeway integer', 'min_connected_seconds double precision',
                              'min_completed_seconds double precision', 'unmatched_window_seconds integer', 'notify boolean',
                              'max_key_bytes integer', 'max_room_name_bytes integer']);

-- The columns of a relation (table or composite type) in order, as "name type[ NOT NULL]".
CREATE FUNCTION pg_temp.columns_of(rel regclass) RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT ARRAY(SELECT a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) ||
                        CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                 FROM pg_catalog.pg_attribute AS a
                 WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped
                 ORDER BY a.attnum)
$$;

-- The schema and its types (8).
SELECT has_schema('callout', 'schema callout exists');
SELECT types_are('callout', ARRAY['call_outcome', 'call_status', 'webhook_result', 'call_outcome_info',
                                  'ingest_settings'],
                 'callout holds exactly the types of the install script');
SELECT has_enum('callout', 'call_outcome', 'callout.call_outcome is an enum');
SELECT enum_has_labels('callout', 'call_outcome',
                       ARRAY['completed', 'no_answer', 'busy', 'failed'],
                       'callout.call_outcome has completed, no_answer, busy, failed in that order');
SELECT has_enum('callout', 'call_status', 'callout.call_status is an enum');
SELECT enum_has_labels('callout', 'call_status',
                       ARRAY['registered', 'in_progress', 'ended', 'expired'],
                       'callout.call_status has registered, in_progress, ended, expired in that order');
SELECT enums_are('callout', ARRAY['call_outcome', 'call_status'], 'callout''s enums are call_outcome and call_status');
SELECT is(ARRAY(SELECT t.typname::text FROM pg_catalog.pg_type AS t
                JOIN pg_catalog.pg_class AS c ON c.oid = t.typrelid AND c.relkind = 'c'
                WHERE t.typnamespace = 'callout'::regnamespace ORDER BY 1),
          ARRAY['call_outcome_info', 'ingest_settings', 'webhook_result'],
          'callout''s composite types are call_outcome_info, ingest_settings, webhook_result');

-- Each composite type with its attributes in order (3).
SELECT is(pg_temp.columns_of(format('callout.%I', name)::regclass), attributes,
          format('callout.%s has its attributes in order', name))
FROM expected_composites ORDER BY name;

-- The tables (1), each with its columns in order (14), its primary key (14), and its row-level
-- security, enabled and forced on every table: policies let tenants read their own calls,
-- events and routes; the administration tables (the feed's consumers and the tenant tokens'
-- secret and epochs among them) have none, so no role but a superuser reads them, whatever is
-- granted (28).
SELECT tables_are('callout', ARRAY(SELECT name FROM expected_tables),
                  'callout holds exactly the tables of the install script');
SELECT is(pg_temp.columns_of(format('callout.%I', name)::regclass), columns,
          format('callout.%s has its columns in order', name))
FROM expected_tables ORDER BY name;
SELECT col_is_pk('callout', t.name, pk, format('callout.%s has primary key (%s)', t.name, array_to_string(pk, ', ')))
FROM expected_tables AS t
CROSS JOIN LATERAL (SELECT CASE t.name WHEN 'signing_key' THEN ARRAY['api_key']::name[]
                                       WHEN 'phone_route' THEN ARRAY['trunk_phone_number']::name[]
                                       WHEN 'gateway_role' THEN ARRAY['role']::name[]
                                       WHEN 'key_usage' THEN ARRAY['api_key', 'minute']::name[]
                                       WHEN 'feed_consumer' THEN ARRAY['tenant', 'reader', 'name']::name[]
                                       WHEN 'tenant_role' THEN ARRAY['role']::name[]
                                       WHEN 'tenant_token_secret' THEN ARRAY['one']::name[]
                                       WHEN 'tenant_token_epoch' THEN ARRAY['role']::name[]
                                       WHEN 'room_tenant' THEN ARRAY['room_name', 'user_id']::name[]
                                       WHEN 'delivery_count' THEN ARRAY['minute', 'status', 'reason', 'backend']::name[]
                                       WHEN 'rejected_delivery' THEN ARRAY['slot']::name[]
                                       WHEN 'livekit_call_event' THEN ARRAY['user_id', 'event_id']::name[]
                                       WHEN 'call_log' THEN ARRAY['id', 'user_id']::name[]
                                       ELSE ARRAY['id']::name[] END AS pk) AS k
ORDER BY t.name;
SELECT is(c.relrowsecurity, t.rls,
          format('row-level security is %s on callout.%s', CASE WHEN t.rls THEN 'enabled' ELSE 'off' END, t.name))
FROM expected_tables AS t JOIN pg_catalog.pg_class AS c ON c.oid = format('callout.%I', t.name)::regclass
ORDER BY t.name;
SELECT is(c.relforcerowsecurity, t.rls,
          format('row-level security is %s callout.%s''s owner', CASE WHEN t.rls THEN 'forced on' ELSE 'not forced on' END, t.name))
FROM expected_tables AS t JOIN pg_catalog.pg_class AS c ON c.oid = format('callout.%I', t.name)::regclass
ORDER BY t.name;

-- Sequences, indexes, keys and defaults of the call and event tables (13).
SELECT sequences_are('callout', ARRAY['call_log_id_seq', 'livekit_call_event_id_seq', 'pending_event_id_seq',
                                      'parked_delivery_id_seq', 'rejected_delivery_slot'],
                     'callout holds exactly the identity sequences of call_log, livekit_call_event, pending_event and parked_delivery, and the rejection ring''s');
SELECT indexes_are('callout', 'call_log',
                   ARRAY['call_log_pkey', 'call_log_open_room', 'call_log_room_sid', 'call_log_tenant',
                         'call_log_campaign', 'call_log_started', 'call_log_phone_number', 'call_log_feed'],
                   'callout.call_log has exactly its eight indexes (a call''s ending UPDATE writes each)');
SELECT indexes_are('callout', 'livekit_call_event',
                   ARRAY['livekit_call_event_pkey', 'livekit_call_event_call', 'livekit_call_event_unmatched'],
                   'callout.livekit_call_event has exactly its three indexes (a delivery writes an entry in two: its key and its call''s)');
SELECT is(pg_catalog.pg_get_indexdef('callout.call_log_open_room'::regclass),
          'CREATE UNIQUE INDEX call_log_open_room ON callout.call_log USING btree (room_name, user_id) '
          'WHERE callout._is_open(status)',
          'at most one open (registered or in_progress) call per tenant and room name');
SELECT is(ARRAY(SELECT s::text FROM unnest(enum_range(NULL::callout.call_status)) AS s
                WHERE callout._is_open(s)),
          ARRAY['registered', 'in_progress'], 'a call is open while registered or in progress');
SELECT is(pg_catalog.pg_get_indexdef('callout.call_log_room_sid'::regclass),
          'CREATE UNIQUE INDEX call_log_room_sid ON callout.call_log USING btree (room_sid, user_id) WHERE (room_sid IS NOT NULL)',
          'a room sid belongs to at most one call of a tenant');
SELECT is(pg_catalog.pg_get_indexdef('callout.livekit_call_event_pkey'::regclass),
          'CREATE UNIQUE INDEX livekit_call_event_pkey ON callout.livekit_call_event USING btree (user_id, event_id)',
          'an event id is unique per tenant: the idempotency key');
SELECT is(pg_catalog.pg_get_indexdef('callout.pending_event_event_id'::regclass),
          'CREATE UNIQUE INDEX pending_event_event_id ON callout.pending_event USING btree (event_id)',
          'an event id is unique in the pending store');
SELECT is(ARRAY(SELECT t.tgrelid::regclass::text || ' ' || t.tgname || ' ' || t.tgfoid::regproc::text
                || ' ' || t.tgtype FROM pg_catalog.pg_trigger AS t
                WHERE t.tgrelid IN ('callout.call_log'::regclass, 'callout.livekit_call_event'::regclass)
                ORDER BY 1),
          ARRAY['callout.call_log call_log_identity_is_valid callout._call_identity_is_valid 21',
                'callout.call_log call_log_keeps_events callout._call_keeps_its_events 25',
                'callout.call_log call_log_truncate_keeps_events callout._call_keeps_its_events 32',
                'callout.livekit_call_event livekit_call_event_names_a_call callout._event_names_a_call 19'],
          'call_log''s identity is checked after a row is written or its identity changed (AFTER: with a BEFORE UPDATE row trigger every delivery would lock and WAL-log its call row first); livekit_call_event.call_log_id holds its call by triggers: after a row deleted or renumbered or a truncate of call_log, before an event moves (no foreign key); and no others');
SELECT is((SELECT a.attidentity FROM pg_catalog.pg_attribute AS a
           WHERE a.attrelid = 'callout.call_log'::regclass AND a.attname = 'id'),
          'a'::"char", 'call_log.id is GENERATED ALWAYS AS IDENTITY');
SELECT is((SELECT a.attidentity FROM pg_catalog.pg_attribute AS a
           WHERE a.attrelid = 'callout.livekit_call_event'::regclass AND a.attname = 'id'),
          'a'::"char", 'livekit_call_event.id is GENERATED ALWAYS AS IDENTITY');
SELECT col_default_is('callout', 'call_log', 'status', 'registered'::callout.call_status,
                      'a call starts registered');
SELECT col_default_is('callout', 'livekit_call_event', 'is_sip', false, 'an event is not a SIP participant''s by default');
SELECT col_default_is('callout', 'signing_key', 'allow_plain_hmac', false, 'plain HMAC is off for a key by default');
SELECT is(ARRAY(SELECT c.conname::text FROM pg_catalog.pg_constraint AS c
                WHERE c.conrelid = 'callout.call_log'::regclass AND c.contype = 'c' ORDER BY 1),
          ARRAY[]::text[],
          'call_log has no CHECK constraint (every statement writing a row would compile them again): its identity is checked by a trigger');

-- Exactly these functions, nothing more (1), the overloads of process_livekit_webhook (1).
SELECT functions_are('callout', ARRAY(SELECT DISTINCT name FROM expected_functions),
                     'callout holds exactly the functions of the install script');
SELECT is((SELECT count(*)::integer FROM pg_catalog.pg_proc AS p
           WHERE p.pronamespace = 'callout'::regnamespace),
          (SELECT count(*)::integer FROM expected_functions),
          'callout holds as many functions as the install script: one per name but process_livekit_webhook, which has two overloads');

-- Each function with its exact argument types (one check each).
SELECT has_function('callout', name, args,
                    format('callout.%s(%s) exists', name, array_to_string(args, ', ')))
FROM expected_functions ORDER BY name, args;

-- Return types (79).
SELECT function_returns('callout', name, args, returns,
                        format('callout.%s(%s) returns %s', name, array_to_string(args, ', '), returns))
FROM expected_functions ORDER BY name, args;

-- Volatility (79): verification and tenancy read settings (STABLE), writers are VOLATILE.
SELECT volatility_is('callout', name, args, volatility,
                     format('callout.%s(%s) is %s', name, array_to_string(args, ', '), volatility))
FROM expected_functions ORDER BY name, args;

-- Strictness (79): the functions whose NULL handling is documented are not STRICT.
SELECT CASE WHEN strict
            THEN is_strict('callout', name, args,
                           format('callout.%s(%s) is STRICT', name, array_to_string(args, ', ')))
            ELSE isnt_strict('callout', name, args,
                             format('callout.%s(%s) is not STRICT', name, array_to_string(args, ', ')))
       END
FROM expected_functions ORDER BY name, args;

-- Parallel safety (79): the C functions but the selftest are PARALLEL SAFE.
SELECT is(p.proparallel, e.parallel,
          format('callout.%s(%s) is PARALLEL %s', e.name, array_to_string(e.args, ', '),
                 CASE e.parallel WHEN 's' THEN 'SAFE' WHEN 'r' THEN 'RESTRICTED' ELSE 'UNSAFE' END))
FROM expected_functions AS e
LEFT JOIN pg_catalog.pg_proc AS p
       ON p.oid = pg_catalog.to_regprocedure(
                      format('callout.%I(%s)', e.name, array_to_string(e.args, ', ')))
ORDER BY e.name, e.args;

-- Language (79).
SELECT function_lang_is('callout', name, args, language,
                        format('callout.%s(%s) is LANGUAGE %s', name, array_to_string(args, ', '), language))
FROM expected_functions ORDER BY name, args;

-- Security (79): ingestion and the tenancy functions run with the owner's rights on purpose;
-- every other function runs with the caller's.
SELECT CASE WHEN definer
            THEN is_definer('callout', name, args,
                            format('callout.%s(%s) is SECURITY DEFINER', name, array_to_string(args, ', ')))
            ELSE isnt_definer('callout', name, args,
                              format('callout.%s(%s) is SECURITY INVOKER', name, array_to_string(args, ', ')))
       END
FROM expected_functions ORDER BY name, args;

-- Exactly these run with the owner's rights (1), and each of them, like every SQL and PL/pgSQL
-- function but those the planner inlines (_is_open, _call_stats_key) and every C function that
-- runs statements (those with a SET clause), pins its search_path (1); the inlined ones have no
-- SET clause (it would stop the inlining) and qualify every name and operator instead, and
-- they are inlined: a query using them scans no function (3).
SELECT is(
    ARRAY(SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc AS p
          WHERE p.pronamespace = 'callout'::regnamespace AND p.prosecdef ORDER BY 1),
    ARRAY['callout._call_identity_is_valid()', 'callout._call_keeps_its_events()', 'callout._event_names_a_call()',
          'callout._feed_consumer(text)', 'callout._sync_audit_policies()',
          'callout.acknowledge_outcomes(text,xid8,bigint)', 'callout.attach_late_events(bigint)',
          'callout.consume_outcomes(text,integer)',
          'callout.livekit_webhook(text)',
          'callout.metrics(timestamp with time zone,timestamp with time zone,text)',
          'callout.process_livekit_webhook(jsonb,text)', 'callout.process_livekit_webhook(text,text)',
          'callout.register_call(text,text,text,text,text,text,jsonb)', 'callout.resolve_call_context(text)',
          'callout.set_tenant_token()', 'callout.update_call_log(bigint,jsonb)'],
    'the SECURITY DEFINER functions are exactly ingestion''s, tenancy''s and the checks that run as the owner');
SELECT is(
    ARRAY(SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc AS p
          JOIN pg_catalog.pg_language AS l ON l.oid = p.prolang
          WHERE p.pronamespace = 'callout'::regnamespace
            AND (p.prosecdef OR l.lanname <> 'c' OR p.proconfig IS NOT NULL)
            AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)
          ORDER BY 1),
    ARRAY['callout._call_stats_key(text,timestamp with time zone,timestamp with time zone,text,text,text,callout.call_outcome,text,text)',
          'callout._is_open(callout.call_status)'],
    'every SECURITY DEFINER, SQL, PL/pgSQL and statement-running C function but the inlined ones runs with search_path = pg_catalog, pg_temp');
SELECT is(
    ARRAY(SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc AS p
          WHERE p.pronamespace = 'callout'::regnamespace AND p.proconfig IS NULL AND NOT p.prosecdef
            AND p.prolang = (SELECT l.oid FROM pg_catalog.pg_language AS l WHERE l.lanname = 'sql')
          ORDER BY 1),
    ARRAY['callout._call_stats_key(text,timestamp with time zone,timestamp with time zone,text,text,text,callout.call_outcome,text,text)',
          'callout._is_open(callout.call_status)'],
    'the inlined SQL functions have no SET clause and run with the caller''s rights');
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query;
END
$$;
SET LOCAL enable_seqscan = off;
SELECT is((SELECT count(*)::integer FROM pg_temp.plan_of(
               $$SELECT c.id FROM callout.call_log AS c WHERE c.room_name = 'room-x' AND callout._is_open(c.status)$$) AS l
           WHERE l LIKE '%Index%using call_log_open_room%'),
          1, 'a query on open calls of a room uses a partial index of open rooms (the predicates are the same function)');
SELECT is(
    ARRAY(SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc AS p
          WHERE p.pronamespace = 'callout'::regnamespace AND 'enable_seqscan=off' = ANY (p.proconfig)
          ORDER BY 1),
    ARRAY['callout._deliver_to_tenant(text,jsonb,text,text,bytea,bigint,bigint,boolean,bigint,text,double precision,double precision,integer,integer,timestamp with time zone)',
          'callout._ingest(text,jsonb,text)', 'callout._recompute_call(bigint,text,timestamp with time zone)',
          'callout._replay_delivery(text,text,timestamp with time zone)', 'callout.livekit_webhook(text)', 'callout.process_livekit_webhook(text,text)',
          'callout.register_call(text,text,text,text,text,text,jsonb)'],
    'ingestion and registration plan their lookups by key without sequential scans (enable_seqscan off)');

-- Defaults, as PostgreSQL prints the argument list (5).
SELECT is(pg_catalog.pg_get_function_arguments(
              'callout.classify_outcome(numeric, text, text, numeric, numeric)'::regprocedure),
          'duration_seconds numeric, disconnect_reason text DEFAULT NULL::text, '
          'sip_call_status text DEFAULT NULL::text, min_connected_seconds numeric DEFAULT 3, '
          'min_completed_seconds numeric DEFAULT 10',
          'classify_outcome defaults: reason and status NULL, thresholds 3 and 10');
SELECT is(pg_catalog.pg_get_function_arguments(
              'callout.verify_livekit_signature(text, text, text, text, timestamptz, integer)'::regprocedure),
          'body text, "authorization" text, api_key text, api_secret text, '
          'at timestamp with time zone DEFAULT now(), leeway_seconds integer DEFAULT NULL::integer',
          'verify_livekit_signature defaults: at now(), leeway NULL (the setting)');
SELECT is(pg_catalog.pg_get_function_arguments(
              'callout.register_call(text, text, text, text, text, text, jsonb)'::regprocedure),
          'user_id text, room_name text, direction text, phone_number text DEFAULT NULL::text, '
          'campaign_id text DEFAULT NULL::text, agent_config_id text DEFAULT NULL::text, '
          'metadata jsonb DEFAULT NULL::jsonb',
          'register_call defaults: phone number, campaign, agent config and metadata NULL');
SELECT is(pg_catalog.pg_get_function_arguments(
              'callout.add_signing_key(text, text, text, boolean)'::regprocedure),
          'api_key text, api_secret text, user_id text DEFAULT NULL::text, allow_plain_hmac boolean DEFAULT false',
          'add_signing_key defaults: bound to no tenant, plain HMAC off');
SELECT is(pg_catalog.pg_get_function_arguments('callout.add_phone_route(text, text, text)'::regprocedure),
          'trunk_phone_number text, user_id text, agent_config_id text DEFAULT NULL::text',
          'add_phone_route defaults: agent config NULL');

-- The result columns of the functions with OUT parameters (2).
SELECT is(pg_catalog.pg_get_function_result('callout.resolve_call_context(text)'::regprocedure),
          'record', 'resolve_call_context returns one record');
SELECT is(pg_catalog.pg_get_function_arguments('callout.resolve_call_context(text)'::regprocedure),
          'room_name text, OUT call_id bigint, OUT user_id text, OUT agent_config_id text',
          'resolve_call_context answers call_id, user_id and agent_config_id');

-- A comment on every column of every table, view and type of the schema, which PostgREST's API
-- description shows (1).
SELECT is_empty($$
    SELECT c.relname || '.' || a.attname
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relnamespace = 'callout'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'c', 'f')
      AND coalesce(pg_catalog.col_description(c.oid, a.attnum), '') = ''
$$, 'every column of every table, view and type of callout has a comment');

SELECT * FROM finish();
ROLLBACK;
