-- The deliveries: :count mutations of the LiveKit vectors, half of them re-signed.
\set ON_ERROR_STOP 1

INSERT INTO mutation.delivery (seq, kind, op, b, body, signature, verify_at, room)
SELECT n.n, n.kind, m.op, base.b, m.body, m.signature, m.verify_at, m.room
FROM (SELECT n, CASE WHEN n % 2 = 0 THEN CASE WHEN mutation.rnd(n, 10, 5) = 0 THEN 'hmac' ELSE 'jwt' END
                     ELSE CASE mutation.rnd(n, 10, 10) WHEN 0 THEN 'clock' WHEN 1 THEN 'token'
                                                       WHEN 2 THEN 'token' ELSE 'body' END END AS kind
      FROM generate_series(1, :count) AS n) AS n
CROSS JOIN (SELECT count(*) AS bases,
                   array_agg(b ORDER BY b) FILTER (WHERE reason IN ('ok', 'body_not_json', 'sha256_mismatch',
                                                                    'missing_sha256')) AS clockable
            FROM mutation.base) AS p
JOIN mutation.base AS base
  ON base.b = CASE WHEN n.kind = 'clock' THEN p.clockable[1 + mutation.rnd(n.n, 11, cardinality(p.clockable))]
                   ELSE mutation.rnd(n.n, 11, p.bases) END
CROSS JOIN LATERAL mutation.make(n.n, n.kind, base) AS m;

-- Replays: a re-signed delivery sent again (the same body: a duplicate), or another body with
-- the event id of an earlier one (a conflicting duplicate when that one was stored).
UPDATE mutation.delivery AS d
SET body = CASE WHEN mutation.rnd(d.seq, 13, 50) = 0 THEN e.body
                ELSE replace(d.body, '-m' || d.seq || '"', '-m' || e.seq || '"') END,
    op = CASE WHEN mutation.rnd(d.seq, 13, 50) = 0 THEN 'replay' ELSE 'reuse_id' END
FROM mutation.delivery AS e
WHERE e.seq = d.seq - 2 AND d.kind IN ('jwt', 'hmac') AND e.kind IN ('jwt', 'hmac')
  AND mutation.rnd(d.seq, 13, 50) IN (0, 1) AND mutation.rnd(e.seq, 13, 50) NOT IN (0, 1);

-- Re-signing, with the test signer: LiveKit's JWT, or the plain HMAC in each of its spellings.
UPDATE mutation.delivery
SET signature = CASE kind
    WHEN 'jwt' THEN livekit_test.livekit_token(body, 'APImutation', 'mutation-jwt-secret-of-at-least-32-characters', 1767268800)
    ELSE CASE mutation.rnd(seq, 14, 4)
        WHEN 0 THEN livekit_test.plain_hmac_hex(body, 'mutation-plain-secret-of-at-least-32-characters')
        WHEN 1 THEN upper(livekit_test.plain_hmac_hex(body, 'mutation-plain-secret-of-at-least-32-characters'))
        WHEN 2 THEN 'sha256=' || livekit_test.plain_hmac_hex(body, 'mutation-plain-secret-of-at-least-32-characters')
        ELSE encode(hmac(convert_to(body, 'UTF8'), convert_to('mutation-plain-secret-of-at-least-32-characters', 'UTF8'), 'sha256'), 'base64')
    END END
WHERE kind IN ('jwt', 'hmac');

-- Four in five re-signed mutations have their call registered beforehand; the others' events
-- wait unmatched.
CREATE TEMP TABLE registered AS
SELECT seq, callout.register_call('tenant-mutation', room, 'outbound') AS call_id
FROM mutation.delivery WHERE room IS NOT NULL AND mutation.rnd(seq, 12, 5) <> 0;
UPDATE mutation.delivery AS d SET call_id = r.call_id FROM registered AS r WHERE r.seq = d.seq;
CREATE INDEX ON mutation.delivery (room);
ANALYZE mutation.delivery;
