-- Synthetic returns reproduce the national shares (national-figures.md, the
-- DfE 2025 release: caseload January 2025, flows in calendar 2024) within a
-- tolerance, for a 20,000-person return of collection year 2025.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
SET jit = off;

SELECT sen2.synthesize('886', 2025, 20000, 2025) AS rid \gset
ANALYZE sen2.person, sen2.request, sen2.assessment, sen2.named_plan, sen2.plan_detail,
        sen2.active_plans, sen2.placement_detail, sen2.sen_need;

CREATE TEMP TABLE m (measure text, value numeric, national numeric, tolerance numeric);

WITH c AS (SELECT reference_date AS rd, period_start AS ps, period_end AS pe FROM sen2.collection WHERE collection_year = 2025),
plan AS (
  SELECT p.person_id, p.sex, sen2.iso_date(p.person_birth_date) AS birth, r.request_id,
         sen2.iso_date(r.received_date) AS recv, a.assessment_outcome AS ao,
         sen2.iso_date(a.assessment_outcome_date) AS issued, a.week20,
         sen2.iso_date(n.start_date) AS start, sen2.iso_date(n.cease_date) AS cease, n.cease_reason, n.pb,
         ap.active_plans_id, sen2.iso_date(ap.review_meeting) AS meeting, sen2.iso_date(ap.last_review) AS decided
    FROM sen2.named_plan n JOIN sen2.assessment a USING (assessment_id) JOIN sen2.request r USING (request_id)
    JOIN sen2.person p USING (person_id) LEFT JOIN sen2.active_plans ap USING (request_id)
   WHERE n.return_id = :rid),
active AS (SELECT plan.*, extract(year FROM age(c.rd, birth))::int AS age FROM plan, c WHERE start <= c.rd AND (cease IS NULL OR cease > c.rd)),
issued AS (SELECT plan.*, issued - recv AS days FROM plan, c WHERE ao = 'Y' AND issued BETWEEN c.ps AND c.pe),
req AS (SELECT r.*, sen2.iso_date(r.received_date) AS recv, sen2.iso_date(r.request_outcome_date) AS dec
          FROM sen2.request r, c WHERE r.return_id = :rid AND sen2.iso_date(r.received_date) BETWEEN c.ps AND c.pe),
ass AS (SELECT a.assessment_outcome AS ao, sen2.iso_date(a.assessment_outcome_date) - sen2.iso_date(r.received_date) AS days
          FROM sen2.assessment a JOIN sen2.request r USING (request_id), c
         WHERE a.return_id = :rid AND sen2.iso_date(a.assessment_outcome_date) BETWEEN c.ps AND c.pe),
need AS (SELECT n.sen_type FROM sen2.sen_need n JOIN active USING (active_plans_id) WHERE n.sen_type_rank = '1'),
place AS (
  SELECT CASE WHEN d.sen_setting = 'EYP' THEN 'early years' WHEN d.sen_setting IS NOT NULL THEN 'elsewhere'
              WHEN d.urn IS NULL THEN 'FE' WHEN d.urn::int BETWEEN 160000 AND 166999 THEN 'special'
              WHEN d.urn::int BETWEEN 167000 AND 167999 THEN 'AP' WHEN d.ukprn IS NOT NULL OR d.urn::int >= 168000 THEN 'FE'
              ELSE 'mainstream' END AS grp
    FROM sen2.placement_detail d JOIN active USING (active_plans_id), c
   WHERE d.placement_rank = '1' AND sen2.iso_date(d.entry_date) <= c.rd
     AND (d.leaving_date IS NULL OR sen2.iso_date(d.leaving_date) >= c.rd)),
reviews AS (SELECT active.* FROM active, c WHERE start <= c.rd - 365),
ceased AS (SELECT * FROM plan, c WHERE cease BETWEEN c.ps AND c.pe)
INSERT INTO m
SELECT 'caseload: male %', 100.0 * avg((sex = 'M')::int), 70.6, 2.5 FROM active
UNION ALL SELECT 'caseload: age 0-4 %', 100.0 * avg((age < 5)::int), 4.3, 1.5 FROM active
UNION ALL SELECT 'caseload: age 5-10 %', 100.0 * avg((age BETWEEN 5 AND 10)::int), 33.3, 2.5 FROM active
UNION ALL SELECT 'caseload: age 11-15 %', 100.0 * avg((age BETWEEN 11 AND 15)::int), 36.5, 2.5 FROM active
UNION ALL SELECT 'caseload: age 16-19 %', 100.0 * avg((age BETWEEN 16 AND 19)::int), 20.0, 2.0 FROM active
UNION ALL SELECT 'caseload: age 20-25 %', 100.0 * avg((age >= 20)::int), 5.8, 1.5 FROM active
UNION ALL SELECT 'caseload: primary need ASD %', 100.0 * avg((sen_type = 'ASD')::int), 31.5, 2.0 FROM need
UNION ALL SELECT 'caseload: primary need SLCN %', 100.0 * avg((sen_type = 'SLCN')::int), 21.3, 2.0 FROM need
UNION ALL SELECT 'caseload: primary need SEMH %', 100.0 * avg((sen_type = 'SEMH')::int), 20.7, 2.0 FROM need
UNION ALL SELECT 'caseload: primary need MLD %', 100.0 * avg((sen_type = 'MLD')::int), 10.6, 1.5 FROM need
UNION ALL SELECT 'caseload: primary need OTH + DS %', 100.0 * avg((sen_type IN ('OTH', 'DS'))::int), 1.2, 0.6 FROM need
UNION ALL SELECT 'caseload: mainstream %', 100.0 * avg((grp = 'mainstream')::int), 44.9, 3.0 FROM place
UNION ALL SELECT 'caseload: special %', 100.0 * avg((grp = 'special')::int), 31.3, 3.0 FROM place
UNION ALL SELECT 'caseload: FE %', 100.0 * avg((grp = 'FE')::int), 14.2, 2.0 FROM place
UNION ALL SELECT 'caseload: educated elsewhere %', 100.0 * avg((grp = 'elsewhere')::int), 8.0, 2.0 FROM place
UNION ALL SELECT 'caseload: personal budget %', 100.0 * avg((pb = '1')::int), 3.1, 1.0 FROM active
UNION ALL SELECT 'caseload: age at start 5-10 %', 100.0 * avg((extract(year FROM age(start, birth)) BETWEEN 5 AND 10)::int), 50.2, 4.0 FROM active
UNION ALL SELECT 'new plans: age at start under 5 %', 100.0 * avg((age(start, birth) < interval '5 years')::int), 15.9, 3.0 FROM issued
UNION ALL SELECT 'new plans: age at start 11-15 %', 100.0 * avg((extract(year FROM age(start, birth)) BETWEEN 11 AND 15)::int), 28.2, 3.0 FROM issued
UNION ALL SELECT 'new plans: male %', 100.0 * avg((sex = 'M')::int), 66.7, 3.0 FROM issued
UNION ALL SELECT 'requests received per active plan', (SELECT count(*) FROM req)::numeric / (SELECT count(*) FROM active), 0.242, 0.02
UNION ALL SELECT 'requests: agreed to assess %', 100.0 * avg((request_outcome = 'Y')::int), 65.4, 3.0 FROM req
UNION ALL SELECT 'requests: refused %', 100.0 * avg((request_outcome = 'N')::int), 25.2, 3.0 FROM req
UNION ALL SELECT 'requests: decision pending %', 100.0 * avg((request_outcome = 'A')::int), 7.8, 2.0 FROM req
UNION ALL SELECT 'requests: decided within 6 weeks %', 100.0 * avg((dec - recv <= 42)::int), 84.8, 3.0 FROM req WHERE dec IS NOT NULL
UNION ALL SELECT 'new plans issued per active plan', (SELECT count(*) FROM issued)::numeric / (SELECT count(*) FROM active), 0.153, 0.015
UNION ALL SELECT 'assessments: issued % of decided', 100.0 * avg((ao = 'Y')::int), 93.9, 2.5 FROM ass WHERE ao IN ('Y', 'N')
UNION ALL SELECT 'assessments: not issued within 16 weeks %', 100.0 * avg((days <= 112)::int), 34.1, 8.0 FROM ass WHERE ao = 'N'
UNION ALL SELECT 'timeliness: within 20 weeks % (inc. exceptions)', 100.0 * avg((days <= 140)::int), 45.9, 3.0 FROM issued
UNION ALL SELECT 'timeliness: within 20 weeks % (exc. exceptions)', 100.0 * avg((days <= 140)::int), 46.4, 3.0 FROM issued WHERE week20 = '0'
UNION ALL SELECT 'timeliness: over 52 weeks %', 100.0 * avg((days > 364)::int), 7.2, 2.0 FROM issued
UNION ALL SELECT 'timeliness: exceptions %', 100.0 * avg((week20 = '1')::int), 6.1, 1.5 FROM issued
UNION ALL SELECT 'ceased per active plan', (SELECT count(*) FROM ceased)::numeric / (SELECT count(*) FROM active), 0.070, 0.01
UNION ALL SELECT 'ceased: transferred to another LA %', 100.0 * avg((cease_reason = '5')::int), 31.1, 4.0 FROM ceased
UNION ALL SELECT 'ceased: no longer engaging %', 100.0 * avg((cease_reason = '6')::int), 35.9, 4.0 FROM ceased
UNION ALL SELECT 'reviews: meeting in the period % of expected', 100.0 * avg(coalesce(meeting BETWEEN c.ps AND c.pe, false)::int), 60.7, 4.0 FROM reviews, c
UNION ALL SELECT 'reviews: no meeting % of expected', 100.0 * avg((meeting IS NULL)::int), 13.5, 3.0 FROM reviews
UNION ALL SELECT 'reviews: decision within 4 weeks %', 100.0 * avg((decided - meeting <= 28)::int), 44.4, 5.0 FROM reviews WHERE decided IS NOT NULL;

SELECT measure, round(value, 3) AS value, national, abs(value - national) <= tolerance AS within_tolerance
  FROM m ORDER BY measure;

DELETE FROM sen2.return WHERE return_id = :rid;
