-- The catalog shape of callout 0.1.0: its schema, the call_outcome enum, and every SQL function
-- of callout--0.1.0.sql with its exact arguments, return type, volatility, strictness, parallel
-- safety, language and defaults.
BEGIN;
SELECT plan(62);

-- The functions of the install script, one row each: name, argument types as format_type
-- spells them, return type, volatility, strict, parallel safety.
CREATE TEMP TABLE expected_functions (
    name name PRIMARY KEY,
    args name[] NOT NULL,
    returns text NOT NULL,
    volatility text NOT NULL,
    strict boolean NOT NULL,
    parallel "char" NOT NULL
);
INSERT INTO expected_functions VALUES
    ('verify_livekit_signature',
     ARRAY['text', 'text', 'text', 'text', 'timestamp with time zone', 'integer'],
     'text', 'STABLE', false, 's'),
    ('verify_hmac_signature', ARRAY['text', 'text', 'text'], 'boolean', 'IMMUTABLE', false, 's'),
    ('transform_livekit_event', ARRAY['jsonb'], 'jsonb', 'IMMUTABLE', true, 's'),
    ('extract_phone_number', ARRAY['text'], 'text', 'IMMUTABLE', true, 's'),
    ('extract_campaign_id', ARRAY['text'], 'text', 'IMMUTABLE', true, 's'),
    ('call_duration', ARRAY['text', 'text'], 'integer', 'IMMUTABLE', false, 's'),
    ('extract_recording_url', ARRAY['jsonb'], 'text', 'IMMUTABLE', true, 's'),
    ('classify_outcome', ARRAY['numeric', 'text', 'text', 'numeric', 'numeric'],
     'callout.call_outcome', 'IMMUTABLE', false, 's'),
    ('cpp_boundary_selftest', ARRAY['text'], 'text', 'VOLATILE', true, 'u');

-- The schema and the enum.
SELECT has_schema('callout', 'schema callout exists');
SELECT has_type('callout', 'call_outcome', 'type callout.call_outcome exists');
SELECT has_enum('callout', 'call_outcome', 'callout.call_outcome is an enum');
SELECT enum_has_labels('callout', 'call_outcome',
                       ARRAY['completed', 'no_answer', 'busy', 'failed'],
                       'callout.call_outcome has completed, no_answer, busy, failed in that order');

-- Exactly these functions, nothing more.
SELECT functions_are('callout', ARRAY(SELECT name FROM expected_functions),
                     'callout holds exactly the functions of the install script');

-- Each function with its exact argument types (9).
SELECT has_function('callout', name, args,
                    format('callout.%s(%s) exists', name, array_to_string(args, ', ')))
FROM expected_functions ORDER BY name;

-- Return types (9).
SELECT function_returns('callout', name, args, returns,
                        format('callout.%s returns %s', name, returns))
FROM expected_functions ORDER BY name;

-- Volatility (9): verification reads the clock setting (STABLE), the selftest has effects.
SELECT volatility_is('callout', name, args, volatility,
                     format('callout.%s is %s', name, volatility))
FROM expected_functions ORDER BY name;

-- Strictness (9): the functions whose NULL handling is documented are not STRICT.
SELECT CASE WHEN strict
            THEN is_strict('callout', name, args, format('callout.%s is STRICT', name))
            ELSE isnt_strict('callout', name, args, format('callout.%s is not STRICT', name))
       END
FROM expected_functions ORDER BY name;

-- Parallel safety (9): everything but the selftest is PARALLEL SAFE.
SELECT is(p.proparallel, e.parallel,
          format('callout.%s is PARALLEL %s', e.name,
                 CASE e.parallel WHEN 's' THEN 'SAFE' WHEN 'r' THEN 'RESTRICTED' ELSE 'UNSAFE' END))
FROM expected_functions AS e
LEFT JOIN pg_catalog.pg_proc AS p
       ON p.oid = pg_catalog.to_regprocedure(
                      format('callout.%I(%s)', e.name, array_to_string(e.args, ', ')))
ORDER BY e.name;

-- Language (9): all are C functions of the module.
SELECT function_lang_is('callout', name, args, 'c', format('callout.%s is LANGUAGE c', name))
FROM expected_functions ORDER BY name;

-- Nothing runs with its owner's rights.
SELECT is(
    ARRAY(SELECT p.proname::text FROM pg_catalog.pg_proc AS p
          WHERE p.pronamespace = 'callout'::regnamespace AND p.prosecdef ORDER BY 1),
    ARRAY[]::text[],
    'no callout function is SECURITY DEFINER');

-- Defaults, as PostgreSQL prints the argument list.
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

SELECT * FROM finish();
ROLLBACK;
