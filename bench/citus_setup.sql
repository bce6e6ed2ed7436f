-- The Citus benchmark's database (bench/citus), on a coordinator after callout.distribute() and
-- on one node alike, callout and pgcrypto made first: the test signer, the signed deliveries
-- (bench/deliveries.sql) and one registered call for each, spread over the tenants tenant-00,
-- tenant-01, ... psql variables: rows, iat, api_key, api_secret, tenants.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
\ir deliveries.sql

-- each in a transaction of its own, as applications register calls
CREATE PROCEDURE bench.register_calls(tenants integer)
LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT id, room_name FROM bench.delivery ORDER BY id LOOP
        PERFORM callout.register_call('tenant-' || lpad((d.id % tenants)::text, 2, '0'), d.room_name,
                                      'outbound', NULL, '4711');
        COMMIT;
    END LOOP;
END
$$;
CALL bench.register_calls(:tenants);
