-- callout's catalog as one sorted line per fact: the extension, and every function, type,
-- relation, column (with its position), constraint, index and policy of schema callout with its privileges and
-- comment. Two databases print the same lines when they hold the same callout.
\pset tuples_only on
\pset format unaligned
SELECT line FROM (
    SELECT 'extension ' || e.extversion || ' config ' ||
           coalesce((SELECT string_agg(c::regclass::text, ',' ORDER BY c::regclass::text)
                     FROM unnest(e.extconfig) AS c), '') AS line
    FROM pg_catalog.pg_extension AS e WHERE e.extname = 'callout'
    UNION ALL
    SELECT 'member ' || pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)
    FROM pg_catalog.pg_depend AS d
    WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
      AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'callout')
    UNION ALL
    SELECT format('function %s %s strict=%s parallel=%s definer=%s config=%s lang=%s body=%s acl=%s comment=%s',
                  p.oid::regprocedure, p.provolatile, p.proisstrict, p.proparallel, p.prosecdef,
                  p.proconfig, l.lanname, md5(p.prosrc), p.proacl,
                  md5(coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '')))
    FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_language AS l ON l.oid = p.prolang
    WHERE p.pronamespace = 'callout'::regnamespace
    UNION ALL
    SELECT format('type %s %s labels=%s comment=%s', t.typname, t.typtype,
                  (SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_catalog.pg_enum
                   WHERE enumtypid = t.oid),
                  md5(coalesce(pg_catalog.obj_description(t.oid, 'pg_type'), '')))
    FROM pg_catalog.pg_type AS t
    WHERE t.typnamespace = 'callout'::regnamespace AND t.typtype IN ('e', 'c')
    UNION ALL
    SELECT format('relation %s kind=%s rls=%s,%s acl=%s options=%s comment=%s', c.relname, c.relkind,
                  c.relrowsecurity, c.relforcerowsecurity, c.relacl, c.reloptions,
                  md5(coalesce(pg_catalog.obj_description(c.oid, 'pg_class'), '')))
    FROM pg_catalog.pg_class AS c WHERE c.relnamespace = 'callout'::regnamespace
    UNION ALL
    SELECT format('column %s.%s position=%s %s notnull=%s default=%s acl=%s comment=%s', c.relname,
                  a.attname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
                  pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attacl,
                  md5(coalesce(pg_catalog.col_description(c.oid, a.attnum), '')))
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_catalog.pg_attrdef AS ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
    WHERE c.relnamespace = 'callout'::regnamespace AND c.relkind IN ('r', 'v', 'c')
    UNION ALL
    SELECT format('constraint %s.%s %s', c.conrelid::regclass, c.conname, pg_catalog.pg_get_constraintdef(c.oid))
    FROM pg_catalog.pg_constraint AS c WHERE c.connamespace = 'callout'::regnamespace
    UNION ALL
    SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid)
    FROM pg_catalog.pg_index AS i JOIN pg_catalog.pg_class AS c ON c.oid = i.indexrelid
    WHERE c.relnamespace = 'callout'::regnamespace
    UNION ALL
    SELECT format('policy %s.%s %s %s %s %s', p.tablename, p.policyname, p.cmd, p.roles, p.qual, p.with_check)
    FROM pg_catalog.pg_policies AS p WHERE p.schemaname = 'callout'
    UNION ALL
    SELECT format('view %s %s', c.relname, md5(pg_catalog.pg_get_viewdef(c.oid)))
    FROM pg_catalog.pg_class AS c WHERE c.relnamespace = 'callout'::regnamespace AND c.relkind = 'v'
    UNION ALL
    SELECT format('sequence %s %s..%s start=%s increment=%s cycle=%s', s.seqrelid::regclass, s.seqmin,
                  s.seqmax, s.seqstart, s.seqincrement, s.seqcycle)
    FROM pg_catalog.pg_sequence AS s JOIN pg_catalog.pg_class AS c ON c.oid = s.seqrelid
    WHERE c.relnamespace = 'callout'::regnamespace
    UNION ALL
    SELECT format('initial privileges %s %s', pg_catalog.pg_describe_object(i.classoid, i.objoid, i.objsubid),
                  i.initprivs)
    FROM pg_catalog.pg_init_privs AS i
    WHERE (i.classoid = 'pg_catalog.pg_proc'::regclass
           AND i.objoid IN (SELECT oid FROM pg_catalog.pg_proc WHERE pronamespace = 'callout'::regnamespace))
       OR (i.classoid = 'pg_catalog.pg_class'::regclass
           AND i.objoid IN (SELECT oid FROM pg_catalog.pg_class WHERE relnamespace = 'callout'::regnamespace))
    UNION ALL
    SELECT format('owner %s %s', p.oid::regprocedure, p.proowner::regrole)
    FROM pg_catalog.pg_proc AS p WHERE p.pronamespace = 'callout'::regnamespace
    UNION ALL
    SELECT format('schema callout acl=%s comment=%s', n.nspacl,
                  md5(coalesce(pg_catalog.obj_description(n.oid, 'pg_namespace'), '')))
    FROM pg_catalog.pg_namespace AS n WHERE n.nspname = 'callout'
) AS catalog
ORDER BY line;
