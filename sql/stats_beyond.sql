-- Statistics beyond the published tables (overdue annual reviews, time at
-- each stage, open cases past a statutory limit, comparing two returns),
-- the statistics parameters and the stored facts, on the fixture of
-- test/fixtures/stats_fixture.sql.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
-- error messages are shown without their (line-number-laden) context
\set SHOW_CONTEXT never
SET datestyle = 'ISO, YMD';
-- errors below are expected: psql rolls back to a savepoint and carries on
\set ON_ERROR_ROLLBACK on
BEGIN;
\set csv `cat test/fixtures/establishments_sample.csv`
SELECT sen2.load_establishments(:'csv') AS loaded;
\set ECHO none
\i test/fixtures/stats_fixture.sql
\set ECHO all

-- Overdue annual reviews on each return's census day.  A review is due 12 months
-- after the plan started or after the last review meeting.  P12 (started
-- 2022-09-01, never reviewed) has been due since 2023-09-01: 867 days; B1 (met
-- 2024-12-01) since 2025-12-01: 45 days.  Everyone else met within the year or
-- started less than a year before census day; P11's plan ended on census day.
SELECT o.la_code, o.collection_year, o.as_at, p.source_id AS person, o.surname, o.start_date,
       o.last_review_meeting, o.review_due, o.days_overdue
  FROM sen2.overdue_reviews_at_census o JOIN sen2.person p ON p.person_id = o.person_id
 ORDER BY o.collection_year, o.la_code, p.seq;
-- ... and on 2026-06-01 (2026 returns): P1 due 2026-03-10 (83 days), P2 2026-05-01 (31),
-- P8 2026-04-01 (61), P12 (1004), P22 2026-05-05 (27), B1 (182), B3 2026-02-01 (120),
-- B5 2026-03-01 (92), B6 2026-03-02 (91).  P9 and P10 ceased in 2025.
SELECT o.la_code, p.source_id AS person, o.review_due, o.days_overdue
  FROM sen2.overdue_reviews('2026-06-01') o JOIN sen2.person p ON p.person_id = o.person_id
 WHERE o.collection_year = 2026
 ORDER BY o.la_code, p.seq;
-- today's view: P12 is overdue whatever today is
SELECT count(*) > 0 AS some_overdue_today FROM sen2.overdue_reviews_today;

-- Time at each stage, per request (LA 886, 2026).  P7: 37 days to the decision to
-- assess, 334 more to the plan (371 in all).  P22's request date is invalid: only
-- the interval from the decision (2025-03-01) to the plan (2025-05-05, 65 days)
-- is known.  Open on census day: P15 (awaiting a decision, 45 days), P19
-- (assessing, 164 days), P20 (decided to issue, not yet issued, 106 days).
SELECT p.source_id AS person, w.stage, w.open, w.days_to_decision, w.weeks_to_decision,
       w.days_decision_to_outcome, w.weeks_decision_to_outcome, w.days_to_outcome, w.weeks_to_outcome,
       w.days_open_at_census
  FROM sen2.stage_waits w JOIN sen2.person p ON p.person_id = w.person_id
 WHERE w.la_code = '886' AND w.collection_year = 2026
 ORDER BY p.seq;

-- Open cases past a statutory limit on census day: P15 waited 45 days for a
-- decision to assess (6 weeks = 42 days were up on 2026-01-12: 3 days over);
-- P19 has been assessed for 164 days: past 16 weeks (due 2025-11-24, 52 days
-- over) and 20 weeks (due 2025-12-22, 24 days over).  P20 (106 days) is not late.
SELECT o.la_code, p.source_id AS person, o.stage, o.time_limit, o.limit_days, o.due_date, o.days_over
  FROM sen2.open_cases_overdue(NULL) o JOIN sen2.person p ON p.person_id = o.person_id
 ORDER BY o.la_code, p.seq, o.limit_days;
-- on 2026-03-01 P20 is 11 days past its 20-week date (2026-02-18) too
SELECT p.source_id AS person, o.time_limit, o.due_date, o.days_over
  FROM sen2.open_cases_overdue('2026-03-01') o JOIN sen2.person p ON p.person_id = o.person_id
 ORDER BY p.seq, o.limit_days;
SELECT count(*) AS open_and_late_today FROM sen2.open_cases_overdue_today;

-- Comparing last year's return of LA 886 with this year's.  P1 (matched by UPN)
-- moved from a VA school to a community school with resourced provision; P2
-- (matched by ULN) now has SEMH rather than SLCN as primary need; P10 (matched
-- by name and birth date) has a plan that ceased without a reason; X1 is not in
-- this year's return at all.  P9's plan ceased with a reason: nothing to report.
SELECT c.change, c.match_method, c.surname, c.forename, c.birth_date, c.old_value, c.new_value,
       c.old_person_id IS NOT NULL AS in_old, c.new_person_id IS NOT NULL AS in_new
  FROM sen2.compare_returns((SELECT return_id FROM sen2.return WHERE label = 'stats fixture A25'),
                            (SELECT return_id FROM sen2.return WHERE label = 'stats fixture A26')) c;
-- A return compared with itself: no changes, except that a person with no UPN,
-- no ULN and no valid birth date (P12) cannot be matched at all.
SELECT c.change, c.match_method, c.surname, c.new_value
  FROM sen2.compare_returns((SELECT return_id FROM sen2.return WHERE label = 'stats fixture A26'),
                            (SELECT return_id FROM sen2.return WHERE label = 'stats fixture A26')) c;
SELECT * FROM sen2.compare_returns(-1, (SELECT return_id FROM sen2.return WHERE label = 'stats fixture A26'));
SELECT * FROM sen2.compare_returns(NULL, 1);

-- The parameters, their defaults and where each value comes from.
SELECT name, value, source, default_value FROM sen2.stat_parameters ORDER BY name;
-- Values are checked when stored ...
INSERT INTO sen2.stat_parameter (name, value) VALUES ('timeliness_days', 'twenty weeks');
INSERT INTO sen2.stat_parameter (name, value) VALUES ('timeliness_days', '-3');
INSERT INTO sen2.stat_parameter (name, value) VALUES ('caseload_age_basis', 'birthday');
INSERT INTO sen2.stat_parameter (name, value) VALUES ('use_cache', 'maybe');
INSERT INTO sen2.stat_parameter (name, value) VALUES ('no_such_parameter', '1');
-- ... and when read from a session setting.
SET sen2.timeliness_days = 'abc';
SELECT count(*) FROM sen2.stat_timeliness;
RESET sen2.timeliness_days;
SELECT sen2.stat_setting('no_such_parameter');

-- A 141-day boundary moves P6 (141 days) into "within 20 weeks": 3 / 1 / 1.
INSERT INTO sen2.stat_parameter (name, value, note) VALUES ('timeliness_days', ' 141 ', 'test');
SELECT name, value, source FROM sen2.stat_parameters WHERE name = 'timeliness_days';
SELECT plans_issued_den, plans_issued_within_20_weeks, plans_issued_gt20weeks_ltyear, plans_issued_gt_1_year
  FROM sen2.stat_timeliness WHERE la_code = '886' AND collection_year = 2026 AND breakdown_topic = 'Total';
-- a session setting wins over the table: back to 140 for this session
SET sen2.timeliness_days = 140;
SELECT name, value, source FROM sen2.stat_parameters WHERE name = 'timeliness_days';
SELECT plans_issued_within_20_weeks, plans_issued_gt20weeks_ltyear
  FROM sen2.stat_timeliness WHERE la_code = '886' AND collection_year = 2026 AND breakdown_topic = 'Total';
RESET sen2.timeliness_days;
DELETE FROM sen2.stat_parameter;

-- A plan that ceases on census day counts as active only if active_on_cease_date:
-- LA 886 goes from 10 to 11 plans (P11).
SET sen2.active_on_cease_date = on;
SELECT ehc_plans FROM sen2.stat_caseload WHERE la_code = '886' AND collection_year = 2026 AND breakdown_topic = 'Total';
RESET sen2.active_on_cease_date;
-- Transfers in count as new plans when new_plans_exclude_transfers is off:
-- LA 886 gains P8, LA 201 gains B5 and B6.
SET sen2.new_plans_exclude_transfers = off;
SELECT la_code, ehc_plans FROM sen2.stat_new_plans
 WHERE level = 'return' AND collection_year = 2026 AND breakdown_topic = 'Total' ORDER BY la_code;
RESET sen2.new_plans_exclude_transfers;
-- Age on the 31 August before census day (2025-08-31) instead of on census day:
-- P1 (born 2012-03-10) is 13 either way; P3 (2020-02-14) 5 -> 5; P4 (2010-11-05)
-- 15 -> 14; P6 (2004-01-20) 21 -> 21; P22 (2021-01-01) 5 -> 4.
SET sen2.caseload_age_basis = 'august_31';
SELECT p.source_id AS person, f.age_at_census
  FROM sen2.stat_plan f JOIN sen2.person p ON p.person_id = f.person_id
 WHERE f.la_code = '886' AND f.collection_year = 2026 AND p.source_id IN ('P1', 'P3', 'P4', 'P6', 'P22')
 ORDER BY p.seq;
RESET sen2.caseload_age_basis;
-- Years in place as completed years: P2 (2024-05-20) is 1, not 2; P1 (2019-06-01) 6, not 7.
SET sen2.years_in_place_basis = 'completed_years';
SELECT p.source_id AS person, f.years_in_place
  FROM sen2.stat_plan f JOIN sen2.person p ON p.person_id = f.person_id
 WHERE f.la_code = '886' AND f.collection_year = 2026 AND p.source_id IN ('P1', 'P2')
 ORDER BY p.seq;
RESET sen2.years_in_place_basis;
-- DS as a need of its own: P6's primary need is then Down syndrome.
SET sen2.down_syndrome_as_other = off;
SELECT p.source_id AS person, f.primary_need_code, f.primary_need
  FROM sen2.stat_plan f JOIN sen2.person p ON p.person_id = f.person_id
 WHERE f.la_code = '886' AND f.collection_year = 2026 AND p.source_id = 'P6';
RESET sen2.down_syndrome_as_other;
-- Leaving out cases that went to mediation or tribunal from the 20-week figures:
-- P4 and P6 drop out (6 -> 4 plans).
SET sen2.timeliness_exclude_disputes = on;
SELECT plans_issued_den, plans_issued_within_20_weeks, plans_issued_gt20weeks_ltyear, plans_issued_gt_1_year
  FROM sen2.stat_timeliness WHERE la_code = '886' AND collection_year = 2026 AND breakdown_topic = 'Total';
RESET sen2.timeliness_exclude_disputes;
-- Assessments by the year their request was received: P7 (received 2024) and
-- P22 (invalid date) drop out; 11 -> 9.
SET sen2.assessment_year_basis = 'request_date';
SELECT assess_in_year, assess_issued FROM sen2.stat_assessments
 WHERE la_code = '886' AND collection_year = 2026 AND breakdown_topic = 'Total';
RESET sen2.assessment_year_basis;

-- The stored facts are read only while the parameters match those they were
-- computed with.
SELECT sen2.refresh_statistics() AS stored;
SET sen2.use_cache = on;
SELECT parameters_match, in_use FROM sen2.stat_cache_status;
SET sen2.timeliness_days = 141;
SELECT parameters_match, in_use FROM sen2.stat_cache_status;
-- ... so the figures follow the new parameter (computed live)
SELECT plans_issued_within_20_weeks FROM sen2.stat_timeliness
 WHERE la_code = '886' AND collection_year = 2026 AND breakdown_topic = 'Total';
RESET sen2.timeliness_days;
RESET sen2.use_cache;

-- With row-level security on the staging tables only a role that sees every
-- return may store the facts.
ALTER TABLE sen2.person ENABLE ROW LEVEL SECURITY;
CREATE ROLE stats_test_reader NOLOGIN;
GRANT USAGE ON SCHEMA sen2 TO stats_test_reader;
SET ROLE stats_test_reader;
SELECT sen2.refresh_statistics();
RESET ROLE;
ROLLBACK;
