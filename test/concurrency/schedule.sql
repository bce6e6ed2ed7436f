-- The order deliveries are taken in by :clients pgbench clients: every delivery two to five
-- times, the copies next to each other (retries and duplicates at the same instant), the
-- events of a call close together and shuffled (out of order, racing each other). Tickets are
-- taken from a sequence, so every one is delivered exactly once; the list is padded with extra
-- copies to a multiple of the number of clients.
\set ON_ERROR_STOP 1
CREATE TABLE conc.schedule (ticket integer PRIMARY KEY, delivery_id integer NOT NULL REFERENCES conc.delivery);
CREATE SEQUENCE conc.ticket;

CREATE TEMP TABLE copies AS
SELECT d.id AS delivery_id, d.call * 10 + (hashint4extended(d.id, 1) & 2147483647) % 30 AS position
FROM conc.delivery AS d, generate_series(1, 2 + (hashint4extended(d.id, 2) & 2147483647)::integer % 4) AS k;
INSERT INTO copies
SELECT d.id, d.call * 10
FROM conc.delivery AS d
ORDER BY hashint4extended(d.id, 3)
LIMIT (:clients - (SELECT count(*) FROM copies) % :clients) % :clients;

INSERT INTO conc.schedule
SELECT row_number() OVER (ORDER BY position, hashint4extended(delivery_id, 4), random()), delivery_id
FROM copies;

-- Every answer, with the ticket it was for.
CREATE TABLE conc.answer (
    ticket integer PRIMARY KEY REFERENCES conc.schedule,
    delivery_id integer NOT NULL REFERENCES conc.delivery,
    status text NOT NULL,
    reason text NOT NULL,
    event_id text NOT NULL,
    call_id text NOT NULL,
    backend integer NOT NULL);
SELECT count(*) FROM conc.schedule;
