-- Helpers for the concurrency and fault tests (test/sh/concurrency.sh,
-- test/sh/cancel_midway.sh) and the pgbench scripts beside this file.  They
-- live in schema "bench" of the test's own database, not in the extension.
--
-- bench.build_return   a return of any size built with plain SQL inserts
--                      (no sen2 function beyond new_return), deterministic:
--                      its shape depends only on the number of persons
-- bench.shape          rows per module table of one return, as one text
-- bench.expect/verify  expected values computed serially; verify() raises an
--                      error on a mismatch, so a pgbench client that sees a
--                      wrong count fails the run
-- bench.module_counts  rows per module table over all returns, and orphans

CREATE SCHEMA bench;

CREATE FUNCTION bench.build_return(la text, year int, persons int, label text DEFAULT 'bench build')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rid bigint := sen2.new_return(la, year, label);
BEGIN
    UPDATE sen2.return SET dmo = 'Y', dco = 'Y', dsco = 'N' WHERE return_id = rid;
    -- persons; every fifth has a second request
    INSERT INTO sen2.person (return_id, source_id, seq, surname, forename, person_birth_date, sex,
                             ethnicity, post_code, upn_unknown)
    SELECT rid, 'P-' || i, i, 'Surname' || i, 'Forename' || (i % 97),
           to_char(date '2006-09-01' + (i * 37) % 6000, 'YYYY-MM-DD'),
           CASE WHEN i % 2 = 0 THEN 'M' ELSE 'F' END, 'WBRI', 'CT1 1AA', 'UN1'
      FROM generate_series(1, persons) i;
    INSERT INTO sen2.request (return_id, person_id, source_id, seq, received_date, request_source, rya,
                              request_outcome_date, request_outcome, request_mediation, request_tribunal)
    SELECT rid, p.person_id, 'R-' || p.seq || '-' || k, k,
           to_char(date '2025-01-06' + (p.seq * 3 + k * 50) % 200, 'YYYY-MM-DD'), '1', '0',
           to_char(date '2025-01-06' + (p.seq * 3 + k * 50) % 200 + 40, 'YYYY-MM-DD'), 'Y', '0', '0'
      FROM sen2.person p, generate_series(1, CASE WHEN p.seq % 5 = 0 THEN 2 ELSE 1 END) k
     WHERE p.return_id = rid;
    -- an assessment for the first request of three persons in four, each
    -- leading to a plan that names one setting (two for every third person)
    INSERT INTO sen2.assessment (return_id, request_id, source_id, assessment_outcome, assessment_outcome_date,
                                 assessment_mediation, assessment_tribunal, other_mediation, other_tribunal, week20)
    SELECT rid, q.request_id, 'A-' || p.seq, 'Y',
           to_char(sen2.iso_date(q.received_date) + 100, 'YYYY-MM-DD'), '0', '0', '0', '0', '1'
      FROM sen2.request q JOIN sen2.person p ON p.person_id = q.person_id
     WHERE q.return_id = rid AND q.seq = 1 AND p.seq % 4 <> 0;
    INSERT INTO sen2.named_plan (return_id, assessment_id, source_id, start_date)
    SELECT rid, a.assessment_id, 'N-' || a.source_id, a.assessment_outcome_date
      FROM sen2.assessment a WHERE a.return_id = rid;
    INSERT INTO sen2.plan_detail (return_id, named_plan_id, source_id, seq, urn, placement_rank,
                                  sen_unit_indicator, resourced_provision_indicator)
    SELECT rid, n.named_plan_id, 'D-' || n.source_id || '-' || k, k, '118234', k::text, '0', '0'
      FROM sen2.named_plan n, generate_series(1, CASE WHEN substr(n.source_id, 5)::int % 3 = 0 THEN 2 ELSE 1 END) k
     WHERE n.return_id = rid;
    -- the plan as it runs: one or two placements and one or two needs
    INSERT INTO sen2.active_plans (return_id, request_id, source_id, review_meeting, review_outcome)
    SELECT rid, a.request_id, 'AP-' || a.source_id, '2025-11-03', 'Y'
      FROM sen2.assessment a WHERE a.return_id = rid;
    INSERT INTO sen2.placement_detail (return_id, active_plans_id, source_id, seq, urn, placement_rank,
                                       entry_date, sen_unit_indicator, resourced_provision_indicator)
    SELECT rid, ap.active_plans_id, 'PL-' || ap.source_id || '-' || k, k, '118234', k::text, '2025-09-03', '0', '0'
      FROM sen2.active_plans ap, generate_series(1, CASE WHEN substr(ap.source_id, 6)::int % 2 = 0 THEN 2 ELSE 1 END) k
     WHERE ap.return_id = rid;
    INSERT INTO sen2.sen_need (return_id, active_plans_id, source_id, seq, sen_type, sen_type_rank)
    SELECT rid, ap.active_plans_id, 'SN-' || ap.source_id || '-' || k, k,
           (ARRAY['ASD', 'SLCN', 'SEMH', 'MLD'])[1 + (substr(ap.source_id, 6)::int + k) % 4], k::text
      FROM sen2.active_plans ap, generate_series(1, CASE WHEN substr(ap.source_id, 6)::int % 3 = 1 THEN 2 ELSE 1 END) k
     WHERE ap.return_id = rid;
    RETURN rid;
END
$$;

CREATE FUNCTION bench.shape(rid bigint) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT format('person=%s request=%s assessment=%s named_plan=%s plan_detail=%s active_plans=%s placement_detail=%s sen_need=%s',
              (SELECT count(*) FROM sen2.person WHERE return_id = rid),
              (SELECT count(*) FROM sen2.request WHERE return_id = rid),
              (SELECT count(*) FROM sen2.assessment WHERE return_id = rid),
              (SELECT count(*) FROM sen2.named_plan WHERE return_id = rid),
              (SELECT count(*) FROM sen2.plan_detail WHERE return_id = rid),
              (SELECT count(*) FROM sen2.active_plans WHERE return_id = rid),
              (SELECT count(*) FROM sen2.placement_detail WHERE return_id = rid),
              (SELECT count(*) FROM sen2.sen_need WHERE return_id = rid))
$$;

-- Rows per module table over the whole database, plus rows whose return or
-- parent is missing (which the foreign keys should make impossible).
CREATE FUNCTION bench.module_counts() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT format('return=%s %s orphans=%s',
              (SELECT count(*) FROM sen2.return),
              (SELECT string_agg(format('%s=%s', t, n), ' ' ORDER BY o)
                 FROM (VALUES (1, 'person', (SELECT count(*) FROM sen2.person)),
                              (2, 'request', (SELECT count(*) FROM sen2.request)),
                              (3, 'assessment', (SELECT count(*) FROM sen2.assessment)),
                              (4, 'named_plan', (SELECT count(*) FROM sen2.named_plan)),
                              (5, 'plan_detail', (SELECT count(*) FROM sen2.plan_detail)),
                              (6, 'active_plans', (SELECT count(*) FROM sen2.active_plans)),
                              (7, 'placement_detail', (SELECT count(*) FROM sen2.placement_detail)),
                              (8, 'sen_need', (SELECT count(*) FROM sen2.sen_need))) v(o, t, n)),
              (SELECT count(*) FROM sen2.person x WHERE NOT EXISTS (SELECT 1 FROM sen2.return r WHERE r.return_id = x.return_id))
            + (SELECT count(*) FROM sen2.request x WHERE NOT EXISTS (SELECT 1 FROM sen2.person p WHERE p.person_id = x.person_id AND p.return_id = x.return_id))
            + (SELECT count(*) FROM sen2.assessment x WHERE NOT EXISTS (SELECT 1 FROM sen2.request p WHERE p.request_id = x.request_id AND p.return_id = x.return_id))
            + (SELECT count(*) FROM sen2.named_plan x WHERE NOT EXISTS (SELECT 1 FROM sen2.assessment p WHERE p.assessment_id = x.assessment_id AND p.return_id = x.return_id))
            + (SELECT count(*) FROM sen2.plan_detail x WHERE NOT EXISTS (SELECT 1 FROM sen2.named_plan p WHERE p.named_plan_id = x.named_plan_id AND p.return_id = x.return_id))
            + (SELECT count(*) FROM sen2.active_plans x WHERE NOT EXISTS (SELECT 1 FROM sen2.request p WHERE p.request_id = x.request_id AND p.return_id = x.return_id))
            + (SELECT count(*) FROM sen2.placement_detail x WHERE NOT EXISTS (SELECT 1 FROM sen2.active_plans p WHERE p.active_plans_id = x.active_plans_id AND p.return_id = x.return_id))
            + (SELECT count(*) FROM sen2.sen_need x WHERE NOT EXISTS (SELECT 1 FROM sen2.active_plans p WHERE p.active_plans_id = x.active_plans_id AND p.return_id = x.return_id)))
$$;

CREATE TABLE bench.expect (what text PRIMARY KEY, value text NOT NULL);

CREATE FUNCTION bench.verify(what text, got text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    want text;
BEGIN
    SELECT e.value INTO want FROM bench.expect e WHERE e.what = verify.what;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'bench: no expected value for "%"', what;
    END IF;
    IF got IS DISTINCT FROM want THEN
        RAISE EXCEPTION 'bench: % differs from the serial run', what
              USING DETAIL = format('concurrent: %s; serial: %s', got, want);
    END IF;
END
$$;

-- The needs of one return by type and rank: a small statistic computed
-- straight from the tables.
CREATE FUNCTION bench.needs_digest(rid bigint) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT coalesce(string_agg(format('%s/%s=%s', sen_type, sen_type_rank, n), ' ' ORDER BY sen_type, sen_type_rank), '')
  FROM (SELECT sen_type, sen_type_rank, count(*) AS n FROM sen2.sen_need WHERE return_id = rid
         GROUP BY 1, 2) s
$$;

-- A digest of every statistics view (sen2.stat_*), limited to the shared
-- return: by la_code and collection_year where the view has them (so the LA
-- and national rows of that year are included), else by return_id; '' while
-- no such view exists.  The row order is fixed by sorting the rows' text, so
-- the digest does not depend on the plan.  VOLATILE, so each view is read
-- with a snapshot of its own taken after its locks, as a plain SELECT from a
-- BI tool would be (a STABLE function reads everything with the snapshot of
-- the statement that called it).
CREATE FUNCTION bench.stats_digest() RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v    record;
    d    text;
    cond text;
    acc  text := '';
    la   text := (SELECT value FROM bench.expect WHERE what = 'base_la');
    yr   int := (SELECT value::int FROM bench.expect WHERE what = 'base_year');
    rid  bigint := (SELECT value::bigint FROM bench.expect WHERE what = 'base_id');
BEGIN
    FOR v IN SELECT c.relname,
                    EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'la_code' AND NOT a.attisdropped) AS has_la,
                    EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'collection_year' AND NOT a.attisdropped) AS has_year,
                    EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'return_id' AND NOT a.attisdropped) AS has_rid
               FROM pg_class c
              WHERE c.relnamespace = 'sen2'::regnamespace AND c.relkind IN ('v', 'm') AND c.relname LIKE 'stat\_%'
                AND c.relname <> 'stat_cache_status'   -- when the cache was refreshed, not a statistic
              ORDER BY c.relname LOOP
        IF v.has_la OR v.has_year THEN
            cond := CASE WHEN v.has_la THEN 'x.la_code::text = $1' ELSE 'true' END || ' AND ' ||
                    CASE WHEN v.has_year THEN 'x.collection_year::int = $2' ELSE 'true' END;
        ELSIF v.has_rid THEN
            cond := 'x.return_id = $3';
        ELSE
            cond := 'true';
        END IF;
        EXECUTE format('SELECT md5(coalesce(string_agg(x::text, E''\n'' ORDER BY x::text), '''')) FROM sen2.%I x WHERE %s',
                       v.relname, cond)
           INTO d USING la, yr, rid;
        acc := acc || v.relname || ':' || left(d, 8) || ' ';
    END LOOP;
    RETURN acc;
END
$$;

-- The shared return's XML document, written once before the concurrent run.
CREATE TABLE bench.doc (doc text NOT NULL);

-- Rows in every table of schema sen2 (module tables, findings, runs, load
-- issues ... whatever this build has), for before/after comparisons.
CREATE FUNCTION bench.table_counts() RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t   record;
    n   bigint;
    acc text := '';
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c
              WHERE c.relnamespace = 'sen2'::regnamespace AND c.relkind IN ('r', 'p')
              ORDER BY c.relname LOOP
        EXECUTE format('SELECT count(*) FROM sen2.%I', t.relname) INTO n;
        acc := acc || t.relname || '=' || n || ' ';
    END LOOP;
    RETURN acc;
END
$$;

-- Row insertions ever counted by the statistics system in schema sen2,
-- including those of transactions that rolled back: a rise with no change in
-- table_counts() shows work that was done and then undone.
CREATE FUNCTION bench.rows_inserted() RETURNS bigint
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT coalesce(sum(n_tup_ins), 0)::bigint FROM pg_stat_user_tables WHERE schemaname = 'sen2'
$$;
