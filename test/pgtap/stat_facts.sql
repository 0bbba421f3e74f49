-- sen2.stat_case (computed in C by sen2.stat_case_rows) gives, row for row
-- and column for column, what the SQL it replaced gives
-- (test/sql/stat_case_reference.sql): on the hand-made statistics fixture,
-- on synthetic returns with planted defects (invalid dates and codes,
-- missing items) in three collection years, and under every statistics
-- parameter that changes a fact.
BEGIN;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS sen2;
SELECT plan(18);

\set csv `cat test/fixtures/establishments_sample.csv`
SELECT sen2.load_establishments(:'csv') AS loaded \gset
\set ECHO none
\i test/fixtures/stats_fixture.sql
\ir ../sql/stat_case_reference.sql
\set ECHO all
SELECT sen2.synthesize('886', 2026, 900, 7, 0.2) IS NOT NULL AS s1 \gset
SELECT sen2.synthesize('201', 2025, 500, 8, 0.3) IS NOT NULL AS s2 \gset
-- ids far beyond the others (as after years of loads): looked up by hash
SELECT count(setval(pg_get_serial_sequence('sen2.' || t, t || '_id'), 5000000000))
  FROM unnest(ARRAY['person', 'request', 'assessment', 'named_plan', 'plan_detail', 'active_plans',
                    'placement_detail', 'sen_need']) t \gset
SELECT sen2.synthesize('202', 2024, 300, 9, 0) IS NOT NULL AS s3 \gset
-- plans whose placements tie on rank and entry date (the lowest id wins),
-- each placement in a different setting
UPDATE sen2.placement_detail x
   SET entry_date = '2024-09-01', placement_rank = '1', leaving_date = NULL,
       urn = NULL, ukprn = NULL, sen_setting = CASE WHEN x.placement_detail_id % 2 = 0 THEN 'OTH' ELSE 'EHE' END
 WHERE x.active_plans_id IN (SELECT active_plans_id FROM sen2.placement_detail
                              GROUP BY active_plans_id HAVING count(*) > 1 ORDER BY active_plans_id LIMIT 40);
-- settings of every kind the classification tells apart: URNs in the
-- register (some padded with spaces), SEN unit and resourced-provision
-- flags, UKPRNs in the register or not, else the SENsetting code
CREATE TEMP TABLE reg AS SELECT row_number() OVER (ORDER BY urn) AS n, urn, ukprn FROM sen2.establishment;
UPDATE sen2.placement_detail x
   SET urn = CASE x.placement_detail_id % 6 WHEN 0 THEN e.urn WHEN 1 THEN ' ' || e.urn || ' '
                                            WHEN 2 THEN NULL WHEN 3 THEN '' ELSE x.urn END,
       ukprn = CASE x.placement_detail_id % 6 WHEN 2 THEN coalesce(e.ukprn, '10000001') WHEN 3 THEN '10999999'
                                              ELSE x.ukprn END,
       sen_unit_indicator = CASE WHEN x.placement_detail_id % 4 = 0 THEN '1' ELSE x.sen_unit_indicator END,
       resourced_provision_indicator = CASE WHEN x.placement_detail_id % 5 = 0 THEN '1' ELSE x.resourced_provision_indicator END
  FROM reg e WHERE e.n = x.placement_detail_id % (SELECT count(*) FROM reg) + 1 AND x.placement_detail_id % 7 <> 0;
UPDATE sen2.plan_detail x
   SET urn = CASE x.plan_detail_id % 5 WHEN 0 THEN e.urn WHEN 1 THEN NULL ELSE x.urn END,
       ukprn = CASE x.plan_detail_id % 5 WHEN 1 THEN e.ukprn ELSE x.ukprn END,
       sen_unit_indicator = CASE WHEN x.plan_detail_id % 3 = 0 THEN '1' ELSE x.sen_unit_indicator END
  FROM reg e WHERE e.n = x.plan_detail_id % (SELECT count(*) FROM reg) + 1;
ANALYZE sen2.return, sen2.person, sen2.request, sen2.assessment, sen2.named_plan, sen2.plan_detail,
        sen2.active_plans, sen2.placement_detail, sen2.sen_need, sen2.establishment;

-- rows that differ in any column, or that only one side has (one row per
-- request on both sides)
CREATE FUNCTION pg_temp.differ() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM sen2.stat_case a FULL JOIN stat_case_reference b ON b.request_id = a.request_id
   WHERE ROW(a.*) IS DISTINCT FROM ROW(b.*)
$$;

SELECT cmp_ok((SELECT count(*) FROM sen2.stat_case), '>', 1500::bigint, 'the facts cover the fixture and three synthetic returns');
SELECT is((SELECT count(*) FROM sen2.stat_case), (SELECT count(*) FROM sen2.request), 'one row per request');
SELECT cmp_ok((SELECT count(*) FROM sen2.stat_case WHERE request_id > 5000000000 AND census_placement <> 'placement_unknown'),
              '>', 100::bigint, 'requests with far-apart ids are joined to their plans and placements');
SELECT is(pg_temp.differ(), 0::bigint, 'the same facts as the SQL, default parameters');
SELECT cmp_ok((SELECT count(DISTINCT census_placement) FROM sen2.stat_case), '>', 8::bigint,
              'several placement categories are exercised');
SELECT is((SELECT count(DISTINCT census_placement) FROM sen2.stat_case
            WHERE census_placement IN ('urn_not_in_register', 'ukrlp_provider', 'placement_unknown')), 3::bigint,
          'settings outside the register are exercised');
SELECT cmp_ok((SELECT count(*) FROM sen2.stat_case WHERE start_placement_source = 'named in plan'), '>', 0::bigint,
              'plans placed by the setting named in the plan are exercised');
SELECT cmp_ok((SELECT count(DISTINCT census_placement) FROM sen2.stat_case f
                JOIN sen2.placement_detail x ON x.active_plans_id = f.active_plans_id
               WHERE x.entry_date = '2024-09-01' AND x.leaving_date IS NULL), '>', 1::bigint,
              'tied placements in different settings are exercised');

SET LOCAL sen2.active_on_cease_date = 'true';
SELECT is(pg_temp.differ(), 0::bigint, 'the same with active_on_cease_date');
SET LOCAL sen2.new_plans_exclude_transfers = 'false';
SELECT is(pg_temp.differ(), 0::bigint, 'the same with new_plans_exclude_transfers off');
SET LOCAL sen2.down_syndrome_as_other = 'false';
SELECT is(pg_temp.differ(), 0::bigint, 'the same with down_syndrome_as_other off');
SET LOCAL sen2.caseload_age_basis = 'august_31';
SELECT is(pg_temp.differ(), 0::bigint, 'the same with caseload_age_basis august_31');
SET LOCAL sen2.years_in_place_basis = 'completed_years';
SELECT is(pg_temp.differ(), 0::bigint, 'the same with years_in_place_basis completed_years');
SET LOCAL sen2.assessment_year_basis = 'request_date';
SELECT is(pg_temp.differ(), 0::bigint, 'the same with assessment_year_basis request_date');
SET LOCAL sen2.assessment_year_basis = 'decided_in_year';
SELECT is(pg_temp.differ(), 0::bigint, 'the same with assessment_year_basis decided_in_year');
SET LOCAL sen2.review_expected_months = '6';
SET LOCAL sen2.compulsory_school_age_min = '4';
SET LOCAL sen2.compulsory_school_age_max = '16';
SELECT is(pg_temp.differ(), 0::bigint, 'the same with other review and school-age parameters');

-- a reader who may see only some returns gets only their facts, as before
CREATE ROLE stat_facts_reader;
GRANT sen2_reader TO stat_facts_reader;
GRANT SELECT ON stat_case_reference, stat_plan_dates_reference TO stat_facts_reader;
INSERT INTO sen2.la_access (role_name, la_code) VALUES ('stat_facts_reader', '886');
SET LOCAL ROLE stat_facts_reader;
SELECT is((SELECT array_agg(DISTINCT la_code) FROM sen2.stat_case), ARRAY['886'], 'row-level security: only the visible LA');
SELECT is(pg_temp.differ(), 0::bigint, 'and the same facts as the SQL for that reader');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
