-- The validator finds every defect sen2.synthesize plants, by the rule the
-- defect kind names, for the right person (recall), and nothing else: every
-- finding that the clean twin (same seed, defect_rate 0) does not have is
-- explained by a defect planted on that person (precision).  The clean
-- return has no errors (its queries are the statutory-time ones real
-- returns have: late decisions, overdue reviews).
BEGIN;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS sen2;
SELECT plan(6);

SELECT sen2.synthesize('886', 2026, 4000, 21, 0) AS r0 \gset
SELECT sen2.synthesize('886', 2026, 4000, 21, 0.1) AS r1 \gset
CREATE TEMP TABLE f0 AS SELECT * FROM sen2.validate(:r0);
CREATE TEMP TABLE f1 AS SELECT * FROM sen2.validate(:r1);

SELECT is((SELECT count(*) FROM f0 WHERE severity = 'error'), 0::bigint, 'a clean synthetic return has no errors');
SELECT cmp_ok((SELECT count(*) FROM f0 WHERE severity = 'query'), '>', 0::bigint,
              'it has the statutory-time queries a real return has');
SELECT cmp_ok((SELECT count(*) FROM sen2.synthetic_defect WHERE return_id = :r1), '>', 300::bigint,
              'about 10% of 4,000 persons carry a planted defect');
SELECT cmp_ok((SELECT count(DISTINCT kind) FROM sen2.synthetic_defect WHERE return_id = :r1), '>', 50::bigint,
              'the defects span many kinds');
SELECT is((SELECT count(*) FROM sen2.synthetic_defect d LEFT JOIN sen2.person p USING (person_id)
            WHERE d.return_id = :r1
              AND NOT EXISTS (SELECT 1 FROM f1 f WHERE f.rule_id = d.expected_rule_id
                                 AND CASE WHEN d.person_id IS NULL THEN f.table_name = 'return'
                                          ELSE f.person_source_id = p.source_id END)),
          0::bigint, 'recall: every planted defect is reported by its expected rule for its person');
SELECT is((SELECT count(*)
             FROM (SELECT rule_id, coalesce(person_source_id, '') AS ps, item, coalesce(value, '') FROM f1
                   EXCEPT
                   SELECT rule_id, coalesce(person_source_id, ''), item, coalesce(value, '') FROM f0) f
            WHERE NOT EXISTS (
                  SELECT 1 FROM sen2.synthetic_defect d
                    LEFT JOIN sen2.person p USING (person_id)
                    JOIN sen2.synthetic_defect_kind k USING (kind)
                   WHERE d.return_id = :r1
                     AND (f.rule_id = d.expected_rule_id OR f.rule_id = ANY (k.also_rules))
                     AND CASE WHEN d.person_id IS NULL THEN f.ps = '' ELSE f.ps = p.source_id END)),
          0::bigint, 'precision: every finding the clean twin lacks is explained by a planted defect');

SELECT * FROM finish();
ROLLBACK;
