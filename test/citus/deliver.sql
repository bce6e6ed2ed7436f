-- The deliveries the citus suite makes on a Citus coordinator and on a single node alike, in a
-- database with callout (run from the repository's root: the vectors' path is relative). The
-- public LiveKit vectors' key pair is added, the in1 scenario's call registered, and its
-- deliveries (the retried duplicate, ignored events and the egress after room_finished
-- included) arrive in seq order, each a transaction of its own, verified at the vector's own
-- instant with the SDK's 10 s leeway. Prints one line per answer, then the call rows and the
-- stored events without what belongs to the run (the instants created_at, updated_at and
-- received_at; feed_xact, a transaction id of the cluster): what test/run compares between the
-- two.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
SET client_min_messages = warning;

\ir vectors.sql

SET callout.clock_leeway = 10;
SELECT 'key ' || count(callout.add_signing_key(k.api_key, k.api_secret))
FROM (SELECT DISTINCT api_key, api_secret FROM vectors) AS k;
SELECT 'registered ' || callout.register_call('tenant_in', v.body::jsonb -> 'room' ->> 'name', 'inbound')
FROM vectors AS v WHERE v.scenario = 'in1' ORDER BY v.seq LIMIT 1;

SELECT pg_catalog.format('SET callout.verify_at = %L', v.verified_at),
       pg_catalog.format('SELECT %L || '' '' || callout.process_livekit_webhook(%L, %L)::text',
                         v.name, v.body, v.token)
FROM vectors AS v WHERE v.scenario = 'in1' ORDER BY v.seq
\gexec

SELECT 'call ' || (pg_catalog.to_jsonb(c) - 'created_at' - 'updated_at' - 'feed_xact')::text
FROM callout.call_log AS c ORDER BY c.id;
SELECT 'event ' || (pg_catalog.to_jsonb(e) - 'received_at')::text
FROM callout.livekit_call_event AS e ORDER BY e.id;
