--
-- The C++/PostgreSQL boundary: callout.cpp_boundary_selftest(kind) makes the C++ side fail on
-- purpose. Every failure must reach the caller as an ERROR with a SQLSTATE, and the session
-- (and its transaction machinery) must live on.
--

-- none: returns normally
SELECT callout.cpp_boundary_selftest('none');

-- NULL kind: the function is STRICT, so nothing runs
SELECT callout.cpp_boundary_selftest(NULL) IS NULL AS strict_null;

-- runtime_error: a std::exception becomes an internal error, its message in the detail
SELECT callout.cpp_boundary_selftest('runtime_error');

-- bad_alloc: out of memory
SELECT callout.cpp_boundary_selftest('bad_alloc');

-- sql_error: the bridge's own error keeps its SQLSTATE and detail
SELECT callout.cpp_boundary_selftest('sql_error');

-- non_std: something thrown that is not a std::exception
SELECT callout.cpp_boundary_selftest('non_std');

-- postgres_error: a PostgreSQL error raised while a C++ object is alive is carried across the
-- C++ frames and re-raised unchanged; the C++ object's destructor ran (none is left alive)
SELECT callout.cpp_boundary_selftest('postgres_error');
SELECT callout.cpp_boundary_selftest('live_objects') AS live_cpp_objects;

-- unknown kind
SELECT callout.cpp_boundary_selftest('segfault');

-- the SQLSTATE of each kind, caught in PL/pgSQL
CREATE FUNCTION boundary_outcome(kind text, OUT state text, OUT message text)
LANGUAGE plpgsql AS $$
BEGIN
    message := callout.cpp_boundary_selftest(kind);
    state := '00000';
EXCEPTION WHEN OTHERS THEN
    state := SQLSTATE;
    message := SQLERRM;
END
$$;

SELECT kind, o.state AS sqlstate, o.message
FROM unnest(ARRAY['none', 'runtime_error', 'bad_alloc', 'sql_error', 'non_std',
                  'postgres_error', 'segfault']) WITH ORDINALITY AS k(kind, n),
     LATERAL boundary_outcome(k.kind) AS o
ORDER BY n;

-- the same with RAISE NOTICE from a DO block
DO $$
DECLARE
    kind text;
BEGIN
    FOREACH kind IN ARRAY ARRAY['runtime_error', 'bad_alloc', 'sql_error', 'non_std',
                                'postgres_error']
    LOOP
        BEGIN
            PERFORM callout.cpp_boundary_selftest(kind);
            RAISE NOTICE '%: no error', kind;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE '%: % %', kind, SQLSTATE, SQLERRM;
        END;
    END LOOP;
END
$$;

-- session survives: after every error above, a query returns the right value
SELECT 6 * 7 AS answer, callout.classify_outcome(187, 'CLIENT_INITIATED', 'hangup') AS outcome;

-- error in a transaction aborts only that transaction
BEGIN;
CREATE TEMP TABLE boundary_log (step text);
INSERT INTO boundary_log VALUES ('before');
SELECT callout.cpp_boundary_selftest('runtime_error');
SELECT 'not run' AS after_error;
ROLLBACK;
SELECT to_regclass('pg_temp.boundary_log') IS NULL AS rolled_back,
       callout.cpp_boundary_selftest('none') AS works;

-- savepoint rollback after the error: the transaction goes on and commits
CREATE TEMP TABLE boundary_log (step text);
BEGIN;
INSERT INTO boundary_log VALUES ('before savepoint');
SAVEPOINT s1;
INSERT INTO boundary_log VALUES ('lost');
SELECT callout.cpp_boundary_selftest('bad_alloc');
ROLLBACK TO SAVEPOINT s1;
INSERT INTO boundary_log VALUES ('after rollback to savepoint');
SAVEPOINT s2;
SELECT callout.cpp_boundary_selftest('postgres_error');
ROLLBACK TO SAVEPOINT s2;
INSERT INTO boundary_log VALUES (callout.cpp_boundary_selftest('none'));
COMMIT;
SELECT step FROM boundary_log ORDER BY step;

-- many repetitions: 1000 caught errors of every kind in one statement, then normal calls
DO $$
DECLARE
    kinds text[] := ARRAY['runtime_error', 'bad_alloc', 'sql_error', 'non_std',
                          'postgres_error'];
    counts jsonb := '{}';
    kind text;
BEGIN
    FOR i IN 0..999 LOOP
        kind := kinds[1 + i % 5];
        BEGIN
            PERFORM callout.cpp_boundary_selftest(kind);
        EXCEPTION WHEN OTHERS THEN
            counts := jsonb_set(counts, ARRAY[SQLSTATE],
                                to_jsonb(coalesce((counts ->> SQLSTATE)::int, 0) + 1));
        END;
    END LOOP;
    RAISE NOTICE 'caught: %', counts;
END
$$;

SELECT count(*) AS calls, count(DISTINCT o.state) AS sqlstates
FROM generate_series(1, 1000) AS g(i),
     LATERAL boundary_outcome(CASE WHEN i % 2 = 0 THEN 'sql_error' ELSE 'non_std' END) AS o;

-- nothing leaks: this backend's memory grows by less than 1 MB over 5000 more caught errors
CREATE TEMP TABLE boundary_memory AS
SELECT sum(total_bytes) AS bytes FROM pg_backend_memory_contexts;
DO $$
BEGIN
    FOR i IN 1..5000 LOOP
        BEGIN
            PERFORM callout.cpp_boundary_selftest(
                (ARRAY['runtime_error', 'bad_alloc', 'sql_error', 'non_std',
                       'postgres_error'])[1 + i % 5]);
        EXCEPTION WHEN OTHERS THEN
            NULL;
        END;
    END LOOP;
END
$$;
SELECT (SELECT sum(total_bytes) FROM pg_backend_memory_contexts) - bytes < 1024 * 1024
       AS grew_less_than_1mb
FROM boundary_memory;

-- and every C++ object those 5000 failures created was destroyed (malloc'd memory, which the
-- memory contexts above do not see)
SELECT callout.cpp_boundary_selftest('live_objects') AS live_cpp_objects_after_many;

SELECT callout.cpp_boundary_selftest('none') AS after_many,
       callout.extract_phone_number('call-_+14155550123_abc') AS phone;

-- A statement whose SQL does not match its declaration fails when it is prepared (XX000, saying
-- what differs), never reads or writes a value through the wrong name; the session lives on.
SELECT callout.cpp_boundary_selftest('moved_column');
SELECT callout.cpp_boundary_selftest('undeclared_parameter');
SELECT callout.cpp_boundary_selftest('unused_parameter');
SELECT callout.cpp_boundary_selftest('none') AS after_mismatches;

DROP FUNCTION boundary_outcome(text);
