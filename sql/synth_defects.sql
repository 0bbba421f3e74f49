-- Planted defects: bookkeeping in sen2.synthetic_defect, one defect per
-- person, each pointing at a real row whose value really is defective, and
-- nothing else changed.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
SET jit = off;

CREATE FUNCTION pg_temp.upn_ok(u text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT u ~ '^[ABCDEFGHJKLMNPQRTUVWXYZ][0-9]{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]$'
     AND substr(u, 1, 1) = substr('ABCDEFGHJKLMNPQRTUVWXYZ',
           (SELECT (sum(i * CASE WHEN substr(u, i, 1) ~ '[0-9]' THEN substr(u, i, 1)::int
                                 ELSE strpos('ABCDEFGHJKLMNPQRTUVWXYZ', substr(u, i, 1)) - 1 END) % 23)::int + 1
              FROM generate_series(2, 13) i), 1)
     AND EXISTS (SELECT 1 FROM sen2.la WHERE la_code = substr(u, 2, 3))
$$;
CREATE FUNCTION pg_temp.uln_ok(u text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT u ~ '^[0-9]{10}$'
     AND (SELECT s % 11 <> 0 AND substr(u, 10, 1)::int = 10 - s % 11
            FROM (SELECT sum((11 - i) * substr(u, i, 1)::int) AS s FROM generate_series(1, 9) i) x)
$$;

-- Every row of a return: table, id, person number, key path and items.
CREATE FUNCTION pg_temp.rows_of(rid bigint)
RETURNS TABLE (tab text, id bigint, pseq int, k int[], ptab text, parent bigint, j jsonb) LANGUAGE sql STABLE AS $$
  SELECT 'person', p.person_id, p.seq, ARRAY[p.seq], NULL, NULL::bigint, jsonb_strip_nulls(to_jsonb(p) - '{person_id,return_id}'::text[])
    FROM sen2.person p WHERE p.return_id = rid
  UNION ALL
  SELECT 'request', r.request_id, p.seq, ARRAY[p.seq, r.seq], 'person', p.person_id,
         jsonb_strip_nulls(to_jsonb(r) - '{request_id,person_id,return_id}'::text[])
    FROM sen2.request r JOIN sen2.person p USING (person_id) WHERE r.return_id = rid
  UNION ALL
  SELECT 'assessment', a.assessment_id, p.seq, ARRAY[p.seq, r.seq, 1], 'request', r.request_id,
         jsonb_strip_nulls(to_jsonb(a) - '{assessment_id,request_id,return_id}'::text[])
    FROM sen2.assessment a JOIN sen2.request r USING (request_id) JOIN sen2.person p USING (person_id)
   WHERE a.return_id = rid
  UNION ALL
  SELECT 'named_plan', n.named_plan_id, p.seq, ARRAY[p.seq, r.seq, 2], 'assessment', a.assessment_id,
         jsonb_strip_nulls(to_jsonb(n) - '{named_plan_id,assessment_id,return_id}'::text[])
    FROM sen2.named_plan n JOIN sen2.assessment a USING (assessment_id) JOIN sen2.request r USING (request_id)
    JOIN sen2.person p USING (person_id) WHERE n.return_id = rid
  UNION ALL
  SELECT 'plan_detail', d.plan_detail_id, p.seq, ARRAY[p.seq, r.seq, 3, d.seq], 'named_plan', d.named_plan_id,
         jsonb_strip_nulls(to_jsonb(d) - '{plan_detail_id,named_plan_id,return_id}'::text[])
    FROM sen2.plan_detail d JOIN sen2.named_plan n USING (named_plan_id) JOIN sen2.assessment a USING (assessment_id)
    JOIN sen2.request r USING (request_id) JOIN sen2.person p USING (person_id) WHERE d.return_id = rid
  UNION ALL
  SELECT 'active_plans', ap.active_plans_id, p.seq, ARRAY[p.seq, r.seq, 4], 'request', r.request_id,
         jsonb_strip_nulls(to_jsonb(ap) - '{active_plans_id,request_id,return_id}'::text[])
    FROM sen2.active_plans ap JOIN sen2.request r USING (request_id) JOIN sen2.person p USING (person_id)
   WHERE ap.return_id = rid
  UNION ALL
  SELECT 'placement_detail', d.placement_detail_id, p.seq, ARRAY[p.seq, r.seq, 5, d.seq], 'active_plans', d.active_plans_id,
         jsonb_strip_nulls(to_jsonb(d) - '{placement_detail_id,active_plans_id,return_id}'::text[])
    FROM sen2.placement_detail d JOIN sen2.active_plans ap USING (active_plans_id) JOIN sen2.request r USING (request_id)
    JOIN sen2.person p USING (person_id) WHERE d.return_id = rid
  UNION ALL
  SELECT 'sen_need', d.sen_need_id, p.seq, ARRAY[p.seq, r.seq, 6, d.seq], 'active_plans', d.active_plans_id,
         jsonb_strip_nulls(to_jsonb(d) - '{sen_need_id,active_plans_id,return_id}'::text[])
    FROM sen2.sen_need d JOIN sen2.active_plans ap USING (active_plans_id) JOIN sen2.request r USING (request_id)
    JOIN sen2.person p USING (person_id) WHERE d.return_id = rid
$$;

-- A return with defects and its clean twin (same seed, no defects).
SELECT sen2.synthesize('886', 2026, 3000, 7, 0.25) AS rid \gset
SELECT sen2.synthesize('886', 2026, 3000, 7, 0) AS twin \gset
ANALYZE sen2.person, sen2.request, sen2.assessment, sen2.named_plan, sen2.plan_detail,
        sen2.active_plans, sen2.placement_detail, sen2.sen_need, sen2.synthetic_defect;
CREATE TEMP TABLE r AS SELECT * FROM pg_temp.rows_of(:rid);
CREATE TEMP TABLE t AS SELECT * FROM pg_temp.rows_of(:twin);
CREATE TEMP TABLE d AS
SELECT sd.*, p.seq AS pseq, e.column_name, e.data_type, e.code_set, e.in_year, e.max_occurs
  FROM sen2.synthetic_defect sd
  LEFT JOIN sen2.person p USING (person_id)
  LEFT JOIN LATERAL (SELECT e.column_name, e.data_type, e.code_set, e.max_occurs,
                            bool_or(e.collection_year = 2026) OVER () AS in_year
                       FROM sen2.element e
                      WHERE e.module = sd.table_name AND e.element = sd.item
                      ORDER BY e.collection_year = 2026 DESC LIMIT 1) e ON true
 WHERE sd.return_id = :rid;

-- about defect_rate x (persons + the header) defects, one per person
SELECT count(*) AS defects, abs(count(*) - 0.25 * 3001) < 4 * sqrt(3001 * 0.25 * 0.75) AS near_rate_times_units,
       count(*) FILTER (WHERE table_name <> 'return') = count(DISTINCT person_id) AS one_per_person,
       count(DISTINCT kind) AS kinds_planted
  FROM d;
-- the bookkeeping agrees with the kind table
SELECT count(*) AS bad_kind_or_rule
  FROM d LEFT JOIN sen2.synthetic_defect_kind k USING (kind)
 WHERE k.kind IS NULL OR k.expected_rule_id <> d.expected_rule_id;
-- each defect points at a real row of its table, belonging to its person
SELECT count(*) AS dangling
  FROM d LEFT JOIN r ON r.tab = d.table_name AND r.id = d.row_id
 WHERE d.table_name <> 'return' AND (r.id IS NULL OR r.pseq IS DISTINCT FROM d.pseq);
SELECT count(*) AS dangling_header FROM d WHERE table_name = 'return' AND row_id <> :rid;
-- the recorded value is the value in the row
SELECT count(*) AS value_mismatch
  FROM d JOIN r ON r.tab = d.table_name AND r.id = d.row_id
 WHERE d.column_name IS NOT NULL AND (r.j ->> d.column_name) IS DISTINCT FROM d.value;
-- and it is defective in the way its kind says
SELECT d.expected_rule_id, count(*) AS defects,
       count(*) FILTER (WHERE CASE
         WHEN d.kind IN ('upn_check_letter', 'upn_unknown_la') THEN NOT pg_temp.upn_ok(d.value)
         WHEN d.kind = 'uln_check_digit' THEN NOT pg_temp.uln_ok(d.value)
         WHEN d.kind = 'upn_duplicate' THEN (SELECT count(*) FROM r s WHERE s.tab = 'person' AND s.j ->> 'upn' = d.value) = 2
         WHEN d.kind = 'item_not_in_year' THEN d.value IS NOT NULL AND NOT d.in_year
         WHEN d.kind = 'dmo_missing' THEN (SELECT dmo IS NULL FROM sen2.return WHERE return_id = :rid)
         WHEN d.kind = 'source_level_code' THEN (SELECT source_level <> 'L' FROM sen2.return WHERE return_id = :rid)
         WHEN d.kind LIKE '%\_invalid' THEN d.value IS NOT NULL AND sen2.iso_date(d.value) IS NULL
         WHEN d.kind LIKE '%\_code' THEN NOT EXISTS (SELECT 1 FROM sen2.code c WHERE c.collection_year = 2026
                                                      AND c.code_set = d.code_set AND c.code = d.value)
         WHEN d.kind LIKE '%not\_boolean' THEN d.value NOT IN ('0', '1')
         WHEN d.kind LIKE '%\_format' THEN CASE d.data_type WHEN 'urn' THEN d.value !~ '^[0-9]{6}$'
                                                WHEN 'ukprn' THEN d.value !~ '^[0-9]{8}$'
                                                WHEN 'postcode' THEN d.value !~ '^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$' END
         WHEN d.kind LIKE '%\_missing' AND d.column_name IS NOT NULL
           THEN d.value IS NULL AND (t.j ->> d.column_name) IS NOT NULL
         -- the others change items or rows: the row differs from its clean twin, is new, or lost children
         ELSE t.id IS NULL OR t.j IS DISTINCT FROM r.j
              OR (SELECT count(*) FROM r s WHERE s.ptab = d.table_name AND s.parent = d.row_id)
                 <> (SELECT count(*) FROM t s WHERE s.ptab = d.table_name AND s.parent = t.id)
       END) AS confirmed
  FROM d LEFT JOIN r ON r.tab = d.table_name AND r.id = d.row_id
         LEFT JOIN t ON t.tab = r.tab AND t.k = r.k
 GROUP BY 1 ORDER BY 1;
-- defects change their own person's tree and nothing else
WITH a AS (SELECT pseq, string_agg(tab || j::text, '|' ORDER BY k, tab) AS tree FROM r GROUP BY 1),
     b AS (SELECT pseq, string_agg(tab || j::text, '|' ORDER BY k, tab) AS tree FROM t GROUP BY 1)
SELECT count(*) FILTER (WHERE a.tree IS DISTINCT FROM b.tree) AS persons_changed,
       count(*) FILTER (WHERE a.tree IS DISTINCT FROM b.tree
                          AND NOT EXISTS (SELECT 1 FROM d WHERE d.pseq = a.pseq)) AS changed_without_defect
  FROM a JOIN b USING (pseq);
SELECT (SELECT count(*) FROM d WHERE table_name <> 'return') AS person_defects;

-- defect_rate 1: every person and the header carry one
SELECT sen2.synthesize('886', 2024, 200, 3, 1) AS all_rid \gset
SELECT count(*) AS defects, count(*) FILTER (WHERE table_name = 'return') AS header_defects
  FROM sen2.synthetic_defect WHERE return_id = :all_rid;

-- weight 0 switches a kind off; only the kinds left are planted
BEGIN;
UPDATE sen2.synthetic_defect_kind SET weight = 0 WHERE kind NOT IN ('upn_check_letter', 'surname_missing');
SELECT sen2.synthesize('886', 2025, 300, 5, 0.5) AS w_rid \gset
SELECT kind, count(*) > 0 AS planted FROM sen2.synthetic_defect WHERE return_id = :w_rid GROUP BY 1 ORDER BY 1;
ROLLBACK;
-- a kind with no planting code is refused
BEGIN;
INSERT INTO sen2.synthetic_defect_kind (kind, module, table_name, item, expected_rule_id, description, planting)
VALUES ('made_up', 'person', 'person', 'Surname', 'L01', 'test', 'test');
SELECT sen2.synthesize('886', 2025, 10, 5, 0.5);
ROLLBACK;

DELETE FROM sen2.return WHERE origin = 'synthetic';
