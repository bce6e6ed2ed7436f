-- The PL/pgSQL receiver: one delivery, read from the same table in the same statement as the
-- other sides read it (bench/plpgsql_receiver.sql).
SELECT bench.plpgsql_receiver(d.body, d.auth) FROM bench.delivery AS d WHERE d.id = :id;
