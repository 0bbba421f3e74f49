-- Statistics: the DfE's published "Education, health and care plans" tables
-- reproduced from the person-level staging tables (sen2-spec.md section 7).
--
-- Everything is computed from one relation of facts, sen2.stat_case: one
-- row per request for an EHC needs assessment with its assessment, plan,
-- active plan, person and return, every date parsed once and every derived
-- state (active on census day, new in the year, ages, primary need, the
-- placement categories) computed once.  The published views aggregate it.
--
-- At a national scale (700,000 persons) computing the facts costs seconds,
-- and every view would pay it again; sen2.refresh_statistics() stores them
-- once in sen2.stat_case_cache, and with the parameter use_cache on the
-- views read that instead (only while the parameters are those the cache
-- was computed with).  Off by default: the views are then always live.
--
-- The functions behind the published views run with work_mem 64MB, JIT
-- off, and a lower price on parallel workers: over the stored facts of a
-- national database most of a view's time is reading wide rows, which the
-- planner's default costs underrate, so by default it kept the largest
-- views serial.  With parallel_tuple_cost 0 and parallel_setup_cost 100 the
-- 12 views took 0.3-0.4 s less wall time at 700,000 persons (about 10%
-- more CPU, on the second core).  Tables under min_parallel_table_scan_size
-- (8 MB by default) and the live facts are never scanned in parallel.
--
-- Every published view groups by return (return_id, la_code,
-- collection_year: level 'return') and adds rows totalled over all returns
-- of a collection year (level 'total', return_id and la_code NULL).  Values
-- are read from the raw text: a date that is not a strict ISO date is NULL,
-- a code outside the year's code set is "Not recorded"; such rows are left
-- out of a figure or counted under "not recorded", never an error.

-- The facts are computed in C (src/stat_facts.c): every relation read once
-- through SPI, with the caller's rights, and each request's row derived as
-- the SQL in test/sql/stat_case_reference.sql derives it (a test keeps the
-- two equal).  Dates, per-return parameters, sex and ethnicity, and the
-- placement categories still come from the SQL building blocks above.
CREATE FUNCTION sen2.stat_case_rows(return_ids bigint[] DEFAULT NULL)
RETURNS TABLE (
    return_id bigint,
    la_code text,
    collection_year integer,
    census_date date,
    period_start date,
    period_end date,
    person_id bigint,
    upn text,
    uln text,
    surname text,
    forename text,
    birth_date date,
    sex text,
    ethnicity text,
    ethnic_group text,
    request_id bigint,
    received_date date,
    request_source text,
    rya text,
    request_outcome text,
    request_outcome_date date,
    request_mediation text,
    request_tribunal text,
    exported text,
    assessment_id bigint,
    assessment_outcome text,
    assessment_outcome_date date,
    week20 text,
    assessment_mediation text,
    assessment_tribunal text,
    other_mediation text,
    other_tribunal text,
    named_plan_id bigint,
    start_date date,
    cease_date date,
    not_ceased boolean,
    cease_reason text,
    plan_res text,
    plan_wbp text,
    pb text,
    oa text,
    dp text,
    active_plans_id bigint,
    transfer_la text,
    review_meeting date,
    review_outcome text,
    last_review date,
    phase_transfer_due_date date,
    phase_transfer_final_date date,
    received_in_period boolean,
    age_at_request integer,
    days_to_decision integer,
    days_to_outcome integer,
    assessment_in_period boolean,
    active_on_census boolean,
    new_in_period boolean,
    ceased_in_period boolean,
    review_expected boolean,
    age_at_census integer,
    age_at_start integer,
    age_at_cease integer,
    years_in_place integer,
    years_held integer,
    primary_need_code text,
    primary_need text,
    census_placement text,
    census_urn text,
    census_ukprn text,
    census_sen_setting text,
    census_res text,
    census_wbp text,
    start_placement text,
    start_placement_source text,
    last_placement text,
    wbp_in_period text)
LANGUAGE C STABLE ROWS 100000
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sen2_stat_case_rows';
COMMENT ON FUNCTION sen2.stat_case_rows(bigint[]) IS
  'The rows of the view sen2.stat_case (see there), computed in one pass over the staging tables: of every return, or only of the returns given.';

CREATE VIEW sen2.stat_case WITH (security_invoker = true) AS SELECT * FROM sen2.stat_case_rows();
COMMENT ON VIEW sen2.stat_case IS
  'Statistics facts, computed live: one row per request for an EHC needs assessment with its assessment, plan (NamedPlan), active plan, person and return; dates parsed (NULL if invalid); received_in_period, age_at_request, days_to_decision, days_to_outcome, assessment_in_period (assessment_year_basis); for plans: active_on_census (StartDate <= census date, no CeaseDate or one after it; an invalid CeaseDate leaves the plan out), new_in_period (StartDate in the calendar year; transfers-in excluded per new_plans_exclude_transfers), ceased_in_period, review_expected, ages (census per caseload_age_basis, start, cease), years_in_place, years_held, primary need (rank-1 SENtype valid for the year; DS as OTH per down_syndrome_as_other), census_placement (lowest-ranked placement spanning the census date), start_placement (attended on the start date, else rank-1 setting named in the plan) last_placement (latest placement entered by the cease date) and wbp_in_period (WBP of the latest work-based placement attended during the calendar year).';

-- ---------------------------------------------------------------------------
-- The stored facts
-- ---------------------------------------------------------------------------
-- The columns of sen2.stat_case, reordered: the true/false states first,
-- then the other fixed-width columns, then text.  A view that filters on a
-- state (ceased in the year, received in the year) then reads only the
-- start of a row it leaves out, instead of stepping over every text column
-- before it: scanning the facts for such a view took half as long.
-- No index: every reader aggregates whole returns, and a refresh of some
-- returns also drops the facts of deleted ones, so both scan the table; an
-- index on return_id cost a tenth of a full refresh and was never used.
-- A small sample is enough for the planner here (row counts and the few
-- distinct values of the grouping columns): ANALYZE after a refresh then
-- reads 3,000 rows, not 30,000.
DO $$
BEGIN
    EXECUTE (
        SELECT format('CREATE UNLOGGED TABLE sen2.stat_case_cache (%s)',
                      string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', '
                                 ORDER BY a.atttypid <> 'boolean'::regtype, a.attlen < 0, -a.attlen, a.attnum))
          FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = 'sen2.stat_case'::regclass AND a.attnum > 0 AND NOT a.attisdropped);
    EXECUTE (
        SELECT string_agg(format('ALTER TABLE sen2.stat_case_cache ALTER COLUMN %I SET STATISTICS 10', a.attname), '; ')
          FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = 'sen2.stat_case_cache'::regclass AND a.attnum > 0 AND NOT a.attisdropped);
END
$$;
COMMENT ON TABLE sen2.stat_case_cache IS
  'The facts of sen2.stat_case as stored by sen2.refresh_statistics() (unlogged: emptied by a crash, never dumped). Read through sen2.stat_case_facts.';

-- What refresh_statistics() stores with: the facts written straight into
-- the table, without the function scan's tuplestore in between.
CREATE FUNCTION sen2.stat_case_store(return_ids bigint[])
RETURNS bigint
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sen2_stat_case_store';
COMMENT ON FUNCTION sen2.stat_case_store(bigint[]) IS
  'Building block of sen2.refresh_statistics(): computes the facts of every return (NULL) or of the returns given and adds them to sen2.stat_case_cache, as INSERT INTO sen2.stat_case_cache SELECT * FROM sen2.stat_case_rows(return_ids) would but faster; returns the number of rows added. It neither deletes old facts nor records the refresh: call sen2.refresh_statistics().';

CREATE UNLOGGED TABLE sen2.stat_cache_state (
    only_row      boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    refreshed_at  timestamptz NOT NULL,
    refreshed_by  name NOT NULL,
    settings      text NOT NULL,
    cases         bigint NOT NULL,
    returns       bigint NOT NULL,
    duration      interval NOT NULL
);
COMMENT ON TABLE sen2.stat_cache_state IS
  'When sen2.refresh_statistics() last stored the facts, by whom, with which parameters, and how many rows.';

-- The parameters that shape the facts (all but use_cache), as one text.
CREATE FUNCTION sen2.stat_settings_fingerprint()
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT row(s.request_decision_days, s.not_issue_decision_days, s.timeliness_days, s.timeliness_year_days,
           s.timeliness_exclude_disputes, s.review_decision_days, s.review_expected_months,
           s.active_on_cease_date, s.new_plans_exclude_transfers, s.down_syndrome_as_other,
           s.caseload_age_basis, s.years_in_place_basis, s.assessment_year_basis,
           s.compulsory_school_age_min, s.compulsory_school_age_max)::text
  FROM sen2.stat_settings s
$$;

-- Whether the views should read the stored facts in this session.
CREATE FUNCTION sen2.stat_cache_in_use()
RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT sen2.stat_setting('use_cache')::boolean THEN
        RETURN false;
    END IF;
    RETURN EXISTS (SELECT 1 FROM sen2.stat_cache_state s WHERE s.settings = sen2.stat_settings_fingerprint());
END
$$;
COMMENT ON FUNCTION sen2.stat_cache_in_use() IS
  'true when the statistics views read the facts stored by sen2.refresh_statistics(): parameter use_cache is on and the facts were computed with the current parameters.';

CREATE FUNCTION sen2.refresh_statistics(return_ids bigint[] DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '128MB'
AS $$
DECLARE
    started timestamptz := clock_timestamp();
    n       bigint;
    nret    bigint;
BEGIN
    -- facts stored by a role that sees only some returns would be wrong for
    -- everyone else: with row-level security on, only a role that bypasses
    -- it may store them
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                WHERE (c.oid = 'sen2.return'::regclass
                       OR c.oid IN (SELECT ('sen2.' || m.table_name)::regclass FROM sen2.module_tree() m))
                  AND c.relrowsecurity)
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = current_user AND (rolsuper OR rolbypassrls)) THEN
        RAISE EXCEPTION 'refresh_statistics must be run by a role that sees every return'
              USING ERRCODE = 'insufficient_privilege',
                    DETAIL = 'Row-level security is enabled on the staging tables, so this role may see only some returns.',
                    HINT = 'Run it as a role with BYPASSRLS (or a superuser); readers still see only the returns their policies allow.';
    END IF;
    -- One refresh at a time (readers are not blocked): a second refresh
    -- started meanwhile would delete only the facts its snapshot shows and
    -- insert its own beside the first one's, doubling every figure.  Waiting
    -- here, its statements see the first one's committed facts.
    LOCK TABLE sen2.stat_cache_state IN SHARE ROW EXCLUSIVE MODE;
    IF return_ids IS NULL THEN
        -- DELETE, not TRUNCATE: readers of the stored facts keep seeing the
        -- old ones until this commits (TRUNCATE is not MVCC-safe: a reader
        -- could see an empty cache and report zeros).
        DELETE FROM sen2.stat_case_cache;
        n := sen2.stat_case_store(NULL);
        ANALYZE sen2.stat_case_cache;
    ELSE
        -- some returns only: the others' facts must have been computed with
        -- the same parameters, or the tables would mix two definitions
        IF NOT EXISTS (SELECT 1 FROM sen2.stat_cache_state s WHERE s.settings = sen2.stat_settings_fingerprint()) THEN
            RAISE EXCEPTION 'the stored statistics facts were computed with other parameters, or never'
                  USING ERRCODE = 'object_not_in_prerequisite_state',
                        DETAIL = 'Refreshing only some returns would leave the others computed another way.',
                        HINT = 'Run SELECT sen2.refresh_statistics(); once for every return.';
        END IF;
        -- the returns asked for, and any return deleted since
        DELETE FROM sen2.stat_case_cache c
         WHERE c.return_id = ANY (return_ids)
            OR NOT EXISTS (SELECT 1 FROM sen2.return r WHERE r.return_id = c.return_id);
        PERFORM sen2.stat_case_store(return_ids);
        SELECT count(*) INTO n FROM sen2.stat_case_cache;
    END IF;
    SELECT count(*) INTO nret FROM sen2.return;
    DELETE FROM sen2.stat_cache_state;
    INSERT INTO sen2.stat_cache_state (refreshed_at, refreshed_by, settings, cases, returns, duration)
    VALUES (now(), current_user, sen2.stat_settings_fingerprint(), n, nret, clock_timestamp() - started);
    RETURN n;
END
$$;
COMMENT ON FUNCTION sen2.refresh_statistics(bigint[]) IS
  'Computes the statistics facts (sen2.stat_case) and stores them in sen2.stat_case_cache; with parameter use_cache on, the statistics views then read them. With return_ids, only those returns'' facts are computed again (and facts of deleted returns dropped); the others must already be stored with the current parameters. Returns the number of requests stored in all. Run it after loading or changing returns.';

CREATE VIEW sen2.stat_cache_status WITH (security_invoker = true) AS
SELECT s.refreshed_at, s.refreshed_by, s.cases, s.returns, s.duration,
       s.settings = sen2.stat_settings_fingerprint() AS parameters_match,
       sen2.stat_cache_in_use() AS in_use
  FROM sen2.stat_cache_state s;
COMMENT ON VIEW sen2.stat_cache_status IS
  'The stored statistics facts: when and by whom refreshed, how many rows, whether they match the current parameters and whether this session''s views read them.';

-- The facts the views read: stored ones when in use (only rows of returns
-- the reader can see), else computed live.  The choice is made once per
-- query (an InitPlan), so only one branch runs.
-- (the stored columns named in the order of sen2.stat_case)
DO $$
BEGIN
    EXECUTE format($v$
CREATE VIEW sen2.stat_case_facts WITH (security_invoker = true) AS
SELECT %s FROM sen2.stat_case_cache c
 WHERE (SELECT sen2.stat_cache_in_use())
   AND c.return_id IN (SELECT r.return_id FROM sen2.return r)
UNION ALL
SELECT k.* FROM sen2.stat_case k
 WHERE NOT (SELECT sen2.stat_cache_in_use())$v$,
        (SELECT string_agg(format('c.%I', a.attname), ', ' ORDER BY a.attnum)
           FROM pg_catalog.pg_attribute a
          WHERE a.attrelid = 'sen2.stat_case'::regclass AND a.attnum > 0 AND NOT a.attisdropped));
END
$$;
COMMENT ON VIEW sen2.stat_case_facts IS
  'The statistics facts (columns of sen2.stat_case): stored by sen2.refresh_statistics() when parameter use_cache is on and the parameters match, else computed live.';

CREATE VIEW sen2.stat_plan WITH (security_invoker = true) AS
SELECT f.return_id, f.la_code, f.collection_year, f.census_date, f.period_start, f.period_end,
       f.person_id, f.upn, f.uln, f.surname, f.forename, f.birth_date, f.sex, f.ethnicity, f.ethnic_group,
       f.request_id, f.received_date, f.assessment_id, f.assessment_outcome,
       f.named_plan_id, f.start_date, f.cease_date, f.not_ceased, f.cease_reason,
       f.plan_res, f.plan_wbp, f.pb, f.oa, f.dp,
       f.active_plans_id, f.transfer_la, f.review_meeting, f.review_outcome, f.last_review,
       f.phase_transfer_due_date, f.phase_transfer_final_date,
       f.active_on_census, f.new_in_period, f.ceased_in_period, f.review_expected,
       f.age_at_census, f.age_at_start, f.age_at_cease, f.years_in_place, f.years_held,
       f.primary_need_code, f.primary_need,
       f.census_placement, f.census_urn, f.census_ukprn, f.census_sen_setting, f.census_res, f.census_wbp,
       f.start_placement, f.start_placement_source, f.last_placement, f.wbp_in_period
  FROM sen2.stat_case_facts f
 WHERE f.named_plan_id IS NOT NULL;
COMMENT ON VIEW sen2.stat_plan IS
  'Statistics facts, one row per EHC plan (NamedPlan): the plan columns of sen2.stat_case (see there for every definition). Placement columns hold sen2.placement_category codes.';

CREATE VIEW sen2.stat_request WITH (security_invoker = true) AS
SELECT f.return_id, f.la_code, f.collection_year, f.census_date, f.period_start, f.period_end,
       f.person_id, f.upn, f.uln, f.surname, f.forename, f.birth_date, f.sex, f.ethnicity, f.ethnic_group,
       f.request_id, f.received_date, f.request_source, f.rya, f.request_outcome, f.request_outcome_date,
       f.request_mediation, f.request_tribunal, f.exported,
       f.assessment_id, f.assessment_outcome, f.assessment_outcome_date, f.week20,
       f.assessment_mediation, f.assessment_tribunal, f.other_mediation, f.other_tribunal,
       f.received_in_period, f.age_at_request, f.days_to_decision, f.days_to_outcome, f.assessment_in_period,
       f.named_plan_id, f.start_date
  FROM sen2.stat_case_facts f;
COMMENT ON VIEW sen2.stat_request IS
  'Statistics facts, one row per request for an EHC needs assessment: the request and assessment columns of sen2.stat_case (see there for every definition).';

-- The published tables.  Each view reads a function that aggregates the
-- facts: the stored ones when they are in use (sen2.stat_cache_in_use),
-- read directly so the planner has their statistics, else sen2.stat_case.
-- The functions carry their own planner settings (work_mem for hash tables
-- of a national return, no JIT compilation, which costs more than it saves
-- on these one-pass queries).
CREATE FUNCTION sen2.stat_facts_source()
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- every parameter is read (and checked) here, so a bad one is reported
    -- before any query runs
    PERFORM sen2.stat_settings_fingerprint();
    IF sen2.stat_cache_in_use() THEN
        RETURN '(SELECT c.* FROM sen2.stat_case_cache c WHERE c.return_id IN (SELECT r.return_id FROM sen2.return r))';
    END IF;
    RETURN 'sen2.stat_case';
END
$$;
COMMENT ON FUNCTION sen2.stat_facts_source() IS
  'The relation the published statistics aggregate: the stored facts (only rows of returns the reader can see) when sen2.stat_cache_in_use(), else the live view sen2.stat_case.';

-- The parameters as a row of constants, for a view's query to join instead
-- of sen2.stat_settings: that view's OFFSET keeps every query joining it
-- out of parallel plans, and the published views over the stored facts run
-- about twice as fast with a parallel scan.
CREATE FUNCTION sen2.stat_settings_inline()
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT '(SELECT ' || string_agg(format('%L::%s AS %I', j.v ->> a.attname::text,
                                       format_type(a.atttypid, a.atttypmod), a.attname),
                                ', ' ORDER BY a.attnum) || ')'
  FROM (SELECT to_jsonb(s) AS v FROM sen2.stat_settings s) j
 CROSS JOIN pg_catalog.pg_attribute a
 WHERE a.attrelid = 'sen2.stat_settings'::regclass AND a.attnum > 0 AND NOT a.attisdropped
$$;
COMMENT ON FUNCTION sen2.stat_settings_inline() IS
  'The effective statistics parameters (sen2.stat_settings) as SQL text of a one-row subquery of constants, for the published views'' queries.';

-- The DfE's age bands, written once: for an age expression, the SQL of its
-- band's label and sort order (two expressions, for a VALUES row or a
-- select list).  The views paste it into their queries, so the CASE is
-- evaluated inline: a function called for every row would not be inlined
-- (sen2's functions fix their search_path).
CREATE FUNCTION sen2.stat_age_band_sql(age text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
SELECT format('CASE WHEN %1$s IS NULL THEN ''Unknown'' WHEN %1$s < 5 THEN ''Under 5'' '
              'WHEN %1$s <= 10 THEN ''5 to 10'' WHEN %1$s <= 15 THEN ''11 to 15'' '
              'WHEN %1$s <= 19 THEN ''16 to 19'' WHEN %1$s <= 25 THEN ''20 to 25'' ELSE ''26 and over'' END, '
              'CASE WHEN %1$s IS NULL THEN 99 WHEN %1$s < 5 THEN 1 WHEN %1$s <= 10 THEN 2 '
              'WHEN %1$s <= 15 THEN 3 WHEN %1$s <= 19 THEN 4 WHEN %1$s <= 25 THEN 5 ELSE 6 END', age)
$$;
COMMENT ON FUNCTION sen2.stat_age_band_sql(text) IS
  'SQL text of the DfE age band of an age expression: its label (Under 5, 5 to 10, 11 to 15, 16 to 19, 20 to 25, 26 and over; Unknown when NULL) and its sort order (1-6, 99), for the published views'' queries.';

-- The same for single years of age, as the caseload and new-plans files
-- publish them: Under 3, Age 3 ... Age 25, Age 26 and over.
CREATE FUNCTION sen2.stat_age_year_sql(age text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
SELECT format('CASE WHEN %1$s IS NULL THEN ''Unknown'' WHEN %1$s < 3 THEN ''Under 3'' '
              'WHEN %1$s > 25 THEN ''Age 26 and over'' ELSE ''Age '' || %1$s END, '
              'CASE WHEN %1$s IS NULL THEN 99 ELSE least(greatest(%1$s, 2), 26) END', age)
$$;
COMMENT ON FUNCTION sen2.stat_age_year_sql(text) IS
  'SQL text of the single year of age of an age expression as published: its label (Under 3, Age 3 ... Age 25, Age 26 and over; Unknown when NULL) and its sort order (2-26, 99), for the published views'' queries.';

-- ---------------------------------------------------------------------------
-- caseload.csv: plans active on census day
-- ---------------------------------------------------------------------------
CREATE FUNCTION sen2.stat_caseload_rows()
RETURNS TABLE (level text, return_id bigint, la_code text, collection_year int, breakdown_topic text, breakdown text, breakdown_order int, ehc_plans bigint, percent numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'
SET jit = off
SET parallel_setup_cost = 100
SET parallel_tuple_cost = 0
AS $fn$
BEGIN
    RETURN QUERY EXECUTE format($sql$
-- one pass over the facts, grouped by the raw values (so the planner can
-- hash every grouping set at once) and by return alone (its LA and year are
-- looked up after: hashing them for every row doubled the cost); labels and
-- bands come from the few grouped rows.  Each grouping set is a hash table
-- every plan goes through, so there are as few as the topics allow: the
-- totals are summed from the rows by sex, and ethnicity and ethnic group
-- share one set, each summed over the other.
WITH g AS MATERIALIZED (
    SELECT p.return_id,
           CASE WHEN GROUPING(p.age_at_census) = 0 THEN 'age'
                WHEN GROUPING(p.age_at_start) = 0 THEN 'start_age'
                WHEN GROUPING(p.sex) = 0 THEN 'sex'
                WHEN GROUPING(p.ethnicity) = 0 THEN 'ethnicity'
                WHEN GROUPING(p.primary_need) = 0 THEN 'primary_need'
                WHEN GROUPING(p.census_placement) = 0 THEN 'placement'
                ELSE 'years' END AS grouped_by,
           p.age_at_census, p.age_at_start, p.sex, p.ethnicity, p.ethnic_group, p.primary_need,
           p.census_placement, p.years_in_place, count(*) AS n
      FROM %1$s p
     WHERE p.active_on_census
     GROUP BY GROUPING SETS ((p.return_id, p.age_at_census),
                             (p.return_id, p.age_at_start),
                             (p.return_id, p.sex),
                             (p.return_id, p.ethnicity, p.ethnic_group),
                             (p.return_id, p.primary_need),
                             (p.return_id, p.census_placement),
                             (p.return_id, p.years_in_place))
), r AS MATERIALIZED (
    SELECT g.return_id, rt.la_code, rt.collection_year, x.breakdown_topic, x.breakdown, x.breakdown_order,
           sum(g.n::int) AS n
      FROM g
      JOIN sen2.return rt ON rt.return_id = g.return_id
      LEFT JOIN sen2.placement_category c ON c.category = g.census_placement
     CROSS JOIN LATERAL (VALUES
           ('sex', 'Total', 'Total', NULL::int),
           ('age', 'Age', %4$s),
           ('age', 'Age band', %2$s),
           ('start_age', 'Age when plan started', %3$s),
           ('sex', 'Sex', g.sex, NULL),
           ('ethnicity', 'Ethnicity', g.ethnicity, NULL),
           ('ethnicity', 'Ethnic group', g.ethnic_group, NULL),
           ('primary_need', 'Primary need', g.primary_need, NULL),
           ('placement', 'Placement type', c.label, c.sort_order),
           ('placement', 'Placement group', c.placement_group, c.group_order),
           ('years', 'Years EHC plan in place',
            CASE WHEN g.years_in_place IS NULL THEN 'Unknown' WHEN g.years_in_place <= 0 THEN 'Less than a year'
                 WHEN g.years_in_place >= 12 THEN '12 or more' ELSE g.years_in_place::text END,
            CASE WHEN g.years_in_place IS NULL THEN 99 ELSE least(greatest(g.years_in_place, 0), 12) END)
           ) x(grouped_by, breakdown_topic, breakdown, breakdown_order)
     WHERE x.grouped_by = g.grouped_by
     GROUP BY 1, 2, 3, 4, 5, 6
), t AS (
    SELECT 'return'::text AS level, r.return_id, r.la_code, r.collection_year, r.breakdown_topic, r.breakdown,
           r.breakdown_order, r.n
      FROM r
    UNION ALL
    SELECT 'total', NULL, NULL, r.collection_year, r.breakdown_topic, r.breakdown, r.breakdown_order, sum(r.n)::bigint
      FROM r GROUP BY r.collection_year, r.breakdown_topic, r.breakdown, r.breakdown_order
)
SELECT t.level, t.return_id, t.la_code, t.collection_year, t.breakdown_topic, t.breakdown, t.breakdown_order,
       t.n AS ehc_plans,
       round(100.0 * t.n / sum(t.n) OVER (PARTITION BY t.level, t.return_id, t.collection_year, t.breakdown_topic), 1) AS percent
  FROM t
$sql$, sen2.stat_facts_source(),
       sen2.stat_age_band_sql('g.age_at_census'), sen2.stat_age_band_sql('g.age_at_start'),
       sen2.stat_age_year_sql('g.age_at_census'));
END
$fn$;
COMMENT ON FUNCTION sen2.stat_caseload_rows() IS
  'The rows of the view sen2.stat_caseload (see there).';
CREATE VIEW sen2.stat_caseload WITH (security_invoker = true) AS SELECT * FROM sen2.stat_caseload_rows();
COMMENT ON VIEW sen2.stat_caseload IS
  'DfE caseload.csv: EHC plans active on census day (sen2.stat_case.active_on_census), per return (level return) and in total per collection year (level total), by Age (on the census date, or the 31 August before it per caseload_age_basis), Age band, Age when plan started, Sex, Ethnicity, Ethnic group, Primary need, Placement type (census-day placement), Placement group and Years EHC plan in place (years_in_place_basis). Long format: ehc_plans and percent of the breakdown topic.';

-- ---------------------------------------------------------------------------
-- newplans.csv: plans that started in the calendar year
-- ---------------------------------------------------------------------------
CREATE FUNCTION sen2.stat_new_plans_rows()
RETURNS TABLE (level text, return_id bigint, la_code text, collection_year int, breakdown_topic text, breakdown text, breakdown_order int, ehc_plans bigint, percent numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'
SET jit = off
SET parallel_setup_cost = 100
SET parallel_tuple_cost = 0
AS $fn$
BEGIN
    RETURN QUERY EXECUTE format($sql$
-- one pass over the new plans, grouped by the raw values of every topic at
-- once (grouping sets: as few as in sen2.stat_caseload_rows, the totals
-- summed from the rows by sex); labels and bands come from the few grouped
-- rows.  A plan whose placement is not a known category is left out of
-- every topic.
WITH g AS MATERIALIZED (
    SELECT p.return_id,
           CASE WHEN GROUPING(p.age_at_start) = 0 THEN 'age'
                WHEN GROUPING(p.sex) = 0 THEN 'sex'
                WHEN GROUPING(p.ethnicity) = 0 THEN 'ethnicity'
                WHEN GROUPING(p.primary_need) = 0 THEN 'primary_need'
                ELSE 'placement' END AS grouped_by,
           p.age_at_start AS age, p.sex, p.ethnicity, p.ethnic_group, p.primary_need, p.start_placement AS placement,
           count(*) AS n
      FROM %1$s p
     WHERE p.new_in_period
       AND p.start_placement IN (SELECT c.category FROM sen2.placement_category c)
     GROUP BY GROUPING SETS ((p.return_id, p.age_at_start),
                             (p.return_id, p.sex),
                             (p.return_id, p.ethnicity, p.ethnic_group),
                             (p.return_id, p.primary_need),
                             (p.return_id, p.start_placement))
), r AS MATERIALIZED (
    SELECT g.return_id, rt.la_code, rt.collection_year, x.breakdown_topic, x.breakdown, x.breakdown_order,
           sum(g.n::int) AS n
      FROM g
      JOIN sen2.return rt ON rt.return_id = g.return_id
      LEFT JOIN sen2.placement_category c ON c.category = g.placement
     CROSS JOIN LATERAL (VALUES
           ('sex', 'Total', 'Total', NULL::int),
           ('age', 'Age when plan started', %3$s),
           ('age', 'Age band when plan started', %2$s),
           ('sex', 'Sex', g.sex, NULL),
           ('ethnicity', 'Ethnicity', g.ethnicity, NULL),
           ('ethnicity', 'Ethnic group', g.ethnic_group, NULL),
           ('primary_need', 'Primary need', g.primary_need, NULL),
           ('placement', 'Placement type', c.label, c.sort_order),
           ('placement', 'Placement group', c.placement_group, c.group_order)
           ) x(grouped_by, breakdown_topic, breakdown, breakdown_order)
     WHERE x.grouped_by = g.grouped_by
     GROUP BY 1, 2, 3, 4, 5, 6
), t AS (
    SELECT 'return'::text AS level, r.return_id, r.la_code, r.collection_year, r.breakdown_topic, r.breakdown,
           r.breakdown_order, r.n
      FROM r
    UNION ALL
    SELECT 'total', NULL, NULL, r.collection_year, r.breakdown_topic, r.breakdown, r.breakdown_order, sum(r.n)::bigint
      FROM r GROUP BY r.collection_year, r.breakdown_topic, r.breakdown, r.breakdown_order
)
SELECT t.level, t.return_id, t.la_code, t.collection_year, t.breakdown_topic, t.breakdown, t.breakdown_order,
       t.n AS ehc_plans,
       round(100.0 * t.n / sum(t.n) OVER (PARTITION BY t.level, t.return_id, t.collection_year, t.breakdown_topic), 1) AS percent
  FROM t
$sql$, sen2.stat_facts_source(),
       sen2.stat_age_band_sql('g.age'), sen2.stat_age_year_sql('g.age'));
END
$fn$;
COMMENT ON FUNCTION sen2.stat_new_plans_rows() IS
  'The rows of the view sen2.stat_new_plans (see there).';
CREATE VIEW sen2.stat_new_plans WITH (security_invoker = true) AS SELECT * FROM sen2.stat_new_plans_rows();
COMMENT ON VIEW sen2.stat_new_plans IS
  'DfE newplans.csv: EHC plans that started in the calendar year before the census (sen2.stat_case.new_in_period; transfers-in excluded per new_plans_exclude_transfers), per return and in total, by Age and Age band when the plan started, Sex, Ethnicity, Ethnic group, Primary need, Placement type and Placement group (start_placement: attended on the start date, else the rank-1 setting named in the plan). Long format: ehc_plans and percent of the topic.';

-- ---------------------------------------------------------------------------
-- sen_needs_all_plans.csv and sen_need_newplans.csv: primary need
-- ---------------------------------------------------------------------------
CREATE FUNCTION sen2.stat_primary_need_rows()
RETURNS TABLE (level text, return_id bigint, la_code text, collection_year int, plans text, breakdown_topic text, breakdown text, breakdown_order int, primary_need text, ehc_plans bigint, percent numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'
SET jit = off
SET parallel_setup_cost = 100
SET parallel_tuple_cost = 0
AS $fn$
BEGIN
    RETURN QUERY EXECUTE format($sql$
-- the plans counted by every dimension at once (a few thousand rows per
-- return; all plans and new plans each from their own filtered scan), then
-- the breakdowns are sums of those rows.  (A LATERAL VALUES list per plan or
-- per counted row was the costliest part: PostgreSQL prepares such a list's
-- expressions again for every row it is joined to.)
WITH f (return_id, plans, band_label, band, placement, primary_need, n) AS MATERIALIZED (
    SELECT p.return_id, 'All plans', %2$s, p.census_placement, p.primary_need, count(*)
      FROM %1$s p
     WHERE p.active_on_census
     GROUP BY 1, 2, 3, 4, 5, 6
    UNION ALL
    SELECT p.return_id, 'New plans', %3$s, p.start_placement, p.primary_need, count(*)
      FROM %1$s p
     WHERE p.new_in_period
     GROUP BY 1, 2, 3, 4, 5, 6
), g AS MATERIALIZED (
    SELECT f.return_id, rt.la_code, rt.collection_year, f.plans,
           CASE WHEN GROUPING(f.band) = 0 THEN 'Age band'
                WHEN GROUPING(c.placement_group) = 0 THEN 'Placement group' ELSE 'Total' END AS breakdown_topic,
           CASE WHEN GROUPING(f.band) = 0 THEN f.band_label
                WHEN GROUPING(c.placement_group) = 0 THEN c.placement_group ELSE 'Total' END AS breakdown,
           CASE WHEN GROUPING(f.band) = 0 THEN f.band
                WHEN GROUPING(c.placement_group) = 0 THEN c.group_order END AS breakdown_order,
           f.primary_need, sum(f.n::int) AS n
      FROM f
      JOIN sen2.return rt ON rt.return_id = f.return_id
      JOIN sen2.placement_category c ON c.category = f.placement
     GROUP BY f.return_id, rt.la_code, rt.collection_year, f.plans, f.primary_need,
              GROUPING SETS ((), (f.band_label, f.band), (c.placement_group, c.group_order))
), t AS (
    SELECT 'return'::text AS level, g.return_id, g.la_code, g.collection_year, g.plans, g.breakdown_topic,
           coalesce(g.breakdown, 'Unknown') AS breakdown, g.breakdown_order, g.primary_need, g.n
      FROM g
    UNION ALL
    SELECT 'total', NULL, NULL, g.collection_year, g.plans, g.breakdown_topic, coalesce(g.breakdown, 'Unknown'),
           g.breakdown_order, g.primary_need, sum(g.n)::bigint
      FROM g GROUP BY g.collection_year, g.plans, g.breakdown_topic, g.breakdown, g.breakdown_order, g.primary_need
)
SELECT t.level, t.return_id, t.la_code, t.collection_year, t.plans, t.breakdown_topic, t.breakdown, t.breakdown_order,
       t.primary_need, t.n AS ehc_plans,
       round(100.0 * t.n / sum(t.n) OVER (PARTITION BY t.level, t.return_id, t.collection_year, t.plans,
                                                       t.breakdown_topic, t.breakdown), 1) AS percent
  FROM t
$sql$, sen2.stat_facts_source(),
       sen2.stat_age_band_sql('p.age_at_census'), sen2.stat_age_band_sql('p.age_at_start'));
END
$fn$;
COMMENT ON FUNCTION sen2.stat_primary_need_rows() IS
  'The rows of the view sen2.stat_primary_need (see there).';
CREATE VIEW sen2.stat_primary_need WITH (security_invoker = true) AS SELECT * FROM sen2.stat_primary_need_rows();
COMMENT ON VIEW sen2.stat_primary_need IS
  'DfE sen_needs_all_plans.csv (plans = All plans: active on census day; age on the census date; census-day placement group) and sen_need_newplans.csv (plans = New plans: started in the calendar year; age at start; placement at start). Primary need = rank-1 SENtype (DS as OTH by default; Not recorded if missing or invalid). percent = share of the need within its breakdown row.';

-- ---------------------------------------------------------------------------
-- requests.csv: requests for an EHC needs assessment received in the year
-- ---------------------------------------------------------------------------
CREATE FUNCTION sen2.stat_requests_rows()
RETURNS TABLE (level text, return_id bigint, la_code text, collection_year int, breakdown_topic text, breakdown text, breakdown_order int, requests_received bigint, requests_rya bigint, decided_to_assess bigint, decided_to_assess_pc numeric, decided_not_to_assess bigint, decided_not_to_assess_pc numeric, decision_not_made bigint, decision_not_made_pc numeric, withdrawn bigint, withdrawn_pc numeric, outcome_not_recorded bigint, decided_within_6_weeks bigint, decided_after_6_weeks bigint, decided_within_6_weeks_pc numeric, mediation bigint, mediation_pc numeric, tribunal bigint, tribunal_pc numeric, tribunal_after_mediation bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'
SET jit = off
SET parallel_setup_cost = 100
SET parallel_tuple_cost = 0
AS $fn$
BEGIN
    RETURN QUERY EXECUTE format($sql$
-- counted per return and raw value of each breakdown first, the breakdowns
-- summed from those few rows (see sen2.stat_caseload_rows)
WITH counted AS MATERIALIZED (
    SELECT q.return_id, q.age_at_request, q.sex, q.request_source,
           count(*) AS requests_received,
           count(*) FILTER (WHERE q.rya = '1') AS requests_rya,
           count(*) FILTER (WHERE q.request_outcome = 'Y') AS decided_to_assess,
           count(*) FILTER (WHERE q.request_outcome = 'N') AS decided_not_to_assess,
           count(*) FILTER (WHERE q.request_outcome = 'A') AS decision_not_made,
           count(*) FILTER (WHERE q.request_outcome = 'W') AS withdrawn,
           count(*) FILTER (WHERE q.request_outcome IS NULL OR q.request_outcome NOT IN ('Y', 'N', 'A', 'W')) AS outcome_not_recorded,
           count(*) FILTER (WHERE q.request_outcome IN ('Y', 'N') AND q.days_to_decision BETWEEN 0 AND s.request_decision_days) AS decided_within_6_weeks,
           count(*) FILTER (WHERE q.request_outcome IN ('Y', 'N') AND q.days_to_decision > s.request_decision_days) AS decided_after_6_weeks,
           count(*) FILTER (WHERE q.request_mediation = '1') AS mediation,
           count(*) FILTER (WHERE q.request_tribunal = '1') AS tribunal,
           count(*) FILTER (WHERE q.request_mediation = '1' AND q.request_tribunal = '1') AS tribunal_after_mediation
      FROM %1$s q
     CROSS JOIN %2$s s
     WHERE q.received_in_period
     GROUP BY 1, 2, 3, 4
), g AS MATERIALIZED (
    SELECT q.return_id, rt.la_code, rt.collection_year, x.breakdown_topic, x.breakdown, x.breakdown_order,
           sum(q.requests_received::int) AS requests_received, sum(q.requests_rya::int) AS requests_rya, sum(q.decided_to_assess::int) AS decided_to_assess,
           sum(q.decided_not_to_assess::int) AS decided_not_to_assess, sum(q.decision_not_made::int) AS decision_not_made, sum(q.withdrawn::int) AS withdrawn,
           sum(q.outcome_not_recorded::int) AS outcome_not_recorded, sum(q.decided_within_6_weeks::int) AS decided_within_6_weeks, sum(q.decided_after_6_weeks::int) AS decided_after_6_weeks,
           sum(q.mediation::int) AS mediation, sum(q.tribunal::int) AS tribunal, sum(q.tribunal_after_mediation::int) AS tribunal_after_mediation
      FROM counted q
      JOIN sen2.return rt ON rt.return_id = q.return_id
      LEFT JOIN (SELECT c.collection_year, c.code, min(c.label) AS label FROM sen2.code c
                  WHERE c.code_set = 'request_source' GROUP BY 1, 2) rs
             ON rs.collection_year = rt.collection_year AND rs.code = q.request_source
     CROSS JOIN LATERAL (VALUES
           ('Total', 'Total', NULL::int),
           ('Age band at request', %3$s),
           ('Sex', q.sex, NULL),
           ('Request source', coalesce(rs.label, 'Not recorded'),
            CASE WHEN rs.code ~ '^[0-9]$' THEN rs.code::int ELSE 99 END)) x(breakdown_topic, breakdown, breakdown_order)
     GROUP BY 1, 2, 3, 4, 5, 6
), t AS (
    SELECT 'return'::text AS level, g.* FROM g
    UNION ALL
    SELECT 'total', NULL, NULL, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
           sum(g.requests_received)::bigint, sum(g.requests_rya)::bigint, sum(g.decided_to_assess)::bigint,
           sum(g.decided_not_to_assess)::bigint, sum(g.decision_not_made)::bigint, sum(g.withdrawn)::bigint,
           sum(g.outcome_not_recorded)::bigint, sum(g.decided_within_6_weeks)::bigint, sum(g.decided_after_6_weeks)::bigint,
           sum(g.mediation)::bigint, sum(g.tribunal)::bigint, sum(g.tribunal_after_mediation)::bigint
      FROM g GROUP BY g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order
)
SELECT t.level, t.return_id, t.la_code, t.collection_year, t.breakdown_topic, t.breakdown, t.breakdown_order,
       t.requests_received, t.requests_rya,
       t.decided_to_assess, round(100.0 * t.decided_to_assess / nullif(t.requests_received, 0), 1) AS decided_to_assess_pc,
       t.decided_not_to_assess, round(100.0 * t.decided_not_to_assess / nullif(t.requests_received, 0), 1) AS decided_not_to_assess_pc,
       t.decision_not_made, round(100.0 * t.decision_not_made / nullif(t.requests_received, 0), 1) AS decision_not_made_pc,
       t.withdrawn, round(100.0 * t.withdrawn / nullif(t.requests_received, 0), 1) AS withdrawn_pc,
       t.outcome_not_recorded,
       t.decided_within_6_weeks, t.decided_after_6_weeks,
       round(100.0 * t.decided_within_6_weeks / nullif(t.decided_within_6_weeks + t.decided_after_6_weeks, 0), 1) AS decided_within_6_weeks_pc,
       t.mediation, round(100.0 * t.mediation / nullif(t.requests_received, 0), 1) AS mediation_pc,
       t.tribunal, round(100.0 * t.tribunal / nullif(t.requests_received, 0), 1) AS tribunal_pc,
       t.tribunal_after_mediation
  FROM t
$sql$, sen2.stat_facts_source(), sen2.stat_settings_inline(),
       sen2.stat_age_band_sql('q.age_at_request'));
END
$fn$;
COMMENT ON FUNCTION sen2.stat_requests_rows() IS
  'The rows of the view sen2.stat_requests (see there).';
CREATE VIEW sen2.stat_requests WITH (security_invoker = true) AS SELECT * FROM sen2.stat_requests_rows();
COMMENT ON VIEW sen2.stat_requests IS
  'DfE requests.csv: requests received in the calendar year (ReceivedDate in the period), per return and in total, by Age band at request (age on ReceivedDate), Sex and Request source (2025+). Outcomes Y/N/A/W (anything else: outcome_not_recorded) with % of requests received; decided within 6 weeks = outcome Y or N with RequestOutcomeDate - ReceivedDate <= request_decision_days (42), % of decisions with a valid date; mediation, tribunal and both.';

-- ---------------------------------------------------------------------------
-- assessments.csv: EHC needs assessments of the year
-- ---------------------------------------------------------------------------
CREATE FUNCTION sen2.stat_assessments_rows()
RETURNS TABLE (level text, return_id bigint, la_code text, collection_year int, breakdown_topic text, breakdown text, breakdown_order int, assess_in_year bigint, assess_issued bigint, assess_issued_pc numeric, assess_issue_pending bigint, assess_not_issued bigint, assess_not_issued_pc numeric, assess_not_made bigint, assess_not_made_pc numeric, assess_withdrawn bigint, assess_withdrawn_pc numeric, assess_outcome_not_recorded bigint, issued_of_decided_pc numeric, not_issued_within_16_weeks bigint, not_issued_after_16_weeks bigint, not_issued_within_16_weeks_pc numeric, assess_mediation bigint, assess_tribunal bigint, other_mediation bigint, other_tribunal bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'
SET jit = off
SET parallel_setup_cost = 100
SET parallel_tuple_cost = 0
AS $fn$
BEGIN
    RETURN QUERY EXECUTE format($sql$
-- counted per return and raw value of each breakdown first, the breakdowns
-- summed from those few rows (see sen2.stat_caseload_rows)
WITH counted AS MATERIALIZED (
    SELECT q.return_id, q.age_at_request, q.sex,
           count(*) AS assess_in_year,
           count(*) FILTER (WHERE q.assessment_outcome = 'Y') AS assess_issued,
           count(*) FILTER (WHERE q.assessment_outcome = 'Y' AND q.assessment_outcome_date IS NULL) AS assess_issue_pending,
           count(*) FILTER (WHERE q.assessment_outcome = 'N') AS assess_not_issued,
           count(*) FILTER (WHERE q.assessment_outcome = 'A') AS assess_not_made,
           count(*) FILTER (WHERE q.assessment_outcome = 'W') AS assess_withdrawn,
           count(*) FILTER (WHERE q.assessment_outcome IS NULL OR q.assessment_outcome NOT IN ('Y', 'N', 'A', 'W')) AS assess_outcome_not_recorded,
           count(*) FILTER (WHERE q.assessment_outcome = 'N' AND q.days_to_outcome BETWEEN 0 AND s.not_issue_decision_days) AS not_issued_within_16_weeks,
           count(*) FILTER (WHERE q.assessment_outcome = 'N' AND q.days_to_outcome > s.not_issue_decision_days) AS not_issued_after_16_weeks,
           count(*) FILTER (WHERE q.assessment_mediation = '1') AS assess_mediation,
           count(*) FILTER (WHERE q.assessment_tribunal = '1') AS assess_tribunal,
           count(*) FILTER (WHERE q.other_mediation = '1') AS other_mediation,
           count(*) FILTER (WHERE q.other_tribunal = '1') AS other_tribunal
      FROM %1$s q
     CROSS JOIN %2$s s
     WHERE q.assessment_in_period
     GROUP BY 1, 2, 3
), g AS MATERIALIZED (
    SELECT q.return_id, rt.la_code, rt.collection_year, x.breakdown_topic, x.breakdown, x.breakdown_order,
           sum(q.assess_in_year::int) AS assess_in_year, sum(q.assess_issued::int) AS assess_issued, sum(q.assess_issue_pending::int) AS assess_issue_pending,
           sum(q.assess_not_issued::int) AS assess_not_issued, sum(q.assess_not_made::int) AS assess_not_made, sum(q.assess_withdrawn::int) AS assess_withdrawn,
           sum(q.assess_outcome_not_recorded::int) AS assess_outcome_not_recorded, sum(q.not_issued_within_16_weeks::int) AS not_issued_within_16_weeks, sum(q.not_issued_after_16_weeks::int) AS not_issued_after_16_weeks,
           sum(q.assess_mediation::int) AS assess_mediation, sum(q.assess_tribunal::int) AS assess_tribunal, sum(q.other_mediation::int) AS other_mediation,
           sum(q.other_tribunal::int) AS other_tribunal
      FROM counted q
      JOIN sen2.return rt ON rt.return_id = q.return_id
     CROSS JOIN LATERAL (VALUES
           ('Total', 'Total', NULL::int),
           ('Age band at request', %3$s),
           ('Sex', q.sex, NULL)) x(breakdown_topic, breakdown, breakdown_order)
     GROUP BY 1, 2, 3, 4, 5, 6
), t AS (
    SELECT 'return'::text AS level, g.* FROM g
    UNION ALL
    SELECT 'total', NULL, NULL, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
           sum(g.assess_in_year)::bigint, sum(g.assess_issued)::bigint, sum(g.assess_issue_pending)::bigint,
           sum(g.assess_not_issued)::bigint, sum(g.assess_not_made)::bigint, sum(g.assess_withdrawn)::bigint,
           sum(g.assess_outcome_not_recorded)::bigint, sum(g.not_issued_within_16_weeks)::bigint,
           sum(g.not_issued_after_16_weeks)::bigint, sum(g.assess_mediation)::bigint, sum(g.assess_tribunal)::bigint,
           sum(g.other_mediation)::bigint, sum(g.other_tribunal)::bigint
      FROM g GROUP BY g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order
)
SELECT t.level, t.return_id, t.la_code, t.collection_year, t.breakdown_topic, t.breakdown, t.breakdown_order,
       t.assess_in_year,
       t.assess_issued, round(100.0 * t.assess_issued / nullif(t.assess_in_year, 0), 1) AS assess_issued_pc,
       t.assess_issue_pending,
       t.assess_not_issued, round(100.0 * t.assess_not_issued / nullif(t.assess_in_year, 0), 1) AS assess_not_issued_pc,
       t.assess_not_made, round(100.0 * t.assess_not_made / nullif(t.assess_in_year, 0), 1) AS assess_not_made_pc,
       t.assess_withdrawn, round(100.0 * t.assess_withdrawn / nullif(t.assess_in_year, 0), 1) AS assess_withdrawn_pc,
       t.assess_outcome_not_recorded,
       round(100.0 * t.assess_issued / nullif(t.assess_issued + t.assess_not_issued, 0), 1) AS issued_of_decided_pc,
       t.not_issued_within_16_weeks, t.not_issued_after_16_weeks,
       round(100.0 * t.not_issued_within_16_weeks / nullif(t.not_issued_within_16_weeks + t.not_issued_after_16_weeks, 0), 1) AS not_issued_within_16_weeks_pc,
       t.assess_mediation, t.assess_tribunal, t.other_mediation, t.other_tribunal
  FROM t
$sql$, sen2.stat_facts_source(), sen2.stat_settings_inline(),
       sen2.stat_age_band_sql('q.age_at_request'));
END
$fn$;
COMMENT ON FUNCTION sen2.stat_assessments_rows() IS
  'The rows of the view sen2.stat_assessments (see there).';
CREATE VIEW sen2.stat_assessments WITH (security_invoker = true) AS SELECT * FROM sen2.stat_assessments_rows();
COMMENT ON VIEW sen2.stat_assessments IS
  'DfE assessments.csv: EHC needs assessments of the calendar year (assessment_year_basis; historical H excluded), per return and in total, by Age band at request and Sex. Outcomes issued (Y; of which issue_pending: no issue date yet), not issued (N), not made (A), withdrawn (W), not recorded, as % of assessments in the year; issued as % of decided (Y+N); decisions not to issue within 16 weeks (AssessmentOutcomeDate - ReceivedDate <= not_issue_decision_days) or later; mediation and tribunal counts.';

-- ---------------------------------------------------------------------------
-- timeliness_20_week.csv: plans issued in the year
-- ---------------------------------------------------------------------------
CREATE FUNCTION sen2.stat_timeliness_rows()
RETURNS TABLE (level text, return_id bigint, la_code text, collection_year int, breakdown_topic text, breakdown text, breakdown_order int, plans_issued_den bigint, plans_issued_within_20_weeks bigint, plans_issued_gt20weeks_ltyear bigint, plans_issued_gt_1_year bigint, pc_plans_issued_within_20_weeks numeric, pc_plans_issued_gt20weeks_ltyear numeric, pc_plans_issued_gt_1_year numeric, avg_weeks_to_issue numeric, plans_issued_den_ex bigint, plans_issued_within_20_weeks_ex bigint, plans_issued_gt20weeks_ltyear_ex bigint, plans_issued_gt_1_year_ex bigint, pc_plans_issued_within_20_weeks_ex numeric, pc_plans_issued_gt20weeks_ltyear_ex numeric, pc_plans_issued_gt_1_year_ex numeric, avg_weeks_to_issue_ex numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'
SET jit = off
SET parallel_setup_cost = 100
SET parallel_tuple_cost = 0
AS $fn$
BEGIN
    RETURN QUERY EXECUTE format($sql$
-- counted per return and raw value of each breakdown first, the breakdowns
-- summed from those few rows (see sen2.stat_caseload_rows)
WITH counted AS MATERIALIZED (
    SELECT q.return_id, q.age_at_request,
           count(*) AS plans_issued_den,
           count(*) FILTER (WHERE q.days_to_outcome BETWEEN 0 AND s.timeliness_days) AS plans_issued_within_20_weeks,
           count(*) FILTER (WHERE q.days_to_outcome > s.timeliness_days AND q.days_to_outcome <= s.timeliness_year_days) AS plans_issued_gt20weeks_ltyear,
           count(*) FILTER (WHERE q.days_to_outcome > s.timeliness_year_days) AS plans_issued_gt_1_year,
           sum(q.days_to_outcome) FILTER (WHERE q.days_to_outcome >= 0) AS days_sum,
           count(*) FILTER (WHERE q.days_to_outcome >= 0) AS days_n,
           count(*) FILTER (WHERE q.week20 IS DISTINCT FROM '1') AS plans_issued_den_ex,
           count(*) FILTER (WHERE q.week20 IS DISTINCT FROM '1' AND q.days_to_outcome BETWEEN 0 AND s.timeliness_days) AS plans_issued_within_20_weeks_ex,
           count(*) FILTER (WHERE q.week20 IS DISTINCT FROM '1' AND q.days_to_outcome > s.timeliness_days
                              AND q.days_to_outcome <= s.timeliness_year_days) AS plans_issued_gt20weeks_ltyear_ex,
           count(*) FILTER (WHERE q.week20 IS DISTINCT FROM '1' AND q.days_to_outcome > s.timeliness_year_days) AS plans_issued_gt_1_year_ex,
           sum(q.days_to_outcome) FILTER (WHERE q.week20 IS DISTINCT FROM '1' AND q.days_to_outcome >= 0) AS days_sum_ex,
           count(*) FILTER (WHERE q.week20 IS DISTINCT FROM '1' AND q.days_to_outcome >= 0) AS days_n_ex
      FROM %1$s q
     CROSS JOIN %2$s s
     WHERE q.assessment_outcome = 'Y'
       AND q.assessment_outcome_date BETWEEN q.period_start AND q.period_end
       AND NOT (s.timeliness_exclude_disputes
                AND '1' IN (q.request_mediation, q.request_tribunal, q.assessment_mediation, q.assessment_tribunal))
     GROUP BY 1, 2
), g AS MATERIALIZED (
    SELECT q.return_id, rt.la_code, rt.collection_year, x.breakdown_topic, x.breakdown, x.breakdown_order,
           sum(q.plans_issued_den::int) AS plans_issued_den, sum(q.plans_issued_within_20_weeks::int) AS plans_issued_within_20_weeks, sum(q.plans_issued_gt20weeks_ltyear::int) AS plans_issued_gt20weeks_ltyear,
           sum(q.plans_issued_gt_1_year::int) AS plans_issued_gt_1_year, sum(q.days_sum)::bigint AS days_sum, sum(q.days_n::int) AS days_n,
           sum(q.plans_issued_den_ex::int) AS plans_issued_den_ex, sum(q.plans_issued_within_20_weeks_ex::int) AS plans_issued_within_20_weeks_ex, sum(q.plans_issued_gt20weeks_ltyear_ex::int) AS plans_issued_gt20weeks_ltyear_ex,
           sum(q.plans_issued_gt_1_year_ex::int) AS plans_issued_gt_1_year_ex, sum(q.days_sum_ex)::bigint AS days_sum_ex, sum(q.days_n_ex::int) AS days_n_ex
      FROM counted q
      JOIN sen2.return rt ON rt.return_id = q.return_id
     CROSS JOIN LATERAL (VALUES
           ('Total', 'Total', NULL::int),
           ('Age band at request', %3$s)) x(breakdown_topic, breakdown, breakdown_order)
     GROUP BY 1, 2, 3, 4, 5, 6
), t AS (
    SELECT 'return'::text AS level, g.* FROM g
    UNION ALL
    SELECT 'total', NULL, NULL, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
           sum(g.plans_issued_den)::bigint, sum(g.plans_issued_within_20_weeks)::bigint,
           sum(g.plans_issued_gt20weeks_ltyear)::bigint, sum(g.plans_issued_gt_1_year)::bigint,
           sum(g.days_sum)::bigint, sum(g.days_n)::bigint,
           sum(g.plans_issued_den_ex)::bigint, sum(g.plans_issued_within_20_weeks_ex)::bigint,
           sum(g.plans_issued_gt20weeks_ltyear_ex)::bigint, sum(g.plans_issued_gt_1_year_ex)::bigint,
           sum(g.days_sum_ex)::bigint, sum(g.days_n_ex)::bigint
      FROM g GROUP BY g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order
)
SELECT t.level, t.return_id, t.la_code, t.collection_year, t.breakdown_topic, t.breakdown, t.breakdown_order,
       t.plans_issued_den, t.plans_issued_within_20_weeks, t.plans_issued_gt20weeks_ltyear, t.plans_issued_gt_1_year,
       round(100.0 * t.plans_issued_within_20_weeks / nullif(t.plans_issued_den, 0), 1) AS pc_plans_issued_within_20_weeks,
       round(100.0 * t.plans_issued_gt20weeks_ltyear / nullif(t.plans_issued_den, 0), 1) AS pc_plans_issued_gt20weeks_ltyear,
       round(100.0 * t.plans_issued_gt_1_year / nullif(t.plans_issued_den, 0), 1) AS pc_plans_issued_gt_1_year,
       round(t.days_sum / nullif(7.0 * t.days_n, 0), 1) AS avg_weeks_to_issue,
       t.plans_issued_den_ex, t.plans_issued_within_20_weeks_ex, t.plans_issued_gt20weeks_ltyear_ex, t.plans_issued_gt_1_year_ex,
       round(100.0 * t.plans_issued_within_20_weeks_ex / nullif(t.plans_issued_den_ex, 0), 1) AS pc_plans_issued_within_20_weeks_ex,
       round(100.0 * t.plans_issued_gt20weeks_ltyear_ex / nullif(t.plans_issued_den_ex, 0), 1) AS pc_plans_issued_gt20weeks_ltyear_ex,
       round(100.0 * t.plans_issued_gt_1_year_ex / nullif(t.plans_issued_den_ex, 0), 1) AS pc_plans_issued_gt_1_year_ex,
       round(t.days_sum_ex / nullif(7.0 * t.days_n_ex, 0), 1) AS avg_weeks_to_issue_ex
  FROM t
$sql$, sen2.stat_facts_source(), sen2.stat_settings_inline(),
       sen2.stat_age_band_sql('q.age_at_request'));
END
$fn$;
COMMENT ON FUNCTION sen2.stat_timeliness_rows() IS
  'The rows of the view sen2.stat_timeliness (see there).';
CREATE VIEW sen2.stat_timeliness WITH (security_invoker = true) AS SELECT * FROM sen2.stat_timeliness_rows();
COMMENT ON VIEW sen2.stat_timeliness IS
  'DfE timeliness_20_week.csv: plans issued in the calendar year (AssessmentOutcome Y, AssessmentOutcomeDate in the period; without mediation/tribunal cases if timeliness_exclude_disputes), per return and in total, by Age band at request. Elapsed days = AssessmentOutcomeDate - ReceivedDate: within 20 weeks <= timeliness_days (140), 20-52 weeks <= timeliness_year_days (364), over 52 weeks beyond; a plan whose ReceivedDate is missing, invalid or after the issue date counts in the denominator only. _ex: plans with Week20 = 1 (a permitted exception) left out. Average weeks to issue over plans with a valid elapsed time.';

-- ---------------------------------------------------------------------------
-- annual_reviews.csv: reviews of plans active on census day, phase transfers
-- ---------------------------------------------------------------------------
CREATE FUNCTION sen2.stat_annual_reviews_rows()
RETURNS TABLE (level text, return_id bigint, la_code text, collection_year int, total_ehc_plans bigint, review_expected bigint, review_expected_pc numeric, review_not_expected bigint, review_not_expected_pc numeric, total_review_meeting bigint, total_review_meeting_pc numeric, review_meeting_in_period bigint, review_meeting_before_period bigint, review_meeting_after_period bigint, no_review_meeting bigint, no_review_meeting_pc numeric, review_decision_in_period bigint, review_decision_before_period bigint, review_decision_after_period bigint, review_decision_not_due bigint, review_decision_outstanding bigint, outcome_amend bigint, outcome_maintain bigint, outcome_cease bigint, no_outcome bigint, decision_within_4_weeks bigint, decision_after_4_weeks bigint, decision_within_4_weeks_pc numeric, phase_transfers_due bigint, phase_transfer_final_by_due bigint, phase_transfer_final_late bigint, phase_transfer_final_not_issued bigint, phase_transfer_final_by_due_pc numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'
SET jit = off
SET parallel_setup_cost = 100
SET parallel_tuple_cost = 0
AS $fn$
BEGIN
    RETURN QUERY EXECUTE format($sql$
-- grouped by return alone, its LA and year looked up after (see
-- sen2.stat_caseload_rows)
WITH counted AS MATERIALIZED (
    SELECT f.return_id,
           count(*) FILTER (WHERE f.active_on_census) AS total_ehc_plans,
           count(*) FILTER (WHERE f.expected) AS review_expected,
           count(*) FILTER (WHERE f.active_on_census AND NOT f.expected) AS review_not_expected,
           count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL) AS total_review_meeting,
           count(*) FILTER (WHERE f.expected AND f.meeting BETWEEN f.period_start AND f.period_end) AS review_meeting_in_period,
           count(*) FILTER (WHERE f.expected AND f.meeting < f.period_start) AS review_meeting_before_period,
           count(*) FILTER (WHERE f.expected AND f.meeting > f.period_end) AS review_meeting_after_period,
           count(*) FILTER (WHERE f.expected AND f.meeting IS NULL) AS no_review_meeting,
           count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.decision BETWEEN f.period_start AND f.period_end) AS review_decision_in_period,
           count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.decision < f.period_start) AS review_decision_before_period,
           count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.decision > f.period_end) AS review_decision_after_period,
           count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.decision IS NULL
                              AND f.census_date - f.meeting <= f.review_decision_days) AS review_decision_not_due,
           count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.decision IS NULL
                              AND f.census_date - f.meeting > f.review_decision_days) AS review_decision_outstanding,
           count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.review_outcome = 'A') AS outcome_amend,
           count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.review_outcome = 'M') AS outcome_maintain,
           count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.review_outcome = 'C') AS outcome_cease,
           count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL
                              AND (f.review_outcome IS NULL OR f.review_outcome NOT IN ('A', 'M', 'C'))) AS no_outcome,
           count(*) FILTER (WHERE f.expected AND f.decision - f.meeting BETWEEN 0 AND f.review_decision_days) AS decision_within_4_weeks,
           count(*) FILTER (WHERE f.expected AND f.decision - f.meeting > f.review_decision_days) AS decision_after_4_weeks,
           count(*) FILTER (WHERE f.phase_due BETWEEN f.period_start AND f.period_end) AS phase_transfers_due,
           count(*) FILTER (WHERE f.phase_due BETWEEN f.period_start AND f.period_end AND f.phase_final <= f.phase_due) AS phase_transfer_final_by_due,
           count(*) FILTER (WHERE f.phase_due BETWEEN f.period_start AND f.period_end AND f.phase_final > f.phase_due) AS phase_transfer_final_late,
           count(*) FILTER (WHERE f.phase_due BETWEEN f.period_start AND f.period_end AND f.phase_final IS NULL) AS phase_transfer_final_not_issued
      FROM (SELECT p.return_id, p.la_code, p.collection_year, p.census_date, p.period_start, p.period_end,
                   p.active_on_census, p.active_on_census AND p.review_expected AS expected,
                   -- a meeting or decision dated after census day cannot be in the return: not recorded
                   CASE WHEN p.review_meeting <= p.census_date THEN p.review_meeting END AS meeting,
                   CASE WHEN p.last_review <= p.census_date THEN p.last_review END AS decision,
                   p.review_outcome, s.review_decision_days,
                   p.phase_transfer_due_date AS phase_due,
                   CASE WHEN p.phase_transfer_final_date <= p.census_date THEN p.phase_transfer_final_date END AS phase_final
              FROM %1$s p
             CROSS JOIN %2$s s
             WHERE p.named_plan_id IS NOT NULL
               AND (p.active_on_census OR p.phase_transfer_due_date BETWEEN p.period_start AND p.period_end)) f
     GROUP BY 1
), g AS MATERIALIZED (
    SELECT c.return_id, rt.la_code, rt.collection_year,
           c.total_ehc_plans, c.review_expected, c.review_not_expected, c.total_review_meeting,
           c.review_meeting_in_period, c.review_meeting_before_period, c.review_meeting_after_period,
           c.no_review_meeting, c.review_decision_in_period, c.review_decision_before_period,
           c.review_decision_after_period, c.review_decision_not_due, c.review_decision_outstanding,
           c.outcome_amend, c.outcome_maintain, c.outcome_cease, c.no_outcome, c.decision_within_4_weeks,
           c.decision_after_4_weeks, c.phase_transfers_due, c.phase_transfer_final_by_due,
           c.phase_transfer_final_late, c.phase_transfer_final_not_issued
      FROM counted c JOIN sen2.return rt ON rt.return_id = c.return_id
), t AS (
    SELECT 'return'::text AS level, g.* FROM g
    UNION ALL
    SELECT 'total', NULL, NULL, g.collection_year,
           sum(g.total_ehc_plans)::bigint, sum(g.review_expected)::bigint, sum(g.review_not_expected)::bigint,
           sum(g.total_review_meeting)::bigint, sum(g.review_meeting_in_period)::bigint,
           sum(g.review_meeting_before_period)::bigint, sum(g.review_meeting_after_period)::bigint,
           sum(g.no_review_meeting)::bigint, sum(g.review_decision_in_period)::bigint,
           sum(g.review_decision_before_period)::bigint, sum(g.review_decision_after_period)::bigint,
           sum(g.review_decision_not_due)::bigint, sum(g.review_decision_outstanding)::bigint,
           sum(g.outcome_amend)::bigint, sum(g.outcome_maintain)::bigint, sum(g.outcome_cease)::bigint,
           sum(g.no_outcome)::bigint, sum(g.decision_within_4_weeks)::bigint, sum(g.decision_after_4_weeks)::bigint,
           sum(g.phase_transfers_due)::bigint, sum(g.phase_transfer_final_by_due)::bigint,
           sum(g.phase_transfer_final_late)::bigint, sum(g.phase_transfer_final_not_issued)::bigint
      FROM g GROUP BY g.collection_year
)
SELECT t.level, t.return_id, t.la_code, t.collection_year,
       t.total_ehc_plans,
       t.review_expected, round(100.0 * t.review_expected / nullif(t.total_ehc_plans, 0), 1) AS review_expected_pc,
       t.review_not_expected, round(100.0 * t.review_not_expected / nullif(t.total_ehc_plans, 0), 1) AS review_not_expected_pc,
       t.total_review_meeting, round(100.0 * t.total_review_meeting / nullif(t.review_expected, 0), 1) AS total_review_meeting_pc,
       t.review_meeting_in_period, t.review_meeting_before_period, t.review_meeting_after_period,
       t.no_review_meeting, round(100.0 * t.no_review_meeting / nullif(t.review_expected, 0), 1) AS no_review_meeting_pc,
       t.review_decision_in_period, t.review_decision_before_period, t.review_decision_after_period,
       t.review_decision_not_due, t.review_decision_outstanding,
       t.outcome_amend, t.outcome_maintain, t.outcome_cease, t.no_outcome,
       t.decision_within_4_weeks, t.decision_after_4_weeks,
       round(100.0 * t.decision_within_4_weeks / nullif(t.decision_within_4_weeks + t.decision_after_4_weeks, 0), 1) AS decision_within_4_weeks_pc,
       t.phase_transfers_due, t.phase_transfer_final_by_due, t.phase_transfer_final_late, t.phase_transfer_final_not_issued,
       round(100.0 * t.phase_transfer_final_by_due / nullif(t.phase_transfers_due, 0), 1) AS phase_transfer_final_by_due_pc
  FROM t
$sql$, sen2.stat_facts_source(), sen2.stat_settings_inline());
END
$fn$;
COMMENT ON FUNCTION sen2.stat_annual_reviews_rows() IS
  'The rows of the view sen2.stat_annual_reviews (see there).';
CREATE VIEW sen2.stat_annual_reviews WITH (security_invoker = true) AS SELECT * FROM sen2.stat_annual_reviews_rows();
COMMENT ON VIEW sen2.stat_annual_reviews IS
  'DfE annual_reviews.csv: plans active on census day (total_ehc_plans); review expected = started at least review_expected_months (12) before census; of those, latest ReviewMeeting in the calendar year (in_period), before it, or between 1 January and census day (after_period: the DfE''s review_meeting_25 for 2025), or none; for those with a meeting, the LastReview decision in the same periods, not yet due (no decision, meeting within review_decision_days of census), outstanding (no decision, meeting longer ago), ReviewOutcome amend/maintain/cease/none, and decision within 4 weeks (LastReview - ReviewMeeting <= review_decision_days) or later. Dates after census day count as not recorded. Phase transfers (2026): plans with PhaseTransferDueDate in the calendar year, final plan issued by the due date, later, or not yet.';

-- ---------------------------------------------------------------------------
-- personal_budgets.csv, residential_settings.csv, work_based_placements.csv
-- ---------------------------------------------------------------------------
CREATE FUNCTION sen2.stat_personal_budgets_rows()
RETURNS TABLE (level text, return_id bigint, la_code text, collection_year int, breakdown_topic text, breakdown text, breakdown_order int, total_ehc_plans bigint, personal_budget bigint, personal_budget_pc numeric, org_arrangements bigint, pb_education bigint, pb_health bigint, pb_social bigint, pb_integrated bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'
SET jit = off
SET parallel_setup_cost = 100
SET parallel_tuple_cost = 0
AS $fn$
BEGIN
    RETURN QUERY EXECUTE format($sql$
-- counted per return and raw placement first, the breakdowns summed from
-- those few rows (see sen2.stat_caseload_rows)
WITH counted AS MATERIALIZED (
    SELECT p.return_id, p.census_placement,
           count(*) AS total_ehc_plans,
           count(*) FILTER (WHERE p.pb = '1') AS personal_budget,
           count(*) FILTER (WHERE p.pb = '1' AND p.oa = '1') AS org_arrangements,
           count(*) FILTER (WHERE p.pb = '1' AND p.dp = 'E') AS pb_education,
           count(*) FILTER (WHERE p.pb = '1' AND p.dp = 'H') AS pb_health,
           count(*) FILTER (WHERE p.pb = '1' AND p.dp = 'S') AS pb_social,
           count(*) FILTER (WHERE p.pb = '1' AND p.dp = 'I') AS pb_integrated
      FROM %1$s p
     WHERE p.active_on_census
     GROUP BY 1, 2
), g AS MATERIALIZED (
    SELECT k.return_id, rt.la_code, rt.collection_year, x.breakdown_topic, x.breakdown, x.breakdown_order,
           sum(k.total_ehc_plans::int) AS total_ehc_plans, sum(k.personal_budget::int) AS personal_budget,
           sum(k.org_arrangements::int) AS org_arrangements, sum(k.pb_education::int) AS pb_education,
           sum(k.pb_health::int) AS pb_health, sum(k.pb_social::int) AS pb_social,
           sum(k.pb_integrated::int) AS pb_integrated
      FROM counted k
      JOIN sen2.return rt ON rt.return_id = k.return_id
      JOIN sen2.placement_category c ON c.category = k.census_placement
     CROSS JOIN LATERAL (VALUES ('Total', 'Total', NULL::int),
                                ('Placement group', c.placement_group, c.group_order)) x(breakdown_topic, breakdown, breakdown_order)
     GROUP BY 1, 2, 3, 4, 5, 6
), t AS (
    SELECT 'return'::text AS level, g.* FROM g
    UNION ALL
    SELECT 'total', NULL, NULL, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
           sum(g.total_ehc_plans)::bigint, sum(g.personal_budget)::bigint, sum(g.org_arrangements)::bigint,
           sum(g.pb_education)::bigint, sum(g.pb_health)::bigint, sum(g.pb_social)::bigint, sum(g.pb_integrated)::bigint
      FROM g GROUP BY g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order
)
SELECT t.level, t.return_id, t.la_code, t.collection_year, t.breakdown_topic, t.breakdown, t.breakdown_order,
       t.total_ehc_plans, t.personal_budget,
       round(100.0 * t.personal_budget / nullif(t.total_ehc_plans, 0), 1) AS personal_budget_pc,
       t.org_arrangements, t.pb_education, t.pb_health, t.pb_social, t.pb_integrated
  FROM t
$sql$, sen2.stat_facts_source());
END
$fn$;
COMMENT ON FUNCTION sen2.stat_personal_budgets_rows() IS
  'The rows of the view sen2.stat_personal_budgets (see there).';
CREATE VIEW sen2.stat_personal_budgets WITH (security_invoker = true) AS SELECT * FROM sen2.stat_personal_budgets_rows();
COMMENT ON VIEW sen2.stat_personal_budgets IS
  'DfE personal_budgets.csv: plans active on census day with a personal budget (PB = 1), of which organised arrangements (OA = 1) and direct payments by type (DP E education, H health, S social care, I integrated); per return and in total, by census-day placement group.';

CREATE FUNCTION sen2.stat_residential_rows()
RETURNS TABLE (level text, return_id bigint, la_code text, collection_year int, breakdown_topic text, breakdown text, breakdown_order int, total_ehc_plans bigint, res_a bigint, res_b bigint, res_total bigint, plan_res_a bigint, plan_res_b bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'
SET jit = off
SET parallel_setup_cost = 100
SET parallel_tuple_cost = 0
AS $fn$
BEGIN
    RETURN QUERY EXECUTE format($sql$
-- counted per return and raw placement first (see sen2.stat_caseload_rows)
WITH counted AS MATERIALIZED (
    SELECT p.return_id, p.census_placement,
           count(*) AS total_ehc_plans,
           count(*) FILTER (WHERE p.census_res = 'A') AS res_a,
           count(*) FILTER (WHERE p.census_res = 'B') AS res_b,
           count(*) FILTER (WHERE p.census_res IN ('A', 'B')) AS res_total,
           count(*) FILTER (WHERE p.plan_res = 'A') AS plan_res_a,
           count(*) FILTER (WHERE p.plan_res = 'B') AS plan_res_b
      FROM %1$s p
     WHERE p.active_on_census
     GROUP BY 1, 2
), g AS MATERIALIZED (
    SELECT k.return_id, rt.la_code, rt.collection_year, x.breakdown_topic, x.breakdown, x.breakdown_order,
           sum(k.total_ehc_plans::int) AS total_ehc_plans, sum(k.res_a::int) AS res_a,
           sum(k.res_b::int) AS res_b, sum(k.res_total::int) AS res_total,
           sum(k.plan_res_a::int) AS plan_res_a, sum(k.plan_res_b::int) AS plan_res_b
      FROM counted k
      JOIN sen2.return rt ON rt.return_id = k.return_id
      JOIN sen2.placement_category c ON c.category = k.census_placement
     CROSS JOIN LATERAL (VALUES ('Total', 'Total', NULL::int),
                                ('Placement group', c.placement_group, c.group_order)) x(breakdown_topic, breakdown, breakdown_order)
     GROUP BY 1, 2, 3, 4, 5, 6
)
SELECT 'return'::text AS level, g.* FROM g
UNION ALL
SELECT 'total', NULL, NULL, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
       sum(g.total_ehc_plans)::bigint, sum(g.res_a)::bigint, sum(g.res_b)::bigint, sum(g.res_total)::bigint,
       sum(g.plan_res_a)::bigint, sum(g.plan_res_b)::bigint
  FROM g GROUP BY g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order
$sql$, sen2.stat_facts_source());
END
$fn$;
COMMENT ON FUNCTION sen2.stat_residential_rows() IS
  'The rows of the view sen2.stat_residential (see there).';
CREATE VIEW sen2.stat_residential WITH (security_invoker = true) AS SELECT * FROM sen2.stat_residential_rows();
COMMENT ON VIEW sen2.stat_residential IS
  'DfE residential_settings.csv: plans active on census day whose census-day placement is residential (Res; 2023 returns: Res under ActivePlans): res_a and res_b by code (meaning per year in sen2.code, code_set residential: 38-51 and 52 weeks up to 2025, possibly redefined from 2026) and res_total; plan_res_a/b count the residential placement named in the plan (PlanRes). Per return and in total, by census-day placement group.';

CREATE FUNCTION sen2.stat_work_based_rows()
RETURNS TABLE (level text, return_id bigint, la_code text, collection_year int, total_ehc_plans bigint, open_wbp bigint, open_supp_intern bigint, open_apprentice bigint, open_trainee bigint, wbp_in_period bigint, supp_intern_in_period bigint, apprentice_in_period bigint, trainee_in_period bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'
SET jit = off
SET parallel_setup_cost = 100
SET parallel_tuple_cost = 0
AS $fn$
BEGIN
    RETURN QUERY EXECUTE format($sql$
-- grouped by return alone, its LA and year looked up after (see
-- sen2.stat_caseload_rows)
WITH counted AS MATERIALIZED (
    SELECT p.return_id,
           count(*) FILTER (WHERE p.active_on_census) AS total_ehc_plans,
           count(*) FILTER (WHERE p.active_on_census AND p.census_wbp IN ('S', 'A', 'T')) AS open_wbp,
           count(*) FILTER (WHERE p.active_on_census AND p.census_wbp = 'S') AS open_supp_intern,
           count(*) FILTER (WHERE p.active_on_census AND p.census_wbp = 'A') AS open_apprentice,
           count(*) FILTER (WHERE p.active_on_census AND p.census_wbp = 'T') AS open_trainee,
           count(*) FILTER (WHERE p.wbp_in_period IS NOT NULL) AS wbp_in_period,
           count(*) FILTER (WHERE p.wbp_in_period = 'S') AS supp_intern_in_period,
           count(*) FILTER (WHERE p.wbp_in_period = 'A') AS apprentice_in_period,
           count(*) FILTER (WHERE p.wbp_in_period = 'T') AS trainee_in_period
      FROM %1$s p
     WHERE p.named_plan_id IS NOT NULL AND (p.active_on_census OR p.wbp_in_period IS NOT NULL)
     GROUP BY 1
), g AS MATERIALIZED (
    SELECT k.return_id, rt.la_code, rt.collection_year, k.total_ehc_plans, k.open_wbp, k.open_supp_intern,
           k.open_apprentice, k.open_trainee, k.wbp_in_period, k.supp_intern_in_period, k.apprentice_in_period,
           k.trainee_in_period
      FROM counted k JOIN sen2.return rt ON rt.return_id = k.return_id
)
SELECT 'return'::text AS level, g.* FROM g
UNION ALL
SELECT 'total', NULL, NULL, g.collection_year,
       sum(g.total_ehc_plans)::bigint, sum(g.open_wbp)::bigint, sum(g.open_supp_intern)::bigint,
       sum(g.open_apprentice)::bigint, sum(g.open_trainee)::bigint, sum(g.wbp_in_period)::bigint,
       sum(g.supp_intern_in_period)::bigint, sum(g.apprentice_in_period)::bigint, sum(g.trainee_in_period)::bigint
  FROM g GROUP BY g.collection_year
$sql$, sen2.stat_facts_source());
END
$fn$;
COMMENT ON FUNCTION sen2.stat_work_based_rows() IS
  'The rows of the view sen2.stat_work_based (see there).';
CREATE VIEW sen2.stat_work_based WITH (security_invoker = true) AS SELECT * FROM sen2.stat_work_based_rows();
COMMENT ON VIEW sen2.stat_work_based IS
  'DfE work_based_placements.csv: plans active on census day whose census-day placement is work-based (WBP S supported internship, A apprenticeship, T traineeship; 2023 returns: WBP under ActivePlans), and plans with a work-based placement at any time in the calendar year (by the type of the latest such placement). Per return and in total.';

-- ---------------------------------------------------------------------------
-- ceased_plans.csv: plans that ceased in the year
-- ---------------------------------------------------------------------------
CREATE FUNCTION sen2.stat_ceased_rows()
RETURNS TABLE (level text, return_id bigint, la_code text, collection_year int, breakdown_topic text, breakdown text, breakdown_order int, total_ceased bigint, max_age bigint, needs_met bigint, he bigint, employ bigint, transfer bigint, no_engage bigint, moved_outside_eng bigint, deceased bigint, other bigint, not_recorded bigint, transfer_pc numeric, no_engage_pc numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'
SET jit = off
SET parallel_setup_cost = 100
SET parallel_tuple_cost = 0
AS $fn$
BEGIN
    RETURN QUERY EXECUTE format($sql$
-- in one pass: few plans cease in a year and their breakdowns hardly
-- repeat, so counting per raw value first (as the other views do) was slower
WITH g AS MATERIALIZED (
    SELECT p.return_id, p.la_code, p.collection_year, x.breakdown_topic, x.breakdown, x.breakdown_order,
           count(*) AS total_ceased,
           count(*) FILTER (WHERE rc.code = '1') AS max_age,
           count(*) FILTER (WHERE rc.code = '2') AS needs_met,
           count(*) FILTER (WHERE rc.code = '3') AS he,
           count(*) FILTER (WHERE rc.code = '4') AS employ,
           count(*) FILTER (WHERE rc.code = '5') AS transfer,
           count(*) FILTER (WHERE rc.code = '6') AS no_engage,
           count(*) FILTER (WHERE rc.code = '7') AS moved_outside_eng,
           count(*) FILTER (WHERE rc.code = '8') AS deceased,
           count(*) FILTER (WHERE rc.code = '9') AS other,
           count(*) FILTER (WHERE rc.code IS NULL) AS not_recorded
      FROM %1$s p
      JOIN sen2.placement_category c ON c.category = p.last_placement
      LEFT JOIN (SELECT k.collection_year, k.code FROM sen2.code k WHERE k.code_set = 'cease_reason'
                  GROUP BY 1, 2) rc ON rc.collection_year = p.collection_year AND rc.code = p.cease_reason
     CROSS JOIN LATERAL (VALUES
           ('Total', 'Total', NULL::int),
           ('Age band when plan ceased', %2$s),
           ('Sex', p.sex, NULL),
           ('Years EHC plan held',
            CASE WHEN p.years_held IS NULL THEN 'Unknown' WHEN p.years_held = 0 THEN 'Less than a year'
                 WHEN p.years_held >= 12 THEN '12 or more' ELSE p.years_held::text END,
            CASE WHEN p.years_held IS NULL THEN 99 ELSE least(p.years_held, 12) END),
           ('Last placement group', c.placement_group, c.group_order)) x(breakdown_topic, breakdown, breakdown_order)
     WHERE p.ceased_in_period
     GROUP BY 1, 2, 3, 4, 5, 6
), t AS (
    SELECT 'return'::text AS level, g.* FROM g
    UNION ALL
    SELECT 'total', NULL, NULL, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
           sum(g.total_ceased)::bigint, sum(g.max_age)::bigint, sum(g.needs_met)::bigint, sum(g.he)::bigint,
           sum(g.employ)::bigint, sum(g.transfer)::bigint, sum(g.no_engage)::bigint, sum(g.moved_outside_eng)::bigint,
           sum(g.deceased)::bigint, sum(g.other)::bigint, sum(g.not_recorded)::bigint
      FROM g GROUP BY g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order
)
SELECT t.level, t.return_id, t.la_code, t.collection_year, t.breakdown_topic, t.breakdown, t.breakdown_order,
       t.total_ceased, t.max_age, t.needs_met, t.he, t.employ, t.transfer, t.no_engage,
       t.moved_outside_eng, t.deceased, t.other, t.not_recorded,
       round(100.0 * t.transfer / nullif(t.total_ceased, 0), 1) AS transfer_pc,
       round(100.0 * t.no_engage / nullif(t.total_ceased, 0), 1) AS no_engage_pc
  FROM t
$sql$, sen2.stat_facts_source(),
       sen2.stat_age_band_sql('p.age_at_cease'));
END
$fn$;
COMMENT ON FUNCTION sen2.stat_ceased_rows() IS
  'The rows of the view sen2.stat_ceased (see there).';
CREATE VIEW sen2.stat_ceased WITH (security_invoker = true) AS SELECT * FROM sen2.stat_ceased_rows();
COMMENT ON VIEW sen2.stat_ceased IS
  'DfE ceased_plans.csv: plans whose CeaseDate is in the calendar year, by CeaseReason (1 max_age, 2 needs_met, 3 he, 4 employ, 5 transfer, 6 no_engage, 7 moved_outside_eng, 8 deceased, 9 other; missing or invalid: not_recorded), per return and in total, by Age band when the plan ceased (age on CeaseDate), Sex, Years EHC plan held (completed years from StartDate to CeaseDate) and Last placement group (latest placement entered on or before CeaseDate).';

-- ---------------------------------------------------------------------------
-- sen2_dmo_dco.csv: designated officers on census day
-- ---------------------------------------------------------------------------
CREATE VIEW sen2.stat_designated_officers WITH (security_invoker = true) AS
WITH f AS (
    SELECT r.return_id, r.la_code, r.collection_year, o.officer, o.officer_order,
           CASE o.value WHEN 'Y' THEN 'Yes' WHEN 'N' THEN 'No' WHEN 'R' THEN 'Recruiting' ELSE 'Not returned' END AS answer,
           CASE o.value WHEN 'Y' THEN 1 WHEN 'N' THEN 2 WHEN 'R' THEN 3 ELSE 4 END AS answer_order
      FROM sen2.return r
     CROSS JOIN LATERAL (VALUES ('DMO', 1, r.dmo), ('DCO', 2, r.dco), ('DSCO', 3, r.dsco)) o(officer, officer_order, value)
), t AS (
    SELECT 'return'::text AS level, f.return_id, f.la_code, f.collection_year, f.officer, f.officer_order,
           f.answer, f.answer_order, 1::bigint AS returns
      FROM f
    UNION ALL
    SELECT 'total', NULL, NULL, f.collection_year, f.officer, f.officer_order, f.answer, f.answer_order, count(*)
      FROM f GROUP BY f.collection_year, f.officer, f.officer_order, f.answer, f.answer_order
)
SELECT t.level, t.return_id, t.la_code, t.collection_year, t.officer, t.officer_order, t.answer, t.answer_order,
       t.returns,
       round(100.0 * t.returns / sum(t.returns) OVER (PARTITION BY t.level, t.return_id, t.collection_year, t.officer), 1) AS percent
  FROM t;
COMMENT ON VIEW sen2.stat_designated_officers IS
  'DfE sen2_dmo_dco.csv: whether a Designated Medical Officer (DMO), Designated Clinical Officer (DCO) and Designated Social Care Officer (DSCO, 2025+) was in place on census day: Yes (Y), No (N), Recruiting (R), Not returned (missing or invalid). One row per return and officer; total rows count the returns giving each answer.';
