-- National-shares sanity check of the statistics views: an England-shaped
-- synthetic return (20,000 persons, seed 7) read through the published views
-- must come out close to the DfE 2025 release (national-figures.md: caseload
-- January 2025, flows in calendar 2024).  Each row shows the view's share,
-- the national figure and whether it is within the stated tolerance, so the
-- test fails if a view or the generator drifts.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
SET jit = off;

SELECT sen2.synthesize('886', 2025, 20000, 7) AS rid \gset
ANALYZE sen2.person, sen2.request, sen2.assessment, sen2.named_plan, sen2.plan_detail,
        sen2.active_plans, sen2.placement_detail, sen2.sen_need;

-- Placement types come from the establishment register.  The generator
-- numbers its schools in fixed URN ranges per establishment type (see
-- ptypes in src/synth.c); register exactly the URNs the return uses, under
-- the GIAS type of their range, and remember them to delete them afterwards.
CREATE TEMP TABLE nat_urn AS
SELECT u.urn,
       CASE WHEN u.n < 130000 THEN 'Community school'
            WHEN u.n < 131000 THEN 'Further education'
            WHEN u.n < 156000 THEN 'Academy converter'
            WHEN u.n < 158000 THEN 'Free schools'
            WHEN u.n < 160000 THEN 'Other independent school'
            WHEN u.n < 162000 THEN 'Community special school'
            WHEN u.n < 164000 THEN 'Academy special converter'
            WHEN u.n < 166000 THEN 'Other independent special school'
            WHEN u.n < 167000 THEN 'Non-maintained special school'
            WHEN u.n < 168000 THEN 'Pupil referral unit'
            ELSE 'Special post 16 institution' END AS type_name
  FROM (SELECT urn, urn::int AS n FROM sen2.placement_detail WHERE return_id = :rid AND urn ~ '^[0-9]{6}$'
        UNION
        SELECT urn, urn::int FROM sen2.plan_detail WHERE return_id = :rid AND urn ~ '^[0-9]{6}$') u
 WHERE NOT EXISTS (SELECT 1 FROM sen2.establishment e WHERE e.urn = u.urn);
INSERT INTO sen2.establishment (urn, establishment_name, la_code, type_of_establishment, establishment_status)
SELECT urn, 'Synthetic ' || urn, '886', type_name, 'Open' FROM nat_urn;
SELECT count(*) > 500 AS register_filled FROM nat_urn;

-- each view read once
CREATE TEMP TABLE nat_caseload AS SELECT * FROM sen2.stat_caseload WHERE level = 'return' AND return_id = :rid;
CREATE TEMP TABLE nat_new_plans AS SELECT * FROM sen2.stat_new_plans WHERE level = 'return' AND return_id = :rid AND breakdown_topic = 'Sex';
CREATE TEMP TABLE nat_requests AS SELECT * FROM sen2.stat_requests WHERE level = 'return' AND return_id = :rid AND breakdown_topic = 'Total';
CREATE TEMP TABLE nat_assessments AS SELECT * FROM sen2.stat_assessments WHERE level = 'return' AND return_id = :rid AND breakdown_topic = 'Total';
-- counting only the assessments decided in the year
SET sen2.assessment_year_basis = 'decided_in_year';
CREATE TEMP TABLE nat_assessments_decided AS SELECT * FROM sen2.stat_assessments WHERE level = 'return' AND return_id = :rid AND breakdown_topic = 'Total';
RESET sen2.assessment_year_basis;
CREATE TEMP TABLE nat_timeliness AS SELECT * FROM sen2.stat_timeliness WHERE level = 'return' AND return_id = :rid AND breakdown_topic = 'Total';
CREATE TEMP TABLE nat_ceased AS SELECT * FROM sen2.stat_ceased WHERE level = 'return' AND return_id = :rid AND breakdown_topic = 'Total';

-- measure, the view's share (%), the national share (%), the tolerance (points)
CREATE TEMP TABLE nat (ord int, measure text, share numeric, national numeric, tolerance numeric);
INSERT INTO nat
SELECT 1, 'caseload: male', percent, 70.6, 2 FROM nat_caseload WHERE breakdown_topic = 'Sex' AND breakdown = 'Male'
UNION ALL
SELECT 2, 'caseload: primary need ASD', percent, 31.5, 2 FROM nat_caseload WHERE breakdown_topic = 'Primary need' AND breakdown = 'Autistic spectrum disorder'
UNION ALL
SELECT 3, 'caseload: primary need SLCN', percent, 21.3, 2 FROM nat_caseload WHERE breakdown_topic = 'Primary need' AND breakdown = 'Speech, language and communication needs'
UNION ALL
SELECT 4, 'caseload: primary need SEMH', percent, 20.7, 2 FROM nat_caseload WHERE breakdown_topic = 'Primary need' AND breakdown = 'Social, emotional and mental health'
UNION ALL
SELECT 5, 'caseload: mainstream placement', percent, 43.6, 3 FROM nat_caseload WHERE breakdown_topic = 'Placement group' AND breakdown = 'Mainstream'
UNION ALL
SELECT 6, 'caseload: special placement', percent, 30.4, 3 FROM nat_caseload WHERE breakdown_topic = 'Placement group' AND breakdown = 'Special'
UNION ALL
SELECT 7, 'caseload: age 11 to 15', percent, 36.5, 3 FROM nat_caseload WHERE breakdown_topic = 'Age band' AND breakdown = '11 to 15'
UNION ALL
SELECT 8, 'new plans: male', percent, 66.7, 3 FROM nat_new_plans WHERE breakdown = 'Male'
UNION ALL
SELECT 9, 'requests: decided to assess', decided_to_assess_pc, 65.4, 4 FROM nat_requests
UNION ALL
SELECT 10, 'requests: decided within 6 weeks', decided_within_6_weeks_pc, 84.8, 4 FROM nat_requests
UNION ALL
-- issued out of decided (Y / (Y + N)): 98,547 / (98,547 + 6,404)
SELECT 11, 'assessments: issued of decided', issued_of_decided_pc, 93.9, 3 FROM nat_assessments
UNION ALL
-- assessments in the year, when only those decided in it count: 93.6
SELECT 15, 'assessments: issued (decided in year)', assess_issued_pc, 93.6, 3 FROM nat_assessments_decided
UNION ALL
-- 45.9 in CY2024, 49.1 in CY2023: the band is 44 to 52
SELECT 12, 'timeliness: within 20 weeks', pc_plans_issued_within_20_weeks, 48, 4 FROM nat_timeliness
UNION ALL
SELECT 13, 'ceased: transferred to another LA', transfer_pc, 31.1, 4 FROM nat_ceased
UNION ALL
SELECT 14, 'ceased: no longer engaging', no_engage_pc, 35.9, 4 FROM nat_ceased;

-- every measure present exactly once
SELECT count(*) AS measures, count(DISTINCT ord) AS distinct_measures, count(share) AS with_share FROM nat;

SELECT measure, round(share, 1) AS share, national, tolerance,
       abs(share - national) < tolerance AS ok
  FROM nat ORDER BY ord;

SELECT bool_and(abs(share - national) < tolerance) AS all_ok FROM nat;

DELETE FROM sen2.establishment e USING nat_urn u WHERE e.urn = u.urn;
DELETE FROM sen2.return WHERE return_id = :rid;
-- leave planner statistics for the emptied tables, not for 20,000 persons:
-- later tests' plans (and the order rows reach an aggregate) depend on them
ANALYZE sen2.person, sen2.request, sen2.assessment, sen2.named_plan, sen2.plan_detail,
        sen2.active_plans, sen2.placement_detail, sen2.sen_need, sen2.establishment, sen2.return;
DROP TABLE nat, nat_urn, nat_caseload, nat_new_plans, nat_requests, nat_assessments, nat_assessments_decided, nat_timeliness, nat_ceased;
RESET jit;
