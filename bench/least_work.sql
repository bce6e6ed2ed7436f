-- The least work any receiver must do, with no verification: one statement that stores the
-- event (id, tenant, type, payload) once under its unique id and, when it was new, sets the
-- outcome columns of the call found by room name (bench/least_work_setup.sql). The outcome comes
-- from callout.classify_outcome, an IMMUTABLE C function: the cheapest stand-in for a receiver's
-- own rule. Reads the body the way callout's statement does; bench/run runs it under pgbench.
WITH ev AS (
    SELECT d.body::jsonb AS p FROM bench.delivery AS d WHERE d.id = :id
), call AS (
    SELECT c.id, c.tenant FROM bench.lw_call AS c, ev WHERE c.room_name = ev.p -> 'room' ->> 'name'
), stored AS (
    INSERT INTO bench.lw_event AS e (event_id, tenant, event_type, payload)
    SELECT ev.p ->> 'id', call.tenant, ev.p ->> 'event', ev.p FROM ev LEFT JOIN call ON true
    ON CONFLICT (event_id) DO NOTHING
    RETURNING e.payload
)
UPDATE bench.lw_call AS c SET
    status = 'ended',
    outcome = callout.classify_outcome(leave.duration, leave.reason, leave.sip_status, 3, 10),
    ended_at = leave.ended_at,
    duration_seconds = leave.duration,
    disconnect_reason = leave.reason
FROM call, stored
     CROSS JOIN LATERAL (
         SELECT to_timestamp(left_at.s) AS ended_at,
                CASE WHEN left_at.s >= joined.s THEN (left_at.s - joined.s)::integer
                END AS duration,
                coalesce(stored.payload -> 'participant' ->> 'disconnectReason',
                         'UNKNOWN_REASON') AS reason,
                stored.payload -> 'participant' -> 'attributes' ->> 'sip.callStatus' AS sip_status
         FROM (SELECT (stored.payload ->> 'createdAt')::bigint AS s) AS left_at,
              (SELECT (stored.payload -> 'participant' ->> 'joinedAt')::bigint AS s) AS joined
     ) AS leave
WHERE c.id = call.id
RETURNING c.id, c.outcome;
