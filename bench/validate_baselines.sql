-- Baselines for sen2.validate, shared by bench/validate.sh and bench/run:
-- the bare-scan floor and a plain-SQL subset of the rules (collection 2026).

-- The loader's first read: seq in person_id order, stopped at the first
-- person out of file order; true when file order is person_id order.
CREATE FUNCTION bench_seq_in_id_order(rid bigint) RETURNS boolean
AS '$libdir/sen2', 'sen2_seq_in_id_order_sql' LANGUAGE C STRICT;

-- The floor: the loader's queries (src/model_load.c), read to the end with
-- no checks (the executor may leave out columns nobody reads, so this is a
-- lower bound).  Like the loader: seq read in person_id order, and only when
-- file order is not person_id order, the persons' ranks in file order; the
-- person rows in person_id order; requests with their one-to-one modules;
-- the three repeated groups with their person.
CREATE FUNCTION bench_floor(rid bigint) RETURNS bigint LANGUAGE sql AS $$
  SELECT CASE WHEN bench_seq_in_id_order(rid) THEN 0
              ELSE (SELECT count(*) FROM (SELECT q.person_id, q.pos
                                            FROM (SELECT p.person_id, row_number() OVER (ORDER BY p.seq, p.person_id) AS pos
                                                    FROM sen2.person p WHERE p.return_id = rid) q
                                           ORDER BY q.person_id OFFSET 0) q) END
       + (SELECT count(*) FROM (SELECT p.* FROM sen2.person p WHERE p.return_id = rid ORDER BY p.person_id OFFSET 0) q)
       + (SELECT count(*) FROM (SELECT r.*, a.*, n.*, ap.*
                                  FROM sen2.request r
                                  LEFT JOIN sen2.assessment a ON a.request_id = r.request_id AND a.return_id = rid
                                  LEFT JOIN sen2.named_plan n ON n.assessment_id = a.assessment_id AND n.return_id = rid
                                  LEFT JOIN sen2.active_plans ap ON ap.request_id = r.request_id AND ap.return_id = rid
                                 WHERE r.return_id = rid ORDER BY r.person_id, r.seq, r.request_id OFFSET 0) q)
       + (SELECT count(*) FROM (SELECT r.person_id, r.request_id, d.*
                                  FROM sen2.plan_detail d
                                  JOIN sen2.named_plan n ON n.named_plan_id = d.named_plan_id AND n.return_id = rid
                                  JOIN sen2.assessment a ON a.assessment_id = n.assessment_id AND a.return_id = rid
                                  JOIN sen2.request r ON r.request_id = a.request_id AND r.return_id = rid
                                 WHERE d.return_id = rid ORDER BY r.person_id, d.named_plan_id, d.seq, d.plan_detail_id OFFSET 0) q)
       + (SELECT count(*) FROM (SELECT r.person_id, r.request_id, d.*
                                  FROM sen2.placement_detail d
                                  JOIN sen2.active_plans ap ON ap.active_plans_id = d.active_plans_id AND ap.return_id = rid
                                  JOIN sen2.request r ON r.request_id = ap.request_id AND r.return_id = rid
                                 WHERE d.return_id = rid ORDER BY r.person_id, d.active_plans_id, d.seq, d.placement_detail_id OFFSET 0) q)
       + (SELECT count(*) FROM (SELECT r.person_id, r.request_id, d.*
                                  FROM sen2.sen_need d
                                  JOIN sen2.active_plans ap ON ap.active_plans_id = d.active_plans_id AND ap.return_id = rid
                                  JOIN sen2.request r ON r.request_id = ap.request_id AND r.return_id = rid
                                 WHERE d.return_id = rid ORDER BY r.person_id, d.active_plans_id, d.seq, d.sen_need_id OFFSET 0) q)
$$;

-- 12 representative checks as plain SQL: presence, code sets, UPN check
-- letter and LA, dates, cross-item and cross-record rules.
CREATE FUNCTION bench_plain_sql(rid bigint) RETURNS bigint LANGUAGE sql AS $$
  WITH c AS (SELECT * FROM sen2.collection WHERE collection_year = 2026),
  f AS (
    SELECT 'L01' AS rule_id, p.person_id AS row_id FROM sen2.person p
     WHERE p.return_id = rid AND (coalesce(p.surname, '') = '' OR coalesce(p.forename, '') = ''
           OR coalesce(p.person_birth_date, '') = '' OR coalesce(p.sex, '') = '' OR coalesce(p.ethnicity, '') = '')
    UNION ALL
    SELECT 'P01b', p.person_id FROM sen2.person p
     WHERE p.return_id = rid AND (NOT EXISTS (SELECT 1 FROM sen2.code k WHERE k.collection_year = 2026
                                               AND k.code_set = 'sex' AND k.code = p.sex)
                               OR NOT EXISTS (SELECT 1 FROM sen2.code k WHERE k.collection_year = 2026
                                               AND k.code_set = 'ethnicity' AND k.code = p.ethnicity))
    UNION ALL
    SELECT 'P04', p.person_id FROM sen2.person p
     WHERE p.return_id = rid AND p.upn IS NOT NULL
       AND (p.upn !~ '^[ABCDEFGHJKLMNPQRTUVWXYZ][0-9]{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]$'
            OR NOT EXISTS (SELECT 1 FROM sen2.la l WHERE l.la_code = substr(p.upn, 2, 3))
            OR substr(p.upn, 1, 1) <> substr('ABCDEFGHJKLMNPQRTUVWXYZ',
                 (SELECT sum((k + 1) * CASE WHEN substr(p.upn, k + 1, 1) ~ '[0-9]' THEN substr(p.upn, k + 1, 1)::int
                                          ELSE strpos('ABCDEFGHJKLMNPQRTUVWXYZ', substr(p.upn, k + 1, 1)) - 1 END)
                    FROM generate_series(1, 12) k)::int % 23 + 1, 1))
    UNION ALL
    SELECT 'P02', p.person_id FROM sen2.person p, c WHERE p.return_id = rid AND sen2.iso_date(p.person_birth_date) > c.reference_date
    UNION ALL
    SELECT 'P08a', p.person_id FROM sen2.person p
     WHERE p.return_id = rid AND p.upn IN (SELECT upn FROM sen2.person WHERE return_id = rid GROUP BY upn HAVING count(*) > 1)
    UNION ALL
    SELECT 'R03a', r.request_id FROM sen2.request r
     WHERE r.return_id = rid AND r.request_outcome IN ('Y', 'N') AND coalesce(r.request_outcome_date, '') = ''
    UNION ALL
    SELECT 'R04a', r.request_id FROM sen2.request r
     WHERE r.return_id = rid AND sen2.iso_date(r.request_outcome_date) < sen2.iso_date(r.received_date)
    UNION ALL
    SELECT 'R05', r.request_id FROM sen2.request r
     WHERE r.return_id = rid AND r.request_outcome IN ('Y', 'N')
       AND sen2.iso_date(r.request_outcome_date) - sen2.iso_date(r.received_date) > 42
    UNION ALL
    SELECT 'R10', r.request_id FROM sen2.request r
     WHERE r.return_id = rid AND r.request_outcome = 'Y'
       AND NOT EXISTS (SELECT 1 FROM sen2.assessment a WHERE a.request_id = r.request_id)
    UNION ALL
    SELECT 'N03a', n.named_plan_id FROM sen2.named_plan n
     WHERE n.return_id = rid AND sen2.iso_date(n.cease_date) < sen2.iso_date(n.start_date)
    UNION ALL
    SELECT 'AP03', ap.active_plans_id FROM sen2.active_plans ap
      JOIN sen2.assessment a ON a.request_id = ap.request_id
      JOIN sen2.named_plan n ON n.assessment_id = a.assessment_id, c
     WHERE ap.return_id = rid AND coalesce(sen2.iso_date(n.cease_date), 'infinity') > c.reference_date
       AND NOT EXISTS (SELECT 1 FROM sen2.placement_detail d
                        WHERE d.active_plans_id = ap.active_plans_id AND d.placement_rank = '1'
                          AND sen2.iso_date(d.entry_date) <= c.reference_date
                          AND coalesce(sen2.iso_date(d.leaving_date), 'infinity') >= c.reference_date)
    UNION ALL
    SELECT 'AP05c', s.active_plans_id FROM sen2.sen_need s
     WHERE s.return_id = rid GROUP BY s.active_plans_id
    HAVING count(*) FILTER (WHERE s.sen_type_rank = '1') <> 1 OR count(*) FILTER (WHERE s.sen_type_rank = '2') > 1)
  SELECT count(*) FROM f
$$;
