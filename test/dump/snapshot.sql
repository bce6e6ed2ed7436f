-- One line per table of callout: its name and a digest of every row, in key order, plus the
-- row-level security flags and policies; equal snapshots mean equal contents.
\pset tuples_only on
\pset format unaligned
SELECT 'signing_key ' || md5(coalesce(string_agg(k::text, '|' ORDER BY k.api_key), '')) FROM callout.signing_key AS k;
SELECT 'phone_route ' || md5(coalesce(string_agg(r::text, '|' ORDER BY r.trunk_phone_number), '')) FROM callout.phone_route AS r;
SELECT 'gateway_role ' || md5(coalesce(string_agg(g::text, '|' ORDER BY g.role::text), '')) FROM callout.gateway_role AS g;
SELECT 'tenant_role ' || md5(coalesce(string_agg(t::text, '|' ORDER BY t.role::text), '')) FROM callout.tenant_role AS t;
SELECT 'call_log ' || md5(coalesce(string_agg(c::text, '|' ORDER BY c.id), '')) || ' ' || count(*) FROM callout.call_log AS c;
SELECT 'livekit_call_event ' || md5(coalesce(string_agg(e::text, '|' ORDER BY e.id), '')) || ' ' || count(*)
FROM callout.livekit_call_event AS e;
SELECT 'pending_event ' || md5(coalesce(string_agg(p::text, '|' ORDER BY p.id), '')) || ' ' || count(*)
FROM callout.pending_event AS p;
SELECT 'key_usage ' || md5(coalesce(string_agg(u::text, '|' ORDER BY u.api_key, u.minute), '')) || ' ' || count(*)
FROM callout.key_usage AS u;
SELECT 'row_security ' || string_agg(relname || ':' || relrowsecurity || relforcerowsecurity, ',' ORDER BY relname)
FROM pg_catalog.pg_class WHERE relnamespace = 'callout'::regnamespace AND relkind = 'r';
SELECT 'policies ' || string_agg(tablename || '.' || policyname || ':' || cmd || ':' || roles::text, ','
                                 ORDER BY tablename, policyname)
FROM pg_catalog.pg_policies WHERE schemaname = 'callout';
SELECT 'delivery_count ' || md5(coalesce(string_agg(format('%s %s %s', d.minute, d.status, d.reason), '|'
                                                      ORDER BY d.minute, d.status, d.reason), ''))
       || ' ' || coalesce(sum(d.deliveries), 0)
FROM callout.delivery_count AS d;
SELECT 'parked_delivery ' || md5(coalesce(string_agg(p::text, '|' ORDER BY p.id), '')) || ' ' || count(*)
       || ' next ' || (SELECT s.last_value FROM callout.parked_delivery_id_seq AS s)
FROM callout.parked_delivery AS p;
SELECT 'rejected_delivery ' || md5(coalesce(string_agg(r::text, '|' ORDER BY r.slot), '')) || ' ' || count(*)
FROM callout.rejected_delivery AS r;
SELECT 'privileges ' || md5(string_agg(format('%s %s', c.relname, c.relacl), '|' ORDER BY c.relname))
FROM pg_catalog.pg_class AS c WHERE c.relnamespace = 'callout'::regnamespace;
SELECT 'column privileges ' || md5(coalesce(string_agg(format('%s.%s %s', c.relname, a.attname, a.attacl), '|'
                                                       ORDER BY c.relname, a.attname), ''))
FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid
WHERE c.relnamespace = 'callout'::regnamespace AND a.attacl IS NOT NULL;
SELECT 'function privileges ' || md5(string_agg(format('%s %s', p.oid::regprocedure, p.proacl), '|'
                                                ORDER BY p.oid::regprocedure::text))
FROM pg_catalog.pg_proc AS p WHERE p.pronamespace = 'callout'::regnamespace;
SELECT 'setting ' || coalesce(current_setting('callout.unmatched_window', true), '-');
