-- Synthetic returns: shape, year-awareness, validity of clean data, determinism.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
SET jit = off;	-- the checks below are big queries over small tables

-- Independent re-implementations of the identifier checks (sen2-spec.md 6.2, 6.3).
CREATE FUNCTION pg_temp.upn_ok(u text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT u ~ '^[ABCDEFGHJKLMNPQRTUVWXYZ][0-9]{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]$'
     AND substr(u, 1, 1) = substr('ABCDEFGHJKLMNPQRTUVWXYZ',
           (SELECT (sum(i * CASE WHEN substr(u, i, 1) ~ '[0-9]' THEN substr(u, i, 1)::int
                                 ELSE strpos('ABCDEFGHJKLMNPQRTUVWXYZ', substr(u, i, 1)) - 1 END) % 23)::int + 1
              FROM generate_series(2, 13) i), 1)
$$;
CREATE FUNCTION pg_temp.uln_ok(u text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT u ~ '^[0-9]{10}$'
     AND (SELECT s % 11 <> 0 AND substr(u, 10, 1)::int = 10 - s % 11
            FROM (SELECT sum((11 - i) * substr(u, i, 1)::int) AS s FROM generate_series(1, 9) i) x)
$$;

-- Every item of a return as (module, column, value), with the row's key path.
CREATE FUNCTION pg_temp.synth_rows(rid bigint)
RETURNS TABLE (module text, k int[], j jsonb) LANGUAGE sql STABLE AS $$
  SELECT 'person', ARRAY[p.seq], jsonb_strip_nulls(to_jsonb(p) - '{person_id,return_id}'::text[])
    FROM sen2.person p WHERE p.return_id = rid
  UNION ALL
  SELECT 'request', ARRAY[p.seq, r.seq], jsonb_strip_nulls(to_jsonb(r) - '{request_id,person_id,return_id}'::text[])
    FROM sen2.request r JOIN sen2.person p USING (person_id) WHERE r.return_id = rid
  UNION ALL
  SELECT 'assessment', ARRAY[p.seq, r.seq, 1], jsonb_strip_nulls(to_jsonb(a) - '{assessment_id,request_id,return_id}'::text[])
    FROM sen2.assessment a JOIN sen2.request r USING (request_id) JOIN sen2.person p USING (person_id)
   WHERE a.return_id = rid
  UNION ALL
  SELECT 'named_plan', ARRAY[p.seq, r.seq, 2], jsonb_strip_nulls(to_jsonb(n) - '{named_plan_id,assessment_id,return_id}'::text[])
    FROM sen2.named_plan n JOIN sen2.assessment a USING (assessment_id) JOIN sen2.request r USING (request_id)
    JOIN sen2.person p USING (person_id) WHERE n.return_id = rid
  UNION ALL
  SELECT 'plan_detail', ARRAY[p.seq, r.seq, 3, d.seq], jsonb_strip_nulls(to_jsonb(d) - '{plan_detail_id,named_plan_id,return_id}'::text[])
    FROM sen2.plan_detail d JOIN sen2.named_plan n USING (named_plan_id) JOIN sen2.assessment a USING (assessment_id)
    JOIN sen2.request r USING (request_id) JOIN sen2.person p USING (person_id) WHERE d.return_id = rid
  UNION ALL
  SELECT 'active_plans', ARRAY[p.seq, r.seq, 4], jsonb_strip_nulls(to_jsonb(ap) - '{active_plans_id,request_id,return_id}'::text[])
    FROM sen2.active_plans ap JOIN sen2.request r USING (request_id) JOIN sen2.person p USING (person_id)
   WHERE ap.return_id = rid
  UNION ALL
  SELECT 'placement_detail', ARRAY[p.seq, r.seq, 5, d.seq],
         jsonb_strip_nulls(to_jsonb(d) - '{placement_detail_id,active_plans_id,return_id}'::text[])
    FROM sen2.placement_detail d JOIN sen2.active_plans ap USING (active_plans_id) JOIN sen2.request r USING (request_id)
    JOIN sen2.person p USING (person_id) WHERE d.return_id = rid
  UNION ALL
  SELECT 'sen_need', ARRAY[p.seq, r.seq, 6, d.seq], jsonb_strip_nulls(to_jsonb(d) - '{sen_need_id,active_plans_id,return_id}'::text[])
    FROM sen2.sen_need d JOIN sen2.active_plans ap USING (active_plans_id) JOIN sen2.request r USING (request_id)
    JOIN sen2.person p USING (person_id) WHERE d.return_id = rid
$$;

-- A fingerprint of everything the generator wrote (ids, timestamps and label left out).
CREATE FUNCTION pg_temp.synth_md5(rid bigint) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT md5(concat_ws(E'\n',
           (SELECT concat_ws('|', la_code, collection_year, origin, collection, year, reference_date,
                             source_level, lea, dmo, dco, dsco)
              FROM sen2.return WHERE return_id = rid),
           (SELECT string_agg(module || ' ' || j::text, E'\n' ORDER BY k, module) FROM pg_temp.synth_rows(rid)),
           (SELECT string_agg(concat_ws('|', p.seq, d.table_name, d.item, d.kind, d.expected_rule_id, d.value),
                              E'\n' ORDER BY p.seq, d.table_name, d.item)
              FROM sen2.synthetic_defect d LEFT JOIN sen2.person p USING (person_id) WHERE d.return_id = rid)))
$$;

-- Problems in a clean synthetic return: layout, codes, formats, and the
-- structural rules of sen2-spec.md 6.5 re-stated in plain SQL.  Lists only
-- checks with violations.
CREATE FUNCTION pg_temp.synth_problems(rid bigint)
RETURNS TABLE (check_name text, violations bigint) LANGUAGE sql STABLE AS $$
WITH ret AS (
  SELECT r.return_id, r.la_code, r.collection_year AS y, c.reference_date AS rd, c.period_start AS ps, c.period_end AS pe
    FROM sen2.return r JOIN sen2.collection c USING (collection_year) WHERE r.return_id = rid),
codes AS MATERIALIZED (
  SELECT c.code_set, c.code FROM sen2.code c, ret WHERE c.collection_year = ret.y),
las AS MATERIALIZED (SELECT la_code, kind FROM sen2.la),
elem AS MATERIALIZED (SELECT e.* FROM sen2.element e, ret WHERE e.collection_year = ret.y AND e.kind = 'item'),
vals AS MATERIALIZED (
  SELECT s.module, s.k, i.column_name, s.j ->> i.column_name AS v
    FROM pg_temp.synth_rows(rid) s
    JOIN (SELECT DISTINCT e.module, e.column_name FROM sen2.element e WHERE e.kind = 'item') i ON i.module = s.module),
lay AS MATERIALIZED (
  SELECT v.*, e.element, e.data_type, e.code_set, e.requirement, c.code AS known_code
    FROM vals v
    LEFT JOIN elem e ON e.module = v.module AND e.column_name = v.column_name
    LEFT JOIN codes c ON c.code_set = e.code_set AND c.code = v.v),
pers AS (
  SELECT p.*, sen2.iso_date(p.person_birth_date) AS birth FROM sen2.person p WHERE p.return_id = rid),
req AS (
  SELECT r.*, sen2.iso_date(r.received_date) AS recv, sen2.iso_date(r.request_outcome_date) AS dec
    FROM sen2.request r WHERE r.return_id = rid),
plan AS (
  SELECT r.person_id, r.request_id, a.assessment_outcome, sen2.iso_date(a.assessment_outcome_date) AS issued,
         n.named_plan_id, sen2.iso_date(n.start_date) AS start, sen2.iso_date(n.cease_date) AS cease, n.cease_reason,
         n.pb, n.oa, n.dp
    FROM sen2.named_plan n JOIN sen2.assessment a USING (assessment_id) JOIN sen2.request r USING (request_id)
   WHERE n.return_id = rid),
active AS (
  SELECT plan.*, ap.active_plans_id FROM plan JOIN sen2.active_plans ap USING (request_id), ret
   WHERE plan.start <= ret.rd AND (plan.cease IS NULL OR plan.cease > ret.rd)),
pl AS (
  SELECT d.*, sen2.iso_date(d.entry_date) AS e, sen2.iso_date(d.leaving_date) AS l
    FROM sen2.placement_detail d WHERE d.return_id = rid),
checks AS (
  SELECT 'item not in the year''s layout' AS c, count(*) AS n FROM lay WHERE v IS NOT NULL AND element IS NULL
  UNION ALL SELECT 'code not in the year''s code set', count(*) FROM lay
   WHERE v IS NOT NULL AND code_set IS NOT NULL AND known_code IS NULL
  UNION ALL SELECT 'mandatory item missing', count(*) FROM lay WHERE v IS NULL AND requirement = 'M'
  UNION ALL SELECT 'date not a real ISO date', count(*) FROM lay WHERE v IS NOT NULL AND data_type = 'date' AND sen2.iso_date(v) IS NULL
  UNION ALL SELECT 'bad UPN', count(*) FROM lay WHERE v IS NOT NULL AND data_type = 'upn'
     AND (NOT pg_temp.upn_ok(v) OR NOT EXISTS (SELECT 1 FROM las WHERE la_code = substr(v, 2, 3)))
  UNION ALL SELECT 'bad ULN', count(*) FROM lay WHERE v IS NOT NULL AND data_type = 'uln' AND NOT pg_temp.uln_ok(v)
  UNION ALL SELECT 'bad URN', count(*) FROM lay WHERE v IS NOT NULL AND data_type = 'urn' AND v !~ '^[0-9]{6}$'
  UNION ALL SELECT 'bad UKPRN', count(*) FROM lay WHERE v IS NOT NULL AND data_type = 'ukprn' AND v !~ '^[0-9]{8}$'
  UNION ALL SELECT 'bad postcode', count(*) FROM lay WHERE v IS NOT NULL AND data_type = 'postcode'
     AND v !~ '^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][ABDEFGHJLNPQRSTUWXYZ]{2}$'
  UNION ALL SELECT 'LA code not English or own LA', count(*) FROM lay, ret WHERE v IS NOT NULL AND data_type = 'la'
     AND (v = ret.la_code OR NOT EXISTS (SELECT 1 FROM las WHERE la_code = v AND kind = 'england'))
  UNION ALL SELECT 'H04 DMO/DCO missing', count(*) FROM sen2.return WHERE return_id = rid AND (dmo IS NULL OR dco IS NULL)
  UNION ALL SELECT 'P02/P03 birth after RD or age < 0 at request', count(*) FROM pers JOIN req USING (person_id), ret
   WHERE pers.birth > ret.rd OR req.recv < pers.birth
  UNION ALL SELECT 'P03 over 25 with an active plan', count(*) FROM pers JOIN active USING (person_id), ret
   WHERE extract(year FROM age(make_date(extract(year FROM ret.rd)::int - 1, 8, 31), pers.birth)) > 25
  UNION ALL SELECT 'P06 no UPN, ULN or reason / reason with UPN', count(*) FROM pers
   WHERE (upn IS NULL AND uln IS NULL AND upn_unknown IS NULL) OR (upn_unknown IS NOT NULL AND (upn IS NOT NULL OR uln IS NOT NULL))
  UNION ALL SELECT 'P07 UN1 at 6 or over', count(*) FROM pers, ret WHERE upn_unknown = 'UN1' AND age(ret.rd, birth) >= interval '6 years'
  UNION ALL SELECT 'P08 duplicate UPN or ULN', (SELECT count(*) - count(DISTINCT upn) FROM pers WHERE upn IS NOT NULL)
                                             + (SELECT count(*) - count(DISTINCT uln) FROM pers WHERE uln IS NOT NULL)
  UNION ALL SELECT 'P09 duplicate name and birth date', count(*) - count(DISTINCT (surname, forename, person_birth_date)) FROM pers
  UNION ALL SELECT 'P10 person without request', count(*) FROM pers WHERE NOT EXISTS (SELECT 1 FROM req WHERE req.person_id = pers.person_id)
  UNION ALL SELECT 'R02 received missing (not H) or after RD', count(*) FROM req, ret
   WHERE (recv IS NULL AND request_outcome <> 'H') OR recv > ret.rd
  UNION ALL SELECT 'R03 decision date iff Y/N', count(*) FROM req WHERE (dec IS NOT NULL) <> (request_outcome IN ('Y', 'N'))
  UNION ALL SELECT 'R04 received <= decided <= RD', count(*) FROM req, ret WHERE dec < recv OR dec > ret.rd
  UNION ALL SELECT 'R07 request source missing where compulsory', count(*) FROM req, ret, elem e
   WHERE e.module = 'request' AND e.column_name = 'request_source' AND e.requirement <> 'O'
     AND req.recv BETWEEN ret.ps AND ret.pe AND req.request_source IS NULL
  UNION ALL SELECT 'R10/R11 assessment iff Y or H', count(*) FROM req
   WHERE (request_outcome = 'Y' OR EXISTS (SELECT 1 FROM sen2.assessment a WHERE a.request_id = req.request_id))
     AND NOT (request_outcome IN ('Y', 'H') AND EXISTS (SELECT 1 FROM sen2.assessment a WHERE a.request_id = req.request_id))
  UNION ALL SELECT 'R12 request out of scope', count(*) FROM req, ret
   WHERE NOT (recv BETWEEN ret.ps AND ret.pe OR dec BETWEEN ret.ps AND ret.pe
              OR EXISTS (SELECT 1 FROM plan WHERE plan.request_id = req.request_id
                          AND (plan.cease IS NULL OR plan.cease >= ret.ps)
                          AND (plan.issued IS NULL OR plan.issued >= ret.ps OR plan.assessment_outcome = 'H'))
              OR EXISTS (SELECT 1 FROM sen2.assessment a WHERE a.request_id = req.request_id
                          AND (a.assessment_outcome IN ('A', 'W') OR sen2.iso_date(a.assessment_outcome_date) >= ret.ps
                               OR (a.assessment_outcome = 'Y' AND a.assessment_outcome_date IS NULL))))
  UNION ALL SELECT 'R13 active plan block without plan', count(*) FROM sen2.active_plans ap
   WHERE ap.return_id = rid AND NOT EXISTS (SELECT 1 FROM plan WHERE plan.request_id = ap.request_id)
  UNION ALL SELECT 'A02 decision date rules', count(*) FROM sen2.assessment a
   WHERE a.return_id = rid AND ((a.assessment_outcome = 'N' AND a.assessment_outcome_date IS NULL)
         OR (a.assessment_outcome IN ('A', 'W', 'H') AND a.assessment_outcome_date IS NOT NULL))
  UNION ALL SELECT 'A03 decided <= issued <= RD', count(*) FROM sen2.assessment a JOIN req USING (request_id), ret
   WHERE sen2.iso_date(a.assessment_outcome_date) < coalesce(req.dec, req.recv) OR sen2.iso_date(a.assessment_outcome_date) > ret.rd
  UNION ALL SELECT 'A05 Week20 missing on an issued plan', count(*) FROM sen2.assessment a
   WHERE a.return_id = rid AND a.assessment_outcome = 'Y' AND a.assessment_outcome_date IS NOT NULL AND a.week20 IS NULL
  UNION ALL SELECT 'A07 plan iff issued or historical', count(*) FROM sen2.assessment a
   WHERE a.return_id = rid
     AND (EXISTS (SELECT 1 FROM sen2.named_plan n WHERE n.assessment_id = a.assessment_id) AND a.assessment_outcome NOT IN ('Y', 'H')
          OR NOT EXISTS (SELECT 1 FROM sen2.named_plan n WHERE n.assessment_id = a.assessment_id)
             AND (a.assessment_outcome = 'H' OR a.assessment_outcome_date IS NOT NULL AND a.assessment_outcome = 'Y'))
  UNION ALL SELECT 'A08 transfer in not H', count(*) FROM sen2.active_plans ap JOIN sen2.assessment a USING (request_id)
   WHERE ap.return_id = rid AND ap.transfer_la IS NOT NULL AND a.assessment_outcome <> 'H'
  UNION ALL SELECT 'N01 start after RD', count(*) FROM plan, ret WHERE start > ret.rd
  UNION ALL SELECT 'N02 new plan start <> issue date', count(*) FROM plan WHERE assessment_outcome = 'Y' AND issued <> start
  UNION ALL SELECT 'N03 cease before start/after RD, reason iff date', count(*) FROM plan, ret
   WHERE cease < start OR cease > ret.rd OR (cease IS NULL) <> (cease_reason IS NULL)
  UNION ALL SELECT 'N04 max age reason under 19', count(*) FROM plan JOIN pers USING (person_id)
   WHERE cease_reason = '1'
     AND age(make_date(extract(year FROM cease)::int + (extract(month FROM cease) >= 9)::int, 8, 31), pers.birth) < interval '19 years'
  UNION ALL SELECT 'N05 plan details not 1-2 with one main', count(*) FROM plan
   WHERE (SELECT count(*) FROM sen2.plan_detail d WHERE d.named_plan_id = plan.named_plan_id) NOT BETWEEN 1 AND 2
      OR (SELECT count(*) FROM sen2.plan_detail d WHERE d.named_plan_id = plan.named_plan_id AND d.placement_rank = '1') <> 1
  UNION ALL SELECT 'N06 setting unidentified / no explanation', count(*) FROM sen2.plan_detail d
   WHERE d.return_id = rid AND ((urn IS NULL AND ukprn IS NULL AND sen_setting IS NULL)
         OR (sen_setting IN ('OTH', 'NIEO') AND sen_setting_other IS NULL))
  UNION ALL SELECT 'N08 OA/DP without PB', count(*) FROM plan WHERE (oa IS NOT NULL OR dp IS NOT NULL) AND pb IS DISTINCT FROM '1'
  UNION ALL SELECT 'AP02 no placement / entry after RD / leaving before entry', count(*) FROM sen2.active_plans ap, ret
   WHERE ap.return_id = rid
     AND (NOT EXISTS (SELECT 1 FROM sen2.placement_detail d WHERE d.active_plans_id = ap.active_plans_id)
          OR EXISTS (SELECT 1 FROM sen2.placement_detail d WHERE d.active_plans_id = ap.active_plans_id
                      AND (sen2.iso_date(d.entry_date) > ret.rd OR sen2.iso_date(d.leaving_date) < sen2.iso_date(d.entry_date))))
  UNION ALL SELECT 'AP03 active plan without a main placement on RD', count(*) FROM active, ret
   WHERE NOT EXISTS (SELECT 1 FROM pl WHERE pl.active_plans_id = active.active_plans_id AND pl.placement_rank = '1'
                      AND pl.e <= ret.rd AND (pl.l IS NULL OR pl.l >= ret.rd))
  UNION ALL SELECT 'AP04 overlapping main placements', count(*) FROM pl a JOIN pl b USING (active_plans_id)
   WHERE a.placement_detail_id < b.placement_detail_id AND a.placement_rank = '1' AND b.placement_rank = '1'
     AND daterange(a.e, a.l, '[]') && daterange(b.e, b.l, '[]')
  UNION ALL SELECT 'AP05 needs not 1-2, one primary, distinct', count(*) FROM sen2.active_plans ap
   WHERE ap.return_id = rid
     AND ((SELECT count(*) FROM sen2.sen_need n WHERE n.active_plans_id = ap.active_plans_id) NOT BETWEEN 1 AND 2
          OR (SELECT count(*) FROM sen2.sen_need n WHERE n.active_plans_id = ap.active_plans_id AND sen_type_rank = '1') <> 1
          OR (SELECT count(DISTINCT sen_type) FROM sen2.sen_need n WHERE n.active_plans_id = ap.active_plans_id)
             <> (SELECT count(*) FROM sen2.sen_need n WHERE n.active_plans_id = ap.active_plans_id))
  UNION ALL SELECT 'AP06 review order', count(*) FROM sen2.active_plans ap, ret
   WHERE ap.return_id = rid AND ((review_outcome IS NOT NULL AND review_meeting IS NULL)
         OR sen2.iso_date(last_review) < sen2.iso_date(review_meeting) OR sen2.iso_date(last_review) > ret.rd)
  UNION ALL SELECT 'AP09 draft only after amend, in order', count(*) FROM sen2.active_plans ap, ret
   WHERE ap.return_id = rid AND review_draft IS NOT NULL
     AND (review_outcome IS DISTINCT FROM 'A' OR sen2.iso_date(review_draft) < sen2.iso_date(review_meeting)
          OR sen2.iso_date(review_draft) > ret.rd)
  UNION ALL SELECT 'AP12 two plans active for one person', count(*) - count(DISTINCT person_id) FROM active
)
SELECT c, n FROM checks WHERE n <> 0 ORDER BY c
$$;

-- A small return for each layout year: counts per module, and no problems.
SELECT sen2.synthesize('886', 2023, 1000, 42) AS r2023 \gset
SELECT sen2.synthesize('886', 2024, 1000, 42) AS r2024 \gset
SELECT sen2.synthesize('886', 2025, 1000, 42) AS r2025 \gset
SELECT sen2.synthesize('886', 2026, 1000, 42) AS r2026 \gset
ANALYZE sen2.person, sen2.request, sen2.assessment, sen2.named_plan, sen2.plan_detail,
        sen2.active_plans, sen2.placement_detail, sen2.sen_need;

SELECT r.collection_year, r.origin, r.year, r.reference_date, r.lea, r.source_level,
       r.dmo IS NOT NULL AS dmo, r.dco IS NOT NULL AS dco, r.dsco IS NOT NULL AS dsco
  FROM sen2.return r WHERE return_id IN (:r2023, :r2024, :r2025, :r2026) ORDER BY 1;
SELECT r.collection_year, s.module, count(*)
  FROM sen2.return r, pg_temp.synth_rows(r.return_id) s
 WHERE r.return_id IN (:r2023, :r2026) GROUP BY 1, 2 ORDER BY 1, 2;

SELECT 2023 AS y, * FROM pg_temp.synth_problems(:r2023);
SELECT 2024 AS y, * FROM pg_temp.synth_problems(:r2024);
SELECT 2025 AS y, * FROM pg_temp.synth_problems(:r2025);
SELECT 2026 AS y, * FROM pg_temp.synth_problems(:r2026);

-- Year-aware items: which year-specific items carry values.
SELECT r.collection_year,
       count(p.gender) AS gender, count(p.sex) AS sex,
       (SELECT count(request_source) FROM sen2.request q WHERE q.return_id = r.return_id) AS request_source,
       (SELECT count(review_meeting) FROM sen2.active_plans a WHERE a.return_id = r.return_id) AS review_meeting,
       (SELECT count(review_draft) FROM sen2.active_plans a WHERE a.return_id = r.return_id) AS review_draft,
       (SELECT count(phase_transfer_due_date) FROM sen2.active_plans a WHERE a.return_id = r.return_id) AS phase_transfer,
       (SELECT count(*) FROM sen2.sen_need n WHERE n.return_id = r.return_id AND sen_type = 'DS') AS ds,
       (SELECT count(*) FROM sen2.placement_detail d WHERE d.return_id = r.return_id AND sen_setting = 'OTH') AS oth_setting
  FROM sen2.return r JOIN sen2.person p USING (return_id)
 WHERE r.return_id IN (:r2023, :r2024, :r2025, :r2026) GROUP BY r.return_id ORDER BY 1;
-- where Res sits: on ActivePlans in 2023, on PlacementDetail from 2024
SELECT r.collection_year,
       (SELECT count(res) FROM sen2.active_plans a WHERE a.return_id = r.return_id) AS res_on_active_plans,
       (SELECT count(res) FROM sen2.placement_detail d WHERE d.return_id = r.return_id) AS res_on_placement
  FROM sen2.return r WHERE r.return_id IN (:r2023, :r2026) ORDER BY 1;

-- Determinism: a pinned fingerprint, the same again later in the session
-- after other calls, a different one for another seed.
SELECT pg_temp.synth_md5(:r2026) AS md5_2026 \gset
SELECT :'md5_2026' AS pinned_fingerprint_2026_seed_42;
SELECT sen2.synthesize('886', 2026, 1000, 43) AS other \gset
SELECT sen2.synthesize('886', 2026, 1000, 42) AS again \gset
SELECT pg_temp.synth_md5(:again) = :'md5_2026' AS same_seed_same_rows,
       pg_temp.synth_md5(:other) <> :'md5_2026' AS other_seed_other_rows;
-- persons are built independently: the first 400 of 1,000 are the 400 of a smaller return
SELECT sen2.synthesize('886', 2026, 400, 42) AS small \gset
SELECT count(*) AS differing_persons
  FROM pg_temp.synth_rows(:small) s FULL JOIN (SELECT * FROM pg_temp.synth_rows(:r2026) WHERE k[1] <= 400) b
       USING (module, k)
 WHERE s.j IS DISTINCT FROM b.j;
-- the LA changes the establishments and postcodes, not the people
SELECT sen2.synthesize('330', 2026, 1000, 42) AS brum \gset
SELECT count(*) FILTER (WHERE a.j - '{post_code,upn}'::text[] = b.j - '{post_code,upn}'::text[]) AS same_person_items,
       count(*) FILTER (WHERE a.j ->> 'post_code' = b.j ->> 'post_code') AS same_postcodes
  FROM pg_temp.synth_rows(:r2026) a JOIN pg_temp.synth_rows(:brum) b USING (module, k) WHERE module = 'person';

-- An empty return is allowed.
SELECT sen2.synthesize('886', 2026, 0, 1) AS empty \gset
SELECT count(*) FROM sen2.person WHERE return_id = :empty;

DELETE FROM sen2.return WHERE origin = 'synthetic';
