-- The roles and tables of a pooler's readers (test/tools/run and test/run's citus suite, through
-- PgBouncer): a gateway callout trusts, which also acts as PostgREST's request role (a member of
-- it), and pool.answer, where test/tools/read.pgbench writes what each read saw. Run as a
-- superuser in a database with callout whose calls are registered.
CREATE ROLE callout_pool_gateway LOGIN;
CREATE ROLE callout_pool_reader;
CREATE ROLE callout_pool_webhook;
SELECT callout.trust_gateway_role('callout_pool_gateway');
SELECT callout.grant_api_roles('callout_pool_webhook', 'callout_pool_reader', 'callout_pool_gateway');
GRANT callout_pool_reader TO callout_pool_gateway;
CREATE SCHEMA pool;
CREATE TABLE pool.answer (n serial PRIMARY KEY, via text NOT NULL, tenant text NOT NULL, seen bigint NOT NULL,
                          others bigint NOT NULL, backend integer NOT NULL);
GRANT USAGE ON SCHEMA pool TO callout_pool_gateway, callout_pool_reader;
GRANT INSERT ON pool.answer TO callout_pool_gateway, callout_pool_reader;
GRANT USAGE ON SEQUENCE pool.answer_n_seq TO callout_pool_gateway, callout_pool_reader;
-- the tenants (numbered for test/tools/read.pgbench) and what each may see: its own calls, as the
-- superuser counts them
CREATE TABLE pool.expected AS
SELECT row_number() OVER (ORDER BY c.user_id) AS n, c.user_id AS tenant, count(*) AS calls
FROM callout.call_log AS c GROUP BY c.user_id;
GRANT SELECT ON pool.expected TO callout_pool_gateway, callout_pool_reader;
