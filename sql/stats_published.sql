-- Statistics: the DfE's published tables reproduced on a small fixture
-- (test/fixtures/stats_fixture.sql explains every person).  The expected
-- figures are worked out by hand in the comments before each query.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
-- error messages are shown without their (line-number-laden) context
\set SHOW_CONTEXT never
SET datestyle = 'ISO, YMD';
BEGIN;
\set csv `cat test/fixtures/establishments_sample.csv`
SELECT sen2.load_establishments(:'csv') AS loaded;
\set ECHO none
\i test/fixtures/stats_fixture.sql
\set ECHO all

-- The facts behind every table, one row per plan of LA 886 in 2026.
-- Active on census day (2026-01-15): P1-P8, P12, P22 (P9, P10 ceased in
-- 2025; P11 ceased on census day itself; P13's StartDate is invalid).
-- New in 2025: P3-P7, P22 (P8 transferred in).  Ceased in 2025: P9, P10.
SELECT p.source_id AS person, f.start_date, f.cease_date, f.active_on_census, f.new_in_period, f.ceased_in_period,
       f.review_expected, f.age_at_census, f.age_at_start, f.age_at_cease, f.years_in_place, f.years_held,
       f.primary_need_code, f.census_placement, f.start_placement, f.start_placement_source, f.last_placement,
       f.census_res, f.census_wbp, f.wbp_in_period
  FROM sen2.stat_plan f JOIN sen2.person p ON p.person_id = f.person_id
 WHERE f.la_code = '886' AND f.collection_year = 2026
 ORDER BY p.seq;

-- caseload.csv.  LA 886 (10 plans):
--   Age on census day: 5 (P3, P22), 7, 9, 12, 13, 15, 18, 21, unknown (P12: invalid birth date)
--   Age bands: 5-10: 4, 11-15: 3, 16-19: 1, 20-25: 1, unknown: 1
--   Age when started: under 5 (P22), 5-10 (P1 7, P2 5, P3 5, P7 8), 11-15 (P4 14, P8 11), 16-19, 20-25, unknown
--   Sex: female 5, male 4, unknown 1 (P12: 'X')
--   Ethnicity: White British 4, five others once, Not recorded 1 (P12: WENG is not a main code)
--   Primary need: ten different (DS counts as OTH; P12 has only a rank-2 need: Not recorded)
--   Placement: one each; groups mainstream 3, special 2, FE 2 (FE college by UKPRN, UKRLP),
--     educated elsewhere 1 (EHE), early years 1, not recorded 1 (P12's placement ended in July)
--   Years in place (census year - start year): 1 for the seven 2025 starts, 2 (P2), 4 (P12), 7 (P1)
-- LA 201 (5 plans): ages 10, 10, 12, 16, 17; placements special academy, NIEO (B2, 17),
--   NIEO of compulsory school age (B3, 11 on 31 August 2025), URN not in the register (B5),
--   establishment type not mapped (B6).  Total 2026: 15 plans.
SELECT level, la_code, breakdown_topic, breakdown, breakdown_order, ehc_plans, percent
  FROM sen2.stat_caseload
 WHERE collection_year = 2026
 ORDER BY level, la_code, breakdown_topic, breakdown_order, breakdown;
-- last year's return: P1, P2, P9, P10, X1 were active on 2025-01-16
SELECT level, la_code, collection_year, breakdown, ehc_plans
  FROM sen2.stat_caseload WHERE collection_year = 2025 AND breakdown_topic = 'Total' ORDER BY level;

-- newplans.csv.  LA 886: P3 (5, attended VA school from the start date), P4 (14,
-- no placement on its start date: the special school named in the plan), P5 (17,
-- FE college), P6 (21, UKRLP provider), P7 (8, EHE), P22 (4, early years).
-- P8 is a transfer in and not counted.  LA 201 has none; LA 886 in 2025 has P2.
SELECT level, la_code, collection_year, breakdown_topic, breakdown, ehc_plans, percent
  FROM sen2.stat_new_plans
 ORDER BY collection_year, level, la_code, breakdown_topic, breakdown_order, breakdown;

-- sen_needs_all_plans.csv / sen_need_newplans.csv, LA 201: ASD 3 (B1, B5, B6), SEMH 2;
-- by age band 5-10: B5, B6 (ASD); 11-15: B3 (SEMH); 16-19: B1 (ASD), B2 (SEMH).
SELECT level, plans, breakdown_topic, breakdown, primary_need, ehc_plans, percent
  FROM sen2.stat_primary_need
 WHERE la_code = '201'
 ORDER BY plans, breakdown_topic, breakdown_order, breakdown, primary_need;
-- LA 886 in 2026, no breakdown: every need once among the 10 plans (10%), new plans 6 (16.7% each)
SELECT plans, primary_need, ehc_plans, percent
  FROM sen2.stat_primary_need
 WHERE la_code = '886' AND collection_year = 2026 AND breakdown_topic = 'Total'
 ORDER BY plans, primary_need;

-- requests.csv.  LA 886 received 12 requests in 2025 (P7's came in 2024, P22's
-- date is invalid): Y 9 (P3-P6, P17-P21), N 1 (P14), A 1 (P15), W 1 (P16).
-- Decided within 6 weeks (<= 42 days): P3 35, P5 38, P14 35, P17 30, P18 36, P19 37,
-- P20 35, P21 33 = 8; later: P4 56, P6 48 = 2 -> 80.0%.  Mediation 1 (P4),
-- tribunal 2 (P4, P6), both 1 (P4).  RYA 1 (P16).
-- Ages on the request date: under 5 P3 (4), P15 (4); 5-10 P14 (6), P16 (10, on the
-- birthday), P19 (7), P21 (8); 11-15 P4 (14), P17 (11), P18 (11), P20 (12); P5 17; P6 21.
-- Sources: parent 6, school 2, health 1, social care 1, other 1, not recorded 1.
-- LA 201: B4, refused after 63 days.  Total: 13, within 8 of 11 = 72.7%.
SELECT level, la_code, breakdown_topic, breakdown, requests_received, requests_rya,
       decided_to_assess, decided_to_assess_pc, decided_not_to_assess, decided_not_to_assess_pc,
       decision_not_made, decision_not_made_pc, withdrawn, withdrawn_pc, outcome_not_recorded,
       decided_within_6_weeks, decided_after_6_weeks, decided_within_6_weeks_pc,
       mediation, mediation_pc, tribunal, tribunal_pc, tribunal_after_mediation
  FROM sen2.stat_requests
 WHERE collection_year = 2026
 ORDER BY level, la_code, breakdown_topic, breakdown_order, breakdown;

-- assessments.csv.  LA 886, assessments of 2025 (decided in 2025, or undecided with
-- the decision to assess in 2025): issued P3, P4, P5, P6, P7, P22 and P20 (decided,
-- not yet issued) = 7; not issued P17, P18 = 2; not made P19; withdrawn P21 -> 11.
-- Issued of decided: 7/9 = 77.8%.  Not issued within 16 weeks (<= 112 days): P17
-- (105); later: P18 (146).  P17 went to assessment mediation and tribunal; P3 to
-- other mediation.
SELECT level, la_code, collection_year, breakdown_topic, breakdown, assess_in_year,
       assess_issued, assess_issued_pc, assess_issue_pending, assess_not_issued, assess_not_issued_pc,
       assess_not_made, assess_not_made_pc, assess_withdrawn, assess_withdrawn_pc, assess_outcome_not_recorded,
       issued_of_decided_pc, not_issued_within_16_weeks, not_issued_after_16_weeks, not_issued_within_16_weeks_pc,
       assess_mediation, assess_tribunal, other_mediation, other_tribunal
  FROM sen2.stat_assessments
 ORDER BY collection_year, level, la_code, breakdown_topic, breakdown_order, breakdown;

-- timeliness_20_week.csv.  LA 886, plans issued in 2025: P3 137 days and P5 140 (within
-- 20 weeks: the boundary is <= 140), P6 141 and P4 203 (20-52 weeks), P7 371 (over 52),
-- P22 (invalid request date: denominator only) -> 6: 2 / 2 / 1.  Average over the five
-- valid: 992 / 5 = 198.4 days = 28.3 weeks.  Excluding exceptions (P4, Week20 = 1): 5:
-- 2 / 1 / 1, average 789 / 4 = 197.25 days = 28.2 weeks.  LA 886 in 2025: P2 in 131 days.
SELECT level, la_code, collection_year, breakdown_topic, breakdown,
       plans_issued_den, plans_issued_within_20_weeks, plans_issued_gt20weeks_ltyear, plans_issued_gt_1_year,
       pc_plans_issued_within_20_weeks, pc_plans_issued_gt20weeks_ltyear, pc_plans_issued_gt_1_year, avg_weeks_to_issue,
       plans_issued_den_ex, plans_issued_within_20_weeks_ex, plans_issued_gt20weeks_ltyear_ex, plans_issued_gt_1_year_ex,
       pc_plans_issued_within_20_weeks_ex, pc_plans_issued_gt20weeks_ltyear_ex, pc_plans_issued_gt_1_year_ex,
       avg_weeks_to_issue_ex
  FROM sen2.stat_timeliness
 ORDER BY collection_year, level, la_code, breakdown_topic, breakdown_order, breakdown;

-- annual_reviews.csv.  LA 886: 10 plans; review expected (started by 2025-01-15) for
-- P1, P2, P12; meetings P1 (2025-03-10) and P2 (2025-05-01), none for P12; decisions
-- in 2025 for both, 10 days (P1, maintain) and 45 days (P2, amend) after the meeting.
-- Phase transfers: P1 final plan before its due date, P2 after.
-- LA 201: 5 plans, 3 expected (B1, B2, B3): B1 met in December 2024 and decided 19
-- days later (maintain); B2 met on 2026-01-05, 10 days before census: decision not
-- yet due; B3 met 2025-02-01 with no decision: outstanding.  B1's phase transfer
-- (due 2025-02-15) has no final plan.
-- LA 886 in 2025: 4 of 5 expected (P2 started 2024-05-20), all met and decided in 2024.
SELECT level, la_code, collection_year, total_ehc_plans, review_expected, review_expected_pc, review_not_expected,
       review_not_expected_pc, total_review_meeting, total_review_meeting_pc, review_meeting_in_period,
       review_meeting_before_period, review_meeting_after_period, no_review_meeting, no_review_meeting_pc,
       review_decision_in_period, review_decision_before_period, review_decision_after_period,
       review_decision_not_due, review_decision_outstanding, outcome_amend, outcome_maintain, outcome_cease,
       no_outcome, decision_within_4_weeks, decision_after_4_weeks, decision_within_4_weeks_pc,
       phase_transfers_due, phase_transfer_final_by_due, phase_transfer_final_late,
       phase_transfer_final_not_issued, phase_transfer_final_by_due_pc
  FROM sen2.stat_annual_reviews ORDER BY collection_year, level, la_code;

-- personal_budgets.csv.  LA 886: P1 (DP social care), P2 (organised arrangements,
-- DP education), P3 (DP 'Q' is not a code: budget counted, no type) -> 3 of 10; all
-- three in mainstream placements.  LA 201: none.
SELECT level, la_code, breakdown_topic, breakdown, total_ehc_plans, personal_budget, personal_budget_pc,
       org_arrangements, pb_education, pb_health, pb_social, pb_integrated
  FROM sen2.stat_personal_budgets
 WHERE collection_year = 2026
 ORDER BY level, la_code, breakdown_topic, breakdown_order, breakdown;

-- residential_settings.csv.  LA 886: P8 attends residentially (Res A); P4's plan
-- names a residential placement (PlanRes B); both in special schools.
SELECT level, la_code, breakdown_topic, breakdown, total_ehc_plans, res_a, res_b, res_total, plan_res_a, plan_res_b
  FROM sen2.stat_residential
 WHERE collection_year = 2026
 ORDER BY level, la_code, breakdown_topic, breakdown_order, breakdown;

-- work_based_placements.csv.  LA 886 on census day: P5 supported internship, P6
-- apprenticeship; during 2025 also P10 (traineeship, plan ceased in December).
SELECT level, la_code, total_ehc_plans, open_wbp, open_supp_intern, open_apprentice, open_trainee,
       wbp_in_period, supp_intern_in_period, apprentice_in_period, trainee_in_period
  FROM sen2.stat_work_based WHERE collection_year = 2026 ORDER BY level, la_code;

-- ceased_plans.csv.  LA 886: P9 (transferred to another LA, 16, held 7 years, last in
-- a PRU) and P10 (no reason recorded, 25, held 10 years, last in an FE college).
-- P11 ceased on census day 2026-01-15, after the calendar year: not counted.
SELECT level, la_code, breakdown_topic, breakdown, total_ceased, max_age, needs_met, he, employ, transfer,
       no_engage, moved_outside_eng, deceased, other, not_recorded, transfer_pc, no_engage_pc
  FROM sen2.stat_ceased
 ORDER BY collection_year, level, la_code, breakdown_topic, breakdown_order, breakdown;

-- sen2_dmo_dco.csv.  2026: LA 886 Y/Y/Y, LA 201 N/R/(none) -> DSCO "Not returned".
SELECT level, la_code, collection_year, officer, answer, returns, percent
  FROM sen2.stat_designated_officers
 ORDER BY collection_year, level, la_code, officer_order, answer_order;

-- The stored facts give the same tables.  refresh_statistics() stores the facts
-- of every request (22 + 6 + 5 = 33 in the three returns); with use_cache on,
-- the views read them and every view gives exactly the same rows.
SELECT sen2.refresh_statistics() AS stored;
SELECT cases, returns, parameters_match, in_use FROM sen2.stat_cache_status;
CREATE TEMPORARY TABLE live_rows AS
SELECT 'caseload' AS v, to_jsonb(x) AS r FROM sen2.stat_caseload x UNION ALL
SELECT 'new_plans', to_jsonb(x) FROM sen2.stat_new_plans x UNION ALL
SELECT 'primary_need', to_jsonb(x) FROM sen2.stat_primary_need x UNION ALL
SELECT 'requests', to_jsonb(x) FROM sen2.stat_requests x UNION ALL
SELECT 'assessments', to_jsonb(x) FROM sen2.stat_assessments x UNION ALL
SELECT 'timeliness', to_jsonb(x) FROM sen2.stat_timeliness x UNION ALL
SELECT 'annual_reviews', to_jsonb(x) FROM sen2.stat_annual_reviews x UNION ALL
SELECT 'personal_budgets', to_jsonb(x) FROM sen2.stat_personal_budgets x UNION ALL
SELECT 'residential', to_jsonb(x) FROM sen2.stat_residential x UNION ALL
SELECT 'work_based', to_jsonb(x) FROM sen2.stat_work_based x UNION ALL
SELECT 'ceased', to_jsonb(x) FROM sen2.stat_ceased x UNION ALL
SELECT 'plans', to_jsonb(x) FROM sen2.stat_plan x UNION ALL
SELECT 'requests_facts', to_jsonb(x) FROM sen2.stat_request x;
SET sen2.use_cache = on;
SELECT cases, returns, parameters_match, in_use FROM sen2.stat_cache_status;
CREATE TEMPORARY TABLE cached_rows AS
SELECT 'caseload' AS v, to_jsonb(x) AS r FROM sen2.stat_caseload x UNION ALL
SELECT 'new_plans', to_jsonb(x) FROM sen2.stat_new_plans x UNION ALL
SELECT 'primary_need', to_jsonb(x) FROM sen2.stat_primary_need x UNION ALL
SELECT 'requests', to_jsonb(x) FROM sen2.stat_requests x UNION ALL
SELECT 'assessments', to_jsonb(x) FROM sen2.stat_assessments x UNION ALL
SELECT 'timeliness', to_jsonb(x) FROM sen2.stat_timeliness x UNION ALL
SELECT 'annual_reviews', to_jsonb(x) FROM sen2.stat_annual_reviews x UNION ALL
SELECT 'personal_budgets', to_jsonb(x) FROM sen2.stat_personal_budgets x UNION ALL
SELECT 'residential', to_jsonb(x) FROM sen2.stat_residential x UNION ALL
SELECT 'work_based', to_jsonb(x) FROM sen2.stat_work_based x UNION ALL
SELECT 'ceased', to_jsonb(x) FROM sen2.stat_ceased x UNION ALL
SELECT 'plans', to_jsonb(x) FROM sen2.stat_plan x UNION ALL
SELECT 'requests_facts', to_jsonb(x) FROM sen2.stat_request x;
SELECT v, count(*) AS rows FROM cached_rows GROUP BY v ORDER BY v;
SELECT 'only live' AS side, v, count(*) FROM (SELECT * FROM live_rows EXCEPT ALL SELECT * FROM cached_rows) d GROUP BY v
UNION ALL
SELECT 'only cached', v, count(*) FROM (SELECT * FROM cached_rows EXCEPT ALL SELECT * FROM live_rows) d GROUP BY v;
-- stored facts are stale once the data changes: they stay in use until the next
-- refresh (use_cache is the reader's promise to refresh after loading)
UPDATE sen2.named_plan SET cease_date = '2025-11-30', cease_reason = '6'
 WHERE source_id = 'P1' AND return_id = (SELECT return_id FROM sen2.return WHERE label = 'stats fixture A26');
SELECT breakdown, ehc_plans FROM sen2.stat_caseload WHERE la_code = '886' AND collection_year = 2026 AND breakdown_topic = 'Total';
RESET sen2.use_cache;
SELECT breakdown, ehc_plans FROM sen2.stat_caseload WHERE la_code = '886' AND collection_year = 2026 AND breakdown_topic = 'Total';
ROLLBACK;

-- The age labels the views paste into their queries, at every boundary:
-- bands Under 5 / 5 to 10 / 11 to 15 / 16 to 19 / 20 to 25 / 26 and over,
-- single years Under 3 / Age 3 ... Age 25 / Age 26 and over, NULL Unknown.
SELECT format('SELECT a, %s, %s FROM (VALUES (NULL::int), (-1), (2), (3), (4), (5), (10), (11), (15), (16), (19), (20), (25), (26), (40)) v(a) ORDER BY a NULLS FIRST',
              sen2.stat_age_band_sql('a'), sen2.stat_age_year_sql('a')) \gexec
SELECT sen2.stat_age_band_sql(NULL) IS NULL AS no_expression_no_sql;
