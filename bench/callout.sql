-- callout: one delivery, read from the same table in the same statement as the floor reads it.
SELECT r.* FROM bench.delivery AS d, LATERAL callout.process_livekit_webhook(d.body, d.auth) AS r
WHERE d.id = :id;
