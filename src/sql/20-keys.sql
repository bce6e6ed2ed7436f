-- Signing keys and phone routes (administration: no tenant, gateway or webhook role reads these).

-- On a Citus worker of a distributed callout, refuses work that is the coordinator's (0A000): the
-- keys, phone routes, role mappings, parked deliveries, room lock and room names are its own
-- tables, and it notifies what changes. On a worker such work would write that node's own rows,
-- which nothing reads, or change calls with no listener told. Nothing elsewhere. (Scaling out:
-- src/sql/85-citus.sql; here, before the first function that asks it.)
CREATE FUNCTION callout._refuse_on_worker(work text, hint text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- two tests: the second names a function of Citus, which exists only where the first is true
    IF callout._distributed() THEN
        IF NOT pg_catalog.citus_is_coordinator() THEN
            RAISE EXCEPTION 'callout % on the Citus coordinator', work USING ERRCODE = '0A000', HINT = hint;
        END IF;
    END IF;
END
$$;
COMMENT ON FUNCTION callout._refuse_on_worker(text, text) IS 'internal: on a Citus worker of a distributed callout, refuses the coordinator''s work (0A000)';

CREATE TABLE callout.signing_key (
    api_key text PRIMARY KEY CHECK (api_key <> ''),
    api_secret text NOT NULL CHECK (api_secret <> ''),
    user_id text CHECK (user_id <> ''),
    allow_plain_hmac boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    revoked_at timestamptz);
COMMENT ON TABLE callout.signing_key IS 'LiveKit API keys deliveries are verified with; several may be live at once (rotation)';
COMMENT ON COLUMN callout.signing_key.api_key IS 'LiveKit''s API key: the token''s issuer (iss)';
COMMENT ON COLUMN callout.signing_key.api_secret IS 'the API secret tokens are signed with (HS256)';
COMMENT ON COLUMN callout.signing_key.created_at IS 'when the key was added or its secret last replaced';
COMMENT ON COLUMN callout.signing_key.revoked_at IS 'when the key was revoked: deliveries signed with it are refused; NULL while live';
COMMENT ON COLUMN callout.signing_key.user_id IS 'the tenant a bound key may create or touch calls of; NULL for any';
COMMENT ON COLUMN callout.signing_key.allow_plain_hmac IS 'whether plain HMAC-SHA256 signatures (no time, replay-protected only by event ids) are accepted with this secret';

-- Deliveries keep the keys they verified with between deliveries (src/pg/key_cache.hpp); every
-- change to the keys, committed or rolled back, empties that cache in every backend, as
-- PostgreSQL keeps its own caches: a key revoked or replaced is refused by the next delivery
-- that starts after the change commits. Before the statement: a statement that changes the keys
-- and delivers (a data-modifying WITH) reads the keys by their statement, as the transaction
-- that changed them does until it ends.
CREATE FUNCTION callout._signing_keys_changed() RETURNS trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'callout_signing_keys_changed';
COMMENT ON FUNCTION callout._signing_keys_changed() IS 'internal: empties every backend''s key cache when signing_key changes';
CREATE TRIGGER signing_key_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON callout.signing_key
    FOR EACH STATEMENT EXECUTE FUNCTION callout._signing_keys_changed();
-- Always, a replica's changes too (a logical replication subscriber applies them as one, and
-- session_replication_role = replica fires no ordinary trigger): a key revoked there must not
-- stay cached.
ALTER TABLE callout.signing_key ENABLE ALWAYS TRIGGER signing_key_changed;

CREATE TABLE callout.phone_route (
    trunk_phone_number text PRIMARY KEY CHECK (trunk_phone_number <> ''),
    user_id text NOT NULL CHECK (user_id <> ''),
    agent_config_id text);
COMMENT ON TABLE callout.phone_route IS 'inbound calls to these dialed numbers are created for the tenant automatically';
COMMENT ON COLUMN callout.phone_route.trunk_phone_number IS 'the dialed number (the SIP trunk''s, sip.trunkPhoneNumber)';
COMMENT ON COLUMN callout.phone_route.user_id IS 'the tenant whose call an inbound call to that number becomes';
COMMENT ON COLUMN callout.phone_route.agent_config_id IS 'the agent configuration such a call gets';

-- What each key bound to a tenant delivered, per minute: its bytes are bounded by
-- callout.max_key_bytes_per_minute (purged with the delivery counts).
CREATE TABLE callout.key_usage (
    api_key text NOT NULL,
    minute timestamptz NOT NULL,
    body_bytes bigint NOT NULL,
    PRIMARY KEY (api_key, minute));
COMMENT ON TABLE callout.key_usage IS 'body bytes each key bound to a tenant delivered per minute (callout.max_key_bytes_per_minute)';
COMMENT ON COLUMN callout.key_usage.api_key IS 'the key bound to a tenant';
COMMENT ON COLUMN callout.key_usage.minute IS 'the minute the deliveries arrived in';
COMMENT ON COLUMN callout.key_usage.body_bytes IS 'the bytes of the bodies it delivered in that minute';

SELECT pg_catalog.pg_extension_config_dump('callout.signing_key', '');
SELECT pg_catalog.pg_extension_config_dump('callout.phone_route', '');
SELECT pg_catalog.pg_extension_config_dump('callout.key_usage', '');

CREATE FUNCTION callout.add_signing_key(api_key text, api_secret text, user_id text DEFAULT NULL,
                                        allow_plain_hmac boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM callout._refuse_on_worker('keeps signing keys', 'Add and revoke signing keys on the coordinator, which verifies every delivery.');
    -- checked here, so that no constraint error ever prints the row (and the secret in it)
    IF api_key IS NULL OR api_key = '' OR api_secret IS NULL OR api_secret = '' THEN
        RAISE EXCEPTION 'api_key and api_secret must not be empty' USING ERRCODE = '22023';
    ELSIF user_id = '' THEN
        RAISE EXCEPTION 'user_id must not be empty (NULL binds the key to no tenant)'
            USING ERRCODE = '22023';
    END IF;
    INSERT INTO callout.signing_key AS k (api_key, api_secret, user_id, allow_plain_hmac)
    VALUES (api_key, api_secret, user_id, coalesce(allow_plain_hmac, false))
    ON CONFLICT ON CONSTRAINT signing_key_pkey DO UPDATE SET api_secret = excluded.api_secret,
        user_id = excluded.user_id, allow_plain_hmac = excluded.allow_plain_hmac,
        created_at = pg_catalog.now(), revoked_at = NULL;
END
$$;
COMMENT ON FUNCTION callout.add_signing_key(text, text, text, boolean) IS 'add (or replace) a LiveKit API key pair deliveries are verified with; bound to a tenant when user_id is given';

CREATE FUNCTION callout.revoke_signing_key(api_key text) RETURNS boolean
LANGUAGE sql SET search_path = pg_catalog, pg_temp
AS $$
    SELECT callout._refuse_on_worker('keeps signing keys', 'Add and revoke signing keys on the coordinator, which verifies every delivery.');
    WITH revoked AS (
        UPDATE callout.signing_key AS k SET revoked_at = pg_catalog.now()
        WHERE k.api_key OPERATOR(pg_catalog.=) revoke_signing_key.api_key AND k.revoked_at IS NULL
        RETURNING 1)
    SELECT EXISTS (SELECT FROM revoked)
$$;
COMMENT ON FUNCTION callout.revoke_signing_key(text) IS 'stop accepting deliveries signed with this key; true when a live key was revoked';

CREATE FUNCTION callout.add_phone_route(trunk_phone_number text, user_id text,
                                        agent_config_id text DEFAULT NULL)
RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
AS $$
    SELECT callout._refuse_on_worker('keeps phone routes',
                                     'Add phone routes on the coordinator, which creates the inbound calls.');
    INSERT INTO callout.phone_route AS r (trunk_phone_number, user_id, agent_config_id)
    VALUES (trunk_phone_number, user_id, agent_config_id)
    ON CONFLICT (trunk_phone_number) DO UPDATE SET user_id = excluded.user_id,
        agent_config_id = excluded.agent_config_id
$$;
COMMENT ON FUNCTION callout.add_phone_route(text, text, text) IS 'inbound calls dialed to trunk_phone_number are created automatically for user_id';
