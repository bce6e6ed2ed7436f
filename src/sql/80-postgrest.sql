-- ---- PostgREST (POST /rpc/livekit_webhook)

-- LiveKit's delivery as PostgREST presents it: the raw body as the single unnamed text argument,
-- the Authorization header from request.headers. The answer sets response.status: 200 for an
-- accepted delivery (processed, duplicate, unmatched, ignored: LiveKit must not retry), 401 for
-- a signature that does not verify, 413 for a body over callout.max_body_bytes, 400 for a body
-- that is no LiveKit event.
CREATE FUNCTION callout.livekit_webhook(text) RETURNS callout.webhook_result
LANGUAGE c SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
    SET lock_timeout = '5s'
AS 'MODULE_PATHNAME', 'callout_livekit_webhook';
COMMENT ON FUNCTION callout.livekit_webhook(text) IS 'PostgREST''s POST /rpc/livekit_webhook: the raw body, the Authorization header from request.headers; sets response.status';

-- Sets a PostgREST deployment up in one step: the webhook role (PostgREST's anonymous role for
-- LiveKit's deliveries) may call livekit_webhook and nothing else; the reader role (the JWT's
-- role) reads calls under row-level security; the authenticator is trusted as a gateway, so the
-- JWT's `sub` names the tenant.
CREATE FUNCTION callout.grant_api_roles(webhook_role name, reader_role name,
                                        authenticator_role name DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM callout._refuse_on_worker('maps roles', 'Map and trust roles on the coordinator, which signs their tokens and grants them on every node.');
    PERFORM callout._check_role(webhook_role);
    PERFORM callout._check_role(reader_role);
    IF EXISTS (SELECT FROM pg_catalog.pg_roles AS r
               WHERE r.rolname IN (webhook_role, reader_role) AND (r.rolsuper OR r.rolbypassrls)) THEN
        RAISE EXCEPTION 'the webhook and reader roles must not be superusers or bypass row-level security'
            USING ERRCODE = '22023';
    END IF;
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA callout TO %I, %I', webhook_role, reader_role);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.livekit_webhook(text) TO %I', webhook_role);
    EXECUTE pg_catalog.format('GRANT SELECT ON callout.call_log, callout.livekit_call_event TO %I',
                              reader_role);
    PERFORM callout._grant_reading(reader_role);
    EXECUTE pg_catalog.format('GRANT UPDATE (agent_config_id, campaign_id, metadata) ON callout.call_log TO %I',
                              reader_role);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor(), '
        'callout.get_call_outcome(bigint, text), callout.update_call_log(bigint, jsonb) TO %I',
        reader_role);
    IF authenticator_role IS NOT NULL THEN
        PERFORM callout._check_role(authenticator_role);
        INSERT INTO callout.gateway_role (role) VALUES (pg_catalog.quote_ident(authenticator_role)::regrole)
        ON CONFLICT DO NOTHING;
    END IF;
END
$$;
COMMENT ON FUNCTION callout.grant_api_roles(name, name, name) IS 'set up PostgREST: webhook_role delivers through livekit_webhook only, reader_role reads under row-level security, authenticator_role is trusted as a gateway';
